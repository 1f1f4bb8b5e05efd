/// One tensor of a safetensors file, widened to `Double`: `values` in row-major (C) order,
/// `shape.reduce(1, *)` of them (one for a scalar, whose shape is `[]`).
public struct SafetensorsTensor: Equatable, Sendable {
    public let shape: [Int]
    public let values: [Double]

    public init(shape: [Int], values: [Double]) {
        self.shape = shape
        self.values = values
    }
}
