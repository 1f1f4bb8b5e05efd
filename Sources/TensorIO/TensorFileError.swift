/// A place in a text input, counted from 1.
///
/// Columns count characters (grapheme clusters), not bytes, so they match
/// what a user sees in a terminal. When text was parsed out of a longer line
/// (see ``JSONArrayText/parse(_:columnOffset:)``), columns on the first line
/// include that offset.
public struct TextPosition: Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column number.
    public var column: Int
    /// Whether ``description`` mentions the line. It is `false` for input
    /// that is a single line (such as a REPL command), where "line 1" adds
    /// nothing.
    public var mentionsLine: Bool

    public init(line: Int, column: Int, mentionsLine: Bool = true) {
        self.line = line
        self.column = column
        self.mentionsLine = mentionsLine
    }

    /// "line 2, column 7", or "column 7" for single-line input.
    public var description: String {
        mentionsLine ? "line \(line), column \(column)" : "column \(column)"
    }
}

/// Everything that can go wrong while reading or writing arrays.
///
/// ``description`` is always one or more complete sentences that say what is
/// wrong, where (line and column for JSON and CSV, byte offset for `.npy`)
/// and, where possible, how to fix it. Descriptions are meant to be shown to
/// the user unchanged.
public enum TensorFileError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: .npy structure

    /// The first six bytes are not `\x93NUMPY`.
    case badMagic
    /// The format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(major: Int, minor: Int)
    /// The header is damaged; `problem` says what is missing or wrong.
    case malformedHeader(problem: String, byteOffset: Int?)
    /// The element type is neither `<f8` nor `<f4`; holds the `descr` found.
    case unsupportedDType(String)
    /// The element type is big-endian (for example `>f8`); holds the `descr`.
    case bigEndian(String)
    /// The data is stored in Fortran (column-major) order.
    case fortranOrder
    /// The data section is shorter than the shape requires.
    case truncatedData(expected: Int, found: Int, byteOffset: Int)
    /// There are more bytes after the data than the shape accounts for.
    case trailingData(expected: Int, found: Int, byteOffset: Int)
    /// A value read from a binary file is NaN or infinite. `index` is the
    /// element's multi-index, `byteOffset` where its bytes start.
    case nonFiniteElement(index: [Int], value: String, byteOffset: Int)

    // MARK: Shape and size

    /// The rank is not 1, 2 or 3.
    case unsupportedRank(Int)
    /// The number of values does not match the shape (or a dimension is negative).
    case invalidShape(shape: [Int], valueCount: Int)
    /// The array has no values; `at` is the offending bracket in JSON text.
    case emptyArray(at: TextPosition?)
    /// The array would hold more than `limit` values; `count` is `nil` when
    /// the exact count is unknown or does not even fit in an `Int`.
    case tooManyElements(count: Int?, limit: Int)
    /// The input is larger than allowed.
    case inputTooLarge(bytes: Int, limit: Int)

    // MARK: Text (JSON and CSV)

    /// The text is empty or holds only white space.
    case emptyInput
    /// The text is not valid UTF-8.
    case notUTF8(byteOffset: Int)
    /// A character that does not fit the grammar; `expected` and `found` are
    /// short phrases such as "',' or ']'" and "'x'".
    case syntax(expected: String, found: String, at: TextPosition)
    /// A value that is not a number; holds the text found.
    case notANumber(found: String, at: TextPosition)
    /// A `NaN`, `Infinity` or `null` value in the input.
    case nonFiniteValue(found: String, at: TextPosition)
    /// A number too large for a `Double`, such as `1e999`.
    case numberOutOfRange(found: String, at: TextPosition)
    /// A JSON number appeared where an array was expected (at top level).
    case bareNumber(at: TextPosition)
    /// Brackets nested deeper than `limit`.
    case nestingTooDeep(limit: Int, at: TextPosition)
    /// A row whose length differs from the first row. `row` is 0-based within
    /// its matrix, `matrix` the 0-based matrix index in a rank-3 array.
    case raggedRows(row: Int, count: Int, firstRowCount: Int, matrix: Int?, at: TextPosition?)
    /// In a rank-3 array, a matrix whose number of rows differs from the first.
    case raggedMatrices(matrix: Int, rows: Int, firstMatrixRows: Int, at: TextPosition?)
    /// A CSV line whose number of cells differs from the first line.
    case raggedLines(line: Int, count: Int, firstLineCount: Int)
    /// A blank line between CSV rows.
    case blankLine(line: Int)
    /// Text left over after a complete JSON array.
    case trailingText(found: String, at: TextPosition)

    // MARK: Files and formats

    /// The path's extension is not `.npy`, `.json` or `.csv`; holds the
    /// extension (without the dot, possibly empty) and the path.
    case unknownExtension(String, path: String)
    /// The file could not be read; `reason` is the system's explanation.
    case cannotRead(path: String, reason: String)
    /// The file could not be written; `reason` is the system's explanation.
    case cannotWrite(path: String, reason: String)
    /// The format cannot hold an array of this rank (CSV and rank 3).
    case rankNotSupported(format: String, rank: Int)

    public var description: String {
        switch self {
        case .badMagic:
            return "This is not an .npy file: it does not start with the bytes \\x93NUMPY at byte offset 0. "
                + "Save arrays from Python with numpy.save(path, array)."
        case let .unsupportedVersion(major, minor):
            return "The .npy file uses format version \(major).\(minor) (byte offset 6), "
                + "but only versions 1.0, 2.0 and 3.0 are supported. Re-save it with a current numpy.save."
        case let .malformedHeader(problem, byteOffset):
            let place = byteOffset.map { " at byte offset \($0)" } ?? ""
            return "The .npy header is malformed\(place): \(problem). The file may be damaged; re-save it with numpy.save."
        case let .unsupportedDType(descr):
            return "The .npy file holds values of type '\(descr)', which is not supported. "
                + "Supported: float64 ('<f8'), float32 ('<f4'), and for masks bool ('|b1') and integers ('|i1', '|u1', '<i4', '<i8'); "
                + "convert with array.astype(numpy.float64)."
        case let .bigEndian(descr):
            return "The .npy file stores big-endian values ('\(descr)'), which are not supported. "
                + "Convert to little-endian float64 with array.astype('<f8') before saving."
        case .fortranOrder:
            return "The .npy file stores its data in Fortran (column-major) order, which is not supported. "
                + "Save numpy.ascontiguousarray(array) instead."
        case let .truncatedData(expected, found, byteOffset):
            return "The .npy file is truncated: expected \(expected) bytes of data starting at byte offset \(byteOffset), "
                + "found only \(found). The file may have been cut off while copying; save it again."
        case let .trailingData(expected, found, byteOffset):
            return "The .npy file has \(found - expected) unexpected bytes after its data: the shape calls for \(expected) bytes "
                + "starting at byte offset \(byteOffset), but \(found) are present. The file may be damaged; save it again."
        case let .nonFiniteElement(index, value, byteOffset):
            return "The value at index \(Self.indexText(index)) (byte offset \(byteOffset)) is \(value); "
                + "non-finite values (NaN and infinity) are not accepted as input. Replace them with finite numbers."
        case let .unsupportedRank(rank):
            if rank == 0 {
                return "The array is 0-D (a single scalar with shape ()); only 1-D, 2-D and 3-D arrays are supported. "
                    + "Store it as a one-element vector instead, for example numpy.atleast_1d(x)."
            }
            return "The array is \(rank)-D; only 1-D, 2-D and 3-D arrays are supported "
                + "(4-D ones only as a model's attention export). Reshape it or save one slice at a time."
        case let .invalidShape(shape, valueCount):
            let expected = NDArray.elementCount(of: shape).map(String.init) ?? "an impossible number of"
            return "The shape \(Self.shapeText(shape)) calls for \(expected) values, but \(valueCount) were given. "
                + "Make the shape's dimensions multiply to the number of values."
        case let .emptyArray(at):
            let place = at.map { " at \($0)" } ?? ""
            return "The array is an empty matrix\(place); it needs at least one value, for example [[1]]."
        case let .tooManyElements(count, limit):
            let amount = count.map { "\($0) values" } ?? "more values than can be counted"
            return "The array would hold \(amount), more than the limit of \(limit) values. "
                + "Use a smaller array; the file may also be damaged."
        case let .inputTooLarge(bytes, limit):
            return "The input is \(bytes) bytes long, more than the limit of \(limit) bytes. Use a smaller array."
        case .emptyInput:
            return "The input is empty; write an array such as [[1, 0], [0, 1]]."
        case let .notUTF8(byteOffset):
            return "The text is not valid UTF-8 (first bad byte at byte offset \(byteOffset)). Save it as UTF-8 text."
        case let .syntax(expected, found, at):
            return "Expected \(expected) at \(at), but found \(found)."
        case let .notANumber(found, at):
            let what = found.isEmpty ? "an empty value" : "'\(found)'"
            return "Expected a number at \(at), but found \(what). Write numbers like 3, -0.5 or 2.5e-3."
        case let .nonFiniteValue(found, at):
            return "Found '\(found)' at \(at), but non-finite values (NaN, Infinity and null) are not accepted as input. "
                + "Replace it with a finite number."
        case let .numberOutOfRange(found, at):
            return "The number '\(found)' at \(at) is too large: it overflows to infinity, "
                + "and non-finite values are not accepted as input. Use a number below about 1.8e308 in size."
        case let .bareNumber(at):
            return "Expected an array starting with '[' at \(at), but found a bare number. "
                + "A single value must be written as an array, for example [5]."
        case let .nestingTooDeep(limit, at):
            return "The brackets at \(at) nest deeper than \(limit) levels; only 1-D, 2-D and 3-D arrays are supported."
        case let .raggedRows(row, count, firstRowCount, matrix, at):
            let place = at.map { " (at \($0))" } ?? ""
            let which = matrix.map { "row \(row) of matrix \($0)" } ?? "row \(row)"
            let first = matrix == nil ? "row 0" : "row 0 of matrix 0"
            return "The rows are ragged: \(which)\(place) has \(count) \(Self.plural(count, "value")) "
                + "but \(first) has \(firstRowCount). Every row must have the same number of values."
        case let .raggedMatrices(matrix, rows, firstMatrixRows, at):
            let place = at.map { " (at \($0))" } ?? ""
            return "The matrices differ in size: matrix \(matrix)\(place) has \(rows) \(Self.plural(rows, "row")) "
                + "but matrix 0 has \(firstMatrixRows). Every matrix in a 3-D array must have the same shape."
        case let .raggedLines(line, count, firstLineCount):
            return "The rows are ragged: line \(line) has \(count) \(Self.plural(count, "value")) "
                + "but line 1 has \(firstLineCount). Every line must have the same number of comma-separated values."
        case let .blankLine(line):
            return "Line \(line) is blank, but blank lines are only allowed at the end of the file. Remove it."
        case let .trailingText(found, at):
            return "Unexpected text '\(found)' at \(at) after the end of the array. Remove it, or check the brackets."
        case let .unknownExtension(ext, path):
            let what = ext.isEmpty ? "has no file extension" : "has the unknown extension '.\(ext)'"
            return "The file '\(path)' \(what); use .npy, .json or .csv so the format can be chosen."
        case let .cannotRead(path, reason):
            return "Could not read '\(path)': \(reason)."
        case let .cannotWrite(path, reason):
            return "Could not write '\(path)': \(reason)."
        case let .rankNotSupported(format, rank):
            return "\(format) can only hold 1-D and 2-D arrays, but this array is \(rank)-D. "
                + "Save per-head stacks (3-D arrays) as .npy or .json instead."
        }
    }

    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    static func indexText(_ index: [Int]) -> String {
        "[" + index.map(String.init).joined(separator: ", ") + "]"
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        count == 1 ? noun : noun + "s"
    }
}

extension TensorFileError {
    /// Where in a text input the problem is, when the error has a place (JSON and CSV
    /// syntax); used to draw a caret under the column of a typed literal.
    public var position: TextPosition? {
        switch self {
        case let .emptyArray(at): return at
        case let .syntax(_, _, at), let .notANumber(_, at), let .nonFiniteValue(_, at),
             let .numberOutOfRange(_, at), let .trailingText(_, at):
            return at
        case let .bareNumber(at), let .nestingTooDeep(_, at): return at
        case let .raggedRows(_, _, _, _, at), let .raggedMatrices(_, _, _, at): return at
        default: return nil
        }
    }
}
