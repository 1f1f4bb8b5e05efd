import Attention
import Training

/// The largest task model and batch allowed: a learner's machine trains the defaults in a
/// second or two; a fuzzer keeps every input fast with smaller limits.
public struct TaskLimits: Equatable, Sendable {
    public var vocab = 256
    public var length = 64
    public var dModel = 256
    public var batch = 1024
    /// Held-out sequences a task is tested on (and, with fresh batches, training sequences its
    /// training accuracy is measured on). A fuzzer's fewer are the first of the same sequences.
    public var heldOut = Sequences.heldOutCount

    public init() {}
}

/// A task being learned: the model, where training stands, and which held-out sequence the
/// session's layer shows. Part of the session, so a failing command changes none of it.
public struct TaskState: Equatable, Sendable {
    public var model: TaskModel
    public var trainer: TrainerState
    /// The seed the weights were drawn from (and the batches start from).
    public var seed: UInt64
    /// The held-out sequence the session's layer shows (`sample K`).
    public var sample = 0
    /// The accuracy of the most recent batches, each measured before its update: the training
    /// accuracy when batches are fresh.
    public var recentAccuracy: [Double] = []
    /// Every training batch's loss and accuracy, each measured before its update, over every
    /// `train` so far (the latest `historyLimit`): the curves `export loss` draws.
    public var history: [TrainingPoint] = []
    /// The most points `history` keeps (the latest).
    public static let historyLimit = 100_000
    /// The heads' attention on the shown sequence at about 20 points of the last `train`, for
    /// `replay`.
    public var snapshots: [Snapshot] = []
    /// The head measures and the prune curve of the model as it is, once computed (they take a
    /// few hundred sequences each); cleared whenever the model changes.
    public var measured: (importance: [HeadImportance]?, curve: PruneCurve?) {
        get { (importanceCache, curveCache) }
        set { (importanceCache, curveCache) = newValue }
    }
    private var importanceCache: [HeadImportance]? = nil
    private var curveCache: PruneCurve? = nil

    /// Every head's weights on one held-out sequence after `step` steps, and the held-out
    /// accuracy then (on the first `snapshotSequences` held-out sequences).
    public struct Snapshot: Equatable, Sendable {
        public var step: Int
        public var sample: Int
        public var weights: [Matrix]
        public var accuracy: Double

        public init(step: Int, sample: Int, weights: [Matrix], accuracy: Double) {
            self.step = step
            self.sample = sample
            self.weights = weights
            self.accuracy = accuracy
        }
    }

    public struct TrainingPoint: Equatable, Sendable {
        public var step: Int
        public var loss: Double
        public var accuracy: Double
    }

    /// How many sequences `heldOut` and `trainingSample` hold (`TaskLimits.heldOut`, at least 1).
    public let heldOutCount: Int
    /// How many held-out sequences `train` measures at each saved point: the first 200.
    public var snapshotSequences: Int { min(200, heldOutCount) }

    public init(model: TaskModel, seed: UInt64, heldOutCount: Int = TaskLimits().heldOut) {
        self.model = model
        self.trainer = TrainerState(model: model, seed: seed)
        self.seed = seed
        self.heldOutCount = max(1, heldOutCount)
    }

    /// The held-out sequences (`heldOutCount` of them), the same for every seed.
    public var heldOut: [[Int]] { Sequences.heldOut(vocab: model.vocab, length: model.length, count: heldOutCount) }

    /// What training accuracy is measured on: the fixed examples, or, when every batch is
    /// fresh, `trainingSample` (the training data is then the task's whole distribution).
    public var trainingData: [[Int]] {
        trainer.examples ?? Self.trainingSample(vocab: model.vocab, length: model.length, count: heldOutCount)
    }

    /// `count` random sequences that are neither held out nor drawn by training: what training
    /// accuracy is measured on when every batch is fresh.
    public static func trainingSample(vocab: Int, length: Int, count: Int) -> [[Int]] {
        var random = SeededRandom(seed: 0x5452_4149_4E53 &+ UInt64(vocab) &* 1000 &+ UInt64(length))
        return Sequences.draw(count, vocab: vocab, length: length, random: &random)
    }

    /// A token's symbol and position: A0, C1, A2 (letters while the vocabulary has at most 26
    /// tokens; after that v12-3 for token 12 at position 3), so that repeated tokens stay apart
    /// in tables.
    public static func label(_ token: Int, at position: Int, vocab: Int) -> String {
        let symbol = vocab <= 26 ? String(UnicodeScalar(UInt8(65 + token))) : "v\(token)-"
        return symbol + String(position)
    }
}
