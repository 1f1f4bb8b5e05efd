import Foundation

/// One detached tmux session running a command in a pseudo-terminal, on a private server
/// (its own `-L` socket), so tests can type keys and read the screen like a person would.
///
/// Call `kill()` when done (in a `defer`): it stops the private server and everything in it.
final class TmuxSession {
    static let target = "S"

    private let tmux: BinaryRunner
    private let socket = "attention-repl-e2e-\(UUID().uuidString.prefix(8))"
    /// Where tmux put the socket (known once started); tmux leaves the file behind.
    private var socketPath: String?

    /// Finds tmux, or throws a message saying it must be installed (CI installs it).
    init() throws {
        tmux = BinaryRunner(executable: try Self.locateTmux())
    }

    /// Starts `shellCommand` in a `width` x `height` pane that stays on screen after the
    /// command exits, so its exit status can be read.
    func start(_ shellCommand: String, width: Int = 120, height: Int = 40) throws {
        try command("new-session", "-d", "-s", Self.target, "-x", "\(width)", "-y", "\(height)", shellCommand,
                    ";", "set-option", "-t", Self.target, "remain-on-exit", "on")
        socketPath = try command("display-message", "-p", "#{socket_path}").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Types `text` literally (no key names).
    func type(_ text: String) throws {
        try command("send-keys", "-t", Self.target, "-l", text)
    }

    /// Presses named keys: `Enter`, `Tab`, `Up`, `C-c`, `C-d`, ...
    func press(_ keys: String...) throws {
        try command(["send-keys", "-t", Self.target] + keys)
    }

    /// The visible screen as text, trailing spaces trimmed by tmux; colours and other
    /// attributes as escape sequences only `withEscapes`.
    func screen(withEscapes: Bool = false) throws -> String {
        try command(["capture-pane", "-p", "-t", Self.target] + (withEscapes ? ["-e"] : []))
    }

    /// Polls the screen every 0.1 s until `condition` holds and returns that screen; throws,
    /// showing the last screen, after `timeout` seconds.
    @discardableResult
    func waitForScreen(_ description: String, timeout: TimeInterval = 5,
                       until condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        repeat {
            last = try screen()
            if condition(last) { return last }
            usleep(100_000)
        } while Date() < deadline
        throw TmuxError.timedOut(waitingFor: description, screen: last)
    }

    /// Whether the pane's command has exited, its exit status if tmux has collected it, and
    /// its process id.
    func paneState() throws -> (dead: Bool, status: Int32?, pid: pid_t?) {
        let fields = try command("display-message", "-p", "-t", Self.target, "#{pane_dead} #{pane_pid} #{pane_dead_status}")
            .split(whereSeparator: \.isWhitespace).map(String.init)
        return (fields.first == "1", fields.count > 2 ? Int32(fields[2]) : nil, fields.count > 1 ? pid_t(fields[1]) : nil)
    }

    /// Polls until the pane's command has exited and returns its exit status.
    ///
    /// The pane reads as dead once its terminal closes. tmux 3.3a then usually reaps the
    /// process and reports `pane_dead_status`, but now and then it leaves the process a zombie
    /// and the status empty; the zombie's status is then read from `/proc` (Linux).
    func waitForExit(timeout: TimeInterval = 5) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        var deadSince: Date?
        repeat {
            let state = try paneState()
            if state.dead, let status = state.status { return status }
            if state.dead {
                deadSince = deadSince ?? Date()
                if Date().timeIntervalSince(deadSince!) > 0.5, let pid = state.pid,
                   let status = Self.zombieExitStatus(pid) {
                    return status
                }
            }
            usleep(100_000)
        } while Date() < deadline
        let state = try? paneState()
        throw TmuxError.timedOut(waitingFor: "the command to exit (pane state \(String(describing: state)))",
                                 screen: (try? screen()) ?? "")
    }

    /// The exit status of a zombie process: field 52 (`exit_code`, a wait status) of
    /// /proc/PID/stat, or nil if the process is not a zombie.
    private static func zombieExitStatus(_ pid: pid_t) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let endOfName = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name start at field 3 (the state).
        let fields = stat[stat.index(after: endOfName)...].split(whereSeparator: \.isWhitespace)
        guard fields.count > 49, fields[0] == "Z", let waitStatus = Int32(fields[49]) else { return nil }
        let signal = waitStatus & 0x7f
        return signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal
    }

    /// Stops this session's private tmux server (and the command in it) and removes its socket.
    func kill() {
        _ = try? tmux.run(["-L", socket, "kill-server"], environment: Self.environment)
        if let socketPath { try? FileManager.default.removeItem(atPath: socketPath) }
    }

    @discardableResult
    private func command(_ arguments: String...) throws -> String {
        try command(arguments)
    }

    @discardableResult
    private func command(_ arguments: [String]) throws -> String {
        let result = try tmux.run(["-L", socket, "-f", "/dev/null"] + arguments, environment: Self.environment)
        guard result.status == 0 else {
            throw TmuxError.failed(arguments, status: result.status, message: result.standardError)
        }
        return result.standardOutput
    }

    /// Not nested in any tmux the tests happen to run under.
    private static let environment: [String: String?] = ["TMUX": nil, "TMUX_PANE": nil]

    private static func locateTmux() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        let candidates = directories.map { URL(fileURLWithPath: $0).appendingPathComponent("tmux") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TmuxError.notInstalled(searched: directories)
        }
        return found
    }
}

enum TmuxError: Error, CustomStringConvertible {
    case notInstalled(searched: [String])
    case failed([String], status: Int32, message: String)
    case timedOut(waitingFor: String, screen: String)

    var description: String {
        switch self {
        case let .notInstalled(searched):
            "tmux is not installed (looked in \(searched.joined(separator: ", "))); the interactive tests need it: install tmux (CI does)"
        case let .failed(arguments, status, message):
            "tmux \(arguments.joined(separator: " ")) exited with \(status): \(message)"
        case let .timedOut(description, screen):
            "timed out waiting for \(description); the screen was:\n\(screen)"
        }
    }
}

/// Quotes a word for `sh`, which tmux uses to run a session's command.
func shellQuoted(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
