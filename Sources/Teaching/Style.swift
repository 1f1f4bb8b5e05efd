/// Terminal colour, decided once at start-up and passed to every renderer. With colour off
/// every function returns its text unchanged, so output to a pipe or a file stays plain.
public struct Style: Sendable {
    public var colour: Bool

    public init(colour: Bool) { self.colour = colour }

    public static let plain = Style(colour: false)

    /// Decides colour the usual way: `always` and `never` win; `auto` colours only a terminal
    /// whose `TERM` is set and not `dumb`, and only when `NO_COLOR` is unset or empty.
    public static func decide(choice: String, outputIsTerminal: Bool, environment: [String: String]) -> Style {
        switch choice {
        case "always": return Style(colour: true)
        case "never": return Style(colour: false)
        default:
            let noColour = !(environment["NO_COLOR"] ?? "").isEmpty
            let term = environment["TERM"] ?? ""
            return Style(colour: outputIsTerminal && !noColour && !term.isEmpty && term != "dumb")
        }
    }

    private func wrap(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func title(_ text: String) -> String { wrap(text, "1;36") }
    public func strong(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func formula(_ text: String) -> String { wrap(text, "33") }
    public func error(_ text: String) -> String { wrap(text, "1;31") }
    public func warning(_ text: String) -> String { wrap(text, "35") }
}
