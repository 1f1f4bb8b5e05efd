/// Reading and writing arrays as nested JSON arrays of numbers.
///
/// Accepted input: a JSON array nested one to three levels deep whose
/// innermost arrays hold numbers, for example `[1, 2.5e-3, -4]` (1-D),
/// `[[1, 0], [0, 1]]` (2-D) or `[[[1, 2]], [[3, 4]]]` (3-D). Numbers follow
/// the JSON grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`);
/// `true` and `false` are read as 1 and 0 so boolean masks can be typed
/// directly. White space (space, tab, newline, carriage return) may appear
/// between tokens.
///
/// Refused, with the 1-based line and column of the offending character:
/// ragged rows, mixed numbers and arrays on one level, empty arrays, a bare
/// number outside brackets, nesting deeper than three, `null`, `NaN`,
/// `Infinity` and numbers that overflow to infinity (such as `1e999`), and
/// anything after the closing bracket.
///
/// The same parser reads matrix literals typed into the REPL; use
/// ``parsePrefix(_:columnOffset:)`` to read one embedded in a longer line.
public enum JSONArrayText {
    /// Parses a whole text as one array; only white space may follow it.
    ///
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - columnOffset: added to columns on the first line, for text that was
    ///     cut out of a longer line (pass the number of characters before it).
    /// - Throws: ``TensorFileError`` with the position of the problem.
    public static func parse(_ text: String, columnOffset: Int = 0) throws -> NDArray {
        var parser = try Parser(text: text, columnOffset: columnOffset)
        let array = try parser.parseTopLevel()
        parser.skipSpace()
        if parser.index < parser.bytes.count {
            let start = parser.index
            throw TensorFileError.trailingText(found: parser.token(from: start), at: parser.position(of: start))
        }
        return array
    }

    /// Parses one array at the start of `text` (after optional white space)
    /// and returns it with the index just past its closing `]`, so the caller
    /// can continue with the rest of a command line.
    ///
    /// - Parameters:
    ///   - text: text that starts with an array literal.
    ///   - columnOffset: added to reported columns on the first line.
    /// - Returns: the array and the `String.Index` in `text` after the `]`.
    public static func parsePrefix(_ text: String, columnOffset: Int = 0) throws -> (array: NDArray, end: String.Index) {
        var parser = try Parser(text: text, columnOffset: columnOffset)
        let array = try parser.parseTopLevel()
        let end = text.utf8.index(text.utf8.startIndex, offsetBy: parser.index)
        return (array, end)
    }

    /// Formats an array as a JSON nested array, without a trailing newline.
    ///
    /// A 1-D array is one line (`[1.0, 2.5]`); 2-D and 3-D arrays put each
    /// innermost row on its own indented line. Numbers use the shortest text
    /// that reads back to the identical `Double`. JSON has no NaN or
    /// infinity, so those are written as `null`, as NumPy and PyTorch based
    /// reference files do; note that ``parse(_:columnOffset:)`` refuses
    /// `null`. An array whose shape and values disagree is written as 1-D.
    public static func format(_ array: NDArray) -> String {
        let array = array.writableForm
        var output = ""
        write(array.values[...], shape: array.shape[...], indent: 0, into: &output)
        return output
    }

    /// The same nested arrays on one line, `[[1.0, 0.5], [0.0, 2.0]]`: the form a matrix literal
    /// takes in a command, so saved sessions can be read back as commands. Values round-trip
    /// exactly (shortest round-trip form).
    public static func formatLine(_ array: NDArray) -> String {
        let array = array.writableForm
        func line(_ values: ArraySlice<Double>, _ shape: ArraySlice<Int>) -> String {
            guard let first = shape.first, shape.count > 1, first > 0 else {
                return "[" + values.map(numberText).joined(separator: ", ") + "]"
            }
            let stride = values.count / first
            return "[" + (0..<first).map { item in
                let start = values.startIndex + item * stride
                return line(values[start..<start + stride], shape.dropFirst())
            }.joined(separator: ", ") + "]"
        }
        return line(array.values[...], array.shape[...])
    }

    /// The text for one value: shortest round-trip form, or `null`.
    static func numberText(_ value: Double) -> String {
        value.isFinite ? value.description : "null"
    }

    private static func write(_ values: ArraySlice<Double>, shape: ArraySlice<Int>, indent: Int,
                              into output: inout String) {
        guard let first = shape.first else { return }
        if shape.count == 1 {
            output += "[" + values.map(numberText).joined(separator: ", ") + "]"
            return
        }
        guard first > 0 else { output += "[]"; return }
        let stride = values.count / first
        let pad = String(repeating: " ", count: indent + 2)
        output += "[\n"
        for item in 0..<first {
            output += pad
            let start = values.startIndex + item * stride
            write(values[start..<start + stride], shape: shape.dropFirst(), indent: indent + 2, into: &output)
            output += item == first - 1 ? "\n" : ",\n"
        }
        output += String(repeating: " ", count: indent) + "]"
    }

    /// Recursive-descent parser over the UTF-8 bytes of the text. Recursion
    /// depth is bounded by ``TensorLimits/maxNestingDepth``.
    struct Parser {
        let bytes: [UInt8]
        let columnOffset: Int
        let mentionsLine: Bool
        var index = 0
        var values: [Double] = []
        /// The rank, fixed by the depth at which the first number appears.
        var rank: Int?
        /// The length at each depth, fixed by the first array closed there.
        var lengths: [Int?] = Array(repeating: nil, count: TensorLimits.maxNestingDepth)

        init(text: String, columnOffset: Int) throws {
            let utf8 = text.utf8
            guard utf8.count <= TensorLimits.maxTextBytes else {
                throw TensorFileError.inputTooLarge(bytes: utf8.count, limit: TensorLimits.maxTextBytes)
            }
            let bytes = Array(utf8)
            self.bytes = bytes
            self.columnOffset = columnOffset
            self.mentionsLine = bytes.contains(0x0A)
        }

        // MARK: Positions and token text

        /// The line and column of the byte at `offset`.
        func position(of offset: Int) -> TextPosition {
            let end = min(offset, bytes.count)
            var line = 1
            var lineStart = 0
            for i in 0..<end where bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            let prefix = String(decoding: bytes[lineStart..<end], as: UTF8.self)
            let column = prefix.count + 1 + (line == 1 ? columnOffset : 0)
            return TextPosition(line: line, column: column, mentionsLine: mentionsLine)
        }

        /// A short human-readable description of the byte at `offset`.
        func found(at offset: Int) -> String {
            guard offset < bytes.count else { return "the end of the input" }
            return "'" + token(from: offset, wholeWord: false) + "'"
        }

        /// The text from `offset` up to the next delimiter (white space, `,`,
        /// `[`, `]`), at most 24 characters; with `wholeWord == false`, just
        /// the one character at `offset`.
        func token(from offset: Int, wholeWord: Bool = true) -> String {
            var end = offset
            if wholeWord {
                while end < bytes.count, !Self.isDelimiter(bytes[end]) { end += 1 }
            }
            if end == offset, offset < bytes.count { // a single character, whole UTF-8 sequence
                end = offset + 1
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            }
            let text = String(decoding: bytes[offset..<end], as: UTF8.self)
            return text.count > 24 ? String(text.prefix(24)) + "…" : text
        }

        static func isDelimiter(_ byte: UInt8) -> Bool {
            isSpace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        static func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        mutating func skipSpace() {
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        // MARK: Grammar

        mutating func parseTopLevel() throws -> NDArray {
            skipSpace()
            guard let byte = peek() else {
                if bytes.allSatisfy(Self.isSpace) { throw TensorFileError.emptyInput }
                throw TensorFileError.syntax(expected: "'['", found: found(at: index), at: position(of: index))
            }
            guard byte == UInt8(ascii: "[") else {
                let start = index
                // A lone number (or true/false) gets a dedicated hint.
                if (try? parseScalar()) != nil {
                    throw TensorFileError.bareNumber(at: position(of: start))
                }
                throw TensorFileError.syntax(expected: "'[' to start an array", found: found(at: start),
                                             at: position(of: start))
            }
            try parseArray(depth: 0, indexInParent: 0, parentIndex: nil)
            guard let rank else { throw TensorFileError.emptyArray(at: position(of: 0)) }
            let shape = lengths.prefix(rank).map { $0 ?? 0 }
            return try NDArray(shape: shape, values: values)
        }

        /// Parses an array starting at the current `[`, at nesting `depth`
        /// (0 for the outermost).
        mutating func parseArray(depth: Int, indexInParent: Int, parentIndex: Int?) throws {
            let open = index
            guard depth < TensorLimits.maxNestingDepth else {
                throw TensorFileError.nestingTooDeep(limit: TensorLimits.maxNestingDepth, at: position(of: open))
            }
            index += 1 // '['
            skipSpace()
            if peek() == UInt8(ascii: "]") {
                throw TensorFileError.emptyArray(at: position(of: open))
            }
            var count = 0
            while true {
                skipSpace()
                try parseElement(depth: depth, index: count, parentIndex: indexInParent)
                count += 1
                skipSpace()
                guard let byte = peek() else {
                    throw TensorFileError.syntax(expected: "',' or ']'", found: found(at: index), at: position(of: index))
                }
                if byte == UInt8(ascii: ",") { index += 1; continue }
                if byte == UInt8(ascii: "]") { index += 1; break }
                throw TensorFileError.syntax(expected: "',' or ']'", found: found(at: index), at: position(of: index))
            }
            try checkLength(count, depth: depth, indexInParent: indexInParent, parentIndex: parentIndex, open: open)
        }

        /// Compares the length of a just-closed array with the first array
        /// closed at the same depth.
        mutating func checkLength(_ count: Int, depth: Int, indexInParent: Int, parentIndex: Int?,
                                  open: Int) throws {
            guard let expected = lengths[depth] else {
                lengths[depth] = count
                return
            }
            guard count != expected else { return }
            let place = position(of: open)
            let rank = self.rank ?? depth + 1
            if depth == rank - 1 { // a row of numbers
                throw TensorFileError.raggedRows(row: indexInParent, count: count, firstRowCount: expected,
                                                 matrix: rank == 3 ? parentIndex : nil, at: place)
            }
            throw TensorFileError.raggedMatrices(matrix: indexInParent, rows: count, firstMatrixRows: expected, at: place)
        }

        /// Parses one element of an array at `depth`: a nested array or a number.
        mutating func parseElement(depth: Int, index elementIndex: Int, parentIndex: Int) throws {
            guard let byte = peek() else {
                throw TensorFileError.syntax(expected: rank.map { depth + 1 < $0 ? "'['" : "a number" } ?? "a number or '['",
                                             found: found(at: index), at: position(of: index))
            }
            let isArray = byte == UInt8(ascii: "[")
            if let rank {
                if depth + 1 < rank, !isArray {
                    throw TensorFileError.syntax(expected: "'[' (every item on this level is a row)",
                                                 found: found(at: index), at: position(of: index))
                }
                if depth + 1 >= rank, isArray, depth + 1 < TensorLimits.maxNestingDepth {
                    throw TensorFileError.syntax(expected: "a number (the other items on this level are numbers)",
                                                 found: found(at: index), at: position(of: index))
                }
            }
            if isArray {
                try parseArray(depth: depth + 1, indexInParent: elementIndex, parentIndex: parentIndex)
                return
            }
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                throw TensorFileError.syntax(expected: rank == nil ? "a number or '['" : "a number",
                                             found: found(at: index), at: position(of: index))
            }
            let value = try parseScalar()
            if rank == nil { rank = depth + 1 }
            guard values.count < TensorLimits.maxElementCount else {
                throw TensorFileError.tooManyElements(count: nil, limit: TensorLimits.maxElementCount)
            }
            values.append(value)
        }

        /// Parses a number, `true` or `false` at the current index.
        mutating func parseScalar() throws -> Double {
            let start = index
            let word = token(from: start)
            if let end = scanNumber(from: start), end == bytes.count || Self.isDelimiter(bytes[end]) {
                index = end
                let text = String(decoding: bytes[start..<end], as: UTF8.self)
                guard let value = Double(text) else {
                    throw TensorFileError.notANumber(found: word, at: position(of: start))
                }
                guard value.isFinite else {
                    throw TensorFileError.numberOutOfRange(found: word, at: position(of: start))
                }
                return value
            }
            switch word {
            case "true": index += 4; return 1
            case "false": index += 5; return 0
            default: break
            }
            let nonFinite: Set<String> = ["null", "nan", "-nan", "+nan", "inf", "-inf", "+inf",
                                          "infinity", "-infinity", "+infinity"]
            if nonFinite.contains(word.lowercased()) {
                throw TensorFileError.nonFiniteValue(found: word, at: position(of: start))
            }
            throw TensorFileError.notANumber(found: word, at: position(of: start))
        }

        /// Scans the JSON number grammar from `start`; returns the end offset,
        /// or `nil` if the text there is not a complete JSON number.
        func scanNumber(from start: Int) -> Int? {
            var i = start
            func digits() -> Int {
                let first = i
                while i < bytes.count, Self.isDigit(bytes[i]) { i += 1 }
                return i - first
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, Self.isDigit(bytes[i]) else { return nil }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                _ = digits()
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { return nil }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { return nil }
            }
            return i
        }
    }
}
