/// A dense array of `Double` values of rank 1, 2 or 3, stored in row-major
/// (C) order.
///
/// Layout: for shape `[d0, d1, d2]` the value at index `[i, j, k]` lives at
/// `values[(i * d1 + j) * d2 + k]`; a rank-2 array `[rows, columns]` is stored
/// row after row, and a rank-1 array is simply its list of values.
///
/// The validating initialisers guarantee that `values.count` equals the
/// product of `shape`, that the rank is 1, 2 or 3 and that no dimension is
/// zero. Because both properties are mutable, code that edits them directly is
/// responsible for keeping them consistent; ``isWellFormed`` reports whether
/// they still are. The writers in this module never crash on an inconsistent
/// array (see ``NPY/encode(_:)`` and ``JSONArrayText/format(_:)``), and
/// ``TensorFile/write(_:path:)`` refuses one with an error.
public struct NDArray: Equatable, Sendable {
    /// The size of each dimension, outermost first.
    public var shape: [Int]
    /// All values in row-major order.
    public var values: [Double]

    /// Creates an array after checking that `shape` and `values` agree.
    ///
    /// - Throws: ``TensorFileError/unsupportedRank(_:)`` unless the rank is
    ///   1 to 4 (4 only for writing: a model's attention, layers x heads x n x n); ``TensorFileError/emptyArray(at:)`` if a dimension is zero;
    ///   ``TensorFileError/invalidShape(shape:valueCount:)`` if a dimension is
    ///   negative or the number of values is not the product of the shape.
    public init(shape: [Int], values: [Double]) throws {
        guard (1...4).contains(shape.count) else {
            throw TensorFileError.unsupportedRank(shape.count)
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorFileError.invalidShape(shape: shape, valueCount: values.count)
        }
        guard !shape.contains(0) else {
            throw TensorFileError.emptyArray(at: nil)
        }
        guard NDArray.elementCount(of: shape) == values.count else {
            throw TensorFileError.invalidShape(shape: shape, valueCount: values.count)
        }
        self.shape = shape
        self.values = values
    }

    /// Creates a rank-1 array (shape `[values.count]`).
    ///
    /// This never fails; an empty list gives shape `[0]`, which the writers
    /// accept but the readers refuse as an empty array.
    public init(vector values: [Double]) {
        self.shape = [values.count]
        self.values = values
    }

    /// Creates a rank-2 array from a list of rows.
    ///
    /// - Throws: ``TensorFileError/emptyArray(at:)`` if there are no rows or the
    ///   rows are empty, ``TensorFileError/raggedRows(row:count:firstRowCount:matrix:at:)``
    ///   (without a position) if the rows differ in length.
    public init(rows: [[Double]]) throws {
        guard let first = rows.first, !first.isEmpty else {
            throw TensorFileError.emptyArray(at: nil)
        }
        for (index, row) in rows.enumerated() where row.count != first.count {
            throw TensorFileError.raggedRows(row: index, count: row.count,
                                             firstRowCount: first.count, matrix: nil, at: nil)
        }
        self.shape = [rows.count, first.count]
        self.values = rows.flatMap { $0 }
    }

    /// Creates a rank-3 array from a list of equally sized matrices, for
    /// example one attention matrix per head.
    ///
    /// - Throws: ``TensorFileError/emptyArray(at:)`` if anything is empty,
    ///   ``TensorFileError/raggedMatrices(matrix:rows:firstMatrixRows:at:)`` or
    ///   ``TensorFileError/raggedRows(row:count:firstRowCount:matrix:at:)`` if
    ///   the sizes differ.
    public init(matrices: [[[Double]]]) throws {
        guard let firstMatrix = matrices.first, let firstRow = firstMatrix.first,
              !firstRow.isEmpty else {
            throw TensorFileError.emptyArray(at: nil)
        }
        for (m, matrix) in matrices.enumerated() {
            guard matrix.count == firstMatrix.count else {
                throw TensorFileError.raggedMatrices(matrix: m, rows: matrix.count,
                                                     firstMatrixRows: firstMatrix.count, at: nil)
            }
            for (r, row) in matrix.enumerated() where row.count != firstRow.count {
                throw TensorFileError.raggedRows(row: r, count: row.count,
                                                 firstRowCount: firstRow.count, matrix: m, at: nil)
            }
        }
        self.shape = [matrices.count, firstMatrix.count, firstRow.count]
        self.values = matrices.flatMap { $0.flatMap { $0 } }
    }

    /// The number of dimensions (1 to 4 for a well-formed array).
    public var rank: Int { shape.count }

    /// Whether the rank is 1 to 4, no dimension is negative and the number
    /// of values equals the product of the shape.
    public var isWellFormed: Bool {
        (1...4).contains(shape.count)
            && shape.allSatisfy { $0 >= 0 }
            && NDArray.elementCount(of: shape) == values.count
    }

    /// The product of `shape`, or `nil` if a dimension is negative or the
    /// product does not fit in an `Int`. The product of an empty shape is 1.
    static func elementCount(of shape: [Int]) -> Int? {
        var product = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// `self` if well formed, otherwise the values as a plain vector, so
    /// writers always produce a file whose shape matches its data.
    var writableForm: NDArray {
        isWellFormed ? self : NDArray(vector: values)
    }
}
