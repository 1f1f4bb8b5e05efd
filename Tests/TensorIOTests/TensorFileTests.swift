import Foundation
import Testing
@testable import TensorIO

@Suite("TensorFile")
struct TensorFileTests {
    /// A fresh empty directory for one test.
    func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "/tensorio-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func roundTripsEveryFormat() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let matrix = try NDArray(rows: [[0.1, 0.2, 0.7], [1.0 / 3.0, -5e-7, 2]])
        for name in ["m.npy", "m.json", "m.csv", "UPPER.NPY", "Mixed.Json"] {
            let path = directory + "/" + name
            try TensorFile.write(matrix, path: path)
            let back = try TensorFile.read(path: path)
            #expect(back.values.map(\.bitPattern) == matrix.values.map(\.bitPattern))
            #expect(back.shape == [2, 3])
        }
        let cube = try NDArray(shape: [2, 1, 3], values: [1, 2, 3, 4, 5, 6])
        try TensorFile.write(cube, path: directory + "/c.json")
        #expect(try TensorFile.read(path: directory + "/c.json") == cube)
        let contents = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(!contents.contains { $0.contains(".tmp-") })
    }

    @Test func overwritesExistingFile() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/a.npy"
        try TensorFile.write(NDArray(vector: [1, 2, 3]), path: path)
        try TensorFile.write(NDArray(vector: [4]), path: path)
        #expect(try TensorFile.read(path: path) == NDArray(vector: [4]))
    }

    @Test func readsFixtureThroughFile() throws {
        let path = Fixtures.directory.appendingPathComponent("f64_3d.npy").path
        let array = try TensorFile.read(path: path)
        #expect(array.values.map(\.bitPattern) == (try Fixtures.expected("f64_3d")).bits)
    }

    @Test func unknownExtension() {
        let error = expectError { try TensorFile.read(path: "/tmp/scores.txt") }
        #expect(error == .unknownExtension("txt", path: "/tmp/scores.txt"))
        expectDescription(error, contains: "'.txt'", ".npy", ".json", ".csv")
        expectDescription(expectError { try TensorFile.read(path: "/tmp/.hidden") }, contains: "no file extension")
        expectDescription(expectError { try TensorFile.write(NDArray(vector: [1]), path: "/tmp/a.xlsx") },
                          contains: "'.xlsx'")
    }

    @Test func missingAndUnreadableFiles() throws {
        let missing = expectError { try TensorFile.read(path: "/nonexistent-dir/q.npy") }
        expectDescription(missing, contains: "'/nonexistent-dir/q.npy'", "No such file or directory")
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/d.json", withIntermediateDirectories: false)
        expectDescription(expectError { try TensorFile.read(path: directory + "/d.json") }, contains: "directory")
        let unwritable = expectError { try TensorFile.write(NDArray(vector: [1]), path: "/nonexistent-dir/q.csv") }
        expectDescription(unwritable, contains: "Could not write", "No such file or directory")
    }

    @Test func refusesBadArraysAndText() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var broken = NDArray(vector: [1, 2])
        broken.shape = [3]
        expectDescription(expectError { try TensorFile.write(broken, path: directory + "/b.npy") }, contains: "(3,)")
        let cube = try NDArray(shape: [1, 1, 2], values: [1, 2])
        expectDescription(expectError { try TensorFile.write(cube, path: directory + "/c.csv") }, contains: ".npy or .json")
        #expect(!FileManager.default.fileExists(atPath: directory + "/c.csv"))

        let bad = directory + "/bad.json"
        _ = FileManager.default.createFile(atPath: bad, contents: Data([0x5B, 0x31, 0xFF, 0x5D]))
        expectDescription(expectError { try TensorFile.read(path: bad) }, contains: "UTF-8", "byte offset 2")
        let bom = directory + "/bom.csv"
        _ = FileManager.default.createFile(atPath: bom, contents: Data([0xEF, 0xBB, 0xBF] + Array("1,2\n".utf8)))
        #expect(try TensorFile.read(path: bom).values == [1, 2])
    }
}

@Suite("Writing to devices")
struct DeviceWriteTests {
    /// Exporting to /dev/null discards the data; the device must stay a device.
    @Test func devNullStaysADevice() throws {
        try TensorFile.writeText("discarded", path: "/dev/null")
        var status = stat()
        #expect(stat("/dev/null", &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFCHR)
    }
}
