import Attention
import Gradients
import RealModule

/// Random sequences of a task: every token uniform on 0 ..< V, independently.
public enum Sequences {
    public static func draw(_ count: Int, vocab: Int, length: Int, random: inout SeededRandom) -> [[Int]] {
        (0..<count).map { _ in (0..<length).map { _ in Int(random.next() % UInt64(vocab)) } }
    }

    /// How many held-out sequences a task is tested on, unless a limit says fewer.
    public static let heldOutCount = 2000

    /// The held-out sequences of a task's sizes: the first `count` of one fixed stream, the same
    /// for every seed and every run, so that accuracies can be compared.
    public static func heldOut(vocab: Int, length: Int, count: Int = heldOutCount) -> [[Int]] {
        var random = SeededRandom(seed: 0x4845_4C44_4F55_54 &+ UInt64(vocab) &* 1000 &+ UInt64(length))
        return draw(count, vocab: vocab, length: length, random: &random)
    }
}

/// Where training stands: the steps taken, Adam's memory for every parameter tensor, and the
/// random stream the batches come from. With the model, everything a later `train` continues.
public struct TrainerState: Equatable, Sendable {
    public var steps = 0
    public var adam: [OptimizerState]
    public var random: SeededRandom
    /// A fixed training set (`examples N`), or nil for a fresh random batch every step.
    public var examples: [[Int]]?

    public init(model: TaskModel, seed: UInt64, examples: [[Int]]? = nil) {
        adam = model.parameterValues.map { OptimizerState(count: $0.count) }
        random = SeededRandom(seed: seed)
        self.examples = examples
    }
}

public enum Trainer {
    public struct Options: Equatable, Sendable {
        public var steps: Int
        public var learningRate: Double
        public var batch: Int

        public init(steps: Int, learningRate: Double = 3e-3, batch: Int = 32) {
            self.steps = steps
            self.learningRate = learningRate
            self.batch = batch
        }
    }

    /// How a training run ended.
    public enum Ending: Equatable, Sendable {
        case finished
        /// `onStep` asked to stop; the model is as the last step left it.
        case interrupted
        /// The weights `step` produced gave a loss that was not a number or over 100 times that
        /// of guessing uniformly (ln V): the steps overshoot. The model is as it was before that
        /// step.
        case diverged(step: Int, loss: Double)
    }

    /// Trains `model` with Adam for `options.steps` steps, each on a batch: fresh random
    /// sequences, or a sample of `state.examples`. `onStep(step, result, model)` sees each
    /// step's batch loss and accuracy (before the update) and the model after it, and may stop
    /// the run by returning false.
    public static func train(_ model: inout TaskModel, state: inout TrainerState, options: Options,
                             gates: [Int: Double] = [:], kernels: Kernels = .reference,
                             onStep: (Int, BatchResult, TaskModel) -> Bool = { _, _, _ in true }) throws -> Ending {
        let limit = 100 * Double.log(Double(model.vocab))
        // The model, Adam's state and the random stream before the latest step: a batch's loss is
        // measured on the weights the step before produced, so when it shows they overshot,
        // these come back, and training goes on as if that step had never been taken.
        var beforeLastStep: (model: TaskModel, adam: [OptimizerState], random: SeededRandom)?
        for _ in 0..<options.steps {
            let beforeThisStep = (model: model, adam: state.adam, random: state.random)
            let batch = nextBatch(&state, model: model, size: options.batch)
            let result = try model.evaluate(batch, gates: gates, withGradients: true, kernels: kernels)
            guard result.loss.isFinite, result.loss <= limit, let gradients = result.gradients?.values,
                  gradients.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                guard let before = beforeLastStep else {
                    state.random = beforeThisStep.random
                    return .diverged(step: state.steps + 1, loss: result.loss)
                }
                (model, state.adam, state.random) = before
                state.steps -= 1
                return .diverged(step: state.steps + 1, loss: result.loss)
            }
            beforeLastStep = beforeThisStep
            // One Adam step on every tensor; kept only if every value stays a number.
            var values = model.parameterValues
            var adam = state.adam
            for index in values.indices {
                adam[index].step(&values[index], gradient: gradients[index], optimizer: .adam,
                                 learningRate: options.learningRate, t: state.steps + 1)
            }
            guard values.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                state.random = beforeThisStep.random
                return .diverged(step: state.steps + 1, loss: .nan)
            }
            model.setParameterValues(values)
            state.adam = adam
            state.steps += 1
            if !onStep(state.steps, result, model) { return .interrupted }
        }
        return .finished
    }

    /// The next batch: `size` fresh sequences, or `size` of the fixed examples (all of them
    /// when there are fewer), chosen at random.
    static func nextBatch(_ state: inout TrainerState, model: TaskModel, size: Int) -> [[Int]] {
        guard let examples = state.examples else {
            return Sequences.draw(size, vocab: model.vocab, length: model.length, random: &state.random)
        }
        guard examples.count > size else { return examples }
        var chosen = Array(examples.indices)
        for i in 0..<size {   // the first `size` of a random permutation
            let j = i + Int(state.random.next() % UInt64(chosen.count - i))
            chosen.swapAt(i, j)
        }
        return chosen.prefix(size).map { examples[$0] }
    }
}
