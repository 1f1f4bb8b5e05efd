import Testing

/// Commands piped to standard input run as a script, with or without `--script -`.
@Suite("Scripts from standard input")
struct StandardInputTests {
    @Test("piped commands run like a script", arguments: [[], ["--script", "-"]])
    func pipedWalkthrough(arguments: [String]) throws {
        let result = try AttentionREPLBinary.runner().run(arguments, standardInput: Walkthrough.script)

        #expect(result.status == 0, "stderr: \(result.standardError)")
        for expected in Walkthrough.expectedOutput {
            #expect(result.standardOutput.contains(expected), "stdout lacks '\(expected)'")
        }
        #expect(!result.standardOutput.contains("attention>"), "a pipe gets no prompts")
        #expect(result.standardError.isEmpty)
    }
}
