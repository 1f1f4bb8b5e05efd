import Foundation
import ReferenceCases
import Testing
@testable import ModelFiles

/// Files assembled byte by byte: the 8-byte little-endian header length, the JSON header, the data.
private func safetensorsFile(header: String, data: [UInt8] = []) -> [UInt8] {
    let json = Array(header.utf8)
    return lengthField(UInt64(json.count)) + json + data
}

private func lengthField(_ length: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
}

private func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}

/// The error `read` throws for `bytes`, checked to name the file and to mention every phrase.
private func readError(_ bytes: [UInt8], skipping: @escaping (String) -> Bool = { _ in false },
                       mentions phrases: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let tensors = try Safetensors.read(bytes, file: "weights.safetensors", skipping: skipping)
        Issue.record("read \(tensors.count) tensors instead of failing", sourceLocation: sourceLocation)
    } catch let error as ModelFileError {
        #expect(error.file == "weights.safetensors", sourceLocation: sourceLocation)
        for phrase in phrases {
            #expect(error.problem.contains(phrase), "\"\(error.problem)\" should mention \"\(phrase)\"",
                    sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("threw \(error), not a ModelFileError", sourceLocation: sourceLocation)
    }
}

@Suite("Safetensors")
struct SafetensorsTests {
    // MARK: Reading each dtype exactly

    @Test func float32IsWidenedExactly() throws {
        let floats: [Float] = [0.1, -0.0, 1, -2.5, .infinity, -.infinity, .leastNonzeroMagnitude,
                               .leastNormalMagnitude, .greatestFiniteMagnitude, .nan]
        let bytes = safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [2, 5], "data_offsets": [0, 40]}}"#,
                                    data: littleEndian(floats.map(\.bitPattern)))
        let tensor = try #require(try Safetensors.read(bytes)["t"])
        #expect(tensor.shape == [2, 5])
        #expect(tensor.values.count == 10)
        for (value, float) in zip(tensor.values, floats) {
            if float.isNaN { #expect(value.isNaN) } else { #expect(value.bitPattern == Double(float).bitPattern) }
        }
        #expect(tensor.values[0] == Double(Float(0.1)) && tensor.values[0] != 0.1)
    }

    /// A tensor read `transposing` holds exactly the transpose of the stored matrix, for every
    /// dtype and for a tensor larger than one piece of the reader (so that a piece ends in the
    /// middle of a row); other tensors, and tensors that are not 2-D, are read as stored.
    @Test(arguments: ["F32", "F16", "BF16", "F64"])
    func transposingGivesTheTransposeExactly(_ dtype: String) throws {
        let size = dtype == "F64" ? 8 : dtype == "F32" ? 4 : 2
        let (rows, cols) = (1031, 1_600_000 / size / 1031 | 1)   // about 1.6 pieces, odd rows
        let count = rows * cols
        #expect(count * size > Safetensors.pieceSize)
        var bytes: [UInt8] = []
        for i in 0..<count {
            let small = UInt64(i % 251)   // exactly representable in every dtype (bfloat16: up to 256)
            switch dtype {
            case "F64": bytes += littleEndian([Double(small).bitPattern])
            case "F32": bytes += littleEndian([Float(small).bitPattern])
            case "F16": bytes += littleEndian([Float16(Float(small)).bitPattern])
            default: bytes += littleEndian([UInt16(Float(small).bitPattern >> 16)])
            }
        }
        let header = #"{"w": {"dtype": "\#(dtype)", "shape": [\#(rows), \#(cols)], "data_offsets": [0, \#(count * size)]}, "#
            + #""v": {"dtype": "\#(dtype)", "shape": [\#(cols)], "data_offsets": [\#(count * size), \#((count + cols) * size)]}}"#
        let file = safetensorsFile(header: header, data: bytes + bytes[0..<cols * size])
        let stored = try Safetensors.read(file)
        let transposed = try Safetensors.read(file, transposing: { _ in true })
        let plain = try #require(stored["w"]), turned = try #require(transposed["w"])
        #expect(!plain.transposed && turned.transposed && turned.shape == [rows, cols])
        var mismatches = 0
        for r in 0..<rows {
            for c in 0..<cols where turned.values[c * rows + r].bitPattern != plain.values[r * cols + c].bitPattern {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        #expect(Set(plain.values).count == 251, "the pattern should not be nearly constant")
        #expect(transposed["v"] == stored["v"] && transposed["v"]?.transposed == false)
    }

    @Test func float64KeepsEveryBit() throws {
        let doubles: [Double] = [0.1, -0.0, 1.0 / 3.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.infinity]
        let bytes = safetensorsFile(header: #"{"t": {"dtype": "F64", "shape": [6], "data_offsets": [0, 48]}}"#,
                                    data: littleEndian(doubles.map(\.bitPattern)))
        let tensor = try #require(try Safetensors.read(bytes)["t"])
        #expect(tensor.values.map(\.bitPattern) == doubles.map(\.bitPattern))
    }

    @Test func float16SpecialValues() throws {
        let cases: [(UInt16, Double)] = [
            (0x0000, 0), (0x3C00, 1), (0xC000, -2), (0x3555, 0.333251953125),
            (0x0001, 0x1p-24),                 // the smallest subnormal
            (0x03FF, 1023 * 0x1p-24),          // the largest subnormal
            (0x0400, 0x1p-14),                 // the smallest normal
            (0x7BFF, 65504),                   // the largest finite
            (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        let bits = cases.map(\.0) + [0x8000, 0x7E00, 0xFE01]    // -0, NaN, a negative NaN with a payload
        let bytes = safetensorsFile(
            header: #"{"h": {"dtype": "F16", "shape": [\#(bits.count)], "data_offsets": [0, \#(2 * bits.count)]}}"#,
            data: littleEndian(bits))
        let values = try #require(try Safetensors.read(bytes)["h"]).values
        for (value, (bit, expected)) in zip(values, cases) {
            #expect(value == expected, "F16 0x\(String(bit, radix: 16)) read as \(value), expected \(expected)")
        }
        #expect(values[cases.count] == 0 && values[cases.count].sign == .minus)
        #expect(values[cases.count + 1].isNaN && values[cases.count + 2].isNaN)
    }

    #if arch(x86_64) || arch(arm64)
    /// Every one of the 65,536 half-precision patterns, against the standard library's Float16.
    @Test func float16AgreesWithFloat16() {
        let wrong = (0...UInt16.max).filter { bits in
            let (value, expected) = (Safetensors.half(bits), Double(Float16(bitPattern: bits)))
            return !(value.bitPattern == expected.bitPattern || (value.isNaN && expected.isNaN))
        }
        let first = wrong.prefix(3).map {
            "0x\(String($0, radix: 16)) read as \(Safetensors.half($0)), expected \(Double(Float16(bitPattern: $0)))"
        }
        #expect(wrong.isEmpty, "\(wrong.count) patterns differ, the first: \(first.joined(separator: "; "))")
    }
    #endif

    @Test func bfloat16SpecialValues() throws {
        let bits: [UInt16] = [0x3F80, 0xC000, 0x3EAB, 0x0001, 0x8000, 0x7F80, 0xFF80, 0x7FC0]
        let bytes = safetensorsFile(header: #"{"b": {"dtype": "BF16", "shape": [8], "data_offsets": [0, 16]}}"#,
                                    data: littleEndian(bits))
        let values = try #require(try Safetensors.read(bytes)["b"]).values
        #expect(Array(values[0..<2]) == [1, -2])
        #expect(values[2] == Double(Float(bitPattern: 0x3EAB_0000)))        // 0.333984375
        #expect(values[3] == 0x1p-133)                                       // the smallest subnormal
        #expect(values[4] == 0 && values[4].sign == .minus)
        #expect(values[5] == .infinity && values[6] == -.infinity && values[7].isNaN)
    }

    @Test func severalTensorsWithMetadataPaddingAndGaps() throws {
        // A scalar, an empty tensor, a 2 x 3 matrix after 4 unused bytes; a header padded with spaces.
        let header = #"{"__metadata__": {"format": "pt"}, "#
            + #""matrix": {"dtype": "F32", "shape": [2, 3], "data_offsets": [12, 36]}, "#
            + #""scalar": {"dtype": "F64", "shape": [], "data_offsets": [0, 8]}, "#
            + #""empty": {"dtype": "BF16", "shape": [0, 4], "data_offsets": [8, 8]}}      "#
        let data = littleEndian([(-1.5).bitPattern]) + [0, 0, 0, 0]
            + littleEndian((1...6).map { Float($0).bitPattern })
        let tensors = try Safetensors.read(safetensorsFile(header: header, data: data))
        #expect(tensors == [
            "matrix": SafetensorsTensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
            "scalar": SafetensorsTensor(shape: [], values: [-1.5]),
            "empty": SafetensorsTensor(shape: [0, 4], values: []),
        ])
    }

    @Test func skippedTensorsMayHaveAnyDtype() throws {
        let header = #"{"embeddings.position_ids": {"dtype": "I64", "shape": [1, 2], "data_offsets": [0, 16]}, "#
            + #""w": {"dtype": "F32", "shape": [1], "data_offsets": [16, 20]}}"#
        let bytes = safetensorsFile(header: header, data: littleEndian([Int64(0), 1]) + littleEndian([Float(2).bitPattern]))
        let tensors = try Safetensors.read(bytes) { $0.hasSuffix("position_ids") }
        #expect(tensors == ["w": SafetensorsTensor(shape: [1], values: [2])])
        readError(bytes, mentions: "embeddings.position_ids", "\"I64\"", "F64, F32, F16, BF16")
    }

    @Test func readsTheTinyBertFixture() throws {
        let tensors = try Safetensors.read(TinyBertCase.bytes("model.safetensors"))
        #expect(tensors.count == 5 + 2 * 16)
        let word = try #require(tensors["embeddings.word_embeddings.weight"])
        #expect(word.shape == [60, 16])
        #expect(tensors["encoder.layer.1.intermediate.dense.weight"]?.shape == [32, 16])
        #expect(word.values.allSatisfy { Double(Float($0)) == $0 })    // float32 values, widened exactly
    }

    // MARK: Hostile files

    @Test func tooShortForTheLengthField() {
        readError([], mentions: "0 bytes long", "too short")
        readError([1, 0, 0], mentions: "3 bytes long")
    }

    @Test func headerLengthBeyondTheLimitOrTheFile() {
        readError(lengthField(UInt64.max) + Array("{}".utf8), mentions: "\(UInt64.max)", "limit")
        readError(lengthField(100_000_001), mentions: "limit")
        readError(lengthField(100) + Array("{}".utf8), mentions: "100 bytes", "ends after 2", "truncated")
    }

    @Test func headerThatIsNotAJSONObject() {
        readError(safetensorsFile(header: "not json"), mentions: "not valid JSON")
        readError(safetensorsFile(header: #"{"a": "#), mentions: "not valid JSON")
        readError(lengthField(2) + [0xFF, 0xFE], mentions: "not valid JSON")
        readError(safetensorsFile(header: "[1, 2]"), mentions: "not a JSON object")
        readError(safetensorsFile(header: String(repeating: "[", count: 100_000)), mentions: "not valid JSON")
    }

    @Test func entriesMissingOrMistypedFields() {
        readError(safetensorsFile(header: #"{"t": 5}"#), mentions: "tensor \"t\"", "not an object")
        readError(safetensorsFile(header: #"{"t": {"shape": [1], "data_offsets": [0, 4]}}"#),
                  mentions: "\"t\"", "\"dtype\" is missing")
        readError(safetensorsFile(header: #"{"t": {"dtype": 32, "shape": [1], "data_offsets": [0, 4]}}"#),
                  mentions: "\"dtype\" is the integer 32")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "data_offsets": [0, 4]}}"#),
                  mentions: "\"shape\" is missing")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [1]}}"#, data: [0, 0, 0, 0]),
                  mentions: "\"data_offsets\" is missing")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}"#,
                                  data: [0, 0, 0, 0]), mentions: "[begin, end]")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [1], "data_offsets": ["0", "4"]}}"#,
                                  data: [0, 0, 0, 0]), mentions: "[begin, end]")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 1e30]}}"#,
                                  data: [0, 0, 0, 0]), mentions: "two integers")
    }

    @Test func badShapes() {
        for (shape, phrase) in [("[-1]", "the integer -1"), ("[1.5]", "the number 1.5"), ("[\"2\"]", "a string"),
                                ("[null]", "null"), ("3", "\"shape\" is the integer 3")] {
            readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": \#(shape), "data_offsets": [0, 4]}}"#,
                                      data: [0, 0, 0, 0]), mentions: "\"t\"", phrase)
        }
        // 2^32 · 2^32 · 4 elements overflow Int before any byte count is compared.
        readError(safetensorsFile(
            header: #"{"t": {"dtype": "F32", "shape": [4294967296, 4294967296, 4], "data_offsets": [0, 4]}}"#,
            data: [0, 0, 0, 0]), mentions: "more elements than can be counted")
        // 2^62 elements can be counted, but not their bytes.
        readError(safetensorsFile(
            header: #"{"t": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 4]}}"#,
            data: [0, 0, 0, 0]), mentions: "needs more bytes", "hold 4")
    }

    @Test func offsetsOutsideTheDataOrInconsistent() {
        let four: [UInt8] = [0, 0, 128, 63]
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 8]}}"#, data: four),
                  mentions: "[0, 8]", "past the end", "4 bytes long")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}"#, data: four),
                  mentions: "[4, 0]", "not a range")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}"#, data: four),
                  mentions: "not a range")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}"#, data: four),
                  mentions: "needs 8 bytes", "hold 4")
        readError(safetensorsFile(header: #"{"t": {"dtype": "F16", "shape": [1], "data_offsets": [0, 4]}}"#, data: four),
                  mentions: "needs 2 bytes")
        readError(safetensorsFile(
            header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "#
                + #""b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#,
            data: four + four), mentions: "\"a\"", "\"b\"", "overlap")
    }

    /// Every prefix of a valid file is refused with a ModelFileError: none crashes or reads
    /// past its end.
    @Test func everyTruncationIsAnError() throws {
        let header = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "#
            + #""b": {"dtype": "F16", "shape": [3], "data_offsets": [8, 14]}}"#
        let bytes = safetensorsFile(header: header, data: Array(repeating: 0x3C, count: 14))
        #expect(try Safetensors.read(bytes).count == 2)
        for length in 0..<bytes.count {
            #expect(throws: ModelFileError.self) { try Safetensors.read(Array(bytes.prefix(length))) }
        }
        readError(Array(bytes.dropLast()), mentions: "\"b\"", "past the end")
    }
}

/// Reading a file piece by piece gives what reading its bytes at once gives, and a file that
/// is shorter than its header says is refused the same way.
@Suite("Safetensors from a file")
struct SafetensorsFileTests {
    @Test func aFileReadInPiecesEqualsItsBytes() throws {
        let path = TinyBertCase.folder.appendingPathComponent("model.safetensors").path
        let bytes = try TinyBertCase.bytes("model.safetensors")
        let whole = try Safetensors.read(bytes, skipping: ModelFolder.isUnused)
        #expect(try Safetensors.read(fileAt: path, limit: 1 << 30, skipping: ModelFolder.isUnused) == whole)
        #expect(!whole.isEmpty)
    }

    @Test func aFileOverTheLimitOrMissingIsRefused() throws {
        let path = TinyBertCase.folder.appendingPathComponent("model.safetensors").path
        #expect(throws: ModelFileError.self) { try Safetensors.read(fileAt: path, limit: 100) }
        #expect(throws: ModelFileError.self) { try Safetensors.read(fileAt: path + ".missing", limit: 1 << 30) }
        #expect(throws: ModelFileError.self) { try Safetensors.read(fileAt: TinyBertCase.folder.path, limit: 1 << 30) }
    }

    /// Values that span several pieces (more than `pieceSize` bytes) convert exactly.
    @Test func aTensorLargerThanOnePieceConvertsExactly() throws {
        let count = 300_000   // 1.2 MB of F32
        let values = (0..<count).map { Float($0) * 0.5 - 7 }
        let header = Array("{\"big\": {\"dtype\": \"F32\", \"shape\": [\(count)], \"data_offsets\": [0, \(4 * count)]}}".utf8)
        var file = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
        for value in values { file += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).safetensors")
        try Data(file).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let read = try Safetensors.read(fileAt: url.path, limit: 1 << 30)
        #expect(read["big"]?.values == values.map(Double.init))
    }
}
