import Foundation

/// Headless Chromium, to open the pages `export html` writes as a learner's browser would.
/// Debian's package is `chromium`; `.ci/run` installs it.
struct Chromium: Sendable {
    let runner: BinaryRunner
    /// A profile of its own, so that runs never share state (or a lock) with another browser.
    let profile: TemporaryDirectory

    /// The browser on PATH, or nil when none is installed (the tests then skip).
    static let path: String? = {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    static let missing = "chromium is not installed: `apt-get install chromium` (.ci/run installs it)"

    init() throws {
        guard let path = Self.path else { throw RunnerError.notFound("chromium", searched: ["PATH"]) }
        runner = BinaryRunner(executable: URL(fileURLWithPath: path))
        profile = try TemporaryDirectory()
    }

    /// Flags for every run: headless, no GPU, and no sandbox (which needs privileges a CI
    /// container as root lacks); console messages are logged to standard error.
    private var common: [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--user-data-dir=\(profile.url.path)", "--enable-logging=stderr", "--v=0"]
    }

    /// The document after the page's scripts ran, and what the browser logged.
    func dumpDOM(_ url: String) throws -> ProcessResult {
        try runner.run(common + ["--dump-dom", url], timeout: 120)
    }

    /// A PNG of the page's first screenful at `width` x `height`.
    func screenshot(_ url: String, width: Int, height: Int, to file: URL) throws -> ProcessResult {
        try runner.run(common + ["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(file.path)", url],
                       timeout: 120)
    }

    /// Lines the page's console logged: script errors, `console.error`, and Content Security
    /// Policy refusals (any attempt to load something from outside the file).
    static func consoleLines(_ log: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
    }
}
