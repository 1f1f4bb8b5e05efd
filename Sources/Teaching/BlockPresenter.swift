import Attention

/// The stops after `output` when the layer is a real model's: the rest of its encoder block,
/// the "attention inside its block" of the Annotated Transformer and Transformer Explainer.
public enum BlockStep: String, CaseIterable, Sendable {
    case residual, norm, ffn, block

    public var title: String {
        switch self {
        case .residual: return "Residual connection: the layer adds, it does not replace"
        case .norm: return "LayerNorm: each token rescaled"
        case .ffn: return "Feed-forward: each token on its own"
        case .block: return "Residual and LayerNorm again: the block's output"
        }
    }

    /// A one-line reminder, for `where` and the `Next:` line.
    public var summary: String {
        switch self {
        case .residual: return "X + output"
        case .norm: return "LayerNorm of each token's vector"
        case .ffn: return "GELU(norm W_in + b_in) W_out + b_out, token by token"
        case .block: return "LayerNorm(norm + ffn): the next layer's X"
        }
    }

    public var formula: String {
        switch self {
        case .residual: return "residual = X + output"
        case .norm: return "norm = γ ⊙ (residual − mean) / sqrt(variance + ε) + β    (over each row's d_model features)"
        case .ffn: return "ffn = GELU(norm W_in + b_in) W_out + b_out    GELU(x) = x Φ(x) = x (1 + erf(x / √2)) / 2"
        case .block: return "block = LayerNorm(norm + ffn)    (the next layer's X)"
        }
    }
}

/// The block's tensors for one sentence, from the layer's X and the session's attention output
/// (with any pruning), and the sizes they were computed at.
public struct BlockTensors: Sendable {
    public var X: Matrix
    public var attention: Matrix
    public var residual: Matrix
    public var norm: Matrix
    public var ffnHidden: Matrix
    public var ffnOutput: Matrix
    public var output: Matrix

    public init(X: Matrix, attention: Matrix, residual: Matrix, norm: Matrix, ffnHidden: Matrix, ffnOutput: Matrix, output: Matrix) {
        (self.X, self.attention, self.residual, self.norm) = (X, attention, residual, norm)
        (self.ffnHidden, self.ffnOutput, self.output) = (ffnHidden, ffnOutput, output)
    }
}

/// Renders a `BlockStep` with its formula, shapes, table and what it did, in the learner's numbers.
public struct BlockPresenter: Sendable {
    public var tensors: BlockTensors
    public var tokens: [String]
    public var format: NumberFormat
    public var style: Style
    public var width: Int
    /// The layer shown (1-based) and how many the model has.
    public var layer: Int
    public var layers: Int
    /// Where the block's first step falls in the whole walk, and the walk's length.
    public var firstPosition: Int
    public var totalSteps: Int

    public init(tensors: BlockTensors, tokens: [String], format: NumberFormat, style: Style, width: Int,
                layer: Int, layers: Int, firstPosition: Int, totalSteps: Int) {
        (self.tensors, self.tokens, self.format, self.style, self.width) = (tensors, tokens, format, style, width)
        (self.layer, self.layers, self.firstPosition, self.totalSteps) = (layer, layers, firstPosition, totalSteps)
    }

    public func report(_ step: BlockStep) -> String {
        let index = BlockStep.allCases.firstIndex(of: step)!
        var parts = [style.title("Stage \(firstPosition + index) of \(totalSteps) · \(step.title)"),
                     "  " + style.formula(step.formula), style.dim("  " + shapes(step))]
        let shown = tensor(step)
        parts.append(TensorTable(title: step.rawValue, matrix: shown, rowLabels: rowLabels, columnLabels: Labels.features(shown.cols))
            .render(format: format, style: style, width: width))
        parts.append(Prose.wrap(explanation(step), width: width))
        if index + 1 < BlockStep.allCases.count {
            let next = BlockStep.allCases[index + 1]
            parts.append(style.dim("Next: `step` for \(next.rawValue) (\(next.summary))."))
        } else {
            parts.append(style.dim(layer < layers ? "That was the last step of layer \(layer): `layer \(layer + 1)` takes this as its X."
                                                  : "That was the last step of the last layer: the sentence embedding is the mean of these rows, normalised (`export embedding FILE`)."))
        }
        return parts.joined(separator: "\n\n")
    }

    /// The tensor a step shows, tokens x d_model: for `ffn` the feed-forward block's output.
    func tensor(_ step: BlockStep) -> Matrix {
        switch step {
        case .residual: return tensors.residual
        case .norm: return tensors.norm
        case .ffn: return tensors.ffnOutput
        case .block: return tensors.output
        }
    }

    var rowLabels: [String] { Labels.make(tokens: tokens, queries: tensors.X.rows, keys: tensors.X.rows).queries }

    func shapes(_ step: BlockStep) -> String {
        let (n, d, f) = (tensors.X.rows, tensors.X.cols, tensors.ffnHidden.cols)
        switch step {
        case .residual: return "X (\(n) x \(d)) + output (\(n) x \(d)) -> residual (\(n) x \(d))"
        case .norm: return "residual (\(n) x \(d)) -> norm (\(n) x \(d)); γ and β have \(d) entries each"
        case .ffn: return "norm (\(n) x \(d)) W_in (\(d) x \(f)) -> GELU -> (\(n) x \(f)) W_out (\(f) x \(d)) -> ffn (\(n) x \(d))"
        case .block: return "norm (\(n) x \(d)) + ffn (\(n) x \(d)) -> LayerNorm -> block (\(n) x \(d))"
        }
    }

    /// The row the explanations quote: the first token after [CLS], or row 0.
    var example: Int { tensors.X.rows > 1 && rowLabels.first == "[CLS]" ? 1 : 0 }

    static func norm(_ row: [Double]) -> Double { row.map { $0 * $0 }.reduce(0, +).squareRoot() }

    func explanation(_ step: BlockStep) -> String {
        let t = example, name = "'\(rowLabels[example])'"
        let (n, d) = (tensors.X.rows, tensors.X.cols)
        switch step {
        case .residual:
            let ratios = (0..<n).map { Self.norm(tensors.attention.row($0)) / max(Self.norm(tensors.X.row($0)), .leastNormalMagnitude) }
            let listed = (0..<min(n, 8)).map { "\(rowLabels[$0]) \(format.string(ratios[$0]))" }.joined(separator: ", ")
            let which = n > 8 ? "the first 8 of \(n) tokens" : "each token"
            return """
                The attention's output is added to X rather than replacing it (a residual connection, He et al. 2016; \
                Vaswani et al. 2017, section 3.1, put one around every sub-layer). So a layer nudges each token's vector \
                and the input is never lost, however many layers follow. How large each nudge is, |output| / |X| for \
                \(which): \(listed).
                """
        case .norm:
            let row = tensors.residual.row(t)
            let mean = row.reduce(0, +) / Double(d)
            let deviation = (row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)).squareRoot()
            return """
                LayerNorm (Ba et al. 2016) works on each token's \(d) numbers separately: subtract their mean, divide by \
                their standard deviation, then scale by the learned γ and shift by β. For \(name) the residual's mean \
                was \(format.string(mean)) and its standard deviation \(format.string(deviation)); after the division they \
                are 0 and 1, whatever the layer added. BERT normalises after the addition (post-LN), as the original \
                Transformer did; GPT-2 and most newer models normalise before each sub-layer (pre-LN).
                """
        case .ffn:
            let hidden = tensors.ffnHidden.row(t)
            let active = Double(hidden.filter { $0 > 0 }.count) / Double(max(hidden.count, 1))
            let f = tensors.ffnHidden.cols
            let (feedForward, attention) = (Double(2 * d * f + f + d), Double(4 * d * d + 4 * d))
            return """
                Every token goes through the same two-layer network on its own: no token looks at another here, that \
                happened in attention. Its \(d) numbers are widened to \(tensors.ffnHidden.cols), passed through GELU \
                (Hendrycks and Gimpel 2016; the exact erf form, as BERT uses) and narrowed back to \(d). For \(name), \
                \(String(format: "%.1f", 100 * active))% of the \(tensors.ffnHidden.cols) hidden units came out positive; GELU \
                lets small negative values through slightly and large negative ones hardly at all. Of this layer's \
                weights and biases outside its LayerNorms, \(String(format: "%.1f", 100 * feedForward / (feedForward + attention)))% \
                are in this block, the rest in attention.
                """
        case .block:
            let cosines = (0..<n).map { i -> Double in
                let (a, b) = (tensors.X.row(i), tensors.output.row(i))
                return zip(a, b).map(*).reduce(0, +) / max(Self.norm(a) * Self.norm(b), .leastNormalMagnitude)
            }
            let listed = (0..<min(n, 8)).map { "\(rowLabels[$0]) \(format.string(cosines[$0]))" }.joined(separator: ", ")
            let which = n > 8 ? "the first 8 of \(n) tokens" : "each token"
            return """
                The feed-forward result is added to its input and normalised again: this is what the block hands on, \
                the next layer's X. How far each token's vector moved through the whole block, as the cosine between \
                the X that came in and the vector leaving, for \(which) (1 is the same direction): \(listed).
                """
        }
    }
}
