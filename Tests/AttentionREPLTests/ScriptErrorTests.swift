import Foundation
import Testing

/// A script stops at its first failing line with `error: line N: ...` and status 1.
@Suite("Script errors")
struct ScriptErrorTests {
    @Test func misspelledCommandStopsTheScript() throws {
        let script = "step\nstep\nstpe\nwhere\n"

        let result = try AttentionREPLBinary.runner().run(["--script", "-"], standardInput: script)

        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("error: line 3:"), "stderr: \(result.standardError)")
        #expect(result.standardError.contains("did you mean 'step'"))
        #expect(result.standardOutput.contains("Stage 2 of 9"), "lines before the error ran")
        #expect(!result.standardOutput.contains("Stage 2 of 9: projection"), "line 4 (`where`) must not run")
    }

    @Test func literalSyntaxErrorPointsAtTheColumn() throws {
        let line = "X = [[1, 2], [3 4]]"

        let result = try AttentionREPLBinary.runner().run(standardInput: line + "\n")

        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("error: line 1:"), "stderr: \(result.standardError)")
        let lines = result.standardError.components(separatedBy: "\n")
        let echoed = try #require(lines.firstIndex { $0.hasSuffix(line) }, "the line is echoed: \(lines)")
        let caretLine = try #require(lines.indices.contains(echoed + 1) ? lines[echoed + 1] : nil)
        #expect(caretLine.trimmingCharacters(in: .whitespaces) == "^", "caret line: '\(caretLine)'")
        let caretColumn = try #require(caretLine.firstIndex(of: "^")).utf16Offset(in: caretLine)
        let fourColumn = try #require(lines[echoed].firstIndex(of: "4")).utf16Offset(in: lines[echoed])
        #expect(caretColumn == fourColumn, "\n\(lines[echoed])\n\(caretLine)")
    }
}
