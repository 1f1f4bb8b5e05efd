import Foundation

/// The built `attention-repl` executable.
///
/// SwiftPM builds it into the same products directory as the test bundle (`.build/debug`, or
/// `<scratch path>/debug` with `--scratch-path`), so it is looked for next to the running test
/// executable. `ATTENTION_REPL_BINARY` overrides the search.
enum AttentionREPLBinary {
    static let name = "attention-repl"

    /// A runner for the binary; throws, naming every directory searched, if it is not built.
    static func runner() throws -> BinaryRunner {
        BinaryRunner(executable: try url())
    }

    static func url() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["ATTENTION_REPL_BINARY"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let candidates = productDirectories().map { $0.appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw RunnerError.notFound(name, searched: candidates.map(\.path))
        }
        return found
    }

    /// Where the running test executable lives: on Linux it is
    /// `<products>/<Package>PackageTests.xctest` itself; on macOS it sits inside that bundle
    /// (`.xctest/Contents/MacOS`), so the bundle's parent is the products directory.
    private static func productDirectories() -> [URL] {
        var executables: [URL] = []
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            executables.append(URL(fileURLWithPath: path))
        }
        if let main = Bundle.main.executableURL { executables.append(main) }
        if let first = CommandLine.arguments.first { executables.append(URL(fileURLWithPath: first)) }

        var directories: [URL] = []
        for executable in executables.map({ $0.resolvingSymlinksInPath() }) {
            let bundle = sequence(first: executable) { $0.path == "/" ? nil : $0.deletingLastPathComponent() }
                .first { $0.pathExtension == "xctest" }
            for directory in [executable.deletingLastPathComponent(), bundle?.deletingLastPathComponent()]
            where directory != nil && !directories.contains(directory!) {
                directories.append(directory!)
            }
        }
        return directories
    }
}
