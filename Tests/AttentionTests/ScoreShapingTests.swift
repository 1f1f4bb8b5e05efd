import Attention
import ReferenceCases
import Testing

/// A temperature and an additive bias on the scores, and the causal mask with an offset, against
/// PyTorch's own attention (`nn.MultiheadAttention`, `F.scaled_dot_product_attention` with a
/// float attn_mask) and NumPy (`bench/make_temperature_bias_fixtures.py`).
@Suite("Temperature and bias against PyTorch")
struct ScoreShapingTests {
    static let cases = (try? ShapedCase.all()) ?? []
    static let tolerance = 1e-12

    @Test func allCasesArePresent() {
        #expect(Self.cases.count == 11, "Fixtures/reference-temperature should hold 11 cases")
    }

    @Test(arguments: cases, [Kernels.reference, .fast(threads: 2)])
    func traceMatchesPyTorch(_ reference: ShapedCase, kernels: Kernels) throws {
        let trace = try Trace.compute(reference.configuration(), kernels: kernels)
        var problems: [String] = []
        for (i, head) in trace.heads.enumerated() {
            problems += Comparison(head.masked, try reference.expectedStage("masked", head: i), nullMeans: -.infinity,
                                   tolerance: Self.tolerance, label: "head \(i) masked").problems
            problems += Comparison(head.weights, try reference.expectedStage("weights", head: i), nullMeans: .nan,
                                   tolerance: Self.tolerance, label: "head \(i) weights").problems
        }
        problems += Comparison(trace.output, try ReferenceCase.matrix(reference.expected["output"]), nullMeans: .nan,
                               tolerance: Self.tolerance, label: "output").problems
        #expect(problems.isEmpty, "\(reference.name): \(problems.prefix(5).joined(separator: "; "))")
        #expect(trace.overflow == nil)
    }

    /// Dividing by sqrt(d_k) is a temperature fixed at sqrt(d_k): with scaling off, T = sqrt(d_k)
    /// gives ordinary attention's weights; with scaling on, T = 1 / sqrt(d_k) gives the unscaled ones.
    @Test func scalingIsAFixedTemperature() throws {
        let Q = try Matrix([[0.3, -1.2, 0.8, 0.1], [1.5, 0.2, -0.4, 0.9]])
        let K = try Matrix([[0.7, 0.1, -0.3, 1.1], [-0.6, 0.4, 0.9, 0.2], [0.2, -1.0, 0.5, -0.7]])
        let V = try Matrix([[1, 0], [0, 1], [2, 2]])
        var ordinary = DirectConfiguration(Q: Q, K: K, V: V)
        var unscaledAtRootDK = ordinary
        unscaledAtRootDK.scaling = false
        unscaledAtRootDK.shaping.temperature = 2   // sqrt(4)
        let expected = try Trace.compute(.direct(ordinary)).heads[0].weights
        let found = try Trace.compute(.direct(unscaledAtRootDK)).heads[0].weights
        #expect(zip(expected.values, found.values).allSatisfy { abs($0 - $1) < 1e-15 })

        ordinary.scaling = false
        var scaledAtInverse = DirectConfiguration(Q: Q, K: K, V: V)
        scaledAtInverse.shaping.temperature = 0.5
        let unscaled = try Trace.compute(.direct(ordinary)).heads[0].weights
        let sharpened = try Trace.compute(.direct(scaledAtInverse)).heads[0].weights
        #expect(zip(unscaled.values, sharpened.values).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    /// T -> 0 puts all the weight on the largest score; a large T gives every visible key the same
    /// weight; no bias and T = 1 give exactly the numbers of ordinary attention.
    @Test func limitsOfTheTemperature() throws {
        let Q = try Matrix([[1, 0], [0, 1]])
        let K = try Matrix([[1, 0], [0.5, 0.5], [0, 1]])
        let V = try Matrix([[1], [2], [3]])
        var config = DirectConfiguration(Q: Q, K: K, V: V, keyPadding: [2])
        let plain = try Trace.compute(.direct(config))
        config.shaping = ScoreShaping(bias: nil, temperature: 1)
        #expect(try Trace.compute(.direct(config)) == plain)
        config.shaping.temperature = 1e-3
        let cold = try Trace.compute(.direct(config)).heads[0].weights
        // Scores 0.707 and 0.354 (scaled) differ by 354 at T = 0.001: exp(-354), about 3e-154.
        #expect(cold[0, 0] == 1 && cold[0, 1] < 1e-150 && cold[0, 2] == 0)
        #expect(abs(cold[1, 1] - 1) < 1e-12)
        config.shaping.temperature = 1e9
        let hot = try Trace.compute(.direct(config)).heads[0].weights
        for i in 0..<2 {
            #expect(abs(hot[i, 0] - 0.5) < 1e-9 && abs(hot[i, 1] - 0.5) < 1e-9 && hot[i, 2] == 0)
        }
    }

    @Test func badShapingIsRefusedWithTheShapeItNeeds() throws {
        let Q = try Matrix([[1, 0], [0, 1]])
        let K = try Matrix([[1, 0], [0, 1], [1, 1]])
        var config = DirectConfiguration(Q: Q, K: K, V: K)
        config.shaping.bias = try Matrix([[0, 1], [1, 0]])
        #expect(throws: AttentionError.invalid("the bias is 2 x 2 but the scores are 2 x 3 (queries x keys): give a 2 x 3 bias or `bias none`")) {
            try Trace.compute(.direct(config))
        }
        config.shaping.bias = try Matrix([[0, 1, 0], [0, -.infinity, 0]])
        #expect(throws: AttentionError.invalid("the bias holds -inf at [1][1]: a bias must be finite (to block a pair, use the mask)")) {
            try Trace.compute(.direct(config))
        }
        config.shaping = ScoreShaping(temperature: 0)
        #expect(throws: AttentionError.self) { try Trace.compute(.direct(config)) }
        config.shaping.temperature = .nan
        #expect(throws: AttentionError.self) { try Trace.compute(.direct(config)) }
    }

    /// The KV-cache mask: query i sees keys 0...i + K, for n queries over m keys.
    @Test func causalOffset() throws {
        let mask = Mask.causal(queries: 2, keys: 5, offset: 3)
        #expect(mask.blocked == [false, false, false, false, true, false, false, false, false, false])
        #expect(Mask.causal(queries: 3, keys: 3, offset: 0) == Mask.causal(3))
        #expect(Mask.causal(queries: 2, keys: 2, offset: -1).fullyBlockedRows == [0])
        #expect(Mask.causal(queries: 2, keys: 2, offset: .max).blocked.allSatisfy { !$0 })
        #expect(Mask.causal(queries: 2, keys: 2, offset: .min).blocked.allSatisfy { $0 })
    }

    /// A temperature so small that the division overflows is reported, not passed on as NaN.
    @Test func overflowingTemperatureIsReported() throws {
        var config = DirectConfiguration(Q: try Matrix([[1e10]]), K: try Matrix([[1e10], [1]]), V: try Matrix([[1], [2]]))
        config.shaping.temperature = 1e-300
        let trace = try Trace.compute(.direct(config))
        #expect(trace.overflow?.stage == .masked)
    }
}
