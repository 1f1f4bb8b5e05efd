import Attention
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Teaching
import Testing

@Suite("Heatmaps and pictures")
struct HeatmapTests {
    /// Two heads over "the cat sat" with a causal mask.
    let presenter: Presenter = {
        let I = Matrix.identity(4)
        let X = try! Matrix([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]])
        let config = MultiHeadConfiguration(X: X, heads: 2, W_Q: I, W_K: I, W_V: I, W_O: I, mask: .causal)
        return Presenter(trace: try! Trace.compute(.multiHead(config)), tokens: ["the", "cat", "sat"], width: 100)
    }()

    @Test func plainHeatmapHasLabelsLegendAndBlockedMarks() {
        let text = presenter.heatmap(.weights, head: nil)
        #expect(!text.contains("\u{1B}["), "no escape codes with colour off")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].contains("weights · head 1") && lines[0].contains("weights · head 2"), "side by side: \(lines[0])")
        #expect(lines[1].contains("the cat sat"))
        // Row 'the' sees only itself: weight 1 (darkest, @), then two blocked cells.
        #expect(lines[2].hasPrefix("  the @@@   x   x"), "\(lines[2])")
        #expect(text.contains("scale: 0.000 [ .:-=+*#%@] 1.000"))
        #expect(text.contains("x = blocked"))
        #expect(lines.allSatisfy { $0.count <= 100 })
    }

    /// A long sequence is cut as tables are: the first 16 and the last 4 rows and columns, each
    /// cell shown under its own labels.
    @Test func longSidesShowTheirFirst16AndLast4() {
        let n = 30
        let matrix = Matrix(rows: n, cols: n) { i, j in i == j ? 1 : 0 }
        let labels = (0..<n).map { "t\($0)" }
        let heatmap = Heatmap(panels: [.init(title: "weights", matrix: matrix, blocked: nil)], rowLabels: labels,
                              columnLabels: labels, range: 0...1)
        let lines = heatmap.render(style: .plain, format: NumberFormat(decimals: 3), width: 200)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[1].split(separator: " ").map(String.init)
        #expect(header == (0..<16).map { "t\($0)" } + ["…"] + (26..<30).map { "t\($0)" })
        let rows = lines.dropFirst(2).prefix(21).map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(rows == (0..<16).map { "t\($0)" } + ["⋮"] + (26..<30).map { "t\($0)" })
        // The diagonal's 1 (the darkest cell, @@@) sits under its own label, before and after the gap.
        func end(_ text: String, of part: String) -> Int? {
            text.range(of: part).map { text.distance(from: text.startIndex, to: $0.upperBound) }
        }
        for (line, label) in [(lines[2 + 5], "t5"), (lines[2 + 18], "t27")] {
            #expect(line.hasPrefix("  \(label) "))
            #expect(end(line, of: "@@@") != nil && end(line, of: "@@@") == end(lines[1], of: " \(label)"), "\(line)")
        }
        #expect(lines.contains("(10 rows and 10 columns not shown)"))
        #expect(!heatmap.render(style: .plain, format: NumberFormat(decimals: 3), width: 200).contains("t16"))
    }

    @Test func narrowTerminalsStackThePanels() {
        var narrow = presenter
        narrow.width = 30
        let lines = narrow.heatmap(.weights, head: nil).split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("weights · head") }.count == 2)
        #expect(!lines.contains { $0.contains("head 1") && $0.contains("head 2") })
    }

    @Test func colourHeatmapUsesBackgrounds() {
        var coloured = presenter
        coloured.style = Style(colour: true)
        let text = coloured.heatmap(.weights, head: 1)
        #expect(text.contains("\u{1B}[48;5;"))
        #expect(text.contains("weights · head 2") && !text.contains("weights · head 1"))
    }

    @Test func prunedHeadsAreMarked() throws {
        guard case var .multiHead(c) = presenter.trace.configuration else { return }
        c.gates = [1: 0]
        let pruned = Presenter(trace: try Trace.compute(.multiHead(c)), tokens: ["the", "cat", "sat"])
        #expect(pruned.heatmap(.weights, head: nil).contains("head 2 (pruned)"))
        #expect(pruned.tables(.head_out).contains("head_out · head 2 (pruned)"))
        #expect(pruned.attends(row: 2).contains("head 2 (pruned): sat ->"))
    }

    /// Past ten keys, `attends` lists each head's strongest eight and sums the rest; up to ten,
    /// every key.
    @Test func attendsListsTheStrongestKeysOfALongRow() throws {
        // One query whose scores against 12 keys are 0, 1, ..., 11 (Q = [1], K = 0 ... 11).
        let Q = try Matrix([[1]])
        let K = Matrix(rows: 12, cols: 1) { row, _ in Double(row) }
        let long = Presenter(trace: try Trace.compute(.direct(DirectConfiguration(Q: Q, K: K, V: K))), tokens: [])
        let text = long.attends(row: 0)
        let weights = long.trace.heads[0].weights.row(0)
        let rest = weights[0..<4].reduce(0, +)   // keys 0 to 3, the weakest
        #expect(text.contains("q0 -> k11 \(long.format.string(weights[11])), k10"), "\(text)")
        #expect(text.contains("k4 \(long.format.string(weights[4])), and 4 more keys with \(long.format.string(rest)) together"),
                "\(text)")
        #expect(!text.contains("k3 "))

        let short = presenter.attends(row: 2)
        #expect(short.contains("sat ->") && !short.contains("more keys"))
    }

    /// The SVG parses as XML, has one panel per head and one cell per weight, and its labels.
    @Test func svgIsValidWithAPanelPerHead() throws {
        let svg = presenter.svg(.weights)
        final class Collector: NSObject, XMLParserDelegate {
            var panels = 0, cells = 0, texts: [String] = [], current = ""
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String]) {
                if name == "g", attributes["class"] == "panel" { panels += 1 }
                if name == "rect", attributes["class"] == "cell" { cells += 1 }
                current = ""
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                if name == "text" { texts.append(current) }
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "the SVG must be well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.panels == 2)
        #expect(collector.cells == 2 * 9)
        #expect(collector.texts.contains("head 1") && collector.texts.contains("sat") && collector.texts.contains("1.000"))
        #expect(!svg.contains("href") && !svg.contains("http://www.w3.org/1999/xlink"), "no external resources")
    }
}

@Suite("Escaping for SVG")
struct SVGEscapingTests {
    /// XML's own reader gets every text back from the escaped form, as an attribute and as
    /// element text, on random texts of the four special characters, other ASCII, accents,
    /// emoji and combining marks; where no special character carries a combining mark, the
    /// escaping agrees with Foundation's replacing (which matches whole characters, so it left
    /// `"` with an accent on it unescaped, and the XML broken).
    @Test func xmlReadsBackWhatWasEscaped() throws {
        #expect(SVGHeatmap.escaped("a<b & \"c\">d") == "a&lt;b &amp; &quot;c&quot;&gt;d")
        #expect(SVGHeatmap.escaped("caf\u{E9} 1.000") == "caf\u{E9} 1.000")
        #expect(SVGHeatmap.escaped("\"\u{301} <\u{338}") == "&quot;\u{301} &lt;\u{338}")
        final class Reader: NSObject, XMLParserDelegate {
            var attribute: String?, text = ""
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String]) { attribute = attributes["a"] }
            func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        }
        let pieces = ["&", "<", ">", "\"", "'", "a", " ", "1", ";", "amp", "\u{E9}", "e\u{301}", "\u{1F642}", "&amp;", "\u{301}", "\u{338}"]
        var random = SeededRandom(seed: 7)
        for _ in 0..<500 {
            let text = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let escaped = SVGHeatmap.escaped(text)
            if text.allSatisfy({ $0.unicodeScalars.count == 1 || !$0.unicodeScalars.contains { "&<>\"".unicodeScalars.contains($0) } }) {
                let foundation = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                #expect(escaped == foundation, "\(text.debugDescription)")
            }
            let parser = XMLParser(data: Data("<t a=\"\(escaped)\">\(escaped)</t>".utf8))
            let reader = Reader()
            parser.delegate = reader
            #expect(parser.parse(), "\(text.debugDescription)")
            #expect(reader.attribute == text && reader.text == text, "\(text.debugDescription)")
        }
    }
}

@Suite("Colours for SVG")
struct SVGColourTests {
    /// The same text as printf's "%02x", on every whole value and halves between them.
    @Test func hexColoursAreWhatPrintfWrites() {
        for tenth in stride(from: 0.0, through: 2550, by: 5) {
            let value = tenth / 10
            let (r, g, b) = (value, 255 - value, (value * 7).truncatingRemainder(dividingBy: 255))
            let printf = String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
            #expect(SVGHeatmap.hexColour(r, g, b) == printf, "\(r) \(g) \(b)")
        }
    }
}

@Suite("Heatmap scales")
struct HeatmapScaleTests {
    /// Scales at Double's edges: one huge value throughout (1e17 - 1 is 1e17, which once left
    /// a scale of no width and crashed `heatmap` and `export NAME FILE.svg`), a scale wider than
    /// the largest Double, and one whose zero is at its top.
    @Test func scalesAtTheEdgesOfDoubleDrawWithoutCrashing() throws {
        func map(_ values: [Double], _ range: ClosedRange<Double>? = nil) throws -> Heatmap {
            let panels = [Heatmap.Panel(title: "t", matrix: try Matrix([values]), blocked: nil)]
            let labels = values.indices.map { "k\($0)" }
            return Heatmap(panels: panels, rowLabels: ["q"], columnLabels: labels,
                           range: range ?? Heatmap.range(of: panels, isWeights: false))
        }
        let huge = try map([1e17, 1e17])
        #expect(huge.range.lowerBound < 1e17 && 1e17 < huge.range.upperBound)
        #expect(huge.level(1e17) == 0.5)
        let widest = try map([-1e308, 0, 1e308])
        #expect([-1e308, 0, 1e308].map(widest.level) == [0, 0.5, 1])
        #expect(widest.range == -1e308...1e308)
        let zeroOnTop = try map([-1, 1e-300])
        #expect(zeroOnTop.level(0) == 1 && zeroOnTop.level(1e-300) == 1)
        let subnormal = try map([0, .leastNonzeroMagnitude])
        #expect(subnormal.level(0) == 0 && subnormal.level(.leastNonzeroMagnitude) == 1)
        let largest = try map([.greatestFiniteMagnitude]), lowest = try map([-.greatestFiniteMagnitude])
        #expect(largest.range.upperBound == .greatestFiniteMagnitude && lowest.range.lowerBound == -.greatestFiniteMagnitude)
        for heatmap in [huge, widest, zeroOnTop, subnormal, largest, lowest] {
            for style in [Style.plain, Style(colour: true)] {
                #expect(!heatmap.render(style: style, format: NumberFormat(), width: 80).isEmpty)
            }
            let svg = SVGHeatmap.render(heatmap, title: "t", format: NumberFormat())
            #expect(XMLParser(data: Data(svg.utf8)).parse())
        }
    }

    @Test func signedTensorsGetATwoSidedScale() throws {
        let matrix = try Matrix([[-2, 0, 2]])
        let map = Heatmap(panels: [.init(title: "scores", matrix: matrix, blocked: nil)],
                          rowLabels: ["a"], columnLabels: ["a", "b", "c"], range: -2...2)
        #expect(map.isSigned)
        #expect(map.colourCode(0) == 17 && map.colourCode(0.5) == 231 && map.colourCode(1) == 88)
        let text = map.render(style: Style(colour: true), format: NumberFormat(), width: 80)
        #expect(text.contains("48;5;17m") && text.contains("48;5;88m"))
        #expect(!text.contains("x = blocked"), "no blocked cells, so no mark in the legend")
    }

    /// Weights get a viridis-like ramp: every step brighter than the one before, and no step
    /// black or white, so the strongest weight shows on a dark terminal (issue 14) and the
    /// weakest on a light one.
    @Test func oneSidedScaleReadsOnDarkAndLightTerminals() throws {
        let map = Heatmap(panels: [.init(title: "w", matrix: try Matrix([[0, 1]]), blocked: nil)],
                          rowLabels: ["a"], columnLabels: ["a", "b"], range: 0...1)
        let codes: [Int] = (0...10).map { map.colourCode(Double($0) / 10) }
        #expect(codes == [53, 55, 24, 25, 30, 31, 36, 71, 77, 148, 220])
        // The palette's RGB (xterm: 16 + 36 r + 6 g + b, levels 0, 95, 135, 175, 215, 255).
        func luminance(_ code: Int) -> Double {
            let level = [0.0, 95, 135, 175, 215, 255], c = code - 16
            let (r, g, b) = (level[c / 36], level[c / 6 % 6], level[c % 6])
            return 0.2126 * r + 0.7152 * g + 0.0722 * b
        }
        let lightness = codes.map(luminance)
        #expect(lightness.first! > 20 && lightness.last! < 235, "neither end is black or white")
        #expect(lightness.last! - lightness.first! > 150, "the ends are far apart")
        #expect(zip(lightness, lightness.dropFirst()).filter { $0.1 < $0.0 - 10 }.isEmpty, "\(lightness): never clearly darker for a larger weight")
        #expect(map.colourCode(-0.5) == 53 && map.colourCode(2) == 220)
    }
}
