import Foundation
import TensorIO

/// Saving, loading and restoring whole sessions.
extension Interpreter {
    /// Saves the session to `path` (what `save` does), for callers that hold a path rather
    /// than a command line: no quoting, so any file name works.
    public func saveSession(to path: String) throws -> String {
        try save(to: path, session: session)
    }

    /// Replaces the session with the one saved at `path` (what `load` does); on error the
    /// session is unchanged.
    public mutating func loadSession(from path: String) throws -> String {
        var next = session
        let reply = try load(from: path, into: &next)
        session = next
        return reply
    }

    /// `save FILE`: the session as commands, written atomically (a crash or a full disk never
    /// leaves half a file).
    func save(to path: String, session: Session) throws -> String {
        let text = SessionFile.encode(session, stageIsValid: (try? trace(session)) != nil,
                                      gradientsAreValid: (try? gradientPresenter(session)) != nil)
        do {
            try TensorFile.writeText(text, path: try files.resolve(path))
        } catch let error as TensorFileError {
            throw UserError("cannot save to \(path): \(error)")
        }
        return "saved the session to \(path) (\(text.split(separator: "\n").count - 2) commands; `load \(path)` brings it back)"
    }

    /// `load FILE`: replaces the session with the saved one, or changes nothing and names the
    /// line at fault.
    func load(from path: String, into session: inout Session) throws -> String {
        // By the name's ending, not NSString's pathExtension, which traps on names such as
        // "a.b///c//" (swift-corelibs-foundation; found by the commands fuzz target).
        if [".npy", ".json", ".csv"].contains(where: path.lowercased().hasSuffix) {
            throw UserError("\(path) looks like a tensor file, not a saved session",
                            hint: "`import NAME \(path)` reads it into a tensor, e.g. import X \(path)")
        }
        let text: String
        do {
            text = try TensorFile.readText(path: try files.resolve(path))
        } catch let error as TensorFileError {
            throw UserError("cannot load \(path): \(error)")
        }
        session = try self.session(from: text, path: path, files: files)
        return "loaded the session from \(path)"
    }

    /// `source FILE`: the commands of a plain text file (one a line, `#` comments), run in order
    /// as if typed. All or nothing: at the first failing line the session is left as it was and
    /// the error names the line.
    func source(_ path: String, into session: inout Session) throws -> String {
        let text: String
        do {
            text = try TensorFile.readText(path: try files.resolve(path))
        } catch let error as TensorFileError {
            throw UserError("cannot read \(path): \(error)")
        }
        var copy = self
        copy.session = session
        var replies: [String] = []
        for (index, line) in text.textLines.enumerated() {
            let command: Command?
            do { command = try CommandParser.parse(String(line)) } catch let error as UserError {
                throw UserError("\(path) line \(index + 1): \(error.message)", hint: "nothing was changed")
            }
            switch command {
            case .source?, .lesson?, .quit?:
                throw UserError("\(path) line \(index + 1): '\(line)' cannot run from a sourced file", hint: "nothing was changed")
            default: break
            }
            do {
                let reply = try copy.execute(String(line))
                if !reply.text.isEmpty { replies.append(reply.text) }
            } catch let error as UserError {
                throw UserError("\(path) line \(index + 1): \(error.message)", hint: error.hint.map { $0 + "; nothing was changed" } ?? "nothing was changed")
            }
        }
        session = copy.session
        return (replies + ["ran \(path)"]).joined(separator: "\n\n")
    }

    /// The session a saved file describes, rebuilt by running its commands on a blank
    /// session, within this interpreter's limits (tensor sizes, fit and training steps, task
    /// sizes); a failing command is reported with its line in the file.
    func session(from text: String, path: String, files: FileAccess) throws -> Session {
        var rebuilt = Interpreter(loadExample: false)
        rebuilt.files = files
        rebuilt.maximumElements = maximumElements
        rebuilt.maximumTraceBytes = maximumTraceBytes
        rebuilt.maximumFitSteps = maximumFitSteps
        rebuilt.maximumTrainSteps = maximumTrainSteps
        rebuilt.taskLimits = taskLimits
        rebuilt.trainingKernels = trainingKernels
        for (line, command) in try SessionFile.commands(in: text, path: path) {
            // A session file holds definitions and settings only: nothing that reads or writes
            // other files, starts a lesson or leaves.
            switch try? CommandParser.parse(command) {
            case .load?, .save?, .restore?, .source?, .importTensor?, .export?, .exportGrad?, .lesson?, .quit?, .fit?:
                throw UserError("\(path) line \(line): '\(command)' does not belong in a session file",
                                hint: "a session file holds definitions and settings; the session was not changed")
            default: break
            }
            do {
                _ = try rebuilt.execute(command)
            } catch let error as UserError {
                throw UserError("\(path) line \(line): \(error.message)", hint: "the file is damaged; the session was not changed")
            }
        }
        return rebuilt.session
    }

    /// `restore`: the session saved automatically when the REPL last exited; `restore previous`:
    /// the one saved the time before (kept when a new one replaced it).
    func restore(previous: Bool, into session: inout Session) throws -> String {
        guard let current = stateFile else {
            throw UserError("there is no saved session to restore", hint: "sessions are saved automatically when the REPL exits")
        }
        let file = previous ? Self.previousStateFile(current) : current
        guard FileManager.default.fileExists(atPath: file) else {
            throw UserError(previous ? "there is no earlier saved session to restore" : "there is no saved session to restore",
                            hint: "sessions are saved automatically when the REPL exits" + (previous ? "; the one before is kept once a newer one replaces it" : ""))
        }
        let text: String
        do { text = try TensorFile.readText(path: file) } catch {
            throw UserError("cannot read the saved session \(file): \(error)")
        }
        session = try self.session(from: text, path: file, files: .anywhere)
        return previous ? "restored the session saved the time before the last" : "restored the session saved when the REPL last exited"
    }

    /// Where the session saved before the latest one is kept.
    public static func previousStateFile(_ stateFile: String) -> String { stateFile + ".previous" }
}
