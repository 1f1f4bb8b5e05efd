import Foundation
import Synchronization

/// The one folder the commands and session targets may read and write, with a tiny model in
/// it (`TinyModelFolder`). Every input finds the folder as the first input did: what earlier
/// inputs saved is removed, and the tiny model is written again if one of them changed it.
/// Otherwise an input could read a file another input left (`load s.txt`), and what the
/// fuzzer reports about it would not happen when the input is replayed alone.
enum ScratchFolder {
    /// The folder, made with the tiny model in it once per process.
    static let path: String = {
        let path = NSTemporaryDirectory() + "attention-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// What the tiny model's files looked like when last written (nil before then). Held
    /// through each input, so that inputs run one at a time when tests replay them in parallel.
    private static let model = Mutex<[FileStamp]?>(nil)

    /// Runs `body` with the folder as a fresh input finds it; one call at a time.
    static func withFreshFolder<Result>(_ body: () -> Result) -> Result {
        model.withLock { written in
            reset(&written)
            return body()
        }
    }

    private static func reset(_ written: inout [FileStamp]?) {
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(atPath: path)) ?? [] where entry != TinyModelFolder.name {
            try? manager.removeItem(atPath: path + "/" + entry)
        }
        let folder = path + "/" + TinyModelFolder.name
        if written == nil || FileStamp.all(in: folder) != written {
            try? manager.removeItem(atPath: folder)
            TinyModelFolder.write(into: path)
            written = FileStamp.all(in: folder)
        }
    }
}

/// Enough of a file's status to see that it was replaced, rewritten, grown or cut.
struct FileStamp: Equatable {
    let name: String
    let inode: UInt
    let size: Int
    let modified: timespec

    /// The stamps of every entry in `folder`, in name order (empty if it cannot be read).
    static func all(in folder: String) -> [FileStamp] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        return names.map { name in
            var status = stat()
            guard stat(folder + "/" + name, &status) == 0 else {
                return FileStamp(name: name, inode: 0, size: -1, modified: timespec())
            }
            return FileStamp(name: name, inode: UInt(status.st_ino), size: Int(status.st_size), modified: status.st_mtim)
        }
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.name == b.name && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
    }
}
