import ArgumentParser
import Foundation
import Interpreter
import Platform
import Teaching
import TensorIO

/// `attention-repl`: the interactive REPL at a terminal; scripts with `--script` or a pipe;
/// lessons with `--lesson NAME`.
@main
struct AttentionREPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention-repl",
        abstract: "Learn multi-head attention by stepping through it with your own matrices.",
        discussion: """
            At a terminal this starts the interactive REPL with a small example loaded: type `step` to \
            walk through the stages and `help` for every command. With --script FILE (or `-`, or when \
            standard input is a pipe) it runs the commands without prompts and exits with status 1 at \
            the first error, printing `error: line N: ...` to standard error.
            """,
        version: "attention-repl 0.1.0",
        subcommands: [ListLessons.self, BenchCommand.self]
    )

    @Option(name: .long, help: ArgumentHelp("Run the commands in FILE without prompts ('-' for standard input).", valueName: "FILE"))
    var script: String?

    @Option(name: .long, help: ArgumentHelp("Take a lesson (by name or number); `attention-repl lessons` lists them.", valueName: "NAME"))
    var lesson: String?

    @Flag(name: .long, help: "Run the lesson without pauses or questions; exit 1 at the first failed check.")
    var noPause = false

    @Flag(name: .long, help: "List the lessons, one a line, and exit.")
    var listLessons = false

    @Option(name: .long, help: ArgumentHelp("Start from a session saved with `save FILE`.", valueName: "FILE"))
    var load: String?

    @Option(name: .long, help: ArgumentHelp("Start with the pretrained model in DIR loaded (`model load DIR`); `auto` finds all-MiniLM-L6-v2.", valueName: "DIR"))
    var model: String?

    @Option(name: .long, help: "Colour: auto (a terminal without NO_COLOR or TERM=dumb), always or never.")
    var color: ColorChoice = .auto

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    static func main() {
        // Traces of real size allocate and free tens of megabytes at a time: keep that memory
        // for the next one rather than page it in again (about a fifth of a BERT-base trace).
        attention_retain_freed_memory()
        main(nil)
    }

    func run() throws {
        let library = Self.lessonLibrary()
        if listLessons {
            print(library.listing())
            return
        }
        let interactive = script == nil && Terminal.isTerminal(STDIN_FILENO)
        let style = Style.decide(choice: color.rawValue, outputIsTerminal: Terminal.isTerminal(STDOUT_FILENO),
                                 environment: ProcessInfo.processInfo.environment)
        var interpreter = Interpreter(style: style, width: Terminal.width())
        interpreter.lessons = library
        interpreter.stateFile = Terminal.stateFile()
        if let load {
            do { _ = try interpreter.loadSession(from: load) } catch let error as UserError {
                REPL.printError("error: \(error.description)")
                throw ExitCode(1)
            }
        }
        if let model {
            let command = model == "auto" ? "model load" : "model load \"\(model)\""
            do { print(try interpreter.execute(command).text) } catch let error as UserError {
                REPL.printError("error: \(error.description)")
                throw ExitCode(1)
            }
        }
        var repl = REPL(interpreter: interpreter, style: style)

        if let lesson {
            let loaded: Lesson
            do { loaded = try library.load(lesson) } catch let error as UserError {
                REPL.printError("error: \(error.description)")
                throw ExitCode(1)
            }
            if interactive && !noPause {
                let reader = Self.readlineReader(library)
                var conversation = TerminalConversation(reader: reader, progress: repl.progress, width: repl.interpreter.width)
                _ = repl.runLesson(loaded, interactive: true, conversation: &conversation)
                repl.runInteractive(reader: reader, greet: false)
                return
            }
            var conversation = PrintingConversation()
            if case let .failed(message) = repl.runLesson(loaded, interactive: false, conversation: &conversation) {
                REPL.printError("error: " + message)
                throw ExitCode(1)
            }
            return
        }
        if interactive {
            repl.runInteractive(reader: Self.readlineReader(library))
            return
        }
        let status: Int32
        if let script, script != "-" {
            // Read like any text file, so /dev/stdin and other pipes work and the reason is exact.
            let text: String
            do { text = try TensorFile.readText(path: script) } catch {
                REPL.printError("error: cannot read the script '\(script)': \(error)")
                throw ExitCode(1)
            }
            // Lines end in \n or \r\n (a script saved on Windows): see `textLines`.
            var lines = text.textLines.map(String.init)
            if lines.last == "" { lines.removeLast() }
            status = repl.runScript(lines: lines)
        } else {
            status = repl.runScript(lines: StandardInputLines())
        }
        if status != 0 { throw ExitCode(status) }
    }

    static func readlineReader(_ library: LessonLibrary) -> ReadlineReader {
        ReadlineReader(historyPath: Terminal.historyPath(),
                       promptToStandardError: !Terminal.isTerminal(STDOUT_FILENO),
                       lessonNames: library.entries().map(\.name))
    }

    static func lessonLibrary() -> LessonLibrary {
        LessonLibrary.standard(executablePath: Bundle.main.executablePath ?? CommandLine.arguments[0],
                               environment: ProcessInfo.processInfo.environment,
                               currentDirectory: FileManager.default.currentDirectoryPath)
    }
}

/// `attention-repl lessons`: the lessons, one a line, name first.
struct ListLessons: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lessons", abstract: "List the lessons, one a line.")

    func run() throws {
        print(AttentionREPLCommand.lessonLibrary().listing())
    }
}
