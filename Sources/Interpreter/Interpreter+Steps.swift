import Attention
import Teaching

extension Interpreter {
    /// `step` (+1) and `back` (-1): move the cursor and show the step there.
    func move(by offset: Int, head: Int?, in session: inout Session) throws -> String {
        let presenter = try presenter(session)
        let head = try headIndex(head, presenter.trace)
        let steps = Step.all(direct: session.direct)
        // A real model's walk goes on past `output` through the rest of its block.
        if session.model != nil,
           let moved = try moveInBlock(by: offset, in: &session, backToOutput: presenter.report(.output, head: head)) {
            return moved
        }
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

    /// In model mode: `step` from `output` into the block, and `step`/`back` within it (`back`
    /// from the block's first step shows `backToOutput`). Nil when the move stays among the
    /// layer's own steps.
    private func moveInBlock(by offset: Int, in session: inout Session, backToOutput: @autoclosure () -> String) throws -> String? {
        let block = BlockStep.allCases
        guard let current = session.blockCursor.flatMap({ block.firstIndex(of: $0) }) else {
            guard offset > 0, session.cursor == .output else { return nil }
            session.blockCursor = block[0]
            return try blockPresenter(session).report(block[0])
        }
        let target = current + offset
        if target < 0 {
            session.blockCursor = nil
            return backToOutput()
        }
        guard target < block.count else {
            throw UserError("you are at the last stage of the block (\(block[current].rawValue))",
                            hint: "`layer L` shows another layer; `goto input` starts this one again")
        }
        session.blockCursor = block[target]
        return try blockPresenter(session).report(block[target])
    }

    /// `run`: every step from the first to the output (and on through a real model's block);
    /// the cursor ends at the last.
    func runAll(head: Int?, in session: inout Session) throws -> String {
        let presenter = try presenter(session)
        let head = try headIndex(head, presenter.trace)
        let steps = Step.all(direct: session.direct)
        session.cursor = steps.last
        session.backwardCursor = nil
        var reports = steps.map { presenter.report($0, head: head) }
        if session.model != nil {
            let block = try blockPresenter(session)
            reports += BlockStep.allCases.map(block.report)
            session.blockCursor = BlockStep.allCases.last
        }
        return reports.joined(separator: "\n\n")
    }

    /// `goto STAGE`: a step name or any stage name.
    func goto(_ name: String, head: Int?, in session: inout Session) throws -> String {
        let presenter = try presenter(session)
        let head = try headIndex(head, presenter.trace)
        let steps = Step.all(direct: session.direct)
        if session.model != nil, let step = BlockStep(rawValue: name) {
            session.cursor = .output
            session.blockCursor = step
            session.backwardCursor = nil
            return try blockPresenter(session).report(step)
        }
        guard let step = Step(rawValue: name) ?? Stage(rawValue: name).map({ Step(showing: $0, direct: session.direct) }),
              steps.contains(step) else {
            let names = steps.map(\.rawValue) + (session.model != nil ? BlockStep.allCases.map(\.rawValue) : [])
            var message = "there is no stage '\(name)'" + (session.direct ? " in direct mode" : "")
            if let suggestion = Suggestion.didYouMean(name, among: names) { message += ": \(suggestion)" }
            throw UserError(message, hint: "stages: " + names.joined(separator: " "))
        }
        session.cursor = step
        session.blockCursor = nil
        session.backwardCursor = nil
        return presenter.report(step, head: head)
    }

    /// `where`: the current stage and what comes next.
    func whereAmI(_ session: Session) throws -> String {
        if let step = session.backwardCursor { return whereInBackward(step, direct: session.direct, tempered: session.temperature != 1) }
        // The layer's own steps, and with a real model the rest of its block, in one walk.
        let stops = Step.all(direct: session.direct).map { (name: $0.rawValue, summary: $0.summary(direct: session.direct, shaped: session.shaping.isActive)) }
            + (session.model == nil ? [] : BlockStep.allCases.map { (name: $0.rawValue, summary: $0.summary) })
        let current = session.blockCursor?.rawValue ?? session.cursor?.rawValue
        let list = stops.map { $0.name == current ? "[\($0.name)]" : $0.name }.joined(separator: " -> ")
        guard let index = stops.firstIndex(where: { $0.name == current }) else {
            return Prose.wrap("Not started. Stages: \(list)\nType `step` to see the first (\(stops[0].name): \(stops[0].summary)).", width: width)
        }
        var text = "Stage \(index + 1) of \(stops.count): \(stops[index].name) (\(stops[index].summary)).\n\(list)"
        if index + 1 < stops.count {
            text += "\nNext: \(stops[index + 1].name) (\(stops[index + 1].summary)). Type `step`."
        } else {
            text += session.model == nil ? "\nThis is the last stage." : "\nThis is the last stage of the layer."
        }
        return Prose.wrap(text, width: width)
    }
}
