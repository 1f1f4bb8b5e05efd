import Testing
@testable import TensorIO

@Suite("NDArray")
struct NDArrayTests {
    @Test func validatingInitialisers() throws {
        let array = try NDArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(array.rank == 2)
        #expect(array.isWellFormed)
        #expect(NDArray(vector: [1, 2]).shape == [2])
        #expect(try NDArray(rows: [[1, 2], [3, 4]]).values == [1, 2, 3, 4])
        #expect(try NDArray(matrices: [[[1], [2]], [[3], [4]]]).shape == [2, 2, 1])

        expectDescription(expectError { try NDArray(shape: [2, 3], values: [1]) }, contains: "(2, 3)", "6 values", "1 were given")
        expectDescription(expectError { try NDArray(shape: [1, 1, 1, 1, 1], values: [1]) }, contains: "5-D")
        expectDescription(expectError { try NDArray(shape: [], values: [1]) }, contains: "0-D")
        expectDescription(expectError { try NDArray(shape: [0, 3], values: []) }, contains: "empty")
        expectDescription(expectError { try NDArray(shape: [-1, -3], values: [1, 2, 3]) }, contains: "(-1, -3)")
        expectDescription(expectError { try NDArray(shape: [Int.max, 3], values: []) }, contains: "impossible")
        expectDescription(expectError { try NDArray(rows: [[1, 2], [3]]) }, contains: "row 1 has 1 value but row 0 has 2")
        expectDescription(expectError { try NDArray(rows: []) }, contains: "empty")
        expectDescription(expectError { try NDArray(matrices: [[[1]], [[1], [2]]]) }, contains: "matrix 1 has 2 rows")
    }

    @Test func inconsistentArraysAreWrittenAsVectors() throws {
        var array = try NDArray(shape: [2, 2], values: [1, 2, 3, 4])
        array.values.append(5)
        #expect(!array.isWellFormed)
        #expect(try NPY.decode(NPY.encode(array)) == NDArray(vector: [1, 2, 3, 4, 5]))
        #expect(JSONArrayText.format(array) == "[1.0, 2.0, 3.0, 4.0, 5.0]")
        #expect(try CSVText.format(array) == "1.0,2.0,3.0,4.0,5.0\n")
        array.shape = []
        #expect(NPY.encode(array).count > 0)
        #expect(JSONArrayText.format(NDArray(vector: [])) == "[]")
    }
}
