import Attention

/// A tiny attention model for a task: token and position embeddings, one multi-head attention
/// layer with biases and a causal mask (d_k = d_model / h), and one linear readout per target at
/// every position. No residual, LayerNorm or MLP, so every prediction goes through the heads.
///
///     X = E[tokens] + P                    (n x d_model)
///     O = MultiHead(X), causal             (n x d_model)
///     logits_r = O U_r + c_r               (n x V), one per readout r
///
/// The loss is the mean cross-entropy over every readout at every scored position.
public struct TaskModel: Equatable, Sendable {
    public var task: TrainingTask
    public var vocab: Int
    public var length: Int
    public var dModel: Int
    public var heads: Int
    /// V x d_model: each token's embedding.
    public var E: Matrix
    /// n x d_model: each position's embedding (learned).
    public var P: Matrix
    public var W_Q: Matrix
    public var W_K: Matrix
    public var W_V: Matrix
    public var W_O: Matrix
    public var b_Q: [Double]
    public var b_K: [Double]
    public var b_V: [Double]
    public var b_O: [Double]
    /// One d_model x V matrix per readout.
    public var U: [Matrix]
    /// One length-V bias per readout.
    public var c: [[Double]]

    /// A model with freshly drawn weights: embeddings N(0, 1); W_Q, W_K, W_V and the readouts
    /// N(0, 1/d_model); W_O N(0, 1/(h·d_k)); biases 0. Same seed, same weights.
    public init(task: TrainingTask, vocab: Int, length: Int, dModel: Int, heads: Int, seed: UInt64) {
        self.task = task
        self.vocab = vocab
        self.length = length
        self.dModel = dModel
        self.heads = heads
        var random = SeededRandom(seed: seed)
        func draw(_ rows: Int, _ cols: Int, deviation: Double) -> Matrix {
            Matrix(rows: rows, cols: cols) { _, _ in deviation * random.normal() }
        }
        let narrow = 1 / Double(dModel).squareRoot()
        E = draw(vocab, dModel, deviation: 1)
        P = draw(length, dModel, deviation: 1)
        W_Q = draw(dModel, dModel, deviation: narrow)
        W_K = draw(dModel, dModel, deviation: narrow)
        W_V = draw(dModel, dModel, deviation: narrow)
        W_O = draw(dModel, dModel, deviation: narrow)   // h·d_k = d_model
        U = (0..<task.readouts).map { _ in draw(dModel, vocab, deviation: narrow) }
        let zeros = Array(repeating: 0.0, count: dModel)
        (b_Q, b_K, b_V, b_O) = (zeros, zeros, zeros, zeros)
        c = Array(repeating: Array(repeating: 0, count: vocab), count: task.readouts)
    }

    /// The model's attention layer on one sequence: X = E[tokens] + P, with its weights, a
    /// causal mask and the given head gates. This is the layer the session shows.
    public func layer(_ tokens: [Int], gates: [Int: Double] = [:]) -> MultiHeadConfiguration {
        let X = Matrix(rows: tokens.count, cols: dModel) { t, j in E[tokens[t], j] + P[t, j] }
        var c = MultiHeadConfiguration(X: X, heads: heads, W_Q: W_Q, W_K: W_K, W_V: W_V, W_O: W_O,
                                       b_Q: b_Q, b_K: b_K, b_V: b_V, b_O: b_O, mask: .causal)
        c.gates = gates
        return c
    }
}
