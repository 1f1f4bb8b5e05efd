import ArgumentParser
import Foundation
import Interpreter
import Teaching

/// `attention-repl`: the interactive REPL at a terminal; scripts with `--script` or a pipe.
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
        version: "attention-repl 0.1.0"
    )

    @Option(name: .long, help: ArgumentHelp("Run the commands in FILE without prompts ('-' for standard input).", valueName: "FILE"))
    var script: String?

    @Option(name: .long, help: "Colour: auto (a terminal without NO_COLOR or TERM=dumb), always or never.")
    var color: ColorChoice = .auto

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    func run() throws {
        let interactive = script == nil && Terminal.isTerminal(STDIN_FILENO)
        let style = Style.decide(choice: color.rawValue, outputIsTerminal: Terminal.isTerminal(STDOUT_FILENO),
                                 environment: ProcessInfo.processInfo.environment)
        var repl = REPL(interpreter: Interpreter(style: style, width: Terminal.width()), style: style)

        if interactive {
            let reader = ReadlineReader(historyPath: Terminal.historyPath(),
                                        promptToStandardError: !Terminal.isTerminal(STDOUT_FILENO))
            repl.runInteractive(reader: reader)
            return
        }
        let status: Int32
        if let script, script != "-" {
            guard let text = try? String(contentsOfFile: script, encoding: .utf8) else {
                throw ValidationError("cannot read the script '\(script)': no such readable UTF-8 file")
            }
            var lines = text.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            status = repl.runScript(lines: lines)
        } else {
            status = repl.runScript(lines: StandardInputLines())
        }
        if status != 0 { throw ExitCode(status) }
    }
}
