import Attention

/// The shape of a random layer for property tests (finite differences, the gradient
/// presenter): every size, mask and setting the forward pass supports, named for the test log.
public struct RandomLayer: CustomStringConvertible, Sendable {
    public var name: String
    public var seed: UInt64
    public var n: Int, dModel: Int, heads: Int
    public var dK: Int?
    public var dV: Int, dOut: Int
    public var biases: Bool
    public var mask: MaskSetting
    public var padding: Set<Int>
    public var gates: [Int: Double]
    public var scaling: Bool
    /// The temperature, and whether a bias is added to the scores (drawn last, n x n).
    public var temperature: Double
    public var scoreBias: Bool
    /// Direct mode: n queries, Q, K and V given (the test builds them; `multiHead` does not apply).
    public var direct: Bool

    public var description: String { name }

    public init(name: String, seed: UInt64 = 0, n: Int = 4, dModel: Int = 4, heads: Int = 2, dK: Int? = nil,
                dV: Int = 2, dOut: Int = 4, biases: Bool = false, mask: MaskSetting = .none, padding: Set<Int> = [],
                gates: [Int: Double] = [:], scaling: Bool = true, direct: Bool = false,
                temperature: Double = 1, scoreBias: Bool = false) {
        (self.name, self.seed, self.n, self.dModel, self.heads, self.dK) = (name, seed, n, dModel, heads, dK)
        (self.dV, self.dOut, self.biases, self.mask, self.padding) = (dV, dOut, biases, mask, padding)
        (self.gates, self.scaling, self.direct) = (gates, scaling, direct)
        (self.temperature, self.scoreBias) = (temperature, scoreBias)
    }

    /// A random matrix: normal entries with standard deviation 0.8.
    public static func matrix(_ rows: Int, _ cols: Int, _ random: inout SeededRandom) -> Matrix {
        Matrix(rows: rows, cols: cols) { _, _ in random.normal() * 0.8 }
    }

    /// The multi-head layer, its tensors drawn from `random` (X, W_Q, W_K, W_V, W_O, then the
    /// biases with standard deviation 0.5 when `biases`, then the bias on the scores when
    /// `scoreBias`).
    public func multiHead(_ random: inout SeededRandom) -> MultiHeadConfiguration {
        func vector(_ length: Int) -> [Double]? {
            biases ? (0..<length).map { _ in random.normal() * 0.5 } : nil
        }
        let (h, width) = (heads, dK ?? dModel / heads)
        let X = Self.matrix(n, dModel, &random)
        let (W_Q, W_K) = (Self.matrix(dModel, h * width, &random), Self.matrix(dModel, h * width, &random))
        let (W_V, W_O) = (Self.matrix(dModel, h * dV, &random), Self.matrix(h * dV, dOut, &random))
        let (b_Q, b_K, b_V, b_O) = (vector(h * width), vector(h * width), vector(h * dV), vector(dOut))
        var c = MultiHeadConfiguration(X: X, heads: h, dK: dK, W_Q: W_Q, W_K: W_K, W_V: W_V, W_O: W_O,
                                       b_Q: b_Q, b_K: b_K, b_V: b_V, b_O: b_O, mask: mask, keyPadding: padding)
        c.gates = gates
        c.scaling = scaling
        c.shaping = ScoreShaping(bias: scoreBias ? Self.matrix(n, n, &random) : nil, temperature: temperature)
        return c
    }
}
