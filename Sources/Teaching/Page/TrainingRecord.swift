import Attention

/// A trained task as the page shows it: a sentence on where training stands, the loss and
/// accuracy curves and the pruning curves (as the SVG pictures `export loss` and `export
/// prune-curve` write), and every head's attention at the points saved during training.
public struct TrainingRecord: Sendable {
    public var summary: String
    public var lossChart: String?
    public var pruneChart: String?
    /// The labels of the held-out sequence the saved points show, and its mask.
    public var labels: [String]
    public var blocked: Mask?
    public var snapshots: [(caption: String, weights: [Matrix])]

    public init(summary: String, lossChart: String?, pruneChart: String?, labels: [String], blocked: Mask?,
                snapshots: [(caption: String, weights: [Matrix])]) {
        self.summary = summary
        self.lossChart = lossChart
        self.pruneChart = pruneChart
        self.labels = labels
        self.blocked = blocked
        self.snapshots = snapshots
    }

    func data(format: NumberFormat) -> PageJSON {
        var pairs: [(String, PageJSON)] = [("summary", .string(summary))]
        if let lossChart { pairs.append(("lossChart", .string(SVGChart.inline(lossChart)))) }
        if let pruneChart { pairs.append(("pruneChart", .string(SVGChart.inline(pruneChart)))) }
        pairs.append(("labels", .strings(labels)))
        if let blocked { pairs.append(("blocked", SessionPage.blockedRows(blocked))) }
        pairs.append(("snapshots", .array(snapshots.map { point in
            .object([("caption", .string(point.caption)), ("weights", .array(point.weights.map { SessionPage.rows($0, format: format) }))])
        })))
        return .object(pairs)
    }
}
