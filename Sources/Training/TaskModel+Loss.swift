import Attention
import Gradients
import RealModule

/// dL/d(every parameter of a `TaskModel`), and of the head gates.
public struct TaskGradients: Equatable, Sendable {
    public var E: Matrix
    public var P: Matrix
    public var W_Q: Matrix
    public var W_K: Matrix
    public var W_V: Matrix
    public var W_O: Matrix
    public var b_Q: [Double]
    public var b_K: [Double]
    public var b_V: [Double]
    public var b_O: [Double]
    public var U: [Matrix]
    public var c: [[Double]]
    /// dL/dg_i at the gates used, one per head.
    public var gates: [Double]

    /// All zeros, shaped like `model`.
    init(zeroLike model: TaskModel) {
        func zero(_ m: Matrix) -> Matrix { Matrix(rows: m.rows, cols: m.cols) }
        E = zero(model.E)
        P = zero(model.P)
        W_Q = zero(model.W_Q)
        W_K = zero(model.W_K)
        W_V = zero(model.W_V)
        W_O = zero(model.W_O)
        b_Q = Array(repeating: 0, count: model.b_Q.count)
        (b_K, b_V, b_O) = (b_Q, b_Q, b_Q)
        U = model.U.map(zero)
        c = model.c.map { Array(repeating: 0, count: $0.count) }
        gates = Array(repeating: 0, count: model.heads)
    }
}

/// The loss, accuracy and gradients of a model on a batch of sequences.
public struct BatchResult: Equatable, Sendable {
    /// Mean cross-entropy over every readout at every scored position of every sequence.
    public var loss: Double
    /// Predictions (argmax of the logits) equal to the target, per readout.
    public var correct: [Int]
    /// Predictions made per readout (sequences x scored positions).
    public var predictions: Int
    /// nil unless asked for.
    public var gradients: TaskGradients?

    /// The fraction of all predictions that were right.
    public var accuracy: Double { Double(correct.reduce(0, +)) / Double(max(1, predictions * correct.count)) }
}

extension TaskModel {
    /// The loss, accuracy and (when `withGradients`) the gradients of every parameter over
    /// `batch`. For each sequence the layer is `Trace.compute` and its backward pass
    /// `GradientTrace.compute`, the same code the REPL steps through; around it:
    ///
    ///     loss  = mean over r, t of  -log softmax(logits_r[t])[target_r(t)]
    ///     dL/dlogits_r[t] = (softmax(logits_r[t]) - onehot(target)) / count
    ///     dL/dU_r = Oᵀ dL/dlogits_r,  dL/dc_r = Σ_t dL/dlogits_r[t],  dL/dO = Σ_r dL/dlogits_r U_rᵀ
    ///     dL/dE[v] = Σ over positions t holding token v of dL/dX[t],  dL/dP = dL/dX
    public func evaluate(_ batch: [[Int]], gates: [Int: Double] = [:], withGradients: Bool,
                         kernels: Kernels = .reference) throws -> BatchResult {
        let scored = Array(task.firstScored..<length)
        let count = Double(max(1, batch.count * task.readouts * scored.count))
        var loss = 0.0
        var correct = Array(repeating: 0, count: task.readouts)
        var gradients = withGradients ? TaskGradients(zeroLike: self) : nil

        for tokens in batch {
            let trace = try Trace.compute(.multiHead(layer(tokens, gates: gates)), kernels: kernels)
            let O = trace.output                                                     // n x d_model
            var dO = Matrix(rows: length, cols: dModel)
            for r in 0..<task.readouts {
                let logits = try kernels.multiply(O, U[r], operation: "O U_\(r)").addingRowVector(c[r])   // n x V
                var dLogits = Matrix(rows: length, cols: vocab)
                for t in scored {
                    let target = task.target(r, at: t, in: tokens, vocab: vocab)
                    let row = logits.row(t)
                    let top = row.max()!
                    let logSum = top + Double.log(row.reduce(0) { $0 + Double.exp($1 - top) })
                    loss += logSum - row[target]
                    if row.indices.max(by: { row[$0] < row[$1] }) == target { correct[r] += 1 }
                    for v in 0..<vocab {
                        dLogits[t, v] = (Double.exp(row[v] - logSum) - (v == target ? 1 : 0)) / count
                    }
                }
                guard gradients != nil else { continue }
                gradients!.U[r] = try gradients!.U[r].adding(kernels.multiplyTransposingLeft(O, dLogits, operation: "Oᵀ dL/dlogits"))
                gradients!.c[r] = zip(gradients!.c[r], dLogits.columnSums).map(+)
                dO = try dO.adding(kernels.multiplyTransposed(dLogits, U[r], operation: "dL/dlogits U_\(r)ᵀ"))
            }
            guard var g = gradients else { continue }
            let layer = try GradientTrace.compute(trace, dOutput: dO, kernels: kernels).layer!
            g.W_Q = try g.W_Q.adding(layer.W_Q)
            g.W_K = try g.W_K.adding(layer.W_K)
            g.W_V = try g.W_V.adding(layer.W_V)
            g.W_O = try g.W_O.adding(layer.W_O)
            g.b_Q = zip(g.b_Q, layer.b_Q).map(+)
            g.b_K = zip(g.b_K, layer.b_K).map(+)
            g.b_V = zip(g.b_V, layer.b_V).map(+)
            g.b_O = zip(g.b_O, layer.b_O).map(+)
            g.gates = zip(g.gates, layer.gates).map(+)
            g.P = try g.P.adding(layer.X)
            for (t, token) in tokens.enumerated() {
                for j in 0..<dModel { g.E[token, j] += layer.X[t, j] }
            }
            gradients = g
        }
        return BatchResult(loss: loss / count, correct: correct, predictions: batch.count * scored.count, gradients: gradients)
    }
}
