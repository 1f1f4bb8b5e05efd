import Attention
import Foundation
import Interpreter
import Teaching
import Testing

/// The backward pass's commands through `Interpreter.execute` on the ready example ("the cat
/// sat", d_model 4, two heads): what they say, where the backward cursor goes, what `fit`
/// changes, and the numbers against values computed independently with NumPy.
@Suite("Gradient commands")
struct GradientCommandTests {
    /// The ready example with the target of lesson 11: the output the layer gives when 'sat'
    /// may only look at 'cat'. Only the row of 'sat' differs from the output without the mask.
    static func exampleWithTarget() throws -> Interpreter {
        var interpreter = Interpreter()
        for line in ["mask [[0, 0, 0], [0, 0, 0], [1, 0, 1]]", "target = output", "mask none"] {
            _ = try interpreter.execute(line)
        }
        return interpreter
    }

    /// Direct mode: three queries over two keys, with a target of the output's shape (3 x 2).
    static func directWithTarget() throws -> Interpreter {
        var interpreter = Interpreter()
        for line in ["Q = [[1, 0], [0, 1], [1, 1]]", "K = [[1, 0], [0, 1]]", "V = [[1, 2], [3, 4]]",
                     "target = [[2, 2], [3, 3], [1, 4]]"] {
            _ = try interpreter.execute(line)
        }
        return interpreter
    }

    func holds(_ check: String, _ interpreter: Interpreter) throws -> CheckOutcome {
        try interpreter.evaluate(try CheckParser.parse(check))
    }

    /// dL/dNAME as numbers, read back through `export grad` as JSON.
    func exported(_ name: String, head: Int? = nil, _ interpreter: inout Interpreter) throws -> [Double] {
        let folder = try makeScratchFolder("grad-export")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent("g.json").path
        _ = try interpreter.execute("export grad \(name) \(path)" + (head.map { " head \($0)" } ?? ""))
        func flatten(_ any: Any) -> [Double] {
            if let array = any as? [Any] { return array.flatMap(flatten) }
            return [(any as! NSNumber).doubleValue]
        }
        return flatten(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))))
    }

    // MARK: Errors say what is wrong and how to fix it

    @Test func lossWithoutATargetSaysHowToMakeOne() throws {
        var interpreter = Interpreter()
        let e = try #require(error("loss", in: &interpreter))
        #expect(e.message.contains("no target"))
        #expect(e.hint?.contains("target = zeros 3x4") == true, "\(e)")
        #expect(e.hint?.contains("3 x 4") == true)
        for line in ["backward", "grad scores", "why grad scores 0 0", "fit 10", "goto grad masked"] {
            let other = try #require(error(line, in: &interpreter), "\(line) needs a target")
            #expect(other.message.contains("no target"), "\(line): \(other)")
        }
    }

    @Test func aTargetOfTheWrongShapeIsNamed() throws {
        var interpreter = Interpreter()
        // Defining it is allowed (the layer may change next), with a note.
        let note = try interpreter.execute("target = zeros 2x4").text
        #expect(note.contains("the output is 3 x 4 but the target is 2 x 4"))
        let e = try #require(error("loss", in: &interpreter))
        #expect(e.message == "the target is 2 x 4 but the output is 3 x 4")
        #expect(e.hint?.contains("one row per token and one column per output feature") == true)
        #expect(error("fit 5", in: &interpreter)?.message == "the target is 2 x 4 but the output is 3 x 4")
    }

    @Test func fitInDirectModeHasNoX() throws {
        var interpreter = try Self.directWithTarget()
        let e = try #require(error("fit 3 X", in: &interpreter))
        #expect(e.message.contains("direct mode has no X"))
        #expect(e.hint?.contains("fit N") == true)
        #expect(error("fit 3 only X", in: &interpreter)?.message.contains("direct mode has no X") == true)
        #expect(error("fit 3 only W_Q", in: &interpreter)?.message == "direct mode trains Q, K and V, not W_Q")
    }

    @Test func fitOnlyAnUnsetBiasSaysToDefineIt() throws {
        var interpreter = try Self.exampleWithTarget()
        let e = try #require(error("fit 3 only b_Q", in: &interpreter))
        #expect(e.message == "b_Q is not set, so there is nothing to train")
        #expect(e.hint == "define it first, e.g. `b_Q = zeros 4`")
        // Layer mode refuses the direct-mode inputs.
        #expect(error("fit 3 only Q", in: &interpreter)?.message.contains("Q is for direct mode") == true)
        // Defining it makes it trainable.
        _ = try interpreter.execute("b_Q = zeros 4")
        _ = try interpreter.execute("fit 3 only b_Q")
        #expect(interpreter.session.biases["b_Q"] != [0, 0, 0, 0])
    }

    @Test func gradOfALayerTensorInDirectMode() throws {
        var interpreter = try Self.directWithTarget()
        for name in ["concat", "X", "W_Q", "b_O"] {
            let e = try #require(error("grad \(name)", in: &interpreter), "grad \(name) in direct mode")
            #expect(e.message == "\(name) does not exist in direct mode, so it has no gradient")
            #expect(e.hint?.contains("Q, K, V, scores") == true)
        }
        #expect(error("grad gates", in: &interpreter)?.message.contains("no gates") == true)
        // What direct mode does have.
        for name in ["Q", "K", "V", "scores", "scaled", "masked", "weights", "head_out", "output"] {
            #expect(try interpreter.execute("grad \(name)").text.contains("dL/d\(name)"), "grad \(name)")
        }
    }

    @Test func whyGradIndexErrors() throws {
        var interpreter = try Self.exampleWithTarget()
        #expect(error("why grad gates 0", in: &interpreter)?.message == "give a head from 1 to 2, e.g. why grad gates 1")
        #expect(error("why grad gates 3", in: &interpreter)?.message == "give a head from 1 to 2, e.g. why grad gates 1")
        #expect(error("why grad b_O 0 1", in: &interpreter)?.message.contains("b_O is a vector: give one index") == true)
        #expect(error("why grad scores sat", in: &interpreter)?.message.contains("give a row and a column") == true)
        #expect(error("why grad scores dog cat", in: &interpreter)?.message.contains("no row named 'dog'") == true)
        #expect(error("why grad scores 0 3", in: &interpreter)?.message.contains("column 3 is outside") == true)
        #expect(error("grad scores head 3", in: &interpreter)?.message == "there are 2 heads, so head 3 does not exist")
        // One index from 1 for the gates: head 2's dL/dg.
        let gate = try interpreter.execute("why grad gates 2").text
        #expect(gate.contains("dL/dgates[head 2]"), "\(gate)")
    }

    @Test func aFailingCommandLeavesTheSessionUnchanged() throws {
        var interpreter = try Self.exampleWithTarget()
        _ = try interpreter.execute("backward")
        _ = try interpreter.execute("backward")
        let before = interpreter.session
        for line in ["fit 3 only b_Q", "fit 3 only Q", "grad gates head 3", "why grad gates 3", "why grad scores 9 0",
                     "backward head 3", "goto grad nowhere", "goto grad masked head 5", "export grad weights /nonexistent/dir/w.npy",
                     "target = [[1, 2], [3]]", "import target /nonexistent/t.npy", "fit 0", "fit 10 bogus", "grad nothing"] {
            #expect(throws: UserError.self, "\(line) should fail") { try interpreter.execute(line) }
            #expect(interpreter.session == before, "\(line) changed the session")
        }
        #expect(interpreter.session.backwardCursor == .concat)
        // A fit that cannot start (too many steps) changes nothing either.
        interpreter.maximumFitSteps = 10
        let tooMany = try #require(error("fit 11", in: &interpreter))
        #expect(tooMany.message.contains("more than the 10 allowed"))
        #expect(interpreter.session == before)
    }

    @Test func targetCommands() throws {
        let folder = try makeScratchFolder("target")
        defer { removeScratchFolder(folder) }
        var interpreter = Interpreter()
        let none = try #require(error("show target", in: &interpreter))
        #expect(none.message == "there is no target yet")
        #expect(error("export target \(folder.path)/t.json", in: &interpreter)?.message == "there is no target yet")

        _ = try interpreter.execute("target T = zeros 3x4")
        #expect(interpreter.session.target == Matrix(rows: 3, cols: 4))
        _ = try interpreter.execute("target = output")
        let output = try #require(interpreter.session.target)
        #expect(try interpreter.execute("show target").text.contains("target  3 x 4"))
        // The loss of the output against itself is 0.
        #expect(try holds("loss = 0", interpreter).passed)

        let path = folder.appendingPathComponent("t.json").path
        _ = try interpreter.execute("export target \(path)")
        _ = try interpreter.execute("target = zeros 3x4")
        _ = try interpreter.execute("import target \(path)")
        #expect(interpreter.session.target == output)
    }

    @Test func aBiasEntryOutOfRangeIsNamedInPlainEnglish() throws {
        var interpreter = try Self.exampleWithTarget()
        let e = try #require(error("why grad b_O 5", in: &interpreter))
        #expect(e.message == "entry 5 is outside dL/db_O, which has 4 entries (0 to 3)", "message: \(e.message)")
    }

    /// `export grad` of one head's block of a weight is that block of the whole gradient:
    /// columns 2-3 of dL/dW_Q for head 2, rows 2-3 of dL/dW_O; per-head stages are heads x rows x cols.
    @Test func exportGradWritesBlocksAndHeads() throws {
        var interpreter = try Self.exampleWithTarget()
        let whole = try exported("W_Q", &interpreter)
        let block = try exported("W_Q", head: 2, &interpreter)
        let columns23: [Double] = (0..<4).flatMap { (row: Int) -> [Double] in [whole[row * 4 + 2], whole[row * 4 + 3]] }
        #expect(block == columns23)
        let wholeO = try exported("W_O", &interpreter)
        #expect(try exported("W_O", head: 2, &interpreter) == Array(wholeO[8..<16]))
        let scores = try exported("scores", &interpreter)
        #expect(scores.count == 2 * 3 * 3)
        #expect(try exported("scores", head: 2, &interpreter) == Array(scores[9..<18]))
        // dL/dscores = dL/dscaled / sqrt(d_k), d_k = 2.
        let scaled = try exported("scaled", head: 2, &interpreter)
        for (a, b) in zip(Array(scores[9..<18]), scaled) { #expect(abs(a - b / 2.0.squareRoot()) <= 1e-15) }
        #expect(try exported("b_O", &interpreter).count == 4)
    }

    // MARK: Walking the backward pass

    @Test func backwardWalksTenStagesInLayerMode() throws {
        var interpreter = try Self.exampleWithTarget()
        let titles = ["The loss and dL/doutput", "Back through W_O", "Back to each head", "Back through the weighted sum",
                      "Back through the softmax", "Back through the mask", "Back through the scaling", "Back through Q Kᵀ",
                      "The projection weights", "The input: dL/dX"]
        let steps: [BackwardStep] = [.output, .concat, .head_out, .weights, .masked, .scaled, .scores, .projection, .parameters, .input]
        for (index, title) in titles.enumerated() {
            let text = try interpreter.execute("backward").text
            #expect(text.contains("Backward \(index + 1) of 10 · \(title)"), "backward \(index + 1): \(text.prefix(100))")
            #expect(interpreter.session.backwardCursor == steps[index])
        }
        let before = interpreter.session
        let e = try #require(error("backward", in: &interpreter))
        #expect(e.message == "you are at the last backward stage (input)")
        #expect(e.hint?.contains("goto grad output") == true)
        #expect(interpreter.session == before)
        // The forward cursor is untouched by the backward walk.
        #expect(interpreter.session.cursor == nil)
    }

    @Test func backwardWalksSixStagesInDirectMode() throws {
        var interpreter = try Self.directWithTarget()
        let steps: [BackwardStep] = [.output, .weights, .masked, .scaled, .scores, .input]
        for (index, step) in steps.enumerated() {
            let text = try interpreter.execute("backward").text
            #expect(text.contains("Backward \(index + 1) of 6 · \(step.title(direct: true))"), "backward \(index + 1): \(text.prefix(100))")
            #expect(interpreter.session.backwardCursor == step)
        }
        #expect(error("backward", in: &interpreter)?.message == "you are at the last backward stage (input)")
        // Layer-only stages are not in direct mode's walk.
        let e = try #require(error("goto grad concat", in: &interpreter))
        #expect(e.message.contains("there is no backward stage 'concat' in direct mode"))
        #expect(e.hint == "backward stages: output weights masked scaled scores input")
    }

    @Test func stepAndBackMoveAlongTheBackwardPass() throws {
        var interpreter = try Self.exampleWithTarget()
        _ = try interpreter.execute("backward")
        // At the first backward stage there is nothing before.
        let first = try #require(error("back", in: &interpreter))
        #expect(first.message == "you are at the first backward stage")
        #expect(first.hint?.contains("goto output") == true)
        #expect(try interpreter.execute("step").text.contains("Backward 2 of 10"))
        #expect(try interpreter.execute("step head 2").text.contains("Backward 3 of 10"))
        #expect(interpreter.session.backwardCursor == .head_out)
        #expect(try interpreter.execute("back").text.contains("Backward 2 of 10"))
        #expect(interpreter.session.backwardCursor == .concat)
        // goto grad by a stage or by a gradient the stage shows.
        #expect(try interpreter.execute("goto grad W_Q").text.contains("Backward 9 of 10"))
        #expect(interpreter.session.backwardCursor == .parameters)
        #expect(try interpreter.execute("goto grad gates").text.contains("Backward 3 of 10"))
        #expect(try interpreter.execute("goto grad masked head 2").text.contains("Backward 5 of 10"))
        let unknown = try #require(error("goto grad maskd", in: &interpreter))
        #expect(unknown.message == "there is no backward stage 'maskd': did you mean 'masked'?")
        #expect(interpreter.session.backwardCursor == .masked)
    }

    @Test func gotoAStageReturnsToTheForwardPass() throws {
        var interpreter = try Self.exampleWithTarget()
        _ = try interpreter.execute("goto grad scores")
        let text = try interpreter.execute("goto output").text
        #expect(text.contains("Stage 9 of 9"))
        #expect(interpreter.session.backwardCursor == nil)
        #expect(interpreter.session.cursor == .output)
        // step and back are the forward pass's again.
        #expect(try interpreter.execute("back").text.contains("Stage 8 of 9"))
        #expect(try interpreter.execute("where").text.contains("Stage 8 of 9: concat"))
        // `run` also leaves the backward pass.
        _ = try interpreter.execute("backward")
        _ = try interpreter.execute("run")
        #expect(interpreter.session.backwardCursor == nil)
    }

    @Test func whereInTheBackwardPass() throws {
        var interpreter = try Self.exampleWithTarget()
        _ = try interpreter.execute("goto grad head_out")
        let text = try interpreter.execute("where").text.replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("Backward stage 3 of 10: head_out"), "\(text)")
        #expect(text.contains("output <- concat <- [head_out] <- weights"), "\(text)")
        #expect(text.contains("Next: weights"), "\(text)")
        #expect(text.contains("`goto STAGE` returns to the forward pass"), "\(text)")
        _ = try interpreter.execute("goto grad input")
        let last = try interpreter.execute("where").text
        #expect(last.contains("Backward stage 10 of 10: input") && last.contains("This is the last backward stage."), "\(last)")
    }

    @Test func saveAndLoadKeepTheTargetAndTheBackwardCursor() throws {
        let folder = try makeScratchFolder("gradient-session")
        defer { removeScratchFolder(folder) }
        var interpreter = try Self.exampleWithTarget()
        _ = try interpreter.execute("goto weights")
        _ = try interpreter.execute("goto grad masked")
        let path = folder.appendingPathComponent("s.txt").path
        _ = try interpreter.execute("save \(path)")
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.contains("\ntarget = [["), "\(saved)")
        #expect(saved.contains("\ngoto grad masked\n"), "\(saved)")

        var loaded = Interpreter(loadExample: false)
        _ = try loaded.execute("load \(path)")
        #expect(loaded.session.target == interpreter.session.target)
        #expect(loaded.session.backwardCursor == .masked)
        #expect(loaded.session == interpreter.session)
        #expect(try loaded.execute("loss").text == (try interpreter.execute("loss").text))
        #expect(try loaded.execute("step").text.contains("Backward 6 of 10"))
    }

    // MARK: Numbers against NumPy

    /// Computed independently with NumPy (and confirmed by central finite differences of the
    /// forward pass): L = 0.13137573, dL/dg = [0.01908540, 0.00821997], and dL/dmasked for
    /// 'sat' (equal to dL/dscaled, as nothing is masked) in heads 1 and 2.
    @Test func lossGatesAndSoftmaxGradientsMatchNumPy() throws {
        var interpreter = try Self.exampleWithTarget()
        let loss = try holds("loss = 0.131376 +- 0.000001", interpreter)
        #expect(loss.passed, "loss \(loss.found)")
        #expect(try interpreter.execute("loss").text.contains("= 0.131"))

        let gates = try exported("gates", &interpreter)
        #expect(gates.count == 2)
        #expect(abs(gates[0] - 0.01909) <= 1e-5 && abs(gates[1] - 0.008220) <= 1e-5, "dL/dgates \(gates)")

        // NumPy: head 1 [-0.00414348, -0.00699877, 0.01114225], head 2 [0.06235707, -0.11753601, 0.05517894].
        let expected: [Int: [Double]] = [1: [-0.00414348, -0.00699877, 0.01114225], 2: [0.06235707, -0.11753601, 0.05517894]]
        for head in [1, 2] {
            for name in ["masked", "scaled"] {
                let values = try exported(name, head: head, &interpreter)
                let sat = Array(values[6..<9])
                for (found, wanted) in zip(sat, expected[head]!) {
                    #expect(abs(found - wanted) <= 1e-7, "dL/d\(name)[sat] head \(head): \(sat), NumPy \(expected[head]!)")
                }
                // The rows of 'the' and 'cat' already match the target.
                #expect(values[0..<6].allSatisfy { $0 == 0 }, "dL/d\(name) head \(head): \(values)")
            }
        }
    }

    @Test func lossAndGradientChecks() throws {
        let interpreter = try Self.exampleWithTarget()
        #expect(try !holds("loss < 0.01", interpreter).passed)
        #expect(try holds("loss < 0.2", interpreter).passed)
        let found = try holds("loss > 1", interpreter)
        #expect(!found.passed && found.found == "0.1314", "\(found)")
        #expect(try holds("grad scores[sat][cat] head 2 < 0", interpreter).passed)
        #expect(try holds("grad scores[sat][the] head 2 > 0", interpreter).passed)
        #expect(try holds("grad masked[sat][cat] head 2 = -0.117536 +- 0.000001", interpreter).passed)
        #expect(try holds("grad output[the][0] = 0", interpreter).passed)
        #expect(try holds("grad output[sat][3] = 0.1828 +- 0.0001", interpreter).passed)
        let argmin = try holds("argmin grad masked[sat] head 2 = cat", interpreter)
        #expect(argmin.passed && argmin.found.hasPrefix("cat"), "\(argmin)")
        #expect(try holds("argmin grad masked[sat] head 1 = cat", interpreter).passed)
        #expect(try !holds("argmax grad masked[sat] head 2 = cat", interpreter).passed)
        #expect(try holds("sum grad masked[sat] head 1 = 0 +- 1e-12", interpreter).passed)
        // A gradient check of a name that has no gradient is refused when the lesson is read.
        #expect(throws: UserError.self) { try CheckParser.parse("grad mask[0][0] = 0") }
    }

    /// Gates are checked by head number from 1, as `why grad gates N` takes them:
    /// `grad gates[1]` is head 1's dL/dg (NumPy 0.01909), `grad gates[2]` head 2's (0.008220).
    @Test func gateChecksTakeAHeadNumber() throws {
        let interpreter = try Self.exampleWithTarget()
        for (check, what) in [("grad gates[1] > 0", "head 1 > 0"), ("grad gates[1] = 0.01909 +- 0.00001", "head 1"),
                              ("grad gates[2] = 0.00822 +- 0.00001", "head 2")] {
            do {
                let outcome = try holds(check, interpreter)
                #expect(outcome.passed, "'check: \(check)' (\(what)) found \(outcome.found)")
            } catch {
                Issue.record("'check: \(check)' cannot be checked: \(error) (lesson 11 line 49 uses this form)")
            }
        }
    }

    // MARK: fit

    /// NumPy's Adam (PyTorch's defaults), 200 steps with lr 0.1 on W_Q and W_K only: L = 3.046e-05,
    /// weights[sat][cat] 0.9968 in head 1 and 0.9967 in head 2.
    @Test func fitOnlyTheAttentionMatchesNumPy() throws {
        var interpreter = try Self.exampleWithTarget()
        let before = interpreter.session
        let report = try interpreter.execute("fit 200 lr 0.1 only W_Q W_K").text
        #expect(report.contains("200 steps of adam (lr 0.1) on W_Q, W_K"), "\(report)")
        #expect(report.contains("loss 0.1314 -> 3.046e-05"), "\(report)")
        let loss = try holds("loss = 0.00003046 +- 0.0000001", interpreter)
        #expect(loss.passed, "loss \(loss.found)")
        for (head, weight) in [(1, 0.9968), (2, 0.9967)] {
            let outcome = try holds("weights[sat][cat] head \(head) = \(weight) +- 0.0002", interpreter)
            #expect(outcome.passed, "weights[sat][cat] head \(head): \(outcome.found)")
        }
        let after = interpreter.session
        #expect(after.matrices["W_Q"] != before.matrices["W_Q"])
        #expect(after.matrices["W_K"] != before.matrices["W_K"])
        for name in ["X", "W_V", "W_O"] {
            #expect(after.matrices[name] == before.matrices[name], "\(name) changed")
        }
        #expect(after.biases.isEmpty)
        #expect(after.target == before.target)
    }

    @Test func fitTrainsTheDefinedParametersAndXOnlyWhenAsked() throws {
        var interpreter = try Self.exampleWithTarget()
        let start = interpreter.session
        let report = try interpreter.execute("fit 20").text
        #expect(report.contains("20 steps of adam (lr 0.01) on W_Q, W_K, W_V, W_O"), "\(report)")
        let lowered = try holds("loss < 0.13", interpreter)
        #expect(lowered.passed, "loss after fit 20: \(lowered.found)")
        for name in ["W_Q", "W_K", "W_V", "W_O"] {
            #expect(interpreter.session.matrices[name] != start.matrices[name], "\(name) did not change")
        }
        #expect(interpreter.session.matrices["X"] == start.matrices["X"], "X changed without `fit N X`")
        #expect(interpreter.session.biases.isEmpty, "an unset bias was created")

        // A bias that is set is trained by default.
        var withBias = try Self.exampleWithTarget()
        _ = try withBias.execute("b_O = zeros 4")
        let biasReport = try withBias.execute("fit 5").text
        #expect(biasReport.contains("on W_Q, W_K, W_V, W_O, b_O"), "\(biasReport)")
        #expect(withBias.session.biases["b_O"] != [0, 0, 0, 0])

        var withX = try Self.exampleWithTarget()
        let xReport = try withX.execute("fit 5 X only W_O").text
        #expect(xReport.contains("on X, W_O") || xReport.contains("on W_O, X"), "\(xReport)")
        #expect(withX.session.matrices["X"] != start.matrices["X"])
        #expect(withX.session.matrices["W_O"] != start.matrices["W_O"])
        for name in ["W_Q", "W_K", "W_V"] {
            #expect(withX.session.matrices[name] == start.matrices[name], "\(name) changed")
        }
    }

    @Test func fitInDirectModeTrainsQKV() throws {
        var interpreter = try Self.directWithTarget()
        let start = interpreter.session
        let initial = try #require(Double(try holds("loss > 0", interpreter).found))
        _ = try interpreter.execute("fit 50 only Q")
        let after = try #require(Double(try holds("loss > 0", interpreter).found))
        #expect(after < initial, "loss \(initial) -> \(after)")
        #expect(interpreter.session.matrices["Q"] != start.matrices["Q"])
        #expect(interpreter.session.matrices["K"] == start.matrices["K"])
        #expect(interpreter.session.matrices["V"] == start.matrices["V"])
    }

    @Test func aDivergingFitSaysSoAndKeepsFiniteWeights() throws {
        var interpreter = try Self.exampleWithTarget()
        let before = interpreter.session
        let report = try interpreter.execute("fit 5 sgd lr 1000").text.replacingOccurrences(of: "\n", with: " ")
        #expect(report.contains("Stopped at step"), "\(report)")
        #expect(report.contains("overshoot"), "\(report)")
        #expect(report.contains("smaller learning rate, e.g. lr 100"), "\(report)")
        for (name, matrix) in interpreter.session.matrices {
            #expect(matrix.values.allSatisfy { $0.isFinite }, "\(name) is not finite")
        }
        // The step that overshot was not kept.
        #expect(interpreter.session == before)
        let loss = try holds("loss = 0.131376 +- 0.000001", interpreter)
        #expect(loss.passed, "loss after the refused step: \(loss.found)")
    }

    // MARK: Reports

    @Test func gradAndWhyGradShowTheNumbers() throws {
        var interpreter = try Self.exampleWithTarget()
        let gates = try interpreter.execute("grad gates").text
        #expect(gates.contains("head 1") && gates.contains("0.0191"), "\(gates)")
        #expect(gates.contains("The loss depends most on head 1"))
        let masked = try interpreter.execute("grad masked head 2").text
        #expect(masked.contains("dL/dmasked · head 2") && masked.contains("-0.118"), "\(masked)")
        #expect(!masked.contains("head 1"))
        let both = try interpreter.execute("grad masked").text
        #expect(both.contains("head 1") && both.contains("head 2"))
        let bias = try interpreter.execute("grad b_Q").text
        #expect(bias.contains("b_Q is not set"), "\(bias)")
        let why = try interpreter.execute("why grad masked sat cat head 2").text
        #expect(why.contains("dL/dmasked[sat][cat] (head 2)") && why.contains("= -0.118"), "\(why)")
        let firstHead = try interpreter.execute("why grad scores sat cat").text
        #expect(firstHead.contains("(head 1; add `head N` for another head)"), "\(firstHead)")
        let explain = try interpreter.execute("explain backward").text
        #expect(explain.contains("L = 0.1314"), "\(explain)")
    }
}
