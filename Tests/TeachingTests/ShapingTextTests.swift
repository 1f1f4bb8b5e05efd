import Attention
import Gradients
import ReferenceCases
import Teaching
import Testing

/// The bias and the temperature in the words and the arithmetic: the masked step shows the bias
/// and says what T does, the scaled step looks ahead to T, the weights step puts T in the
/// learner's numbers, and `why` writes the division by T into a masked score and a weight.
@Suite("Temperature and bias in the text")
struct ShapingTextTests {
    /// Direct mode, Q = K = I, V = [[1, 2], [3, 4]], d_k = 2: scaled = I / sqrt(2) = 0.707 on the
    /// diagonal. With bias [[0, 1], [-1, 0]] and T = 0.5, masked = (scaled + bias) / 0.5.
    static func presenter(bias: Matrix?, temperature: Double, scaling: Bool = true) throws -> Presenter {
        let I = Matrix.identity(2)
        var c = DirectConfiguration(Q: I, K: I, V: try Matrix([[1, 2], [3, 4]]))
        c.shaping = ScoreShaping(bias: bias, temperature: temperature)
        c.scaling = scaling
        return Presenter(trace: try Trace.compute(.direct(c)), tokens: ["cat", "sat"], width: 10_000)
    }

    @Test func maskedStepShowsTheBiasAndWhatTDoes() throws {
        let presenter = try Self.presenter(bias: try Matrix([[0, 1], [-1, 0]]), temperature: 0.5)
        let text = presenter.report(.masked)
        #expect(text.contains("Bias, temperature and masking"))
        #expect(text.contains("masked = (scaled + bias) / T, with blocked (query, key) pairs set to -inf    (T = 0.5)"))
        #expect(text.contains("bias  2 x 2 (queries x keys, added in every head)"))
        #expect(text.contains("2 times wider") && text.contains("an argmax"))
        // sat and sat: (0.707 + 0) / 0.5 = 1.414.
        #expect(text.contains("masked = (scaled + bias) / T = (0.707 + 0.000) / 0.5 = 1.414"))
        #expect(text.contains("No mask and no key padding: every query may look at every key. "))
    }

    @Test func scaledStepLooksAheadToTheTemperature() throws {
        let on = try Self.presenter(bias: nil, temperature: 0.5).report(.scaled)
        #expect(on.contains("one division by sqrt(d_k) · T = 1.414 × 0.5 = 0.707"))
        let off = try Self.presenter(bias: nil, temperature: 2, scaling: false).report(.scaled)
        #expect(off.contains("T = sqrt(d_k) = 1.414 would be ordinary attention exactly"))
        #expect(!(try Self.presenter(bias: nil, temperature: 1).report(.scaled)).contains("temperature"))
    }

    @Test func weightsStepPutsTInTheLearnersNumbers() throws {
        let cold = try Self.presenter(bias: nil, temperature: 0.1).report(.weights)
        #expect(cold.contains("At T = 0.1, below 1 (sharper), 'sat' gives its largest weight, 0.999, to 'sat'"))
        #expect(cold.contains("1/2 = 0.500 (a plain average)"))
        let hot = try Self.presenter(bias: nil, temperature: 10).report(.weights)
        #expect(hot.contains("At T = 10, above 1 (flatter), 'sat' gives its largest weight, 0.518"))
    }

    @Test func whyWritesTheDivisionByT() throws {
        let presenter = try Self.presenter(bias: try Matrix([[0, 1], [-1, 0]]), temperature: 0.5)
        let masked = presenter.why(.masked, row: 1, col: 0)
        // (0 - 1) / 0.5 = -2.
        #expect(masked.text.contains("masked[sat][cat] = (scaled + bias) / T\n  = (0.000 − 1.000) / 0.5\n  = -2.000"))
        #expect(masked.value == -2)
        let weight = presenter.why(.weights, row: 1, col: 0)
        #expect(weight.text.contains("s_cat = (scaled + bias) / T = (0.000 − 1.000) / 0.5 = -2.000"))
        #expect(abs(weight.terms[0] / weight.terms.reduce(0, +) - weight.value) < 1e-15)
        let onlyT = try Self.presenter(bias: nil, temperature: 4).why(.weights, row: 0, col: 0)
        #expect(onlyT.text.contains("s_cat = scaled / T = 0.707 / 4 = 0.177"))
    }

    @Test func ordinaryAttentionReadsAsBefore() throws {
        let presenter = try Self.presenter(bias: nil, temperature: 1)
        let text = presenter.report(.masked)
        #expect(text.contains("Stage 4 of 6 · Masking"))
        #expect(text.contains("masked = scaled, with blocked (query, key) pairs set to -inf\n"))
        #expect(text.contains("so masked = scaled."))
        #expect(presenter.why(.masked, row: 0, col: 1).text.contains("the scaled score 0.000, unchanged"))
        #expect(!presenter.why(.weights, row: 0, col: 1).text.contains("s_sat"))
    }

    @Test func explainTemperatureAndBias() throws {
        let presenter = try Self.presenter(bias: try Matrix([[0, 1], [-1, 0]]), temperature: 0.5)
        let temperature = presenter.explain(.temperature)
        #expect(temperature.contains("fixed at sqrt(d_k)"))
        #expect(temperature.contains("In your numbers: At T = 0.5, below 1 (sharper)"))
        let bias = presenter.explain(.bias)
        #expect(bias.contains("ALiBi (Press et al. 2022)") && bias.contains("(0.707 + 0.000) / 0.5"))
        #expect(Concept.named("alibi") == .bias && Concept.named("T") == .temperature)
        let plain = try Self.presenter(bias: nil, temperature: 1).explain(.bias)
        #expect(plain.contains("no bias is set"))
    }

    /// On every PyTorch case, `why` gives each masked and weight cell its own value, and writes the
    /// division by T wherever T is not 1.
    @Test(arguments: (try? ShapedCase.all()) ?? [])
    func whyMatchesEveryCell(_ reference: ShapedCase) throws {
        let trace = try Trace.compute(reference.configuration())
        let presenter = Presenter(trace: trace, tokens: [])
        let T = trace.shaping.temperature
        for head in trace.heads.indices {
            for row in 0..<trace.n {
                for col in 0..<trace.m {
                    let masked = presenter.why(.masked, row: row, col: col, head: head)
                    #expect(masked.value == trace.heads[head].masked[row, col])
                    let weight = presenter.why(.weights, row: row, col: col, head: head)
                    #expect(abs(weight.terms[col] / weight.terms.reduce(0, +) - weight.value) <= 1e-12)
                    if !trace.blocked[row, col], T != 1 {
                        #expect(masked.text.contains("/ \(Presenter.temperature(T))"), "\(reference.name) masked[\(row)][\(col)]")
                        #expect(weight.text.contains("/ \(Presenter.temperature(T)) ="), "\(reference.name) weights[\(row)][\(col)]")
                    }
                }
            }
        }
    }

    @Test func backwardThroughTheTemperature() throws {
        var c = DirectConfiguration(Q: Matrix.identity(2), K: Matrix.identity(2), V: try Matrix([[1, 2], [3, 4]]), mask: .causal)
        c.shaping = ScoreShaping(bias: try Matrix([[0, 0], [0.5, 0]]), temperature: 0.25)
        let trace = try Trace.compute(.direct(c))
        let target = try Matrix([[0, 0], [0, 0]])
        let loss = try SquaredError(output: trace.output, target: target)
        let gradients = try GradientTrace.compute(trace, dOutput: loss.gradient)
        let presenter = GradientPresenter(forward: Presenter(trace: trace, tokens: ["cat", "sat"], width: 10_000),
                                          gradients: gradients, loss: loss, target: target)
        let report = presenter.report(.scaled)
        #expect(report.contains("Back through the mask and the temperature: dL/dscaled"))
        #expect(report.contains("dL/dscaled = dL/dmasked / T where the pair is open (T = 0.25), 0 where it is blocked"))
        #expect(report.contains("made 4 times larger") && report.contains("The bias is a constant"))
        let cell = presenter.why("scaled", row: 1, col: 0)
        #expect(cell.text.contains("= dL/dmasked / T") && cell.value == gradients.heads[0].masked[1, 0] / 0.25)
        #expect(presenter.why("scaled", row: 0, col: 1).text.contains("the pair is blocked"))
    }
}
