import Attention
import Foundation

/// One case of `Fixtures/reference-temperature` (made by
/// `bench/make_temperature_bias_fixtures.py` with PyTorch's own attention, NumPy and autograd;
/// see its README): attention with a temperature and an additive bias on the scores, and a mask
/// that may be causal with an offset, forward and backward. Read with Foundation's JSON parser,
/// independently of the project's own readers.
public struct ShapedCase: GradientFixture, CustomStringConvertible, @unchecked Sendable {  // immutable after loading
    public let name: String
    public let json: [String: Any]

    public var description: String { name }
    public var isDirect: Bool { input["mode"] as! String == "single" }

    public static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("reference-temperature")

    public static func all() throws -> [ShapedCase] {
        try ReferenceCase.jsonFiles(in: directory, prefix: "shaped_").map { ShapedCase(name: $0.name, json: $0.json) }
    }

    /// The case as the project's configuration.
    public func configuration() throws -> AttentionConfiguration {
        let c = input
        let shaping = ScoreShaping(bias: try c["bias"].map(ReferenceCase.matrix), temperature: ReferenceCase.number(c["temperature"]!))
        guard isDirect else {
            var config = try ReferenceCase.layer(c)
            config.shaping = shaping
            return .multiHead(config)
        }
        let (mask, padding) = try ReferenceCase.maskAndPadding(c, queries: (c["Q"] as! [Any]).count, keys: (c["K"] as! [Any]).count)
        var config = DirectConfiguration(Q: try ReferenceCase.matrix(c["Q"]), K: try ReferenceCase.matrix(c["K"]),
                                         V: try ReferenceCase.matrix(c["V"]), mask: mask, keyPadding: padding)
        config.shaping = shaping
        return .direct(config)
    }

    /// An expected per-head stage (`masked` or `weights`) of head `head`, 0-based.
    public func expectedStage(_ name: String, head: Int) throws -> Matrix {
        try ReferenceCase.matrix((expected[name] as! [Any])[head])
    }
}
