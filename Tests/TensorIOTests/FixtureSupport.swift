import Foundation
import Testing
@testable import TensorIO

/// Access to the files in `Fixtures/`.
enum Fixtures {
    static var directory: URL {
        if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) {
            return url
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// NumPy's shape and bit patterns for a fixture, from expected.json.
    struct Expected {
        var shape: [Int]
        var bits: [UInt64]
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: directory.appendingPathComponent("expected.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entry = try #require(root[name] as? [String: Any])
        let shape = try #require(entry["shape"] as? [Int])
        let hex = try #require(entry["bits"] as? [String])
        let bits = try hex.map { try #require(UInt64($0, radix: 16)) }
        return Expected(shape: shape, bits: bits)
    }
}

/// Runs `body`, requires it to throw a `TensorFileError`, and returns it.
func expectError<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> TensorFileError? {
    do {
        let result = try body()
        Issue.record("expected an error, got \(result)", sourceLocation: sourceLocation)
        return nil
    } catch let error as TensorFileError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Checks that `error`'s description contains every phrase.
func expectDescription(_ error: TensorFileError?, contains phrases: String...,
                       sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error else { return }
    for phrase in phrases {
        #expect(error.description.contains(phrase), "'\(phrase)' missing from: \(error.description)",
                sourceLocation: sourceLocation)
    }
}

/// A small deterministic random generator (SplitMix64) for the fuzz tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
