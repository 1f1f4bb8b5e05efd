import Attention
import Teaching

extension Interpreter {
    /// `show NAME [head N]`.
    func show(_ name: String, head: Int?, session: Session) throws -> String {
        if name == "tokens" { return describeTokens(session) }
        if name == "mask" { return try presenter(session).maskTable() }
        if name == "bias" { return showBias(session) }
        if name == "target" {
            guard let target = session.target else {
                throw UserError("there is no target yet", hint: "define one with the output's shape, e.g. target = output, then change it")
            }
            return table("target", target, session)
        }
        if let parameter = Parameter(rawValue: name) {
            return try showParameter(parameter, head: head, session: session)
        }
        // X, Q, K, V in the mode where they are inputs can be shown even before a trace exists.
        if head == nil, let matrix = definedInput(name, session), (try? trace(session)) == nil {
            return table(name, matrix, session)
        }
        guard let stage = Stage(rawValue: name) else { throw UserError("cannot show '\(name)'") }
        let presenter = try presenter(session)
        guard presenter.trace.tensor(stage) != nil else {
            throw UserError("\(name) does not exist in direct mode", hint: "direct mode has Q, K, V, scores, scaled, masked, weights, head_out, output")
        }
        return presenter.tables(stage, head: try headIndex(head, presenter.trace))
    }

    private func showParameter(_ parameter: Parameter, head: Int?, session: Session) throws -> String {
        let name = parameter.rawValue
        let format = NumberFormat(decimals: session.precision)
        if parameter.isBias {
            guard let bias = session.biases[name] else {
                return "\(name) is not set: it is zero (define it with \(name) = [...])"
            }
            return TensorTable(title: name, vector: bias).render(format: format, style: style, width: width)
        }
        guard let matrix = session.matrices[name] else {
            throw UserError("\(name) is not defined", hint: "define it, e.g. \(name) = identity 4")
        }
        guard let head else { return table(name, matrix, session) }
        return try blockTable(parameter, head: head, title: name, session: session, format: format)
    }

    /// Head `head`'s block (1-based head) of a projection weight, or of `matrix`, a gradient of
    /// that weight's shape, as a table whose rows and columns keep their numbers in the whole.
    func blockTable(_ parameter: Parameter, head: Int, title: String, session: Session, of matrix: Matrix? = nil,
                    format: NumberFormat) throws -> String {
        let (block, range) = try parameterBlock(parameter, head: head, session: session, of: matrix)
        let isOutput = parameter == .W_O
        return TensorTable(title: "\(title) head \(head) (\(isOutput ? "rows" : "columns") \(range.lowerBound)-\(range.upperBound - 1))",
                           matrix: block,
                           rowLabels: Labels.features(block.rows, offset: isOutput ? range.lowerBound : 0),
                           columnLabels: Labels.features(block.cols, offset: isOutput ? 0 : range.lowerBound))
            .render(format: format, style: style, width: self.width)
    }

    /// Head `head`'s block (1-based head) of a projection weight, or of `matrix`, a gradient of
    /// that weight's shape: columns of W_Q, W_K, W_V, rows of W_O, and where it sits.
    func parameterBlock(_ parameter: Parameter, head: Int, session: Session, of gradient: Matrix? = nil) throws -> (Matrix, Range<Int>) {
        let name = parameter.rawValue
        guard !parameter.isBias, let matrix = gradient ?? session.matrices[name] else {
            throw UserError("\(name) has no per-head blocks here", hint: "W_Q, W_K, W_V and W_O have one block per head")
        }
        let trace = try trace(session)
        let index = try headIndex(head, trace)!
        let width = name == "W_V" || name == "W_O" ? trace.dV : trace.dK
        let range = index * width..<(index + 1) * width
        return (name == "W_O" ? try matrix.rows(range) : try matrix.columns(range), range)
    }

    /// `circuit [head N]`: head N's (default 1) circuits.
    func circuitReport(head: Int?, session: Session) throws -> CircuitReport {
        guard case let .multiHead(configuration) = try session.configuration() else {
            throw UserError("circuits are products of the weights, and in direct mode Q, K and V are given without any",
                            hint: "define X and the weights (or `example`) to see a head's W_QK and W_OV")
        }
        // The circuits are products of the weights alone: no trace is needed.
        let index = try headIndex(head ?? 1, count: configuration.heads)!
        let circuit: HeadCircuit
        do {
            circuit = try HeadCircuit(configuration, head: index)
        } catch let error as AttentionError {
            throw UserError("cannot compute attention: \(error)")
        }
        return CircuitReport(circuit: circuit, configuration: configuration,
                             format: NumberFormat(decimals: session.precision), style: style, width: width)
    }

    /// `why STAGE ROW COL [head N]`.
    func why(_ name: String, row: CellIndex, col: CellIndex, head: Int?, session: Session) throws -> String {
        if CircuitReport.names.contains(name) {
            let report = try circuitReport(head: head, session: session)
            let matrix = name == "W_QK" ? report.circuit.qk : report.circuit.ov
            let r = try resolve(row, labels: [], count: matrix.rows, what: "row", stage: name)
            let c = try resolve(col, labels: [], count: matrix.cols, what: "column", stage: name)
            var text = report.why(name, row: r, col: c, presenter: try presenter(session)).text
            if head == nil, report.configuration.heads > 1 { text += "\n" + style.dim("(head 1; add `head N` for another head)") }
            return text
        }
        let presenter = try presenter(session)
        let trace = presenter.trace
        guard let stage = Stage(rawValue: name), let matrix = trace.tensor(stage) else {
            throw UserError("\(name) does not exist in direct mode")
        }
        let headIndex = try headIndex(head, trace) ?? 0
        let r = try resolve(row, labels: presenter.rowLabels(stage), count: matrix.rows, what: "row", stage: name)
        // Feature columns are named by number only; key columns also by token.
        let c = try resolve(col, labels: stage.isQueriesByKeys ? presenter.labels.keys : [], count: matrix.cols,
                            what: "column", stage: name)
        var text = presenter.why(stage, row: r, col: c, head: headIndex).text
        if head == nil, stage.isPerHead, trace.heads.count > 1 {
            text += "\n" + style.dim("(head 1; add `head N` for another head)")
        }
        return text
    }

    /// A row or column given as a number or a label, checked against the stage's size.
    func resolve(_ index: CellIndex, labels: [String], count: Int, what: String, stage: String) throws -> Int {
        switch index {
        case let .number(value):
            guard (0..<count).contains(value) else {
                let plural = what.hasSuffix("y") ? what.dropLast() + "ies" : what + "s"
                throw UserError("\(what) \(value) is outside \(stage), which has \(count) \(count == 1 ? what : plural) (0 to \(count - 1))")
            }
            return value
        case let .label(label):
            guard let found = labels.firstIndex(of: label) else {
                let known = labels.isEmpty ? "use a number from 0 to \(count - 1)" : "tokens: " + labels.joined(separator: " ")
                throw UserError("no \(what) named '\(label)' in \(stage)", hint: known)
            }
            return found
        }
    }

    /// `explain [TOPIC]`.
    func explain(_ topic: String?, session: Session) throws -> String {
        guard let topic else {
            return "explain TOPIC, where TOPIC is one of: " + Concept.allCases.map(\.rawValue).joined(separator: " ")
                + "\n(also: softmax, mask, W_O, dk)"
        }
        guard let concept = Concept.named(topic) else {
            var message = "no topic '\(topic)'"
            if let suggestion = Suggestion.didYouMean(topic, among: Concept.allCases.map(\.rawValue)) { message += ": \(suggestion)" }
            throw UserError(message, hint: "topics: " + Concept.allCases.map(\.rawValue).joined(separator: " "))
        }
        if concept == .backward, let gradients = try? gradientPresenter(session) { return gradients.explainBackward() }
        if let presenter = try? presenter(session) { return presenter.explain(concept) }
        var parts = [style.title(concept.rawValue), concept.idea, style.strong("Why: ") + concept.why]
        if let pitfall = concept.pitfall { parts.append(style.strong("Pitfall: ") + pitfall) }
        return parts.joined(separator: "\n\n")
    }

    /// `help [VERB]`.
    func help(_ verb: String?) throws -> String {
        guard let verb else {
            var lines = ["Commands (help VERB for details):"]
            for group in Verb.Group.allCases {
                lines.append("")
                lines.append(style.strong(group.rawValue))
                for verb in Verb.all where verb.group == group {
                    // Usage and summary side by side when they fit, else the summary below.
                    let line = "  " + verb.usage.padded(to: 30) + "  " + verb.summary
                    lines.append(line.count <= width ? line : "  " + verb.usage + "\n" + Prose.wrap("      " + verb.summary, width: width))
                }
            }
            lines.append("")
            lines.append("Limits: tensors up to 4096 x 4096 values, up to 1024 heads.")
            return lines.joined(separator: "\n")
        }
        let key = Parameter(rawValue: verb) != nil || ["X", "Q", "K", "V", "=", "random", "identity", "zeros", "sinusoidal", "target"].contains(verb)
            ? "NAME =" : verb
        guard let found = Verb.named(key) else {
            var message = "no command '\(verb)'"
            if let suggestion = Suggestion.didYouMean(verb, among: Verb.names) { message += ": \(suggestion)" }
            throw UserError(message, hint: "type `help` for the list")
        }
        // The details' line breaks are the source's: each paragraph is re-flowed to the width.
        let details = found.details.components(separatedBy: "\n\n").map { $0.replacingOccurrences(of: "\n", with: " ") }
        return Prose.wrap(([style.strong(found.usage), found.summary] + (found.details.isEmpty ? [] : details))
            .joined(separator: "\n"), width: width)
    }
}
