import Attention
import Interpreter
import TensorIO
import Testing

/// The backward pass's commands parse into the `Command` enum, and bad input is refused with
/// a message that names the problem and the column where it is.
@Suite("Gradient command parser")
struct GradientParserTests {
    func parse(_ line: String) throws -> Command? { try CommandParser.parse(line) }

    func error(_ line: String) -> UserError? {
        do { _ = try CommandParser.parse(line); return nil } catch { return error as? UserError }
    }

    func request(_ steps: Int, lr: Double? = nil, optimizer: String? = nil, X: Bool = false, only: [String]? = nil) -> FitRequest {
        var request = FitRequest(steps: steps)
        request.learningRate = lr
        request.optimizer = optimizer
        request.includeX = X
        request.only = only
        return request
    }

    @Test func lossAndBackward() throws {
        #expect(try parse("loss") == .loss)
        #expect(try parse("  loss   # how far off") == .loss)
        #expect(try parse("backward") == .backward(head: nil))
        #expect(try parse("backward head 2") == .backward(head: 2))
        #expect(try parse("explain backward") == .explain("backward"))
    }

    @Test func gotoGradIsNotGoto() throws {
        #expect(try parse("goto grad scores") == .gotoGrad(name: "scores", head: nil))
        #expect(try parse("goto grad masked head 2") == .gotoGrad(name: "masked", head: 2))
        #expect(try parse("goto grad parameters") == .gotoGrad(name: "parameters", head: nil))
        // Without `grad`, still the forward pass.
        #expect(try parse("goto output") == .goto(name: "output", head: nil))
        // A missing stage points just past the end of the line.
        let missing = try #require(error("goto grad"))
        #expect(missing.message.contains("a backward stage"))
        #expect(missing.column == 10)
    }

    @Test func gradOfEveryNameParses() throws {
        let names = Stage.allCases.map(\.rawValue) + Parameter.allCases.map(\.rawValue) + ["gates"]
        #expect(names.count == 11 + 8 + 1)
        for name in names {
            #expect(try parse("grad \(name)") == .grad(name: name, head: nil), "grad \(name)")
            #expect(try parse("grad \(name) head 2") == .grad(name: name, head: 2), "grad \(name) head 2")
        }
        #expect(CommandParser.gradients.sorted() == names.sorted())
    }

    @Test func whyGradTakesOneOrTwoIndices() throws {
        #expect(try parse("why grad scores sat cat head 2")
                == .whyGrad(name: "scores", row: .label("sat"), col: .label("cat"), head: 2))
        #expect(try parse("why grad masked 2 0") == .whyGrad(name: "masked", row: .number(2), col: .number(0), head: nil))
        #expect(try parse("why grad W_Q 3 1") == .whyGrad(name: "W_Q", row: .number(3), col: .number(1), head: nil))
        // Biases and gates: one index; `head` after it is not taken for a column.
        #expect(try parse("why grad b_O 1") == .whyGrad(name: "b_O", row: .number(1), col: nil, head: nil))
        #expect(try parse("why grad b_Q 0 head 2") == .whyGrad(name: "b_Q", row: .number(0), col: nil, head: 2))
        #expect(try parse("why grad gates 2") == .whyGrad(name: "gates", row: .number(2), col: nil, head: nil))
        // The forward `why` is unchanged.
        #expect(try parse("why weights sat cat") == .why(stage: "weights", row: .label("sat"), col: .label("cat"), head: nil))
    }

    @Test func exportGrad() throws {
        #expect(try parse("export grad weights dw.npy") == .exportGrad(name: "weights", path: "dw.npy", head: nil))
        #expect(try parse("export grad scores \"my file.json\" head 2")
                == .exportGrad(name: "scores", path: "my file.json", head: 2))
        #expect(try parse("export grad gates g.csv") == .exportGrad(name: "gates", path: "g.csv", head: nil))
        let missing = try #require(error("export grad W_O"))
        #expect(missing.message.contains("a file to write"))
        #expect(missing.column == 16)
    }

    @Test func fitOptionsInAnyOrder() throws {
        #expect(try parse("fit 100") == .fit(request(100)))
        #expect(try parse("fit 200 lr 0.1") == .fit(request(200, lr: 0.1)))
        #expect(try parse("fit 5 sgd lr 1000") == .fit(request(5, lr: 1000, optimizer: "sgd")))
        #expect(try parse("fit 5 lr 1e-3 adam") == .fit(request(5, lr: 0.001, optimizer: "adam")))
        #expect(try parse("fit 10 X") == .fit(request(10, X: true)))
        #expect(try parse("fit 200 lr 0.1 only W_Q W_K") == .fit(request(200, lr: 0.1, only: ["W_Q", "W_K"])))
        #expect(try parse("fit 3 sgd X lr 0.5 only W_V b_O")
                == .fit(request(3, lr: 0.5, optimizer: "sgd", X: true, only: ["W_V", "b_O"])))
        #expect(try parse("fit 1 only Q K V") == .fit(request(1, only: ["Q", "K", "V"])))
    }

    @Test func targetDefinitions() throws {
        let one = try NDArray(shape: [1, 1], values: [1])
        #expect(try parse("target = [[1]]") == .define(name: "target", head: nil, value: .literal(one)))
        // `target T = ...`: T is the loss's name for it.
        #expect(try parse("target T = [[1]]") == .define(name: "target", head: nil, value: .literal(one)))
        #expect(try parse("target = output") == .define(name: "target", head: nil, value: .copy(name: "output", head: nil)))
        #expect(try parse("target = zeros 3x4") == .define(name: "target", head: nil, value: .zeros(rows: 3, cols: 4)))
        #expect(try parse("import target t.npy") == .importTensor(name: "target", path: "t.npy"))
        #expect(try parse("show target") == .show(name: "target", head: nil))
        #expect(try parse("export target t.json") == .export(name: "target", path: "t.json", head: nil))
        // `target` alone is not a command.
        let bare = try #require(error("target"))
        #expect(bare.message == "'target' needs '=' and a value")
    }

    @Test func fitErrorsPointAtTheWord() throws {
        let zero = try #require(error("fit 0"))
        #expect(zero.message == "the number of steps must be a whole number from 1, not '0'")
        #expect(zero.column == 5)

        let missing = try #require(error("fit"))
        #expect(missing.message.contains("a number of steps"))
        #expect(missing.column == 4)

        let rate = try #require(error("fit 10 lr -1"))
        #expect(rate.message == "the learning rate must be a positive number, not '-1'")
        #expect(rate.column == 11)
        for bad in ["0", "nan", "inf", "fast"] {
            let e = try #require(error("fit 10 lr \(bad)"), "lr \(bad) should be refused")
            #expect(e.message.contains("positive number") && e.column == 11, "lr \(bad): \(e)")
        }

        let only = try #require(error("fit 10 only Z"))
        #expect(only.message.hasPrefix("cannot train 'Z'"))
        #expect(only.column == 13)
        #expect(only.hint?.contains("W_Q") == true)
        let typo = try #require(error("fit 10 only W_Q W_k"))
        #expect(typo.message == "cannot train 'W_k': did you mean 'W_K'?")
        #expect(typo.column == 17)
        let empty = try #require(error("fit 10 only"))
        #expect(empty.message.contains("'only' needs the tensors to train"))
        #expect(empty.column == 12)

        let bogus = try #require(error("fit 10 bogus"))
        #expect(bogus.message.hasPrefix("unknown option 'bogus' for fit"))
        #expect(bogus.column == 8)
        #expect(bogus.hint == "fit STEPS [lr R] [sgd|adam] [X] [only NAME ...]")
        let adm = try #require(error("fit 10 adm"))
        #expect(adm.message == "unknown option 'adm' for fit: did you mean 'adam'?")
    }

    @Test func gradientNameErrors() throws {
        let nothing = try #require(error("grad nothing"))
        #expect(nothing.message.hasPrefix("cannot take the gradient of 'nothing'"))
        #expect(nothing.column == 6)
        #expect(nothing.hint?.contains("gates") == true)

        let typo = try #require(error("grad wieghts"))
        #expect(typo.message == "cannot take the gradient of 'wieghts': did you mean 'weights'?")
        #expect(typo.column == 6)

        let missing = try #require(error("grad"))
        #expect(missing.message.contains("what to take the gradient of"))
        #expect(missing.column == 5)

        let noRow = try #require(error("why grad weights"))
        #expect(noRow.message.hasPrefix("missing a row"))
        #expect(noRow.message.contains("why grad weights 0 1"))
        #expect(noRow.column == 17)

        let badName = try #require(error("why grad mask 0 0"))
        #expect(badName.message.hasPrefix("cannot take the gradient of 'mask'"))
        #expect(badName.column == 10)

        let extra = try #require(error("why grad scores 0 1 2"))
        #expect(extra.message == "unexpected '2'")
        #expect(extra.column == 21)

        let badHead = try #require(error("grad scores head 0"))
        #expect(badHead.message == "the head number must be a whole number from 1, not '0'")
        #expect(badHead.column == 18)

        let stray = try #require(error("loss now"))
        #expect(stray.message == "unexpected 'now'")
        #expect(stray.column == 6)
    }
}
