import Foundation

/// Facts about the terminal, read once.
enum Terminal {
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Columns of the terminal on standard output, or `COLUMNS`, or 100.
    static func width() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 {
            return Int(size.ws_col)
        }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 100
    }

    /// Where the session is saved on exit: `$XDG_STATE_HOME/attention-repl/session.txt`, or
    /// `~/.local/state/attention-repl/session.txt`.
    static func stateFile() -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/state")
        return ((base as NSString).appendingPathComponent("attention-repl") as NSString).appendingPathComponent("session.txt")
    }

    /// The history file: `ATTENTION_REPL_HISTORY`, or `~/.attention_repl_history`.
    static func historyPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["ATTENTION_REPL_HISTORY"], !path.isEmpty { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".attention_repl_history")
    }
}
