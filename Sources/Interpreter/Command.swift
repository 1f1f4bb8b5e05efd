import Attention
import TensorIO

/// One parsed command line. Parsing never touches the session; `Interpreter` evaluates.
public enum Command: Equatable, Sendable {
    /// `NAME = VALUE` or `NAME head N = VALUE` (a head's block of a projection weight).
    case define(name: String, head: Int?, value: ValueSource)
    /// `tokens the cat sat`; without words, show the tokens.
    case tokens([String]?)
    /// `heads N`; without a number, show it.
    case heads(Int?)
    /// `dk N` or `dk auto`; without an argument, show it.
    case dk(DKSetting?)
    /// `mask causal|none|[[...]]`; without an argument, show the mask.
    case mask(MaskChoice?)
    /// `pad I J ...` or `pad none`; without an argument, show the padding.
    case pad(Set<Int>?)
    case importTensor(name: String, path: String)
    case export(name: String, path: String, head: Int?)
    case step(head: Int?)
    case back(head: Int?)
    case run(head: Int?)
    case goto(name: String, head: Int?)
    case whereAmI
    case show(name: String, head: Int?)
    case shapes
    /// `redraw [seed S]`: new random weights (and zero biases) for the tensors that do not fit.
    case redraw(seed: UInt64)
    case why(stage: String, row: CellIndex, col: CellIndex, head: Int?)
    case explain(String?)
    case setPrecision(Int)
    /// `set scaling on|off`: off only to see what goes wrong without 1/sqrt(d_k).
    case setScaling(Bool)
    /// `set temperature T`: divide the scaled scores by T > 0 before the softmax.
    case setTemperature(Double)
    /// `bias none`: no bias on the scores (`bias = ...` and `import bias FILE` set one).
    case clearBias
    case help(String?)
    case reset
    case example
    case quit
    /// `heatmap [STAGE] [head N | all]`.
    case heatmap(stage: String, head: Int?)
    /// `attends [TOKEN | ROW]`.
    case attends(CellIndex?)
    /// `circuit [head N]`: the head's W_QK and W_OV, their ranks and singular values.
    case circuit(head: Int?)
    /// `importance`: weight norm, entropy and sensitivity of every head.
    case importance
    /// `prune head N`, or `prune K by METRIC`.
    case prune(Prune)
    /// `unprune head N` or `unprune all` (nil).
    case unprune(head: Int?)
    /// `gate head N G`.
    case gate(head: Int, value: Double)
    /// `compare`: how far pruning moved the output.
    case compare
    /// `save FILE`, `load FILE`, `restore [previous]` (the session saved on exit, or the one
    /// saved the time before).
    case save(String)
    case load(String)
    /// `source FILE`: run a plain file of commands, all or nothing.
    case source(String)
    case restore(previous: Bool)
    /// `lesson NAME`: run a lesson.
    case lesson(String)
    /// `lessons`: list them.
    case listLessons
    /// `cost [n N] [d_model D] [heads H] [dk K]`: parameters and FLOPs of the layer.
    case cost([String: Int])
    /// `loss`: L = mean((output - target)²) with its arithmetic.
    case loss
    /// `backward [head N]`: start or continue the walk back through the stages.
    case backward(head: Int?)
    /// `goto grad STAGE [head N]`: jump to a backward step.
    case gotoGrad(name: String, head: Int?)
    /// `grad NAME [head N]`: dL/dNAME for a stage, a parameter or `gates`.
    case grad(name: String, head: Int?)
    /// `why grad NAME ROW [COL] [head N]`: the arithmetic of one gradient cell (biases and
    /// gates have one index).
    case whyGrad(name: String, row: CellIndex, col: CellIndex?, head: Int?)
    /// `export grad NAME FILE [head N]`.
    case exportGrad(name: String, path: String, head: Int?)
    /// `fit STEPS [lr R] [sgd|adam] [X] [only NAME ...]`.
    case fit(FitRequest)
    /// `task NAME [vocab V] [length N] [d_model D] [seed S]`, `task none` (nil name), or `task`
    /// alone (nil) to describe it.
    case task(TaskRequest?)
    /// `train STEPS [seed S] [lr R] [batch B] [examples N]`.
    case train(TrainRequest)
    /// `evaluate`: loss and accuracy on the training and held-out data, and per head removed.
    case evaluate
    /// `sample K`: show held-out sequence K.
    case sample(Int)
    /// `replay [K]`: the heads at the points saved during the last `train`.
    case replay(Int?)
    /// `task state TEXT`: a saved task's learned state (written by `save`).
    case taskState(String)
    /// `model`, `model load [DIR]`, `model unload`.
    case model(ModelRequest)
    /// `text SENTENCE`: the rest of the line, as typed, for the model to read.
    case text(String)
    /// `import text FILE`.
    case importText(path: String)
    /// `layer L`, or `layer` alone to show it.
    case layer(Int?)
}

/// What `model` was asked to do.
public enum ModelRequest: Equatable, Sendable {
    case show
    /// A folder, or nil to find all-MiniLM-L6-v2.
    case load(String?)
    case unload
    /// `model heads [PATTERN] [over sentences]`: every head's strongest pattern, or the heads
    /// ranked by one; on the current sentence or averaged over the kept set.
    case heads(HeadPattern?, overSentences: Bool)
}

/// `task NAME ...`; `name` nil for `task none`.
public struct TaskRequest: Equatable, Sendable {
    public var name: String?
    public var vocab = 16
    public var length = 8
    public var dModel = 32
    public var seed: UInt64 = 0

    public init(name: String?) { self.name = name }
}

/// `train STEPS ...`; unset options keep their defaults.
public struct TrainRequest: Equatable, Sendable {
    public var steps: Int
    public var seed: UInt64?
    public var learningRate = 3e-3
    public var batch = 32
    public var examples: Int?
    /// `examples none`: back to fresh random batches after training on fixed examples.
    public var freshBatches = false

    public init(steps: Int) { self.steps = steps }
}

/// What `fit` was asked to do. Unset options take their defaults when the fit starts.
public struct FitRequest: Equatable, Sendable {
    public var steps: Int
    public var learningRate: Double?
    public var optimizer: String?
    /// `X` given: X is trained too.
    public var includeX = false
    /// `only NAME ...`: exactly these tensors are trained.
    public var only: [String]? = nil

    public init(steps: Int, learningRate: Double? = nil, optimizer: String? = nil, includeX: Bool = false, only: [String]? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.includeX = includeX
        self.only = only
    }
}

/// How a tensor's values are given.
public enum Prune: Equatable, Sendable {
    case head(Int)
    case least(count: Int, metric: String)
    /// `prune curve`: accuracy against heads removed, for a trained task.
    case curve
    /// `prune L.H`: head H of layer L of a loaded model (both 1-based).
    case modelHead(layer: Int, head: Int)
    /// `prune P% by METRIC`: that share of a loaded model's heads, the least important across
    /// every layer; or `by random [seed S]`, a random share, the baseline a ranking must beat.
    case modelShare(percent: Double, metric: String, seed: UInt64)
}

public enum ValueSource: Equatable, Sendable {
    case literal(NDArray)
    /// Seeded random values: `cols` nil for a vector of length `rows`.
    case random(rows: Int, cols: Int?, seed: UInt64, distribution: Distribution, scale: Double)
    case identity(Int)
    case zeros(rows: Int, cols: Int?)
    /// A copy of another tensor: `X = output` feeds a layer's output into the next layer.
    case copy(name: String, head: Int?)
    /// `sinusoidal RxC`: the position codes of Vaswani et al. for R positions, C wide.
    case sinusoidal(rows: Int, cols: Int)
    /// `NAME + sinusoidal`: a matrix with the position codes of its own size added.
    case withPositions(name: String)
}

public enum Distribution: String, Equatable, Sendable {
    /// Mean 0, standard deviation `scale`.
    case normal
    /// Uniform on [-scale, scale].
    case uniform
}

public enum DKSetting: Equatable, Sendable {
    case auto
    case value(Int)
}

public enum MaskChoice: Equatable, Sendable {
    case none, causal
    /// `mask causal offset K`: query i sees keys 0 to i + K.
    case causalOffset(Int)
    case literal(NDArray)
}

/// A row or column given as a number or as a token label (`why weights cat sat`).
public enum CellIndex: Equatable, Sendable {
    case number(Int)
    case label(String)
}
