import Attention
import Foundation
import Testing
import Training

@Suite("Training runs")
struct TrainerTests {
    static let kernels = Kernels.fast(threads: 1)

    /// A learning rate far too large: the first step's weights give a loss over 100 ln V on the
    /// next batch, so that step is undone entirely (weights, Adam's state and the random stream),
    /// and training afterwards is exactly what it would have been without it.
    @Test func anOvershootingStepLeavesNoTrace() throws {
        let fresh = TaskModel(task: .previousTwo, vocab: 6, length: 5, dModel: 8, heads: 2, seed: 3)
        var model = fresh
        var state = TrainerState(model: model, seed: 3)
        let ending = try Trainer.train(&model, state: &state, options: .init(steps: 30, learningRate: 10), kernels: Self.kernels)
        guard case let .diverged(step, loss) = ending else {
            Issue.record("expected the run to diverge, got \(ending)")
            return
        }
        #expect(step == 1 && (!loss.isFinite || loss > 100 * log(6.0)))
        #expect(model == fresh && state == TrainerState(model: fresh, seed: 3))

        var again = model, untouched = fresh
        var (stateAgain, stateUntouched) = (state, TrainerState(model: fresh, seed: 3))
        _ = try Trainer.train(&again, state: &stateAgain, options: .init(steps: 20), kernels: Self.kernels)
        _ = try Trainer.train(&untouched, state: &stateUntouched, options: .init(steps: 20), kernels: Self.kernels)
        #expect(again == untouched)
    }

    /// Two runs of 20 steps are one run of 40: the model, Adam's state and the batches continue.
    @Test func trainingContinuesAcrossRuns() throws {
        var (a, b) = (TaskModel(task: .modSum, vocab: 5, length: 4, dModel: 4, heads: 2, seed: 1),
                      TaskModel(task: .modSum, vocab: 5, length: 4, dModel: 4, heads: 2, seed: 1))
        var (stateA, stateB) = (TrainerState(model: a, seed: 1), TrainerState(model: b, seed: 1))
        _ = try Trainer.train(&a, state: &stateA, options: .init(steps: 20, batch: 4), kernels: Self.kernels)
        _ = try Trainer.train(&a, state: &stateA, options: .init(steps: 20, batch: 4), kernels: Self.kernels)
        _ = try Trainer.train(&b, state: &stateB, options: .init(steps: 40, batch: 4), kernels: Self.kernels)
        #expect(a == b && stateA == stateB && stateA.steps == 40)
    }

    /// A fixed training set: every batch is drawn from it.
    @Test func fixedExamplesAreTheOnlyTrainingData() throws {
        var random = SeededRandom(seed: 9)
        let examples = Sequences.draw(3, vocab: 5, length: 4, random: &random)
        var model = TaskModel(task: .previousAndFirst, vocab: 5, length: 4, dModel: 4, heads: 1, seed: 2)
        var state = TrainerState(model: model, seed: 2, examples: examples)
        var batches: [Int] = []
        _ = try Trainer.train(&model, state: &state, options: .init(steps: 5, batch: 8), kernels: Self.kernels) { _, result, _ in
            batches.append(result.predictions)
            return true
        }
        // Three sequences of 4 tokens, positions 1 to 3 scored: 9 predictions per readout a step.
        #expect(batches == Array(repeating: 9, count: 5))
    }
}
