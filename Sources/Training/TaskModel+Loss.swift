import Attention
import Gradients
import RealModule

/// dL/d(every parameter of a `TaskModel`), and of the head gates. The parameters' gradients
/// have the parameters' shapes, so they are held in a `TaskModel` of their own.
public struct TaskGradients: Equatable, Sendable {
    /// dL/dE, dL/dP, dL/dW_Q, ... in the fields of the parameters they belong to.
    public var parameters: TaskModel
    /// dL/dg_i at the gates used, one per head.
    public var gates: [Double]

    init(parameters: TaskModel, gates: [Double]) {
        self.parameters = parameters
        self.gates = gates
    }

    /// Every gradient's values, in `TaskModel.parameterNames` order.
    public var values: [[Double]] { parameters.parameterValues }
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
    /// `batch`. The projections, W_O and the readouts act on every position of every sequence
    /// at once (one product each, B·n rows); attention happens within each sequence, head by
    /// head, with the stages the REPL steps through (`Trace.attend`, `GradientTrace.head`).
    /// Around the layer:
    ///
    ///     loss  = mean over r, t of  -log softmax(logits_r[t])[target_r(t)]
    ///     dL/dlogits_r[t] = (softmax(logits_r[t]) - onehot(target)) / count
    ///     dL/dU_r = Oᵀ dL/dlogits_r,  dL/dc_r = Σ_t dL/dlogits_r[t],  dL/dO = Σ_r dL/dlogits_r U_rᵀ
    ///     dL/dE[v] = Σ over positions t holding token v of dL/dX[t],  dL/dP[t] = Σ over sequences of dL/dX[t]
    public func evaluate(_ batch: [[Int]], gates: [Int: Double] = [:], withGradients: Bool,
                         kernels: Kernels = .reference) throws -> BatchResult {
        let (n, h, dK) = (length, heads, dModel / heads)
        let rows = batch.count * n
        let scored = Array(task.firstScored..<length)
        let count = Double(max(1, batch.count * task.readouts * scored.count))
        let causal = Mask.causal(n)
        let scale = 1 / Double(dK).squareRoot()
        let gate = (0..<h).map { gates[$0] ?? 1 }

        // 1. Every position of every sequence: X = E[token] + P[position], (B·n) x d_model.
        var x = [Double](repeating: 0, count: rows * dModel)
        for r in 0..<rows {
            let (token, position) = (batch[r / n][r % n], r % n)
            for j in 0..<dModel { x[r * dModel + j] = E.values[token * dModel + j] + P.values[position * dModel + j] }
        }
        let X = try Matrix(rows: rows, cols: dModel, values: x)
        // 2. The projections, for all positions at once.
        let Q = try kernels.multiply(X, W_Q, operation: "X W_Q").addingRowVector(b_Q)
        let K = try kernels.multiply(X, W_K, operation: "X W_K").addingRowVector(b_K)
        let V = try kernels.multiply(X, W_V, operation: "X W_V").addingRowVector(b_V)
        // 3. Attention within each sequence, head by head; the gated heads side by side.
        var heads: [[HeadTrace]] = []
        var concatenated = [Double](repeating: 0, count: rows * dModel)
        for s in batch.indices {
            let span = s * n..<(s + 1) * n
            let perHead = try (0..<h).map { i in
                let columns = i * dK..<(i + 1) * dK
                return try Trace.attend(Q: Block.read(Q, rows: span, cols: columns), K: Block.read(K, rows: span, cols: columns),
                                        V: Block.read(V, rows: span, cols: columns), dK: dK, scaling: true, blocked: causal, kernels: kernels)
            }
            for (i, head) in perHead.enumerated() {
                Block.write(head.headOut, scale: gate[i], into: &concatenated, width: dModel, row: s * n, col: i * dK)
            }
            heads.append(perHead)
        }
        let concat = try Matrix(rows: rows, cols: dModel, values: concatenated)
        // 4. The output and the readouts, for all positions at once.
        let O = try kernels.multiply(concat, W_O, operation: "concat W_O").addingRowVector(b_O)     // (B·n) x d_model
        var loss = 0.0
        var correct = Array(repeating: 0, count: task.readouts)
        var dLogits: [Matrix] = []
        for r in 0..<task.readouts {
            let logits = try kernels.multiply(O, U[r], operation: "O U_\(r)").addingRowVector(c[r])  // (B·n) x V
            var d = [Double](repeating: 0, count: rows * vocab)
            logits.values.withUnsafeBufferPointer { all in
                for (s, tokens) in batch.enumerated() {
                    for t in scored {
                        let target = task.target(r, at: t, in: tokens, vocab: vocab)
                        let start = (s * n + t) * vocab
                        let row = UnsafeBufferPointer(rebasing: all[start..<(start + vocab)])
                        let top = row.max()!
                        let logSum = top + Double.log(row.reduce(0) { $0 + Double.exp($1 - top) })
                        loss += logSum - row[target]
                        if row.indices.max(by: { row[$0] < row[$1] }) == target { correct[r] += 1 }
                        for v in 0..<vocab { d[start + v] = (Double.exp(row[v] - logSum) - (v == target ? 1 : 0)) / count }
                    }
                }
            }
            dLogits.append(try Matrix(rows: rows, cols: vocab, values: d))
        }
        let result = BatchResult(loss: loss / count, correct: correct, predictions: batch.count * scored.count, gradients: nil)
        guard withGradients else { return result }

        // Backward, in the reverse order.
        // dL/d(each parameter), each in its own parameter's field and shape.
        var d = self
        d.setParameterValues(parameterValues.map { Array(repeating: 0, count: $0.count) })
        var dGates = Array(repeating: 0.0, count: h)
        var dO = Matrix(rows: rows, cols: dModel)
        for r in 0..<task.readouts {
            d.U[r] = try kernels.multiplyTransposingLeft(O, dLogits[r], operation: "Oᵀ dL/dlogits")
            d.c[r] = dLogits[r].columnSums
            dO = try dO.adding(kernels.multiplyTransposed(dLogits[r], U[r], operation: "dL/dlogits U_\(r)ᵀ"))
        }
        let (dConcat, dW_O, db_O) = try GradientTrace.output(dO, concat: concat, W_O: W_O, kernels)
        (d.W_O, d.b_O) = (dW_O, db_O)
        var (q, k, v) = ([Double](repeating: 0, count: rows * dModel), [Double](repeating: 0, count: rows * dModel),
                         [Double](repeating: 0, count: rows * dModel))
        for s in batch.indices {
            // The concatenation's gradient for this sequence, handed to each head with its gate.
            let sequence = Block.read(dConcat, rows: s * n..<(s + 1) * n, cols: 0..<dModel)
            for i in 0..<h {
                let head = heads[s][i]
                let (dHeadOut, dGate) = try GradientTrace.concat(sequence, head: i, dV: dK, headOut: head.headOut, gate: gate[i])
                dGates[i] += dGate
                let dHead = try GradientTrace.head(dHeadOut, head, blocked: causal, scale: scale, kernels: kernels)
                Block.write(dHead.Q, into: &q, width: dModel, row: s * n, col: i * dK)
                Block.write(dHead.K, into: &k, width: dModel, row: s * n, col: i * dK)
                Block.write(dHead.V, into: &v, width: dModel, row: s * n, col: i * dK)
            }
        }
        let (dQ, dK_, dV) = (try Matrix(rows: rows, cols: dModel, values: q), try Matrix(rows: rows, cols: dModel, values: k),
                             try Matrix(rows: rows, cols: dModel, values: v))
        let (dW_Q, db_Q, dX_Q) = try GradientTrace.projection(dQ, X: X, W: W_Q, name: "Q", kernels)
        let (dW_K, db_K, dX_K) = try GradientTrace.projection(dK_, X: X, W: W_K, name: "K", kernels)
        let (dW_V, db_V, dX_V) = try GradientTrace.projection(dV, X: X, W: W_V, name: "V", kernels)
        (d.W_Q, d.W_K, d.W_V, d.b_Q, d.b_K, d.b_V) = (dW_Q, dW_K, dW_V, db_Q, db_K, db_V)
        let dX = try dX_Q.adding(dX_K).adding(dX_V)
        var (dE, dP) = (d.E.values, d.P.values)
        dX.values.withUnsafeBufferPointer { dx in
            for r in 0..<rows {
                let (token, position) = (batch[r / n][r % n], r % n)
                for j in 0..<dModel {
                    dE[token * dModel + j] += dx[r * dModel + j]
                    dP[position * dModel + j] += dx[r * dModel + j]
                }
            }
        }
        (d.E, d.P) = (try Matrix(rows: vocab, cols: dModel, values: dE), try Matrix(rows: length, cols: dModel, values: dP))
        var withGradients = result
        withGradients.gradients = TaskGradients(parameters: d, gates: dGates)
        return withGradients
    }
}
