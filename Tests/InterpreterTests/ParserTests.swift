import Interpreter
import TensorIO
import Testing

@Suite("Command parser")
struct ParserTests {
    func parse(_ line: String) throws -> Command? { try CommandParser.parse(line) }

    func error(_ line: String) -> UserError? {
        do { _ = try CommandParser.parse(line); return nil } catch { return error as? UserError }
    }

    @Test func definitions() throws {
        #expect(try parse("X = [[1, 0], [0, 1]]") == .define(name: "X", head: nil,
                                                              value: .literal(try NDArray(shape: [2, 2], values: [1, 0, 0, 1]))))
        #expect(try parse("b_O = [0.5, -1]") == .define(name: "b_O", head: nil, value: .literal(NDArray(vector: [0.5, -1]))))
        #expect(try parse("W_Q = random 4x6 seed 7 uniform scale 0.5")
                == .define(name: "W_Q", head: nil, value: .random(rows: 4, cols: 6, seed: 7, distribution: .uniform, scale: 0.5)))
        #expect(try parse("W_K = random 4x4") == .define(name: "W_K", head: nil,
                                                          value: .random(rows: 4, cols: 4, seed: 0, distribution: .normal, scale: 1)))
        #expect(try parse("W_O = identity 4") == .define(name: "W_O", head: nil, value: .identity(4)))
        #expect(try parse("b_Q = zeros 4") == .define(name: "b_Q", head: nil, value: .zeros(rows: 4, cols: nil)))
        #expect(try parse("W_V head 2 = zeros 4x2") == .define(name: "W_V", head: 2, value: .zeros(rows: 4, cols: 2)))
        #expect(try parse("Q=[[1]]") == .define(name: "Q", head: nil, value: .literal(try NDArray(shape: [1, 1], values: [1]))))
    }

    @Test func everyVerb() throws {
        #expect(try parse("tokens the cat sat") == .tokens(["the", "cat", "sat"]))
        #expect(try parse("tokens") == .tokens(nil))
        #expect(try parse("heads 3") == .heads(3))
        #expect(try parse("dk 5") == .dk(.value(5)))
        #expect(try parse("dk auto") == .dk(.auto))
        #expect(try parse("mask causal") == .mask(.causal))
        #expect(try parse("mask none") == .mask(MaskChoice.none))
        #expect(try parse("mask [[0, 1], [0, 0]]") == .mask(.literal(try NDArray(shape: [2, 2], values: [0, 1, 0, 0]))))
        #expect(try parse("pad 0 2") == .pad([0, 2]))
        #expect(try parse("pad none") == .pad([]))
        #expect(try parse("import X data.npy") == .importTensor(name: "X", path: "data.npy"))
        #expect(try parse("import mask \"my mask.json\"") == .importTensor(name: "mask", path: "my mask.json"))
        #expect(try parse("export weights w.npy head 2") == .export(name: "weights", path: "w.npy", head: 2))
        #expect(try parse("step") == .step(head: nil))
        #expect(try parse("step head 1") == .step(head: 1))
        #expect(try parse("back") == .back(head: nil))
        #expect(try parse("run head 2") == .run(head: 2))
        #expect(try parse("goto weights") == .goto(name: "weights", head: nil))
        #expect(try parse("where") == .whereAmI)
        #expect(try parse("show W_Q head 2") == .show(name: "W_Q", head: 2))
        #expect(try parse("shapes") == .shapes)
        #expect(try parse("why weights sat 0 head 2") == .why(stage: "weights", row: .label("sat"), col: .number(0), head: 2))
        #expect(try parse("explain scaled") == .explain("scaled"))
        #expect(try parse("set precision 5") == .setPrecision(5))
        #expect(try parse("help step") == .help("step"))
        #expect(try parse("reset") == .reset)
        #expect(try parse("example") == .example)
        #expect(try parse("quit") == .quit)
        #expect(try parse("exit") == .quit)
        #expect(try parse("   ") == nil)
        #expect(try parse("# a comment") == nil)
        #expect(try parse("step # with a comment") == .step(head: nil))
    }

    @Test func typoGetsSuggestionAndColumn() throws {
        let e = try #require(error("  stpe"))
        #expect(e.message == "unknown command 'stpe': did you mean 'step'?")
        #expect(e.column == 3)
    }

    /// A long unknown word is quoted by its first 40 characters, and gets no suggestion (no
    /// command is within a third of its length).
    @Test func aLongUnknownWordIsQuotedByItsStart() throws {
        let e = try #require(error(String(repeating: "stepx", count: 60)))
        #expect(e.message == "unknown command '\(String(repeating: "stepx", count: 8))…'")
    }

    @Test func literalErrorPointsAtTheColumn() throws {
        let e = try #require(error("X = [[1, 2], [3 4]]"))
        #expect(e.column == 17)   // the '4'
        #expect(e.message.contains("column 17"))
        let ragged = try #require(error("X = [[1, 2], [3]]"))
        #expect(ragged.message.contains("row 1") && ragged.message.contains("1") && ragged.message.contains("2"))
        let open = try #require(error("X = [[1, 2]"))
        #expect(open.column == 5 && open.message.contains("unclosed"))
    }

    @Test func badArgumentsAreNamed() throws {
        #expect(error("heads 0")?.message == "the number of heads must be a whole number from 1, not '0'")
        #expect(error("heads two")?.column == 7)
        #expect(error("X = random 3by4")?.message.contains("not a size") == true)
        #expect(error("W_Q = randm 4x4")?.message.contains("did you mean 'random'") == true)
        #expect(error("show wieghts")?.message.contains("did you mean 'weights'") == true)
        #expect(error("why weights 0")?.message.contains("missing a column") == true)
        #expect(error("set precision 40")?.hint == "choose 0 to 12")
        #expect(error("step 3")?.message == "unexpected '3'")
        #expect(error("foo = [[1]]")?.message.contains("cannot define 'foo'") == true)
        #expect(error("X")?.message.contains("needs '='") == true)
        #expect(error("mask sideways")?.hint?.contains("mask causal") == true)
        #expect(error("b_Q head 1 = [1]")?.message.contains("projection weights") == true)
    }

    /// The names learners use for the weights work wherever a stage is named (issue 14); after
    /// `export`, `attention` stays a loaded model's every layer.
    @Test func stageAliases() throws {
        #expect(try CommandParser.parse("goto softmax") == .goto(name: "weights", head: nil))
        #expect(try CommandParser.parse("show attention head 2") == .show(name: "weights", head: 2))
        #expect(try CommandParser.parse("heatmap softmax") == .heatmap(stage: "weights", head: nil))
        #expect(try CommandParser.parse("why softmax 0 1") == .why(stage: "weights", row: .number(0), col: .number(1), head: nil))
        #expect(try CommandParser.parse("export softmax w.npy") == .export(name: "weights", path: "w.npy", head: nil))
        #expect(try CommandParser.parse("export attention a.npy") == .export(name: "attention", path: "a.npy", head: nil))
    }
}
