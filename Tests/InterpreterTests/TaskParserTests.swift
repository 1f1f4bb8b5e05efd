import Interpreter
import Testing

/// The task commands parse into the `Command` enum: `task`, `train`, `evaluate`, `sample`,
/// `task state` and `export accuracy`; bad input is refused with the column of the problem.
@Suite("Task command parser")
struct TaskParserTests {
    func parse(_ line: String) throws -> Command? { try CommandParser.parse(line) }

    func error(_ line: String) -> UserError? {
        do { _ = try CommandParser.parse(line); return nil } catch { return error as? UserError }
    }

    func task(_ name: String?, vocab: Int = 16, length: Int = 8, dModel: Int = 32, seed: UInt64 = 0) -> Command {
        var request = TaskRequest(name: name)
        request.vocab = vocab
        request.length = length
        request.dModel = dModel
        request.seed = seed
        return .task(request)
    }

    func train(_ steps: Int, seed: UInt64? = nil, lr: Double = 3e-3, batch: Int = 32, examples: Int? = nil) -> Command {
        var request = TrainRequest(steps: steps)
        request.seed = seed
        request.learningRate = lr
        request.batch = batch
        request.examples = examples
        return .train(request)
    }

    // MARK: task

    @Test func taskAloneDescribesAndNoneLeaves() throws {
        #expect(try parse("task") == .task(nil))
        #expect(try parse("  task   # what is it") == .task(nil))
        #expect(try parse("task none") == .task(TaskRequest(name: nil)))
        #expect(try parse("task none") == task(nil))
    }

    @Test func everyTaskNameWithDefaults() throws {
        for name in ["previous-two", "previous-and-first", "mod-sum"] {
            #expect(try parse("task \(name)") == task(name), "task \(name)")
        }
        // The defaults are the documented ones.
        let request = TaskRequest(name: "mod-sum")
        #expect(request.vocab == 16 && request.length == 8 && request.dModel == 32 && request.seed == 0)
    }

    @Test func taskOptionsInAnyOrder() throws {
        #expect(try parse("task previous-two vocab 6 length 5 d_model 8 seed 3")
                == task("previous-two", vocab: 6, length: 5, dModel: 8, seed: 3))
        #expect(try parse("task previous-and-first seed 9 d_model 12 vocab 2")
                == task("previous-and-first", vocab: 2, dModel: 12, seed: 9))
        #expect(try parse("task mod-sum length 3") == task("mod-sum", length: 3))
        #expect(try parse("task mod-sum seed 18446744073709551615") == task("mod-sum", seed: UInt64.max))
        // Parsing only checks the form: the interpreter checks sizes against the task.
        #expect(try parse("task previous-two length 1") == task("previous-two", length: 1))
    }

    @Test func taskState() throws {
        #expect(try parse("task state AAAAAAAA8D8") == .taskState("AAAAAAAA8D8"))
        #expect(try parse("task state abc+/xyz") == .taskState("abc+/xyz"))
        let missing = try #require(error("task state"))
        #expect(missing.message.contains("the saved state"), "\(missing)")
        #expect(missing.column == 11)
        let extra = try #require(error("task state AAAA BBBB"))
        #expect(extra.message.contains("unexpected 'BBBB'"), "\(extra)")
        #expect(extra.column == 17)
    }

    @Test func unknownTaskIsNamedAtItsColumn() throws {
        let e = try #require(error("task nonsense"))
        #expect(e.message.contains("'nonsense'"), "\(e)")
        #expect(e.column == 6)
        #expect(e.hint?.contains("previous-two") == true, "\(String(describing: e.hint))")
        #expect(e.hint?.contains("mod-sum") == true)
        #expect(e.hint?.contains("none") == true)
        // A near miss is suggested.
        let near = try #require(error("task previous-tow"))
        #expect(near.column == 6)
        #expect(near.message.contains("previous-two"), "\(near)")
    }

    @Test func badTaskOptions() throws {
        let vocab = try #require(error("task mod-sum vocab 1"))
        #expect(vocab.message.contains("vocabulary"), "\(vocab)")
        #expect(vocab.message.contains("'1'"))
        #expect(vocab.column == 20)

        let missing = try #require(error("task previous-two length"))
        #expect(missing.message.contains("a value after length"), "\(missing)")
        #expect(missing.column == 25)

        let unknown = try #require(error("task previous-two width 4"))
        #expect(unknown.message.contains("unknown option 'width'"), "\(unknown)")
        #expect(unknown.column == 19)
        #expect(unknown.hint?.contains("task NAME [vocab V]") == true)

        let twice = try #require(error("task mod-sum vocab 4 vocab 5"))
        #expect(twice.message.contains("'vocab' is given twice"), "\(twice)")
        #expect(twice.column == 22)

        let seed = try #require(error("task mod-sum seed -1"))
        #expect(seed.message.contains("seed"), "\(seed)")
        #expect(seed.column == 19)

        let length = try #require(error("task mod-sum length 0"))
        #expect(length.message.contains("length"), "\(length)")
        #expect(length.column == 21)

        let width = try #require(error("task mod-sum d_model x"))
        #expect(width.message.contains("d_model"), "\(width)")
        #expect(width.column == 22)
    }

    // MARK: train

    @Test func trainWithEveryOption() throws {
        #expect(try parse("train 400") == train(400))
        #expect(try parse("train 1") == train(1))
        #expect(try parse("train 60 seed 7") == train(60, seed: 7))
        #expect(try parse("train 60 lr 0.01") == train(60, lr: 0.01))
        #expect(try parse("train 60 lr 1e-2") == train(60, lr: 0.01))
        #expect(try parse("train 60 batch 8") == train(60, batch: 8))
        #expect(try parse("train 60 examples 100") == train(60, examples: 100))
        #expect(try parse("train 60 examples 100 batch 4 lr 0.05 seed 2")
                == train(60, seed: 2, lr: 0.05, batch: 4, examples: 100))
        #expect(try parse("train 5 seed 0") == train(5, seed: 0))
        // The defaults.
        let request = TrainRequest(steps: 3)
        #expect(request.seed == nil && request.learningRate == 3e-3 && request.batch == 32 && request.examples == nil)
    }

    @Test func trainNeedsAPositiveNumberOfSteps() throws {
        let missing = try #require(error("train"))
        #expect(missing.message.contains("a number of steps"), "\(missing)")
        #expect(missing.column == 6)

        let zero = try #require(error("train 0"))
        #expect(zero.message.contains("the number of steps"), "\(zero)")
        #expect(zero.message.contains("'0'"))
        #expect(zero.column == 7)

        let negative = try #require(error("train -1"))
        #expect(negative.message.contains("the number of steps"), "\(negative)")
        #expect(negative.column == 7)

        let word = try #require(error("train many"))
        #expect(word.column == 7)
    }

    @Test func badTrainOptionsPointAtTheirColumn() throws {
        let cases: [(line: String, column: Int, words: [String])] = [
            ("train 10 examples 0", 19, ["the number of examples", "'0'"]),
            ("train 10 batch 0", 16, ["the batch size", "'0'"]),
            ("train 10 lr 0", 13, ["learning rate", "'0'"]),
            ("train 10 lr x", 13, ["learning rate", "'x'"]),
            ("train 10 lr -0.1", 13, ["learning rate"]),
            ("train 10 lr inf", 13, ["learning rate"]),
            ("train 10 lr nan", 13, ["learning rate"]),
            ("train 10 seed -3", 15, ["seed", "'-3'"]),
            ("train 10 seed 1.5", 15, ["seed"]),
            ("train 10 bogus 3", 10, ["unknown option 'bogus'"]),
            ("train 10 lr 0.1 lr 0.2", 17, ["'lr' is given twice"]),
            ("train 10 seed 1 batch 4 seed 2", 25, ["'seed' is given twice"]),
            ("train 10 lr", 12, ["a value after lr"]),
        ]
        for (line, column, words) in cases {
            guard let e = error(line) else {
                Issue.record("\(line) should be refused")
                continue
            }
            #expect(e.column == column, "\(line): column \(String(describing: e.column)), message \(e.message)")
            for word in words { #expect(e.message.contains(word), "\(line): \(e.message)") }
        }
        // Unknown and repeated options show the form of the command.
        #expect(error("train 10 bogus 3")?.hint?.contains("train STEPS [seed S] [lr R] [batch B] [examples N]") == true)
        #expect(error("train 10 lr 0.1 lr 0.2")?.hint?.contains("train STEPS") == true)
    }

    // MARK: evaluate, sample, export accuracy

    @Test func evaluateAndSample() throws {
        #expect(try parse("evaluate") == .evaluate)
        #expect(try parse("sample 0") == .sample(0))
        #expect(try parse("sample 1999") == .sample(1999))
        // The upper bound is the interpreter's: the parser takes any number from 0.
        #expect(try parse("sample 2000") == .sample(2000))

        let extra = try #require(error("evaluate now"))
        #expect(extra.column == 10)

        let negative = try #require(error("sample -1"))
        #expect(negative.message.contains("'-1'"), "\(negative)")
        #expect(negative.column == 8)

        let missing = try #require(error("sample"))
        #expect(missing.message.contains("a held-out sequence"), "\(missing)")
        #expect(missing.column == 7)

        let word = try #require(error("sample x"))
        #expect(word.column == 8)
    }

    @Test func exportAccuracy() throws {
        #expect(try parse("export accuracy acc.json") == .export(name: "accuracy", path: "acc.json", head: nil))
        #expect(try parse("export accuracy \"my results.json\"") == .export(name: "accuracy", path: "my results.json", head: nil))
        // The file's kind is checked when it runs, not when it parses.
        #expect(try parse("export accuracy acc.csv") == .export(name: "accuracy", path: "acc.csv", head: nil))
        let missing = try #require(error("export accuracy"))
        #expect(missing.message.contains("a file to write"), "\(missing)")
        #expect(missing.column == 16)
        let misspelled = try #require(error("export acuracy a.json"))
        #expect(misspelled.column == 8)
        #expect(misspelled.message.contains("accuracy"), "\(misspelled)")
    }
}
