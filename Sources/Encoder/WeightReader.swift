import Attention

/// Takes the encoder's tensors by their names in a `BertModel` state dict, checking shapes. Each
/// tensor is removed once taken, so that a weight converted (transposed) is not held twice.
struct WeightReader {
    private(set) var tensors: [String: (shape: [Int], values: [Double])]
    /// "bert." when the tensors come from a task model (BertForMaskedLM, ...), else "".
    let prefix: String
    /// Whether each Linear weight's values are already its transpose (see `BertEncoder.init`).
    let linearWeightsTransposed: Bool

    init(_ tensors: [String: (shape: [Int], values: [Double])], linearWeightsTransposed: Bool) {
        self.tensors = tensors
        self.linearWeightsTransposed = linearWeightsTransposed
        let probe = "embeddings.word_embeddings.weight"
        prefix = tensors[probe] == nil && tensors["bert." + probe] != nil ? "bert." : ""
    }

    /// The values of `name` (without the prefix), whose shape must be `expected`.
    mutating func values(_ name: String, _ expected: [Int], meaning: String, alias: String? = nil) throws -> [Double] {
        let full = prefix + name
        guard let tensor = tensors.removeValue(forKey: full) ?? alias.flatMap({ tensors.removeValue(forKey: prefix + $0) }) else {
            throw EncoderError.missingTensor(name: full)
        }
        guard tensor.shape == expected else {
            throw EncoderError.wrongShape(name: full, shape: tensor.shape, expected: expected, meaning: meaning)
        }
        guard tensor.values.count == expected.reduce(1, *) else {
            throw EncoderError.wrongValueCount(name: full, shape: tensor.shape, count: tensor.values.count)
        }
        return tensor.values
    }

    /// A table kept as stored: rows x cols, row-major.
    mutating func matrix(_ name: String, _ rows: Int, _ cols: Int, meaning: String) throws -> Matrix {
        try Matrix(rows: rows, cols: cols, values: values(name, [rows, cols], meaning: meaning))
    }

    /// A LayerNorm's `weight` (gamma) or `bias` (beta), length d_model.
    mutating func layerNorm(_ name: String, _ part: String, _ length: Int) throws -> [Double] {
        try values("\(name).\(part)", [length], meaning: "hidden_size",
                   alias: "\(name).\(part == "weight" ? "gamma" : "beta")")
    }

    /// A PyTorch Linear layer `y = x Wᵀ + b`: its weight (stored outputs x inputs) as the
    /// session's inputs x outputs, so that `y = x W + b` (transposed here unless the reader of
    /// the file did it); and its bias (length outputs).
    mutating func linear(_ name: String, inputs: Int, outputs: Int, _ inputName: String, _ outputName: String) throws -> (W: Matrix, b: [Double]) {
        let weight = try values("\(name).weight", [outputs, inputs], meaning: "\(outputName) x \(inputName)")
        let bias = try values("\(name).bias", [outputs], meaning: outputName)
        if linearWeightsTransposed { return (try Matrix(rows: inputs, cols: outputs, values: weight), bias) }
        let W = try Matrix(rows: outputs, cols: inputs, values: weight).transposed   // inputs x outputs
        return (W, bias)
    }
}
