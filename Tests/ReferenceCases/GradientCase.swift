import Attention
import Foundation

/// One case of `Fixtures/reference-grad` (PyTorch autograd in float64, each checked against
/// finite differences; see its README): a layer, a target, and dL/d(every input and gate) of
/// the mean squared error. Read with Foundation's JSON parser, independently of the project's
/// own readers.
public struct GradientCase: GradientFixture, CustomStringConvertible, @unchecked Sendable {  // immutable after loading
    public let name: String
    public let json: [String: Any]

    public var description: String { name }

    public static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("reference-grad")

    public static func all() throws -> [GradientCase] {
        try ReferenceCase.jsonFiles(in: directory, prefix: "grad_").map { GradientCase(name: $0.name, json: $0.json) }
    }

    /// The case as the project's configuration: heads are 0-based in the file and here.
    public func configuration() throws -> MultiHeadConfiguration {
        let c = input
        var config = try ReferenceCase.layer(c)
        if let gates = ReferenceCase.vector(c["gates"]) {
            config.gates = Dictionary(uniqueKeysWithValues: gates.enumerated().map { ($0.offset, $0.element) })
        }
        return config
    }
}

/// A fixture case with an expected loss and gradients (`reference-grad`, `reference-temperature`):
/// `{"case": {..., "target"}, "expected": {"loss", "grad": {NAME: ...}}}`.
public protocol GradientFixture {
    var name: String { get }
    var json: [String: Any] { get }
}

extension GradientFixture {
    public var input: [String: Any] { json["case"] as! [String: Any] }
    public var expected: [String: Any] { json["expected"] as! [String: Any] }
    /// dL/dNAME for each input present (and `gates` where given).
    public var gradients: [String: Any] { expected["grad"] as! [String: Any] }
    public var loss: Double { ReferenceCase.number(expected["loss"]!) }

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

    /// What differs between `computed` and every expected gradient by more than `tolerance`
    /// relative to its largest entry (or, for a gradient that is zero in exact arithmetic, to a
    /// millionth of the case's largest), one message each; empty when all agree.
    public func gradientProblems(_ computed: [String: Matrix], tolerance: Double) throws -> [String] {
        let names = gradients.keys.sorted()
        guard !names.isEmpty else { return ["\(name): no expected gradients"] }
        let caseScale = try names.compactMap { try expectedGradient($0)?.values.map(abs).max() }.max() ?? 0
        return try names.compactMap { name in
            let expected = try expectedGradient(name)!
            guard let actual = computed[name] else { return "\(self.name): no gradient for \(name)" }
            let difference = relativeDifference(actual, expected, floor: 1e-6 * caseScale)
            guard difference > tolerance else { return nil }
            return "\(self.name) dL/d\(name): relative difference \(difference)\n expected \(expected.values)\n computed \(actual.values)"
        }
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
