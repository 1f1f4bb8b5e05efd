import Foundation

/// The data a page is drawn from, as JSON: a value small enough to build by hand and written
/// with the escaping a page needs. Written here rather than with JSONSerialization so that the
/// output is the same on every platform (key order, number form) and safe inside an HTML
/// `<script>` element: `<`, `>`, `&` and `/` are escaped (no `</script>`, no `//`), and so is
/// the `h` of any `http` a token or sentence holds, so the file never names a web address.
public indirect enum PageJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number as text the page shows verbatim: the session's own formatting (`NumberFormat`),
    /// so the page prints exactly what the terminal prints.
    case string(String)
    case array([PageJSON])
    /// Keys in the order given.
    case object([(String, PageJSON)])

    public static func == (a: PageJSON, b: PageJSON) -> Bool { a.text == b.text }

    /// Strings, one for each item.
    static func strings(_ items: [String]) -> PageJSON { .array(items.map(PageJSON.string)) }

    /// The JSON text.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(value): out += value ? "true" : "false"
        case let .int(value): out += String(value)
        case let .string(value): Self.quote(value, to: &out)
        case let .array(items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case let .object(pairs):
            out += "{"
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ text: String, to out: inout String) {
        out += "\""
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "/": out += "\\/"
            case "<", ">", "&": out += String(format: "\\u%04x", scalar.value)
            case _ where Self.startsWeb(scalars, at: index):
                out += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Whether "http" (in any case) starts at `index`.
    static func startsWeb(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + 4 <= scalars.count, scalars[index] == "h" || scalars[index] == "H" else { return false }
        return String(String.UnicodeScalarView(scalars[index..<index + 4])).lowercased() == "http"
    }
}
