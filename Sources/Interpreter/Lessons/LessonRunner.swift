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
            for item in lesson.items {
                switch item.kind {
                case let .section(title):
                    section += 1
                    conversation.say("\n" + style.title("── Step \(section) of \(lesson.sectionCount) · \(title)"))
                case let .narrative(text):
                    conversation.say(text.isEmpty ? "" : Prose.wrap(text, width: width))
                case let .command(line):
                    conversation.say(style.dim("attention> ") + line)
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
                    switch conversation.pause() {
                    case .next: break
                    case .leave: return .left
                    case .restart: continue restart
                    }
                case let .question(question):
                    guard interactive else { continue }
                    let answer = conversation.ask(question.prompt) ?? ""
                    let right = question.answers.contains { Self.normalized($0) == Self.normalized(answer) }
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
                        conversation.say(style.dim("✓ \(check.text)"))
                    } catch let error as UserError {
                        return .failed("check failed at \(lesson.path) line \(item.line): \(check.text)\n  \(error.message)")
                    } catch {
                        return .failed("check failed at \(lesson.path) line \(item.line): \(error)")
                    }
                }
            }
            conversation.say(style.strong("Lesson complete") + ": \(checks) check\(checks == 1 ? "" : "s") passed. "
                             + "The session is yours to explore; `lessons` lists the others.")
            return .finished(checks: checks)
        }
    }
}

extension LessonRunner {
    /// An answer as compared: lower case, without spaces or brackets, so "[5, 5]", "5,5" and
    /// "5, 5" are the same answer.
    public static func normalized(_ answer: String) -> String {
        answer.lowercased().filter { !" \t[]()".contains($0) }
    }
}

extension Check.Quantity {
    /// argmax and argmin compare a label, not a number.
    var isArgument: Bool {
        if case let .statistic(statistic, _, _, _, _) = self { return statistic == .argmax || statistic == .argmin }
        if case let .gradient(inner) = self { return inner.isArgument }
        return false
    }
}
