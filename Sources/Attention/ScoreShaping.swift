/// What is done to a head's scaled scores before the mask: an additive bias and a temperature,
///
///     masked = mask((scaled + bias) / T)
///
/// - `bias` (queries x keys, the same for every head) is PyTorch's float `attn_mask`: a number
///   added to each query-key score. ALiBi (Press et al. 2022) adds -slope · distance, and T5
///   adds a learned number per relative position bucket: position enters as a bias on the
///   scores rather than as part of the token vectors. (Both give each head its own bias; here one
///   bias serves every head.) A bias of -infinity would block the pair; blocking is the mask's
///   job, so a bias must be finite.
/// - `temperature` T > 0 divides the scores before the softmax. T < 1 spreads the scores apart
///   and sharpens the weights (T -> 0: all weight on the largest score, an argmax); T > 1 draws
///   them together and flattens the weights (T -> infinity: every visible key the same weight, a
///   plain average). Dividing by sqrt(d_k) is itself a temperature, fixed at sqrt(d_k), applied to
///   the raw scores: with scaling off, T = sqrt(d_k) gives exactly ordinary attention.
///
/// The defaults (no bias, T = 1) change nothing: ordinary scaled dot-product attention.
public struct ScoreShaping: Equatable, Sendable {
    public var bias: Matrix?
    public var temperature: Double

    public init(bias: Matrix? = nil, temperature: Double = 1) {
        self.bias = bias
        self.temperature = temperature
    }

    /// Whether this changes anything: a bias is set or T is not 1.
    public var isActive: Bool { bias != nil || temperature != 1 }

    /// Throws unless T is a positive finite number and the bias is finite and queries x keys.
    public func check(queries: Int, keys: Int) throws {
        guard temperature.isFinite, temperature > 0 else {
            throw AttentionError.invalid("the temperature must be a positive number (it is \(temperature)); T = 1 is ordinary attention")
        }
        guard let bias else { return }
        guard bias.shape == Shape(queries, keys) else {
            throw AttentionError.invalid(
                "the bias is \(bias.shape) but the scores are \(queries) x \(keys) (queries x keys): "
                + "give a \(queries) x \(keys) bias or `bias none`")
        }
        if let index = bias.values.firstIndex(where: { !$0.isFinite }) {
            throw AttentionError.invalid(
                "the bias holds \(bias.values[index]) at [\(index / keys)][\(index % keys)]: a bias must be finite "
                + "(to block a pair, use the mask)")
        }
    }

    /// `(scaled + bias) / T` (n x m), what the mask and the softmax see. `scaled` itself when
    /// there is no bias and T = 1, so ordinary attention is computed exactly as without it.
    public func applied(to scaled: Matrix) throws -> Matrix {
        var shaped = scaled
        if let bias { shaped = try shaped.adding(bias, operation: "adding the bias to the scaled scores") }
        if temperature != 1 { shaped = shaped.divided(by: temperature) }
        return shaped
    }
}
