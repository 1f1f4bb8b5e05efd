import Attention
import Foundation
import Interpreter
import Training

/// `bench --train TASK`: the time per training step of the task model at its default sizes
/// (vocabulary 16, 8 tokens, d_model 32, batch 32, Adam lr 3e-3, seed 0), on one thread with
/// the kernels the REPL trains with (`Interpreter.defaultTrainingKernels`). `bench/train_compare.py`
/// times PyTorch on the same model beside it.
struct TrainingBenchmark {
    let task: TrainingTask
    let heads: Int
    let steps: Int
    /// Steps left out of the timing, as the PyTorch side leaves them out (warm-up).
    static let warmUp = 20

    struct Result {
        let task: TrainingTask
        let heads: Int
        let steps: Int
        let millisecondsPerStep: Double
        let testAccuracy: Double

        var line: String {
            String(format: "train %@, %d heads, %d steps: %.3f ms per step, held-out accuracy %.3f",
                   task.rawValue, heads, steps, millisecondsPerStep, testAccuracy)
        }

        var json: String {
            String(format: "{\"task\": \"%@\", \"heads\": %d, \"steps\": %d, \"ms_per_step\": %.6f, \"test_accuracy\": %.6f}",
                   task.rawValue, heads, steps, millisecondsPerStep, testAccuracy)
        }
    }

    func run() throws -> Result {
        var model = TaskModel(task: task, vocab: 16, length: 8, dModel: 32, heads: heads, seed: 0)
        var state = TrainerState(model: model, seed: 0)
        let kernels = Interpreter.defaultTrainingKernels
        var started = Date()
        _ = try Trainer.train(&model, state: &state, options: .init(steps: steps), kernels: kernels) { step, _, _ in
            if step == Self.warmUp { started = Date() }
            return true
        }
        let elapsed = Date().timeIntervalSince(started)
        let heldOut = try model.evaluate(Sequences.heldOut(vocab: 16, length: 8), withGradients: false, kernels: kernels)
        return Result(task: task, heads: heads, steps: steps,
                      millisecondsPerStep: 1000 * elapsed / Double(steps - Self.warmUp), testAccuracy: heldOut.accuracy)
    }
}
