import Interpreter
import Teaching

/// A lesson at the terminal: pauses and questions read through readline.
struct TerminalConversation: LessonConversation {
    let reader: ReadlineReader
    /// A `fit` in the lesson draws its progress here; erased before anything is said.
    let progress: ProgressLine
    /// The terminal's columns: long lines break between words to fit.
    let width: Int

    mutating func say(_ text: String) {
        progress.erase()
        print(Prose.wrap(text, width: width))
    }

    mutating func pause() -> PauseChoice {
        guard let line = reader.readLine(prompt: "[Enter: go on · q: leave · r: restart] ", remember: false) else { return .leave }
        switch line.trimmingCharacters(in: .whitespaces).lowercased() {
        case "q", "quit", "leave": return .leave
        case "r", "restart": return .restart
        case "": return .next
        default: return .command(line)
        }
    }

    mutating func ask(_ prompt: String) -> String? {
        print(Prose.wrap("? " + prompt, width: width))
        return reader.readLine(prompt: "your answer> ", remember: false)
    }
}

/// A lesson without a learner at the keyboard: output is printed, pauses and questions are
/// skipped by the runner, so these are never asked.
struct PrintingConversation: LessonConversation {
    mutating func say(_ text: String) { print(text) }
    mutating func pause() -> PauseChoice { .next }
    mutating func ask(_ prompt: String) -> String? { nil }
}
