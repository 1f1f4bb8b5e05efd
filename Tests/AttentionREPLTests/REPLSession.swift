import Foundation

/// A running REPL in a fresh tmux server with its own history file. Call `close()` when done
/// (in a `defer`), so the server never outlives the test.
final class REPLSession {
    static let prompt = "attention>"

    let tmux: TmuxSession
    let directory: TemporaryDirectory
    var historyFile: URL { directory.file("history") }
    /// Where the REPL saves the session on exit (under its own XDG_STATE_HOME).
    var stateFile: URL { directory.file("state/attention-repl/session.txt") }

    /// Starts the REPL with `arguments` and `environment` changes (a nil value unsets a variable), in a
    /// 120 x 40 terminal with TERM=xterm, no ~/.inputrc and a history file of its own.
    init(arguments: [String] = [], environment: [String: String?] = [:], waitForPrompt: Bool = true) throws {
        tmux = try TmuxSession()
        directory = try TemporaryDirectory()
        let settings: [String: String?] = ["ATTENTION_REPL_HISTORY": historyFile.path, "TERM": "xterm", "INPUTRC": "/dev/null",
                                           "XDG_STATE_HOME": directory.file("state").path]
        let changes = settings.merging(environment) { $1 }.sorted { $0.key < $1.key }
        // env takes its -u options before the assignments.
        let variables = changes.filter { $0.value == nil }.map { "-u \($0.key)" }
            + changes.compactMap { name, value in value.map { "\(name)=\(shellQuoted($0))" } }
        let binary = try AttentionREPLBinary.url().path
        do {
            try tmux.start((["env"] + variables + [shellQuoted(binary)] + arguments.map(shellQuoted)).joined(separator: " "))
            if waitForPrompt { try self.waitForPrompt() }
        } catch {
            tmux.kill()
            throw error
        }
    }

    /// Kills the tmux server and the REPL in it.
    func close() { tmux.kill() }

    /// Waits until the last line on screen is an empty prompt, and returns the screen.
    @discardableResult
    func waitForPrompt() throws -> String {
        try tmux.waitForScreen("an empty prompt") { lastLine(of: $0) == Self.prompt }
    }

    /// Types a line, presses Enter, presses Ctrl-C 0.3 s later, and waits for the REPL to say
    /// the command was stopped and to show an empty prompt.
    func interrupt(_ line: String, timeout: TimeInterval) throws -> String {
        try tmux.type(line)
        try tmux.press("Enter")
        Thread.sleep(forTimeInterval: 0.3)
        try tmux.press("C-c")
        return try tmux.waitForScreen("'\(line)' stopped, then a prompt", timeout: timeout) {
            $0.contains("stopped by Ctrl-C") && lastLine(of: $0) == Self.prompt
        }
    }

    /// Types a line, presses Enter and waits for the next empty prompt.
    @discardableResult
    func enter(_ line: String) throws -> String {
        try tmux.type(line)
        try tmux.press("Enter")
        return try tmux.waitForScreen("the output of '\(line)' and a prompt") { screen in
            lastLine(of: screen) == Self.prompt && screen.contains("\(Self.prompt) \(line)")
        }
    }
}

/// The lines of a screen that are not blank.
func nonEmptyLines(of screen: String) -> [String] {
    screen.components(separatedBy: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
}

/// The last line of a screen that is not blank (the cursor's line, for a prompt).
func lastLine(of screen: String) -> String? {
    nonEmptyLines(of: screen).last
}
