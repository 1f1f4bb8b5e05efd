import Attention

extension SessionPage {
    var trace: Trace { layer.trace }

    /// The head view's data: tokens, the heads' titles and gates and the blocked pairs (the
    /// weights it draws are the stage walk's `weights`).
    func layerData() -> PageJSON {
        let heads = trace.heads.indices
        return .object([
            ("direct", .bool(trace.isDirect)),
            ("queries", .strings(layer.labels.queries)),
            ("keys", .strings(layer.labels.keys)),
            ("heads", .array(heads.map { .string(layer.headTitle($0)) })),
            ("gates", .array(heads.map { .string(layer.format.string(trace.gate($0))) })),
            ("blocked", Self.blockedRows(trace.blocked)),
            ("dK", .int(trace.dK)),
            ("scaling", .bool(trace.scaling)),
        ])
    }

    /// The stage walk: every step of the trace in order, with the title, formula, shapes and
    /// explanation `step` prints (the explanation once per head, as `step head N` gives it),
    /// and each stage's tensors as the tables and heatmaps show them.
    /// With a model's block, the walk goes on through it (`blockStagesData`).
    func stagesData() -> PageJSON {
        let steps = Step.all(direct: trace.isDirect)
        let attention = steps.map { step -> PageJSON in
            .object([
                ("name", .string(step.rawValue)),
                ("title", .string(step == .masked ? layer.maskedTitle() : step.title)),
                ("formula", .string(layer.formula(step))),
                ("shapes", .string(layer.shapes(step))),
                ("explanations", .strings(trace.heads.indices.map { layer.explanation(step, head: $0) })),
                ("tensors", .array(step.stages(direct: trace.isDirect).map(tensorData))),
            ])
        }
        return .array(attention + (block.map(blockStagesData) ?? []))
    }

    /// The block's steps after attention, as `step` shows them past `output`: one tensor each
    /// (tokens x d_model) and one explanation, the same whichever head is chosen.
    func blockStagesData(_ block: BlockPresenter) -> [PageJSON] {
        BlockStep.allCases.map { step in
            let panel = Heatmap.Panel(title: step.rawValue, matrix: block.tensor(step), blocked: nil)
            let range = Heatmap.range(of: [panel], isWeights: false)
            let tensor: PageJSON = .object([
                ("name", .string(step.rawValue)),
                ("axes", .string("tokens x d_model")),
                ("rows", .strings(block.rowLabels)),
                ("columns", .strings(Labels.features(panel.matrix.cols))),
                ("range", .strings([range.lowerBound, range.upperBound].map { "\($0)" })),
                ("panels", .array([.object([("title", .string(step.rawValue)), ("values", rows(panel.matrix))])])),
            ])
            return .object([
                ("name", .string(step.rawValue)),
                ("title", .string(step.title)),
                ("formula", .string(step.formula)),
                ("shapes", .string(block.shapes(step))),
                ("explanations", .strings(trace.heads.indices.map { _ in block.explanation(step) })),
                ("tensors", .array([tensor])),
            ])
        }
    }

    /// One stage's tensor: every head's matrix for a per-head stage, labels, the colour
    /// scale the terminal heatmap uses, and the blocked pairs where the heatmap marks them.
    func tensorData(_ stage: Stage) -> PageJSON {
        let heads = stage.isPerHead ? Array(trace.heads.indices) : [0]
        let heatmap = layer.heatmapModel(stage, heads: heads) { layer.headTitle($0) }
        var pairs: [(String, PageJSON)] = [
            ("name", .string(stage.rawValue)),
            ("axes", .string(layer.axes(stage))),
            ("rows", .strings(heatmap.rowLabels)),
            ("columns", .strings(heatmap.columnLabels)),
            ("range", .strings([heatmap.range.lowerBound, heatmap.range.upperBound].map { "\($0)" })),
            ("panels", .array(heatmap.panels.map { panel in
                .object([("title", .string(panel.title)), ("values", rows(panel.matrix))])
            })),
        ]
        if [.masked, .weights].contains(stage) { pairs.append(("blocked", Self.blockedRows(trace.blocked))) }
        return .object(pairs)
    }

    /// The model view: every layer's heads on the sentence, as the head view draws them.
    func modelData(_ model: ModelGrid) -> PageJSON {
        .object([
            ("name", .string(model.name)),
            ("shownLayer", .int(model.shownLayer)),
            ("captions", .array(model.captions.map(PageJSON.strings))),
            ("titles", .array(model.gates.map { gates in
                .strings(gates.indices.map { Presenter.headTitle($0, gate: gates[$0], format: layer.format) })
            })),
            ("gates", .array(model.gates.map { .strings($0.map(layer.format.string)) })),
            ("weights", .array(model.weights.map { heads in .array(heads.map(rows)) })),
        ])
    }
}
