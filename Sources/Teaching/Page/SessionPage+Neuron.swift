import Attention

extension SessionPage {
    /// Up to this many query-key pairs over all heads, the page carries `why`'s worked text for
    /// every pair; past it (a real model's layer), for each query's most attended key only, so
    /// that a 12-head layer on a 20-token sentence stays well under 2 MB.
    static let everyPairTextLimit = 2048

    /// The neuron view: for each head, its q, k and v rows and head outputs, and for each
    /// query each key's elementwise products q∘k (the terms of `why`'s dot product), the most
    /// attended key, and `why`'s text for the cells. Long rows are cut as `why` cuts them
    /// (`Elision`: a real head's 64 features show as the first six and the last two), which
    /// also keeps a real model's page small. The dot products, scaled and masked scores and
    /// weights are the stage walk's tables, in the same format, so they are not repeated.
    func neuronData() -> PageJSON {
        let allPairs = trace.heads.count * trace.n * trace.m <= Self.everyPairTextLimit
        return .object([
            ("everyPair", .bool(allPairs)),
            ("features", .string(elided(Labels.features(trace.dK)))),
            ("valueFeatures", .string(elided(Labels.features(trace.dV)))),
            ("heads", .array(trace.heads.indices.map { headNeuron($0, allPairs: allPairs) })),
        ])
    }

    private func headNeuron(_ head: Int, allPairs: Bool) -> PageJSON {
        let h = trace.heads[head]
        func elidedRows(_ matrix: Matrix) -> PageJSON {
            .array((0..<matrix.rows).map { .string(elided(matrix.row($0).map(layer.format.string))) })
        }
        let queries = (0..<trace.n).map { q -> PageJSON in
            // The key `why` is shown for when not every pair's text is carried: the most
            // attended one, as the explanation names it (key 0 when the row is NaN).
            let top = layer.argmax(h.weights.row(q))
            let scores = (0..<trace.m).map { layer.why(.scores, row: q, col: $0, head: head) }
            let explained = allPairs ? Array(0..<trace.m) : [top]
            return .object([
                ("top", .int(top)),
                ("products", .strings(scores.map { elided($0.terms.map(layer.format.string)) })),
                ("why", .object(explained.map { k in (String(k), whyTexts(head: head, query: q, key: k, scores: scores[k])) })),
                ("outWhy", .string(layer.why(.head_out, row: q, col: 0, head: head).text)),
            ])
        }
        return .object([
            ("q", elidedRows(h.Q)), ("k", elidedRows(h.K)), ("v", elidedRows(h.V)), ("out", elidedRows(h.headOut)),
            ("queries", .array(queries)),
        ])
    }

    /// Items separated by spaces, a long run cut with `…` where `why` writes "(N more terms)".
    private func elided(_ items: [String]) -> String {
        Elision.cut(items) { _ in "…" }.joined(separator: " ")
    }

    /// `why`'s text for the pair's score, scaled score, masked score (when the mask, a bias
    /// or a temperature changes it) and weight, in the order attention computes them.
    private func whyTexts(head: Int, query q: Int, key k: Int, scores: CellArithmetic) -> PageJSON {
        var texts = [scores.text, layer.why(.scaled, row: q, col: k, head: head).text]
        if trace.blocked[q, k] || layer.shaping.isActive {
            texts.append(layer.why(.masked, row: q, col: k, head: head).text)
        }
        texts.append(layer.why(.weights, row: q, col: k, head: head).text)
        return .strings(texts)
    }
}
