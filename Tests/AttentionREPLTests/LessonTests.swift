import Foundation
import Testing

/// Lessons from the command line: listing, non-interactive runs and their exit codes, and an
/// interactive run in tmux with a pause and questions answered right and wrong.
@Suite("Lessons from the command line", .serialized)
struct LessonCommandLineTests {
    static let lesson = """
        title: A tiny lesson
        summary: one pause and two questions, for the tests
        ## Predict
        ask: Which key does 'sat' attend to most in head 2?
        answer: cat
        explain: Its weight there is 0.483.
        pause
        ## Again
        ask: And in head 1?
        answer: sat
        check: argmax weights[sat] head 1 = sat
        """

    static let broken = """
        title: A broken lesson
        summary: its check cannot hold
        ## Wrong
        check: sum weights[sat] = 2
        """

    func lessonFolder() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        _ = try directory.write(Self.lesson, to: "50-tiny.lesson")
        _ = try directory.write(Self.broken, to: "51-broken.lesson")
        return directory
    }

    @Test func listsEveryLessonOneALineNameFirst() throws {
        let folder = try lessonFolder()
        for arguments in [["lessons"], ["--list-lessons"]] {
            let result = try AttentionREPLBinary.runner().run(arguments, environment: ["ATTENTION_REPL_LESSONS": folder.url.path])
            #expect(result.status == 0)
            let lines = result.standardOutput.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("01-by-hand ") }, "the project's lessons: \(result.standardOutput)")
            #expect(lines.contains { $0.hasPrefix("50-tiny ") && $0.hasSuffix("one pause and two questions, for the tests") })
        }
    }

    @Test func nonInteractiveRunsExitOneOnAFailedCheck() throws {
        let folder = try lessonFolder()
        let environment: [String: String?] = ["ATTENTION_REPL_LESSONS": folder.url.path]
        let good = try AttentionREPLBinary.runner().run(["--lesson", "tiny", "--no-pause"], environment: environment)
        #expect(good.status == 0, "stderr: \(good.standardError)")
        #expect(good.standardOutput.contains("Lesson complete: 1 check passed"))
        #expect(!good.standardOutput.contains("Which key"), "questions are skipped without a learner")

        let bad = try AttentionREPLBinary.runner().run(["--lesson", "51"], environment: environment)
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("check failed at \(folder.url.path)/51-broken.lesson line 4"), "\(bad.standardError)")
        #expect(bad.standardError.contains("expected: = 2") && bad.standardError.contains("found:    1.000000"))

        let missing = try AttentionREPLBinary.runner().run(["--lesson", "tiyn"], environment: environment)
        #expect(missing.status == 1 && missing.standardError.contains("did you mean 'tiny'"), "\(missing.standardError)")
    }

    @Test func interactiveLessonPausesAndAsks() throws {
        let folder = try lessonFolder()
        let repl = try REPLSession(arguments: ["--lesson", "tiny"], environment: ["ATTENTION_REPL_LESSONS": folder.url.path],
                                   waitForPrompt: false)
        defer { repl.close() }

        try repl.tmux.waitForScreen("the first question") { lastLine(of: $0) == "your answer>" }
        try repl.tmux.type("cat")
        try repl.tmux.press("Enter")
        try repl.tmux.waitForScreen("praise and the pause") { screen in
            screen.contains("Right. Its weight there is 0.483.") && lastLine(of: screen)?.hasPrefix("[Enter: go on") == true
        }
        try repl.tmux.press("Enter")
        try repl.tmux.waitForScreen("the second question") { $0.contains("And in head 1?") && lastLine(of: $0) == "your answer>" }
        try repl.tmux.type("the")
        try repl.tmux.press("Enter")
        let screen = try repl.waitForPrompt()
        #expect(screen.contains("Not quite: the answer is sat."))
        #expect(screen.contains("Step 2 of 2 · Again"))
        #expect(screen.contains("Lesson complete: 1 check passed"))
        // The lesson's session stays: the REPL goes on from it.
        #expect(try repl.enter("where").contains("Not started"))
        try repl.tmux.type("quit")
        try repl.tmux.press("Enter")
        #expect(try repl.tmux.waitForExit() == 0)
        let history = try String(contentsOf: repl.historyFile, encoding: .utf8)
        #expect(history == "where\nquit\n", "answers to questions stay out of the history: \(history)")
    }
}
