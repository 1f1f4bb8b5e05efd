import Attention
import Foundation

/// One case of `Fixtures/reference-train` (PyTorch float64 autograd, each gradient checked
/// against finite differences; see its README): a tiny task model, a batch of sequences, and
/// the logits, loss, accuracy and gradients. Read with Foundation's JSON parser.
public struct TrainingCase: CustomStringConvertible, @unchecked Sendable {  // immutable after loading
    public let name: String
    public let json: [String: Any]

    public var description: String { name }
    public var task: String { json["task"] as! String }
    public var vocab: Int { json["vocab"] as! Int }
    public var length: Int { json["length"] as! Int }
    public var dModel: Int { json["d_model"] as! Int }
    public var heads: Int { json["heads"] as! Int }
    public var gates: [Double]? { ReferenceCase.vector(json["gates"]) }
    public var tokens: [[Int]] { json["tokens"] as! [[Int]] }
    public var parameters: [String: Any] { json["parameters"] as! [String: Any] }
    public var expected: [String: Any] { json["expected"] as! [String: Any] }
    public var gradients: [String: Any] { expected["grad"] as! [String: Any] }

    public static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("reference-train")

    public static func all() throws -> [TrainingCase] {
        try ReferenceCase.jsonFiles(in: directory, prefix: "train_").map { TrainingCase(name: $0.name, json: $0.json) }
    }

    /// A named tensor of `parameters` or `grad` as a list of matrices: one for a matrix, one
    /// row for a vector, one per readout for `U` and `c`.
    public static func tensors(_ any: Any?) throws -> [Matrix] {
        guard let array = any as? [Any] else { return [] }
        if let first = array.first as? [Any], first.first is [Any] {        // a list of matrices (U)
            return try array.map { try ReferenceCase.matrix($0) }
        }
        if array.first is [Any] {
            // A matrix, or a list of vectors (c): told apart by the caller's name.
            return [try ReferenceCase.matrix(array)]
        }
        let values = array.map(ReferenceCase.number)
        return [try Matrix(rows: 1, cols: values.count, values: values)]
    }
}
