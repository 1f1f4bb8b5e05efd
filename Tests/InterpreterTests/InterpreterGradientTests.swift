import Attention
import Foundation
import Interpreter
import ReferenceCases
import Testing

/// The gradient commands end to end against PyTorch autograd: every input and the target are
/// imported from JSON (or .npy) written independently, the layer is set up with commands
/// (heads, dk, mask, padding, gates), every gradient is exported with `export grad` and read
/// back with Foundation, and compared to 1e-9 of its largest entry.
@Suite("Interpreter gradients against PyTorch autograd")
struct InterpreterGradientTests {
    static let cases = (try? GradientCase.all()) ?? []

    @Test(arguments: cases)
    func importExportGradMatches(_ reference: GradientCase) throws {
        let folder = try makeScratchFolder("gradient-\(reference.name)")
        defer { removeScratchFolder(folder) }

        var interpreter = Interpreter(loadExample: false)
        func run(_ line: String) throws -> String { try interpreter.execute(line).text }
        func importValue(_ name: String, _ value: Any) throws {
            let path = folder.appendingPathComponent("\(name).json").path
            try JSONSerialization.data(withJSONObject: value).write(to: URL(fileURLWithPath: path))
            _ = try run("import \(name) \(path)")
        }

        let input = reference.input
        if let heads = input["heads"] as? Int { _ = try run("heads \(heads)") }
        if let dk = input["dk"] as? Int { _ = try run("dk \(dk)") }
        for name in ["X", "W_Q", "W_K", "W_V", "W_O", "b_Q", "b_K", "b_V", "b_O", "target"] {
            if let value = input[name] { try importValue(name, value) }
        }
        if let mask = input["mask"] as? String { _ = try run("mask \(mask)") }
        if let mask = input["mask"] as? [[Bool]] { try importValue("mask", mask) }
        if let padding = input["key_padding"] as? [Bool], padding.contains(true) {
            _ = try run("pad " + padding.indices.filter { padding[$0] }.map(String.init).joined(separator: " "))
        }
        if let gates = input["gates"] as? [Double] {
            for (i, gate) in gates.enumerated() { _ = try run("gate head \(i + 1) \(gate)") }
        }

        let check = try CheckParser.parse("loss = \(reference.loss) +- \(1e-9 * max(1, reference.loss))")
        let outcome = try interpreter.evaluate(check)
        #expect(outcome.passed, "\(reference.name): loss \(outcome.found), expected \(reference.loss)")

        // The case's largest gradient entry: the scale for gradients that are exactly zero
        // (dL/db_K; see `relativeDifference`).
        let names = reference.gradients.keys.sorted()
        let caseScale = try names.compactMap { try reference.expectedGradient($0)?.values.map(abs).max() }.max() ?? 0
        for (index, name) in names.enumerated() {
            // Alternate the file formats: JSON and NumPy's .npy are read back independently.
            let useNPY = index % 2 == 1
            let path = folder.appendingPathComponent("grad-\(name).\(useNPY ? "npy" : "json")").path
            _ = try run("export grad \(name) \(path)")
            let values = useNPY ? try Self.readNPY(path) : try Self.readJSON(path)
            let expected = try #require(try reference.expectedGradient(name))
            let actual = try Matrix(rows: expected.rows, cols: expected.cols, values: values)
            let difference = relativeDifference(actual, expected, floor: 1e-6 * caseScale)
            #expect(difference <= 1e-9, "\(reference.name) export grad \(name): relative difference \(difference)")
        }
    }

    /// `importance` ranks heads by |dL/dg_i| when the layer has a target: the figures equal the
    /// sizes of PyTorch's gate gradients (cases with every gate at 1, since importance measures
    /// the unpruned layer).
    @Test(arguments: cases.filter { $0.input["gates"] == nil })
    func importanceGradientIsTheGateGradientsSize(_ reference: GradientCase) throws {
        let folder = try makeScratchFolder("importance-\(reference.name)")
        defer { removeScratchFolder(folder) }
        var interpreter = Interpreter(loadExample: false)
        let input = reference.input
        if let heads = input["heads"] as? Int { _ = try interpreter.execute("heads \(heads)") }
        if let dk = input["dk"] as? Int { _ = try interpreter.execute("dk \(dk)") }
        for name in ["X", "W_Q", "W_K", "W_V", "W_O", "b_Q", "b_K", "b_V", "b_O", "target"] {
            guard let value = input[name] else { continue }
            let path = folder.appendingPathComponent("\(name).json").path
            try JSONSerialization.data(withJSONObject: value).write(to: URL(fileURLWithPath: path))
            _ = try interpreter.execute("import \(name) \(path)")
        }
        if let mask = input["mask"] as? String { _ = try interpreter.execute("mask \(mask)") }
        if let mask = input["mask"] as? [[Bool]] {
            let path = folder.appendingPathComponent("mask.json").path
            try JSONSerialization.data(withJSONObject: mask).write(to: URL(fileURLWithPath: path))
            _ = try interpreter.execute("import mask \(path)")
        }
        if let padding = input["key_padding"] as? [Bool], padding.contains(true) {
            _ = try interpreter.execute("pad " + padding.indices.filter { padding[$0] }.map(String.init).joined(separator: " "))
        }
        let path = folder.appendingPathComponent("importance.json").path
        _ = try interpreter.execute("export importance \(path)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let figures = (json["heads"] as! [[String: Any]]).map { ($0["gradient"] as! NSNumber).doubleValue }
        let expected = try #require(try reference.expectedGradient("gates")).values.map(abs)
        let scale = max(expected.max() ?? 0, 1e-300)
        for (figure, wanted) in zip(figures, expected) {
            #expect(abs(figure - wanted) <= 1e-9 * scale, "\(reference.name): |dL/dg| \(figure), PyTorch \(wanted)")
        }
    }

    /// A JSON file of nested arrays, flattened in row-major order, read with Foundation.
    static func readJSON(_ path: String) throws -> [Double] {
        func flatten(_ any: Any) -> [Double] {
            if let array = any as? [Any] { return array.flatMap(flatten) }
            return [(any as! NSNumber).doubleValue]
        }
        return flatten(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// A little-endian float64 .npy file (version 1 or 2 header), read here without the
    /// project's reader: the header length, then raw doubles.
    static func readNPY(_ path: String) throws -> [Double] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        #expect(Array(bytes[0..<6]) == [0x93] + Array("NUMPY".utf8))
        let major = bytes[6]
        let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let start = (major == 1 ? 10 : 12) + headerLength
        let header = String(decoding: bytes[(major == 1 ? 10 : 12)..<start], as: UTF8.self)
        #expect(header.contains("'<f8'") && header.contains("'fortran_order': False"), "header: \(header)")
        return stride(from: start, to: bytes.count, by: 8).map { offset in
            Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) })
        }
    }
}
