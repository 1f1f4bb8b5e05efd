import Foundation
import Testing

/// `attention-repl --script FILE`: commands run without prompts, output on stdout.
@Suite("Scripts from a file")
struct ScriptFileTests {
    @Test func walkthroughSucceedsAndPrintsTheSteps() throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write(Walkthrough.script, to: "walkthrough.txt")

        let result = try AttentionREPLBinary.runner().run(["--script", script.path])

        #expect(result.status == 0, "stderr: \(result.standardError)")
        for expected in Walkthrough.expectedOutput {
            #expect(result.standardOutput.contains(expected), "stdout lacks '\(expected)'")
        }
        #expect(!result.standardOutput.contains("attention>"), "a script prints no prompts")
        #expect(result.standardError.isEmpty)
    }

    @Test func exportWritesANumPyFile() throws {
        let directory = try TemporaryDirectory()
        let output = directory.file("w.npy")
        let script = try directory.write("step\nexport weights \(output.path)\n", to: "export.txt")

        let result = try AttentionREPLBinary.runner().run(["--script", script.path])

        #expect(result.status == 0, "stderr: \(result.standardError)")
        let bytes = try Data(contentsOf: output)
        #expect(bytes.prefix(6) == Data([0x93] + Array("NUMPY".utf8)))
    }

    @Test func missingScriptFileFailsNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("no-such-script.txt").path

        let result = try AttentionREPLBinary.runner().run(["--script", missing])

        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("error: cannot read the script '\(missing)'"), "stderr: \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test func windowsLineEndingsAreAccepted() throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write(Walkthrough.script.replacingOccurrences(of: "\n", with: "\r\n"), to: "crlf.txt")

        let result = try AttentionREPLBinary.runner().run(["--script", script.path])

        #expect(result.status == 0, "stderr: \(result.standardError)")
        for expected in Walkthrough.expectedOutput {
            #expect(result.standardOutput.contains(expected), "stdout lacks '\(expected)'")
        }
    }

    /// `--script /dev/stdin` reads the pipe (issue 14: it failed), and a missing script says why.
    @Test func scriptFromDevStdinAndAMissingOne() throws {
        let piped = try AttentionREPLBinary.runner().run(["--script", "/dev/stdin"], standardInput: "heads\n")
        #expect(piped.status == 0 && piped.standardOutput.contains("heads = 2"), "\(piped.standardError)")
        let missing = try AttentionREPLBinary.runner().run(["--script", "/nonexistent/script.txt"])
        #expect(missing.status == 1 && missing.standardError.contains("No such file or directory"), "\(missing.standardError)")
    }
}
