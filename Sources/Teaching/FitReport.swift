import Foundation
import Gradients

/// What `fit` says: the progress line while it runs and the summary when it ends.
public enum FitReport {
    /// A loss to four significant figures, in scientific notation when small or large.
    public static func loss(_ value: Double) -> String {
        value.isNaN ? "NaN" : value.isInfinite ? (value > 0 ? "inf" : "-inf") : String(format: "%.4g", value)
    }

    /// The line that replaces itself while the fit runs.
    public static func progressLine(_ command: String, step: Int, steps: Int, loss: Double, detail: String = "") -> String {
        let width = String(steps).count
        return "\(command): step \(String(step).leftPadded(to: width)) of \(steps) · loss \(Self.loss(loss))"
            + (detail.isEmpty ? "" : " · " + detail) + " · Ctrl-C stops"
    }

    /// The summary of a finished, stopped or diverged fit.
    public static func render(_ result: Fit.Result, options: Fit.Options, style: Style, width: Int) -> String {
        let names = options.training.map(\.rawValue).joined(separator: ", ")
        let rate = String(format: "%g", options.learningRate)
        let taken = result.steps == options.steps ? "\(result.steps) step\(result.steps == 1 ? "" : "s")"
            : "\(result.steps) of \(options.steps) steps"
        var lines = [style.strong("fit") + ": \(taken) of \(options.optimizer.rawValue) (lr \(rate)) on \(names)"]
        let (first, last) = (result.losses.first!, result.losses.last!)
        var change = ""
        func ratio(_ r: Double) -> String { r < 100 ? String(format: "%.3g", r) : String(format: "%.0f", r) }
        if last > 0, first > 1.01 * last { change = " (\(ratio(first / last))x lower)" }
        else if first > 0, last > 1.01 * first { change = " (\(ratio(last / first))x higher)" }
        else if first > 0 { change = " (about the same)" }
        lines.append("  loss \(loss(first)) -> \(loss(last))\(change)")
        if result.losses.count >= 3 {
            lines.append("")
            lines.append(LossCurve.render(result.losses, width: width, style: style))
        }
        lines.append("")
        let ending: String
        switch result.ending {
        case .finished:
            ending = "The trained tensors are now the session's. `loss`, `attends` and `heatmap` show the layer as it is; "
                + "`backward` its new gradients."
        case .interrupted:
            ending = style.warning("Stopped") + " by Ctrl-C after step \(result.steps) of \(options.steps): the weights are those reached at that step."
        case let .diverged(step, bad):
            let what = bad.isFinite ? "jumped to \(loss(bad)), over 1000 times where it started" : "became \(loss(bad)) (a number overflowed)"
            ending = style.warning("Stopped") + " at step \(step): the loss \(what), so the steps overshoot. The weights are "
                + "those before that step (loss \(loss(last))). Try a smaller learning rate, e.g. lr \(String(format: "%g", options.learningRate / 10))."
        }
        lines.append(Prose.wrap(ending, width: width))
        return lines.joined(separator: "\n")
    }
}
