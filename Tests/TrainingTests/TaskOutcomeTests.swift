import Attention
import Testing
import Training

/// What lesson 12 and the README say training does, reproduced over several seeds: one head
/// falls short on previous-two at 400 steps and gets there by splitting its weight when given
/// ten times the steps; two heads solve it, one becoming a previous-token head and the other a
/// previous-but-one head.
@Suite("Training outcomes over seeds")
struct TaskOutcomeTests {
    static let kernels = Kernels.fast(threads: 1)

    static func trained(heads: Int, steps: Int, seed: UInt64, task: TrainingTask = .previousTwo) throws -> TaskModel {
        var model = TaskModel(task: task, vocab: 16, length: 8, dModel: 32, heads: heads, seed: seed)
        var state = TrainerState(model: model, seed: seed)
        let ending = try Trainer.train(&model, state: &state, options: .init(steps: steps), kernels: kernels)
        #expect(ending == .finished)
        return model
    }

    static func heldOutAccuracy(_ model: TaskModel, task: TrainingTask = .previousTwo) throws -> Double {
        try model.evaluate(Sequences.heldOut(vocab: 16, length: 8), withGradients: false, kernels: kernels).accuracy
    }

    /// Each head's mean weight on key t - offset (or on `key`), over queries t ≥ 2 of 100
    /// held-out sequences.
    static func meanWeight(_ model: TaskModel, head: Int, offset: Int? = nil, key: Int? = nil) throws -> Double {
        var sum = 0.0, count = 0
        for tokens in Sequences.heldOut(vocab: 16, length: 8).prefix(100) {
            let trace = try Trace.compute(.multiHead(model.layer(tokens)), kernels: kernels)
            for t in 2..<8 {
                sum += trace.heads[head].weights[t, key ?? t - offset!]
                count += 1
            }
        }
        return sum / Double(count)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func twoHeadsSplitTheWork(_ seed: UInt64) throws {
        let model = try Self.trained(heads: 2, steps: 400, seed: seed)
        #expect(try Self.heldOutAccuracy(model) > 0.99, "seed \(seed)")
        let previous = try (0..<2).map { try Self.meanWeight(model, head: $0, offset: 1) }
        let beforeThat = try (0..<2).map { try Self.meanWeight(model, head: $0, offset: 2) }
        // One head on t - 1, the other on t - 2, whichever way round the seed made them.
        let roles = previous[0] > previous[1] ? (0, 1) : (1, 0)
        #expect(previous[roles.0] > 0.9, "seed \(seed): previous-token head \(roles.0 + 1), weights \(previous)")
        #expect(beforeThat[roles.1] > 0.9, "seed \(seed): previous-but-one head \(roles.1 + 1), weights \(beforeThat)")
    }

    /// previous-and-first: two heads become a previous-token head and a first-token head; one
    /// head gets most answers right but not all (it leans on t-1 and keeps some weight on 0).
    @Test(arguments: [1, 2] as [UInt64])
    func previousAndFirstSplitsIntoPreviousAndFirst(_ seed: UInt64) throws {
        let two = try Self.trained(heads: 2, steps: 400, seed: seed, task: .previousAndFirst)
        #expect(try Self.heldOutAccuracy(two, task: .previousAndFirst) > 0.99, "seed \(seed)")
        let previous = try (0..<2).map { try Self.meanWeight(two, head: $0, offset: 1) }
        let first = try (0..<2).map { try Self.meanWeight(two, head: $0, key: 0) }
        let roles = previous[0] > previous[1] ? (0, 1) : (1, 0)
        #expect(previous[roles.0] > 0.9 && first[roles.1] > 0.9, "seed \(seed): t-1 \(previous), token 0 \(first)")
        let one = try Self.heldOutAccuracy(try Self.trained(heads: 1, steps: 400, seed: seed, task: .previousAndFirst), task: .previousAndFirst)
        #expect(one > 0.8 && one < 0.97, "seed \(seed): one head \(one)")
    }

    @Test(arguments: [1, 2] as [UInt64])
    func oneHeadFallsShortAtFourHundredSteps(_ seed: UInt64) throws {
        let accuracy = try Self.heldOutAccuracy(try Self.trained(heads: 1, steps: 400, seed: seed))
        #expect(accuracy > 0.5 && accuracy < 0.65, "seed \(seed): \(accuracy)")
    }

    /// Lesson 12's "one head, given time": seed 1, 4000 steps, held-out accuracy above 0.9, with
    /// the weight split about evenly between t-1 and t-2.
    @Test func oneHeadGetsThereWithTenTimesTheSteps() throws {
        let model = try Self.trained(heads: 1, steps: 4000, seed: 1)
        let accuracy = try Self.heldOutAccuracy(model)
        #expect(accuracy > 0.9, "\(accuracy)")
        let (previous, beforeThat) = (try Self.meanWeight(model, head: 0, offset: 1), try Self.meanWeight(model, head: 0, offset: 2))
        #expect(previous > 0.35 && previous < 0.65 && beforeThat > 0.35 && beforeThat < 0.65, "weights \(previous), \(beforeThat)")
    }
}
