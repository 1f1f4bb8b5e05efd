/// The parsed header dictionary of an `.npy` file.
///
/// The header is a Python dictionary literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, padded
/// with spaces and ended by a newline. The parser is tolerant: any white
/// space, single or double quotes, trailing commas, `(3,)` or `[3]` for
/// sequences, Python 2 `3L` integers and unknown extra keys are accepted.
/// Only the three keys above are interpreted, and all three are required.
struct NPYHeader: Equatable {
    /// The dtype string, for example `<f8`; `nil` when `descr` is not a
    /// string (a structured dtype, given as a list of fields).
    var descr: String?
    /// Whether the data is in Fortran (column-major) order.
    var fortranOrder: Bool
    /// The dimensions; an element is `nil` when it does not fit in an `Int`.
    var shape: [Int?]

    /// Parses the header text.
    ///
    /// - Parameters:
    ///   - bytes: the header bytes (after the length field).
    ///   - baseOffset: the byte offset of `bytes[0]` in the file, used in errors.
    ///   - utf8: whether strings are UTF-8 (version 3.0) rather than Latin-1.
    init(bytes: ArraySlice<UInt8>, baseOffset: Int, utf8: Bool) throws {
        var parser = Parser(bytes: Array(bytes), baseOffset: baseOffset, utf8: utf8)
        let entries = try parser.parseDictionary()
        try parser.expectOnlyPadding()

        guard let descrValue = entries["descr"] else {
            throw parser.failure("the 'descr' entry (the element type) is missing", at: nil)
        }
        guard let fortranValue = entries["fortran_order"] else {
            throw parser.failure("the 'fortran_order' entry is missing", at: nil)
        }
        guard let shapeValue = entries["shape"] else {
            throw parser.failure("the 'shape' entry is missing", at: nil)
        }
        switch descrValue {
        case let .string(text): descr = text
        case .sequence: descr = nil
        default: throw parser.failure("the 'descr' entry is not a string", at: nil)
        }
        guard case let .bool(fortran) = fortranValue else {
            throw parser.failure("the 'fortran_order' entry is not True or False", at: nil)
        }
        fortranOrder = fortran
        guard case let .sequence(items) = shapeValue else {
            throw parser.failure("the 'shape' entry is not a tuple of integers", at: nil)
        }
        var dimensions: [Int?] = []
        for item in items {
            guard case let .integer(value) = item else {
                throw parser.failure("the 'shape' entry holds something other than integers", at: nil)
            }
            if let value, value < 0 {
                throw parser.failure("the 'shape' entry has a negative dimension (\(value))", at: nil)
            }
            dimensions.append(value)
        }
        shape = dimensions
    }

    /// A Python literal value as it may appear in the header.
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        /// `nil` when the integer does not fit in an `Int`.
        case integer(Int?)
        case none
        case sequence([Value])
    }

    /// A byte-level recursive-descent parser for the header literal.
    struct Parser {
        let bytes: [UInt8]
        let baseOffset: Int
        let utf8: Bool
        var index = 0
        /// Sequences nested deeper than this are refused (real headers use 2).
        let maxDepth = 16

        init(bytes: [UInt8], baseOffset: Int, utf8: Bool) {
            self.bytes = bytes
            self.baseOffset = baseOffset
            self.utf8 = utf8
        }

        func failure(_ problem: String, at position: Int?) -> TensorFileError {
            .malformedHeader(problem: problem, byteOffset: position.map { baseOffset + $0 })
        }

        func describeCurrent() -> String {
            guard index < bytes.count else { return "the header ends" }
            let byte = bytes[index]
            if byte >= 0x21 && byte < 0x7F { return "found '\(Character(Unicode.Scalar(byte)))'" }
            return "found byte 0x" + String(byte, radix: 16)
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func parseDictionary() throws -> [String: Value] {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
                throw failure("expected '{' to start the header dictionary, \(describeCurrent())", at: index)
            }
            index += 1
            var entries: [String: Value] = [:]
            while true {
                skipSpace()
                guard index < bytes.count else {
                    throw failure("the header ends before the closing '}'", at: index)
                }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return entries }
                let keyStart = index
                guard case let .string(key) = try parseValue(depth: 0) else {
                    throw failure("expected a quoted key in the header dictionary", at: keyStart)
                }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw failure("expected ':' after the key '\(key)', \(describeCurrent())", at: index)
                }
                index += 1
                entries[key] = try parseValue(depth: 0)
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    continue
                } else {
                    throw failure("expected ',' or '}' in the header dictionary, \(describeCurrent())", at: index)
                }
            }
        }

        /// After the dictionary only padding (spaces, newlines, NULs) may follow.
        mutating func expectOnlyPadding() throws {
            while index < bytes.count {
                guard [0x20, 0x09, 0x0A, 0x0D, 0x00].contains(bytes[index]) else {
                    throw failure("unexpected text after the closing '}', \(describeCurrent())", at: index)
                }
                index += 1
            }
        }

        mutating func parseValue(depth: Int) throws -> Value {
            skipSpace()
            guard index < bytes.count else {
                throw failure("expected a value, but the header ends", at: index)
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                return .string(try parseString(quote: byte))
            case UInt8(ascii: "("), UInt8(ascii: "["):
                guard depth < maxDepth else {
                    throw failure("sequences are nested too deeply", at: index)
                }
                return .sequence(try parseSequence(close: byte == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]"),
                                                   depth: depth + 1))
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"):
                return .integer(try parseInteger())
            default:
                let start = index
                while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
                let word = String(decoding: bytes[start..<index], as: UTF8.self)
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default:
                    index = start
                    throw failure("expected a string, number, tuple, True, False or None, \(describeCurrent())", at: start)
                }
            }
        }

        func isWordByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }

        mutating func parseString(quote: UInt8) throws -> String {
            let start = index
            index += 1
            var content: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == quote {
                    index += 1
                    if utf8 {
                        guard let text = String(validating: content, as: UTF8.self) else {
                            throw failure("a string is not valid UTF-8", at: start)
                        }
                        return text
                    }
                    return String(String.UnicodeScalarView(content.map { Unicode.Scalar($0) }))
                }
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    content.append(bytes[index + 1])
                    index += 2
                    continue
                }
                content.append(byte)
                index += 1
            }
            throw failure("a string is not closed before the header ends", at: start)
        }

        mutating func parseSequence(close: UInt8, depth: Int) throws -> [Value] {
            index += 1
            var items: [Value] = []
            while true {
                skipSpace()
                guard index < bytes.count else {
                    throw failure("the header ends before the closing '\(Character(Unicode.Scalar(close)))'", at: index)
                }
                if bytes[index] == close { index += 1; return items }
                items.append(try parseValue(depth: depth))
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if index < bytes.count, bytes[index] == close {
                    continue
                } else {
                    throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))' in a sequence, \(describeCurrent())",
                                  at: index)
                }
            }
        }

        /// Parses `[+-]?digits` with an optional Python 2 `L` suffix.
        /// Returns `nil` for values that do not fit in an `Int`.
        mutating func parseInteger() throws -> Int? {
            let start = index
            var negative = false
            if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var value: Int? = 0
            var digitCount = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let digit = Int(bytes[index] - UInt8(ascii: "0"))
                if let current = value {
                    let (times, overflow1) = current.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times.addingReportingOverflow(digit)
                    value = (overflow1 || overflow2) ? nil : sum
                }
                digitCount += 1
                index += 1
            }
            guard digitCount > 0 else {
                throw failure("expected digits after the sign", at: start)
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "L") || bytes[index] == UInt8(ascii: "l") {
                index += 1
            }
            return negative ? value.map { -$0 } : value
        }
    }
}
