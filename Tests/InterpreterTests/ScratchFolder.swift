import Foundation

/// A new, empty folder for one test's files; remove it with `removeScratchFolder` in a defer.
func makeScratchFolder(_ purpose: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("attention-\(purpose)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func removeScratchFolder(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}
