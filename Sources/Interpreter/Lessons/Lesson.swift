/// A lesson: a plain-text script of narrative, commands, pauses, questions and checks (the
/// format is described in lessons/README.md). Parsed once by `LessonParser`, run by
/// `LessonRunner` through the same interpreter as the REPL.
public struct Lesson: Equatable, Sendable {
    public var name: String
    public var title: String
    public var summary: String
    /// Where it was read from, for error messages.
    public var path: String
    public var items: [Item]

    public struct Item: Equatable, Sendable {
        /// 1-based line in the lesson file.
        public var line: Int
        public var kind: Kind
    }

    public enum Kind: Equatable, Sendable {
        /// `## Title`: the start of a numbered part ("step 3 of 11").
        case section(String)
        /// `> text`: words for the learner.
        case narrative(String)
        /// Any other line: a REPL command, echoed and run.
        case command(String)
        /// `pause`: wait for Enter in an interactive run.
        case pause
        /// `ask:` a question with the answers that count as right and what to say after.
        case question(Question)
        /// `check:` an assertion about the session that must hold.
        case check(Check)

        var isCheck: Bool {
            if case .check = self { return true }
            return false
        }
    }

    public struct Question: Equatable, Sendable {
        public var prompt: String
        /// Accepted answers, as `LessonRunner.accepts` compares them.
        public var answers: [String]
        /// Said after the answer, right or wrong.
        public var explanation: String?
    }

    /// The number of sections, for "step 3 of 11".
    public var sectionCount: Int {
        items.filter { if case .section = $0.kind { return true } else { return false } }.count
    }
}
