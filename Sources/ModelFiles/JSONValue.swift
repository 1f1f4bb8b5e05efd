/// A parsed JSON document, for the model folder's JSON (config.json, the safetensors header).
///
/// `JSONParser` reads it, strictly, and refuses nesting deeper than 512 levels, so hostile input
/// cannot exhaust the stack. Whole numbers are kept apart from other numbers so that a size or an
/// offset is never read through a `Double`: a number written without fraction or exponent that
/// fits in `Int`, or one whose nearest double is whole and below 2^53 (`384.0`, `1e2`), is
/// `.integer`; any other number is `.number`, including integers beyond `Int`'s range, which no
/// field here accepts. An object that repeats a key is refused.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes`; throws `ModelFileError(file: file, ...)` naming the mistake and its line
    /// and column when they are not JSON.
    static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, file: String, what: String) throws -> JSONValue {
        let bytes = Array(bytes)
        do {
            return try JSONParser.parse(bytes)
        } catch {
            let (line, column) = JSONParser.place(of: error.offset, in: bytes)
            throw ModelFileError(file: file, "\(what) is not valid JSON: line \(line), column \(column): \(error.problem)")
        }
    }

    /// The kind of value, for error messages: "a string", "an array", ...
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "true or false"
        case let .integer(value): return "the integer \(value)"
        case let .number(value): return "the number \(value)"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
