import Attention
import Foundation
import Interpreter
import ReferenceCases
import TensorIO
import Testing

/// `set temperature T`, `bias = ...`, `import bias FILE`, `bias none` and `mask causal offset K`:
/// parsing, errors, the numbers against PyTorch through the commands, saved sessions, help and
/// completion.
@Suite("Temperature, bias and causal offset commands")
struct ShapingCommandTests {
    func parse(_ line: String) throws -> Command? { try CommandParser.parse(line) }

    func parseError(_ line: String) -> UserError? {
        do { _ = try CommandParser.parse(line); return nil } catch { return error as? UserError }
    }

    @Test func parsing() throws {
        #expect(try parse("set temperature 0.5") == .setTemperature(0.5))
        #expect(try parse("set T 2") == .setTemperature(2))
        #expect(try parse("set temperature 1e-05") == .setTemperature(1e-5))
        #expect(try parse("bias none") == .clearBias)
        #expect(try parse("bias") == .show(name: "bias", head: nil))
        #expect(try parse("bias = [[0, -1], [0, 0]]")
                == .define(name: "bias", head: nil, value: .literal(try NDArray(shape: [2, 2], values: [0, -1, 0, 0]))))
        #expect(try parse("bias = zeros 3x3") == .define(name: "bias", head: nil, value: .zeros(rows: 3, cols: 3)))
        #expect(try parse("import bias alibi.npy") == .importTensor(name: "bias", path: "alibi.npy"))
        #expect(try parse("mask causal offset 2") == .mask(.causalOffset(2)))
        #expect(try parse("mask causal offset -1") == .mask(.causalOffset(-1)))
        #expect(try parse("show bias") == .show(name: "bias", head: nil))
        #expect(try parse("export bias b.csv") == .export(name: "bias", path: "b.csv", head: nil))
    }

    @Test func parseErrorsSayWhatIsWanted() throws {
        for (line, words) in [("set temperature 0", "above 0"), ("set temperature -2", "above 0"), ("set temperature nan", "above 0"),
                              ("set temperature inf", "above 0"), ("set temperature warm", "must be a number"),
                              ("set temperature", "missing a temperature"), ("mask causal offset", "missing an offset"),
                              ("mask causal offset two", "whole number"), ("mask causal sideways", "after mask causal"),
                              ("bias maybe", "after bias"), ("bias = [[0, NaN]]", "NaN"), ("bias = [[0, Infinity]]", "Infinity"),
                              ("bias head 2 = [[0]]", "per-head blocks")] {
            let error = try #require(parseError(line), "'\(line)' should be refused")
            #expect(error.message.contains(words), "'\(line)': \(error.message)")
        }
        #expect(parseError("bias head 2 = [[0]]")?.hint?.contains("every head") == true)
        #expect(parseError("set warmth 2")?.hint?.contains("set temperature T") == true)
    }

    /// Each PyTorch case typed as commands: the weights, the output, the loss and a gradient of
    /// every input agree with PyTorch (`Fixtures/reference-temperature`).
    @Test(arguments: (try? ShapedCase.all()) ?? [])
    func commandsMatchPyTorch(_ reference: ShapedCase) throws {
        var repl = Interpreter(loadExample: false)
        func literal(_ m: Matrix) -> String { "[" + m.nestedRows.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]" }
        func run(_ line: String) throws { _ = try repl.execute(line) }
        switch try reference.configuration() {
        case let .direct(c):
            for (name, m) in [("Q", c.Q), ("K", c.K), ("V", c.V)] { try run("\(name) = \(literal(m))") }
        case let .multiHead(c):
            for (name, m) in [("X", c.X), ("W_Q", c.W_Q), ("W_K", c.W_K), ("W_V", c.W_V), ("W_O", c.W_O)] { try run("\(name) = \(literal(m))") }
            for (name, b) in [("b_Q", c.b_Q), ("b_K", c.b_K), ("b_V", c.b_V), ("b_O", c.b_O)] {
                if let b { try run("\(name) = [" + b.map { "\($0)" }.joined(separator: ", ") + "]") }
            }
            try run("heads \(c.heads)")
        }
        let config = try reference.configuration()
        let (mask, padding, shaping): (MaskSetting, Set<Int>, ScoreShaping) = switch config {
        case let .direct(c): (c.mask, c.keyPadding, c.shaping)
        case let .multiHead(c): (c.mask, c.keyPadding, c.shaping)
        }
        switch mask {
        case .none: break
        case .causal: try run("mask causal")
        case let .causalOffset(offset): try run("mask causal offset \(offset)")
        case let .custom(grid): try run("mask \(literal(grid.asMatrix))")
        }
        if !padding.isEmpty { try run("pad " + padding.map(String.init).joined(separator: " ")) }
        if let bias = shaping.bias { try run("bias = \(literal(bias))") }
        try run("set temperature \(shaping.temperature)")
        try run("target = \(literal(try reference.target()))")

        func holds(_ check: String) throws -> Bool {
            let outcome = try repl.evaluate(try CheckParser.parse(check))
            #expect(outcome.passed, "\(reference.name): \(check), found \(outcome.found)")
            return outcome.passed
        }
        let output = try ReferenceCase.matrix(reference.expected["output"])
        for i in 0..<output.rows {
            for j in 0..<output.cols { _ = try holds("output[\(i)][\(j)] = \(output[i, j]) +- 1e-12") }
        }
        let heads = (reference.expected["weights"] as! [Any]).count
        for h in 0..<heads {
            let weights = try reference.expectedStage("weights", head: h)
            for i in 0..<weights.rows {
                for j in 0..<weights.cols { _ = try holds("weights[\(i)][\(j)] head \(h + 1) = \(weights[i, j]) +- 1e-12") }
            }
        }
        _ = try holds("loss = \(reference.loss) +- 1e-12")
        for name in reference.gradients.keys {
            let gradient = try #require(try reference.expectedGradient(name))
            let scale = max(1e-6, gradient.values.map(abs).max() ?? 0)
            let cell = gradient.rows == 1 && name.hasPrefix("b_") ? "\(name)[0]" : "\(name)[0][0]"
            _ = try holds("grad \(cell) = \(gradient[0, 0]) +- \(1e-9 * scale)")
        }
    }

    @Test func aBiasOfTheWrongShapeSaysTheShapeItMustHave() throws {
        var repl = Interpreter()   // the example: 3 tokens
        let wrong = try #require(error("bias = [[0, 1], [1, 0]]", in: &repl))
        #expect(wrong.message == "the bias is 2 x 2 but the scores are 3 x 3 (queries x keys): give a 3 x 3 bias or `bias none`")
        #expect(wrong.hint == "one row and one column per token (X has 3 rows)")
        #expect(repl.session.scoreBias == nil)

        _ = try repl.execute("Q = [[1, 0], [0, 1]]")
        _ = try repl.execute("K = [[1, 0], [0, 1], [1, 1]]")
        let direct = try #require(error("bias = zeros 3x3", in: &repl))
        #expect(direct.message == "the bias is 3 x 3 but the scores are 2 x 3 (queries x keys): give a 2 x 3 bias or `bias none`")
        #expect(direct.hint == "one row per query (Q has 2 rows) and one column per key (K has 3 rows)")
        #expect(error("bias = zeros 2x3", in: &repl) == nil)
        #expect(error("bias = [0, 1, 2]", in: &repl)?.message.contains("needs a matrix") == true)
    }

    @Test func aBiasThatIsNotFiniteIsRefused() throws {
        var repl = Interpreter()
        _ = try repl.execute("mask causal")
        // A copy of the masked scores holds the mask's -inf: blocking is the mask's job.
        let copied = try #require(error("bias = masked head 1", in: &repl))
        #expect(copied.message.contains("-inf at [0][1]") && copied.message.contains("use the mask"))

        let dir = try makeScratchFolder("bias")
        defer { removeScratchFolder(dir) }
        try "0,1,2\n0,inf,0\n0,0,0\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let csv = try #require(error("import bias \(dir.path)/bad.csv", in: &repl))
        #expect(csv.message.contains("cannot import bias"))
        #expect(repl.session.scoreBias == nil)
    }

    @Test func importBiasFromEveryFormat() throws {
        let dir = try makeScratchFolder("bias")
        defer { removeScratchFolder(dir) }
        let bias = try NDArray(shape: [3, 3], values: [0, -0.5, -1, -0.5, 0, -0.5, -1, -0.5, 0])
        for format in ["npy", "json", "csv"] {
            var repl = Interpreter()
            let path = "\(dir.path)/alibi.\(format)"
            try TensorFile.write(bias, path: path)
            _ = try repl.execute("import bias \(path)")
            #expect(repl.session.scoreBias == (try Matrix(rows: 3, cols: 3, values: bias.values)))
            _ = try repl.execute("export bias \(dir.path)/back.\(format)")
            #expect(try TensorFile.read(path: "\(dir.path)/back.\(format)") == bias)
            _ = try repl.execute("bias none")
            #expect(repl.session.scoreBias == nil)
        }
    }

    @Test func biasAndTemperatureReachTheScores() throws {
        var repl = Interpreter()
        let plain = try repl.evaluate(try CheckParser.parse("masked[sat][cat] head 2 = 0 +- 100")).found
        _ = try repl.execute("bias = [[0, 0, 0], [0, 0, 0], [0, 1, 0]]")
        _ = try repl.execute("set temperature 0.5")
        let shaped = try repl.evaluate(try CheckParser.parse("masked[sat][cat] head 2 = 0 +- 100")).found
        #expect(abs((Double(plain)! + 1) / 0.5 - Double(shaped)!) < 1e-5)
        #expect(try repl.evaluate(try CheckParser.parse("bias[sat][cat] = 1")).passed)
        // scaled is still scores / sqrt(d_k): the bias and T act after it.
        #expect(try repl.evaluate(try CheckParser.parse("scaled[sat][cat] head 2 = \(plain) +- 1e-6")).passed)
        _ = try repl.execute("set temperature 1")
        _ = try repl.execute("bias none")
        #expect(try repl.evaluate(try CheckParser.parse("masked[sat][cat] head 2 = \(plain) +- 1e-6")).passed)
    }

    /// The KV-cache case: 2 new queries over 5 keys, the last query seeing every key.
    @Test func causalOffsetInDirectMode() throws {
        var repl = Interpreter()
        _ = try repl.execute("Q = random 2x3 seed 1")
        _ = try repl.execute("K = random 5x3 seed 2")
        _ = try repl.execute("V = random 5x2 seed 3")
        #expect(error("mask causal", in: &repl) == nil)   // accepted, with a note: n and m differ
        #expect(error("run", in: &repl)?.message.contains("needs as many queries as keys") == true)
        let reply = try repl.execute("mask causal offset 3").text
        #expect(reply.contains("mask causal offset 3: query i attends to keys 0 to i + 3"))
        #expect(try repl.evaluate(try CheckParser.parse("sum mask[0] = 1")).passed)
        #expect(try repl.evaluate(try CheckParser.parse("sum mask[1] = 0")).passed)
        #expect(try repl.evaluate(try CheckParser.parse("weights[0][4] = 0")).passed)
        #expect(try repl.evaluate(try CheckParser.parse("sum weights[0] = 1 +- 1e-12")).passed)
        #expect(try repl.execute("mask causal offset -1").text.contains("0 to i − 1"))
    }

    @Test func savedSessionsKeepTemperatureBiasAndOffset() throws {
        let dir = try makeScratchFolder("sessions")
        defer { removeScratchFolder(dir) }
        var repl = Interpreter()
        for line in ["Q = random 2x3 seed 1", "K = random 4x3 seed 2", "V = random 4x2 seed 3", "mask causal offset 2",
                     "bias = [[0, -0.5, -1, -1.5], [0.25, 0, -0.5, -1]]", "set temperature 0.3", "goto weights"] {
            _ = try repl.execute(line)
        }
        _ = try repl.execute("save \(dir.path)/s.txt")
        let text = try String(contentsOfFile: "\(dir.path)/s.txt", encoding: .utf8)
        #expect(text.contains("\nbias = [[0.0, -0.5, -1.0, -1.5], [0.25, 0.0, -0.5, -1.0]]\n"))
        #expect(text.contains("\nmask causal offset 2\n") && text.contains("\nset temperature 0.3\n"))
        var loaded = Interpreter(loadExample: false)
        _ = try loaded.execute("load \(dir.path)/s.txt")
        #expect(loaded.session == repl.session)

        // A bias left with a shape that no longer fits (X changed after it) comes back as it was.
        var layer = Interpreter()
        _ = try layer.execute("bias = zeros 3x3")
        _ = try layer.execute("set temperature 4")
        _ = try layer.execute("X = random 4x4 seed 1")
        _ = try layer.execute("save \(dir.path)/t.txt")
        var back = Interpreter(loadExample: false)
        _ = try back.execute("load \(dir.path)/t.txt")
        #expect(back.session == layer.session)
        #expect(error("run", in: &back)?.message.contains("the bias is 3 x 3 but the scores are 4 x 4") == true)
    }

    @Test func resetAndTasksStartWithoutThem() throws {
        var repl = Interpreter()
        _ = try repl.execute("bias = zeros 3x3")
        _ = try repl.execute("set temperature 2")
        _ = try repl.execute("reset")
        #expect(repl.session.scoreBias == nil && repl.session.temperature == 1)

        var task = Interpreter()
        _ = try task.execute("set temperature 2")
        _ = try task.execute("bias = zeros 3x3")
        _ = try task.execute("task previous-two vocab 5 length 4 d_model 8")
        #expect(task.session.scoreBias == nil && task.session.temperature == 1)
        for line in ["set temperature 3", "bias = zeros 4x4", "bias none", "import bias b.npy"] {
            let refused = try #require(error(line, in: &task), "'\(line)' should be refused in a task")
            #expect(refused.message.contains("belongs to the task's model"))
        }
    }

    @Test func helpAndCompletionKnowThem() throws {
        var repl = Interpreter()
        let list = try repl.execute("help").text
        #expect(list.contains("bias = [[...]] | import bias FILE | bias none") && list.contains("set temperature T"))
        #expect(try repl.execute("help bias").text.contains("ALiBi"))
        #expect(try repl.execute("help set").text.contains("set temperature T (T > 0)"))
        #expect(try repl.execute("help mask").text.contains("causal_lower_right"))
        #expect(Completion.candidates(previous: ["set"], prefix: "t") == ["temperature"])
        #expect(Completion.candidates(previous: ["mask", "causal"], prefix: "") == ["offset"])
        #expect(Completion.candidates(previous: ["bias"], prefix: "") == ["=", "none"])
        #expect(Completion.candidates(previous: ["bias", "="], prefix: "z") == ["zeros"])
        #expect(Completion.candidates(previous: ["import"], prefix: "bi") == ["bias"])
        #expect(Completion.candidates(previous: ["show"], prefix: "bi") == ["bias"])
        #expect(Completion.candidates(previous: [], prefix: "bia") == ["bias"])
    }

    /// `cost` counts the bias's addition, one per score of every head; the temperature folds
    /// into the scaling's constant and costs nothing.
    @Test func costCountsTheBiasNotTheTemperature() throws {
        var repl = Interpreter()
        func flops() throws -> Double { Double(try repl.evaluate(try CheckParser.parse("flops > 0")).found)! }
        let plain = try flops()
        _ = try repl.execute("set temperature 0.5")
        #expect(try flops() == plain)
        _ = try repl.execute("bias = zeros 3x3")
        #expect(try flops() == plain + 2 * 3 * 3)
        #expect(try repl.execute("cost").text.contains("adding the bias"))
    }
}
