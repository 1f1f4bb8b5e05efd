import Foundation
import Testing
@testable import TensorIO

@Suite("JSONArrayText")
struct JSONArrayTextTests {
    @Test func parsesRanks() throws {
        let vector = try JSONArrayText.parse("[1, 2.5e-3, -4]")
        #expect(vector.shape == [3])
        #expect(vector.values == [1, 0.0025, -4])

        let matrix = try JSONArrayText.parse(" [[1, 0],\n  [0, 1]]\n")
        #expect(matrix.shape == [2, 2])
        #expect(matrix.values == [1, 0, 0, 1])

        let cube = try JSONArrayText.parse("[[[1,2,3],[4,5,6]],[[7,8,9],[10,11,12]]]")
        #expect(cube.shape == [2, 2, 3])
        #expect(cube.values == (1...12).map(Double.init))

        let single = try JSONArrayText.parse("[[7]]")
        #expect(single.shape == [1, 1])
    }

    @Test func booleansAreOneAndZero() throws {
        let mask = try JSONArrayText.parse("[[true, false], [false, true]]")
        #expect(mask.values == [1, 0, 0, 1])
    }

    @Test func numberGrammar() throws {
        let array = try JSONArrayText.parse("[0, -0, 0.5, -1.25E+2, 1e-400, 12e3]")
        #expect(array.values.map(\.bitPattern) == [0, -0.0, 0.5, -125, 0, 12000].map(\.bitPattern))
        for bad in ["[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[-]", "[0x10]", "[1.5abc]", "[\"1\"]"] {
            let error = expectError { try JSONArrayText.parse(bad) }
            guard case .notANumber(_, let at)? = error else {
                Issue.record("\(bad): \(String(describing: error))")
                continue
            }
            #expect(at == TextPosition(line: 1, column: 2, mentionsLine: false))
            expectDescription(error, contains: "column 2")
        }
    }

    @Test func roundTripIsExact() throws {
        var generator = SplitMix64(state: 7)
        var values: [Double] = [0.1, 1.0 / 3.0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e16, 123456789012345680, 1, -2]
        for _ in 0..<200 {
            values.append(Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random(using: &generator) ? 1 : -1))
        }
        values = values.filter(\.isFinite)
        let array = NDArray(vector: values)
        let back = try JSONArrayText.parse(JSONArrayText.format(array))
        #expect(back.values.map(\.bitPattern) == values.map(\.bitPattern))

        let cube = try NDArray(shape: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8.5])
        let text = JSONArrayText.format(cube)
        #expect(try JSONArrayText.parse(text) == cube)
        let matrix = try NDArray(rows: [[1, 2], [3, 4]])
        #expect(JSONArrayText.format(matrix) == "[\n  [1.0, 2.0],\n  [3.0, 4.0]\n]")
    }

    @Test func nonFiniteIsWrittenAsNull() {
        let text = JSONArrayText.format(NDArray(vector: [1, .nan, .infinity, -.infinity]))
        #expect(text == "[1.0, null, null, null]")
    }

    @Test func columnOffsetAndPrefix() throws {
        let line = "let m = [[1, 0], [0, 1]] * 2"
        let start = try #require(line.firstIndex(of: "["))
        let offset = line.distance(from: line.startIndex, to: start)
        let (array, end) = try JSONArrayText.parsePrefix(String(line[start...]), columnOffset: offset)
        #expect(array.shape == [2, 2])
        #expect(String(line[start...])[end...] == " * 2")

        let error = expectError { try JSONArrayText.parse("[[1, 0], [0 1]]", columnOffset: 8) }
        #expect(error == .syntax(expected: "',' or ']'", found: "'1'",
                                 at: TextPosition(line: 1, column: 21, mentionsLine: false)))
        expectDescription(error, contains: "Expected ',' or ']' at column 21, but found '1'")
    }

    @Test func expectedNumberOrBracket() {
        let error = expectError { try JSONArrayText.parse("[1, 2, ,3]") }
        expectDescription(error, contains: "Expected a number at column 8", "found ','")
        let start = expectError { try JSONArrayText.parse("[ , 1]") }
        expectDescription(start, contains: "Expected a number or '[' at column 3")
    }

    @Test func raggedRows() {
        let error = expectError { try JSONArrayText.parse("[[1, 2, 3],\n [4, 5]]") }
        #expect(error == .raggedRows(row: 1, count: 2, firstRowCount: 3, matrix: nil,
                                     at: TextPosition(line: 2, column: 2)))
        expectDescription(error, contains: "row 1", "line 2, column 2", "has 2 values but row 0 has 3")

        let cube = expectError { try JSONArrayText.parse("[[[1,2],[3,4]],[[5,6],[7]]]") }
        expectDescription(cube, contains: "row 1 of matrix 1", "has 1 value but row 0 of matrix 0 has 2")

        let matrices = expectError { try JSONArrayText.parse("[[[1,2],[3,4]],[[5,6]]]") }
        expectDescription(matrices, contains: "matrix 1", "has 1 row but matrix 0 has 2")

        let mixed = expectError { try JSONArrayText.parse("[[1, 2], 3]") }
        expectDescription(mixed, contains: "Expected '['", "column 10")
        let mixed2 = expectError { try JSONArrayText.parse("[1, [2]]") }
        expectDescription(mixed2, contains: "Expected a number", "column 5", "found '['")
    }

    @Test func emptyAndBare() {
        for text in ["[]", "[[]]", "[[1], []]", "[ ]"] {
            let error = expectError { try JSONArrayText.parse(text) }
            expectDescription(error, contains: "empty matrix")
        }
        #expect(expectError { try JSONArrayText.parse("  \n ") } == .emptyInput)
        expectDescription(expectError { try JSONArrayText.parse("") }, contains: "empty")
        let bare = expectError { try JSONArrayText.parse("5") }
        #expect(bare == .bareNumber(at: TextPosition(line: 1, column: 1, mentionsLine: false)))
        expectDescription(bare, contains: "bare number", "[5]")
        expectDescription(expectError { try JSONArrayText.parse("{\"a\": 1}") }, contains: "Expected '['", "found '{'")
    }

    @Test func nonFiniteInput() {
        for (text, word) in [("[1, NaN]", "NaN"), ("[null]", "null"), ("[Infinity]", "Infinity"),
                             ("[1, -Infinity]", "-Infinity"), ("[nan]", "nan")] {
            let error = expectError { try JSONArrayText.parse(text) }
            guard case .nonFiniteValue(let found, _)? = error else {
                Issue.record("\(text): \(String(describing: error))")
                continue
            }
            #expect(found == word)
            expectDescription(error, contains: "non-finite", "not accepted as input")
        }
        expectDescription(expectError { try JSONArrayText.parse("[1,\n NaN]") }, contains: "line 2, column 2")
    }

    @Test func overflowToInfinity() {
        let error = expectError { try JSONArrayText.parse("[1, 1e999]") }
        #expect(error == .numberOutOfRange(found: "1e999", at: TextPosition(line: 1, column: 5, mentionsLine: false)))
        expectDescription(error, contains: "'1e999'", "column 5", "infinity")
        expectDescription(expectError { try JSONArrayText.parse("[-1e400]") }, contains: "too large")
    }

    @Test func nestingTooDeep() {
        let error = expectError { try JSONArrayText.parse("[[[[1]]]]") }
        #expect(error == .nestingTooDeep(limit: 3, at: TextPosition(line: 1, column: 4, mentionsLine: false)))
        expectDescription(error, contains: "deeper than 3", "column 4")
        // A hostile, very deep text fails fast without deep recursion.
        let deep = String(repeating: "[", count: 1_000_000)
        expectDescription(expectError { try JSONArrayText.parse(deep) }, contains: "deeper than 3")
    }

    @Test func trailingAndUnclosed() {
        let trailing = expectError { try JSONArrayText.parse("[1, 2] 3") }
        #expect(trailing == .trailingText(found: "3", at: TextPosition(line: 1, column: 8, mentionsLine: false)))
        expectDescription(trailing, contains: "after the end of the array")
        let unclosed = expectError { try JSONArrayText.parse("[[1, 2], [3, 4]") }
        expectDescription(unclosed, contains: "Expected ',' or ']'", "the end of the input")
    }

    @Test func columnsCountCharactersNotBytes() {
        let error = expectError { try JSONArrayText.parse("[1, 2] # é → x") }
        #expect(error == .trailingText(found: "#", at: TextPosition(line: 1, column: 8, mentionsLine: false)))
        let afterAccent = expectError { try JSONArrayText.parse("[\"é\", é]") }
        guard case .notANumber(_, let at)? = afterAccent else {
            Issue.record("\(String(describing: afterAccent))")
            return
        }
        #expect(at.column == 2)
        let second = expectError { try JSONArrayText.parse("[1, é]") }
        #expect(second == .notANumber(found: "é", at: TextPosition(line: 1, column: 5, mentionsLine: false)))
    }
}
