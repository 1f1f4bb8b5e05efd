/// A dense matrix of `Double`s stored row-major: element (i, j) is `values[i * cols + j]`.
///
/// Rows are tokens and columns are features, as in the paper's `Q = X W_Q` where X is
/// n x d_model. A `Matrix` always has at least one row and one column. Operations that need
/// fitting shapes throw `AttentionError.shapeMismatch` naming both shapes; they never trap.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// Row-major storage, `rows * cols` elements.
    public internal(set) var values: [Double]

    /// A matrix from row-major storage. Throws when `values.count != rows * cols`.
    public init(rows: Int, cols: Int, values: [Double]) throws {
        guard rows > 0, cols > 0 else { throw AttentionError.emptyMatrix }
        guard values.count == rows * cols else {
            throw AttentionError.wrongElementCount(expected: rows * cols, found: values.count)
        }
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// A `rows x cols` matrix with every element `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows > 0 && cols > 0, "a Matrix needs at least one row and one column")
        self.rows = rows
        self.cols = cols
        self.values = Array(repeating: value, count: rows * cols)
    }

    /// A matrix from nested rows, `[[1, 2], [3, 4]]`. Throws on ragged or empty input.
    public init(_ nested: [[Double]]) throws {
        guard let first = nested.first, !first.isEmpty else { throw AttentionError.emptyMatrix }
        for (index, row) in nested.enumerated() where row.count != first.count {
            throw AttentionError.raggedRows(row: index, length: row.count, expected: first.count)
        }
        try self.init(rows: nested.count, cols: first.count, values: nested.flatMap { $0 })
    }

    /// A `rows x cols` matrix whose storage `initialize` writes in full, every element once (in
    /// row-major order or any other): nothing is zeroed or copied first.
    @usableFromInline
    init(rows: Int, cols: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Double>) -> Void) {
        precondition(rows > 0 && cols > 0, "a Matrix needs at least one row and one column")
        self.rows = rows
        self.cols = cols
        self.values = [Double](unsafeUninitializedCapacity: rows * cols) { buffer, count in
            initialize(buffer)
            count = rows * cols
        }
    }

    /// A matrix whose elements are `element(i, j)`.
    public init(rows: Int, cols: Int, element: (Int, Int) -> Double) {
        self.init(rows: rows, cols: cols) { storage in
            for i in 0..<rows {
                for j in 0..<cols { storage[i * cols + j] = element(i, j) }
            }
        }
    }

    /// The n x n identity.
    public static func identity(_ n: Int) -> Matrix {
        Matrix(rows: n, cols: n) { i, j in i == j ? 1 : 0 }
    }

    public var shape: Shape { Shape(rows, cols) }

    public subscript(row: Int, col: Int) -> Double {
        get { values[row * cols + col] }
        set { values[row * cols + col] = newValue }
    }

    /// Row `i` as an array (a token's vector).
    public func row(_ i: Int) -> [Double] {
        Array(values[(i * cols)..<((i + 1) * cols)])
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        (0..<rows).map { values[$0 * cols + j] }
    }

    /// The rows as nested arrays, for export and display.
    public var nestedRows: [[Double]] {
        (0..<rows).map(row)
    }
}
