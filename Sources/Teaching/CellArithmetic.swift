/// The arithmetic behind one cell: the terms that add up to it and the worked text.
/// `terms` sum to `value` for sums (scores, projections, head outputs, output); for a softmax
/// weight they are the row's exponentials and `value` = `terms[key] / sum(terms)`.
public struct CellArithmetic: Sendable {
    public var value: Double
    public var terms: [Double]
    public var text: String
}
