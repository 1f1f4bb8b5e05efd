import Attention
import Foundation

/// The bias on the scores and the temperature: their tables and the words for what they do,
/// one source for the step text, `why`, `explain` and the replies of `set temperature` and
/// `bias`.
extension Presenter {
    /// T as typed: `0.5`, `2`, `1e-05`, never rounded to the session's decimals (a temperature of
    /// 0.0001 must not read as 0.000).
    public static func temperature(_ T: Double) -> String {
        T == T.rounded() && abs(T) < 1e15 ? String(Int(T)) : "\(T)"
    }

    /// What dividing by T does to the weights, as the end of a sentence that begins "T = 0.5 is "
    /// or "temperature T = 0.5: ".
    public static func temperatureEffect(_ T: Double) -> String {
        if T == 1 { return "ordinary attention: the scores reach the softmax as they are." }
        let ratio = T < 1 ? 1 / T : T
        let factor = !ratio.isFinite ? "unboundedly many"   // T so small that 1/T overflows
            : ratio == ratio.rounded() && ratio < 1e15 ? String(Int(ratio)) : String(format: "%.3g", ratio)
        return T < 1
            ? "below 1, so dividing by it makes every gap between two scores \(factor) times wider; "
                + "the softmax turns gaps into ratios of exp, so the largest scores take more of the weight: "
                + "sharper attention (as T goes to 0, all of it goes to the largest score, an argmax)."
            : "above 1, so dividing by it makes every gap between two scores \(factor) times narrower, "
                + "and the weights move toward equal shares: flatter attention (as T grows, every visible key "
                + "gets the same weight, and the output becomes a plain average of their values)."
    }

    /// The bias as a queries x keys table, the same for every head.
    public static func biasTable(_ bias: Matrix, labels: Labels, format: NumberFormat, style: Style, width: Int) -> String {
        TensorTable(title: "bias", matrix: bias, rowLabels: labels.queries, columnLabels: labels.keys,
                    axes: "queries x keys, added in every head")
            .render(format: format, style: style, width: width)
    }
}

extension Presenter {
    var shaping: ScoreShaping { trace.shaping }

    /// The masked step's title: what it does besides masking, when it does more.
    func maskedTitle() -> String {
        switch (shaping.bias != nil, shaping.temperature != 1) {
        case (true, true): "Bias, temperature and masking"
        case (true, false): "Bias and masking"
        case (false, true): "Temperature and masking"
        case (false, false): Step.masked.title
        }
    }

    /// The masked step's formula.
    func maskedFormula() -> String {
        let inner = switch (shaping.bias != nil, shaping.temperature != 1) {
        case (true, true): "(scaled + bias) / T"
        case (true, false): "scaled + bias"
        case (false, true): "scaled / T"
        case (false, false): "scaled"
        }
        let T = shaping.temperature == 1 ? "" : "    (T = \(Self.temperature(shaping.temperature)))"
        return "masked = \(inner), with blocked (query, key) pairs set to -inf" + T
    }

    /// How `masked[row][col]` of `head` comes from `scaled`: the formula and the same with the
    /// numbers, or nil when nothing is done to the scores.
    func shapedArithmetic(row: Int, col: Int, head: Int) -> (formula: String, numbers: String)? {
        guard shaping.isActive else { return nil }
        let f = format
        let s = f.string(trace.heads[head].scaled[row, col])
        let sum = shaping.bias.map { bias in
            let b = bias[row, col]
            return b < 0 ? "\(s) − \(f.string(-b))" : "\(s) + \(f.string(b))"
        } ?? s
        let T = Self.temperature(shaping.temperature)
        return switch (shaping.bias != nil, shaping.temperature != 1) {
        case (true, true): ("(scaled + bias) / T", "(\(sum)) / \(T)")
        case (true, false): ("scaled + bias", sum)
        default: ("scaled / T", "\(s) / \(T)")
        }
    }

    /// The scaled step's look ahead: what the temperature does to these scores next, and the
    /// division by sqrt(d_k) seen as a temperature. Empty at T = 1.
    func temperatureAhead() -> String {
        let T = shaping.temperature
        guard T != 1 else { return "" }
        let f = format
        let root = Double(trace.dK).squareRoot()
        let t = Self.temperature(T)
        let combined = trace.scaling
            ? "dividing by sqrt(d_k) and then by T is one division by sqrt(d_k) · T = \(f.string(root)) × \(t) = \(f.string(root * T)): "
                + "sqrt(d_k) is itself a temperature, fixed, and T is a knob on top of it"
            : "with scaling off, T is the only division: T = sqrt(d_k) = \(f.string(root)) would be ordinary attention exactly"
        return " Next, before the mask, " + (shaping.bias == nil ? "" : "the bias is added and ")
            + "every score is divided by the temperature T = \(t); \(combined)."
    }

    /// The bias and the temperature in the learner's numbers, for the masked step and `explain`.
    func shapingExplanation(head: Int) -> String {
        var parts: [String] = []
        if let bias = shaping.bias {
            let (low, high) = (bias.values.min()!, bias.values.max()!)
            var text = "The bias is added to the scaled scores of every head: a positive entry draws a query toward a key, "
                + "a negative one pushes it away, and neither blocks it. "
            if low == high {
                text += "Here every entry is \(format.string(low)), and adding the same number to a whole row changes no weight."
            } else {
                let index = bias.values.firstIndex(of: low)!
                text += "Here it runs from \(format.string(low)) to \(format.string(high)); it pushes hardest on "
                    + "\(labels.query(index / bias.cols)) looking at \(labels.key(index % bias.cols))."
            }
            parts.append(text)
        }
        if shaping.temperature != 1 {
            parts.append((shaping.bias == nil ? "Every" : "Then every") + " score is divided by the temperature: T = \(Self.temperature(shaping.temperature)) is "
                         + Self.temperatureEffect(shaping.temperature))
        }
        let q = exampleRow
        let visible = (0..<trace.m).filter { !trace.blocked[q, $0] }
        if let k = visible.max(by: { trace.heads[head].masked[q, $0] < trace.heads[head].masked[q, $1] }),
           let (formula, numbers) = shapedArithmetic(row: q, col: k, head: head) {
            parts.append(inHead(head, "for \(labels.query(q)) and \(labels.key(k)): masked = \(formula) = \(numbers) = \(format.string(trace.heads[head].masked[q, k]))."))
        }
        return parts.joined(separator: " ")
    }

    /// What the temperature did to a row of weights, in the learner's numbers, for the weights
    /// step and `explain temperature`. Empty at T = 1.
    func temperatureInNumbers(head: Int) -> String {
        let T = shaping.temperature
        let q = exampleRow
        let visible = (0..<trace.m).filter { !trace.blocked[q, $0] }
        guard T != 1, !trace.fullyBlockedRows.contains(q), visible.count > 1 else { return "" }
        let row = trace.heads[head].weights.row(q)
        let best = visible.max { row[$0] < row[$1] }!
        let even = format.string(1 / Double(visible.count))
        return inHead(head, "at T = \(Self.temperature(T)), \(T < 1 ? "below 1 (sharper)" : "above 1 (flatter)"), ")
            + "\(labels.query(q)) gives its largest weight, \(format.string(row[best])), to \(labels.key(best)). "
            + "T never changes which key that is, since dividing by a positive number keeps the order of the scores; "
            + "as T goes to 0 its weight would approach 1 (an argmax), and as T grows each of the \(visible.count) visible keys "
            + "would approach 1/\(visible.count) = \(even) (a plain average)."
    }
}
