import Attention
import Foundation
import Teaching
import TensorIO
import Training

/// Seeing heads (heatmaps, attends, SVG) and measuring and pruning them.
extension Interpreter {
    func heatmap(_ name: String, head: Int?, session: Session) throws -> String {
        let presenter = try presenter(session)
        guard let stage = Stage(rawValue: name), presenter.trace.tensor(stage) != nil else {
            throw UserError("\(name) does not exist in direct mode")
        }
        return presenter.heatmap(stage, head: try headIndex(head, presenter.trace))
    }

    func attends(_ index: CellIndex?, session: Session) throws -> String {
        let presenter = try presenter(session)
        guard let index else {
            // A long sequence shows the queries a long table shows as rows (771 queries, each
            // with its keys sorted in every head, once took a sanitised fuzzer over a minute).
            let rows = TensorTable.shownRows(of: presenter.trace.n)
            let hidden = presenter.trace.n - rows.compactMap { $0 }.count
            return rows.map { row in
                row.map { presenter.attends(row: $0) }
                    ?? style.dim("⋮ (\(hidden) queries not shown: `attends ROW` or `attends TOKEN` shows any of them)")
            }.joined(separator: "\n\n")
        }
        let row = try resolve(index, labels: presenter.labels.queries, count: presenter.trace.n, what: "query", stage: "the weights")
        return presenter.attends(row: row)
    }

    /// The measures of every head, or an error in direct mode (one head, no W_O). With a task,
    /// each is averaged over 500 held-out sequences, and the gradient is the mean of
    /// |dL/dg_i| of the task's loss; with a target, |dL/dg_i| of the squared error; otherwise
    /// there is no loss and no gradient figure.
    func measureHeads(_ session: Session) throws -> [HeadImportance] {
        guard case let .multiHead(config) = try session.configuration() else {
            throw UserError("direct mode has a single head and no W_O: there is nothing to rank",
                            hint: "define X and the weights for a multi-head layer")
        }
        try refuseOversized(.multiHead(config))
        do {
            if let task = session.task {
                if let cached = task.measured.importance { return cached }
                let model = task.model
                return HeadImportance.average(try task.heldOut.prefix(Self.importanceSequences).map { tokens in
                    var heads = try HeadImportance.measure(model.layer(tokens))
                    let gates = try model.evaluate([tokens], withGradients: true, kernels: trainingKernels).gradients!.gates
                    for i in heads.indices { heads[i].gradient = abs(gates[i]) }
                    return heads
                })
            }
            var heads = try HeadImportance.measure(config)
            var unpruned = session
            unpruned.gates = [:]
            if unpruned.target != nil, let gates = (try? gradientPresenter(unpruned))?.gradients.layer?.gates {
                for i in heads.indices { heads[i].gradient = abs(gates[i]) }
            }
            return heads
        } catch let error as AttentionError {
            throw UserError("cannot compute attention: \(error)")
        }
    }

    /// How many held-out sequences a task's head measures average over.
    static let importanceSequences = 500

    func importance(_ session: Session) throws -> String {
        ImportanceReport.render(try measureHeads(session), gates: { session.gates[$0] ?? 1 },
                                style: style, format: NumberFormat(decimals: session.precision), width: width,
                                averagedOver: session.task == nil ? nil : Self.importanceSequences)
    }

    func prune(_ what: Prune, in session: inout Session) throws -> String {
        switch what {
        case .curve:
            return try pruneCurve(&session)
        case let .modelHead(layer, head):
            return try pruneModelHead(layer: layer, head: head, in: &session)
        case let .modelShare(percent, metric, seed):
            return try pruneModelShare(percent, by: HeadImportance.Metric(rawValue: metric), seed: seed, in: &session)
        case let .head(head):
            let index = try layerHead(head, session)
            let before = try session.task.map { try heldOutAccuracy($0, gates: session.gates) }
            session.gates[index] = 0
            var text = "pruned head \(head): its head_out now contributes nothing to the output"
            if let before, let task = session.task {
                let after = try heldOutAccuracy(task, gates: session.gates)
                text += String(format: "\nheld-out accuracy (%d sequences) %.3f before, %.3f after (%@ points)", task.heldOutCount, before, after, Self.points(after - before))
            }
            return text + prunedSummary(session)
        case let .least(count, metricName):
            let trace = try trace(session)
            let metric = HeadImportance.Metric(rawValue: metricName)!
            // Rank the heads still active, so `prune 1 by ...` twice removes two heads.
            let measures = try measureHeads(session)
            session.task?.measured.importance = measures
            let active = measures.filter { session.gates[$0.head] != 0 }
            if metric == .gradient, active.contains(where: { $0.gradient == nil }) {
                throw UserError("the gradient metric needs a loss, and this layer has none",
                                hint: "set a target (`target = ...`) or train a task (`task previous-two`, `train 400`)")
            }
            let before = try session.task.map { try heldOutAccuracy($0, gates: session.gates) }
            guard count <= active.count else {
                throw UserError("only \(active.count) of \(trace.heads.count) heads are active, so \(count) cannot be pruned",
                                hint: "`unprune all` brings every head back")
            }
            let chosen: [Int]
            do {
                chosen = try HeadImportance.leastImportant(count, of: active, by: metric)
            } catch let error as AttentionError {
                throw UserError("\(error)")
            }
            for head in chosen { session.gates[head] = 0 }
            var text = "pruned head\(chosen.count == 1 ? "" : "s") " + chosen.map { String($0 + 1) }.joined(separator: ", ")
                + ": \(Self.criterion(metric))"
            if let before, let task = session.task {
                let after = try heldOutAccuracy(task, gates: session.gates)
                text += String(format: "\nheld-out accuracy (%d sequences) %.3f before, %.3f after (%@ points)", task.heldOutCount, before, after, Self.points(after - before))
            }
            return text + prunedSummary(session)
        }
    }

    /// What makes a head least important by `metric`, for the replies of `prune`.
    static func criterion(_ metric: HeadImportance.Metric) -> String {
        switch metric {
        case .magnitude: "the smallest weight norm"
        case .entropy: "the highest attention entropy (the least focused)"
        case .sensitivity: "the smallest effect on the output when removed"
        case .gradient: "the smallest |dL/dg|, the loss's gradient with respect to the head's gate"
        }
    }

    /// `prune curve`: held-out accuracy against heads removed, by each metric's order and by
    /// random orders (the mean of 10), on the first 500 held-out sequences.
    func pruneCurve(_ session: inout Session) throws -> String {
        if session.task != nil {
            let measures = try measureHeads(session)
            session.task?.measured.importance = measures
        }
        let (curve, sequences) = try pruneCurveData(session)
        session.task?.measured.curve = curve
        return PruneCurveReport.render(curve, sequences: sequences, style: style, width: width)
    }

    /// The prune curve of the session's task, and how many sequences it was measured on.
    func pruneCurveData(_ session: Session) throws -> (PruneCurve, Int) {
        guard let task = session.task else {
            throw UserError("`prune curve` measures accuracy, so it needs a task", hint: "`task previous-two`, `heads 8`, `train 400`")
        }
        let sequences = Array(task.heldOut.prefix(Self.importanceSequences))
        if let cached = task.measured.curve { return (cached, sequences.count) }
        let heads = try measureHeads(session)
        let orders = try [HeadImportance.Metric.magnitude, .entropy, .sensitivity, .gradient].map { metric in
            (metric.rawValue, try HeadImportance.leastImportant(heads.count, of: heads, by: metric))
        }
        let curve = try PruneCurve.compute(task.model, sequences: sequences, orders: orders, randomOrders: 10,
                                           seed: task.seed, kernels: trainingKernels)
        return (curve, sequences.count)
    }

    func unprune(_ head: Int?, in session: inout Session) throws -> String {
        guard let head else {
            session.gates = [:]
            session.model?.gates = [:]
            return session.model == nil ? "every head is back at full strength" : "every head of every layer is back at full strength"
        }
        let index = try layerHead(head, session)
        session.gates[index] = nil
        return "head \(head) is back at full strength" + prunedSummary(session)
    }

    func gate(_ head: Int, _ value: Double, in session: inout Session) throws -> String {
        let index = try layerHead(head, session)
        session.gates[index] = value == 1 ? nil : value
        return "head \(head)'s output now enters the concatenation scaled by \(value)" + prunedSummary(session)
    }

    /// A 1-based head of the layer as a 0-based index. Checked against the session's head
    /// count, not a trace, so pruning can be set (and restored) while inputs are incomplete.
    private func layerHead(_ head: Int, _ session: Session) throws -> Int {
        guard !session.direct else {
            throw UserError("direct mode has a single head and no W_O: there is nothing to prune")
        }
        guard head <= session.heads else {
            throw UserError("there \(session.heads == 1 ? "is 1 head" : "are \(session.heads) heads"), so head \(head) does not exist",
                            hint: "heads are numbered 1 to \(session.heads)")
        }
        return head - 1
    }

    private func prunedSummary(_ session: Session) -> String {
        let pruned = session.gates.filter { $0.value == 0 }.keys.sorted().map { String($0 + 1) }
        var text = pruned.isEmpty ? "" : "\npruned: head " + pruned.joined(separator: ", ")
        if pruned.count == session.heads {
            text += "\nEvery head is pruned: the concatenation is all zeros, so the output is just b_O"
                + (session.biases["b_O"] == nil ? " (zero here: no b_O is set)." : ".")
        }
        return text + "\n`compare` shows how far the output moved; `unprune all` restores every head."
    }

    func compare(_ session: Session) throws -> String {
        let layer = try compareLayer(session)
        guard session.model != nil else { return layer }
        return layer + "\n\n" + (try compareModel(session))
    }

    /// `compare` for the layer in the session: its output pruned against unpruned.
    func compareLayer(_ session: Session) throws -> String {
        let (change, labels) = try layerChange(session)
        let changed = session.gates.sorted { $0.key < $1.key }.map { head, gate in
            gate == 0 ? "head \(head + 1) pruned" : "head \(head + 1) gated by \(gate)"
        }
        return ImportanceReport.compare(change, labels: labels,
                                        prunedHeads: changed.isEmpty ? "nothing pruned" : changed.joined(separator: ", "),
                                        style: style, format: NumberFormat(decimals: session.precision))
    }

    /// How far the pruning and gates moved the layer's output, over the queries with a visible
    /// key, and the label of every query: what `compare` shows and `check: compare` reads.
    func layerChange(_ session: Session) throws -> (OutputChange, labels: [String]) {
        guard !session.direct else {
            throw UserError("direct mode has a single head and no W_O: nothing can be pruned, so there is nothing to compare")
        }
        let pruned = try trace(session)
        var whole = session
        whole.gates = [:]
        let unpruned = try trace(whole)
        let rows = (0..<pruned.n).filter { !pruned.fullyBlockedRows.contains($0) }
        let labels = Labels.make(tokens: session.tokens, queries: pruned.n, keys: pruned.m).queries
        return (OutputChange(changed: pruned.output, unchanged: unpruned.output, rows: rows), labels)
    }

    /// `export importance FILE.json`: exactly {"heads": [{"head": 1, "weight_norm": x,
    /// "entropy": x, "normalized_entropy": x, "sensitivity": x, "gradient": x}, ...]}, undefined
    /// figures as null (the gradient is undefined without a target or a task).
    func exportImportance(to path: String, session: Session) throws -> String {
        guard path.lowercased().hasSuffix(".json") else {
            throw UserError("importance is written as JSON", hint: "export importance importance.json")
        }
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "null" }
        let heads = try measureHeads(session).map { h in
            "    {\"head\": \(h.head + 1), \"weight_norm\": \(number(h.weightNorm)), \"entropy\": \(number(h.entropy)), "
                + "\"normalized_entropy\": \(number(h.normalizedEntropy)), \"sensitivity\": \(number(h.sensitivity)), "
                + "\"gradient\": \(number(h.gradient))}"
        }
        try writeText("{\"heads\": [\n" + heads.joined(separator: ",\n") + "\n]}\n", to: path)
        return "wrote the importance of \(heads.count) heads to \(path)"
    }

    /// `export STAGE FILE.svg`: every head's heatmap in a grid.
    func exportSVG(_ name: String, to path: String, session: Session) throws -> String {
        let presenter = try presenter(session)
        guard let stage = Stage(rawValue: name), let tensor = presenter.trace.tensor(stage) else {
            throw UserError("only stages can be drawn as SVG, not '\(name)'", hint: "e.g. export weights weights.svg")
        }
        let (panels, rows, cols) = (presenter.pictureHeads(stage).count, tensor.rows, tensor.cols)
        let cells = panels * rows * cols
        guard cells <= maximumPictureCells else {
            throw UserError("a picture of \(name) would draw \(cells) cells (\(panels == 1 ? "" : "\(panels) heads of ")\(rows) x \(cols)), "
                            + "more than the \(maximumPictureCells) a picture may have: a file too large to open",
                            hint: "write the numbers instead (export \(name) \(name).npy), or use fewer tokens; "
                                + "`heatmap \(name)` shows the picture here")
        }
        try writeText(presenter.svg(stage), to: path)
        return "wrote a picture of \(name) to \(path): open it in a browser"
    }

    func writeText(_ text: String, to path: String) throws {
        do {
            try TensorFile.writeText(text, path: try files.resolve(path))
        } catch {
            throw UserError("cannot write \(path): \(error)")
        }
    }
}
