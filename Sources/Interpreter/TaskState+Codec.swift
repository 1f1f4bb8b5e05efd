import Attention
import Foundation
import Gradients
import Training

/// A task's learned state as one word of a session file: every number that `train` would
/// continue from (the weights, Adam's averages, the steps, the random stream, the fixed
/// examples, the recent accuracies, the sequence shown) and what `replay` shows, as the bytes
/// of float64 values in base64, so that a loaded session continues exactly where the saved one
/// stopped.
extension TaskState {
    /// The state after `task NAME ...` has described the model's shape.
    public var encoded: String {
        var numbers: [Double] = [Double(trainer.steps), Double(sample)]
        numbers += Self.halves(seed) + Self.halves(trainer.random.state)
        let examples = trainer.examples ?? []
        numbers += [trainer.examples == nil ? 0 : 1, Double(examples.count)] + examples.flatMap { $0.map(Double.init) }
        numbers += [Double(recentAccuracy.count)] + recentAccuracy
        numbers += model.parameterValues.flatMap { $0 }
        numbers += trainer.adam.flatMap { $0.m } + trainer.adam.flatMap { $0.v }
        numbers += [Double(snapshots.count)]
        for snapshot in snapshots {
            numbers += [Double(snapshot.step), Double(snapshot.sample), snapshot.accuracy]
            numbers += snapshot.weights.flatMap(\.values)
        }
        // Last, so that a session saved before the history was kept still loads.
        numbers += [Double(history.count)] + history.flatMap { [Double($0.step), $0.loss, $0.accuracy] }
        var data = Data(capacity: numbers.count * 8)
        for number in numbers { withUnsafeBytes(of: number.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        // Without base64's '=' padding, which a command line would read as a word of its own.
        return data.base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// Restores `encoded` onto a fresh state of the same task and sizes; nil when the text is
    /// not such a state (damaged, or saved for another shape).
    public func decoding(_ text: String) -> TaskState? {
        let padded = text + String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard text.count <= 100_000_000, let data = Data(base64Encoded: padded), data.count % 8 == 0 else { return nil }
        var numbers: [Double] = []
        numbers.reserveCapacity(data.count / 8)
        data.withUnsafeBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 8) {
                numbers.append(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
            }
        }
        var reader = Reader(numbers: numbers)
        var state = self
        guard let steps = reader.count(), let sample = reader.count(), sample < heldOutCount,
              let seed = reader.word(), let random = reader.word(),
              let hasExamples = reader.count(), hasExamples <= 1, let exampleCount = reader.count(), exampleCount <= 100_000 else { return nil }
        var examples: [[Int]] = []
        for _ in 0..<exampleCount {
            var tokens: [Int] = []
            for _ in 0..<model.length {
                guard let token = reader.count(), token < model.vocab else { return nil }
                tokens.append(token)
            }
            examples.append(tokens)
        }
        guard let recentCount = reader.count(), recentCount <= 20, let recent = reader.values(recentCount) else { return nil }
        let sizes = model.parameterValues.map(\.count)
        var parameters: [[Double]] = [], m: [[Double]] = [], v: [[Double]] = []
        for size in sizes { guard let values = reader.values(size) else { return nil }; parameters.append(values) }
        for size in sizes { guard let values = reader.values(size) else { return nil }; m.append(values) }
        for size in sizes { guard let values = reader.values(size) else { return nil }; v.append(values) }
        guard let snapshotCount = reader.count(), snapshotCount <= 1000 else { return nil }
        var snapshots: [Snapshot] = []
        let n = model.length
        for _ in 0..<snapshotCount {
            guard let step = reader.count(), let shown = reader.count(), shown < heldOutCount, let accuracy = reader.next() else { return nil }
            var weights: [Matrix] = []
            for _ in 0..<model.heads {
                // Weights are numbers in [0, 1], or NaN for a query that sees no key (never with a
                // causal mask, whose every query sees itself).
                guard let values = reader.values(n * n), values.allSatisfy({ (0...1).contains($0) }),
                      let matrix = try? Matrix(rows: n, cols: n, values: values) else { return nil }
                weights.append(matrix)
            }
            snapshots.append(Snapshot(step: step, sample: shown, weights: weights, accuracy: accuracy))
        }
        var history: [TrainingPoint] = []
        if !reader.isAtEnd {
            guard let count = reader.count(), count <= Self.historyLimit else { return nil }
            for _ in 0..<count {
                guard let step = reader.count(), let loss = reader.next(), let accuracy = reader.next() else { return nil }
                history.append(TrainingPoint(step: step, loss: loss, accuracy: accuracy))
            }
        }
        guard reader.isAtEnd else { return nil }
        state.history = history
        state.snapshots = snapshots
        state.model.setParameterValues(parameters)
        state.trainer.steps = steps
        state.trainer.random = SeededRandom(seed: random)
        state.trainer.examples = hasExamples == 1 ? examples : nil
        state.trainer.adam = zip(m, v).map { pair in
            var adam = OptimizerState(count: pair.0.count)
            (adam.m, adam.v) = pair
            return adam
        }
        state.seed = seed
        state.sample = sample
        state.recentAccuracy = recent
        return state
    }

    private static func halves(_ word: UInt64) -> [Double] {
        [Double(word & 0xFFFF_FFFF), Double(word >> 32)]
    }

    /// Reads the numbers in order, checking each is what it should be.
    private struct Reader {
        let numbers: [Double]
        var index = 0

        var isAtEnd: Bool { index == numbers.count }

        mutating func next() -> Double? {
            guard index < numbers.count else { return nil }
            defer { index += 1 }
            return numbers[index]
        }

        /// A whole number from 0 to 2^53.
        mutating func count() -> Int? {
            guard let value = next(), value >= 0, value <= 0x1p53, value == value.rounded() else { return nil }
            return Int(value)
        }

        /// A 64-bit word stored as two 32-bit halves.
        mutating func word() -> UInt64? {
            guard let low = count(), let high = count(), low < 1 << 32, high < 1 << 32 else { return nil }
            return UInt64(low) | UInt64(high) << 32
        }

        /// `count` finite numbers.
        mutating func values(_ count: Int) -> [Double]? {
            guard index + count <= numbers.count else { return nil }
            let slice = Array(numbers[index..<(index + count)])
            guard slice.allSatisfy(\.isFinite) else { return nil }
            index += count
            return slice
        }
    }
}
