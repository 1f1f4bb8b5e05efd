import Attention
import Gradients
import ReferenceCases
import Testing

/// The backward pass against central finite differences of the forward pass and the loss,
/// (L(θ + ε) - L(θ - ε)) / 2ε for every entry of every input, on random layers of every kind
/// the forward pass supports. Independent of the backward code: only the forward trace (checked
/// against PyTorch elsewhere) and the loss are evaluated.
@Suite("Gradients against finite differences")
struct FiniteDifferenceTests {
    typealias Layout = RandomLayer

    static let layouts: [Layout] = [
        Layout(name: "plain two heads"),
        Layout(name: "biases, causal, gates", n: 5, dModel: 6, heads: 3, dV: 2, dOut: 6, biases: true,
               mask: .causal, gates: [0: 0.5, 2: 0]),
        Layout(name: "d_k 3, d_v 1, d_out 2, padding", n: 4, dModel: 3, heads: 2, dK: 3, dV: 1, dOut: 2,
               biases: true, padding: [1]),
        Layout(name: "one head, scaling off", n: 3, dModel: 2, heads: 1, dV: 3, dOut: 2, scaling: false),
        Layout(name: "temperature 0.4, bias, causal offset 1", n: 4, dModel: 4, heads: 2, dV: 2, dOut: 3, biases: true,
               mask: .causalOffset(1), temperature: 0.4, scoreBias: true),
        Layout(name: "temperature 3, padding", n: 3, dModel: 6, heads: 3, padding: [0], temperature: 3),
    ]

    static func configuration(_ layout: Layout, seed: UInt64) throws -> MultiHeadConfiguration {
        var random = SeededRandom(seed: seed)
        return layout.multiHead(&random)
    }

    static func loss(_ c: MultiHeadConfiguration, _ target: Matrix) throws -> Double {
        let trace = try Trace.compute(.multiHead(c))
        return try SquaredError(output: trace.output, target: target, leavingOut: trace.fullyBlockedRows).value
    }

    /// Every entry of X, the weights, the biases and the gates, perturbed by ±ε in turn.
    @Test(arguments: layouts)
    func layerGradientsMatchFiniteDifferences(_ layout: Layout) throws {
        let c = try Self.configuration(layout, seed: 11)
        var random = SeededRandom(seed: 99)
        let target = Matrix(rows: layout.n, cols: layout.dOut) { _, _ in random.normal() }
        let trace = try Trace.compute(.multiHead(c))
        let loss = try SquaredError(output: trace.output, target: target)
        let layer = try #require(try GradientTrace.compute(trace, dOutput: loss.gradient).layer)

        let epsilon = 1e-6
        func central(_ perturb: (inout MultiHeadConfiguration, Double) -> Void) throws -> Double {
            var plus = c, minus = c
            perturb(&plus, epsilon)
            perturb(&minus, -epsilon)
            return (try Self.loss(plus, target) - Self.loss(minus, target)) / (2 * epsilon)
        }
        var worst = 0.0, count = 0
        func compare(_ analytic: Double, _ numeric: Double, _ label: String) {
            let error = abs(analytic - numeric) / max(1, abs(numeric))
            worst = max(worst, error)
            count += 1
            #expect(error < 1e-6, "\(layout) \(label): backward \(analytic), finite differences \(numeric)")
        }
        let matrices: [(String, WritableKeyPath<MultiHeadConfiguration, Matrix>, Matrix)] = [
            ("X", \.X, layer.X), ("W_Q", \.W_Q, layer.W_Q), ("W_K", \.W_K, layer.W_K),
            ("W_V", \.W_V, layer.W_V), ("W_O", \.W_O, layer.W_O),
        ]
        for (name, path, gradient) in matrices {
            for index in gradient.values.indices {
                let (row, col) = (index / gradient.cols, index % gradient.cols)
                compare(gradient.values[index], try central { $0[keyPath: path][row, col] += $1 }, "\(name)[\(row)][\(col)]")
            }
        }
        if layout.biases {
            let biases: [(String, WritableKeyPath<MultiHeadConfiguration, [Double]?>, [Double])] = [
                ("b_Q", \.b_Q, layer.b_Q), ("b_K", \.b_K, layer.b_K), ("b_V", \.b_V, layer.b_V), ("b_O", \.b_O, layer.b_O),
            ]
            for (name, path, gradient) in biases {
                for index in gradient.indices {
                    compare(gradient[index], try central { $0[keyPath: path]![index] += $1 }, "\(name)[\(index)]")
                }
            }
        }
        // Gates live in [0, 1], so a gate at 1 (or 0) cannot be perturbed both ways. The loss
        // is exactly quadratic in a gate (the output is linear in it), and for a quadratic the
        // one-sided difference (-3 L(g) + 4 L(g + s) - L(g + 2s)) / 2s is exact, s = ±ε.
        for head in 0..<layout.heads {
            let g = c.gates[head] ?? 1
            let s = g >= 0.5 ? -epsilon : epsilon
            func loss(at gate: Double) throws -> Double {
                var changed = c
                changed.gates[head] = gate
                return try Self.loss(changed, target)
            }
            let numeric = (-3 * (try loss(at: g)) + 4 * (try loss(at: g + s)) - (try loss(at: g + 2 * s))) / (2 * s)
            compare(layer.gates[head], numeric, "gate \(head + 1)")
        }
        #expect(count > 20, "\(layout): only \(count) entries compared")
    }

    /// Direct mode: the gradients with respect to the given Q, K and V.
    @Test func directModeMatchesFiniteDifferences() throws {
        var random = SeededRandom(seed: 5)
        func matrix(_ rows: Int, _ cols: Int) -> Matrix { Matrix(rows: rows, cols: cols) { _, _ in random.normal() } }
        let c = DirectConfiguration(Q: matrix(3, 2), K: matrix(4, 2), V: matrix(4, 3), mask: .none, keyPadding: [2])
        let target = matrix(3, 3)
        func loss(_ c: DirectConfiguration) throws -> Double {
            try SquaredError(output: Trace.compute(.direct(c)).output, target: target).value
        }
        let trace = try Trace.compute(.direct(c))
        let gradients = try GradientTrace.compute(trace, dOutput: SquaredError(output: trace.output, target: target).gradient)
        #expect(gradients.layer == nil)
        let head = gradients.heads[0]
        for (path, gradient) in [(\DirectConfiguration.Q, head.Q), (\.K, head.K), (\.V, head.V)] {
            for index in gradient.values.indices {
                let (row, col) = (index / gradient.cols, index % gradient.cols)
                var plus = c, minus = c
                plus[keyPath: path][row, col] += 1e-6
                minus[keyPath: path][row, col] -= 1e-6
                let numeric = (try loss(plus) - loss(minus)) / 2e-6
                #expect(abs(gradient.values[index] - numeric) < 1e-7, "direct \(path)[\(index)]: \(gradient.values[index]) vs \(numeric)")
            }
        }
        // Key 2 is padding: its key and value rows receive nothing.
        #expect(head.K.row(2).allSatisfy { $0 == 0 })
        #expect(head.V.row(2).allSatisfy { $0 == 0 })
    }

    /// A query that sees no key has NaN output (as in PyTorch). The loss leaves its row out;
    /// every gradient stays a number, that row's are zero, and the rest match finite
    /// differences of the loss over the other rows.
    @Test func fullyBlockedRowIsLeftOutNotNaN() throws {
        var layout = Self.layouts[0]
        layout.mask = .custom(try Mask(rows: 4, cols: 4, blocked: [
            false, true, true, true,
            true, true, true, true,     // query 1 sees nothing
            false, false, false, true,
            false, false, false, false,
        ]))
        let c = try Self.configuration(layout, seed: 3)
        let target = Matrix(rows: 4, cols: 4) { i, j in Double(i - j) / 4 }
        let trace = try Trace.compute(.multiHead(c))
        #expect(trace.fullyBlockedRows == [1])
        let loss = try SquaredError(output: trace.output, target: target, leavingOut: trace.fullyBlockedRows)
        #expect(loss.rows == [0, 2, 3])
        #expect(loss.value.isFinite)
        let gradients = try GradientTrace.compute(trace, dOutput: loss.gradient)
        let layer = try #require(gradients.layer)
        for head in gradients.heads {
            for stage in [head.headOut, head.weights, head.masked, head.scores, head.Q] {
                #expect(stage.values.allSatisfy { $0.isFinite })
                #expect(stage.row(1).allSatisfy { $0 == 0 })
            }
        }
        #expect(layer.W_Q.values.allSatisfy { $0.isFinite } && layer.gates.allSatisfy { $0.isFinite })
        var plus = c, minus = c
        plus.W_V[0, 1] += 1e-6
        minus.W_V[0, 1] -= 1e-6
        let numeric = (try Self.loss(plus, target) - Self.loss(minus, target)) / 2e-6
        let analytic = layer.W_V[0, 1]
        #expect(abs(analytic - numeric) < 1e-7)
    }
}
