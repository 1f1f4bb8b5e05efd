import Attention
import Foundation

/// One case of `Fixtures/reference` (computed by NumPy and checked against PyTorch; see its
/// README). Loaded with Foundation's JSON parser, independently of the project's own readers.
/// `null` in the expected tensors becomes NaN here; callers decide what it means per stage.
public struct ReferenceCase: CustomStringConvertible, @unchecked Sendable {  // immutable after loading
    public let name: String
    public let json: [String: Any]

    public var description: String { name }
    public var mode: String { json["mode"] as! String }
    public var input: [String: Any] { json["case"] as! [String: Any] }
    public var expected: [String: Any] { json["expected"] as! [String: Any] }

    public static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("reference")

    public static func all() throws -> [ReferenceCase] {
        try jsonFiles(in: directory, prefix: "case_").map { ReferenceCase(name: $0.name, json: $0.json) }
    }

    /// The JSON objects of the files `PREFIX*.json` in `directory`, by name.
    static func jsonFiles(in directory: URL, prefix: String) throws -> [(name: String, json: [String: Any])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .sorted()
        return try names.map { name in
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            return (name, try JSONSerialization.jsonObject(with: data) as! [String: Any])
        }
    }

    /// The case as the project's configuration, in its own terms (mask, padding, biases).
    public func configuration() throws -> AttentionConfiguration {
        let c = input
        guard mode == "single" else { return .multiHead(try Self.layer(c)) }
        let (mask, padding) = try Self.maskAndPadding(c, queries: (c["Q"] as! [Any]).count, keys: (c["K"] as! [Any]).count)
        return .direct(DirectConfiguration(
            Q: try Self.matrix(c["Q"]), K: try Self.matrix(c["K"]), V: try Self.matrix(c["V"]),
            mask: mask, keyPadding: padding))
    }

    /// A fixture's layer (`X`, `heads`, optional `dk`, the weights and any biases, the mask and
    /// the key padding), in the layout every fixture folder shares.
    public static func layer(_ c: [String: Any]) throws -> MultiHeadConfiguration {
        let n = (c["X"] as! [Any]).count
        let (mask, padding) = try maskAndPadding(c, queries: n, keys: n)
        return MultiHeadConfiguration(
            X: try matrix(c["X"]), heads: c["heads"] as! Int, dK: c["dk"] as? Int,
            W_Q: try matrix(c["W_Q"]), W_K: try matrix(c["W_K"]), W_V: try matrix(c["W_V"]), W_O: try matrix(c["W_O"]),
            b_Q: vector(c["b_Q"]), b_K: vector(c["b_K"]), b_V: vector(c["b_V"]), b_O: vector(c["b_O"]),
            mask: mask, keyPadding: padding)
    }

    /// `mask` ("causal", `{"causal_offset": K}` or a queries x keys boolean grid, true =
    /// blocked) and `key_padding` (one boolean a key), each absent meaning none.
    public static func maskAndPadding(_ c: [String: Any], queries: Int, keys: Int) throws -> (MaskSetting, Set<Int>) {
        var mask = MaskSetting.none
        if let text = c["mask"] as? String {
            precondition(text == "causal")
            mask = .causal
        } else if let offset = (c["mask"] as? [String: Any])?["causal_offset"] as? Int {
            mask = .causalOffset(offset)
        } else if let grid = c["mask"] as? [[Bool]] {
            mask = .custom(try Mask(rows: queries, cols: keys, blocked: grid.flatMap { $0 }))
        }
        let padding = (c["key_padding"] as? [Bool]).map { flags in Set(flags.indices.filter { flags[$0] }) } ?? []
        return (mask, padding)
    }

    public static func number(_ any: Any) -> Double {
        any is NSNull ? .nan : (any as! NSNumber).doubleValue
    }

    public static func vector(_ any: Any?) -> [Double]? {
        (any as? [Any])?.map(number)
    }

    /// Every number of a nested JSON array, in row-major order.
    public static func flatten(_ any: Any?) -> [Double] {
        guard let array = any as? [Any] else { return any.map { [number($0)] } ?? [] }
        return array.flatMap { flatten($0) }
    }

    public static func matrix(_ any: Any?) throws -> Matrix {
        try Matrix((any as! [[Any]]).map { $0.map(number) })
    }
}
