import Attention
import Foundation
import Interpreter
import ReferenceCases
import Testing

/// The interpreter end to end against the reference cases: every input is imported from a
/// JSON file written by Foundation, the stages are run, every stage is exported to JSON and
/// read back with Foundation, and compared with PyTorch's and NumPy's numbers.
@Suite("Interpreter against the reference cases")
struct InterpreterReferenceTests {
    static let cases = (try? ReferenceCase.all()) ?? []

    @Test(arguments: cases)
    func importRunExportMatches(_ reference: ReferenceCase) throws {
        let folder = try makeScratchFolder("interpreter-\(reference.name)")
        defer { removeScratchFolder(folder) }

        var interpreter = Interpreter(loadExample: false)
        func run(_ line: String) throws { _ = try interpreter.execute(line) }
        func importValue(_ name: String, _ value: Any) throws {
            let path = folder.appendingPathComponent("\(name).json").path
            try JSONSerialization.data(withJSONObject: value).write(to: URL(fileURLWithPath: path))
            try run("import \(name) \(path)")
        }

        let input = reference.input
        let direct = reference.mode == "single"
        for name in direct ? ["Q", "K", "V"] : ["X", "W_Q", "W_K", "W_V", "W_O", "b_Q", "b_K", "b_V", "b_O"] {
            if let value = input[name] { try importValue(name, value) }
        }
        if let heads = input["heads"] as? Int { try run("heads \(heads)") }
        if let mask = input["mask"] as? String { try run("mask \(mask)") }
        if let mask = input["mask"] as? [[Bool]] { try importValue("mask", mask) }
        if let padding = input["key_padding"] as? [Bool], padding.contains(true) {
            try run("pad " + padding.indices.filter { padding[$0] }.map(String.init).joined(separator: " "))
        }
        try run("run")

        func exported(_ stage: String) throws -> Any {
            let path = folder.appendingPathComponent("out-\(stage).json").path
            try run("export \(stage) \(path)")
            return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        }
        var problems: [String] = []
        func compare(_ actual: Any, _ expected: Any?, _ label: String) throws {
            // JSON export writes -inf and NaN as null, as the reference files do.
            problems += Comparison(try ReferenceCase.matrix(actual), try ReferenceCase.matrix(expected),
                                   nullMeans: .nan, tolerance: 1e-9, label: label).problems
        }
        let expected = reference.expected
        if direct {
            for stage in ["scores", "scaled", "masked", "weights"] {
                try compare(try exported(stage), expected[stage], stage)
            }
            try compare(try exported("output"), expected["out"], "output")
        } else {
            let perHead = expected["per_head"] as! [[String: Any]]
            for stage in ["Q", "K", "V", "scores", "scaled", "masked", "weights", "head_out"] {
                let stack = try #require(try exported(stage) as? [Any], "\(stage) exports as heads x rows x cols")
                #expect(stack.count == perHead.count)
                for (i, (actual, expectedHead)) in zip(stack, perHead).enumerated() {
                    try compare(actual, expectedHead[stage], "head \(i) \(stage)")
                }
            }
            try compare(try exported("concat"), expected["concat"], "concat")
            try compare(try exported("output"), expected["out"], "output")
        }
        #expect(problems.isEmpty, "\(reference.name): \(problems.prefix(5).joined(separator: "; "))")
    }
}
