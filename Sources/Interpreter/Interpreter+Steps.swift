import Attention
import Teaching

extension Interpreter {
    /// `step` (+1) and `back` (-1): move the cursor and show the step there.
    func move(by offset: Int, head: Int?, in session: inout Session) throws -> String {
        let presenter = try presenter(session)
        let head = try headIndex(head, presenter.trace)
        let steps = Step.all(direct: session.direct)
        let current = session.cursor.flatMap { steps.firstIndex(of: $0) }
        let target: Int
        switch (current, offset > 0) {
        case (nil, true): target = 0
        case (nil, false):
            throw UserError("you have not started yet", hint: "type `step` to see the first stage")
        case let (index?, true):
            guard index + 1 < steps.count else {
                throw UserError("you are at the last stage (\(steps[index].rawValue))",
                                hint: "`goto input` starts again; `why output 0 0` shows how a cell was computed")
            }
            target = index + 1
        case let (index?, false):
            guard index > 0 else { throw UserError("you are at the first stage", hint: "type `step` to go forward") }
            target = index - 1
        }
        session.cursor = steps[target]
        return presenter.report(steps[target], head: head)
    }

    /// `run`: every step from the first to the output; the cursor ends at the last.
    func runAll(head: Int?, in session: inout Session) throws -> String {
        let presenter = try presenter(session)
        let head = try headIndex(head, presenter.trace)
        let steps = Step.all(direct: session.direct)
        session.cursor = steps.last
        session.backwardCursor = nil
        return steps.map { presenter.report($0, head: head) }.joined(separator: "\n\n")
    }

    /// `goto STAGE`: a step name or any stage name.
    func goto(_ name: String, head: Int?, in session: inout Session) throws -> String {
        let presenter = try presenter(session)
        let head = try headIndex(head, presenter.trace)
        let steps = Step.all(direct: session.direct)
        guard let step = Step(rawValue: name) ?? Stage(rawValue: name).map({ Step(showing: $0, direct: session.direct) }),
              steps.contains(step) else {
            let names = steps.map(\.rawValue)
            var message = "there is no stage '\(name)'" + (session.direct ? " in direct mode" : "")
            if let suggestion = Suggestion.didYouMean(name, among: names) { message += ": \(suggestion)" }
            throw UserError(message, hint: "stages: " + names.joined(separator: " "))
        }
        session.cursor = step
        session.backwardCursor = nil
        return presenter.report(step, head: head)
    }

    /// `where`: the current stage and what comes next.
    func whereAmI(_ session: Session) throws -> String {
        if let step = session.backwardCursor { return whereInBackward(step, direct: session.direct) }
        let steps = Step.all(direct: session.direct)
        let list = steps.map { $0 == session.cursor ? "[\($0.rawValue)]" : $0.rawValue }.joined(separator: " -> ")
        guard let cursor = session.cursor, let index = steps.firstIndex(of: cursor) else {
            return Prose.wrap("Not started. Stages: \(list)\nType `step` to see the first (\(steps[0].rawValue): \(steps[0].summary(direct: session.direct))).", width: width)
        }
        var text = "Stage \(index + 1) of \(steps.count): \(cursor.rawValue) (\(cursor.summary(direct: session.direct))).\n\(list)"
        if index + 1 < steps.count {
            text += "\nNext: \(steps[index + 1].rawValue) (\(steps[index + 1].summary(direct: session.direct))). Type `step`."
        } else {
            text += "\nThis is the last stage."
        }
        return Prose.wrap(text, width: width)
    }
}
