import Foundation
import Interpreter
import ReferenceCases
import TensorIO
import Testing

/// The real-model commands through `Interpreter.execute`, with all-MiniLM-L6-v2 against what
/// Hugging Face transformers computed (`Fixtures/minilm`): wordpiece ids exactly, every layer's
/// attention to 1e-5, the sentence embedding's cosine above 0.99999; the layer put into the
/// session; saving and loading; refused commands; a folder that is not a model.
@Suite("Real model commands", .enabled(if: MiniLMCase.folder != nil, "\(MiniLMCase.missing)"))
struct ModelCommandTests {
    /// One interpreter with the model loaded, shared: loading takes about a second.
    static let loaded: Interpreter = {
        var interpreter = Interpreter()
        _ = try! interpreter.execute("model load \"\(MiniLMCase.folder!)\"")
        return interpreter
    }()

    func read(_ command: String, _ interpreter: inout Interpreter, file: String) throws -> NDArray {
        let folder = try makeScratchFolder("model-export")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent(file).path
        _ = try interpreter.execute(command.replacingOccurrences(of: "FILE", with: "\"\(path)\""))
        if file.hasSuffix(".json"), !command.contains("attention") {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            if let tokens = object as? [String] { return NDArray(vector: tokens.map { Double($0.count) }) }
            return NDArray(vector: (object as! [NSNumber]).map(\.doubleValue))
        }
        return try NPY.decode(Array(Data(contentsOf: URL(fileURLWithPath: path))), maximumRank: 4)
    }

    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        let dot: Double = zip(a, b).map { $0 * $1 }.reduce(0, +)
        let norms: Double = a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot()
        return dot / norms
    }

    @Test(arguments: try! MiniLMCase.all())
    func everyLayerMatchesTransformers(_ reference: MiniLMCase) throws {
        var interpreter = Self.loaded
        _ = try interpreter.execute("text " + reference.text)
        let ids = try read("export ids FILE", &interpreter, file: "ids.json")
        #expect(ids.values.map { Int($0) } == reference.ids)
        let attention = try read("export attention FILE", &interpreter, file: "attention.npy")
        let n = reference.ids.count
        #expect(attention.shape == [6, 12, n, n])
        let worst = zip(attention.values, reference.attention).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5, "attention differs from transformers by up to \(worst)")
        let embedding = try read("export embedding FILE", &interpreter, file: "embedding.npy").values
        let cosine = Self.cosine(embedding, reference.embedding)
        #expect(cosine > 0.99999, "embedding cosine \(cosine)")
        if let first = reference.hiddenFirst, let last = reference.hiddenLast {
            let hidden = try read("export hidden FILE", &interpreter, file: "hidden.npy")
            #expect(hidden.shape == [7, n, 384])
            let layerSize = n * 384
            let difference = zip(Array(hidden.values[0..<layerSize]) + Array(hidden.values[(6 * layerSize)...]), first + last)
                .map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference <= 1e-5, "hidden states differ by up to \(difference)")
        }
    }

    /// `layer L` puts layer L into the session: its weights are layer L's attention, and the
    /// tokens are the wordpieces.
    @Test func aLayerInTheSessionIsTheModelsLayer() throws {
        let reference = try MiniLMCase.all()[1]
        var interpreter = Self.loaded
        _ = try interpreter.execute("text " + reference.text)
        _ = try interpreter.execute("layer 4")
        let weights = try read("export weights FILE", &interpreter, file: "weights.npy")
        let n = reference.ids.count
        let expected = Array(reference.attention[(3 * 12 * n * n)..<(4 * 12 * n * n)])
        #expect(weights.shape == [12, n, n])
        #expect((zip(weights.values, expected).map { abs($0 - $1) }.max() ?? 1) <= 1e-5)
        #expect(interpreter.session.tokens == reference.tokens)
        let listing = try interpreter.execute("tokens").text
        let rows = listing.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains(["2", "trophy", String(reference.ids[2])]), "\(listing)")
        // In columns: every id starts where the header's does.
        let idColumn = listing.split(separator: "\n").first!.range(of: "id")!.lowerBound.utf16Offset(in: String(listing.split(separator: "\n").first!))
        #expect(listing.split(separator: "\n").dropFirst().allSatisfy { String($0).dropFirst(idColumn).first?.isNumber == true }, "\(listing)")
    }

    /// `model heads previous` ranks by the mean weight on the key before each query: its first
    /// head and share are those of transformers' own attention.
    @Test func theStrongestPreviousTokenHeadIsTransformers() throws {
        let reference = try MiniLMCase.all()[0]
        var interpreter = Self.loaded
        _ = try interpreter.execute("text " + reference.text)
        let n = reference.ids.count
        var best = (layer: 0, head: 0, share: -1.0)
        for layer in 0..<6 {
            for head in 0..<12 {
                let base = (layer * 12 + head) * n * n
                let share = (1..<n).map { reference.attention[base + $0 * n + $0 - 1] }.reduce(0, +) / Double(n - 1)
                if share > best.share { best = (layer, head, share) }
            }
        }
        let ranking = try interpreter.execute("model heads previous").text.split(separator: "\n")
        let first = ranking[1].split(separator: " ").map(String.init)
        #expect(first == ["1", "\(best.layer + 1).\(best.head + 1)", String(format: "%.3f", best.share)], "\(ranking)")
        #expect(try interpreter.execute("model heads").text.contains("previous"))
        // At 80 columns the six layers come in two blocks of three, every line within the width.
        interpreter.width = 80
        let grid = try interpreter.execute("model heads").text.split(separator: "\n")
        #expect(grid.filter { $0.hasPrefix("head ") }.count == 2, "\(grid)")
        #expect(grid.dropFirst().allSatisfy { $0.count <= 80 }, "\(grid)")
    }

    /// The walk goes on past `output` through the block; its last tensor is the next layer's X,
    /// and the last layer's is transformers' last hidden state. Pruning a head changes the block.
    @Test func theBlockAfterAttentionIsTheModelsLayer() throws {
        let reference = try MiniLMCase.all()[0]
        var interpreter = Self.loaded
        _ = try interpreter.execute("text " + reference.text)
        _ = try interpreter.execute("goto output")
        for step in ["residual", "norm", "ffn", "block"] {
            #expect(try interpreter.execute("step").text.contains("Stage"), "\(step)")
            #expect(interpreter.session.blockCursor?.rawValue == step)
        }
        #expect(error("step", in: &interpreter)?.description.contains("last stage of the block") == true)
        #expect(try interpreter.execute("where").text.contains("[block]"))
        _ = try interpreter.execute("back")
        #expect(interpreter.session.blockCursor?.rawValue == "ffn")

        let block1 = try read("export block FILE", &interpreter, file: "b.npy")
        _ = try interpreter.execute("layer 2")
        let x2 = try read("export X FILE", &interpreter, file: "x.npy")
        #expect(block1.values == x2.values)

        _ = try interpreter.execute("layer 6")
        let last = try read("export block FILE", &interpreter, file: "b.npy")
        let worst = zip(last.values, reference.hiddenLast!).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5, "layer 6's block differs from transformers by \(worst)")
        _ = try interpreter.execute("prune head 3")
        #expect(try read("export block FILE", &interpreter, file: "b.npy").values != last.values)
    }

    /// Heads pruned across layers change every layer after them: the sentence embedding is that
    /// of transformers with those heads' columns of the output projection zeroed; saving and
    /// loading keep every layer's pruning; `unprune all` restores the model.
    @Test func pruningAcrossLayersMatchesTransformers() throws {
        let reference = try MiniLMCase.all()[0]
        var interpreter = Self.loaded
        _ = try interpreter.execute("text " + reference.text)
        _ = try interpreter.execute("layer 2")
        for pair in reference.pruned! { _ = try interpreter.execute("prune \(pair[0]).\(pair[1])") }
        #expect(interpreter.session.gates == [4: 0])
        let embedding = try read("export embedding FILE", &interpreter, file: "e.npy").values
        let worst = zip(embedding, reference.prunedEmbedding!).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-6, "the pruned embedding differs from transformers' by \(worst)")
        let compared = try interpreter.execute("compare").text.replacingOccurrences(of: "\n", with: " ")
        let cosine = zip(reference.embedding, reference.prunedEmbedding!).map { $0 * $1 }.reduce(0, +)
        #expect(compared.contains(String(format: "%.4f on this sentence", cosine)), "\(compared)")

        let folder = try makeScratchFolder("model-prune")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent("s.session").path
        _ = try interpreter.execute("save \"\(path)\"")
        var other = Interpreter()
        _ = try other.execute("load \"\(path)\"")
        #expect(other.session.model?.gates == [0: [2: 0], 5: [11: 0]] && other.session.gates == [4: 0])
        #expect(try read("export embedding FILE", &other, file: "e.npy").values == embedding)
        _ = try other.execute("unprune all")
        let restored = try read("export embedding FILE", &other, file: "e.npy").values
        #expect((zip(restored, reference.embedding).map { abs($0 - $1) }.max() ?? 1) <= 1e-6)
    }

    /// `prune P% by METRIC` prunes that share of all 72 heads, and `model heads over sentences`
    /// averages over the kept set.
    @Test func pruningAShareAndAveragingOverSentences() throws {
        var interpreter = Self.loaded
        let reply = try interpreter.execute("prune 20% by magnitude").text
        #expect(reply.contains("pruned 14 of 72 heads (20%)"), "\(reply)")
        let pruned = interpreter.session.gates.count + (interpreter.session.model?.gates.values.reduce(0) { $0 + $1.count } ?? 0)
        #expect(pruned == 14)
        #expect(error("prune 10% by gradient", in: &interpreter)?.description.contains("no loss") == true)
        #expect(try interpreter.execute("model heads over sentences").text.contains("12 kept sentences"))
    }

    /// `export attention FILE.svg` draws every layer's heads: one titled thumbnail per head,
    /// one square per weight.
    @Test func theAttentionGridIsAPicture() throws {
        var interpreter = Self.loaded
        let folder = try makeScratchFolder("model-svg")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent("grid.svg").path
        let reply = try interpreter.execute("export attention \"\(path)\"").text
        #expect(reply.contains("6 x 12 thumbnails of 13 x 13 weights"), "\(reply)")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.components(separatedBy: "<g class=\"head\">").count - 1 == 72)
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 72 * 13 * 13 + 72)
        #expect(svg.contains("1.3 previous 1.00"))
    }

    /// A text longer than the model's 256 wordpieces is cut, and says so; `import text` reads a
    /// file with tabs and newlines as the same text.
    @Test func longTextIsCutAndFilesAreRead() throws {
        var interpreter = Self.loaded
        let long = Array(repeating: "the cat sat on the mat.", count: 60).joined(separator: " ")
        let reply = try interpreter.execute("text " + long).text
        #expect(reply.hasPrefix("256 wordpieces"), "\(reply.prefix(80))")
        #expect(reply.contains("The text was cut: 166 wordpieces past the model's 256 were left out"), "\(reply.suffix(200))")
        let folder = try makeScratchFolder("model-text")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent("t.txt").path
        try "The cat\tsat\non the mat.\n".write(toFile: path, atomically: true, encoding: .utf8)
        _ = try interpreter.execute("import text \"\(path)\"")
        #expect(interpreter.session.tokens == ["[CLS]", "the", "cat", "sat", "on", "the", "mat", ".", "[SEP]"])
        #expect(interpreter.session.model?.model.folder.hasPrefix("/") == true)
    }

    @Test func savingAndLoadingKeepTheModelTextAndLayer() throws {
        var interpreter = Self.loaded
        _ = try interpreter.execute("text A  sentence\twith   spaces.")
        _ = try interpreter.execute("layer 2")
        _ = try interpreter.execute("prune head 3")
        _ = try interpreter.execute("goto norm")
        let before = try read("export weights FILE", &interpreter, file: "w.npy")
        let folder = try makeScratchFolder("model-save")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent("s.session").path
        _ = try interpreter.execute("save \"\(path)\"")
        var other = Interpreter()
        _ = try other.execute("load \"\(path)\"")
        #expect(other.session.tokens == interpreter.session.tokens)
        #expect(other.session.gates == [2: 0])
        #expect(other.session.blockCursor?.rawValue == "norm")
        #expect(try read("export weights FILE", &other, file: "w.npy") == before)
    }

    @Test func theModelsLayerCannotBeReshapedButCanBeMadeOwn() throws {
        var interpreter = Self.loaded
        for line in ["mask causal", "pad 1", "dk 16", "heads 4", "set scaling off", "tokens a b c", "fit 3"] {
            let refused = error(line, in: &interpreter)
            #expect(refused?.hint?.contains("model unload") == true, "\(line): \(String(describing: refused))")
        }
        _ = try interpreter.execute("W_O = identity 384")
        #expect(interpreter.session.model == nil)
        #expect(try interpreter.execute("model").text.contains("no model loaded"))
    }

}

/// Model commands that need no model.
@Suite("Model commands without a model")
struct ModelCommandErrorTests {
    @Test func aFolderThatIsNotAModelSaysWhichFileIsWrong() throws {
        var interpreter = Interpreter()
        let folder = try makeScratchFolder("not-a-model")
        defer { removeScratchFolder(folder) }
        let before = interpreter.session
        let refused = error("model load \"\(folder.path)\"", in: &interpreter)
        #expect(refused?.description.contains("config.json") == true, "\(String(describing: refused))")
        #expect(interpreter.session == before)
    }

    @Test func commandsThatNeedAModelSaySo() throws {
        var interpreter = Interpreter()
        for line in ["text hello", "layer 2", "export ids ids.json", "export attention a.npy", "model heads"] {
            let refused = error(line, in: &interpreter)
            #expect(refused?.hint?.contains("model load") == true, "\(line): \(String(describing: refused))")
        }
        #expect(try interpreter.execute("model").text.contains("no model loaded"))
        #expect(try interpreter.execute("model unload").text == "no model to unload")
    }
}
