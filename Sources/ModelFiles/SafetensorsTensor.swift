/// One tensor of a safetensors file, widened to `Double`: `values` in row-major (C) order,
/// `shape.reduce(1, *)` of them (one for a scalar, whose shape is `[]`).
///
/// A 2-D tensor read with `transposed` set holds its transpose instead: `shape` is still the
/// stored `[rows, cols]`, and `values` are the `cols x rows` matrix, row-major (so the stored
/// element `[r][c]` is at `values[c * rows + r]`).
public struct SafetensorsTensor: Equatable, Sendable {
    public let shape: [Int]
    public let values: [Double]
    public let transposed: Bool

    public init(shape: [Int], values: [Double], transposed: Bool = false) {
        self.shape = shape
        self.values = values
        self.transposed = transposed
    }
}
