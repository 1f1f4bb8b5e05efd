import Foundation
@testable import FuzzTargets
import Testing

/// Each input of the commands target starts from the same folder, so that what the fuzzer
/// reports about an input happens again when the input is replayed alone. Each check runs
/// whole inputs through the target, as the fuzzer does (other tests may run inputs in between).
@Suite("Fuzz scratch folder")
struct ScratchFolderTests {
    /// Lines of commands as one input of the commands target; how many were refused.
    static func refused(_ lines: String...) -> Int {
        FuzzTarget.runCommands(Array(lines.joined(separator: "\n").utf8))
    }

    @Test(arguments: ["left-behind.txt", ".hidden.txt"])
    func anInputCannotReadWhatAnEarlierOneSaved(_ name: String) {
        #expect(Self.refused("X = [[1, 2]]", "save \(name)", "load \(name)") == 0)
        #expect(Self.refused("load \(name)") == 1)
    }

    @Test func theTinyModelIsRestoredAfterAnInputWritesOverIt() throws {
        let model = TinyModelFolder.name
        #expect(Self.refused("model load \(model)") == 0)
        #expect(Self.refused("X = [[1, 2]]", "save \(model)/vocab.txt", "save \(model)/extra.txt", "model load \(model)") == 1)
        #expect(Self.refused("model load \(model)") == 0)
        #expect(Self.refused("load \(model)/extra.txt") == 1)
    }

    @Test func theFolderIsOneNoOtherProcessHas() {
        let name = URL(fileURLWithPath: ScratchFolder.path).lastPathComponent
        #expect(name.hasPrefix("attention-fuzz-") && !name.hasSuffix("XXXXXX"), "\(name)")
        var status = stat()
        #expect(lstat(ScratchFolder.path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR)
        #expect(status.st_mode & 0o077 == 0, "only its owner may enter it")
    }
}
