/// A word of a command line and the 1-based column where it starts. A matrix literal
/// (`[[1, 2], [3, 4]]`, brackets balanced) is one word; so is a quoted path.
struct Word: Equatable {
    var text: String
    var column: Int
    /// The literal's or quoted text's raw form, for error positions.
    var isLiteral: Bool { text.hasPrefix("[") }
}

enum Lexer {
    /// Splits a line into words at spaces, keeping bracketed literals and "quoted text"
    /// whole, and `=` as a word of its own. A `#` outside a literal starts a comment.
    static func words(_ line: String) throws -> [Word] {
        var words: [Word] = []
        let characters = Array(line)
        // Where each character starts in `line` (and where the line ends), so that a word is cut
        // from the line itself rather than rebuilt character by character.
        let starts = Array(line.indices) + [line.endIndex]
        func text(_ range: Range<Int>) -> String { String(line[starts[range.lowerBound]..<starts[range.upperBound]]) }
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if c == " " || c == "\t" { index += 1; continue }
            if c == "#" { break }
            let start = index
            if c == "=" {
                words.append(Word(text: "=", column: start + 1))
                index += 1
            } else if c == "[" {
                var depth = 0
                while index < characters.count {
                    if characters[index] == "[" { depth += 1 }
                    if characters[index] == "]" { depth -= 1 }
                    index += 1
                    if depth == 0 { break }
                }
                if depth != 0 {
                    throw UserError("this literal has \(depth) unclosed '['", column: start + 1,
                                    hint: "close every '[' with ']', e.g. [[1, 0], [0, 1]]")
                }
                words.append(Word(text: text(start..<index), column: start + 1))
            } else if c == "\"" || c == "'" {
                index += 1
                while index < characters.count, characters[index] != c { index += 1 }
                guard index < characters.count else {
                    throw UserError("this quoted text has no closing \(c)", column: start + 1)
                }
                words.append(Word(text: text((start + 1)..<index), column: start + 1))
                index += 1
            } else {
                while index < characters.count, characters[index] != " ", characters[index] != "\t",
                      characters[index] != "=" {
                    index += 1
                }
                words.append(Word(text: text(start..<index), column: start + 1))
            }
        }
        return words
    }
}
