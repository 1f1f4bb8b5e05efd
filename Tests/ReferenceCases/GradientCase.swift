import Attention
import Foundation

/// One case of `Fixtures/reference-grad` (PyTorch autograd in float64, each checked against
/// finite differences; see its README): a layer, a target, and dL/d(every input and gate) of
/// the mean squared error. Read with Foundation's JSON parser, independently of the project's
/// own readers.
public struct GradientCase: CustomStringConvertible, @unchecked Sendable {  // immutable after loading
    public let name: String
    public let json: [String: Any]

    public var description: String { name }
    public var input: [String: Any] { json["case"] as! [String: Any] }
    public var expected: [String: Any] { json["expected"] as! [String: Any] }
    /// dL/dNAME for each input present and `gates`.
    public var gradients: [String: Any] { expected["grad"] as! [String: Any] }
    public var loss: Double { ReferenceCase.number(expected["loss"]!) }

    public static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("reference-grad")

    public static func all() throws -> [GradientCase] {
        try ReferenceCase.jsonFiles(in: directory, prefix: "grad_").map { GradientCase(name: $0.name, json: $0.json) }
    }

    /// The case as the project's configuration: heads are 0-based in the file and here.
    public func configuration() throws -> MultiHeadConfiguration {
        let c = input
        let n = (c["X"] as! [Any]).count
        var mask = MaskSetting.none
        if let text = c["mask"] as? String {
            precondition(text == "causal")
            mask = .causal
        } else if let grid = c["mask"] as? [[Bool]] {
            mask = .custom(try Mask(rows: n, cols: n, blocked: grid.flatMap { $0 }))
        }
        let padding = (c["key_padding"] as? [Bool]).map { flags in Set(flags.indices.filter { flags[$0] }) } ?? []
        var config = MultiHeadConfiguration(
            X: try ReferenceCase.matrix(c["X"]), heads: c["heads"] as! Int, dK: c["dk"] as? Int,
            W_Q: try ReferenceCase.matrix(c["W_Q"]), W_K: try ReferenceCase.matrix(c["W_K"]),
            W_V: try ReferenceCase.matrix(c["W_V"]), W_O: try ReferenceCase.matrix(c["W_O"]),
            b_Q: ReferenceCase.vector(c["b_Q"]), b_K: ReferenceCase.vector(c["b_K"]),
            b_V: ReferenceCase.vector(c["b_V"]), b_O: ReferenceCase.vector(c["b_O"]),
            mask: mask, keyPadding: padding)
        if let gates = ReferenceCase.vector(c["gates"]) {
            config.gates = Dictionary(uniqueKeysWithValues: gates.enumerated().map { ($0.offset, $0.element) })
        }
        return config
    }

    public func target() throws -> Matrix { try ReferenceCase.matrix(input["target"]) }

    /// An expected gradient as a matrix; a vector (bias, gates) as one row.
    public func expectedGradient(_ name: String) throws -> Matrix? {
        guard let value = gradients[name] else { return nil }
        if let vector = value as? [Any], !(vector.first is [Any]) {
            let numbers = vector.map(ReferenceCase.number)
            return try Matrix(rows: 1, cols: numbers.count, values: numbers)
        }
        return try ReferenceCase.matrix(value)
    }
}

/// The largest difference between two matrices of the same shape relative to the largest
/// entry of `expected`, but never to less than `floor`; infinity when the shapes differ or a
/// value is not a number. The floor matters for a gradient that is zero in exact arithmetic,
/// such as dL/db_K (a bias on every key adds q·b_K to each query's whole row of scores, which
/// the softmax ignores): its computed entries are rounding noise near 1e-17 in PyTorch and
/// here alike, and are compared at the scale of the case's other gradients.
public func relativeDifference(_ actual: Matrix, _ expected: Matrix, floor: Double = 1e-300) -> Double {
    guard actual.shape == expected.shape else { return .infinity }
    let scale = max(expected.values.map(abs).max() ?? 0, floor)
    let worst = zip(actual.values, expected.values).map { abs($0 - $1) }.max() ?? 0
    return worst.isNaN ? .infinity : worst / scale
}
