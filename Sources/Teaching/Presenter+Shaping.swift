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
        let factor = ratio == ratio.rounded() && ratio < 1e15 ? String(Int(ratio)) : String(format: "%.3g", ratio)
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
