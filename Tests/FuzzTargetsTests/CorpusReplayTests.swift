import Foundation
import FuzzTargets
import Testing

/// Every seed and every input a fuzzer ever found troublesome (fuzz/regressions) is replayed
/// through its target: each must return normally.
@Suite("Fuzz corpus replay")
struct CorpusReplayTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fuzz")

    /// (target, file) for the seed corpus and the regressions (named TARGET-anything).
    static let inputs: [String] = {
        let manager = FileManager.default
        var found: [String] = []
        for target in FuzzTarget.allCases {
            let folder = fuzzFolder.appendingPathComponent("corpus/\(target.rawValue)")
            for file in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] {
                found.append("\(target.rawValue)/corpus/\(target.rawValue)/\(file)")
            }
        }
        let regressions = fuzzFolder.appendingPathComponent("regressions")
        for file in (try? manager.contentsOfDirectory(atPath: regressions.path)) ?? [] where file != "README.md" {
            found.append("\(file.split(separator: "-").first ?? "")/regressions/\(file)")
        }
        return found.sorted()
    }()

    @Test func everyTargetHasSeeds() {
        for target in FuzzTarget.allCases {
            #expect(Self.inputs.contains { $0.hasPrefix("\(target.rawValue)/corpus/") }, "no seeds for \(target.rawValue)")
        }
    }

    @Test(arguments: inputs)
    func inputRunsCleanly(_ input: String) throws {
        let parts = input.split(separator: "/", maxSplits: 1).map(String.init)
        let target = try #require(FuzzTarget(rawValue: parts[0]), "regression files are named TARGET-...")
        let data = try Data(contentsOf: Self.fuzzFolder.appendingPathComponent(parts[1]))
        target.run(Array(data))
    }
}
