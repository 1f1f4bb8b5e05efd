import Attention
import Foundation
import Gradients
import ReferenceCases
import Teaching
import Testing

/// The backward pass as text: `why grad` writes out cells whose terms add up to the gradient,
/// every backward step shows its title and rule, the prose names the right key, the loss
/// report ends at the loss, and the loss curve draws one point per column.
@Suite("Gradient presenter")
struct GradientPresenterTests {
    typealias Layer = RandomLayer

    static let layers: [Layer] = [
        Layer(name: "plain two heads", seed: 1),
        Layer(name: "three heads, biases, causal, gates", seed: 2, n: 5, dModel: 6, heads: 3, dV: 2, dOut: 6, biases: true,
              mask: .causal, gates: [0: 0.5, 2: 0]),
        Layer(name: "d_k 3, d_v 1, d_out 2, padding", seed: 3, n: 4, dModel: 3, heads: 2, dK: 3, dV: 1, dOut: 2,
              biases: true, padding: [1]),
        Layer(name: "one head, scaling off", seed: 4, n: 3, dModel: 2, heads: 1, dV: 3, dOut: 2, scaling: false),
        // Causal with key 0 padded: query 0 sees no key, so its row is NaN and left out of the loss.
        Layer(name: "a query that sees no key", seed: 5, n: 4, dModel: 4, heads: 2, biases: true, mask: .causal, padding: [0]),
        Layer(name: "direct mode, 3 queries over 4 keys", seed: 6, n: 3, dModel: 2, dV: 3, direct: true),
        Layer(name: "direct mode, causal", seed: 7, n: 4, dModel: 3, dV: 2, mask: .causal, direct: true),
        Layer(name: "temperature 0.5, bias, causal offset 1", seed: 8, n: 4, dModel: 4, heads: 2, biases: true,
              mask: .causalOffset(1), temperature: 0.5, scoreBias: true),
    ]

    static let tokens = ["the", "cat", "sat", "on", "a", "mat"]

    /// A random layer, its trace, a random target, the loss and the backward pass.
    static func presenter(_ layer: Layer) throws -> GradientPresenter {
        var random = SeededRandom(seed: layer.seed)
        func matrix(_ rows: Int, _ cols: Int) -> Matrix { RandomLayer.matrix(rows, cols, &random) }
        let configuration: AttentionConfiguration
        let tokens = Array(Self.tokens.prefix(layer.n))
        if layer.direct {
            let m = layer.mask == .causal ? layer.n : layer.n + 1
            var c = DirectConfiguration(Q: matrix(layer.n, layer.dModel), K: matrix(m, layer.dModel), V: matrix(m, layer.dV),
                                        mask: layer.mask, keyPadding: layer.padding)
            c.scaling = layer.scaling
            configuration = .direct(c)
        } else {
            configuration = .multiHead(layer.multiHead(&random))
        }
        let trace = try Trace.compute(configuration)
        let target = matrix(trace.output.rows, trace.output.cols)
        let loss = try SquaredError(output: trace.output, target: target, leavingOut: trace.fullyBlockedRows)
        let gradients = try GradientTrace.compute(trace, dOutput: loss.gradient)
        return GradientPresenter(forward: Presenter(trace: trace, tokens: tokens, width: 10_000),
                                 gradients: gradients, loss: loss, target: target)
    }

    /// The names whose `why` is a sum of products or of terms (the others show one rule applied
    /// to one number: the softmax's, the mask's, the scaling's, the gate's, the loss's).
    static let summed: Set<String> = ["X", "Q", "K", "V", "weights", "concat", "W_Q", "W_K", "W_V", "W_O",
                                      "b_Q", "b_K", "b_V", "b_O", "gates"]

    @Test(arguments: layers)
    func whyGivesTheGradientAndItsTermsAddUp(_ layer: Layer) throws {
        let presenter = try Self.presenter(layer)
        let trace = presenter.forward.trace
        #expect(Self.summed.union(["masked", "scaled", "scores", "head_out", "output"]) == Set(GradientPresenter.names))
        var cells = 0
        for name in GradientPresenter.names {
            let perHead = Stage(rawValue: name)?.isPerHead == true
            for head in perHead ? Array(trace.heads.indices) : [0] {
                guard let matrix = presenter.gradient(name, head: head) else {
                    // Only the layer's own tensors are missing, and only in direct mode.
                    #expect(layer.direct && ["X", "concat", "gates"].contains(name) || Parameter(rawValue: name) != nil && layer.direct,
                            "\(layer): no gradient of \(name)")
                    continue
                }
                for row in 0..<matrix.rows {
                    for col in 0..<matrix.cols {
                        let cell = presenter.why(name, row: row, col: col, head: head)
                        let value = matrix[row, col]
                        #expect(value.isFinite, "\(layer): dL/d\(name)[\(row)][\(col)] head \(head + 1) is \(value)")
                        #expect(cell.value == value, "\(layer): why \(name)[\(row)][\(col)] head \(head + 1) says \(cell.value), the gradient is \(value)")
                        #expect(!cell.text.isEmpty)
                        if Self.summed.contains(name) {
                            let total = cell.terms.reduce(0, +)
                            #expect(abs(total - value) <= 1e-12,
                                    "\(layer): the terms of dL/d\(name)[\(row)][\(col)] head \(head + 1) add up to \(total), not \(value)")
                        }
                        cells += 1
                    }
                }
            }
        }
        #expect(cells > 50)
    }

    @Test(arguments: layers)
    func everyStepShowsItsTitleAndRule(_ layer: Layer) throws {
        let presenter = try Self.presenter(layer)
        let steps = BackwardStep.all(direct: layer.direct)
        #expect(steps.count == (layer.direct ? 6 : 10))
        for (index, step) in steps.enumerated() {
            for head in [nil] + presenter.forward.trace.heads.indices.map(Optional.some) {
                let report = presenter.report(step, head: head)
                let title = step.title(direct: layer.direct, tempered: layer.temperature != 1)
                #expect(report.contains("Backward \(index + 1) of \(steps.count) · \(title)"), "\(layer) \(step)")
                let rule = presenter.rule(step)
                #expect(!rule.isEmpty)
                for line in rule {
                    #expect(report.contains(line), "\(layer) \(step): the report lacks its rule '\(line)'")
                }
                #expect(report.contains(presenter.shapes(step)), "\(layer) \(step)")
                let last = index + 1 == steps.count
                #expect(report.contains("That was the last backward step") == last, "\(layer) \(step)")
                if !last { #expect(report.contains("Next: `backward` for \(steps[index + 1].rawValue)"), "\(layer) \(step)") }
            }
        }
    }

    /// Direct mode has no X, W_O, concatenation or gates: its backward steps must not name them.
    @Test(arguments: layers.filter(\.direct))
    func directModeStepsNameOnlyWhatExists(_ layer: Layer) throws {
        let presenter = try Self.presenter(layer)
        for step in BackwardStep.all(direct: true) {
            let report = presenter.report(step)
            for missing in ["dL/dX", "dL/dW_O", "dL/dconcat", "dL/dgates", "W_Q"] {
                #expect(!report.contains(missing),
                        "\(layer): backward step \(step) names \(missing), which direct mode does not have: \(report.prefix(80))")
            }
        }
    }

    /// The masked step's prose names the key whose score, raised, lowers the loss most: the
    /// most negative dL/dmasked in the example row (the query with the largest dL/doutput).
    @Test(arguments: layers)
    func theMaskedStepNamesTheMostNegativeKey(_ layer: Layer) throws {
        let presenter = try Self.presenter(layer)
        let trace = presenter.forward.trace
        let labels = presenter.forward.labels
        let row = presenter.exampleRow
        let outputRows = presenter.loss.rows.map { presenter.gradients.output.row($0).reduce(0) { $0 + $1 * $1 } }
        #expect(presenter.gradients.output.row(row).reduce(0) { $0 + $1 * $1 } == outputRows.max(), "\(layer): the row the loss pushes hardest")
        for head in trace.heads.indices {
            let masked = try #require(presenter.gradient("masked", head: head))
            let visible = (0..<trace.m).filter { !trace.blocked[row, $0] }
            let report = presenter.report(.masked, head: head)
            guard visible.count > 1 else {
                #expect(report.contains("With at most one visible key"), "\(layer) head \(head + 1)")
                continue
            }
            let down = visible.min { masked[row, $0] < masked[row, $1] }!
            if trace.gate(head) == 0 {
                // A pruned head (gate 0) cannot affect the loss: its gradients are 0.
                #expect(masked.row(row).allSatisfy { $0 == 0 }, "\(layer) head \(head + 1)")
                #expect(report.contains("Head \(head + 1) is pruned (gate 0)"), "\(layer) head \(head + 1)")
                continue
            }
            #expect(masked[row, down] < 0, "\(layer) head \(head + 1): no negative entry in \(masked.row(row))")
            let sentence = "Raising the score of '\(labels.queries[row])' for '\(labels.keys[down])' would lower the loss most"
            #expect(report.contains(sentence), "\(layer) head \(head + 1): expected \"\(sentence)\" in\n\(report)")
            // Every other visible key's gradient is larger, so no other key is named.
            for other in visible where other != down {
                #expect(!report.contains("Raising the score of '\(labels.queries[row])' for '\(labels.keys[other])' would lower"),
                        "\(layer) head \(head + 1)")
            }
            // The row of dL/dmasked sums to 0.
            #expect(abs(masked.row(row).reduce(0, +)) <= 1e-12)
        }
    }

    @Test(arguments: layers)
    func theLossReportEndsAtTheLoss(_ layer: Layer) throws {
        try lossReportEndsAtTheLoss(try Self.presenter(layer), "\(layer)")
    }

    /// A target within 1e-4 of the output: a loss near 1e-9 must still show its digits.
    @Test func aTinyLossIsNotShownAsZero() throws {
        let presenter = try Self.presenter(Self.layers[0])
        let trace = presenter.forward.trace
        var random = SeededRandom(seed: 99)
        let target = Matrix(rows: trace.output.rows, cols: trace.output.cols) { r, c in trace.output[r, c] + 1e-4 * random.normal() }
        let loss = try SquaredError(output: trace.output, target: target)
        #expect(loss.value > 0 && loss.value < 1e-7)
        let tiny = GradientPresenter(forward: presenter.forward, gradients: try GradientTrace.compute(trace, dOutput: loss.gradient),
                                     loss: loss, target: target)
        try lossReportEndsAtTheLoss(tiny, "tiny loss")
    }

    func lossReportEndsAtTheLoss(_ presenter: GradientPresenter, _ name: String) throws {
        let report = presenter.lossReport()
        let equalsLines = report.split(separator: "\n").filter { $0.hasPrefix("    = ") }
        #expect(equalsLines.count == 2, "\(report)")
        let last = try #require(equalsLines.last).dropFirst("    = ".count)
        let shown = try #require(Double(last), "'\(last)' is not a number")
        let loss = presenter.loss.value
        // At least three significant figures of the loss.
        #expect(abs(shown - loss) <= 5e-3 * abs(loss), "\(name): the report ends at \(last), the loss is \(loss)")
        // The line before: the sum of squares over the count of numbers averaged.
        let count = presenter.loss.rows.count * presenter.forward.trace.output.cols
        let parts = equalsLines[0].dropFirst("    = ".count).components(separatedBy: " / ")
        #expect(parts.count == 2 && parts[1] == "\(count)", "\(equalsLines[0])")
        let sum = try #require(Double(parts[0]), "'\(parts[0])' is not a number")
        #expect(abs(sum / Double(count) - loss) <= 5e-3 * abs(loss), "\(name): \(equalsLines[0]) is not \(loss)")
        #expect(report.contains(") / \(count)\n"))
        if !presenter.forward.trace.fullyBlockedRows.isEmpty {
            #expect(report.contains("sees no key"), "\(name): the left-out row is not mentioned")
        }
    }

    /// Independent check of one loss: L = mean((output - target)²) written out by hand.
    @Test func theLossIsTheMeanSquaredError() throws {
        let presenter = try Self.presenter(Self.layers[0])
        let trace = presenter.forward.trace
        var sum = 0.0
        for r in 0..<trace.output.rows {
            for c in 0..<trace.output.cols {
                let d = trace.output[r, c] - presenter.target[r, c]
                sum += d * d
            }
        }
        #expect(abs(presenter.loss.value - sum / Double(trace.output.values.count)) <= 1e-15)
    }

    // MARK: The loss curve

    /// The plot rows of a rendered curve: the characters after '┤' on each row.
    func plotRows(_ text: String) -> [[Character]] {
        text.split(separator: "\n").compactMap { line in
            guard let bar = line.firstIndex(of: "┤") else { return nil }
            return Array(line[line.index(after: bar)...])
        }
    }

    func columnCount(_ text: String) -> Int? {
        text.split(separator: "\n").first { $0.contains("└") }.map { line in line.filter { $0 == "─" }.count }
    }

    static let curves: [(String, [Double], Int)] = [
        ("falling exponentially, 201 losses", (0...200).map { 0.13 * exp(-Double($0) / 20) }, 100),
        ("falling linearly, 50 losses", (0..<50).map { 1 - Double($0) / 100 }, 100),
        ("3 losses on a narrow screen", [0.5, 0.2, 0.1], 20),
        ("falling to exactly 0", (0...30).map { Double(30 - $0) / 30 }, 60),
        ("1000 falling losses", (0..<1000).map { 1 / Double($0 + 1) }, 80),
    ]

    @Test(arguments: curves.indices)
    func aFallingCurveHasOnePointPerColumnStartingAtTheTop(_ index: Int) throws {
        let (name, losses, width) = Self.curves[index]
        let text = LossCurve.render(losses, width: width, style: .plain)
        let rows = plotRows(text)
        #expect(rows.count == 8, "\(name): \(rows.count) rows")
        let columns = try #require(columnCount(text))
        #expect(columns >= 2 && columns <= losses.count, "\(name): \(columns) columns for \(losses.count) losses")
        for row in rows { #expect(row.count == columns, "\(name): a row of \(row.count) characters, not \(columns)") }
        for column in 0..<columns {
            let dots = rows.filter { $0.count > column && $0[column] == "•" }.count
            #expect(dots == 1, "\(name): column \(column) has \(dots) points\n\(text)")
        }
        #expect(rows[0].first == "•", "\(name): the first column is not on the top row\n\(text)")
        #expect(rows[rows.count - 1].last == "•", "\(name): the last column is not on the bottom row\n\(text)")
        #expect(rows.joined().allSatisfy { $0 == " " || $0 == "•" })
    }

    @Test func aRisingOrFlatCurveStillHasOnePointPerColumn() throws {
        for (name, losses) in [("rising", (0..<40).map { Double($0) }), ("flat", Array(repeating: 0.25, count: 12))] {
            let text = LossCurve.render(losses, width: 100, style: .plain)
            let rows = plotRows(text)
            let columns = try #require(columnCount(text))
            for column in 0..<columns {
                #expect(rows.filter { $0.count > column && $0[column] == "•" }.count == 1, "\(name) column \(column)")
            }
            if name == "rising" { #expect(rows[0].last == "•" && rows[rows.count - 1].first == "•", "\(text)") }
        }
        #expect(LossCurve.render([0.1], width: 100, style: .plain) == "")
    }
}
