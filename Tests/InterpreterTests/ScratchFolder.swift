import Foundation
import Interpreter

/// A new, empty folder for one test's files; remove it with `removeScratchFolder` in a defer.
func makeScratchFolder(_ purpose: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("attention-\(purpose)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func removeScratchFolder(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

/// The user error `line` gives, or nil when it runs (the session then changes as the line says).
func error(_ line: String, in interpreter: inout Interpreter) -> UserError? {
    do { _ = try interpreter.execute(line); return nil } catch { return error as? UserError }
}
