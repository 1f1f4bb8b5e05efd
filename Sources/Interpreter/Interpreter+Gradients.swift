import Attention
import Gradients
import Teaching
import TensorIO

/// The backward pass: the loss against the target, every gradient, and walking back through
/// the stages.
extension Interpreter {
    /// The loss and every gradient of the session's layer, or why they cannot be computed.
    func gradientPresenter(_ session: Session) throws -> GradientPresenter {
        let forward = try presenter(session)
        let trace = forward.trace
        guard let target = session.target else {
            throw UserError("there is no target yet: the loss measures the output against a target",
                            hint: "define one with the output's shape (\(trace.output.shape)): `target = zeros \(trace.output.rows)x\(trace.output.cols)`, "
                                + "a literal [[...]], or `import target FILE`")
        }
        guard target.shape == trace.output.shape else {
            throw UserError("the target is \(target.shape) but the output is \(trace.output.shape)",
                            hint: "the target needs one row per token and one column per output feature: define it again")
        }
        do {
            let loss = try SquaredError(output: trace.output, target: target, leavingOut: trace.fullyBlockedRows)
            let configuration = try session.configuration()
            let gradients = try GradientTrace.compute(trace, dOutput: loss.gradient,
                                                      kernels: Self.isLarge(configuration) ? .fast : .reference)
            return GradientPresenter(forward: forward, gradients: gradients, loss: loss, target: target)
        } catch let error as AttentionError {
            throw UserError("cannot compute the loss: \(error)")
        }
    }

    /// `loss`.
    func lossReport(_ session: Session) throws -> String {
        try gradientPresenter(session).lossReport()
    }

    /// `backward`: the first backward step, or the next one.
    func backward(head: Int?, in session: inout Session) throws -> String {
        let presenter = try gradientPresenter(session)
        let head = try headIndex(head, presenter.forward.trace)
        let steps = BackwardStep.all(direct: session.direct)
        let next: BackwardStep
        if let current = session.backwardCursor, let index = steps.firstIndex(of: current) {
            guard index + 1 < steps.count else {
                throw UserError("you are at the last backward stage (\(current.rawValue))",
                                hint: "`goto grad output` starts the backward pass again; `fit N` takes N steps of gradient descent")
            }
            next = steps[index + 1]
        } else {
            next = steps[0]
        }
        session.backwardCursor = next
        return presenter.report(next, head: head)
    }

    /// `back` and `step` while walking the backward pass: the previous or next backward step.
    func moveBackward(by offset: Int, head: Int?, in session: inout Session) throws -> String {
        guard offset < 0 else { return try backward(head: head, in: &session) }
        let presenter = try gradientPresenter(session)
        let head = try headIndex(head, presenter.forward.trace)
        let steps = BackwardStep.all(direct: session.direct)
        guard let current = session.backwardCursor, let index = steps.firstIndex(of: current), index > 0 else {
            throw UserError("you are at the first backward stage", hint: "`goto output` returns to the forward pass; `backward` goes on")
        }
        session.backwardCursor = steps[index - 1]
        return presenter.report(steps[index - 1], head: head)
    }

    /// `goto grad STAGE`: a backward step by its name or by any gradient it shows.
    func gotoGrad(_ name: String, head: Int?, in session: inout Session) throws -> String {
        let presenter = try gradientPresenter(session)
        let head = try headIndex(head, presenter.forward.trace)
        guard let step = BackwardStep(showing: name, direct: session.direct) else {
            let names = BackwardStep.all(direct: session.direct).map(\.rawValue)
            var message = "there is no backward stage '\(name)'" + (session.direct ? " in direct mode" : "")
            if let suggestion = Suggestion.didYouMean(name, among: names) { message += ": \(suggestion)" }
            throw UserError(message, hint: "backward stages: " + names.joined(separator: " "))
        }
        session.backwardCursor = step
        return presenter.report(step, head: head)
    }

    /// `where` in the backward pass.
    func whereInBackward(_ step: BackwardStep, direct: Bool, tempered: Bool) -> String {
        let steps = BackwardStep.all(direct: direct)
        let index = steps.firstIndex(of: step) ?? 0
        let list = steps.map { $0 == step ? "[\($0.rawValue)]" : $0.rawValue }.joined(separator: " <- ")
        var text = "Backward stage \(index + 1) of \(steps.count): \(step.rawValue) (\(step.summary(direct: direct, tempered: tempered))).\n\(list)"
        if index + 1 < steps.count {
            text += "\nNext: \(steps[index + 1].rawValue) (\(steps[index + 1].summary(direct: direct, tempered: tempered))). Type `backward`."
        } else {
            text += "\nThis is the last backward stage."
        }
        return Prose.wrap(text + "\n`goto STAGE` returns to the forward pass.", width: width)
    }

    /// `grad NAME [head N]`.
    func grad(_ name: String, head: Int?, session: Session) throws -> String {
        let presenter = try gradientPresenter(session)
        let head = try headIndex(head, presenter.forward.trace)
        if name == "gates" {
            guard !session.direct else { throw UserError("direct mode has a single head and no gates") }
            return presenter.gatesReport()
        }
        guard let whole = presenter.gradient(name) else { throw notInDirectMode(name) }
        if let head, let parameter = Parameter(rawValue: name), !parameter.isBias {
            // One head's block: its columns of dL/dW_Q, dL/dW_K, dL/dW_V, its rows of dL/dW_O.
            let (block, _) = try parameterBlock(parameter, head: head + 1, session: session, of: whole)
            return try blockTable(parameter, head: head + 1, title: "dL/d\(name)", session: session, of: whole,
                                  format: presenter.format(for: block.values))
        }
        var text = presenter.tables(name, head: head)
        if let parameter = Parameter(rawValue: name), parameter.isBias, session.biases[name] == nil {
            text += "\n" + style.dim("\(name) is not set (it is zero): this is the gradient it would have; `fit` changes only what you defined")
        }
        return text
    }

    /// `why grad NAME ROW [COL] [head N]`.
    func whyGrad(_ name: String, row: CellIndex, col: CellIndex?, head: Int?, session: Session) throws -> String {
        let presenter = try gradientPresenter(session)
        let trace = presenter.forward.trace
        let headIndex = try headIndex(head, trace) ?? 0
        guard let matrix = presenter.gradient(name, head: headIndex) else { throw notInDirectMode(name) }
        let (rowLabels, colLabels) = presenter.axisLabels(name, head: headIndex)
        if head != nil, Parameter(rawValue: name) != nil {
            throw UserError("`head N` does not pick a cell of \(name): its columns are numbered across all heads",
                            hint: "`grad \(name) head N` shows which columns (or rows of W_O) are head N's; give that number")
        }
        let isVector = matrix.rows == 1 && (Parameter(rawValue: name)?.isBias == true || name == "gates")
        let (r, c): (Int, Int)
        if isVector {
            // One index: a bias entry, or a head for the gates (numbered from 1, as heads are).
            guard col == nil else { throw UserError("\(name) is a vector: give one index, e.g. why grad \(name) 0") }
            if name == "gates" {
                guard case let .number(number) = row, (1...matrix.cols).contains(number) else {
                    throw UserError("give a head from 1 to \(matrix.cols), e.g. why grad gates 1")
                }
                (r, c) = (0, number - 1)
            } else {
                (r, c) = (0, try resolve(row, labels: [], count: matrix.cols, what: "entry", stage: "dL/d\(name)"))
            }
        } else {
            guard let col else {
                throw UserError("give a row and a column, e.g. why grad \(name) 0 1")
            }
            let stage = Stage(rawValue: name)
            r = try resolve(row, labels: stage == nil ? [] : rowLabels, count: matrix.rows, what: "row", stage: "dL/d\(name)")
            c = try resolve(col, labels: stage?.isQueriesByKeys == true ? colLabels : [], count: matrix.cols,
                            what: "column", stage: "dL/d\(name)")
        }
        var text = presenter.why(name, row: r, col: c, head: headIndex).text
        if head == nil, Stage(rawValue: name)?.isPerHead == true, trace.heads.count > 1 {
            text += "\n" + style.dim("(head 1; add `head N` for another head)")
        }
        return text
    }

    /// `export grad NAME FILE [head N]`: dL/dNAME in the layout `export NAME` uses for NAME
    /// (per-head stages as heads x rows x cols, biases and gates as vectors).
    func exportGrad(_ name: String, to path: String, head: Int?, session: Session) throws -> String {
        let presenter = try gradientPresenter(session)
        let trace = presenter.forward.trace
        let index = try headIndex(head, trace)
        guard let first = presenter.gradient(name) else { throw notInDirectMode(name) }
        let array: NDArray
        if Parameter(rawValue: name)?.isBias == true || name == "gates" {
            array = NDArray(vector: first.values)
        } else if let stage = Stage(rawValue: name), stage.isPerHead {
            if let index {
                let matrix = presenter.gradient(name, head: index)!
                array = try NDArray(shape: [matrix.rows, matrix.cols], values: matrix.values)
            } else if trace.isDirect {
                array = try NDArray(shape: [first.rows, first.cols], values: first.values)
            } else {
                let values = trace.heads.indices.flatMap { presenter.gradient(name, head: $0)!.values }
                array = try NDArray(shape: [trace.heads.count, first.rows, first.cols], values: values)
            }
        } else if let index, let parameter = Parameter(rawValue: name) {
            let (block, _) = try parameterBlock(parameter, head: index + 1, session: session, of: first)
            array = try NDArray(shape: [block.rows, block.cols], values: block.values)
        } else {
            array = try NDArray(shape: [first.rows, first.cols], values: first.values)
        }
        return try write(array, named: "dL/d\(name)", to: path)
    }

    func notInDirectMode(_ name: String) -> UserError {
        UserError("\(name) does not exist in direct mode, so it has no gradient",
                  hint: "direct mode has gradients for Q, K, V, scores, scaled, masked, weights, head_out and output")
    }
}
