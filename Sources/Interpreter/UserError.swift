/// A mistake in what the learner typed or asked for. Every error says what went wrong, where
/// (the column of a typed command, for a caret) and how to fix it. Errors never end the REPL.
public struct UserError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// 1-based column in the command line where the problem is, if it has a place.
    public var column: Int?
    /// What to do about it, when the message alone does not say.
    public var hint: String?

    /// Ctrl-C stopped the command part-way: the REPL puts the session back as it was.
    public var isInterruption = false

    public init(_ message: String, column: Int? = nil, hint: String? = nil) {
        self.message = message
        self.column = column
        self.hint = hint
    }

    /// A command stopped by Ctrl-C.
    public static var interruption: UserError {
        var error = UserError("stopped by Ctrl-C before the command finished; the session is as it was before it")
        error.isInterruption = true
        return error
    }

    public var description: String {
        hint.map { "\(message)\n  hint: \($0)" } ?? message
    }
}
