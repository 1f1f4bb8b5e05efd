/// Where command lines come from: readline at a terminal, plain lines from a pipe or a
/// script, an array in tests. nil means the input has ended.
protocol LineReader {
    mutating func readLine(prompt: String) -> String?
}

/// Lines from standard input without prompts or editing, for pipes.
struct StandardInputReader: LineReader {
    mutating func readLine(prompt: String) -> String? {
        Swift.readLine(strippingNewline: true)
    }
}
