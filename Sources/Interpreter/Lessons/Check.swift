import Attention

/// One `check:` line: a quantity of the session, a comparison, and the expected value.
///
///     check: weights[sat][cat] head 2 = 0.483 +- 0.001
///     check: argmax weights[sat] head 1 = cat
///     check: sum weights[the] = 1
///     check: entropy weights[2] < 0.1
///     check: shape concat = 3 x 4
///     check: flops heads 8 = 1234
///     check: loss < 0.001
///     check: accuracy test > 0.99
///     check: accuracy test readout 2 < 0.3
///     check: removable random = 0
///     check: pattern previous 1.3 > 0.9
///     check: heads cls >= 30
///     check: cosine kept > 0.9
///     check: importance sensitivity head 3 = 0.921 +- 0.001
///     check: rank entropy head 1 = 2
///     check: rank sensitivity last = head 1
///     check: focus head 1 = partly focused
///     check: compare = 8.7 +- 0.05
///     check: compare[down] > 100
///     check: grad scores[sat][cat] head 2 < 0
///     check: argmin grad masked[sat] head 2 = cat
public struct Check: Equatable, Sendable {
    public var quantity: Quantity
    public var comparison: Comparison
    /// A number, or a token label (for argmax), or a shape `R x C`.
    public var expected: String
    /// Allowed absolute difference for `=` on numbers.
    public var tolerance: Double
    /// The check as written, for messages.
    public var text: String

    public enum Comparison: String, Equatable, Sendable, CaseIterable {
        case equal = "=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    }

    public enum Quantity: Equatable, Sendable {
        /// One cell of a stage.
        case cell(stage: String, row: CellIndex, col: CellIndex, head: Int?)
        /// A statistic of a row (`stage[r]`) or a column (`stage[*][c]`).
        case statistic(Statistic, stage: String, row: CellIndex?, col: CellIndex?, head: Int?)
        /// The shape of a stage, as `R x C`.
        case shape(stage: String)
        /// Parameters or FLOPs of a layer: the session's, with any size overridden; of one row
        /// of the `cost` table when a stage is named (`projections` for Q, K and V).
        case cost(CostFigure, overrides: [String: Int], stage: String?)
        /// The loss against the target.
        case loss
        /// A trained task's accuracy: `train` or `test` (held-out), with the gates as set; for
        /// one readout only (numbered from 1) when given.
        case accuracy(String, readout: Int?)
        /// How many heads `prune curve` removes within one point, in a metric's order or
        /// `random` (the mean of the random orders).
        case removable(String)
        /// A loaded model's head (layer, head, 1-based): the share of its weight on a pattern,
        /// on the sentence (`model heads`).
        case pattern(HeadPattern, layer: Int, head: Int)
        /// How many of a loaded model's heads show a pattern most on the sentence.
        case heads(HeadPattern)
        /// The sentence embedding's cosine to the unpruned model's: on the sentence, or the
        /// mean over the kept sentences (`kept`).
        case cosine(kept: Bool)
        /// A head's figure in the `importance` table (head from 1).
        case importance(HeadImportance.Figure, head: Int)
        /// A head's rank by a metric in the `importance` table: 1 = most important.
        case rank(HeadImportance.Metric, head: Int)
        /// The head a metric ranks first (most important) or last (pruned first); the expected
        /// value is `head N`.
        case ranked(HeadImportance.Metric, last: Bool)
        /// The rank of a head's circuit, `W_QK` or `W_OV` (`circuit`; head from 1).
        case circuitRank(String, head: Int)
        /// The word the sentence under the `importance` table gives a head: focused, partly
        /// focused or diffuse.
        case focus(head: Int)
        /// What `compare` prints, in percent: the output's relative change from the unpruned
        /// output, over every token or for one token (a row label or number).
        case compare(row: CellIndex?)
        /// A cell or statistic of a gradient: `grad` before a cell or a statistic's stage.
        indirect case gradient(Quantity)
    }

    public enum Statistic: String, Equatable, Sendable, CaseIterable {
        case sum, max, min, argmax, argmin, entropy
    }

    public enum CostFigure: String, Equatable, Sendable {
        case params, flops
    }
}
