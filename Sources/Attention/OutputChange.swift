/// How far a layer's output moved when some heads were pruned or gated: the relative change
/// ||O_changed - O||_F / ||O||_F over every row given, and the same for each row alone. Rows of
/// NaN (queries with no visible key) are best left out of `rows`.
public struct OutputChange: Equatable, Sendable {
    /// The rows measured (0-based query indices), in order.
    public let rows: [Int]
    /// The change over all of `rows`; nil when the unchanged output is zero there.
    public let overall: Double?
    /// The change of each row of `rows`, in the same order; nil for a row that is zero in the
    /// unchanged output.
    public let perRow: [Double?]

    public init(changed: Matrix, unchanged: Matrix, rows: [Int]) {
        self.rows = rows
        overall = changed.relativeChange(from: unchanged, rows: rows)
        perRow = rows.map { changed.relativeChange(from: unchanged, rows: [$0]) }
    }
}
