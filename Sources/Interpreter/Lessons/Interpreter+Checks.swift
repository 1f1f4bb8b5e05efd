import Attention
import Teaching

/// The result of a check: whether it held, and what was found, for the message.
public struct CheckOutcome: Equatable, Sendable {
    public var passed: Bool
    public var found: String
}

extension Interpreter {
    /// Evaluates a lesson's check against the current session.
    public func evaluate(_ check: Check) throws -> CheckOutcome {
        try evaluate(check.quantity, of: check, inGradient: false)
    }

    /// A quantity of the forward pass, or of the backward pass when `inGradient` (the cells and
    /// statistics of `grad ...`).
    private func evaluate(_ quantity: Check.Quantity, of check: Check, inGradient: Bool) throws -> CheckOutcome {
        let format = NumberFormat(decimals: 6)
        let stageAndLabels = inGradient ? gradientAndLabels : stageAndLabels
        switch quantity {
        case .loss:
            let loss = try gradientPresenter(session).loss.value
            return try compare(loss, check, found: FitReport.loss(loss))
        case let .gradient(inner):
            return try evaluate(inner, of: check, inGradient: true)
        case let .removable(name):
            let (curve, _) = try pruneCurveData(session)
            guard let line = curve.lines.first(where: { $0.name == name || (name == "random" && $0.order.isEmpty) }) else {
                throw UserError("the prune curve has no order '\(name)'")
            }
            let count = Double(line.removable())
            return try compare(count, check, found: String(line.removable()))
        case let .importance(figure, head):
            let value = figure.value(of: try measuredHead(head))
            return try compare(value ?? .nan, check, found: value.map(format.string) ?? "undefined")
        case let .rank(metric, head):
            _ = try measuredHead(head)
            let rank = try ranks(by: metric)[head - 1]!
            return try compare(Double(rank), check, found: String(rank))
        case let .circuitRank(name, head):
            let circuit = try circuitReport(head: head, session: session).circuit
            let rank = name == "W_QK" ? circuit.qkRank : circuit.ovRank
            return try compare(Double(rank), check, found: String(rank))
        case let .ranked(metric, last):
            let ranks = try ranks(by: metric)
            let head = ranks.first { $0.value == (last ? ranks.count : 1) }!.key + 1
            return CheckOutcome(passed: CheckParser.headNumber(check.expected) == head, found: "head \(head)")
        case let .focus(head):
            let focus = ImportanceReport.Focus(try measuredHead(head))
            return CheckOutcome(passed: focus?.rawValue == check.expected,
                                found: focus?.rawValue ?? "no word: head \(head) has no normalized entropy (no query sees two keys)")
        case let .compare(row):
            let (change, labels) = try layerChange(session)
            let percent = NumberFormat(decimals: 4)
            guard let row else {
                return try compare(change.overall.map { $0 * 100 } ?? .nan, check,
                                   found: change.overall.map { percent.string($0 * 100) + "%" } ?? "undefined (the unpruned output is zero)")
            }
            let r = try resolve(row, labels: labels, count: labels.count, what: "token", stage: "compare")
            guard let index = change.rows.firstIndex(of: r) else {
                throw UserError("'\(labels[r])' sees no key, so compare leaves it out")
            }
            let value = change.perRow[index]
            return try compare(value.map { $0 * 100 } ?? .nan, check,
                               found: value.map { percent.string($0 * 100) + "%" } ?? "undefined (its unpruned output is zero)")
        case let .pattern(pattern, layer, head):
            guard let model = session.model else { throw UserError("there is no model, so no head patterns") }
            let shares = patternShares(model.sentence)
            guard layer <= shares.count, head <= shares[layer - 1].count else {
                throw UserError("the model has no head \(layer).\(head)")
            }
            let value = shares[layer - 1][head - 1][pattern] ?? 0
            return try compare(value, check, found: String(format: "%.4f", value))
        case let .heads(pattern):
            guard let model = session.model else { throw UserError("there is no model, so no head patterns") }
            let count = patternShares(model.sentence).flatMap { $0 }.filter { HeadPattern.dominant($0).pattern == pattern }.count
            return try compare(Double(count), check, found: String(count))
        case let .cosine(kept):
            let (here, sentences) = try embeddingCosines(session)
            let value = kept ? sentences.reduce(0, +) / Double(max(1, sentences.count)) : here
            return try compare(value, check, found: String(format: "%.4f", value))
        case let .accuracy(which, readout):
            guard let task = session.task else { throw UserError("there is no task, so no accuracy") }
            let value: Double
            if let readout {
                let m = task.model
                guard readout <= m.task.readouts else {
                    throw UserError("\(m.task.rawValue) has \(m.task.readouts) readout\(m.task.readouts == 1 ? "" : "s"), so readout \(readout) does not exist")
                }
                let data = which == "train" ? task.trainingData : task.heldOut
                let result = try m.evaluate(data, gates: session.gates, withGradients: false, kernels: trainingKernels)
                value = Double(result.correct[readout - 1]) / Double(max(1, result.predictions))
            } else {
                let (train, test) = try accuracies(task, gates: session.gates)
                value = which == "train" ? train : test
            }
            return try compare(value, check, found: String(format: "%.4f", value))
        case let .shape(stage):
            let matrix = try stageMatrix(stage, head: nil)
            let found = "\(matrix.rows) x \(matrix.cols)"
            let expected = check.expected.replacingOccurrences(of: " ", with: "")
            return CheckOutcome(passed: found.replacingOccurrences(of: " ", with: "") == expected, found: found)
        case let .cost(figure, overrides, stage):
            let cost = try layerCost(overrides)
            var value = Double(figure == .params ? cost.parameters : cost.flops)
            if let stage {
                guard let row = cost.stages.first(where: { $0.key == stage }) else {
                    throw UserError("this layer's cost table has no row '\(stage)'")
                }
                value = Double(figure == .params ? row.parameters : row.flops)
            }
            return try compare(value, check, found: String(Int(value)))
        case .cell(let stage, let row, var col, let head):
            // The gates are numbered by head, from 1, as everywhere heads are named.
            if inGradient, stage == "gates", case let .number(number) = col { col = .label(String(number)) }
            let (matrix, labels) = try stageAndLabels(stage, head)
            let r = try resolve(row, labels: labels.rows, count: matrix.rows, what: "row", stage: stage)
            let c = try resolve(col, labels: labels.cols, count: matrix.cols, what: "column", stage: stage)
            return try compare(matrix[r, c], check, found: format.string(matrix[r, c]))
        case let .statistic(statistic, stage, row, col, head):
            let (matrix, labels) = try stageAndLabels(stage, head)
            let values: [Double]
            let names: [String]
            if let row {
                values = matrix.row(try resolve(row, labels: labels.rows, count: matrix.rows, what: "row", stage: stage))
                names = labels.cols
            } else if let col {
                values = matrix.column(try resolve(col, labels: labels.cols, count: matrix.cols, what: "column", stage: stage))
                names = labels.rows
            } else {
                throw UserError("\(statistic.rawValue) needs a row or a column")
            }
            switch statistic {
            case .argmax, .argmin:
                let best = statistic == .argmax
                    ? values.indices.max { values[$0] < values[$1] }!
                    : values.indices.min { values[$0] < values[$1] }!
                let passed = check.comparison == .equal && (check.expected == names[best] || check.expected == String(best))
                return CheckOutcome(passed: passed, found: "\(names[best]) (index \(best), value \(format.string(values[best])))")
            case .sum: return try compare(values.reduce(0, +), check, found: format.string(values.reduce(0, +)))
            case .max: return try compare(values.max()!, check, found: format.string(values.max()!))
            case .min: return try compare(values.min()!, check, found: format.string(values.min()!))
            case .entropy:
                let entropy = (try Matrix(rows: 1, cols: values.count, values: values)).rowEntropy(0)
                return try compare(entropy, check, found: format.string(entropy))
            }
        }
    }

    /// Head `head`'s figures (from 1), as the `importance` table shows them.
    private func measuredHead(_ head: Int) throws -> HeadImportance {
        let heads = try measureHeads(session)
        guard head <= heads.count else {
            throw UserError("the layer has \(heads.count) head\(heads.count == 1 ? "" : "s"), so head \(head) does not exist")
        }
        return heads[head - 1]
    }

    /// Every head's rank by `metric` (keyed by 0-based head), as the `importance` table's rank
    /// column shows it.
    private func ranks(by metric: HeadImportance.Metric) throws -> [Int: Int] {
        guard let ranks = HeadImportance.ranks(of: try measureHeads(session), by: metric) else {
            throw UserError("the importance table ranks no head by \(metric.rawValue): not every head's \(metric.rawValue) is defined"
                            + (metric == .gradient ? " (the gradient needs a loss: a target or a task)" : ""))
        }
        return ranks
    }

    private func compare(_ value: Double, _ check: Check, found: String) throws -> CheckOutcome {
        // NaN (a query with no visible key) is checked by name: `check: weights[0][0] = NaN`.
        if check.expected.lowercased() == "nan" {
            return CheckOutcome(passed: check.comparison == .equal && value.isNaN, found: found)
        }
        guard let expected = Double(check.expected) else {
            throw UserError("'\(check.expected)' is not a number")
        }
        let passed: Bool
        switch check.comparison {
        case .equal: passed = abs(value - expected) <= check.tolerance
        case .less: passed = value < expected
        case .greater: passed = value > expected
        case .lessOrEqual: passed = value <= expected
        case .greaterOrEqual: passed = value >= expected
        }
        return CheckOutcome(passed: passed, found: found)
    }

    /// dL/dNAME as a matrix with its row and column labels: a stage's tokens, feature numbers,
    /// and head numbers (from 1) for the gates.
    private func gradientAndLabels(_ name: String, head: Int?) throws -> (Matrix, (rows: [String], cols: [String])) {
        let presenter = try gradientPresenter(session)
        let index = try headIndex(head, presenter.forward.trace) ?? 0
        guard let matrix = presenter.gradient(name, head: index) else { throw notInDirectMode(name) }
        if name == "gates" { return (matrix, ([""], (1...matrix.cols).map(String.init))) }
        let (rows, cols) = presenter.axisLabels(name, head: index)
        return (matrix, (rows, cols))
    }

    /// A stage, parameter or `mask` as a matrix with its row and column labels.
    private func stageAndLabels(_ name: String, head: Int?) throws -> (Matrix, (rows: [String], cols: [String])) {
        let matrix = try stageMatrix(name, head: head)
        guard let presenter = try? presenter(session) else {
            return (matrix, (Labels.features(matrix.rows), Labels.features(matrix.cols)))
        }
        let (rows, cols): ([String], [String])
        if let stage = Stage(rawValue: name) {
            (rows, cols) = (presenter.rowLabels(stage), presenter.columnLabels(stage, count: matrix.cols))
        } else if name == "mask" || name == "bias" {
            (rows, cols) = (presenter.labels.queries, presenter.labels.keys)
        } else if name == "target" {
            (rows, cols) = (presenter.labels.queries, Labels.features(matrix.cols))
        } else {
            (rows, cols) = (Labels.features(matrix.rows), Labels.features(matrix.cols))
        }
        return (matrix, (rows.count == matrix.rows ? rows : Labels.features(matrix.rows), cols))
    }

    private func stageMatrix(_ name: String, head: Int?) throws -> Matrix {
        if let parameter = Parameter(rawValue: name) {
            if parameter.isBias {
                guard let bias = session.biases[name] else { throw UserError("\(name) is not set") }
                return try Matrix(rows: 1, cols: bias.count, values: bias)
            }
            guard let matrix = session.matrices[name] else { throw UserError("\(name) is not defined") }
            return matrix
        }
        // Inputs, the bias and the target can be checked before the layer is complete.
        if let input = definedInput(name, session) { return input }
        if name == "bias" {
            guard let bias = session.scoreBias else { throw UserError("there is no bias on the scores") }
            return bias
        }
        if name == "target" {
            guard let target = session.target else { throw UserError("there is no target yet") }
            return target
        }
        let trace = try trace(session)
        if name == "mask" { return trace.blocked.asMatrix }
        guard let stage = Stage(rawValue: name), let matrix = trace.tensor(stage, head: try headIndex(head, trace) ?? 0) else {
            throw UserError("there is no stage '\(name)' here")
        }
        return matrix
    }

    /// The session's layer sizes with any of them overridden (`n`, `d_model`, `heads`, `dk`).
    func layerCost(_ overrides: [String: Int]) throws -> LayerCost {
        guard !session.direct || (overrides["n"] != nil && overrides["d_model"] != nil) else {
            throw UserError("direct mode has no projections or W_O to count", hint: "give the sizes: cost n 128 d_model 512 heads 8")
        }
        let X = session.direct ? nil : session.matrices["X"]
        let heads = overrides["heads"] ?? session.heads
        let dModel = overrides["d_model"] ?? X?.cols ?? 0
        let n = overrides["n"] ?? X?.rows ?? 0
        guard dModel > 0, n > 0 else {
            throw UserError("no layer to measure: define X or give n and d_model, e.g. cost n 128 d_model 512 heads 8")
        }
        let explicit = overrides["dk"] ?? (overrides["heads"] == nil && overrides["d_model"] == nil ? session.dK : nil)
        guard explicit != nil || dModel % heads == 0 else {
            throw UserError("d_model = \(dModel) does not divide into \(heads) heads", hint: "give d_k too, e.g. cost ... dk \(max(1, dModel / heads))")
        }
        let dK = explicit ?? dModel / heads
        guard dK >= 1 else { throw UserError("d_k = d_model / h is 0: give dk, or fewer heads") }
        // Counted in Double first: a layer too large for 64-bit counts is refused, not wrapped.
        let (N, D, H, K) = (Double(n), Double(dModel), Double(heads), Double(dK))
        guard 4 * H * N * N * K + 8 * N * D * H * K + 8 * D * H * K < 1e17 else {
            throw UserError("that layer is too large to count (more than 10^17 FLOPs)", hint: "try sizes of real models, e.g. n 512 d_model 1024 heads 16")
        }
        // With no sizes given, count the session's layer as it is defined: its d_v and d_out, and
        // only the biases that are set.
        guard overrides.isEmpty, !session.direct else { return LayerCost(n: n, dModel: dModel, heads: heads, dK: dK) }
        let dV = session.matrices["W_V"].flatMap { $0.cols % heads == 0 ? $0.cols / heads : nil }
        let dOut = session.matrices["W_O"]?.cols
        return LayerCost(n: n, dModel: dModel, heads: heads, dK: dK, dV: dV, dOut: dOut, biases: Set(session.biases.keys),
                         scoreBias: session.scoreBias != nil)
    }
}
