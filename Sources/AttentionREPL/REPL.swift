import Foundation
import Interpreter
import Teaching

/// The read-evaluate-print loop: the only place that reads input and prints.
struct REPL {
    var interpreter: Interpreter
    let style: Style

    static let prompt = "attention> "

    static let greeting = """
        AttentionREPL: multi-head attention, one stage at a time. The example "the cat sat" is loaded (d_model 4, 2 heads).
        Type `step` to see the first stage, `help` for every command, `quit` to leave.
        """

    /// Interactive: prompts, errors with a caret under the typed line, never stops on an error.
    mutating func runInteractive(reader: ReadlineReader) {
        print(style.dim(Self.greeting))
        while let line = reader.readLine(prompt: Self.prompt) {
            do {
                let reply = try interpreter.execute(line)
                if reply.quit { break }
                if !reply.text.isEmpty { print(reply.text + "\n") }
            } catch let error as UserError {
                print(error.report(line: line, lineNumber: nil, promptWidth: Self.prompt.count, echoed: false, style: style) + "\n")
            } catch {
                print(style.error("error: ") + "\(error)")
            }
        }
        reader.saveHistory()
    }

    /// A script (a file, or piped standard input): no prompts; the first failing line prints
    /// `error: line N: ...` to standard error and ends the run with status 1.
    mutating func runScript(lines: some Sequence<String>) -> Int32 {
        for (index, line) in lines.enumerated() {
            do {
                let reply = try interpreter.execute(line)
                if !reply.text.isEmpty { print(reply.text + "\n") }
                if reply.quit { return 0 }
            } catch let error as UserError {
                FileHandle.standardError.write(Data((error.report(line: line, lineNumber: index + 1) + "\n").utf8))
                return 1
            } catch {
                FileHandle.standardError.write(Data("error: line \(index + 1): \(error)\n".utf8))
                return 1
            }
        }
        return 0
    }
}

/// Lines of standard input, read lazily so a pipe is processed as it arrives.
struct StandardInputLines: Sequence, IteratorProtocol {
    mutating func next() -> String? { readLine(strippingNewline: true) }
}
