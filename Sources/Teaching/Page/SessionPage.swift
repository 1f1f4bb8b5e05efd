import Attention
import Foundation
import Training

/// `export html`: one self-contained page of the session. The page's script and styles are a
/// template kept as a resource of this module (`Resources/page.html`); the session goes into
/// it as JSON. Every word and number the page shows is made here, by the same code the terminal
/// uses (`explanation`, `why`, `NumberFormat`), so the page is never a second copy of the text.
public struct SessionPage: Sendable {
    /// What the page is of, in a few words: "the ready example", "layer 3 of all-MiniLM-L6-v2".
    public var title: String
    /// When it was written, as the reader should see it.
    public var date: String
    /// The session's layer: head view, neuron view and stage walk.
    public var layer: Presenter
    /// Every layer's heads of a loaded model: the model view.
    public var model: ModelGrid?
    /// A trained task's curves and saved points.
    public var training: TrainingRecord?
    /// A model layer's block after attention (residual, LayerNorm, feed-forward, output): the
    /// stage walk goes on through it, as `step` does.
    public var block: BlockPresenter?

    public init(title: String, date: String, layer: Presenter, model: ModelGrid? = nil, training: TrainingRecord? = nil,
                block: BlockPresenter? = nil) {
        self.title = title
        self.date = date
        var plain = layer
        plain.style = .plain   // no terminal colour codes in a web page
        self.layer = plain
        self.model = model
        self.training = training
        self.block = block
    }

    /// A model's attention on its sentence, for the model view: `weights[layer][head]` (n x n),
    /// the pattern each head shows most, each head's gate, and the layer the session shows.
    public struct ModelGrid: Sendable {
        public var name: String
        public var weights: [[Matrix]]
        public var captions: [[String]]
        public var gates: [[Double]]
        /// 0-based.
        public var shownLayer: Int

        public init(name: String, weights: [[Matrix]], captions: [[String]], gates: [[Double]], shownLayer: Int) {
            self.name = name
            self.weights = weights
            self.captions = captions
            self.gates = gates
            self.shownLayer = shownLayer
        }
    }

    /// The page: the template with the data in it.
    public func html() -> String {
        let template = String(decoding: PackageResources.page_html, as: UTF8.self)
        // The data sits in a JSON script element; `PageJSON` escapes every `<`, so nothing in
        // it can end the element early.
        // The title may name a model's folder: written with character references where it
        // could otherwise read as an address.
        let scalars = Array(SVGHeatmap.escaped("Attention: " + title).unicodeScalars)
        let heading = scalars.indices.map { i in
            scalars[i] == "/" || PageJSON.startsWeb(scalars, at: i) ? "&#\(scalars[i].value);" : String(scalars[i])
        }.joined()
        return template
            .replacingOccurrences(of: "{{TITLE}}", with: heading)
            .replacingOccurrences(of: "{{DATA}}", with: data().text)
    }

    /// Everything the page draws.
    public func data() -> PageJSON {
        var pairs: [(String, PageJSON)] = [
            ("title", .string(title)),
            ("date", .string(date)),
            ("layer", layerData()),
            ("stages", stagesData()),
            ("neuron", neuronData()),
        ]
        if let model { pairs.append(("model", modelData(model))) }
        if let training { pairs.append(("training", training.data(format: layer.format))) }
        return .object(pairs)
    }

    /// Rows of a matrix in the session's number format, each row one string of numbers
    /// separated by spaces: a third of the size of an array of numbers, and the page shows
    /// each number exactly as the terminal writes it.
    func rows(_ matrix: Matrix) -> PageJSON { Self.rows(matrix, format: layer.format) }

    static func rows(_ matrix: Matrix, format: NumberFormat) -> PageJSON {
        .array((0..<matrix.rows).map { .string(numbers(matrix.row($0), format: format)) })
    }

    func numbers(_ values: [Double]) -> String { Self.numbers(values, format: layer.format) }

    static func numbers(_ values: [Double], format: NumberFormat) -> String {
        values.map(format.string).joined(separator: " ")
    }

    /// Blocked query-key pairs, one string per query: `x` blocked, `.` visible.
    static func blockedRows(_ mask: Mask) -> PageJSON {
        .array((0..<mask.rows).map { i in .string(String((0..<mask.cols).map { mask[i, $0] ? "x" : "." })) })
    }
}
