import Teaching

extension UserError {
    /// The error as the learner reads it. In a script: `error: line N: message`, then the
    /// line with a caret under the column, then the hint. At the prompt (`echoed` false) the
    /// line is already on screen, so only the caret is drawn, shifted by the prompt's width.
    public func report(line source: String, lineNumber: Int?, promptWidth: Int = 0,
                       echoed: Bool = true, style: Style = .plain) -> String {
        var lines: [String] = []
        let location = lineNumber.map { "line \($0): " } ?? ""
        if let column, echoed {
            lines.append(style.error("error: ") + location + message)
            lines.append("  " + source)
            lines.append(String(repeating: " ", count: 2 + column - 1) + "^")
        } else if let column {
            lines.append(String(repeating: " ", count: promptWidth + column - 1) + style.error("^"))
            lines.append(style.error("error: ") + location + message)
        } else {
            lines.append(style.error("error: ") + location + message)
        }
        if let hint { lines.append("  hint: " + hint) }
        return lines.joined(separator: "\n")
    }
}
