import Foundation
import Synchronization

/// The one folder the commands and session targets may read and write, with a tiny model in
/// it (`TinyModelFolder`). Every input finds the folder as the first input did: what earlier
/// inputs saved is removed, and the tiny model is written again if one of them changed it.
/// Otherwise an input could read a file another input left (`load s.txt`), and what the
/// fuzzer reports about it would not happen when the input is replayed alone.
enum ScratchFolder {
    /// The folder: made once per process under a name no other process has (`mkdtemp`, so
    /// only this user can enter it), and removed when the process exits normally.
    static let path: String = {
        let pattern = NSTemporaryDirectory() + "attention-fuzz-XXXXXX"
        var template = Array(pattern.utf8CString)
        // Without a folder every file command fails, which the fuzzer survives.
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return pattern }
        atexit { try? FileManager.default.removeItem(atPath: ScratchFolder.path) }
        return String(cString: made)
    }()

    /// Held through each input, so that inputs run one at a time when the tests replay them in
    /// parallel.
    private static let lock = Mutex(())

    /// Runs `body` with the folder as a fresh input finds it; one call at a time.
    static func withFreshFolder<Result>(_ body: () -> Result) -> Result {
        lock.withLock { _ in
            reset()
            return body()
        }
    }

    private static func reset() {
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(atPath: path)) ?? [] where entry != TinyModelFolder.name {
            try? manager.removeItem(atPath: path + "/" + entry)
        }
        if !TinyModelFolder.isIntact(in: path) {
            try? manager.removeItem(atPath: path + "/" + TinyModelFolder.name)
            TinyModelFolder.write(into: path)
        }
    }
}
