import RealModule

/// How much each head matters, by the three measures of head-pruning research. All describe
/// the whole, unpruned layer: gates and pruning do not change them.
public struct HeadImportance: Equatable, Sendable {
    /// 0-based head index.
    public let head: Int
    /// sqrt(||W_Q^i||² + ||W_K^i||² + ||W_V^i||² + ||W_O^i||²) (Frobenius norms), where W_Q^i is
    /// head i's column block of W_Q (likewise K, V) and W_O^i its row block of W_O.
    public let weightNorm: Double
    /// Mean over query rows with at least one unblocked key of -Σ_j w_ij ln w_ij (nats,
    /// 0 ln 0 = 0). nil when no row has an unblocked key.
    public let entropy: Double?
    /// Mean over the same rows of the row entropy / ln(unblocked keys in the row); a row with
    /// one unblocked key counts 0. 1 = spread evenly, 0 = all weight on one key.
    public let normalizedEntropy: Double?
    /// ||O - O_without_i||_F / ||O||_F: how far the output moves when head i's head_out is
    /// replaced by zeros before W_O (b_O stays). Rows of NaN (queries with no unblocked key)
    /// are left out of both norms. nil when ||O||_F = 0.
    public let sensitivity: Double?
    /// |dL/dg_i|, the size of the loss's gradient with respect to the head's gate (Michel et al.
    /// 2019), averaged over examples where there are several. nil when there is no loss (no
    /// target and no task); filled in by the caller, who has the loss.
    public var gradient: Double?

    public init(head: Int, weightNorm: Double, entropy: Double?, normalizedEntropy: Double?, sensitivity: Double?,
                gradient: Double? = nil) {
        self.head = head
        self.weightNorm = weightNorm
        self.entropy = entropy
        self.normalizedEntropy = normalizedEntropy
        self.sensitivity = sensitivity
        self.gradient = gradient
    }

    /// The mean of each measure over several examples (the same heads, one list per example):
    /// a figure undefined in an example is left out of its mean, and undefined in all stays nil.
    public static func average(_ examples: [[HeadImportance]]) -> [HeadImportance] {
        guard let first = examples.first else { return [] }
        return first.indices.map { i in
            let heads = examples.map { $0[i] }
            return HeadImportance(head: first[i].head, weightNorm: mean(heads.map(\.weightNorm)) ?? 0,
                                  entropy: mean(heads.compactMap(\.entropy)),
                                  normalizedEntropy: mean(heads.compactMap(\.normalizedEntropy)),
                                  sensitivity: mean(heads.compactMap(\.sensitivity)),
                                  gradient: mean(heads.compactMap(\.gradient)))
        }
    }

    /// The measures for every head of a multi-head layer.
    public static func measure(_ configuration: MultiHeadConfiguration) throws -> [HeadImportance] {
        var unpruned = configuration
        unpruned.gates = [:]
        let trace = try Trace.compute(.multiHead(unpruned))
        let (dK, dV) = (trace.dK, trace.dV)
        let c = unpruned
        let rows = (0..<trace.n).filter { !trace.fullyBlockedRows.contains($0) }
        let outputNorm = frobenius(trace.output, rows: rows)

        return try trace.heads.indices.map { i in
            let squares = try [
                c.W_Q.columns(i * dK..<(i + 1) * dK), c.W_K.columns(i * dK..<(i + 1) * dK),
                c.W_V.columns(i * dV..<(i + 1) * dV), c.W_O.rows(i * dV..<(i + 1) * dV),
            ].map { frobenius($0, rows: Array(0..<$0.rows)) }.map { $0 * $0 }

            let weights = trace.heads[i].weights
            let entropies = rows.map { weights.rowEntropy($0) }
            // A query with a single visible key has no choice to make: it is left out, rather
            // than counted as perfectly focused (which made causal heads look focused).
            let normalized = rows.compactMap { row -> Double? in
                let open = (0..<trace.m).filter { !trace.blocked[row, $0] }.count
                return open > 1 ? weights.rowEntropy(row) / Double.log(Double(open)) : nil
            }

            var without = trace.concat!
            for row in 0..<without.rows { for col in i * dV..<(i + 1) * dV { without[row, col] = 0 } }
            var outputWithout = try without.multiplied(by: c.W_O)
            if let b_O = c.b_O { outputWithout = try outputWithout.addingRowVector(b_O) }
            let change = try trace.output.adding(outputWithout.scaled(by: -1))

            return HeadImportance(
                head: i,
                weightNorm: squares.reduce(0, +).squareRoot(),
                entropy: mean(entropies),
                normalizedEntropy: mean(normalized),
                sensitivity: outputNorm > 0 ? frobenius(change, rows: rows) / outputNorm : nil)
        }
    }

    /// The Frobenius norm of the given rows: sqrt of the sum of their squared entries.
    static func frobenius(_ matrix: Matrix, rows: [Int]) -> Double {
        rows.reduce(0) { sum, row in matrix.row(row).reduce(sum) { $0 + $1 * $1 } }.squareRoot()
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The figures measured for each head, named as lessons and checks name them: `magnitude`
    /// is the weight norm and `gradient` is |dL/dg|.
    public enum Figure: String, CaseIterable, Sendable {
        case magnitude, entropy, normalized, sensitivity, gradient

        /// The head's figure; nil when it is undefined for the head.
        public func value(of importance: HeadImportance) -> Double? {
            switch self {
            case .magnitude: return importance.weightNorm
            case .entropy: return importance.entropy
            case .normalized: return importance.normalizedEntropy
            case .sensitivity: return importance.sensitivity
            case .gradient: return importance.gradient
            }
        }
    }

    /// The measures by which heads can be ranked for pruning.
    public enum Metric: String, CaseIterable, Sendable {
        case magnitude, entropy, sensitivity, gradient

        /// The figure this metric ranks by.
        public var figure: Figure {
            switch self {
            case .magnitude: return .magnitude
            case .entropy: return .entropy
            case .sensitivity: return .sensitivity
            case .gradient: return .gradient
            }
        }

        /// How unimportant a head is by this metric: larger = pruned first. Small weights, small
        /// sensitivity and a small gate gradient mean little effect; high entropy means an
        /// unfocused head.
        /// nil when the figure is undefined for the head.
        public func unimportance(_ importance: HeadImportance) -> Double? {
            figure.value(of: importance).map { self == .entropy ? $0 : -$0 }
        }
    }

    /// The `count` least important heads by `metric`, least important first (ties: lower head
    /// first). Throws when fewer heads than that have the figure defined.
    public static func leastImportant(_ count: Int, of heads: [HeadImportance], by metric: Metric) throws -> [Int] {
        let ranked = heads.compactMap { h in metric.unimportance(h).map { (h.head, $0) } }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        guard ranked.count >= count else {
            throw AttentionError.invalid("only \(ranked.count) of \(heads.count) heads have a defined \(metric.rawValue), so \(count) cannot be ranked by it")
        }
        return ranked.prefix(count).map(\.0)
    }

    /// Each head's rank by `metric` (keyed by 0-based head), 1 = most important: the reverse of
    /// the pruning order of `leastImportant`, ties included. nil when some head's figure is
    /// undefined, since the heads cannot all be ranked then.
    public static func ranks(of heads: [HeadImportance], by metric: Metric) -> [Int: Int]? {
        guard let order = try? leastImportant(heads.count, of: heads, by: metric) else { return nil }
        return Dictionary(uniqueKeysWithValues: order.reversed().enumerated().map { ($1, $0 + 1) })
    }
}
