import Foundation

/// What a finished process left behind.
struct ProcessResult: Sendable {
    let status: Int32
    let standardOutput: String
    let standardError: String
}

/// Runs one executable with arguments, standard input, environment changes and a time limit,
/// and captures its standard output, standard error and exit status.
///
/// It spawns with `posix_spawn` and reaps with `waitpid` rather than using Foundation's
/// `Process`: on Linux `Process` learns of an exit through a socket the child inherits, so
/// when the child leaves a daemon behind (`tmux new-session` starts the tmux server) the
/// daemon keeps that socket open and `Process` never sees the exit.
///
/// Standard input is a real pipe; output goes to temporary files, so a chatty child never
/// blocks on a full pipe while the test waits for it.
struct BinaryRunner: Sendable {
    let executable: URL

    /// Runs the executable to completion, or kills it after `timeout` seconds and throws.
    ///
    /// - Parameter environment: changes to this process's environment; nil removes a variable.
    func run(_ arguments: [String] = [], standardInput: String = "",
             environment: [String: String?] = [:], timeout: TimeInterval = 10) throws -> ProcessResult {
        Self.ignoreBrokenPipes
        let outputDirectory = try TemporaryDirectory()
        let outputPath = outputDirectory.file("stdout").path
        let errorPath = outputDirectory.file("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // Test threads block most signals and SIGPIPE is ignored here; a child inheriting that
        // would not see SIGCHLD, SIGHUP or SIGTERM (a tmux server could not notice its pane
        // exit, nor be killed). Start it with an empty mask and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = CStringArray([executable.path] + arguments)
        let envp = CStringArray(Self.environment(applying: environment).map { "\($0.key)=\($0.value)" })
        var pid: pid_t = 0
        let inputWriter = try Self.spawnLock.withLock {
            // Both ends of the pipe close on exec (only the child's dup2'd copy survives); the
            // lock keeps other tests' spawns out of the window before FD_CLOEXEC is set, since a
            // child that inherited the write end would hold this child's input open.
            Self.markInheritedDescriptorsCloseOnExec()
            var input: [Int32] = [-1, -1]
            guard pipe(&input) == 0 else { throw RunnerError.system("pipe", errno) }
            input.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO)
            let spawned = posix_spawn(&pid, executable.path, &actions, &attributes, argv.pointers, envp.pointers)
            close(input[0])
            guard spawned == 0 else {
                close(input[1])
                throw RunnerError.system("posix_spawn \(executable.path)", spawned)
            }
            return input[1]
        }

        Self.writeAll(Array(standardInput.utf8), to: inputWriter)
        close(inputWriter)

        let status = try Self.wait(for: pid, timeout: timeout) {
            RunnerError.timedOut(executable.lastPathComponent, arguments, timeout)
        }
        return ProcessResult(status: status,
                             standardOutput: try String(contentsOfFile: outputPath, encoding: .utf8),
                             standardError: try String(contentsOfFile: errorPath, encoding: .utf8))
    }

    private static let spawnLock = NSLock()

    /// The test runner keeps descriptors open (pipes to `swift test`, sockets) that are not
    /// close-on-exec. A daemon started by a child (the tmux server) would hold them open for
    /// as long as it lives, so they are marked close-on-exec before each spawn.
    private static func markInheritedDescriptorsCloseOnExec() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in names.compactMap(Int32.init) where descriptor > STDERR_FILENO {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Writing to a child that has already exited must fail with EPIPE, not kill the tests.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }   // the child closed its input; it keeps what it read
            offset += written
        }
    }

    /// Polls `waitpid` until the child exits; kills it and throws `timedOut()` after `timeout`.
    /// Returns the exit status, or 128 + the signal number if a signal ended it.
    private static func wait(for pid: pid_t, timeout: TimeInterval,
                             timedOut: () -> RunnerError) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { throw RunnerError.system("waitpid", errno) }
            if Date() >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw timedOut()
            }
            usleep(5_000)
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func environment(applying changes: [String: String?]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        return environment
    }
}

/// A NULL-terminated array of C strings (argv, envp) that lives as long as the value.
private final class CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    deinit { pointers.forEach { free($0) } }
}

enum RunnerError: Error, CustomStringConvertible {
    case timedOut(String, [String], TimeInterval)
    case notFound(String, searched: [String])
    case system(String, Int32)

    var description: String {
        switch self {
        case let .timedOut(name, arguments, seconds):
            "\(name) \(arguments.joined(separator: " ")) was still running after \(seconds) s"
        case let .notFound(name, searched):
            "cannot find \(name); looked in: \(searched.joined(separator: ", "))"
        case let .system(call, code):
            "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}
