import Attention
import Encoder
import Teaching

/// Pruning across a real model's layers, and what it does to the sentence embedding.
extension Interpreter {
    /// Sentences of varied kinds, written for this project, that `model heads over sentences`
    /// averages over and `compare` measures the embedding on: one sentence is a noisy sample.
    static let keptSentences = [
        "The cat sat on the mat because it was tired.",
        "After the storm, the fishermen repaired their nets and waited for calmer water.",
        "Can you tell me where the nearest train station is?",
        "She gave him the book that her grandmother had written in 1952.",
        "Prices rose by 4.5% last year, while wages barely moved.",
        "The trophy didn't fit in the suitcase because it was too big.",
        "If the test fails, check the log, fix the bug, and run it again.",
        "Whales are mammals, so they breathe air even though they live in the sea.",
        "\"Not now,\" said the teacher, \"we will discuss it tomorrow.\"",
        "The committee, which met on Tuesday, approved the new budget.",
        "Attention lets every word look at every other word in the sentence.",
        "He never forgot the smell of rain on hot stones in his village.",
    ]

    /// Every layer's gates (0-based layer -> head -> g): the shown layer's from the session.
    func modelGates(_ session: Session) -> [Int: [Int: Double]] {
        guard let model = session.model else { return [:] }
        var gates = model.gates
        gates[model.layer - 1] = session.gates.isEmpty ? nil : session.gates
        return gates
    }

    /// The model on the session's sentence with `gates` (by default the heads pruned as they are now).
    func currentRun(_ session: Session, gates: [Int: [Int: Double]]? = nil) throws -> EncoderRun {
        guard let model = session.model else { throw UserError("no model is loaded", hint: "`model load`") }
        let gates = gates ?? modelGates(session)
        if gates.isEmpty { return model.sentence.run }
        do {
            return try model.model.encoder.run(ids: model.sentence.encoding.ids, gates: gates, kernels: .fast)
        } catch {
            throw UserError("cannot run the model: \(error)")
        }
    }

    /// `prune L.H`.
    func pruneModelHead(layer: Int, head: Int, in session: inout Session) throws -> String {
        guard var model = session.model else {
            throw UserError("`prune L.H` prunes a head of a loaded model's layer L", hint: "`prune head N` prunes head N of your layer")
        }
        let c = model.model.encoder.configuration
        guard layer <= c.layers, head <= c.heads else {
            throw UserError("the model has \(c.layers) layers of \(c.heads) heads, so \(layer).\(head) does not exist",
                            hint: "e.g. prune 2.5 prunes head 5 of layer 2")
        }
        if layer == model.layer {
            session.gates[head - 1] = 0
        } else {
            model.gates[layer - 1, default: [:]][head - 1] = 0
            session.model = model
        }
        try installModelLayer(in: &session)
        return "pruned head \(head) of layer \(layer)\n" + (try embeddingSummary(session))
    }

    /// `prune P% by METRIC`: the least important heads across every layer, replacing any
    /// pruning before. Each layer's heads are measured on the sentence with the model unpruned.
    /// With no metric (`by random`), a random share drawn from `seed`.
    func pruneModelShare(_ percent: Double, by metric: HeadImportance.Metric?, seed: UInt64, in session: inout Session) throws -> String {
        guard var model = session.model else {
            throw UserError("`prune P%` prunes a share of a loaded model's heads across its layers",
                            hint: "`prune K by METRIC` prunes K heads of your layer")
        }
        guard metric != .gradient else {
            throw UserError("a pretrained model here has no loss, so heads cannot be ranked by the gradient",
                            hint: "rank by magnitude, entropy or sensitivity")
        }
        var ranked: [(layer: Int, head: Int, unimportance: Double)] = []
        if let metric {
            for (index, run) in model.sentence.run.layers.enumerated() {
                let measures = try HeadImportance.measure(model.model.encoder.layers[index].attentionConfiguration(X: run.input))
                ranked += measures.compactMap { h in metric.unimportance(h).map { (index, h.head, $0) } }
            }
        } else {
            var random = SeededRandom(seed: seed)
            let c = model.model.encoder.configuration
            ranked = (0..<c.layers).flatMap { layer in (0..<c.heads).map { (layer, $0, random.unit()) } }
        }
        ranked.sort { ($0.unimportance, -$0.layer, -$0.head) > ($1.unimportance, -$1.layer, -$1.head) }
        let total = model.model.encoder.configuration.layers * model.model.encoder.configuration.heads
        let count = min(ranked.count, Int((percent / 100 * Double(total)).rounded()))
        var gates: [Int: [Int: Double]] = [:]
        for entry in ranked.prefix(count) { gates[entry.layer, default: [:]][entry.head] = 0 }
        session.gates = gates.removeValue(forKey: model.layer - 1) ?? [:]
        model.gates = gates
        session.model = model
        try installModelLayer(in: &session)
        let names = ranked.prefix(count).map { "\($0.layer + 1).\($0.head + 1)" }.sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        let why = metric.map { "those with \(Self.criterion($0)) across every layer, measured on this sentence with the model whole" }
            ?? "drawn at random (seed \(seed)), the baseline any ranking must beat"
        return Prose.wrap("pruned \(count) of \(total) heads (\(String(format: "%g", percent))%), \(why) "
                          + "(any pruning before was replaced): " + names.joined(separator: ", "), width: width)
            + "\n" + (try embeddingSummary(session))
    }

    /// How far the pruning moved the sentence embedding: its cosine to the unpruned model's, on
    /// this sentence and on each kept sentence.
    func embeddingSummary(_ session: Session) throws -> String {
        let gates = modelGates(session)
        let pruned = gates.values.reduce(0) { $0 + $1.values.filter { $0 == 0 }.count }
        guard session.model != nil else { return "" }
        guard !gates.isEmpty else { return "No head is pruned: the sentence embedding is the model's own." }
        let (here, kept) = try embeddingCosines(session)
        let mean = kept.reduce(0, +) / Double(kept.count)
        return Prose.wrap(String(format: "%d head%@ pruned across the model. The sentence embedding's cosine to the unpruned model's: "
                                 + "%.4f on this sentence; on the %d kept sentences %.4f on average, %.4f at the lowest "
                                 + "(1 is unchanged). `unprune all` restores every head.",
                                 pruned, pruned == 1 ? "" : "s", here, kept.count, mean, kept.min() ?? mean), width: width)
    }

    /// The sentence embedding's cosine to the unpruned model's: on the sentence, and on each
    /// kept sentence (1 when nothing is pruned).
    func embeddingCosines(_ session: Session) throws -> (here: Double, kept: [Double]) {
        guard let model = session.model else { throw UserError("there is no model, so no sentence embedding") }
        let gates = modelGates(session)
        func cosine(_ a: [Double], _ b: [Double]) -> Double {
            zip(a, b).map(*).reduce(0, +)   // both are L2-normalised
        }
        let here = cosine(model.sentence.run.sentenceEmbedding, try currentRun(session).sentenceEmbedding)
        guard !gates.isEmpty else { return (here, Array(repeating: 1, count: Self.keptSentences.count)) }
        var kept: [Double] = []
        for whole in try model.model.keptRuns() {
            do {
                let cut = try model.model.encoder.run(ids: whole.encoding.ids, gates: gates, kernels: .fast)
                kept.append(cosine(whole.run.sentenceEmbedding, cut.sentenceEmbedding))
            } catch {
                throw UserError("cannot run the model: \(error)")
            }
        }
        return (here, kept)
    }

    /// `compare` in model mode, after the layer's own comparison.
    func compareModel(_ session: Session) throws -> String {
        style.strong("compare") + style.dim("  the whole model, pruned as it is, against the unpruned model") + "\n" + (try embeddingSummary(session))
    }
}
