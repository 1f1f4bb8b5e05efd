import Testing
@testable import TensorIO

@Suite("CSVText")
struct CSVTextTests {
    @Test func parsesRows() throws {
        let array = try CSVText.parse("1, 2 ,3\r\n4,5,  6.5e1\r\n")
        #expect(array.shape == [2, 3])
        #expect(array.values == [1, 2, 3, 4, 5, 65])
        let line = try CSVText.parse("0.25,-1,.5,+2")
        #expect(line.shape == [1, 4])
        #expect(line.values == [0.25, -1, 0.5, 2])
        let column = try CSVText.parse("1\n2\n3\n\n\n")
        #expect(column.shape == [3, 1])
    }

    @Test func formatsAndRoundTrips() throws {
        let matrix = try NDArray(rows: [[0.1, -2], [1e-300, 3]])
        let text = try CSVText.format(matrix)
        #expect(text == "0.1,-2.0\n1e-300,3.0\n")
        #expect(try CSVText.parse(text) == matrix)
        #expect(try CSVText.format(NDArray(vector: [1, .nan, .infinity, -.infinity])) == "1.0,nan,inf,-inf\n")
    }

    @Test func refusesRank3() throws {
        let cube = try NDArray(shape: [2, 1, 1], values: [1, 2])
        let error = expectError { try CSVText.format(cube) }
        #expect(error == .rankNotSupported(format: "CSV", rank: 3))
        expectDescription(error, contains: "3-D", ".npy or .json")
    }

    @Test func raggedLines() {
        let error = expectError { try CSVText.parse("1,2,3\n4,5,6\n7,8\n") }
        #expect(error == .raggedLines(line: 3, count: 2, firstLineCount: 3))
        expectDescription(error, contains: "line 3 has 2 values but line 1 has 3")
    }

    @Test func notANumberCell() {
        let error = expectError { try CSVText.parse("1,2\n3, abc\n") }
        #expect(error == .notANumber(found: "abc", at: TextPosition(line: 2, column: 4)))
        expectDescription(error, contains: "line 2, column 4", "'abc'")
        let empty = expectError { try CSVText.parse("1,,2") }
        expectDescription(empty, contains: "line 1, column 3", "an empty value")
        let hex = expectError { try CSVText.parse("0x10") }
        expectDescription(hex, contains: "'0x10'")
        let header = expectError { try CSVText.parse("a,b\n1,2") }
        expectDescription(header, contains: "line 1, column 1", "'a'")
    }

    @Test func nonFiniteAndOverflow() {
        let nan = expectError { try CSVText.parse("1,nan\n") }
        #expect(nan == .nonFiniteValue(found: "nan", at: TextPosition(line: 1, column: 3)))
        expectDescription(nan, contains: "non-finite", "line 1, column 3")
        let infinity = expectError { try CSVText.parse("1\n-inf\n") }
        expectDescription(infinity, contains: "line 2, column 1")
        let overflow = expectError { try CSVText.parse("1e999") }
        expectDescription(overflow, contains: "'1e999'", "too large")
    }

    @Test func blankAndEmpty() {
        let blank = expectError { try CSVText.parse("1,2\n\n3,4\n") }
        #expect(blank == .blankLine(line: 2))
        expectDescription(blank, contains: "Line 2 is blank")
        #expect(expectError { try CSVText.parse("") } == .emptyInput)
        #expect(expectError { try CSVText.parse("\n \r\n") } == .emptyInput)
    }
}
