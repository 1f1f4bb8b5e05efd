import Foundation

/// Where lessons are found: folders named by `ATTENTION_REPL_LESSONS` (separated by ':'),
/// then the `lessons/` folder of the package the executable was built from, then `./lessons`.
/// A lesson is a `.lesson` file; its name is the file name without the extension
/// (`01-by-hand`), and it may also be called by its number (`1`) or its name without the
/// number (`by-hand`).
public struct LessonLibrary: Sendable {
    public var folders: [String]

    public init(folders: [String]) { self.folders = folders }

    public static func standard(executablePath: String, environment: [String: String],
                                currentDirectory: String) -> LessonLibrary {
        var folders = (environment["ATTENTION_REPL_LESSONS"] ?? "").split(separator: ":").map(String.init)
        // .build/debug/attention-repl -> the package root holds lessons/.
        var directory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("lessons")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
                folders.append(candidate.path)
                break
            }
            directory.deleteLastPathComponent()
        }
        folders.append((currentDirectory as NSString).appendingPathComponent("lessons"))
        return LessonLibrary(folders: folders)
    }

    public struct Entry: Equatable, Sendable {
        public var name: String
        public var path: String
    }

    /// Every lesson file, the first of each name, sorted by name.
    public func entries() -> [Entry] {
        var seen = Set<String>()
        var entries: [Entry] = []
        for folder in folders {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for file in files.sorted() where file.hasSuffix(".lesson") {
                let name = String(file.dropLast(".lesson".count))
                if seen.insert(name).inserted {
                    entries.append(Entry(name: name, path: (folder as NSString).appendingPathComponent(file)))
                }
            }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// The lesson called `name`, parsed. Errors name the file and line, or list the lessons.
    public func load(_ name: String) throws -> Lesson {
        let entries = entries()
        func stripped(_ entryName: String) -> String {
            String(entryName.drop { $0.isNumber }.drop { $0 == "-" })
        }
        let number = Int(name)
        guard let entry = entries.first(where: {
            $0.name == name || stripped($0.name) == name || (number != nil && Int($0.name.prefix { $0.isNumber }) == number)
        }) else {
            let names = entries.map(\.name)
            var message = "no lesson '\(name)'"
            if let suggestion = Suggestion.didYouMean(name, among: names + names.map(stripped)) { message += ": \(suggestion)" }
            throw UserError(message, hint: names.isEmpty
                ? "no lessons found; searched " + folders.joined(separator: ", ") + " (set ATTENTION_REPL_LESSONS to a folder)"
                : "`lessons` lists them: " + names.joined(separator: " "))
        }
        guard let text = try? String(contentsOfFile: entry.path, encoding: .utf8) else {
            throw UserError("cannot read the lesson file \(entry.path)")
        }
        return try LessonParser.parse(text, name: entry.name, path: entry.path)
    }

    /// One line a lesson: its name, then its summary (or what is wrong with the file).
    public func listing() -> String {
        let entries = entries()
        guard !entries.isEmpty else {
            return "no lessons found in " + folders.joined(separator: ", ")
        }
        let width = entries.map(\.name.count).max()!
        return entries.map { entry -> String in
            let summary: String
            do { summary = try load(entry.name).summary } catch { summary = "(cannot be read: \(error))" }
            return entry.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + summary
        }.joined(separator: "\n")
    }
}
