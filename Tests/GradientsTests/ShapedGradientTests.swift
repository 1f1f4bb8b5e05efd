import Attention
import Gradients
import ReferenceCases
import Testing

/// The backward pass with a temperature and a bias on the scores against PyTorch autograd (float64,
/// every entry checked against finite differences when the fixtures were made): dL/dscaled gets
/// the factor 1/T, and the bias, a constant, changes only the forward numbers.
@Suite("Gradients with temperature and bias against autograd")
struct ShapedGradientTests {
    static let cases = (try? ShapedCase.all()) ?? []
    static let tolerance = 1e-9

    @Test(arguments: cases, [Kernels.reference, .fast(threads: 2)])
    func gradientsMatchAutograd(_ reference: ShapedCase, kernels: Kernels) throws {
        let trace = try Trace.compute(reference.configuration(), kernels: kernels)
        let loss = try SquaredError(output: trace.output, target: reference.target())
        let gradients = try GradientTrace.compute(trace, dOutput: loss.gradient, kernels: kernels)
        #expect(abs(loss.value - reference.loss) <= 1e-12 * max(1, abs(reference.loss)),
                "\(reference.name): loss \(loss.value), expected \(reference.loss)")

        var computed: [String: Matrix] = [:]
        if let layer = gradients.layer {
            computed["X"] = layer.X
            for parameter in Parameter.allCases { computed[parameter.rawValue] = gradients.parameter(parameter) }
        } else {
            for stage in [Stage.Q, .K, .V] { computed[stage.rawValue] = gradients.tensor(stage) }
        }
        let problems = try reference.gradientProblems(computed, tolerance: Self.tolerance)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// dL/dscaled = dL/dmasked / T on open pairs and 0 on blocked ones, and dL/dscores is that
    /// divided by sqrt(d_k) again: the chain rule through both divisions.
    @Test func temperatureDividesTheGradientOfTheScaledScores() throws {
        var config = DirectConfiguration(Q: try Matrix([[0.4, -0.2], [1.0, 0.3]]),
                                         K: try Matrix([[0.1, 0.9], [-0.5, 0.2], [0.7, -0.3]]),
                                         V: try Matrix([[1, 0], [0, 1], [0.5, -1]]),
                                         mask: .causalOffset(1))
        config.shaping = ScoreShaping(bias: try Matrix([[0, -0.5, -1], [0.2, 0, -0.5]]), temperature: 0.3)
        let trace = try Trace.compute(.direct(config))
        let target = try Matrix([[0, 1], [1, 0]])
        let loss = try SquaredError(output: trace.output, target: target)
        let head = try GradientTrace.compute(trace, dOutput: loss.gradient).heads[0]
        for i in 0..<2 {
            for j in 0..<3 {
                let expected = trace.blocked[i, j] ? 0 : head.masked[i, j] / 0.3
                #expect(head.scaled[i, j] == expected)
                #expect(abs(head.scores[i, j] - expected / 2.0.squareRoot()) < 1e-15)
            }
        }
    }
}
