import Foundation
import ModelFiles
import ReferenceCases
import Testing

/// A model folder read whole: the tiny BERT fixture reads, and a folder with any file missing,
/// damaged or disagreeing with another gives an error naming that file.
@Suite("Model folders")
struct ModelFolderTests {
    static let files = ["config.json", "vocab.txt", "model.safetensors"]

    /// A copy of the tiny BERT's folder with `change` applied to it.
    func brokenCopy(_ change: (URL) throws -> Void) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("attention-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in Self.files {
            try FileManager.default.copyItem(at: TinyBertCase.folder.appendingPathComponent(file),
                                             to: folder.appendingPathComponent(file))
        }
        try change(folder)
        return folder
    }

    func problem(_ change: (URL) throws -> Void) throws -> ModelFileError? {
        let folder = try brokenCopy(change)
        defer { try? FileManager.default.removeItem(at: folder) }
        do { _ = try ModelFolder.read(folder.path); return nil } catch { return error as? ModelFileError }
    }

    @Test func theTinyBertReads() throws {
        let folder = try ModelFolder.read(TinyBertCase.folder.path)
        #expect(folder.config.layers == 2)
        #expect(folder.vocabulary.count == folder.config.vocabSize)
        #expect(folder.tensors["embeddings.word_embeddings.weight"]?.shape == [folder.config.vocabSize, folder.config.hiddenSize])
        #expect(folder.tensors.keys.allSatisfy { !ModelFolder.isUnused($0) })
    }

    @Test(arguments: files)
    func aMissingFileIsNamed(_ file: String) throws {
        let error = try problem { try FileManager.default.removeItem(at: $0.appendingPathComponent(file)) }
        #expect(error?.file == file)
        #expect(error?.problem.contains("No such file") == true, "\(String(describing: error))")
    }

    @Test func aVocabularyOfTheWrongSizeIsRefused() throws {
        let error = try problem { folder in
            let url = folder.appendingPathComponent("vocab.txt")
            try (String(contentsOf: url, encoding: .utf8) + "extra\n").write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(error?.file == "vocab.txt")
        #expect(error?.problem.contains("vocab_size") == true, "\(String(describing: error))")
    }

    @Test func aTruncatedWeightsFileIsRefused() throws {
        let error = try problem { folder in
            let url = folder.appendingPathComponent("model.safetensors")
            let data = try Data(contentsOf: url)
            try data.prefix(data.count - 100).write(to: url)
        }
        #expect(error?.file == "model.safetensors", "\(String(describing: error))")
    }

    @Test func aFolderThatIsAFileIsRefused() throws {
        let file = TinyBertCase.folder.appendingPathComponent("config.json").path
        #expect(throws: ModelFileError.self) { try ModelFolder.read(file) }
    }
}
