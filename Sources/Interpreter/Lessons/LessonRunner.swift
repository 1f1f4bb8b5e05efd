import Teaching

/// How a lesson talks to the learner: the terminal in the REPL, a script in tests.
public protocol LessonConversation {
    /// Shows text (already formatted).
    mutating func say(_ text: String)
    /// Waits at a pause: go on, leave the lesson, or start it again.
    mutating func pause() -> PauseChoice
    /// Asks a question; nil when the input has ended.
    mutating func ask(_ prompt: String) -> String?
}

public enum PauseChoice: Equatable, Sendable {
    case next, leave, restart
    /// A command typed at the pause: the learner is exploring.
    case command(String)
}

/// How a lesson run ended.
public enum LessonOutcome: Equatable, Sendable {
    /// Every command and check succeeded.
    case finished(checks: Int)
    /// The learner left at a pause.
    case left
    /// A command failed or a check did not hold; the message says where and why.
    case failed(String)
}

/// Runs a lesson through an interpreter: the same commands a learner would type.
/// Interactive runs pause and ask; other runs skip pauses and questions but run every
/// command and check, and stop at the first failure.
public struct LessonRunner {
    public var interactive: Bool
    public var style: Style
    public var width: Int

    public init(interactive: Bool, style: Style = .plain, width: Int = 100) {
        self.interactive = interactive
        self.style = style
        self.width = width
    }

    public func run(_ lesson: Lesson, interpreter: inout Interpreter,
                    conversation: inout some LessonConversation) -> LessonOutcome {
        let start = interpreter
        restart: while true {
            interpreter = start
            conversation.say(style.title("Lesson \(lesson.name): \(lesson.title)") + "\n" + Prose.wrap(lesson.summary, width: width))
            var section = 0
            var checks = 0
            // Interactive runs say "✓ N claims checked" once for each run of checks in a row.
            var unsaid = 0
            for item in lesson.items {
                if unsaid > 0, !item.kind.isCheck {
                    conversation.say(style.dim("✓ \(unsaid) claim\(unsaid == 1 ? "" : "s") checked"))
                    unsaid = 0
                }
                switch item.kind {
                case let .section(title):
                    section += 1
                    conversation.say("\n" + style.title("── Step \(section) of \(lesson.sectionCount) · \(title)"))
                case let .narrative(text):
                    conversation.say(text.isEmpty ? "" : Prose.wrap(text, width: width))
                case let .command(line):
                    conversation.say(style.dim(Interpreter.prompt) + (interactive ? echo(line) : line))
                    do {
                        let reply = try interpreter.execute(line)
                        if !reply.text.isEmpty { conversation.say(reply.text + "\n") }
                    } catch let error as UserError {
                        return .failed("\(lesson.path) line \(item.line): `\(line)` failed: \(error.description)")
                    } catch {
                        return .failed("\(lesson.path) line \(item.line): `\(line)` failed: \(error)")
                    }
                case .pause:
                    guard interactive else { continue }
                    // Commands typed at a pause run on a copy of the session, so exploring never
                    // breaks what the lesson checks next; Enter goes on from where the lesson was.
                    var explorer = interpreter
                    pausing: while true {
                        switch conversation.pause() {
                        case .next: break pausing
                        case .leave: return .left
                        case .restart: continue restart
                        case let .command(line):
                            do {
                                let reply = try explorer.execute(line)
                                switch reply.action {
                                case .quit: return .left
                                case .lesson: conversation.say("Finish or leave this lesson first (q at a pause leaves it).")
                                case .none: if !reply.text.isEmpty { conversation.say(reply.text) }
                                }
                            } catch let error as UserError {
                                conversation.say(error.report(line: line, lineNumber: nil, style: style))
                            } catch {
                                conversation.say("error: \(error)")
                            }
                            conversation.say(style.dim("(That ran on a copy of the lesson's session; Enter goes on with the lesson.)"))
                        }
                    }
                case let .question(question):
                    guard interactive else { continue }
                    let answer = conversation.ask(question.prompt) ?? ""
                    let right = Self.accepts(answer, question.answers)
                    var feedback = right ? style.strong("Right.") : style.strong("Not quite:") + " the answer is \(question.answers[0])."
                    if let explanation = question.explanation { feedback += " " + explanation }
                    conversation.say(Prose.wrap(feedback, width: width))
                case let .check(check):
                    checks += 1
                    do {
                        let outcome = try interpreter.evaluate(check)
                        guard outcome.passed else {
                            return .failed("check failed at \(lesson.path) line \(item.line): \(check.text)\n"
                                           + "  expected: \(check.quantity.isArgument ? "" : check.comparison.rawValue + " ")\(check.expected)"
                                           + (check.comparison == .equal && check.tolerance > 1e-9 ? " +- \(check.tolerance)" : "")
                                           + "\n  found:    \(outcome.found)")
                        }
                        if interactive { unsaid += 1 } else { conversation.say(style.dim("✓ \(check.text)")) }
                    } catch let error as UserError {
                        return .failed("check failed at \(lesson.path) line \(item.line): \(check.text)\n  \(error.message)")
                    } catch {
                        return .failed("check failed at \(lesson.path) line \(item.line): \(error)")
                    }
                }
            }
            if unsaid > 0 { conversation.say(style.dim("✓ \(unsaid) claim\(unsaid == 1 ? "" : "s") checked")) }
            conversation.say(style.strong("Lesson complete") + ": \(checks) check\(checks == 1 ? "" : "s") passed. "
                             + "The session is yours to explore; `lessons` lists the others.")
            return .finished(checks: checks)
        }
    }
}

extension LessonRunner {
    /// A command as echoed at a terminal: one that would fill more than two lines (a long
    /// matrix literal) is cut, saying how much is left out; the lesson file keeps it whole.
    func echo(_ line: String) -> String {
        let room = max(40, 2 * width - Interpreter.prompt.count - 40)
        guard line.count > room else { return line }
        return String(line.prefix(room)) + style.dim(" … (\(line.count - room) more characters)")
    }

    /// An answer as compared: lower case, without quotes, a leading article, final punctuation,
    /// spaces or brackets, so "[5, 5]", "5,5" and "5, 5" are the same answer, and so are
    /// "The same." and "same", "'it'" and "it".
    public static func normalized(_ answer: String) -> String {
        var text = answer.lowercased().trimmingSpaces
        text.removeAll { character in
            switch character {
            case "'", "\"", "‘", "’", "“", "”", "`": true
            default: false
            }
        }
        while let last = text.last, [".", "!", "?", ";", ":"].contains(last) { text.removeLast() }
        for article in ["the ", "a ", "an "] where text.hasPrefix(article) { text.removeFirst(article.count) }
        text.removeAll { [" ", "\t", "[", "]", "(", ")"].contains($0) }
        return text
    }

    /// Whether `answer` is one of `answers`: the same text once normalised, or the same number
    /// within 1% (words around it allowed: "3 pairs", "about 92 percent"), a percentage matching
    /// its fraction either way ("92.1%" and "0.921").
    public static func accepts(_ answer: String, _ answers: [String]) -> Bool {
        let text = normalized(answer)
        let firstWord = answer.lowercased().split(whereSeparator: { !$0.isLetter }).first.map(String.init)
        let number = numbers(in: answer).first
        return answers.contains { expected in
            let expectedText = normalized(expected)
            if expectedText == text { return true }
            // "No, never" answers "no"; "yes, it does" answers "yes".
            if ["yes", "no"].contains(expectedText), firstWord == expectedText { return true }
            // Numbers are compared when the expected answer is a number and nothing else (a
            // percentage allowed; not a range like 2-3, and not "0 keys", which "only key 0"
            // must not match).
            let wanted = numbers(in: expected)
            let bare = Self.hasNoWordButPercent(expected.lowercased())
            guard bare, wanted.count == 1, let want = wanted.first, let given = number else { return false }
            func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= max(0.01 * abs(b), 1e-9) }
            let (w, g) = (want.value, given.value)
            if close(g, w) { return true }
            if want.percent && !given.percent { return close(g * 100, w) }
            if given.percent && !want.percent { return close(g / 100, w) }
            return false
        }
    }

    /// Whether `text` has no letter but "e" (of an exponent) once each "percent" is passed
    /// over: "92.1 percent" and "1e-3" do, "0 keys" does not. Read in one pass (removing the
    /// word first built a searcher and a new string for every expected answer).
    static func hasNoWordButPercent(_ text: String) -> Bool {
        var rest = Substring(text)
        while let first = rest.first {
            if rest.hasPrefix("percent") {
                rest = rest.dropFirst(7)
            } else if first.isLetter && first != "e" {
                return false
            } else {
                rest = rest.dropFirst()
            }
        }
        return true
    }

    /// The numbers in `text`, in order, each with whether it is a percentage ("%" or "percent"
    /// after it); a "-" before a number (not after another) makes it negative, so "2-3" is 2
    /// and 3.
    static func numbers(in text: String) -> [(value: Double, percent: Bool)] {
        let characters = Array(text.lowercased())
        var found: [(value: Double, percent: Bool)] = []
        var index = 0
        while let start = characters[index...].firstIndex(where: { $0.isNumber }) {
            var end = start
            while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
            // An exponent: 1e-12, 2.5e3.
            if end + 1 < characters.count, characters[end] == "e" {
                var digits = end + 1
                if "+-".contains(characters[digits]) { digits += 1 }
                if digits < characters.count, characters[digits].isNumber {
                    end = digits
                    while end < characters.count, characters[end].isNumber { end += 1 }
                }
            }
            let negative = start > 0 && characters[start - 1] == "-" && (start < 2 || !characters[start - 2].isNumber)
            if let value = Double(String(characters[start..<end])) {
                // What follows, past any spaces (looked at in place: copying the rest of the
                // text for every number made a long answer quadratic).
                var next = end
                while next < characters.count, characters[next].unicodeScalars.allSatisfy(\.isTrimmedSpace) { next += 1 }
                let percent = next < characters.count
                    && (characters[next] == "%" || String(characters[next..<min(next + 7, characters.count)]) == "percent")
                found.append(((negative ? -1 : 1) * value, percent))
            }
            index = end
        }
        return found
    }
}

extension Check.Quantity {
    /// argmax and argmin compare a label, not a number; so do the head a metric ranks first or
    /// last and a head's focus.
    var isArgument: Bool {
        switch self {
        case let .statistic(statistic, _, _, _, _): statistic == .argmax || statistic == .argmin
        case let .gradient(inner): inner.isArgument
        case .ranked, .focus: true
        default: false
        }
    }
}
