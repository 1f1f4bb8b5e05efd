import Foundation
import Testing

/// The REPL at a terminal, driven through tmux: prompt, greeting, Tab completion, errors with
/// a caret, Ctrl-C, history recall and Ctrl-D.
@Suite("Interactive session in tmux", .serialized)
struct InteractiveSessionTests {
    let prompt = REPLSession.prompt

    @Test func greetingThenTabCompletesAVerb() throws {
        let repl = try REPLSession()
        defer { repl.close() }
        let greeting = try repl.tmux.screen()
        #expect(nonEmptyLines(of: greeting).count == 3, "two lines of greeting, then the prompt:\n\(greeting)")
        #expect(greeting.contains("`step`"), "greeting: \(greeting)")
        #expect(greeting.contains("`help`"), "greeting: \(greeting)")

        try repl.tmux.type("ste")
        try repl.tmux.press("Tab")
        try repl.tmux.waitForScreen("`ste` to complete to `step`") { lastLine(of: $0) == "\(prompt) step" }
        try repl.tmux.press("Enter")
        try repl.tmux.waitForScreen("the first step") { $0.contains("Stage 1 of 9") }
    }

    @Test func tabCompletesAStageName() throws {
        let repl = try REPLSession()
        defer { repl.close() }

        try repl.tmux.type("show wei")
        try repl.tmux.press("Tab")
        try repl.tmux.waitForScreen("`show wei` to complete to `show weights`") {
            lastLine(of: $0) == "\(prompt) show weights"
        }
    }

    @Test func misspelledCommandShowsACaretAndASuggestion() throws {
        let repl = try REPLSession()
        defer { repl.close() }

        let screen = try repl.enter("stpe")

        let lines = screen.components(separatedBy: "\n")
        let typed = try #require(lines.lastIndex(of: "\(prompt) stpe"), "screen:\n\(screen)")
        try #require(lines.count > typed + 2, "a caret line and an error line follow:\n\(screen)")
        #expect(lines[typed + 2].hasPrefix("error: unknown command 'stpe': did you mean 'step'?"), "screen:\n\(screen)")
        let caretLine = lines[typed + 1]
        #expect(caretLine.trimmingCharacters(in: .whitespaces) == "^", "caret line: '\(caretLine)'")
        #expect(caretLine.firstIndex(of: "^")?.utf16Offset(in: caretLine) == "\(prompt) ".count,
                "the caret is under the first letter of 'stpe':\n\(lines[typed])\n\(caretLine)")
        #expect(try repl.tmux.paneState().dead == false, "an error does not end the session")
    }

    @Test func controlCClearsTheLineAndKeepsRunning() throws {
        let repl = try REPLSession()
        defer { repl.close() }

        try repl.tmux.type("half a command")
        try repl.tmux.press("C-c")
        let screen = try repl.waitForPrompt()

        let lines = nonEmptyLines(of: screen)
        #expect(lines.dropLast().last?.hasPrefix("\(prompt) half a command") == true, "screen:\n\(screen)")
        #expect(try repl.tmux.paneState().dead == false, "Ctrl-C must not end the session")
        let afterWhere = try repl.enter("where")
        #expect(afterWhere.contains("Not started"), "screen:\n\(afterWhere)")
        #expect(!afterWhere.contains("half a command where"), "the interrupted text was dropped")
    }

    /// Ctrl-C while a command runs (here generating 2.25 million random values, seconds in a
    /// debug build): the command is undone once it reaches its trace, one prompt follows, no
    /// prompt is drawn in the middle of the output, and the session goes on as it was.
    @Test func controlCDuringADefinitionUndoesIt() throws {
        let repl = try REPLSession()
        defer { repl.close() }

        let screen = try repl.interrupt("X = random 1500x1500 seed 1", timeout: 30)

        let lines = nonEmptyLines(of: screen)
        let prompts = lines.filter { $0.hasPrefix(prompt) }
        #expect(prompts.last == prompt && prompts.dropLast().last == "\(prompt) X = random 1500x1500 seed 1",
                "one prompt after the command, none inside its output:\n\(screen)")
        #expect(try repl.tmux.paneState().dead == false, "Ctrl-C must not end the session")
        #expect(try repl.enter("show X").contains("X  3 x 4"), "X is the example's again")
    }

    /// Ctrl-C during a long trace (60 heads over 1024 tokens, seconds) stops it and undoes the
    /// command: the prompt comes back at once, and the session is as it was (issue 14: every
    /// command took 12-25 s on such a layer with Ctrl-C ignored).
    @Test func controlCStopsALongTraceAndUndoesTheCommand() throws {
        let repl = try REPLSession()
        defer { repl.close() }
        for line in ["X = random 1024x480 seed 1", "W_Q = random 480x480 seed 1 scale 0.05", "W_K = random 480x480 seed 2 scale 0.05",
                     "W_V = random 480x480 seed 3 scale 0.05", "W_O = random 480x480 seed 4 scale 0.05"] {
            try repl.tmux.type(line)
            try repl.tmux.press("Enter")
            _ = try repl.tmux.waitForScreen("'\(line)' done", timeout: 30) { lastLine(of: $0) == prompt && $0.contains(line) }
        }
        let screen = try repl.interrupt("heads 60", timeout: 10)
        #expect(screen.contains("the session is as it was"), "screen:\n\(screen)")
        #expect(try repl.tmux.paneState().dead == false, "Ctrl-C must not end the session")
        #expect(try repl.enter("heads").contains("heads = 2"), "the head count is the one before the command")
    }

    /// Ctrl-C during `fit` stops it at the end of the current step: the progress line shows
    /// the fit running, the prompt comes back, the reply says where it stopped, and the
    /// weights reached are the session's (the loss is the one the fit reported).
    @Test func controlCStopsAFitAndKeepsTheWeightsReached() throws {
        let repl = try REPLSession()
        defer { repl.close() }
        try repl.enter("target = zeros 3x4")
        let before = try repl.enter("loss")

        try repl.tmux.type("fit 1000000 lr 0.001")
        try repl.tmux.press("Enter")
        try repl.tmux.waitForScreen("the progress line", timeout: 10) { $0.contains("fit: step") && $0.contains("Ctrl-C stops") }
        try repl.tmux.press("C-c")
        let screen = try repl.tmux.waitForScreen("the fit's reply and a prompt", timeout: 20) {
            lastLine(of: $0) == prompt && $0.contains("Stopped")
        }
        #expect(screen.contains("Stopped by Ctrl-C after step"), "screen:\n\(screen)")
        #expect(!screen.contains("fit: step"), "the progress line is erased before the reply:\n\(screen)")
        #expect(try repl.tmux.paneState().dead == false, "Ctrl-C must not end the session")

        // "loss 0.xxx -> 0.yyy": the loss reached is the session's loss now, and lower than before.
        let summary = try #require(nonEmptyLines(of: screen).first { $0.hasPrefix("  loss ") }, "screen:\n\(screen)")
        let reached = try #require(summary.components(separatedBy: " ").last(where: { Double($0) != nil }).flatMap(Double.init))
        let after = try repl.enter("loss")
        let lossLine = { (screen: String) in nonEmptyLines(of: screen).last { $0.hasPrefix("    = ") } }
        let now = try #require(lossLine(after).flatMap { Double($0.dropFirst(6)) }, "screen:\n\(after)")
        let start = try #require(lossLine(before).flatMap { Double($0.dropFirst(6)) }, "screen:\n\(before)")
        #expect(now < start, "the fit lowered the loss: \(start) -> \(now)")
        #expect(abs(now - reached) <= 1e-3 * max(reached, 1e-12) + 5e-4, "loss now \(now), fit reported \(reached)")
    }

    @Test func upArrowRecallsThePreviousCommand() throws {
        let repl = try REPLSession()
        defer { repl.close() }
        try repl.enter("where")

        try repl.tmux.press("Up")

        try repl.tmux.waitForScreen("Up to recall `where`") { lastLine(of: $0) == "\(prompt) where" }
    }

    @Test func controlDExitsCleanlyAndSavesHistory() throws {
        let repl = try REPLSession()
        defer { repl.close() }
        try repl.enter("step")
        try repl.enter("stpe")

        try repl.tmux.press("C-d")

        let status = try repl.tmux.waitForExit()
        let screen = try repl.tmux.screen()
        #expect(status == 0, "screen:\n\(screen)")
        let history = try String(contentsOf: repl.historyFile, encoding: .utf8)
        #expect(history.components(separatedBy: "\n").filter { !$0.isEmpty } == ["step", "stpe"],
                "history file:\n\(history)")
    }

    @Test func quitExitsWithStatusZero() throws {
        let repl = try REPLSession()
        defer { repl.close() }
        try repl.tmux.type("quit")
        try repl.tmux.press("Enter")

        let status = try repl.tmux.waitForExit()
        let screen = try repl.tmux.screen()
        #expect(status == 0, "screen:\n\(screen)")
        let history = try String(contentsOf: repl.historyFile, encoding: .utf8)
        #expect(history.contains("quit"), "history file:\n\(history)")
    }

    @Test func autoColourAtATerminalUnlessNoColor() throws {
        let coloured = try REPLSession(environment: ["NO_COLOR": nil])
        defer { coloured.close() }
        #expect(try coloured.tmux.screen(withEscapes: true).contains("\u{1B}["), "colour is on at a terminal")

        let plain = try REPLSession(environment: ["NO_COLOR": "1"])
        defer { plain.close() }
        #expect(!(try plain.tmux.screen(withEscapes: true).contains("\u{1B}[")), "NO_COLOR turns colour off")
    }

    @Test func sessionIsSavedOnExitAndOfferedNextTime() throws {
        let repl = try REPLSession()
        defer { repl.close() }
        try repl.enter("heads 4")
        try repl.tmux.press("C-d")
        #expect(try repl.tmux.waitForExit() == 0)
        let saved = try String(contentsOf: repl.stateFile, encoding: .utf8)
        #expect(saved.hasPrefix("# attention-repl session 1") && saved.contains("heads 4"))

        // A second REPL with the same state folder offers it and restores it.
        let next = try REPLSession(environment: ["XDG_STATE_HOME": repl.directory.file("state").path])
        defer { next.close() }
        #expect(try next.tmux.screen().contains("type `restore` to continue it"))
        try next.enter("restore")
        #expect(try next.enter("heads").contains("heads = 4"))
    }

    /// Starting the REPL and leaving at once must not replace the saved session with the ready
    /// example; a new save keeps the one before for `restore previous`.
    @Test func anUntouchedSessionNeverReplacesTheSavedOne() throws {
        let first = try REPLSession()
        defer { first.close() }
        try first.enter("heads 4")
        try first.tmux.press("C-d")
        #expect(try first.tmux.waitForExit() == 0)
        let state = ["XDG_STATE_HOME": first.directory.file("state").path]

        let untouched = try REPLSession(environment: state)
        defer { untouched.close() }
        try untouched.tmux.press("C-d")
        #expect(try untouched.tmux.waitForExit() == 0)
        #expect(try String(contentsOf: first.stateFile, encoding: .utf8).contains("heads 4"))

        let changed = try REPLSession(environment: state)
        defer { changed.close() }
        try changed.enter("heads 1")
        try changed.tmux.press("C-d")
        #expect(try changed.tmux.waitForExit() == 0)
        #expect(try String(contentsOf: first.stateFile, encoding: .utf8).contains("heads 1"))

        let later = try REPLSession(environment: state)
        defer { later.close() }
        try later.enter("restore previous")
        #expect(try later.enter("heads").contains("heads = 4"))
    }

    /// Two REPLs open at once, both writing the same history file as they leave: every line
    /// of both must be there afterwards.
    @Test func twoREPLsKeepEachOthersHistory() throws {
        let shared = try TemporaryDirectory()
        let history = shared.file("shared-history").path
        let first = try REPLSession(environment: ["ATTENTION_REPL_HISTORY": history])
        defer { first.close() }
        let second = try REPLSession(environment: ["ATTENTION_REPL_HISTORY": history])
        defer { second.close() }
        for line in ["step", "show X", "where"] { try first.enter(line) }
        for line in ["shapes", "heads", "tokens"] { try second.enter(line) }
        try first.tmux.press("C-d")
        try second.tmux.press("C-d")
        #expect(try first.tmux.waitForExit() == 0)
        #expect(try second.tmux.waitForExit() == 0)
        let lines = try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(Set(lines) == ["step", "show X", "where", "shapes", "heads", "tokens"], "history: \(lines)")
        #expect(lines.count == 6)
    }

    /// ATTENTION_REPL_HISTORY=/dev/null switches history off; the device must survive, and a
    /// history file that is a folder is set aside with a warning instead of stopping start-up.
    @Test func devNullAndBrokenHistoryFiles() throws {
        let quiet = try REPLSession(environment: ["ATTENTION_REPL_HISTORY": "/dev/null"])
        defer { quiet.close() }
        try quiet.enter("step")
        try quiet.tmux.press("C-d")
        #expect(try quiet.tmux.waitForExit() == 0)
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR, "/dev/null must stay a device")

        let folder = try TemporaryDirectory()
        let broken = folder.file("history").path
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        let repl = try REPLSession(environment: ["ATTENTION_REPL_HISTORY": broken])
        defer { repl.close() }
        #expect(try repl.tmux.screen().contains("warning: the history file \(broken) could not be read"))
        #expect(FileManager.default.fileExists(atPath: broken + ".broken"))
    }
}
