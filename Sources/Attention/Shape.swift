/// The shape of a matrix: `rows x cols`, printed the way the learner reads it ("3 x 4").
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    public var rows: Int
    public var cols: Int

    public init(_ rows: Int, _ cols: Int) {
        self.rows = rows
        self.cols = cols
    }

    public var description: String { "\(rows) x \(cols)" }
}
