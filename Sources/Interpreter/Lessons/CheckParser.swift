import Attention
import Teaching

/// Parses the text after `check:` (the forms are listed on `Check`).
public enum CheckParser {
    public static func parse(_ text: String) throws -> Check {
        var words = text.split(separator: " ").map(String.init)
        guard let opIndex = words.firstIndex(where: { Check.Comparison(rawValue: $0) != nil }) else {
            throw UserError("no comparison: write QUANTITY = VALUE (or <, >, <=, >=)")
        }
        let comparison = Check.Comparison(rawValue: words[opIndex])!
        var right = Array(words[(opIndex + 1)...])
        words = Array(words[..<opIndex])
        var tolerance = 1e-9
        if let plusMinus = right.firstIndex(of: "+-") {
            guard plusMinus + 1 < right.count, let value = Double(right[plusMinus + 1]), value >= 0 else {
                throw UserError("'+-' needs a tolerance, e.g. = 0.5 +- 0.01")
            }
            tolerance = value
            right = Array(right[..<plusMinus])
        }
        let expected = right.joined(separator: " ")
        guard !expected.isEmpty else { throw UserError("nothing to compare with after '\(comparison.rawValue)'") }
        let quantity = try parseQuantity(words)
        try validate(quantity, comparison: comparison, expected: expected)
        return Check(quantity: quantity, comparison: comparison, expected: expected, tolerance: tolerance, text: text)
    }

    /// Catches a mistyped stage or an expected value of the wrong kind when the lesson is
    /// read, not when the learner reaches the check.
    private static func validate(_ quantity: Check.Quantity, comparison: Check.Comparison, expected: String,
                                 argument: Bool? = nil) throws {
        if case let .gradient(inner) = quantity {
            switch inner {
            case let .cell(name, _, _, _), let .statistic(_, name, _, _, _):
                guard CommandParser.gradients.contains(name) else {
                    var message = "there is no gradient of '\(name)'"
                    if let suggestion = Suggestion.didYouMean(name, among: CommandParser.gradients) { message += ": \(suggestion)" }
                    throw UserError(message)
                }
                return try validate(.statistic(.sum, stage: "output", row: nil, col: nil, head: nil), comparison: comparison, expected: expected,
                                    argument: inner.isArgument)
            default:
                throw UserError("grad takes a cell or a statistic, e.g. grad scores[sat][cat] head 2 < 0")
            }
        }
        let stage: String
        switch quantity {
        case let .cell(name, _, _, _): stage = name
        case let .statistic(_, name, _, _, _): stage = name
        case let .shape(name): stage = name
        case .cost, .loss, .gradient, .accuracy, .removable, .pattern, .heads, .cosine,
             .importance, .rank, .ranked, .circuitRank, .focus, .compare: stage = ""
        }
        let names = CommandParser.showable.filter { $0 != "tokens" }
        if !stage.isEmpty, !names.contains(stage) {
            var message = "there is no stage '\(stage)'"
            if let suggestion = Suggestion.didYouMean(stage, among: names) { message += ": \(suggestion)" }
            throw UserError(message)
        }
        switch quantity {
        case .shape:
            guard comparison == .equal, expected.replacingOccurrences(of: " ", with: "").split(separator: "x").count == 2 else {
                throw UserError("a shape is compared with '=' and written R x C, e.g. shape concat = 3 x 4")
            }
        case let .ranked(metric, last):
            guard comparison == .equal, headNumber(expected) != nil else {
                throw UserError("the head ranked \(last ? "last" : "first") is compared with '=' and written head N, "
                                + "e.g. rank \(metric.rawValue) \(last ? "last" : "first") = head 2")
            }
        case .focus:
            let words = ImportanceReport.Focus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            guard comparison == .equal else { throw UserError("a head's focus is compared with '=', e.g. focus head 1 = partly focused") }
            guard ImportanceReport.Focus(rawValue: expected) != nil else {
                throw UserError("'\(expected)' is not a word the importance table gives a head: \(words)")
            }
        case _ where argument ?? quantity.isArgument:
            guard comparison == .equal else { throw UserError("argmax and argmin are compared with '='") }
        default:
            guard Double(expected) != nil || expected.lowercased() == "nan" else {
                throw UserError("'\(expected)' is not a number (anything after the value other than '+- TOLERANCE' is not allowed)")
            }
        }
    }

    private static func parseQuantity(_ words: [String]) throws -> Check.Quantity {
        guard let first = words.first else { throw UserError("nothing to check before the comparison") }
        var rest = Array(words.dropFirst())
        if first == "loss" {
            guard rest.isEmpty else { throw UserError("loss takes nothing more, e.g. loss < 0.01") }
            return .loss
        }
        if first == "removable" {
            let names = HeadImportance.Metric.allCases.map(\.rawValue) + ["random"]
            guard rest.count == 1, names.contains(rest[0]) else {
                throw UserError("write removable METRIC, one of: " + names.joined(separator: " "))
            }
            return .removable(rest[0])
        }
        func pattern(_ name: String) throws -> HeadPattern {
            guard let pattern = HeadPattern(named: name) else {
                throw UserError("no pattern '\(name)': previous next self cls sep punctuation broad")
            }
            return pattern
        }
        if first == "pattern" {
            let parts = rest.count == 2 ? rest[1].split(separator: ".").compactMap { Int($0) } : []
            guard rest.count == 2, parts.count == 2, parts[0] >= 1, parts[1] >= 1 else {
                throw UserError("write pattern PATTERN L.H, e.g. pattern previous 1.3 > 0.9")
            }
            let named = try pattern(rest[0])
            guard named != .broad else { throw UserError("broad is not a share: check a pattern, or `heads broad`") }
            return .pattern(named, layer: parts[0], head: parts[1])
        }
        if first == "heads" {
            guard rest.count == 1 else { throw UserError("write heads PATTERN, e.g. heads cls >= 30") }
            return .heads(try pattern(rest[0]))
        }
        if first == "cosine" {
            guard rest.isEmpty || rest == ["kept"] else { throw UserError("write cosine or cosine kept, e.g. cosine kept > 0.9") }
            return .cosine(kept: !rest.isEmpty)
        }
        if first == "accuracy" {
            guard [1, 3].contains(rest.count), ["train", "test"].contains(rest[0]) else {
                throw UserError("write accuracy train|test [readout R], e.g. accuracy test > 0.99")
            }
            guard rest.count == 3 else { return .accuracy(rest[0], readout: nil) }
            guard rest[1] == "readout", let readout = Int(rest[2]), readout >= 1 else {
                throw UserError("after accuracy \(rest[0]) only 'readout R' may follow (R from 1)")
            }
            return .accuracy(rest[0], readout: readout)
        }
        if let quantity = try importanceQuantity(first, rest) { return quantity }
        // `grad QUANTITY` or `STATISTIC grad STAGE[...]`: the same quantity, of a gradient.
        if first == "grad" { return .gradient(try parseQuantity(rest)) }
        if Check.Statistic(rawValue: first) != nil, rest.first == "grad" {
            return .gradient(try parseQuantity([first] + rest.dropFirst()))
        }
        if first == "shape" {
            guard rest.count == 1 else { throw UserError("write shape STAGE, e.g. shape concat = 3 x 4") }
            return .shape(stage: rest[0])
        }
        if let figure = Check.CostFigure(rawValue: first) {
            var stage: String? = nil
            if let name = rest.first, !["n", "d_model", "heads", "dk"].contains(name) {
                let stages = LayerCost.rowKeys
                guard stages.contains(name) else {
                    var message = "no row '\(name)' in the cost table"
                    if let suggestion = Suggestion.didYouMean(name, among: stages) { message += ": \(suggestion)" }
                    throw UserError(message + " (rows: " + stages.joined(separator: " ") + ")")
                }
                stage = name
                rest.removeFirst()
            }
            var overrides: [String: Int] = [:]
            while rest.count >= 2 {
                guard ["n", "d_model", "heads", "dk"].contains(rest[0]), let value = Int(rest[1]), value > 0 else {
                    throw UserError("\(first) takes n N, d_model D, heads H, dk K, not '\(rest[0]) \(rest[1])'")
                }
                overrides[rest[0]] = value
                rest.removeFirst(2)
            }
            guard rest.isEmpty else { throw UserError("unexpected '\(rest[0])'") }
            return .cost(figure, overrides: overrides, stage: stage)
        }
        let statistic = Check.Statistic(rawValue: first)
        if statistic != nil { guard !rest.isEmpty else { throw UserError("\(first) needs STAGE[ROW]") }
        } else { rest = words }
        let (stage, indices) = try subscripted(rest[0])
        var head: Int? = nil
        if rest.count == 3, rest[1] == "head", let value = Int(rest[2]), value >= 1 {
            head = value
        } else if rest.count != 1 {
            throw UserError("after \(rest[0]) only 'head N' may follow")
        }
        if let statistic {
            switch indices.count {
            case 1: return .statistic(statistic, stage: stage, row: indices[0], col: nil, head: head)
            case 2 where indices[0] == nil: return .statistic(statistic, stage: stage, row: nil, col: indices[1], head: head)
            default: throw UserError("\(statistic.rawValue) takes a row STAGE[r] or a column STAGE[*][c]")
            }
        }
        // A vector (a bias, the gates) has one index: its entry, in row 0.
        if indices.count == 1, let entry = indices[0], Parameter(rawValue: stage)?.isBias == true || stage == "gates" {
            return .cell(stage: stage, row: .number(0), col: entry, head: head)
        }
        guard indices.count == 2, let row = indices[0], let col = indices[1] else {
            throw UserError("a cell is STAGE[ROW][COL], e.g. weights[sat][cat]")
        }
        return .cell(stage: stage, row: row, col: col, head: head)
    }

    /// The figures of `importance` and `compare`: `importance FIGURE head N`, `rank METRIC
    /// head N`, `rank METRIC first|last`, `focus head N`, `compare` and `compare[TOKEN]`; nil
    /// when the words are none of these.
    private static func importanceQuantity(_ first: String, _ rest: [String]) throws -> Check.Quantity? {
        let figures = HeadImportance.Figure.allCases.map(\.rawValue)
        let metrics = HeadImportance.Metric.allCases.map(\.rawValue)
        /// N from the words `head N` (N from 1).
        func numberedHead(_ words: ArraySlice<String>) -> Int? {
            guard words.count == 2, words.first == "head", let number = Int(words.last!), number >= 1 else { return nil }
            return number
        }
        /// "no importance figure 'sensitvity': did you mean 'sensitivity'? (one of: ...)".
        func unknown(_ word: String, _ what: String, _ names: [String]) -> UserError {
            var message = "no \(what) '\(word)'"
            if let suggestion = Suggestion.didYouMean(word, among: names) { message += ": \(suggestion)" }
            return UserError(message + " (one of: " + names.joined(separator: " ") + ")")
        }
        switch first {
        case "importance":
            guard rest.count == 3, let head = numberedHead(rest[1...]) else {
                throw UserError("write importance FIGURE head N, e.g. importance sensitivity head 3 > 0.5 (FIGURE one of: "
                                + figures.joined(separator: " ") + "; magnitude is the weight norm, gradient is |dL/dg|)")
            }
            guard let figure = HeadImportance.Figure(rawValue: rest[0]) else { throw unknown(rest[0], "importance figure", figures) }
            return .importance(figure, head: head)
        case "rank":
            let usage = "write rank METRIC head N (1 = most important) or rank METRIC first|last, e.g. rank entropy head 1 = 2 "
                + "or rank sensitivity last = head 1; or a circuit's rank, rank W_QK head 1 = 2"
            guard let name = rest.first else { throw UserError(usage) }
            if CircuitReport.names.contains(name) {
                guard rest.count == 3, let head = numberedHead(rest[1...]) else { throw UserError(usage) }
                return .circuitRank(name, head: head)
            }
            guard let metric = HeadImportance.Metric(rawValue: name) else {
                if name == "normalized" { throw UserError("the importance table ranks by entropy, not by normalized entropy: write rank entropy ...") }
                throw unknown(name, "ranking metric", metrics)
            }
            if rest.count == 2, ["first", "last"].contains(rest[1]) { return .ranked(metric, last: rest[1] == "last") }
            guard rest.count == 3, let head = numberedHead(rest[1...]) else { throw UserError(usage) }
            return .rank(metric, head: head)
        case "focus":
            guard let head = numberedHead(rest[...]) else {
                throw UserError("write focus head N, e.g. focus head 1 = partly focused")
            }
            return .focus(head: head)
        default:
            guard first.hasPrefix("compare") else { return nil }
            let (name, indices) = try subscripted(first)
            guard name == "compare" else { return nil }
            guard rest.isEmpty, indices.count <= 1, indices.first != .some(nil) else {
                throw UserError("write compare (every token) or compare[TOKEN] (one token), in percent, e.g. compare = 8.7 +- 0.05")
            }
            return .compare(row: indices.first ?? nil)
        }
    }

    /// N from an expected value written `head N` or `N` (N from 1); nil otherwise.
    static func headNumber(_ text: String) -> Int? {
        let words = text.split(separator: " ")
        guard let last = words.last, let head = Int(last), head >= 1,
              words.count == 1 || words.count == 2 && words[0] == "head" else { return nil }
        return head
    }

    /// `weights[sat][0]` as ("weights", [.label("sat"), .number(0)]); `*` is nil (every row).
    private static func subscripted(_ word: String) throws -> (String, [CellIndex?]) {
        guard let open = word.firstIndex(of: "[") else { return (word, []) }
        let stage = String(word[..<open])
        var indices: [CellIndex?] = []
        var rest = word[open...]
        while rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw UserError("'\(word)' has an unclosed '['") }
            let inside = String(rest[rest.index(after: rest.startIndex)..<close])
            indices.append(inside == "*" ? nil : (Int(inside).map(CellIndex.number) ?? .label(inside)))
            rest = rest[rest.index(after: close)...]
        }
        guard rest.isEmpty else { throw UserError("unexpected '\(rest)' after '\(stage)[...]'") }
        return (stage, indices)
    }
}
