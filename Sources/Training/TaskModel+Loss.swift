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
    /// at once (B·n rows; Q, K and V as one product with [W_Q W_K W_V], whose gradient is the
    /// same `GradientTrace.projection`); attention happens within each sequence, head by head,
    /// with the stages the REPL steps through (`Trace.attend`, `GradientTrace.head`).
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
        // 2. The projections, for all positions at once: [Q K V] = X [W_Q W_K W_V] + [b_Q b_K b_V].
        let W_QKV = try Matrix.concatenatedHorizontally([W_Q, W_K, W_V], operation: "[W_Q W_K W_V]")
        let QKV = try kernels.multiply(X, W_QKV, operation: "X [W_Q W_K W_V]").addingRowVector(b_Q + b_K + b_V)
        // 3. Attention within each sequence, head by head; the gated heads side by side.
        var heads: [[HeadTrace]] = []
        var concatenated = [Double](repeating: 0, count: rows * dModel)
        for s in batch.indices {
            let span = s * n..<(s + 1) * n
            let perHead = try (0..<h).map { i in
                // Head i's columns of Q, of K and of V.
                let (q, k, v) = (i * dK, dModel + i * dK, 2 * dModel + i * dK)
                return try Trace.attend(Q: Block.read(QKV, rows: span, cols: q..<q + dK), K: Block.read(QKV, rows: span, cols: k..<k + dK),
                                        V: Block.read(QKV, rows: span, cols: v..<v + dK), dK: dK, scaling: true, blocked: causal,
                                        kernels: kernels)
            }
            for (i, head) in perHead.enumerated() {
                Block.write(head.headOut, scale: gate[i], into: &concatenated, width: dModel, row: s * n, col: i * dK)
            }
            heads.append(perHead)
        }
        let concat = try Matrix(rows: rows, cols: dModel, values: concatenated)
        // 4. The output and the readouts, for all positions at once: readout r's logits are
        //    columns r·V ..< (r+1)·V of O [U_0 U_1 ...] + [c_0 c_1 ...].
        let O = try kernels.multiply(concat, W_O, operation: "concat W_O").addingRowVector(b_O)     // (B·n) x d_model
        let readouts = try Matrix.concatenatedHorizontally(U, operation: "[U_0 U_1 ...]")
        let width = task.readouts * vocab
        let logits = try kernels.multiply(O, readouts, operation: "O [U_0 U_1 ...]").addingRowVector(c.flatMap { $0 })
        var loss = 0.0
        var correct = Array(repeating: 0, count: task.readouts)
        var dLogitValues = [Double](repeating: 0, count: rows * width)
        logits.values.withUnsafeBufferPointer { all in
            dLogitValues.withUnsafeMutableBufferPointer { d in
                for (s, tokens) in batch.enumerated() {
                    for t in scored {
                        for r in 0..<task.readouts {
                            let target = task.target(r, at: t, in: tokens, vocab: vocab)
                            let start = (s * n + t) * width + r * vocab
                            let row = UnsafeBufferPointer(rebasing: all[start..<(start + vocab)])
                            // softmax = exp(logit - top) / sum, each exponential taken once.
                            var (top, best) = (row[0], 0)
                            for v in 1..<vocab where row[v] > top { (top, best) = (row[v], v) }
                            var sum = 0.0
                            for v in 0..<vocab {
                                d[start + v] = Double.exp(row[v] - top)
                                sum += d[start + v]
                            }
                            loss += top + Double.log(sum) - row[target]
                            if best == target { correct[r] += 1 }
                            let (toProbability, perPrediction) = (1 / sum, 1 / count)
                            for v in 0..<vocab {
                                d[start + v] = (d[start + v] * toProbability - (v == target ? 1 : 0)) * perPrediction
                            }
                        }
                    }
                }
            }
        }
        let dLogits = try Matrix(rows: rows, cols: width, values: dLogitValues)
        let result = BatchResult(loss: loss / count, correct: correct, predictions: batch.count * scored.count, gradients: nil)
        guard withGradients else { return result }

        // Backward, in the reverse order.
        // dL/d(each parameter), each in its own parameter's field and shape.
        var d = self
        d.setParameterValues(parameterValues.map { Array(repeating: 0, count: $0.count) })
        var dGates = Array(repeating: 0.0, count: h)
        let dReadouts = try kernels.multiplyTransposingLeft(O, dLogits, operation: "Oᵀ dL/dlogits")
        let dBiases = dLogits.columnSums
        for r in 0..<task.readouts {
            let columns = r * vocab..<(r + 1) * vocab
            (d.U[r], d.c[r]) = (try dReadouts.columns(columns), Array(dBiases[columns]))
        }
        let dO = try kernels.multiplyTransposed(dLogits, readouts, operation: "dL/dlogits [U_0 U_1 ...]ᵀ")
        let (dConcat, dW_O, db_O) = try GradientTrace.output(dO, concat: concat, W_O: W_O, kernels)
        (d.W_O, d.b_O) = (dW_O, db_O)
        var dQKV = [Double](repeating: 0, count: rows * 3 * dModel)   // [dL/dQ dL/dK dL/dV]
        for s in batch.indices {
            // The concatenation's gradient for this sequence, handed to each head with its gate.
            let sequence = Block.read(dConcat, rows: s * n..<(s + 1) * n, cols: 0..<dModel)
            for i in 0..<h {
                let head = heads[s][i]
                let (dHeadOut, dGate) = try GradientTrace.concat(sequence, head: i, dV: dK, headOut: head.headOut, gate: gate[i])
                dGates[i] += dGate
                let dHead = try GradientTrace.head(dHeadOut, head, blocked: causal, scale: scale, kernels: kernels)
                Block.write(dHead.Q, into: &dQKV, width: 3 * dModel, row: s * n, col: i * dK)
                Block.write(dHead.K, into: &dQKV, width: 3 * dModel, row: s * n, col: dModel + i * dK)
                Block.write(dHead.V, into: &dQKV, width: 3 * dModel, row: s * n, col: 2 * dModel + i * dK)
            }
        }
        let (dW_QKV, db_QKV, dX) = try GradientTrace.projection(Matrix(rows: rows, cols: 3 * dModel, values: dQKV),
                                                                X: X, W: W_QKV, name: "QKV", kernels)
        (d.W_Q, d.W_K, d.W_V) = (try dW_QKV.columns(0..<dModel), try dW_QKV.columns(dModel..<2 * dModel),
                                 try dW_QKV.columns(2 * dModel..<3 * dModel))
        (d.b_Q, d.b_K, d.b_V) = (Array(db_QKV[0..<dModel]), Array(db_QKV[dModel..<2 * dModel]), Array(db_QKV[2 * dModel..<3 * dModel]))
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
