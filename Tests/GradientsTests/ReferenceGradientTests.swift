import Attention
import Gradients
import ReferenceCases
import Testing

/// Every gradient of every case against PyTorch autograd (float64, each case also checked by
/// its authors against finite differences), to 1e-9 of the largest entry.
@Suite("Gradients against PyTorch autograd")
struct ReferenceGradientTests {
    static let cases = (try? GradientCase.all()) ?? []
    static let tolerance = 1e-9

    @Test func allCasesArePresent() {
        #expect(Self.cases.count == 30, "Fixtures/reference-grad should hold the 30 shared cases")
    }

    @Test(arguments: cases, [Kernels.reference, .fast(threads: 2)])
    func gradientsMatchAutograd(_ reference: GradientCase, kernels: Kernels) throws {
        let config = try reference.configuration()
        let trace = try Trace.compute(.multiHead(config), kernels: kernels)
        let loss = try SquaredError(output: trace.output, target: reference.target())
        let gradients = try GradientTrace.compute(trace, dOutput: loss.gradient, kernels: kernels)
        let layer = try #require(gradients.layer)

        #expect(abs(loss.value - reference.loss) <= Self.tolerance * max(1, abs(reference.loss)),
                "\(reference.name): loss \(loss.value), expected \(reference.loss)")
        var computed: [String: Matrix] = ["X": layer.X, "gates": try Matrix(rows: 1, cols: layer.gates.count, values: layer.gates)]
        for parameter in Parameter.allCases { computed[parameter.rawValue] = gradients.parameter(parameter) }

        let problems = try reference.gradientProblems(computed, tolerance: Self.tolerance)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
