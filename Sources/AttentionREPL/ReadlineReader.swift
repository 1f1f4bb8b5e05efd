import CReadline
import Foundation
import Interpreter

/// GNU readline at a terminal: line editing, history kept in a file across runs, Tab
/// completion from `Completion`, and Ctrl-C that clears the line instead of quitting.
final class ReadlineReader: LineReader {
    private let historyPath: String
    private var addedLines: Int32 = 0

    init(historyPath: String, promptToStandardError: Bool, lessonNames: [String]) {
        self.historyPath = historyPath
        completionLessonNames = lessonNames
        attention_rl_setup(completeAttentionCommand, promptToStandardError ? 1 : 0)
        using_history()
        Self.setAsideIfBroken(historyPath)
        _ = read_history(historyPath)   // ENOENT on the first run is fine
        signal(SIGINT, attention_rl_sigint)
    }

    func readLine(prompt: String) -> String? {
        readLine(prompt: prompt, remember: true)
    }

    /// A line, kept in the history only when `remember` (commands, not answers to a lesson).
    func readLine(prompt: String, remember: Bool) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        // Completion leaves a space after the last word; history keeps the command without it.
        let entry = line.trimmingCharacters(in: .whitespaces)
        if remember && !entry.isEmpty {
            add_history(entry)
            addedLines += 1
        }
        return line
    }

    /// Appends this session's lines to the history file (creating it on the first run), then
    /// trims it to 1000 lines, holding an exclusive lock throughout so that two REPLs leaving
    /// at once cannot lose or interleave each other's lines.
    func saveHistory() {
        guard addedLines > 0 else { return }
        // Only a regular file is history: readline's trimming renames a new file over the
        // old one, which would turn /dev/null (a common way to switch history off) into a file.
        var status = stat()
        if stat(historyPath, &status) == 0, status.st_mode & S_IFMT != S_IFREG { return }
        let lock = open(historyPath + ".lock", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer {
            if lock >= 0 { flock(lock, LOCK_UN); close(lock) }
        }
        if !FileManager.default.fileExists(atPath: historyPath) {
            close(open(historyPath, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600))
        }
        _ = append_history(addedLines, historyPath)
        _ = history_truncate_file(historyPath, 1000)
        addedLines = 0
    }

    /// A history file that cannot be history (a folder, unreadable, binary) is renamed to
    /// `NAME.broken` with a warning, so the REPL starts with a fresh history instead of failing.
    /// Devices and pipes (`ATTENTION_REPL_HISTORY=/dev/null` switches history off) are never
    /// touched.
    static func setAsideIfBroken(_ path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFDIR else { return }
        let data = kind == S_IFDIR ? nil : FileManager.default.contents(atPath: path)
        guard let data, !data.contains(0), String(data: data, encoding: .utf8) != nil else {
            let aside = path + ".broken"
            try? FileManager.default.removeItem(atPath: aside)
            let moved = (try? FileManager.default.moveItem(atPath: path, toPath: aside)) != nil
            FileHandle.standardError.write(Data(("warning: the history file \(path) could not be read"
                + (moved ? "; it was moved to \(aside) and a new history starts now\n" : " and was left alone; history will not be saved\n")).utf8))
            return
        }
    }
}

/// Candidates for the completion in progress, read by `nextCandidate` (readline calls it
/// from C, one candidate at a time).
nonisolated(unsafe) private var pendingCandidates: [String] = []
/// Lesson names for completing `lesson NAME`, set once at start-up.
nonisolated(unsafe) private var completionLessonNames: [String] = []
/// The session's token labels for completing rows and columns, set before each line is read.
nonisolated(unsafe) var completionTokens: [String] = []

/// readline's completion hook: words from `Completion`, or nil to let readline complete a
/// file name where a path is expected.
private func completeAttentionCommand(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    let line = String(cString: attention_rl_line())
    let before = String(line.utf8.prefix(Int(start))) ?? ""
    let previous = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    let prefix = text.map { String(cString: $0) } ?? ""
    guard let candidates = Completion.candidates(previous: previous, prefix: prefix, lessons: completionLessonNames,
                                                 tokens: completionTokens) else {
        attention_rl_completion_over(0)
        return nil
    }
    attention_rl_completion_over(1)
    pendingCandidates = candidates
    return rl_completion_matches(text, nextCandidate)
}

private func nextCandidate(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    let index = Int(state)
    guard index < pendingCandidates.count else { return nil }
    return strdup(pendingCandidates[index])
}
