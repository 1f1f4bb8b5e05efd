import Foundation

/// A parsed JSON document, for the model folder's JSON (config.json, the safetensors header).
///
/// Foundation's decoder does the parsing (and refuses nesting deeper than 512 levels, so hostile
/// input cannot exhaust the stack); this type only keeps what it found, with whole numbers apart
/// from other numbers so that a size or an offset is never read through a `Double`. A number
/// without a fraction that fits in `Int` (`384`, also `384.0` and `1e2`) is `.integer`; any other
/// number is `.number`, including integers beyond `Int`'s range, which no field here accepts.
/// Which of an object's repeated keys is kept is the decoder's choice.
enum JSONValue: Equatable, Sendable, Decodable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes`; throws `ModelFileError(file: file, ...)` when they are not JSON.
    static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, file: String, what: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw ModelFileError(file: file, "\(what) is not valid JSON (UTF-8, at most 512 levels deep)")
        }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
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
