import Foundation
import Testing
@testable import TensorIO

@Suite("NPY")
struct NPYTests {
    @Test("reads NumPy's files bit for bit", arguments: ["f64_2d", "f32_2d", "f64_1d", "f64_3d", "v2", "v3"])
    func readsFixture(name: String) throws {
        let array = try NPY.decode(Fixtures.bytes(name + ".npy"))
        let expected = try Fixtures.expected(name)
        #expect(array.shape == expected.shape)
        #expect(array.values.map(\.bitPattern) == expected.bits)
    }

    @Test func float32IsWidenedExactly() throws {
        let array = try NPY.decode(Fixtures.bytes("f32_2d.npy"))
        #expect(array.values[0] == Double(Float(0.1)))
        #expect(array.values[0] != 0.1)
    }

    @Test func roundTripKeepsBits() throws {
        let values: [Double] = [0.1, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -1e-300, 42, 1.0 / 3.0]
        for shape in [[7], [1, 7], [7, 1]] {
            let array = try NDArray(shape: shape, values: values)
            let decoded = try NPY.decode(NPY.encode(array))
            #expect(decoded.shape == shape)
            #expect(decoded.values.map(\.bitPattern) == values.map(\.bitPattern))
        }
        let cube = try NDArray(shape: [2, 3, 4], values: (0..<24).map { Double($0) * 0.37 - 3 })
        #expect(try NPY.decode(NPY.encode(cube)) == cube)
    }

    @Test func writesNumPyStyleHeader() throws {
        let bytes = NPY.encode(try NDArray(shape: [3, 4], values: Array(repeating: 1, count: 12)))
        #expect(Array(bytes.prefix(8)) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(bytes.count == 10 + headerLength + 12 * 8)

        let vector = NPY.encode(NDArray(vector: [1, 2, 3]))
        let vectorHeader = String(decoding: vector[10..<74], as: UTF8.self)
        #expect(vectorHeader.contains("'shape': (3,)"))
    }

    @Test func tolerantHeaderParser() throws {
        let payload = [UInt8](repeating: 0, count: 16)
        for header in [
            "{\"descr\":\"<f8\",\"fortran_order\":False,\"shape\":(2,)}",
            "{ 'shape' : ( 1 , 2 , ) , 'fortran_order' : False , 'descr' : '<f8' , }\n",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), 'extra': [1, 'x', None]}   \n",
        ] {
            let array = try NPY.decode(makeNPY(header: header, data: payload))
            #expect(array.values == [0, 0])
        }
    }

    // MARK: Errors

    @Test func badMagic() {
        let error = expectError { try NPY.decode(Array("PK\u{3}\u{4} this is a zip".utf8)) }
        #expect(error == .badMagic)
        expectDescription(error, contains: "not an .npy file", "byte offset 0")
        #expect(expectError { try NPY.decode([]) } == .badMagic)
    }

    @Test func unsupportedVersion() {
        var bytes = NPY.encode(NDArray(vector: [1]))
        bytes[6] = 4
        let error = expectError { try NPY.decode(bytes) }
        #expect(error == .unsupportedVersion(major: 4, minor: 0))
        expectDescription(error, contains: "4.0", "1.0, 2.0 and 3.0")
    }

    @Test func fortranOrder() throws {
        let error = expectError { try NPY.decode(try Fixtures.bytes("fortran.npy")) }
        #expect(error == .fortranOrder)
        expectDescription(error, contains: "Fortran", "ascontiguousarray")
    }

    @Test func bigEndian() throws {
        let error = expectError { try NPY.decode(try Fixtures.bytes("bigendian.npy")) }
        #expect(error == .bigEndian(">f8"))
        expectDescription(error, contains: "big-endian", "'>f8'")
    }

    @Test func unsupportedDType() throws {
        let error = expectError { try NPY.decode(try Fixtures.bytes("complex.npy")) }
        #expect(error == .unsupportedDType("<c16"))
        expectDescription(error, contains: "'<c16'", "'<f8'", "'<f4'", "'|b1'")
    }

    /// Masks come as bool or integer arrays (PyTorch's are bool): written by NumPy, read as
    /// 0 and 1, and integers as their values.
    @Test func boolAndIntegerArraysAreRead() throws {
        let mask = try NPY.decode(try Fixtures.bytes("bool_mask.npy"))
        #expect(mask.shape == [3, 3])
        #expect(mask.values == [0, 1, 1, 0, 0, 1, 0, 0, 0])
        #expect(try NPY.decode(try Fixtures.bytes("int32.npy")).values == [-3, 0, 7])
        #expect(try NPY.decode(try Fixtures.bytes("int64.npy")).values == [0, 1, 2, 3])
    }

    @Test func unsupportedRanks() throws {
        let rank4 = expectError { try NPY.decode(try Fixtures.bytes("rank4.npy")) }
        #expect(rank4 == .unsupportedRank(4))
        expectDescription(rank4, contains: "4-D", "1-D, 2-D and 3-D")
        let scalar = expectError { try NPY.decode(try Fixtures.bytes("scalar.npy")) }
        #expect(scalar == .unsupportedRank(0))
        expectDescription(scalar, contains: "0-D", "shape ()")
    }

    @Test func truncatedData() throws {
        let bytes = try Fixtures.bytes("f64_2d.npy")
        let error = expectError { try NPY.decode(Array(bytes.dropLast(5))) }
        #expect(error == .truncatedData(expected: 96, found: 91, byteOffset: 128))
        expectDescription(error, contains: "truncated", "expected 96 bytes", "found only 91", "byte offset 128")
    }

    @Test func trailingData() throws {
        let bytes = try Fixtures.bytes("f64_1d.npy") + [1, 2, 3]
        let error = expectError { try NPY.decode(bytes) }
        #expect(error == .trailingData(expected: 40, found: 43, byteOffset: 128))
        expectDescription(error, contains: "3 unexpected bytes")
    }

    @Test func hostileShape() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }"
        let error = expectError { try NPY.decode(makeNPY(header: header, data: Array(repeating: 0, count: 10))) }
        #expect(error == .tooManyElements(count: 10_000_000_000, limit: TensorLimits.maxElementCount))
        expectDescription(error, contains: "10000000000 values", "16777216")

        let overflow = "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 5), }"
        let overflowError = expectError { try NPY.decode(makeNPY(header: overflow, data: [])) }
        #expect(overflowError == .tooManyElements(count: nil, limit: TensorLimits.maxElementCount))

        var huge = makeNPY(header: header, data: [])
        huge[8] = 0xFF; huge[9] = 0xFF // header length beyond the end of the file
        expectDescription(expectError { try NPY.decode(huge) }, contains: "malformed", "65535")
    }

    @Test func malformedHeaders() {
        let cases: [(String, String)] = [
            ("{'descr': '<f8', 'shape': (2,), }", "'fortran_order' entry is missing"),
            ("{'descr': '<f8', 'fortran_order': False, }", "'shape' entry is missing"),
            ("{'fortran_order': False, 'shape': (2,), }", "'descr' entry"),
            ("{'descr': '<f8' 'fortran_order': False}", "expected ',' or '}'"),
            ("'descr'", "expected '{'"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } junk", "after the closing '}'"),
            ("{'descr': '<f8', 'fortran_order': maybe, 'shape': (2,)}", "byte offset 44"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}", "negative dimension"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,", "header ends"),
        ]
        for (header, phrase) in cases {
            let error = expectError { try NPY.decode(makeNPY(header: header, data: Array(repeating: 0, count: 16))) }
            expectDescription(error, contains: "malformed", phrase)
        }
    }

    @Test func emptyAndNonFinite() throws {
        let empty = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }"
        #expect(expectError { try NPY.decode(makeNPY(header: empty, data: [])) } == .emptyArray(at: nil))

        var array = try NDArray(shape: [2, 2], values: [1, 2, 3, 4])
        array.values[3] = .nan
        let error = expectError { try NPY.decode(NPY.encode(array)) }
        expectDescription(error, contains: "[1, 1]", "NaN", "non-finite", "byte offset 152")
    }

    @Test func versionTwoLengthField() throws {
        let bytes = try Fixtures.bytes("v2.npy")
        #expect(bytes[6] == 2)
        let truncated = Array(bytes.prefix(11))
        expectDescription(expectError { try NPY.decode(truncated) }, contains: "header length field")
    }

    /// Builds a version 1.0 file with the given header text and data bytes.
    func makeNPY(header: String, data: [UInt8]) -> [UInt8] {
        let text = Array(header.utf8)
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
            + text + data
    }
}
