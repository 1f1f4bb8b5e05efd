import Attention
import Gradients
import Testing

/// The backward pass with the fast kernels (blocked SIMD products, heads in parallel), as the
/// REPL runs it for layers of real size, against the readable products.
@Suite("Gradients with the fast kernels")
struct FastKernelGradientTests {
    /// A layer large enough for the heads to run in parallel and the products to be blocked:
    /// 40 tokens, d_model 64, 4 heads, biases, a causal mask and a pruned head.
    @Test(arguments: [Kernels.fast(threads: 1), .fast(threads: 2), Kernels(product: .portable, threads: 2)])
    func fastKernelsAgreeWithTheReference(_ kernels: Kernels) throws {
        var random = SeededRandom(seed: 21)
        func matrix(_ rows: Int, _ cols: Int) -> Matrix { Matrix(rows: rows, cols: cols) { _, _ in random.normal() * 0.3 } }
        var c = MultiHeadConfiguration(X: matrix(40, 64), heads: 4, W_Q: matrix(64, 64), W_K: matrix(64, 64),
                                       W_V: matrix(64, 64), W_O: matrix(64, 48),
                                       b_Q: (0..<64).map { _ in random.normal() }, b_V: (0..<64).map { _ in random.normal() },
                                       mask: .causal)
        c.gates = [2: 0]
        let target = matrix(40, 48)
        func gradients(_ kernels: Kernels) throws -> GradientTrace {
            let trace = try Trace.compute(.multiHead(c), kernels: kernels)
            return try GradientTrace.compute(trace, dOutput: SquaredError(output: trace.output, target: target).gradient, kernels: kernels)
        }
        let (fast, reference) = (try gradients(kernels), try gradients(.reference))
        func agree(_ a: Matrix, _ b: Matrix, _ label: String) {
            let scale = max(b.values.map(abs).max() ?? 0, 1e-300)
            let worst = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
            #expect(worst / scale <= 1e-12, "\(label): relative difference \(worst / scale)")
        }
        for parameter in Parameter.allCases where parameter != .b_K {
            if let a = fast.parameter(parameter), let b = reference.parameter(parameter) { agree(a, b, parameter.rawValue) }
        }
        // dL/db_K is 0 in exact arithmetic (a bias on every key shifts each query's whole row of
        // scores by q·b_K, which the softmax ignores): both are rounding noise, far below dL/dW_K.
        let keyScale = reference.layer!.W_K.values.map(abs).max()!
        for gradients in [fast, reference] {
            #expect(gradients.layer!.b_K.map(abs).max()! <= 1e-12 * keyScale)
        }
        agree(fast.layer!.X, reference.layer!.X, "X")
        for head in 0..<4 {
            for stage in [Stage.Q, .K, .V, .scores, .masked, .weights, .head_out] {
                agree(fast.tensor(stage, head: head)!, reference.tensor(stage, head: head)!, "\(stage) head \(head + 1)")
            }
        }
        #expect(fast.layer!.gates.count == 4)
        #expect(fast.heads[2].headOut.values.allSatisfy { $0 == 0 }, "a pruned head gets no gradient")
    }
}
