import Foundation
@testable import FuzzTargets
import Testing

/// Each input of the commands and session targets starts from the same folder, so that what
/// the fuzzer reports about an input happens again when the input is replayed alone.
@Suite("Fuzz scratch folder")
struct ScratchFolderTests {
    /// Runs the commands as the commands target does, and reads the file `name` afterwards
    /// (before the next input's reset).
    static func run(_ commands: String, thenRead name: String) -> String? {
        ScratchFolder.withFreshFolder {
            var interpreter = FuzzTarget.limitedInterpreter()
            for line in commands.split(separator: "\n") { _ = try? interpreter.execute(String(line)) }
            return try? String(contentsOfFile: ScratchFolder.path + "/" + name, encoding: .utf8)
        }
    }

    static func contents(_ name: String) -> String? {
        ScratchFolder.withFreshFolder { try? String(contentsOfFile: ScratchFolder.path + "/" + name, encoding: .utf8) }
    }

    @Test func anInputCannotReadWhatAnEarlierOneSaved() {
        #expect(Self.run("X = [[1, 2]]\nsave left-behind.txt", thenRead: "left-behind.txt")?.contains("X = ") == true)
        #expect(Self.contents("left-behind.txt") == nil)
    }

    @Test func theTinyModelIsRestoredAfterAnInputWritesOverIt() throws {
        let vocabulary = TinyModelFolder.vocabulary.joined(separator: "\n") + "\n"
        #expect(Self.contents("\(TinyModelFolder.name)/vocab.txt") == vocabulary)
        let overwritten = Self.run("X = [[1, 2]]\nsave \(TinyModelFolder.name)/vocab.txt\nsave \(TinyModelFolder.name)/extra.txt",
                                   thenRead: "\(TinyModelFolder.name)/vocab.txt")
        #expect(overwritten?.contains("X = ") == true)
        #expect(Self.contents("\(TinyModelFolder.name)/vocab.txt") == vocabulary)
        #expect(Self.contents("\(TinyModelFolder.name)/extra.txt") == nil)
        // And the restored model loads.
        let loaded = ScratchFolder.withFreshFolder { () -> Bool in
            var interpreter = FuzzTarget.limitedInterpreter()
            return (try? interpreter.execute("model load \(TinyModelFolder.name)")) != nil
        }
        #expect(loaded)
    }
}
