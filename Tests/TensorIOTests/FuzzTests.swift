import Testing
@testable import TensorIO

/// Random inputs must produce a value or a `TensorFileError`, never a crash.
@Suite("Fuzz")
struct FuzzTests {
    @Test func randomBytesThroughNPY() throws {
        var generator = SplitMix64(state: 1)
        let valid = NPY.encode(try NDArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
        for round in 0..<600 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else { // a valid file with a few bytes changed or cut off
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            }
            do { _ = try NPY.decode(bytes) } catch is TensorFileError {} catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func randomTextThroughParsers() {
        var generator = SplitMix64(state: 2)
        let alphabet = Array("[[]],,, 0123456789.-+eEtruefalsnNI\n\r\"é{}x")
        for _ in 0..<1000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let text = String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
            for parse in [JSONArrayText.parse(_:columnOffset:), { text, _ in try CSVText.parse(text) }] {
                do {
                    let array = try parse(text, 0)
                    #expect(array.isWellFormed)
                } catch let error as TensorFileError {
                    #expect(!error.description.isEmpty)
                } catch {
                    Issue.record("unexpected error \(error)")
                }
            }
        }
    }
}
