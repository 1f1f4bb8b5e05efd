/// Reading and writing arrays as comma-separated values.
///
/// Format: one row a line, values separated by commas, optional spaces or
/// tabs around each value, lines ended by `\n` or `\r\n`. Blank lines at the
/// end of the text are ignored; a blank line between rows is an error. There
/// is no header row and no quoting. A value is a decimal number:
/// an optional sign, digits with an optional fraction (`1`, `-0.5`, `.5`,
/// `2.`) and an optional exponent (`2.5e-3`). `nan`, `inf` and numbers that
/// overflow to infinity are refused, because non-finite values are not
/// accepted as input.
///
/// The result is always 2-D: a single line gives a 1 × k matrix (the
/// caller may turn that into a vector). CSV cannot hold 3-D arrays.
public enum CSVText {
    /// Parses CSV text into a 2-D array.
    ///
    /// - Throws: ``TensorFileError`` naming the line (and column for a bad
    ///   value) of the first problem.
    public static func parse(_ text: String) throws -> NDArray {
        let byteCount = text.utf8.count
        guard byteCount <= TensorLimits.maxTextBytes else {
            throw TensorFileError.inputTooLarge(bytes: byteCount, limit: TensorLimits.maxTextBytes)
        }
        // `"\r\n"` is a single Character in Swift, so it is matched as a whole.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        while let last = lines.last, isBlank(last) { lines.removeLast() }
        guard !lines.isEmpty else { throw TensorFileError.emptyInput }

        var values: [Double] = []
        var columnCount: Int?
        for (lineIndex, line) in lines.enumerated() {
            let lineNumber = lineIndex + 1
            if isBlank(line) { throw TensorFileError.blankLine(line: lineNumber) }
            var cellCount = 0
            var column = 1 // column of the first character of the current cell
            for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                let isPadding: (Character) -> Bool = { $0 == " " || $0 == "\t" }
                let leading = cell.prefix(while: isPadding).count
                var trimmed = cell.dropFirst(leading)
                while let last = trimmed.last, isPadding(last) { trimmed = trimmed.dropLast() }
                let valueText = String(trimmed)
                let position = TextPosition(line: lineNumber, column: column + leading)
                let value = try number(from: valueText, at: position)
                guard values.count < TensorLimits.maxElementCount else {
                    throw TensorFileError.tooManyElements(count: nil, limit: TensorLimits.maxElementCount)
                }
                values.append(value)
                cellCount += 1
                column += cell.count + 1
            }
            if let expected = columnCount, expected != cellCount {
                throw TensorFileError.raggedLines(line: lineNumber, count: cellCount, firstLineCount: expected)
            }
            columnCount = cellCount
        }
        return try NDArray(shape: [lines.count, columnCount ?? 0], values: values)
    }

    /// Formats a 1-D array as one line, or a 2-D array as one line a row;
    /// values are separated by `,` and every line ends with `\n`. Numbers use
    /// the shortest text that reads back to the identical `Double`; NaN is
    /// written as `nan` and infinities as `inf` and `-inf`. An array whose
    /// shape and values disagree is written as one line.
    ///
    /// - Throws: ``TensorFileError/rankNotSupported(format:rank:)`` for a 3-D
    ///   array; save per-head stacks as `.npy` or `.json` instead.
    public static func format(_ array: NDArray) throws -> String {
        let array = array.writableForm
        guard array.rank <= 2 else {
            throw TensorFileError.rankNotSupported(format: "CSV", rank: array.rank)
        }
        let columns = array.rank == 2 ? array.shape[1] : array.values.count
        guard columns > 0 else { return "" }
        var output = ""
        var start = 0
        while start < array.values.count {
            let row = array.values[start..<min(start + columns, array.values.count)]
            output += row.map(numberText).joined(separator: ",") + "\n"
            start += columns
        }
        return output
    }

    /// The text for one value: shortest round-trip form, `nan`, `inf` or `-inf`.
    static func numberText(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }

    static func isBlank(_ line: Substring) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
    }

    /// Converts one cell to a `Double`, checking the decimal grammar first
    /// (so hexadecimal and other forms `Double(String)` would accept are
    /// refused) and refusing non-finite results.
    static func number(from text: String, at position: TextPosition) throws -> Double {
        let lower = text.lowercased()
        let signless = lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        if ["nan", "inf", "infinity", "null"].contains(signless) {
            throw TensorFileError.nonFiniteValue(found: text, at: position)
        }
        guard isDecimal(text), let value = Double(text) else {
            throw TensorFileError.notANumber(found: text, at: position)
        }
        guard value.isFinite else {
            throw TensorFileError.numberOutOfRange(found: text, at: position)
        }
        return value
    }

    /// Whether `text` matches `[+-]?(digits(.digits?)?|.digits)([eE][+-]?digits)?`.
    static func isDecimal(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var mantissaDigits = digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == bytes.count
    }
}
