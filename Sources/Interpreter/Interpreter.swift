import Attention
import Teaching

/// What a command produced: text to print, and anything the loop around the interpreter
/// must do (leave, or run a lesson with the learner).
public struct Reply: Equatable, Sendable {
    public var text: String
    public var action: Action

    public enum Action: Equatable, Sendable {
        case none, quit
        case lesson(Lesson)
    }

    public init(_ text: String, action: Action = .none) {
        self.text = text
        self.action = action
    }

    public var quit: Bool { action == .quit }
}

/// Evaluates command lines against a session. The one interpreter behind the REPL, scripts
/// and lessons. It never reads input or prints; it returns text.
public struct Interpreter: Sendable {
    /// The prompt, as the REPL shows it and as lessons echo the commands they run.
    public static let prompt = "attention> "

    public internal(set) var session: Session
    public var style: Style
    /// Width available for tables (the terminal's columns).
    public var width: Int
    /// Where `lesson` and `lessons` look.
    public var lessons: LessonLibrary = LessonLibrary(folders: [])
    /// The most values one tensor may have (commands that would create more are refused).
    public var maximumElements = Interpreter.defaultMaximumElements
    /// The most memory one trace may take (every head keeps four n x m matrices: scores, scaled,
    /// masked and weights). Each tensor is capped, but h·n·m is not: 64 heads of 4096 tokens
    /// would need 34 GB.
    public var maximumTraceBytes = 2 << 30
    /// The most cells one SVG picture of a stage may draw (every head's panel together): each
    /// cell is about 250 bytes of SVG, so 262,144 (16 heads of 128 x 128) is a file of about
    /// 65 MB, and 4 heads of 771 tokens would have been 560 MB, written in 12 seconds.
    public var maximumPictureCells = 262_144
    /// Which files import, export, save and load may touch.
    public var files: FileAccess = .anywhere
    /// Where the session is saved on exit, for `restore`.
    public var stateFile: String?
    /// Shown progress and Ctrl-C for `fit`.
    public var progress: ProgressWatcher = .none
    /// The most steps one `fit` may take.
    public var maximumFitSteps = 1_000_000
    /// The most steps one `train` may take.
    public var maximumTrainSteps = 100_000
    /// The largest task model and batch `task` and `train` accept.
    public var taskLimits = TaskLimits()
    /// The products a task model trains and evaluates with: the blocked SIMD kernels on one
    /// thread, the fastest at its sizes (a few thousand multiply-adds a product, where threads
    /// cost more than they save). Tests run the lessons with every kernel.
    public var trainingKernels = Interpreter.defaultTrainingKernels
    /// The session's weights packed for the fast kernels, kept from one trace to the next (the
    /// weights rarely change between commands). Shared by copies of the interpreter, which is
    /// safe: an entry is used only for the very matrix it was packed from.
    let packedWeights = PackedWeights(capacity: 4)
    public static let defaultTrainingKernels = Kernels.fast(threads: 1)

    /// A new interpreter with the ready example loaded (or a blank session).
    public init(style: Style = .plain, width: Int = 100, loadExample: Bool = true) {
        self.session = Session()
        self.style = style
        self.width = width
        if loadExample { session = Self.exampleSession }
    }

    /// Parses and runs one line. On error the session is left exactly as it was.
    public mutating func execute(_ line: String) throws -> Reply {
        guard let command = try CommandParser.parse(line) else { return Reply("") }
        var next = session
        let reply = try evaluate(command, on: &next)
        session = next
        return reply
    }

    private func evaluate(_ command: Command, on session: inout Session) throws -> Reply {
        try refuseInTaskMode(command, session)
        try refuseInModelMode(command, session)
        switch command {
        case let .define(name, head, value):
            let reply = try define(name, head: head, value: value, in: &session)
            // A layer edited by hand is the learner's own: the model no longer describes it.
            guard session.model != nil, Session.layerInputs.contains(name) || name.hasPrefix("b_") else { return Reply(reply) }
            session.model = nil
            session.blockCursor = nil
            return Reply(reply + "\n" + style.dim("The layer is now your own: the model was unloaded (`model load` brings it back)."))
        case .tokens(nil) where session.model != nil: return Reply(wordpieces(session.model!))
        case let .tokens(words): return Reply(try setTokens(words, in: &session))
        case let .heads(count): return Reply(try setHeads(count, in: &session))
        case let .dk(setting): return Reply(try setDK(setting, in: &session))
        case let .mask(choice): return Reply(try setMask(choice, in: &session))
        case let .pad(keys): return Reply(try setPadding(keys, in: &session))
        case let .importTensor(name, path): return Reply(try importTensor(name, from: path, in: &session))
        case let .export(name, path, head): return Reply(try export(name, to: path, head: head, session: session))
        case let .heatmap(stage, head): return Reply(try heatmap(stage, head: head, session: session))
        case let .attends(row): return Reply(try attends(row, session: session))
        case let .circuit(head): return Reply(try circuitReport(head: head, session: session).render())
        case .importance:
            if session.task != nil {
                let measures = try measureHeads(session)
                session.task?.measured.importance = measures
            }
            return Reply(try importance(session))
        case let .prune(what): return Reply(try prune(what, in: &session))
        case let .unprune(head): return Reply(try unprune(head, in: &session))
        case let .gate(head, value): return Reply(try gate(head, value, in: &session))
        case .compare: return Reply(try compare(session))
        case let .step(head):
            return Reply(session.backwardCursor == nil ? try move(by: 1, head: head, in: &session)
                                                       : try moveBackward(by: 1, head: head, in: &session))
        case let .back(head):
            return Reply(session.backwardCursor == nil ? try move(by: -1, head: head, in: &session)
                                                       : try moveBackward(by: -1, head: head, in: &session))
        case let .run(head): return Reply(try runAll(head: head, in: &session))
        case let .goto(name, head): return Reply(try goto(name, head: head, in: &session))
        case .whereAmI: return Reply(try whereAmI(session))
        case let .show(name, head): return Reply(try show(name, head: head, session: session))
        case .shapes: return Reply(try shapes(session))
        case let .redraw(seed): return Reply(try redraw(seed: seed, in: &session))
        case let .why(stage, row, col, head): return Reply(try why(stage, row: row, col: col, head: head, session: session))
        case let .explain(topic): return Reply(try explain(topic, session: session))
        case let .save(path): return Reply(try save(to: path, session: session))
        case let .load(path): return Reply(try load(from: path, into: &session))
        case let .source(path): return Reply(try source(path, into: &session))
        case let .restore(previous): return Reply(try restore(previous: previous, into: &session))
        case let .setPrecision(decimals):
            session.precision = decimals
            return Reply("precision = \(decimals) decimals")
        case let .setTemperature(T): return Reply(try setTemperature(T, in: &session))
        case .clearBias: return Reply(try clearBias(in: &session))
        case let .setScaling(on):
            session.scaling = on
            return Reply(on ? "scaling on: scores are divided by sqrt(d_k)"
                            : "scaling off: scaled = scores, as if the division by sqrt(d_k) were forgotten (a classic mistake; `set scaling on` restores it)")
        case let .help(verb): return Reply(try help(verb))
        case .reset:
            session = Session()
            return Reply("Blank session: no tensors, no tokens, 1 head, default d_k, no mask, no padding, no bias, T = 1.\n"
                         + "Define X and W_Q, W_K, W_V, W_O (or Q, K, V), or type `example` for the ready example.")
        case .example:
            session = Self.exampleSession
            return Reply("Loaded the example: \(Example.summary). Type `step` to begin.")
        case .quit:
            return Reply("", action: .quit)
        case let .lesson(name):
            return Reply("", action: .lesson(try lessons.load(name)))
        case .listLessons:
            return Reply(lessons.listing())
        case let .cost(overrides):
            return Reply(CostReport.render(try layerCost(overrides), style: style, width: width))
        case .loss: return Reply(try lossReport(session))
        case let .backward(head): return Reply(try backward(head: head, in: &session))
        case let .gotoGrad(name, head): return Reply(try gotoGrad(name, head: head, in: &session))
        case let .grad(name, head): return Reply(try grad(name, head: head, session: session))
        case let .whyGrad(name, row, col, head): return Reply(try whyGrad(name, row: row, col: col, head: head, session: session))
        case let .exportGrad(name, path, head): return Reply(try exportGrad(name, to: path, head: head, session: session))
        case let .fit(request): return Reply(try fit(request, in: &session))
        case let .task(request): return Reply(try setTask(request, in: &session))
        case let .train(request): return Reply(try train(request, in: &session))
        case .evaluate: return Reply(try evaluateTask(session))
        case let .sample(index): return Reply(try showSample(index, in: &session))
        case let .taskState(text): return Reply(try restoreTaskState(text, in: &session))
        case let .replay(point): return Reply(try replay(point, session: session))
        case let .model(request): return Reply(try model(request, in: &session))
        case let .text(sentence): return Reply(try setText(sentence, in: &session))
        case let .importText(path): return Reply(try importText(from: path, in: &session))
        case let .layer(layer): return Reply(try setLayer(layer, in: &session))
        }
    }

    /// The ready example, built once by running its commands like any script.
    static let exampleSession: Session = {
        var interpreter = Interpreter(loadExample: false)
        for line in Example.commands {
            do { _ = try interpreter.execute(line) } catch {
                preconditionFailure("the built-in example failed at '\(line)': \(error)")
            }
        }
        return interpreter.session
    }()

    /// The trace of the session, or the reason it cannot be computed.
    func trace(_ session: Session) throws -> Trace {
        let configuration = try session.configuration()
        try refuseOversized(configuration)
        try refuseNonFinite(session)
        let trace: Trace
        do {
            // The fast kernels only pay for themselves on layers of real size. Their numbers
            // agree with the readable product's to the last bits (exactly with the portable
            // kernel; with the fused one, within a few roundings, since it rounds once per
            // multiply-add), far below the digits shown or checked.
            // At the prompt Ctrl-C stops a long trace (and the REPL undoes the command).
            // The weights are packed for the kernel once and kept for the next command's trace.
            let kernels = Kernels.fast.interruptibly.keepingPackedWeights(packedWeights)
            trace = try Trace.compute(configuration, kernels: Self.isLarge(configuration) ? kernels : .reference)
        } catch AttentionError.interrupted {
            throw UserError.interruption
        } catch let error as AttentionError {
            throw UserError("cannot compute attention: \(error)")
        }
        let overflow = trace.overflow
        if let (stage, head) = overflow, stage == .masked, session.temperature < 1 {
            throw UserError("cannot compute attention: dividing the scores by T = \(Presenter.temperature(session.temperature)) "
                            + "overflowed\(trace.isDirect ? "" : " in head \(head + 1)"): the result exceeds the largest Double (about 1.8e308)",
                            hint: "choose a larger temperature; T = 0.001 is already all but an argmax")
        }
        if let (stage, head) = overflow {
            let largest = (session.matrices.values.flatMap(\.values) + session.biases.values.flatMap { $0 })
                .map(abs).max() ?? 0
            throw UserError("cannot compute attention: \(stage.rawValue)\(trace.isDirect || !stage.isPerHead ? "" : " in head \(head + 1)") "
                            + "overflowed: a product of values as large as \(largest) exceeds the largest Double (about 1.8e308)",
                            hint: "scale the inputs down; the softmax itself is stable for any finite score")
        }
        return trace
    }

    /// Refuses a layer whose tensors hold NaN or infinity (literals and files refuse them, but
    /// `X = output` copies the NaN rows of queries that saw no key): every product with such a
    /// value is NaN too, even under a weight of 0.
    func refuseNonFinite(_ session: Session) throws {
        let tensors = session.matrices.map { ($0.key, $0.value.cols, $0.value.values) } + session.biases.map { ($0.key, 0, $0.value) }
        for (name, cols, values) in tensors.sorted(by: { $0.0 < $1.0 }) {
            guard let index = values.firstIndex(where: { !$0.isFinite }) else { continue }
            let value = values[index]
            let (row, col) = index.quotientAndRemainder(dividingBy: max(1, cols))
            let cell = cols == 0 ? "\(name)[\(index)]" : "\(name)[\(row)][\(col)]"
            throw UserError("cannot compute attention: \(cell) is \(value.isNaN ? "NaN" : value > 0 ? "infinity" : "-infinity"), and every product with it "
                            + "is NaN too (0 · NaN = NaN), so it would spread to every row that reads it",
                            hint: "a layer's output has NaN rows for queries that see no key: unblock them before `X = output`, "
                                + "or redefine \(name)")
        }
    }

    /// Refuses a layer whose trace would take more than `maximumTraceBytes`, saying what fits.
    func refuseOversized(_ configuration: AttentionConfiguration) throws {
        let (heads, n, m, width): (Int, Int, Int, Int)
        switch configuration {
        case let .multiHead(c): (heads, n, m, width) = (c.heads, c.X.rows, c.X.rows, c.W_Q.cols + c.W_V.cols + c.X.cols)
        case let .direct(c): (heads, n, m, width) = (1, c.Q.rows, c.K.rows, c.Q.cols + c.V.cols)
        }
        // Four n x m matrices a head, and the projections, concat and output (n x width each, about).
        let (perHead, overflow) = (4 * n).multipliedReportingOverflow(by: m)
        let bytes = overflow ? Int.max : 8 * (heads * perHead + 4 * n * width)
        guard bytes > maximumTraceBytes else { return }
        let fitting = max(0, (maximumTraceBytes / 8 - 4 * n * width) / max(1, perHead))
        func gigabytes(_ value: Int) -> String { String(format: "%.1f GB", Double(value) / 1e9) }
        throw UserError("this layer's trace would need about \(gigabytes(bytes)) (\(heads) head\(heads == 1 ? "" : "s") x 4 matrices of \(n) x \(m)), "
                        + "more than the \(gigabytes(maximumTraceBytes)) allowed",
                        hint: fitting >= 1 ? "at \(n) tokens at most \(fitting) heads fit; or use fewer tokens" : "use fewer tokens")
    }

    /// At least about a million multiply-adds in the projections.
    static func isLarge(_ configuration: AttentionConfiguration) -> Bool {
        switch configuration {
        case let .multiHead(c): return c.X.rows * c.X.cols * c.W_Q.cols >= 1 << 20
        case let .direct(c): return c.Q.rows * c.Q.cols * c.K.rows >= 1 << 20
        }
    }

    func presenter(_ session: Session) throws -> Presenter {
        var presenter = Presenter(trace: try trace(session), tokens: session.tokens,
                                  format: NumberFormat(decimals: session.precision), style: style, width: width)
        if session.model != nil { presenter.following = BlockStep.allCases.map { ($0.rawValue, $0.summary) } }
        return presenter
    }

    /// Checks a 1-based head number against the session and returns it 0-based.
    func headIndex(_ head: Int?, _ trace: Trace) throws -> Int? {
        try headIndex(head, count: trace.heads.count)
    }

    /// The same, for a layer of `count` heads.
    func headIndex(_ head: Int?, count: Int) throws -> Int? {
        guard let head else { return nil }
        guard head <= count else {
            throw UserError("there \(count == 1 ? "is 1 head" : "are \(count) heads"), so head \(head) does not exist",
                            hint: "heads are numbered 1 to \(count)")
        }
        return head - 1
    }
}
