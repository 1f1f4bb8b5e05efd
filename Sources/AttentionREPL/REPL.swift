import Foundation
import Interpreter
import Platform
import Teaching

/// The read-evaluate-print loop: the only place that reads input and prints.
struct REPL {
    var interpreter: Interpreter
    let style: Style
    /// The line `fit` redraws while it runs (at a terminal), and Ctrl-C to stop it.
    let progress = ProgressLine(draws: Terminal.isTerminal(STDOUT_FILENO))

    static let prompt = Interpreter.prompt

    static let greeting = """
        AttentionREPL: multi-head attention, one stage at a time. Loaded: "the cat sat", d_model 4, 2 heads.
        Type `step` for the first stage, `help` for every command, `lessons` for guided lessons.
        """

    /// Interactive: prompts, errors with a caret under the typed line, never stops on an error.
    mutating func runInteractive(reader: ReadlineReader, greet: Bool = true) {
        if greet {
            print(style.dim(Prose.wrap(Self.greeting, width: interpreter.width)))
            if let stateFile = interpreter.stateFile, FileManager.default.fileExists(atPath: stateFile) {
                print(style.dim("Your last session was saved when you left: type `restore` to continue it."))
            }
        }
        let started = interpreter.session
        defer {
            reader.saveHistory()
            // A session left as it started (the ready example, or what --load gave) is not
            // worth a save: it would replace the one the learner may want to restore.
            if interpreter.session != started { saveOnExit() }
        }
        interpreter.progress = progress.watcher
        while true {
            completionTokens = interpreter.session.tokens
            guard let line = reader.readLine(prompt: Self.prompt) else {
                print("")   // Ctrl-D: leave the shell's prompt on a line of its own
                break
            }
            defer { progress.erase() }
            // Ctrl-C from here on stops a long trace; the command is then undone whole.
            attention_clear_interrupt()
            let before = interpreter
            do {
                let reply = try interpreter.execute(line)
                progress.erase()
                // Long sentences break between words, not where the terminal cuts them.
                if !reply.text.isEmpty { print(Prose.wrap(reply.text, width: interpreter.width) + "\n") }
                switch reply.action {
                case .none: break
                case .quit: return
                case let .lesson(lesson):
                    var conversation = TerminalConversation(reader: reader, progress: progress, width: interpreter.width)
                    _ = runLesson(lesson, interactive: true, conversation: &conversation)
                }
            } catch let error as UserError {
                if error.isInterruption { interpreter = before }
                print(Prose.wrap(error.report(line: line, lineNumber: nil, promptWidth: Self.prompt.count, echoed: false, style: style),
                                 width: interpreter.width) + "\n")
            } catch {
                print(style.error("error: ") + "\(error)")
            }
        }
    }

    /// Saves the session to the state folder so the next start can `restore` it, keeping the
    /// one saved before for `restore previous`. A failure is reported, never fatal: the learner
    /// is leaving anyway.
    func saveOnExit() {
        guard let stateFile = interpreter.stateFile else { return }
        let folder = (stateFile as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let previous = Interpreter.previousStateFile(stateFile)
            if FileManager.default.fileExists(atPath: stateFile) {
                try? FileManager.default.removeItem(atPath: previous)
                try FileManager.default.moveItem(atPath: stateFile, toPath: previous)
            }
            _ = try interpreter.saveSession(to: stateFile)
        } catch {
            Self.printError("warning: could not save the session to \(stateFile): \(error)")
        }
    }

    /// A script (a file, or piped standard input): no prompts; the first failing line prints
    /// `error: line N: ...` to standard error and ends the run with status 1. A lesson named
    /// in a script runs without pauses and questions; a failed check fails the script.
    mutating func runScript(lines: some Sequence<String>) -> Int32 {
        for (index, line) in lines.enumerated() {
            do {
                let reply = try interpreter.execute(line)
                if !reply.text.isEmpty { print(reply.text + "\n") }
                switch reply.action {
                case .none: break
                case .quit: return 0
                case let .lesson(lesson):
                    var conversation = PrintingConversation()
                    if case let .failed(message) = runLesson(lesson, interactive: false, conversation: &conversation) {
                        Self.printError("error: line \(index + 1): \(message)")
                        return 1
                    }
                }
            } catch let error as UserError {
                Self.printError(error.report(line: line, lineNumber: index + 1))
                return 1
            } catch {
                Self.printError("error: line \(index + 1): \(error)")
                return 1
            }
        }
        return 0
    }

    /// Runs a lesson from the ready example; afterwards its session becomes the learner's.
    mutating func runLesson(_ lesson: Lesson, interactive: Bool, conversation: inout some LessonConversation) -> LessonOutcome {
        var lessonInterpreter = Interpreter(style: interpreter.style, width: interpreter.width)
        lessonInterpreter.lessons = interpreter.lessons
        if interactive { lessonInterpreter.progress = progress.watcher }
        let runner = LessonRunner(interactive: interactive, style: style, width: interpreter.width)
        let outcome = runner.run(lesson, interpreter: &lessonInterpreter, conversation: &conversation)
        interpreter = lessonInterpreter
        switch outcome {
        case .finished: break
        case .left: conversation.say(style.dim("You left the lesson; its session is yours. `lesson \(lesson.name)` starts it again."))
        case let .failed(message): if interactive { conversation.say(style.error("error: ") + message) }
        }
        return outcome
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Lines of standard input, read lazily so a pipe is processed as it arrives.
struct StandardInputLines: Sequence, IteratorProtocol {
    mutating func next() -> String? { readLine(strippingNewline: true) }
}
