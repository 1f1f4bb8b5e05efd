/// A strict reader of JSON (RFC 8259) into `JSONValue`, for a model folder's untrusted JSON.
///
/// It reads the bytes once, front to back, and on a mistake says what was expected and where
/// (line and column). Nesting deeper than `maximumDepth` is refused, so hostile input cannot
/// exhaust the stack; strings must be UTF-8, and `\u` escapes must pair their surrogates. A
/// leading UTF-8 byte order mark is skipped. An object may not repeat a key (Python's json
/// module would silently keep the last), counting two spellings Swift's strings hold equal (an
/// é composed and decomposed) as one key; and no comma may follow an object's or array's last
/// element (Python's json module and serde_json refuse that too).
struct JSONParser {
    static let maximumDepth = 512
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Where the text went wrong (a byte offset) and how.
    struct Failure: Error, Equatable {
        let offset: Int
        let problem: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The one value `bytes` hold, with nothing but white space around it.
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes)
        if bytes.starts(with: byteOrderMark) { parser.position = byteOrderMark.count }
        let value = try parser.value()
        parser.skipSpace()
        guard parser.position == bytes.count else {
            throw parser.failure("\(parser.describeNext) after the value, where the text should end")
        }
        return value
    }

    /// Line and column (both from 1, the column in characters, as an editor shows them: a byte
    /// order mark takes no room) of a byte offset, for messages.
    static func place(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        let before = bytes[..<min(offset, bytes.count)]
        let firstLineStart = bytes.starts(with: byteOrderMark) ? min(byteOrderMark.count, before.endIndex) : 0
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? firstLineStart
        let line = before.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        return (line, String(decoding: bytes[lineStart..<before.endIndex], as: UTF8.self).count + 1)
    }

    // MARK: Values

    private mutating func value() throws(Failure) -> JSONValue {
        skipSpace()
        guard let byte = next else { throw failure("expected a value, found the end of the text") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("expected a value (an object, array, string, number, true, false or null), found \(describeNext)")
        }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        guard try enter(closedBy: "}") else { return .object(fields) }
        repeat {   // enter and leaves have skipped the white space before each key
            guard next == UInt8(ascii: "\"") else { throw failure("expected a key in double quotes, found \(describeNext)") }
            let keyStart = position
            let key = try string()
            guard fields[key] == nil else {
                throw Failure(offset: keyStart, problem: "the key \(ModelFileError.quoted(key, limit: 100)) appears twice in one object, so which value is meant is unclear")
            }
            skipSpace()
            guard next == UInt8(ascii: ":") else { throw failure("expected ':' after the key \(ModelFileError.quoted(key, limit: 100)), found \(describeNext)") }
            position += 1
            fields[key] = try value()
        } while try !leaves(closedBy: "}", in: "an object")
        return .object(fields)
    }

    private mutating func array() throws(Failure) -> JSONValue {
        var elements: [JSONValue] = []
        guard try enter(closedBy: "]") else { return .array(elements) }
        repeat {
            elements.append(try value())
        } while try !leaves(closedBy: "]", in: "an array")
        return .array(elements)
    }

    /// Steps into an object or array past its opening bracket, one level deeper, and says
    /// whether an element follows: when the closing bracket comes at once, steps past it too.
    private mutating func enter(closedBy end: Unicode.Scalar) throws(Failure) -> Bool {
        guard depth < Self.maximumDepth else { throw failure("objects and arrays nested more than \(Self.maximumDepth) deep") }
        depth += 1
        position += 1
        skipSpace()
        guard next == UInt8(ascii: end) else { return true }
        leave()
        return false
    }

    /// After an element: steps past a comma and says false (another element follows), or past
    /// the closing bracket, one level up, and says true. A comma followed by the closing
    /// bracket is a mistake of its own, named where the comma is.
    private mutating func leaves(closedBy end: Unicode.Scalar, in what: String) throws(Failure) -> Bool {
        skipSpace()
        switch next {
        case UInt8(ascii: ","):
            let comma = position
            position += 1
            skipSpace()
            if next == UInt8(ascii: end) {
                throw Failure(offset: comma, problem: "a ',' right before '\(end)': JSON allows no comma after the last element")
            }
            return false
        case UInt8(ascii: end):
            leave()
            return true
        default:
            throw failure("expected ',' or '\(end)' after a value in \(what), found \(describeNext)")
        }
    }

    /// Steps out of an object or array past its closing bracket.
    private mutating func leave() {
        depth -= 1
        position += 1
    }

    private mutating func word(_ literal: StaticString) throws(Failure) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard bytes[position...].starts(with: expected) else { throw failure("expected the word \(literal)") }
        position += expected.count
    }

    // MARK: Strings

    /// A string from its opening quote to its closing one, escapes decoded.
    private mutating func string() throws(Failure) -> String {
        let start = position
        position += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = next else { throw Failure(offset: start, problem: "this string is not closed with '\"'") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw Failure(offset: start, problem: "this string holds bytes that are not UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &utf8)
            case 0..<0x20:
                throw failure("a control character (byte \(byte)) inside a string; JSON writes it as an escape such as \\n")
            default:
                utf8.append(byte)
                position += 1
            }
        }
    }

    /// One escape sequence, `\n` or `\u00e9` or a surrogate pair, appended as UTF-8.
    private mutating func escape(into utf8: inout [UInt8]) throws(Failure) {
        let start = position
        position += 1
        guard let letter = next else { throw Failure(offset: start, problem: "the text ends inside an escape") }
        position += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(letter); return
        case UInt8(ascii: "b"): utf8.append(0x08); return
        case UInt8(ascii: "f"): utf8.append(0x0C); return
        case UInt8(ascii: "n"): utf8.append(0x0A); return
        case UInt8(ascii: "r"): utf8.append(0x0D); return
        case UInt8(ascii: "t"): utf8.append(0x09); return
        case UInt8(ascii: "u"): break
        default:
            throw Failure(offset: start, problem: "a backslash followed by \(Self.describe(letter)) is not an escape JSON knows "
                          + #"(\" \\ \/ \b \f \n \r \t \uXXXX)"#)
        }
        var code = try hexQuad(escapeStart: start)
        if (0xD800...0xDBFF).contains(code) {
            guard bytes[position...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                throw Failure(offset: start, problem: "\\u\(Self.hex(code)) is the first half of a surrogate pair without its second half")
            }
            position += 2
            let low = try hexQuad(escapeStart: position - 2)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw Failure(offset: start, problem: "\\u\(Self.hex(code)) is the first half of a surrogate pair, but \\u\(Self.hex(low)) is not a second half")
            }
            code = 0x10000 + (code - 0xD800) << 10 + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(code) {
            throw Failure(offset: start, problem: "\\u\(Self.hex(code)) is the second half of a surrogate pair without its first half")
        }
        utf8.append(contentsOf: Unicode.Scalar(code)!.utf8)
    }

    /// The four hex digits of a `\u` escape.
    private mutating func hexQuad(escapeStart: Int) throws(Failure) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = next, let digit = Self.hexDigit(byte) else {
                throw Failure(offset: escapeStart, problem: "\\u must be followed by four hex digits")
            }
            code = code << 4 | digit
            position += 1
        }
        return code
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func hex(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: Numbers

    /// `-`, whole digits (no leading zero), then perhaps a fraction and an exponent. Written
    /// without either and within `Int`, or with a nearest double that is whole and below 2^53
    /// (`384.0`, `1e2`, and so also `1e-400`, which is 0 as a double), it is `.integer`;
    /// otherwise `.number`.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = position
        if next == UInt8(ascii: "-") { position += 1 }
        guard let first = next, Self.isDigit(first) else { throw failure("expected a digit after '-', found \(describeNext)") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var whole = true
        if next == UInt8(ascii: ".") {
            whole = false
            position += 1
            guard let digit = next, Self.isDigit(digit) else { throw failure("expected a digit after the decimal point, found \(describeNext)") }
            skipDigits()
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            whole = false
            position += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { position += 1 }
            guard let digit = next, Self.isDigit(digit) else { throw failure("expected a digit in the exponent, found \(describeNext)") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if whole, let integer = Int(text) { return .integer(integer) }
        guard let value = Double(text), value.isFinite else {
            throw Failure(offset: start, problem: "the number \(text.prefix(40)) is too large for a double")
        }
        if value.rounded() == value, value.magnitude < 0x1p53 { return .integer(Int(value)) }
        return .number(value)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private mutating func skipDigits() {
        while let byte = next, Self.isDigit(byte) { position += 1 }
    }

    // MARK: Reading

    private var next: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let byte = next, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private func failure(_ problem: String) -> Failure { Failure(offset: position, problem: problem) }

    /// The next byte in words: "'x'", "byte 0xFF", or "the end of the text".
    private var describeNext: String {
        guard let byte = next else { return "the end of the text" }
        return Self.describe(byte)
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
