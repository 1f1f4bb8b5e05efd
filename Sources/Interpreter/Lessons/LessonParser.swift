/// Reads the text of a lesson file. Errors name the file and the line, and say how to fix it.
public enum LessonParser {
    public static func parse(_ text: String, name: String, path: String) throws -> Lesson {
        var lesson = Lesson(name: name, title: "", summary: "", path: path, items: [])
        var previousNarrativeLine = -1   // the last line added to the open paragraph
        func fail(_ line: Int, _ message: String) -> UserError {
            UserError("\(path) line \(line): \(message)", hint: "the lesson format is described in lessons/README.md")
        }
        for (index, raw) in text.textLines.enumerated() {
            let number = index + 1
            let line = raw.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") && !line.hasPrefix("##") { continue }
            if let value = field("title", line) {
                lesson.title = value
            } else if let value = field("summary", line) {
                lesson.summary = value
            } else if line.hasPrefix("##") {
                let title = line.dropFirst(2).trimmingSpaces
                guard !title.isEmpty else { throw fail(number, "a section needs a title after '##'") }
                lesson.items.append(.init(line: number, kind: .section(title)))
            } else if line.hasPrefix(">") {
                let text = String(line.dropFirst()).trimmingSpaces
                // Consecutive narrative lines form one paragraph; `>` alone ends it.
                if case let .narrative(previous)? = lesson.items.last?.kind, !previous.isEmpty, !text.isEmpty,
                   previousNarrativeLine == number - 1 {
                    lesson.items[lesson.items.count - 1].kind = .narrative(previous + " " + text)
                } else {
                    lesson.items.append(.init(line: number, kind: .narrative(text)))
                }
                previousNarrativeLine = number
            } else if line == "pause" {
                lesson.items.append(.init(line: number, kind: .pause))
            } else if let question = field("ask", line) {
                lesson.items.append(.init(line: number, kind: .question(.init(prompt: question, answers: [], explanation: nil))))
            } else if let answer = field("answer", line) {
                guard case var .question(question)? = lesson.items.last?.kind else {
                    throw fail(number, "'answer:' must follow an 'ask:' line")
                }
                question.answers += answer.split(separator: "|").map { $0.trimmingSpaces }
                lesson.items[lesson.items.count - 1].kind = .question(question)
            } else if let explanation = field("explain", line), case var .question(question)? = lesson.items.last?.kind {
                question.explanation = explanation
                lesson.items[lesson.items.count - 1].kind = .question(question)
            } else if let check = field("check", line) {
                do {
                    lesson.items.append(.init(line: number, kind: .check(try CheckParser.parse(check))))
                } catch let error as UserError {
                    throw fail(number, "in 'check: \(check)': \(error.message)")
                }
            } else {
                do {
                    _ = try CommandParser.parse(line)
                } catch let error as UserError {
                    throw fail(number, error.message)
                }
                lesson.items.append(.init(line: number, kind: .command(line)))
            }
        }
        guard !lesson.title.isEmpty else { throw fail(1, "the lesson has no 'title:' line") }
        guard !lesson.summary.isEmpty else { throw fail(1, "the lesson has no 'summary:' line") }
        for item in lesson.items {
            if case let .question(question) = item.kind, question.answers.isEmpty {
                throw fail(item.line, "this question has no 'answer:' line")
            }
        }
        return lesson
    }

    /// The value of `key: value`, or nil when the line is not that field.
    private static func field(_ key: String, _ line: String) -> String? {
        guard line.hasPrefix(key + ":") else { return nil }
        return line.dropFirst(key.count + 1).trimmingSpaces
    }
}
