import Attention
import Gradients
import Teaching

/// How far a long command (`fit`, `train`) has got, for the line the REPL redraws while it runs.
public struct FitProgress: Equatable, Sendable {
    public let step: Int
    public let steps: Int
    public let loss: Double
    /// More to show after the loss (accuracies), or empty.
    public var detail: String = ""
    /// The command running: `fit` or `train`.
    public var command = "fit"
}

/// Watches a long command (`fit`): it starts (forget any earlier Ctrl-C), where it has got
/// to, and whether the learner asked it to stop (Ctrl-C). The REPL supplies one; scripts and
/// tests use `none`.
public struct ProgressWatcher: Sendable {
    public var start: @Sendable () -> Void
    public var report: @Sendable (FitProgress) -> Void
    public var shouldStop: @Sendable () -> Bool

    public init(start: @escaping @Sendable () -> Void, report: @escaping @Sendable (FitProgress) -> Void,
                shouldStop: @escaping @Sendable () -> Bool) {
        self.start = start
        self.report = report
        self.shouldStop = shouldStop
    }

    public static let none = ProgressWatcher(start: {}, report: { _ in }, shouldStop: { false })
}

extension Interpreter {
    /// `fit STEPS [lr R] [sgd|adam] [X] [only NAME ...]`: gradient descent on the session's
    /// own tensors toward the target. The trained tensors replace the session's when it ends,
    /// however it ends (every step, Ctrl-C, or an overshooting step, which is not kept).
    func fit(_ request: FitRequest, in session: inout Session) throws -> String {
        guard request.steps <= maximumFitSteps else {
            throw UserError("\(request.steps) steps is more than the \(maximumFitSteps) allowed", hint: "fit in parts: `fit \(maximumFitSteps)`, then again")
        }
        _ = try gradientPresenter(session)   // a target that fits, and a layer that computes
        let training = try trainedTensors(request, session)
        let optimizer = request.optimizer.flatMap(Optimizer.init(rawValue:)) ?? .adam
        let options = Fit.Options(steps: request.steps, optimizer: optimizer, learningRate: request.learningRate, training: training)
        let configuration = try session.configuration()
        let watcher = progress
        watcher.start()
        let result: Fit.Result
        do {
            result = try Fit.run(configuration, target: session.target!, options: options,
                                 kernels: Self.isLarge(configuration) ? .fast : .reference) { step, loss in
                watcher.report(FitProgress(step: step, steps: request.steps, loss: loss))
                return !watcher.shouldStop()
            }
        } catch let error as AttentionError {
            throw UserError("cannot fit: \(error)")
        }
        // The gradients changed with the weights: the backward walk starts again.
        session.backwardCursor = nil
        for tensor in training {
            guard let values = tensor.values(in: result.configuration) else { continue }
            if Parameter(rawValue: tensor.rawValue)?.isBias == true {
                session.biases[tensor.rawValue] = values
            } else if let old = session.matrices[tensor.rawValue] {
                session.matrices[tensor.rawValue] = try Matrix(rows: old.rows, cols: old.cols, values: values)
            }
        }
        return FitReport.render(result, options: options, style: style, width: width)
    }

    /// The tensors a fit changes: by default every parameter the learner defined (W_Q, W_K,
    /// W_V, W_O and any biases set; Q, K and V in direct mode), plus X when asked; with
    /// `only`, exactly those named.
    func trainedTensors(_ request: FitRequest, _ session: Session) throws -> [Trainable] {
        if session.direct {
            guard !request.includeX, request.only?.contains("X") != true else {
                throw UserError("direct mode has no X: fit trains the given Q, K and V", hint: "fit N, or fit N only Q")
            }
        }
        let defaults: [String] = session.direct ? Session.directInputs
            : ["W_Q", "W_K", "W_V", "W_O"] + ["b_Q", "b_K", "b_V", "b_O"].filter { session.biases[$0] != nil }
        var names = request.only ?? defaults
        if request.includeX && !names.contains("X") { names.append("X") }
        for name in names {
            if Parameter(rawValue: name)?.isBias == true, session.biases[name] == nil {
                let length = (try? exportedArray(name, head: nil, session: session))?.values.count
                throw UserError("\(name) is not set, so there is nothing to train",
                                hint: "define it first, e.g. `\(name) = zeros \(length.map(String.init) ?? "N")`")
            }
            let inMode = session.direct ? Session.directInputs.contains(name) : !Session.directInputs.contains(name)
            guard inMode else {
                throw UserError(session.direct ? "direct mode trains Q, K and V, not \(name)" : "\(name) is for direct mode; the layer trains X and its parameters")
            }
        }
        return Trainable.allCases.filter { names.contains($0.rawValue) }
    }
}
