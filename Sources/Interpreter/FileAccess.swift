import Foundation

/// Which files commands may read and write. `anywhere` for the learner; `confined` keeps a
/// fuzzer (or any untrusted script) inside one folder: relative paths only, no `..`.
public enum FileAccess: Equatable, Sendable {
    case anywhere
    case confined(to: String)

    /// The path to use for `path`, or an error when it leaves the allowed folder.
    func resolve(_ path: String) throws -> String {
        // The system reads a path only up to its first NUL, so "a\0b" would quietly name "a".
        guard !path.utf8.contains(0) else {
            throw UserError("'\(path.debugDescription.dropFirst().dropLast())' holds a NUL character (\\0), which no file name can",
                            hint: "type the name without it")
        }
        switch self {
        case .anywhere:
            return (path as NSString).expandingTildeInPath
        case let .confined(folder):
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains(".."), !path.isEmpty else {
                throw UserError("'\(path)' is outside the folder this session may use", hint: "use a plain relative name")
            }
            return folder + "/" + path
        }
    }
}
