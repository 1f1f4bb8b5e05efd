import Attention
import Foundation
import Interpreter
import Testing

/// The task commands through `Interpreter.execute`, on small models (vocabulary 6, sequences
/// of 5, d_model 8, two heads) so that each test trains in well under a second: errors,
/// refused commands, determinism, continuing training, save and load, divergence, and what
/// the session's layer shows.
@Suite("Task commands")
struct TaskCommandTests {
    static let small = "task previous-two vocab 6 length 5 d_model 8"

    /// The ready example (two heads) with the small task set up, untrained.
    static func withTask(_ line: String = small) throws -> Interpreter {
        var interpreter = Interpreter()
        _ = try interpreter.execute("heads 2")
        _ = try interpreter.execute(line)
        return interpreter
    }

    /// The text of a file `command` (with `FILE` in it) writes.
    func exported(_ command: String, _ interpreter: inout Interpreter, file: String = "out.json") throws -> String {
        let folder = try makeScratchFolder("task-export")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent(file).path
        _ = try interpreter.execute(command.replacingOccurrences(of: "FILE", with: "\"\(path)\""))
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    func numbers(_ json: String) throws -> [Double] {
        func flatten(_ any: Any) -> [Double] {
            if let array = any as? [Any] { return array.flatMap(flatten) }
            return [(any as! NSNumber).doubleValue]
        }
        return flatten(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    }

    /// The held-out loss and accuracy `evaluate` reports.
    func heldOut(_ interpreter: inout Interpreter) throws -> (loss: Double, accuracy: Double, text: String) {
        let text = try interpreter.execute("evaluate").text
        let line = try #require(text.components(separatedBy: "\n").first { $0.hasPrefix("held-out (2000)") }, "evaluate:\n\(text)")
        let fields = line.dropFirst("held-out (2000)".count).split(separator: " ").map(String.init)
        let loss = try #require(fields.first.flatMap { $0 == "NaN" ? .nan : $0 == "inf" ? .infinity : Double($0) }, "\(line)")
        let accuracy = try #require(Double(fields[1]), "\(line)")
        return (loss, accuracy, "\(text)")
    }

    // MARK: Errors

    @Test func trainWithoutATaskSaysHowToSetOneUp() throws {
        var interpreter = Interpreter()
        let e = try #require(error("train 10", in: &interpreter))
        #expect(e.message.contains("no task"), "\(e)")
        #expect(e.hint?.contains("task previous-two") == true, "\(e)")
        for line in ["evaluate", "sample 3"] {
            let other = try #require(error(line, in: &interpreter), "\(line)")
            #expect(other.message.contains("no task"), "\(line): \(other)")
        }
        let folder = try makeScratchFolder("task-none")
        defer { removeScratchFolder(folder) }
        let export = try #require(error("export accuracy \(folder.appendingPathComponent("a.json").path)", in: &interpreter))
        #expect(export.message.contains("no task"), "\(export)")
        #expect(try interpreter.execute("task").text.contains("no task"))
        #expect(try interpreter.execute("task none").text.contains("no task to leave"))
    }

    @Test func badTaskSizesAreRefused() throws {
        var interpreter = Interpreter()
        _ = try interpreter.execute("heads 2")
        let before = interpreter.session
        // vocab 1 is refused by the parser, with its column.
        let vocab = try #require(error("task previous-two vocab 1", in: &interpreter))
        #expect(vocab.message.contains("vocabulary"), "\(vocab)")
        #expect(vocab.column == 25)
        let huge = try #require(error("task previous-two vocab 300", in: &interpreter))
        #expect(huge.message.contains("256"), "\(huge)")

        let length = try #require(error("task previous-two vocab 6 length 2 d_model 8", in: &interpreter))
        #expect(length.message.contains("previous-two"), "\(length)")
        #expect(length.message.contains("3 to 64"), "\(length)")
        // previous-and-first reads token t-1 only: length 2 is enough.
        var other = Interpreter()
        _ = try other.execute("heads 2")
        _ = try other.execute("task previous-and-first vocab 6 length 2 d_model 8")
        #expect(other.session.matrices["X"]?.rows == 2)

        let divides = try #require(error("task previous-two vocab 6 length 5 d_model 7", in: &interpreter))
        #expect(divides.message.contains("does not divide into 2 heads"), "\(divides)")
        #expect(divides.hint?.contains("heads N") == true, "\(divides)")
        #expect(interpreter.session == before, "failing task commands change nothing")
        #expect(interpreter.session.task == nil)
    }

    @Test func sampleOutOfRangeAndAccuracyAsCSVAreRefused() throws {
        var interpreter = try Self.withTask()
        let sample = try #require(error("sample 2000", in: &interpreter))
        #expect(sample.message.contains("2000"), "\(sample)")
        #expect(sample.message.contains("0 to 1999"), "\(sample)")
        _ = try interpreter.execute("sample 1999")
        #expect(interpreter.session.task?.sample == 1999)

        let folder = try makeScratchFolder("task-csv")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent("acc.csv").path
        let csv = try #require(error("export accuracy \(path)", in: &interpreter))
        #expect(csv.message.contains("JSON"), "\(csv)")
        #expect(csv.hint?.contains(".json") == true, "\(csv)")
        #expect(!FileManager.default.fileExists(atPath: path), "nothing is written")
    }

    @Test func heads3DoesNotDivideTheTasksWidth() throws {
        var interpreter = try Self.withTask()
        let before = interpreter.session
        let e = try #require(error("heads 3", in: &interpreter))
        #expect(e.message.contains("d_model = 8 does not divide into 3 heads"), "\(e)")
        #expect(interpreter.session == before)
    }

    // MARK: The task owns the layer

    @Test func layerSettingsAreRefusedWhileATaskIsSet() throws {
        var interpreter = try Self.withTask()
        let before = interpreter.session
        for line in ["mask causal", "mask none", "pad 1", "pad none", "dk 4", "dk auto", "set scaling off", "set scaling on", "fit 5"] {
            let e = try #require(error(line, in: &interpreter), "\(line) should be refused while a task is set")
            #expect(e.hint?.contains("task none") == true, "\(line): \(e)")
            #expect(interpreter.session == before, "\(line) changed the session")
        }
        // Showing them is still allowed.
        #expect(try interpreter.execute("mask").text.isEmpty == false)
        _ = try interpreter.execute("pad")
        _ = try interpreter.execute("dk")

        // Leaving the task makes the layer one's own again.
        let left = try interpreter.execute("task none").text
        #expect(left.contains("Left the task"), "\(left)")
        #expect(interpreter.session.task == nil)
        _ = try interpreter.execute("mask none")
        #expect(interpreter.session.mask == .none)
        _ = try interpreter.execute("pad 1")
        #expect(interpreter.session.padding == [1])
        // The layer stays the model's.
        #expect(interpreter.session.matrices["X"] == before.matrices["X"])
        #expect(interpreter.session.matrices["W_Q"] == before.matrices["W_Q"])
    }

    @Test func definingXOrAWeightLeavesTheTask() throws {
        var interpreter = try Self.withTask()
        _ = try interpreter.execute("train 20")
        let reply = try interpreter.execute("X = random 5x8 seed 1").text
        #expect(reply.contains("Left the task"), "\(reply)")
        #expect(interpreter.session.task == nil)
        _ = try interpreter.execute("mask none")
        #expect(interpreter.session.mask == .none)

        var other = try Self.withTask()
        let weight = try other.execute("W_Q = identity 8").text
        #expect(weight.contains("Left the task"), "\(weight)")
        #expect(other.session.task == nil)
        #expect(throws: UserError.self) { try other.execute("train 5") }
    }

    @Test func headsOnATaskDrawsANewUntrainedModel() throws {
        var interpreter = try Self.withTask()
        _ = try interpreter.execute("train 30")
        #expect(interpreter.session.task?.trainer.steps == 30)
        let reply = try interpreter.execute("heads 4").text
        #expect(reply.contains("untrained"), "\(reply)")
        let task = try #require(interpreter.session.task)
        #expect(task.model.heads == 4)
        #expect(task.trainer.steps == 0)
        #expect(interpreter.session.heads == 4)
        #expect(try interpreter.execute("task").text.contains("untrained"))
        #expect(try interpreter.execute("evaluate").text.contains("4 heads, 0 steps trained"))
        // The same as setting the task up with four heads.
        var fresh = Interpreter()
        _ = try fresh.execute("heads 4")
        _ = try fresh.execute(Self.small)
        #expect(fresh.session.task?.model == task.model)
        #expect(fresh.session.matrices == interpreter.session.matrices)
    }

    @Test func theLayerShownIsTheModelsOnAHeldOutSequence() throws {
        var interpreter = Interpreter()
        _ = try interpreter.execute("heads 2")
        let reply = try interpreter.execute(Self.small).text
        #expect(reply.contains("previous-two"), "\(reply)")
        #expect(reply.contains("untrained"), "\(reply)")
        let session = interpreter.session
        let X = try #require(session.matrices["X"])
        #expect(X.rows == 5 && X.cols == 8)
        #expect(session.matrices["W_Q"]?.rows == 8 && session.matrices["W_Q"]?.cols == 8)
        #expect(session.tokens.count == 5)
        for (position, label) in session.tokens.enumerated() {
            let letter = try #require(label.first)
            #expect(("A"..."F").contains(String(letter)), "\(label): a letter of a vocabulary of 6")
            #expect(label.dropFirst() == Substring(String(position)), "\(label) at \(position)")
        }
        #expect(session.mask == .causal)
        #expect(session.padding.isEmpty)
        #expect(session.scaling)
        #expect(session.heads == 2)
        // Every other command works on it.
        _ = try interpreter.execute("run")
        _ = try interpreter.execute("heatmap weights")
        _ = try interpreter.execute("show output")
    }

    @Test func sampleChangesTheTokens() throws {
        var interpreter = try Self.withTask()
        let tokens = interpreter.session.tokens
        let X = interpreter.session.matrices["X"]
        let reply = try interpreter.execute("sample 5").text
        #expect(interpreter.session.task?.sample == 5)
        #expect(interpreter.session.tokens != tokens)
        #expect(interpreter.session.matrices["X"] != X)
        #expect(reply.contains(interpreter.session.tokens.joined(separator: " ")), "\(reply)")
        // Back to 0: the same layer as before.
        _ = try interpreter.execute("sample 0")
        #expect(interpreter.session.tokens == tokens)
        #expect(interpreter.session.matrices["X"] == X)
    }

    // MARK: Training

    @Test func trainingLearnsAndEvaluateReports() throws {
        var interpreter = try Self.withTask()
        let reply = try interpreter.execute("train 60").text
        #expect(reply.contains("60 steps of Adam"), "\(reply)")
        #expect(reply.contains("60 in all"), "\(reply)")
        #expect(!reply.contains("Stopped"), "\(reply)")
        let (loss, accuracy, text) = try heldOut(&interpreter)
        #expect(text.contains("60 steps trained"), "\(text)")
        #expect(loss.isFinite && loss > 0)
        #expect(accuracy >= 0 && accuracy <= 1)
        #expect(text.contains("head 1 removed") && text.contains("head 2 removed"), "\(text)")
        #expect(try interpreter.execute("task").text.contains("trained for 60 steps"))
    }

    @Test func sameCommandsGiveTheSameModel() throws {
        let script = ["heads 2", Self.small + " seed 4", "train 40 seed 9 lr 0.01 batch 8", "train 20 examples 50", "sample 7"]
        var first = Interpreter(), second = Interpreter()
        for line in script {
            _ = try first.execute(line)
            _ = try second.execute(line)
        }
        #expect(try exported("export accuracy FILE", &first) == exported("export accuracy FILE", &second))
        #expect(try exported("export W_Q FILE", &first) == exported("export W_Q FILE", &second))
        #expect(try exported("export W_O FILE", &first) == exported("export W_O FILE", &second))
        #expect(first.session == second.session)
        // A different training seed gives different weights.
        var third = Interpreter()
        for line in script { _ = try third.execute(line.replacingOccurrences(of: "seed 9", with: "seed 10")) }
        #expect(try exported("export W_Q FILE", &third) != exported("export W_Q FILE", &first))
    }

    @Test func twoTrainCommandsContinueLikeOne() throws {
        // No seed: the random stream and Adam's step count carry on.
        var split = try Self.withTask(), whole = try Self.withTask()
        _ = try split.execute("train 20")
        _ = try split.execute("train 20")
        _ = try whole.execute("train 40")
        #expect(split.session.task?.trainer.steps == 40)
        #expect(try exported("export W_Q FILE", &split) == exported("export W_Q FILE", &whole))
        #expect(split.session.task?.model == whole.session.task?.model)
        #expect(split.session.task?.trainer == whole.session.task?.trainer)

        // The seed given on the first: the same.
        var seededSplit = try Self.withTask(), seededWhole = try Self.withTask()
        _ = try seededSplit.execute("train 20 seed 5")
        _ = try seededSplit.execute("train 20")
        _ = try seededWhole.execute("train 40 seed 5")
        #expect(try exported("export W_Q FILE", &seededSplit) == exported("export W_Q FILE", &seededWhole))
        #expect(seededSplit.session.task?.model == seededWhole.session.task?.model)
        // An untrained model's seed draws the weights too.
        #expect(seededWhole.session.task?.seed == 5)
        #expect(seededWhole.session.task?.model != whole.session.task?.model)
    }

    @Test func saveAndLoadContinueExactly() throws {
        var original = try Self.withTask()
        _ = try original.execute("train 30 lr 0.01 batch 8")
        _ = try original.execute("sample 12")
        let folder = try makeScratchFolder("task-save")
        defer { removeScratchFolder(folder) }
        let file = folder.appendingPathComponent("s.txt").path
        _ = try original.execute("save \(file)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("task previous-two vocab 6 length 5 d_model 8 seed 0"), "\(text)")
        #expect(text.contains("\ntask state "), "\(text)")

        var loaded = Interpreter()
        _ = try loaded.execute("load \(file)")
        try expectSameLearnedState(loaded.session, original.session)

        _ = try original.execute("train 10")
        _ = try loaded.execute("train 10")
        #expect(try exported("export W_Q FILE", &loaded) == exported("export W_Q FILE", &original))
        #expect(try exported("export accuracy FILE", &loaded) == exported("export accuracy FILE", &original))
        try expectSameLearnedState(loaded.session, original.session)
    }

    /// Everything `save` keeps: the layer, and the task's model, training state (Adam, steps,
    /// random stream, examples), seed, sequence shown and recent accuracies. (The snapshots
    /// `replay` shows are of the last `train` in this process and are not compared.)
    func expectSameLearnedState(_ loaded: Session, _ original: Session) throws {
        let a = try #require(loaded.task), b = try #require(original.task)
        #expect(a.model == b.model)
        #expect(a.trainer == b.trainer)
        #expect(a.trainer.steps == b.trainer.steps)
        #expect(a.trainer.adam == b.trainer.adam)
        #expect(a.trainer.random == b.trainer.random)
        #expect(a.seed == b.seed)
        #expect(a.sample == b.sample)
        #expect(a.recentAccuracy == b.recentAccuracy)
        var layerA = loaded, layerB = original
        layerA.task = nil
        layerB.task = nil
        #expect(layerA == layerB)
    }

    @Test func aDamagedTaskStateIsRefused() throws {
        var interpreter = try Self.withTask()
        let before = interpreter.session
        let e = try #require(error("task state AAAA", in: &interpreter))
        #expect(e.message.contains("does not fit"), "\(e)")
        #expect(interpreter.session == before)
        var blank = Interpreter()
        #expect(throws: UserError.self) { try blank.execute("task state AAAA") }
    }

    @Test func aTooLargeLearningRateStopsWithTheModelBeforeTheStep() throws {
        var interpreter = try Self.withTask()
        let reply = try interpreter.execute("train 30 lr 10").text
        #expect(reply.contains("Stopped at step"), "\(reply)")
        #expect(reply.contains("the weights it produced gave a loss"), "\(reply)")
        #expect(reply.contains("lr 1"), "suggests a smaller rate: \(reply)")
        let task = try #require(interpreter.session.task)
        #expect(task.trainer.steps < 30)
        if task.trainer.steps == 0 {
            // Undone back to the start: the weights are those first drawn.
            let fresh = try Self.withTask()
            #expect(interpreter.session.matrices == fresh.session.matrices)
            #expect(interpreter.session.biases == fresh.session.biases)
            #expect(task.model == fresh.session.task?.model)
        }
        for (name, matrix) in interpreter.session.matrices {
            #expect(matrix.values.allSatisfy { $0.isFinite }, "\(name)")
        }
        for (name, bias) in interpreter.session.biases {
            #expect(bias.allSatisfy { $0.isFinite }, "\(name)")
        }
        let (loss, accuracy, text) = try heldOut(&interpreter)
        #expect(loss.isFinite, "\(text)")
        // Never past the limit that stops training (100 ln V), and near ln V (6 tokens: 1.79).
        #expect(loss < 100 * log(6.0), "\(text)")
        #expect(loss < 10 * log(6.0), "held-out loss \(loss) is far from ln 6 = \(log(6.0)):\n\(reply)\n\(text)")
        #expect(accuracy >= 0 && accuracy <= 1)
        let W_Q = try numbers(try exported("export W_Q FILE", &interpreter))
        #expect(W_Q.allSatisfy { $0.isFinite })
        // Training goes on from there with a sensible rate.
        _ = try interpreter.execute("train 10")
        #expect(try heldOut(&interpreter).loss.isFinite)
    }

    @Test func exportAccuracyWritesExactlyTwoFractions() throws {
        var interpreter = try Self.withTask()
        _ = try interpreter.execute("train 30")
        let json = try exported("export accuracy FILE", &interpreter)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
        #expect(Set(object.keys) == ["train", "test"], "\(json)")
        for key in ["train", "test"] {
            let value = try #require((object[key] as? NSNumber)?.doubleValue, "\(key) in \(json)")
            #expect(value >= 0 && value <= 1, "\(key) = \(value)")
        }
        #expect(json.hasPrefix("{\"train\": "), "\(json)")

        // With fixed examples, the training accuracy is theirs.
        _ = try interpreter.execute("train 10 examples 20")
        let fixed = try #require(try JSONSerialization.jsonObject(with: Data(exported("export accuracy FILE", &interpreter).utf8)) as? [String: Double])
        #expect(Set(fixed.keys) == ["train", "test"])
        #expect(fixed.values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func exportAccuracyOfAnUntrainedModel() throws {
        var interpreter = try Self.withTask()
        let json = try exported("export accuracy FILE", &interpreter)
        // No batches yet: the training accuracy is unknown (null), the held-out one a fraction.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
        #expect(Set(object.keys) == ["train", "test"], "\(json)")
        let test = try #require((object["test"] as? NSNumber)?.doubleValue, "\(json)")
        #expect(test >= 0 && test <= 1)
    }

    @Test func theAccuracyCheckOfALessonEvaluates() throws {
        var interpreter = try Self.withTask()
        #expect(throws: UserError.self) { try Interpreter().evaluate(try CheckParser.parse("accuracy test > 0")) }
        _ = try interpreter.execute("train 60")
        let test = try interpreter.evaluate(try CheckParser.parse("accuracy test > 0"))
        #expect(test.passed, "found \(test.found)")
        let train = try interpreter.evaluate(try CheckParser.parse("accuracy train >= 0"))
        #expect(train.passed, "found \(train.found)")
        let impossible = try interpreter.evaluate(try CheckParser.parse("accuracy test > 1"))
        #expect(!impossible.passed)
        #expect(throws: UserError.self) { try CheckParser.parse("accuracy validation > 0") }
    }

    @Test func aFailingCommandLeavesTheSessionUnchanged() throws {
        var interpreter = try Self.withTask()
        _ = try interpreter.execute("train 20")
        _ = try interpreter.execute("sample 3")
        let before = interpreter.session
        let folder = try makeScratchFolder("task-fail")
        defer { removeScratchFolder(folder) }
        for line in ["sample 2000", "train 10 batch 2000", "train 10 examples 200000", "train 200000",
                     "heads 3", "mask causal", "fit 5", "task previous-two vocab 6 length 2 d_model 8",
                     "task state AAAA", "export accuracy \(folder.appendingPathComponent("a.csv").path)",
                     "train 0", "train 10 lr x"] {
            #expect(error(line, in: &interpreter) != nil, "\(line) should fail")
            #expect(interpreter.session == before, "\(line) changed the session")
        }
    }
}
