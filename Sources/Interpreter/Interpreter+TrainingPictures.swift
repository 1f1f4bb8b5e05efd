import Attention
import Teaching
import Training

/// A trained task's curves as pictures: `export loss FILE.svg`, `export prune-curve FILE.svg`,
/// and the training part of `export html`.
extension Interpreter {
    /// `export loss FILE.svg`: every training batch's loss, and its accuracy with the held-out
    /// accuracy at the saved points, against the step.
    func exportLoss(to path: String, session: Session) throws -> String {
        try requireSVG(path, name: "loss")
        guard let task = session.task else {
            throw UserError("there is no task, so no loss curve to draw", hint: "`task previous-two`, then `train 300`")
        }
        guard let chart = lossChart(task) else {
            throw UserError("nothing has been trained yet, so there is no loss curve", hint: "`train 300`")
        }
        try writeText(chart, to: path)
        return "wrote the loss and accuracy curves of \(task.history.count) steps to \(path): open it in a browser"
    }

    /// `export prune-curve FILE.svg`: held-out accuracy against heads removed, one line per
    /// metric's order and one for random orders (computed as `prune curve` computes it).
    func exportPruneCurve(to path: String, session: Session) throws -> String {
        try requireSVG(path, name: "prune-curve")
        let (curve, sequences) = try pruneCurveData(session)
        try writeText(pruneChart(curve, sequences: sequences), to: path)
        return "wrote the accuracy of \(curve.lines.count) orders of removal to \(path): open it in a browser"
    }

    private func requireSVG(_ path: String, name: String) throws {
        guard path.lowercased().hasSuffix(".svg") else {
            throw UserError("\(name) is drawn as an SVG picture", hint: "export \(name) \(name).svg")
        }
    }

    /// The loss and accuracy curves of every step trained, or nil before any.
    func lossChart(_ task: TaskState) -> String? {
        guard !task.history.isEmpty else { return nil }
        let losses = task.history.map { (x: Double($0.step), y: $0.loss) }
        let finite = losses.map(\.y).filter { $0.isFinite && $0 > 0 }
        // Logarithmic when the loss falls by more than a factor of ten, as `train`'s curve.
        let logarithmic = (finite.min().map { low in (finite.max() ?? low) / low > 10 }) ?? false
        let heldOut = task.snapshots.filter(\.accuracy.isFinite).map { (x: Double($0.step), y: $0.accuracy) }
        var accuracy = [SVGChart.Series(name: "training batch", points: task.history.map { (x: Double($0.step), y: $0.accuracy) })]
        if !heldOut.isEmpty {
            accuracy.append(SVGChart.Series(name: "held-out (\(task.snapshotSequences) sequences)", points: heldOut, markers: true))
        }
        return SVGChart.render(title: "Training on \(task.model.task.rawValue): loss and accuracy", panels: [
            SVGChart.Panel(title: "loss of each training batch", xLabel: "step", yLabel: "cross-entropy loss",
                           series: [SVGChart.Series(name: "batch loss", points: losses)], logarithmic: logarithmic),
            SVGChart.Panel(title: "accuracy", xLabel: "step", yLabel: "accuracy", series: accuracy, yRange: 0...1),
        ])
    }

    func pruneChart(_ curve: PruneCurve, sequences: Int) -> String {
        let series = curve.lines.map { line in
            SVGChart.Series(name: line.name, points: line.accuracy.enumerated().map { (x: Double($0.offset), y: $0.element) },
                            dashed: line.order.isEmpty, markers: true)
        }
        return SVGChart.render(title: "Pruning: held-out accuracy as heads are removed", panels: [
            SVGChart.Panel(title: "least important first, by each metric (first \(sequences) held-out sequences)",
                           xLabel: "heads removed", yLabel: "held-out accuracy", series: series, yRange: 0...1),
        ])
    }

    /// What the web page shows of a task: nil without one.
    func trainingRecord(_ session: Session) throws -> TrainingRecord? {
        guard let task = session.task else { return nil }
        let (train, test) = try accuracies(task, gates: session.gates)
        let summary = "Task \(task.model.task.rawValue): \(task.trainer.steps) steps trained; training accuracy "
            + String(format: "%.3f", train) + ", held-out accuracy " + String(format: "%.3f", test) + " (\(task.heldOutCount) held-out sequences)."
            + (task.measured.curve == nil ? " `prune curve` before `export html` adds the pruning curves." : "")
        let heldOut = task.heldOut   // made afresh on every read
        let tokens = task.snapshots.first.map { heldOut[$0.sample] } ?? []
        let curve = task.measured.curve.map { pruneChart($0, sequences: min(Self.importanceSequences, heldOut.count)) }
        return TrainingRecord(
            summary: summary, lossChart: lossChart(task), pruneChart: curve,
            labels: tokens.enumerated().map { TaskState.label($0.element, at: $0.offset, vocab: task.model.vocab) },
            blocked: tokens.isEmpty ? nil : Mask.causal(tokens.count),
            snapshots: task.snapshots.enumerated().map { (caption: Self.snapshotCaption($0.offset, $0.element), weights: $0.element.weights) })
    }
}
