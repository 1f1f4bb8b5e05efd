import Attention
import Foundation

/// A layer's weights and its heads' circuits computed with NumPy (`Fixtures/circuits`, written
/// by bench/make_circuit_fixtures.py): W_QK, W_OV, their singular values and ranks per head.
public struct CircuitCase: CustomStringConvertible, @unchecked Sendable {  // immutable after loading
    public let json: [String: Any]

    public var description: String { json["name"] as! String }
    public var heads: Int { json["heads"] as! Int }
    public var dK: Int { json["d_k"] as! Int }

    /// The layer, with X a d_model-wide row of ones (circuits do not depend on X).
    public var configuration: MultiHeadConfiguration {
        let W_Q = try! ReferenceCase.matrix(json["W_Q"]!)
        return MultiHeadConfiguration(
            X: Matrix(rows: 1, cols: W_Q.rows) { _, _ in 1 }, heads: heads, dK: dK,
            W_Q: W_Q, W_K: try! ReferenceCase.matrix(json["W_K"]!), W_V: try! ReferenceCase.matrix(json["W_V"]!),
            W_O: try! ReferenceCase.matrix(json["W_O"]!), mask: .none)
    }

    public struct Circuit {
        public let qk: Matrix, ov: Matrix
        public let qkSingularValues: [Double], ovSingularValues: [Double]
        public let qkRank: Int, ovRank: Int
    }

    public var circuits: [Circuit] {
        (json["circuits"] as! [[String: Any]]).map {
            Circuit(qk: try! ReferenceCase.matrix($0["W_QK"]!), ov: try! ReferenceCase.matrix($0["W_OV"]!),
                    qkSingularValues: ReferenceCase.vector($0["qk_singular_values"])!,
                    ovSingularValues: ReferenceCase.vector($0["ov_singular_values"])!,
                    qkRank: $0["qk_rank"] as! Int, ovRank: $0["ov_rank"] as! Int)
        }
    }

    public static func all() throws -> [CircuitCase] {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("circuits/cases.json")
        let root = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { CircuitCase(json: $0) }
    }
}
