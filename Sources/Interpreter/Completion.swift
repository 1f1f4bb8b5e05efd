import Attention
import Gradients
import Teaching
import Training

/// What Tab may complete at a point in a line. Pure: the REPL asks, readline displays.
public enum Completion {
    /// The kind of word expected where the cursor is.
    public enum Slot: Equatable, Sendable {
        /// Candidate words (verbs, stage names, ...).
        case words([String])
        /// A file path: let the line editor complete file names.
        case path
    }

    /// What fits as the next word, given the words of the line before it.
    /// `tokens`: the session's token labels, for the rows and columns of `why` and `attends`.
    public static func slot(before previous: [String], lessons: [String] = [], tokens: [String] = []) -> Slot {
        guard let verb = previous.first else {
            return .words(Verb.names + CommandParser.definable)
        }
        let stages = Stage.allCases.map(\.rawValue)
        let position = previous.count
        switch verb {
        case "show":
            return position == 1 ? .words(CommandParser.showable) : .words(["head"])
        case "export":
            if previous.count >= 2, previous[1] == "grad" {
                return position == 2 ? .words(CommandParser.gradients) : position == 3 ? .path : .words(["head"])
            }
            return position == 1 ? .words(CommandParser.showable.filter { $0 != "tokens" } + CommandParser.pictureExports + ["grad"]) : position == 2 ? .path : .words(["head"])
        case "import":
            return position == 1 ? .words(CommandParser.definable + ["mask", "text"]) : .path
        case "goto":
            if previous.count >= 2, previous[1] == "grad" {
                return position == 2 ? .words(BackwardStep.allCases.map(\.rawValue)) : .words(["head"])
            }
            return position == 1 ? .words(Step.allCases.map(\.rawValue) + BlockStep.allCases.map(\.rawValue) + stages + ["grad"]) : .words(["head"])
        case "why":
            if previous.count >= 2, previous[1] == "grad" {
                // why grad NAME ROW COL [head N]
                return position == 2 ? .words(CommandParser.gradients) : .words(position >= 5 ? ["head"] : [])
            }
            if position >= 2, CircuitReport.names.contains(previous[1]) { return .words(position >= 4 ? ["head"] : []) }
            return position == 1 ? .words(stages + CircuitReport.names + ["grad"]) : .words(position >= 4 ? ["head"] : tokens)
        case "circuit":
            return .words(position == 1 ? ["head"] : [])
        case "attends":
            return .words(position == 1 ? tokens : [])
        case "model":
            if position == 1 { return .words(["load", "heads", "unload"]) }
            if previous[1] == "load" { return .path }
            return .words(previous[1] == "heads" ? HeadPattern.measured.map(\.rawValue) + ["over", "sentences"] : [])
        case "source":
            return .path
        case "grad":
            return position == 1 ? .words(CommandParser.gradients) : .words(["head"])
        case "task":
            return position == 1 ? .words(TrainingTask.allCases.map(\.rawValue) + ["none"])
                : .words(previous.count % 2 == 0 ? ["vocab", "length", "d_model", "seed"] : [])
        case "train":
            return position >= 2 && position % 2 == 0 ? .words(["seed", "lr", "batch", "examples"]) : .words([])
        case "backward":
            return .words(["head"])
        case "fit":
            if previous.contains("only") { return .words(Trainable.allCases.map(\.rawValue)) }
            return position == 1 ? .words([]) : .words(previous.last == "lr" ? [] : ["lr", "sgd", "adam", "X", "only"])
        case "explain":
            return .words(Concept.allCases.map(\.rawValue) + ["softmax", "mask", "W_O", "dk"])
        case "help":
            return .words(Verb.names)
        case "lesson":
            return .words(lessons)
        case "save", "load":
            return .path
        case "mask":
            return .words(position == 1 ? ["causal", "none"] : position == 2 && previous[1] == "causal" ? ["offset"] : [])
        case "pad":
            return .words(["none"])
        case "dk":
            return .words(["auto"])
        case "set":
            return position == 1 ? .words(["precision", "scaling", "temperature"]) : .words(previous.last == "scaling" ? ["on", "off"] : [])
        case "heatmap":
            return position == 1 ? .words(stages + ["head"]) : .words(previous.last == "head" ? ["all"] : ["head"])
        case "prune":
            return position == 1 ? .words(["head", "curve"]) : position == 2 ? .words(["by"]) : .words(HeadImportance.Metric.allCases.map(\.rawValue))
        case "unprune":
            return .words(["head", "all"])
        case "gate":
            return .words(["head"])
        case "step", "back", "run":
            return .words(["head"])
        default:
            if CommandParser.definable.contains(verb) {
                if previous.last == "=" { return .words(["random", "identity", "zeros", "sinusoidal"]) }
                if previous.contains("random") { return .words(["seed", "normal", "uniform", "scale"]) }
                let next = verb == "target" ? ["="] : verb == "bias" ? ["=", "none"] : ["=", "head"]
                return .words(position == 1 ? next : [])
            }
            return .words([])
        }
    }

    /// The candidates that start with `prefix`, given the earlier words of the line.
    public static func candidates(previous: [String], prefix: String, lessons: [String] = [], tokens: [String] = []) -> [String]? {
        switch slot(before: previous, lessons: lessons, tokens: tokens) {
        case .path: return nil
        case let .words(words):
            return Array(Set(words.filter { $0.hasPrefix(prefix) })).sorted()
        }
    }
}
