import Foundation
import Testing

/// `--version`, `--help` and `--color`.
@Suite("Command-line options")
struct CommandLineOptionTests {
    static let escape = "\u{1B}["

    @Test func versionIsPrinted() throws {
        let result = try AttentionREPLBinary.runner().run(["--version"])

        #expect(result.status == 0)
        let version = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.range(of: #"\d+\.\d+\.\d+"#, options: .regularExpression) != nil, "version: '\(version)'")
    }

    @Test func helpNamesTheOptions() throws {
        let result = try AttentionREPLBinary.runner().run(["--help"])

        #expect(result.status == 0)
        #expect(result.standardOutput.contains("--script"))
        #expect(result.standardOutput.contains("--color"))
    }

    /// `--model DIR` starts with the model loaded; a folder that is not one exits 1 naming the file.
    @Test func modelOptionLoadsAFolder() throws {
        let tiny = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ReferenceCases/Fixtures/tiny-bert").path
        let result = try AttentionREPLBinary.runner().run(["--model", tiny], standardInput: "layer 2\nwhere\n")
        #expect(result.status == 0, "\(result.standardError)")
        // The description is wrapped to the width, which depends on the folder's path.
        let output = result.standardOutput.replacingOccurrences(of: "\n", with: " ")
        #expect(output.contains("2 layers of 2 heads"), "\(output)")
        #expect(output.contains("layer 2 of 2"))
        let missing = try AttentionREPLBinary.runner().run(["--model", "/nonexistent/folder"], standardInput: "")
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("config.json"), "\(missing.standardError)")
    }

    @Test func colorAlwaysColoursAPipe() throws {
        let result = try AttentionREPLBinary.runner().run(["--color", "always"], standardInput: "step\n")

        #expect(result.status == 0)
        #expect(result.standardOutput.contains(Self.escape))
    }

    @Test func colorNeverHasNoEscapes() throws {
        let result = try AttentionREPLBinary.runner().run(["--color", "never"], standardInput: Walkthrough.script)

        #expect(result.status == 0)
        #expect(result.standardOutput.contains("Stage 2 of 9"))
        #expect(!result.standardOutput.contains(Self.escape))
    }

    @Test("auto colour gives no escapes to a pipe", arguments: [nil, "1"])
    func colorAutoWithAPipe(noColor: String?) throws {
        let result = try AttentionREPLBinary.runner()
            .run(["--color", "auto"], standardInput: "step\n", environment: ["NO_COLOR": noColor, "TERM": "xterm"])

        #expect(result.status == 0)
        #expect(result.standardOutput.contains("Stage 1 of 9"))
        #expect(!result.standardOutput.contains(Self.escape))
    }
}
