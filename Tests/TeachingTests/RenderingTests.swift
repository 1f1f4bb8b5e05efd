import Attention
@testable import Teaching
import Testing

@Suite("Rendering")
struct RenderingTests {
    @Test func numbersAtPrecisionWithoutNegativeZero() {
        let f = NumberFormat(decimals: 3)
        #expect(f.string(0.12345) == "0.123")
        #expect(f.string(-0.0001) == "0.000")
        #expect(f.string(-.infinity) == "-inf")
        #expect(f.string(.nan) == "NaN")
        #expect(NumberFormat(decimals: 0).string(2.5) == "2")
    }

    /// Up to nine numbers a list shows them all; past that, the first six, how many it leaves
    /// out, and the last two.
    @Test func longListsShowTheirEnds() {
        let f = NumberFormat(decimals: 0)
        #expect(f.list((1...9).map(Double.init)) == "[1, 2, 3, 4, 5, 6, 7, 8, 9]")
        #expect(f.list((1...20).map(Double.init)) == "[1, 2, 3, 4, 5, 6, … 12 more, 19, 20]")
    }

    @Test func tableAlignsColumnsAndLabelsRows() throws {
        let table = TensorTable(title: "w", matrix: try Matrix([[1, -10], [0.5, 2]]),
                                rowLabels: ["the", "cat"], columnLabels: ["the", "cat"], axes: "queries x keys")
        let lines = table.render(format: NumberFormat(decimals: 2), style: .plain, width: 80).split(separator: "\n")
        #expect(lines[0] == "w  2 x 2 (queries x keys)")
        #expect(lines[1] == "        the     cat")
        #expect(lines[2] == "  the  1.00  -10.00")
        #expect(lines[3] == "  cat  0.50    2.00")
    }

    @Test func wideTablesElideMiddleColumns() {
        let matrix = Matrix(rows: 2, cols: 40) { i, j in Double(i * 40 + j) }
        let text = TensorTable(title: "X", matrix: matrix, rowLabels: ["a", "b"], columnLabels: Labels.features(40))
            .render(format: NumberFormat(decimals: 3), style: .plain, width: 60)
        let lines = text.split(separator: "\n")
        #expect(lines.dropFirst().allSatisfy { $0.count <= 60 })
        #expect(text.contains("…") && text.contains("79.000"))   // the last column stays
    }

    /// On random column widths: every column when all fit (or there are at most two);
    /// otherwise the longest prefix that fits beside "…" and the last column (at least the
    /// first), and no width is asked for past the first column at which they stop fitting,
    /// except the last column's.
    @Test func theLongestPrefixThatFitsIsShown() {
        var random = SeededRandom(seed: 5)
        for _ in 0..<3000 {
            let widths = (0..<Int.random(in: 1...70, using: &random)).map { _ in Int.random(in: 1...12, using: &random) }
            let available = Int.random(in: 10...100, using: &random)
            var asked = Set<Int>()
            let shown = TensorTable.visibleColumns(count: widths.count, available: available) { asked.insert($0); return widths[$0] }
            func cost(_ columns: some Sequence<Int>) -> Int { columns.reduce(0) { $0 + widths[$1] + 2 } }
            let firstOverflowing = (0..<widths.count).first { cost(0...$0) > available }
            if firstOverflowing == nil || widths.count <= 2 {
                #expect(shown == widths.indices.map { $0 })
                continue
            }
            let beside = cost([widths.count - 1]) + 3
            let longest = (1..<widths.count).last { cost(0..<$0) + beside <= available } ?? 1
            #expect(shown == (0..<longest).map { $0 } + [nil, widths.count - 1], "\(widths) in \(available)")
            #expect(asked.isSubset(of: Set(0...firstOverflowing!).union([widths.count - 1])), "\(widths) in \(available)")
        }
    }

    /// Two columns are both shown even when the first alone is wider than the terminal.
    @Test func twoColumnsAreShownHoweverNarrowTheTerminal() throws {
        let text = TensorTable(title: "b", matrix: try Matrix([[123456789, -987654321]]), rowLabels: ["a"], columnLabels: ["x", "y"])
            .render(format: NumberFormat(decimals: 3), style: .plain, width: 10)
        #expect(text.split(separator: "\n").last == "  a  1.235e+08  -9.877e+08")
    }

    @Test func colourOnlyWhenAsked() {
        #expect(Style(colour: true).strong("x").contains("\u{1B}["))
        #expect(Style.plain.strong("x") == "x")
        let terminal = ["TERM": "xterm"]
        #expect(Style.decide(choice: "auto", outputIsTerminal: true, environment: terminal).colour)
        #expect(!Style.decide(choice: "auto", outputIsTerminal: false, environment: terminal).colour)
        #expect(!Style.decide(choice: "auto", outputIsTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": "1"]).colour)
        #expect(!Style.decide(choice: "auto", outputIsTerminal: true, environment: ["TERM": "dumb"]).colour)
        #expect(Style.decide(choice: "always", outputIsTerminal: false, environment: [:]).colour)
        #expect(!Style.decide(choice: "never", outputIsTerminal: true, environment: terminal).colour)
    }

    @Test func proseWrapsBetweenWords() {
        let text = Prose.wrap("one two three four five six seven eight nine ten eleven twelve", width: 20)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 20 })
        #expect(text.replacingOccurrences(of: "\n", with: " ") == "one two three four five six seven eight nine ten eleven twelve")
    }

    @Test(arguments: [
        ("abc", 3), ("", 0), ("\u{1B}[31mred\u{1B}[0m", 3), ("a\r\nb", 3), ("\r\r\n\n", 3),
        ("\u{1B}[1m\r\n", 1), ("e\u{301}", 1), ("🙂 ok", 4), ("\u{1B}[2mé\u{1B}[0m x", 3), ("× √ ≈ █▓", 8),
        ("\u{1F1EB}\u{1F1F7}", 1), ("a\u{200D}b", 2), ("\u{1100}\u{1161}", 1),
    ])
    func visibleCountLeavesOutEscapes(_ text: String, _ expected: Int) {
        #expect(text.visibleCount == expected, "\(text.debugDescription)")
    }

    /// A line is measured in the characters it shows, however many bytes they take.
    @Test func proseCountsCharactersNotBytes() {
        let accents = Array(repeating: "e\u{301}", count: 9).joined(separator: " ")   // 17 characters, 35 bytes
        #expect(Prose.wrap(accents, width: 20) == accents)
        let twenty = String(repeating: "ab ", count: 6) + "ab"
        #expect(Prose.wrap(twenty, width: 20) == twenty)
        #expect(Prose.wrap(twenty + "c", width: 20) == "ab ab ab ab ab ab\nabc")
        // Symbols of several bytes are one character each: these 18 fit in 20 columns.
        let symbols = "α·β × √γ ≈ δ — ε …"
        #expect(Prose.wrap(symbols, width: 20) == symbols)
        #expect(Prose.wrap(symbols + " ζζζ", width: 20) == symbols + "\nζζζ")
        // A space followed by a combining accent is one character, and no place to break.
        #expect(Prose.wrap("aaaa bbbb cccc dddd \u{301}eeee ffff", width: 20) == "aaaa bbbb cccc\ndddd \u{301}eeee ffff")
        // "\r\n" is one character and no line break of its own, as before the byte count.
        #expect(Prose.wrap("aaa aaa aaa\r\nbbb bbb bbb", width: 20) == "aaa aaa aaa\r\nbbb bbb\nbbb")
    }

    /// Colour escapes take no room on screen: a coloured heatmap that fits is left whole
    /// (the course walk found every coloured grid broken at 80 columns), and coloured prose
    /// wraps at the width the reader sees.
    @Test func colourTakesNoRoom() throws {
        let map = Heatmap(panels: (1...4).map { .init(title: "weights · head \($0)", matrix: try! Matrix([[0, 0.5, 1], [1, 0.5, 0], [0.2, 0.3, 0.5]]), blocked: nil) },
                          rowLabels: ["the", "cat", "sat"], columnLabels: ["the", "cat", "sat"], range: 0...1)
        let grid = map.render(style: Style(colour: true), format: NumberFormat(), width: 80)
        #expect(grid.split(separator: "\n").allSatisfy { String($0).visibleCount <= 80 })
        #expect(grid.split(separator: "\n").contains { $0.count > 80 }, "the escapes make some lines longer than they look")
        #expect(Prose.wrap(grid, width: 80) == grid)
        let style = Style(colour: true)
        let words = (1...12).map { style.dim("word\($0)") }.joined(separator: " ")
        let wrapped = Prose.wrap(words, width: 40).split(separator: "\n")
        #expect(wrapped.allSatisfy { String($0).visibleCount <= 40 } && wrapped.first.map { String($0).visibleCount } ?? 0 > 30)
    }
}

@Suite("Rendering large tensors")
struct LargeRenderingTests {
    @Test func tallAndWideTablesShowTheirCorners() {
        let matrix = Matrix(rows: 4096, cols: 4096) { i, j in i == 4095 && j == 4095 ? 7 : 0 }
        let text = TensorTable(title: "W", matrix: matrix, rowLabels: Labels.features(4096), columnLabels: Labels.features(4096))
            .render(format: NumberFormat(decimals: 1), style: .plain, width: 80)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2 + 16 + 1 + 4)
        #expect(text.contains("⋮") && text.contains("4076 rows not shown"))
        #expect(lines.last!.hasPrefix("  4095") && lines.last!.hasSuffix("7.0"))
        #expect(lines.allSatisfy { $0.count <= 80 })
    }
}

/// Wrapping and counting by bytes, where every scalar stands alone, give what wrapping and
/// counting by characters give, on random text mixing such scalars with ones that combine.
@Suite("Text by bytes and by characters")
struct TextByBytesTests {
    @Test func bytesAndCharactersAgree() {
        let standing = ["a", "b", "word", " ", " ", "  ", "\n", "\u{1B}[2m", "\u{1B}[0m", "m", "×", "·", "√", "≈", "—", "…",
                        "█", "▓", "α", "é", "\u{AD}", "\u{0}"]
        let combining = ["\r", "\r\n", "e\u{301}", " \u{301}", "\u{200D}", "🙂", "\u{1F1EB}\u{1F1F7}", "\u{1100}\u{1161}"]
        var random = SeededRandom(seed: 11)
        for round in 0..<4000 {
            // Every other text is made of scalars that stand alone only, so that both ways are taken.
            let pieces = round.isMultiple(of: 2) ? standing : standing + combining
            let text = (0..<Int.random(in: 0...40, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(text.visibleCount == text.visibleCharacterCount, "\(text.debugDescription)")
            for width in [0, 20, 21, 25, 33] {
                #expect(Prose.wrap(text, width: width) == Prose.wrapByCharacters(text, width: width), "\(width) \(text.debugDescription)")
            }
        }
    }
}
