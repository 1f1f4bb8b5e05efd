import Attention

/// Gradient descent on a layer's own tensors toward a target: the loop behind `fit`.
///
/// Each step computes the trace, the loss L = mean((output - target)²) and its gradients, and
/// moves every trained tensor against its gradient with the optimizer. A pure function: the
/// same configuration, target and options give the same result; `onStep` only watches (and
/// may ask to stop).
public enum Fit {
    public struct Options: Equatable, Sendable {
        public var steps: Int
        public var optimizer: Optimizer
        public var learningRate: Double
        /// The tensors to change; everything else stays fixed.
        public var training: [Trainable]

        public init(steps: Int, optimizer: Optimizer = .adam, learningRate: Double? = nil, training: [Trainable]) {
            self.steps = steps
            self.optimizer = optimizer
            self.learningRate = learningRate ?? optimizer.defaultLearningRate
            self.training = training
        }
    }

    /// How a fit ended.
    public enum Ending: Equatable, Sendable {
        /// Every step was taken.
        case finished
        /// `onStep` asked to stop (Ctrl-C); the weights are those reached.
        case interrupted
        /// The loss after `step` steps was not a number, or more than 1000 times the starting
        /// loss: the steps overshoot. The weights are those before that step.
        case diverged(step: Int, loss: Double)
    }

    public struct Result: Equatable, Sendable {
        /// The configuration with the trained tensors as they ended.
        public var configuration: AttentionConfiguration
        /// The loss before the first step and after each step taken (and kept).
        public var losses: [Double]
        public var ending: Ending
        /// Steps taken and kept.
        public var steps: Int { losses.count - 1 }
    }

    /// Runs the fit. `onStep(step, loss)` is called after each step with the loss it reached;
    /// returning false stops the fit there. Throws when the layer cannot be computed or the
    /// target does not fit it, before any step.
    public static func run(_ start: AttentionConfiguration, target: Matrix, options: Options, kernels: Kernels = .reference,
                           onStep: (Int, Double) -> Bool = { _, _ in true }) throws -> Result {
        var configuration = start
        var states = options.training.map { OptimizerState(count: $0.values(in: start)?.count ?? 0) }
        var (loss, gradients) = try evaluate(configuration, target, kernels)
        var losses = [loss.value]
        // A loss of exactly 0 has a zero gradient, so no step can move it.
        let limit = loss.value > 0 ? 1000 * loss.value : .infinity

        for step in stride(from: 1, through: options.steps, by: 1) {
            // One step: every trained tensor moves against its gradient.
            var next = configuration
            for (index, tensor) in options.training.enumerated() {
                guard var values = tensor.values(in: next), let gradient = tensor.gradient(in: gradients) else { continue }
                states[index].step(&values, gradient: gradient, optimizer: options.optimizer,
                                   learningRate: options.learningRate, t: step)
                tensor.set(values, in: &next)
            }
            // The loss where the step landed: a step that overshoots is not kept.
            let reached: (SquaredError, GradientTrace)
            do {
                reached = try evaluate(next, target, kernels)
            } catch {
                return Result(configuration: configuration, losses: losses, ending: .diverged(step: step, loss: .nan))
            }
            guard reached.0.value.isFinite, reached.0.value <= limit else {
                return Result(configuration: configuration, losses: losses, ending: .diverged(step: step, loss: reached.0.value))
            }
            configuration = next
            (loss, gradients) = reached
            losses.append(loss.value)
            if !onStep(step, loss.value) {
                return Result(configuration: configuration, losses: losses, ending: step == options.steps ? .finished : .interrupted)
            }
        }
        return Result(configuration: configuration, losses: losses, ending: .finished)
    }

    /// The loss of a configuration and its gradients.
    static func evaluate(_ configuration: AttentionConfiguration, _ target: Matrix, _ kernels: Kernels) throws -> (SquaredError, GradientTrace) {
        let trace = try Trace.compute(configuration, kernels: kernels)
        let loss = try SquaredError(output: trace.output, target: target, leavingOut: trace.fullyBlockedRows)
        return (loss, try GradientTrace.compute(trace, dOutput: loss.gradient, kernels: kernels))
    }
}

/// A tensor that `fit` may change: the layer's input and parameters, or in direct mode the
/// given queries, keys and values.
public enum Trainable: String, Equatable, Sendable, CaseIterable {
    case X, W_Q, W_K, W_V, W_O, b_Q, b_K, b_V, b_O
    case Q, K, V

    /// The tensor's values (row-major), or nil when the configuration has no such tensor (a
    /// bias left unset, Q in layer mode, W_Q in direct mode).
    public func values(in configuration: AttentionConfiguration) -> [Double]? {
        switch (self, configuration) {
        case let (.X, .multiHead(c)): return c.X.values
        case let (.W_Q, .multiHead(c)): return c.W_Q.values
        case let (.W_K, .multiHead(c)): return c.W_K.values
        case let (.W_V, .multiHead(c)): return c.W_V.values
        case let (.W_O, .multiHead(c)): return c.W_O.values
        case let (.b_Q, .multiHead(c)): return c.b_Q
        case let (.b_K, .multiHead(c)): return c.b_K
        case let (.b_V, .multiHead(c)): return c.b_V
        case let (.b_O, .multiHead(c)): return c.b_O
        case let (.Q, .direct(c)): return c.Q.values
        case let (.K, .direct(c)): return c.K.values
        case let (.V, .direct(c)): return c.V.values
        default: return nil
        }
    }

    /// Replaces the tensor's values (same count) in `configuration`.
    func set(_ values: [Double], in configuration: inout AttentionConfiguration) {
        func replaced(_ matrix: Matrix) -> Matrix {
            (try? Matrix(rows: matrix.rows, cols: matrix.cols, values: values)) ?? matrix
        }
        switch configuration {
        case var .multiHead(c):
            switch self {
            case .X: c.X = replaced(c.X)
            case .W_Q: c.W_Q = replaced(c.W_Q)
            case .W_K: c.W_K = replaced(c.W_K)
            case .W_V: c.W_V = replaced(c.W_V)
            case .W_O: c.W_O = replaced(c.W_O)
            case .b_Q: c.b_Q = values
            case .b_K: c.b_K = values
            case .b_V: c.b_V = values
            case .b_O: c.b_O = values
            case .Q, .K, .V: return
            }
            configuration = .multiHead(c)
        case var .direct(c):
            switch self {
            case .Q: c.Q = replaced(c.Q)
            case .K: c.K = replaced(c.K)
            case .V: c.V = replaced(c.V)
            default: return
            }
            configuration = .direct(c)
        }
    }

    /// dL/d(this tensor), row-major, from the backward pass.
    public func gradient(in gradients: GradientTrace) -> [Double]? {
        switch self {
        case .X: return gradients.layer?.X.values
        case .W_Q, .W_K, .W_V, .W_O, .b_Q, .b_K, .b_V, .b_O:
            return Parameter(rawValue: rawValue).flatMap { gradients.parameter($0)?.values }
        case .Q, .K, .V:
            guard gradients.layer == nil, let stage = Stage(rawValue: rawValue) else { return nil }
            return gradients.tensor(stage)?.values
        }
    }
}
