/// A mistake in the input to the attention maths: shapes that do not fit together or a
/// configuration that cannot work. Each case carries what is needed to say what went wrong
/// and how to fix it; `description` words it.
public enum AttentionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two operands of `operation` do not fit: `requirement` says which dimensions must agree.
    case shapeMismatch(operation: String, left: Shape, right: Shape, requirement: String)
    /// A vector (a bias) whose length does not match what it is added to.
    case lengthMismatch(operation: String, expected: Int, found: Int)
    /// A block of rows or columns outside the matrix.
    case blockOutOfRange(operation: String, range: Range<Int>, limit: Int)
    /// A matrix needs at least one row and one column.
    case emptyMatrix
    /// Element storage whose count is not rows * cols.
    case wrongElementCount(expected: Int, found: Int)
    /// Rows of different lengths in a nested array.
    case raggedRows(row: Int, length: Int, expected: Int)
    /// A required tensor of the configuration is missing.
    case missing(name: String)
    /// Any other impossible configuration, worded in full with a hint.
    case invalid(String)
    /// Ctrl-C asked a long computation to stop (`Interruption`).
    case interrupted

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, left, right, requirement):
            return "\(operation): shapes \(left) and \(right) do not fit (\(requirement))"
        case let .lengthMismatch(operation, expected, found):
            return "\(operation): the vector has length \(found) but \(expected) is needed"
        case let .blockOutOfRange(operation, range, limit):
            return "\(operation): block \(range.lowerBound)..<\(range.upperBound) is outside 0..<\(limit)"
        case .emptyMatrix:
            return "a matrix needs at least one row and one column"
        case let .wrongElementCount(expected, found):
            return "expected \(expected) values (rows x cols) but found \(found)"
        case let .raggedRows(row, length, expected):
            return "row \(row) has \(length) values but row 0 has \(expected): every row needs the same length"
        case let .missing(name):
            return "\(name) is not defined"
        case let .invalid(message):
            return message
        case .interrupted:
            return "stopped by Ctrl-C"
        }
    }
}
