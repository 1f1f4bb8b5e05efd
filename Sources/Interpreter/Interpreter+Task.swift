import Attention
import Foundation
import Teaching
import Training

/// Tasks: a tiny model around the session's layer, trained on a task, whose layer the session
/// then shows on a held-out sequence, so every other command works on what was learned.
extension Interpreter {

    /// A task's layer is its model's: a causal mask, no padding, d_k = d_model / h, scaling on.
    /// Commands that would make the layer shown differ from the model trained are refused.
    func refuseInTaskMode(_ command: Command, _ session: Session) throws {
        guard session.task != nil else { return }
        if case .fit = command {
            throw UserError("`fit` trains your own layer toward a target; a task's model is trained with `train`",
                            hint: "`task none` makes the layer your own to fit")
        }
        guard let what = Self.layerSettingChanged(by: command) else { return }
        throw UserError("\(what) belongs to the task's model here (a causal mask, no padding, d_k = d_model / h, scaling on, no bias, T = 1)",
                        hint: "`task none` makes the layer your own to change")
    }

    /// What `command` would change of how the layer is computed (the mask, the padding, d_k,
    /// the scaling, the bias on the scores, the temperature), or nil: what a layer borrowed
    /// from a model must keep as the model has it.
    static func layerSettingChanged(by command: Command) -> String? {
        switch command {
        case let .mask(choice) where choice != nil: return "the mask"
        case let .pad(keys) where keys != nil: return "the key padding"
        case let .dk(setting) where setting != nil: return "d_k"
        case .setScaling: return "the scaling"
        case .setTemperature: return "the temperature"
        case .clearBias, .define("bias", _, _), .importTensor("bias", _): return "the bias on the scores"
        default: return nil
        }
    }

    /// `task NAME ...`, `task none`, or `task` alone.
    func setTask(_ request: TaskRequest?, in session: inout Session) throws -> String {
        guard let request else {
            guard let task = session.task else {
                return "no task: `task previous-two`, `task previous-and-first` or `task mod-sum` sets one up"
            }
            return describe(task)
        }
        guard let name = request.name, let kind = TrainingTask(rawValue: name) else {
            guard session.task != nil else { return "no task to leave" }
            session.task = nil
            return "Left the task: the layer stays as it was on the sequence shown, now your own to change."
        }
        let limits = taskLimits
        guard request.vocab <= limits.vocab else { throw UserError("a vocabulary of \(request.vocab) is more than the \(limits.vocab) allowed") }
        guard request.length >= kind.minimumLength, request.length <= limits.length else {
            throw UserError("\(name) needs sequences of \(kind.minimumLength) to \(limits.length) tokens (it reads token t-\(kind.firstScored)); \(request.length) will not do")
        }
        guard request.dModel <= limits.dModel else { throw UserError("d_model \(request.dModel) is more than the \(limits.dModel) allowed") }
        let heads = session.direct ? 1 : session.heads
        guard heads <= request.dModel, request.dModel % heads == 0 else {
            throw UserError("d_model = \(request.dModel) does not divide into \(heads) heads",
                            hint: "choose the heads first (`heads N`, a divisor of \(request.dModel)), or another d_model")
        }
        let model = TaskModel(task: kind, vocab: request.vocab, length: request.length, dModel: request.dModel,
                              heads: heads, seed: request.seed)
        session.task = TaskState(model: model, seed: request.seed, heldOutCount: taskLimits.heldOut)
        session.gates = [:]
        session.target = nil
        try installTaskLayer(in: &session)
        return describe(session.task!) + "\n" + style.dim("`train 400` trains it; `heads N` changes the heads (and draws new weights).")
    }

    /// What the task and its model are.
    func describe(_ task: TaskState) -> String {
        let m = task.model
        let trained = task.trainer.steps == 0 ? "untrained (weights drawn with seed \(task.seed))"
            : "trained for \(task.trainer.steps) steps"
        return Prose.wrap("""
            task \(m.task.rawValue): \(m.task.summary), vocabulary \(m.vocab), sequences of \(m.length) tokens.
            Model: token and position embeddings (d_model \(m.dModel)), one attention layer with \(m.heads) head\(m.heads == 1 ? "" : "s") \
            (d_k \(m.dModel / m.heads), causal mask, biases), \(m.task.readouts) readout\(m.task.readouts == 1 ? "" : "s") \
            (\(m.task.readoutNames.joined(separator: "; "))); \(m.parameterCount) parameters; \(trained).
            The layer shows held-out sequence \(task.sample) of \(task.heldOutCount).
            """, width: width)
    }

    /// Puts the model's layer on the shown held-out sequence into the session: X, the weights
    /// and biases, token labels, the causal mask. Pruning and gates stay as they are.
    func installTaskLayer(in session: inout Session) throws {
        guard let task = session.task else { return }
        let tokens = task.heldOut[task.sample]
        let layer = task.model.layer(tokens)
        session.direct = false
        session.matrices = ["X": layer.X, "W_Q": layer.W_Q, "W_K": layer.W_K, "W_V": layer.W_V, "W_O": layer.W_O]
        session.biases = ["b_Q": task.model.b_Q, "b_K": task.model.b_K, "b_V": task.model.b_V, "b_O": task.model.b_O]
        session.heads = task.model.heads
        session.borrowLayerSettings(mask: .causal)
        session.tokens = tokens.enumerated().map { TaskState.label($0.element, at: $0.offset, vocab: task.model.vocab) }
        session.cursor = nil
        session.backwardCursor = nil
    }

    /// `heads N` with a task: a new model with N heads, untrained.
    func setTaskHeads(_ count: Int, in session: inout Session) throws -> String {
        guard var task = session.task else { return "" }
        guard task.model.dModel % count == 0 else {
            throw UserError("d_model = \(task.model.dModel) does not divide into \(count) heads",
                            hint: "choose a divisor of \(task.model.dModel), or `task NAME d_model D` with another width")
        }
        let m = task.model
        task = TaskState(model: TaskModel(task: m.task, vocab: m.vocab, length: m.length, dModel: m.dModel, heads: count, seed: task.seed),
                         seed: task.seed, heldOutCount: task.heldOutCount)
        session.task = task
        session.gates = [:]
        try installTaskLayer(in: &session)
        return "heads = \(count): a new model with \(count) head\(count == 1 ? "" : "s") of d_k \(m.dModel / count), weights drawn again (seed \(task.seed)), untrained"
    }

    /// `train STEPS [seed S] [lr R] [batch B] [examples N]`.
    func train(_ request: TrainRequest, in session: inout Session) throws -> String {
        guard var task = session.task else {
            throw UserError("there is no task to train on", hint: "`task previous-two` sets one up (`fit` trains your own layer toward a target)")
        }
        guard request.steps <= maximumTrainSteps else {
            throw UserError("\(request.steps) steps is more than the \(maximumTrainSteps) allowed", hint: "train in parts")
        }
        guard request.batch <= taskLimits.batch else { throw UserError("a batch of \(request.batch) is more than the \(taskLimits.batch) allowed") }
        guard (request.examples ?? 1) <= 100_000 else { throw UserError("more than 100000 examples are not allowed") }
        let m = task.model
        if let seed = request.seed {
            if task.trainer.steps == 0 {
                // Untrained: the seed decides the weights as well as the batches.
                task = TaskState(model: TaskModel(task: m.task, vocab: m.vocab, length: m.length, dModel: m.dModel, heads: m.heads, seed: seed),
                                 seed: seed, heldOutCount: task.heldOutCount)
            } else {
                task.trainer.random = SeededRandom(seed: seed)
            }
        }
        if request.freshBatches { task.trainer.examples = nil }
        if let count = request.examples {
            var random = SeededRandom(seed: (request.seed ?? task.seed) &+ 0x4558_414D_504C_4553)
            task.trainer.examples = Sequences.draw(count, vocab: m.vocab, length: m.length, random: &random)
        }
        let heldOut = Array(task.heldOut.prefix(task.snapshotSequences))
        let watcher = progress
        watcher.start()
        var recent = task.recentAccuracy
        var history = task.history
        var model = task.model
        var trainer = task.trainer
        let gates = session.gates
        let started = Date()
        let first = trainer.steps
        var lastLoss = Double.nan
        var seen = 0   // steps reported, including one undone after it overshot
        var heldOutAccuracy = Double.nan
        // About 20 snapshots of the heads on the shown sequence, the first before any step.
        let shown = task.heldOut[task.sample]
        let every = max(1, (request.steps + 19) / 20)   // at most 20 points after the start
        func snapshot(_ model: TaskModel, step: Int, accuracy: Double) -> TaskState.Snapshot? {
            guard let trace = try? Trace.compute(.multiHead(model.layer(shown, gates: gates)), kernels: trainingKernels) else { return nil }
            return TaskState.Snapshot(step: step, sample: task.sample, weights: trace.heads.map(\.weights), accuracy: accuracy)
        }
        let startAccuracy = (try? model.evaluate(heldOut, gates: gates, withGradients: false, kernels: trainingKernels).accuracy) ?? .nan
        var snapshots = [snapshot(model, step: first, accuracy: startAccuracy)].compactMap { $0 }
        let ending: Trainer.Ending
        do {
            ending = try Trainer.train(&model, state: &trainer, options: .init(steps: request.steps, learningRate: request.learningRate, batch: request.batch),
                                       gates: gates, kernels: trainingKernels) { step, result, trained in
                seen += 1
                recent = Array((recent + [result.accuracy]).suffix(20))
                history.append(TaskState.TrainingPoint(step: step, loss: result.loss, accuracy: result.accuracy))
                lastLoss = result.loss
                let done = step - first
                if done % 50 == 0 || done % every == 0 || done == request.steps {
                    heldOutAccuracy = (try? trained.evaluate(heldOut, gates: gates, withGradients: false, kernels: trainingKernels).accuracy) ?? .nan
                }
                if done % every == 0 || done == request.steps, let point = snapshot(trained, step: step, accuracy: heldOutAccuracy) {
                    snapshots.append(point)
                }
                watcher.report(FitProgress(step: done, steps: request.steps, loss: result.loss,
                                           detail: String(format: "train %.3f", recent.last ?? 0)
                                               // Until the first evaluation there is no held-out figure to show.
                                               + (heldOutAccuracy.isNaN ? "" : String(format: " · held-out %.3f", heldOutAccuracy)),
                                           command: "train"))
                return !watcher.shouldStop()
            }
        } catch let error as AttentionError {
            throw UserError("cannot train: \(error)")
        }
        // A step undone because the next loss showed it overshot leaves no trace.
        let kept = trainer.steps - first
        recent = Array(recent.dropLast(max(0, seen - kept)))
        // The most recent points only, so that a saved session stays a few megabytes at most.
        history = Array(history.dropLast(max(0, seen - kept)).suffix(TaskState.historyLimit))
        snapshots.removeAll { $0.step > trainer.steps }
        task.model = model
        task.trainer = trainer
        task.measured = (nil, nil)
        task.recentAccuracy = recent
        task.history = history
        task.snapshots = snapshots
        session.task = task
        try installTaskLayer(in: &session)
        let taken = trainer.steps - first
        let seconds = Date().timeIntervalSince(started)
        let accuracy = try accuracies(task, gates: gates)
        let data = trainer.examples.map { "\($0.count) fixed examples" } ?? "fresh random sequences"
        let pruned = gates.filter { $0.value == 0 }.keys.sorted().map { String($0 + 1) }
        var lines = [style.strong("train") + ": \(taken) step\(taken == 1 ? "" : "s") of Adam (lr \(String(format: "%g", request.learningRate)), "
                     + "batch \(request.batch), \(data)) in \(String(format: "%.2f", seconds)) s; \(trainer.steps) in all",
                     Prose.wrap("  last batch loss \(FitReport.loss(lastLoss)) · training accuracy \(String(format: "%.3f", accuracy.train)) ("
                                + (trainer.examples == nil ? "\(task.heldOutCount) other random sequences" : "the fixed examples") + ") · "
                                + "held-out accuracy \(String(format: "%.3f", accuracy.test)) (\(task.heldOutCount))", width: width)]
        if !pruned.isEmpty {
            lines.append(style.dim("  head \(pruned.joined(separator: ", ")) pruned: trained with \(pruned.count == 1 ? "its output" : "their outputs") at zero"))
        }
        switch ending {
        case .finished: break
        case .interrupted: lines.append(style.warning("Stopped") + " by Ctrl-C after step \(trainer.steps): the model is as that step left it.")
        case let .diverged(step, loss):
            lines.append(Prose.wrap(style.warning("Stopped") + " at step \(step): the weights it produced gave a loss "
                                    + (loss.isFinite ? "of \(FitReport.loss(loss)), over 100 times that of guessing at random" : "that is not a number")
                                    + ", so the steps overshoot. The model is as it was before that step. Try a smaller learning rate, e.g. lr \(String(format: "%g", request.learningRate / 10)).", width: width))
        }
        lines.append(style.dim(Prose.wrap("The layer now shows held-out sequence \(task.sample): `heatmap`, `attends`, `evaluate`, `importance`; "
                                          + "`replay` shows the heads at \(snapshots.count) points of this training.", width: width)))
        return lines.joined(separator: "\n")
    }

    /// Training and held-out accuracy of the task's model with `gates`, as it is now: on the
    /// fixed examples, or, when every batch is fresh, on as many other random sequences (the
    /// training data is then the task's whole distribution, so the two measure the same thing);
    /// and on the held-out sequences.
    func accuracies(_ task: TaskState, gates: [Int: Double]) throws -> (train: Double, test: Double) {
        return (try task.model.evaluate(task.trainingData, gates: gates, withGradients: false, kernels: trainingKernels).accuracy,
                try heldOutAccuracy(task, gates: gates))
    }

    /// Held-out accuracy (on every held-out sequence) with `gates`.
    func heldOutAccuracy(_ task: TaskState, gates: [Int: Double]) throws -> Double {
        try task.model.evaluate(task.heldOut, gates: gates, withGradients: false, kernels: trainingKernels).accuracy
    }

    /// `evaluate`.
    func evaluateTask(_ session: Session) throws -> String {
        guard let task = session.task else {
            throw UserError("there is no task to evaluate", hint: "`task previous-two`, then `train 400`")
        }
        let m = task.model
        let gates = session.gates
        let heldOut = try m.evaluate(task.heldOut, gates: gates, withGradients: false, kernels: trainingKernels)
        let training = task.trainingData
        let trainingName = task.trainer.examples.map { "training (\($0.count) fixed)" } ?? "training (\(task.heldOutCount) fresh)"
        let rows: [(String, BatchResult)] = [
            (trainingName, try m.evaluate(training, gates: gates, withGradients: false, kernels: trainingKernels)),
            ("held-out (\(task.heldOutCount))", heldOut),
        ]
        var lines = [style.strong("evaluate") + style.dim("  \(m.task.rawValue), \(m.heads) head\(m.heads == 1 ? "" : "s"), \(task.trainer.steps) step\(task.trainer.steps == 1 ? "" : "s") trained"
                                                         + (gates.isEmpty ? "" : ", with the gates and pruning set"))]
        let header = "".padded(to: 22) + "loss".leftPadded(to: 8) + "accuracy".leftPadded(to: 10)
            + m.task.readoutNames.map { "  " + $0 }.joined()
        lines.append(style.dim(header))
        for (name, result) in rows {
            let perReadout = result.correct.map { Double($0) / Double(max(1, result.predictions)) }
            lines.append(name.padded(to: 22) + FitReport.loss(result.loss).leftPadded(to: 8)
                         + String(format: "%.3f", result.accuracy).leftPadded(to: 10)
                         + zip(perReadout, m.task.readoutNames).map { String(format: "%.3f", $0).leftPadded(to: $1.count + 2) }.joined())
        }
        if task.trainer.examples == nil {
            lines.append(style.dim(Prose.wrap("Training draws fresh random sequences every step, so there is no training set to learn by heart: "
                                              + "the training row is measured on \(task.heldOutCount) other random sequences and measures the same thing as held-out.", width: width)))
        }
        if m.heads > 1 {
            lines.append("")
            let already = gates.filter { $0.value == 0 }.keys.sorted().map { String($0 + 1) }
            lines.append(Prose.wrap("Held-out accuracy with one more head removed (its output zeroed before W_O; first 500 held-out sequences"
                                    + (already.isEmpty ? "):" : "; head \(already.joined(separator: ", ")) already pruned):"), width: width))
            let sample = Array(task.heldOut.prefix(500))
            let whole = try m.evaluate(sample, gates: gates, withGradients: false, kernels: trainingKernels).accuracy
            for head in 0..<m.heads where gates[head] != 0 {
                var removed = gates
                removed[head] = 0
                let accuracy = try m.evaluate(sample, gates: removed, withGradients: false, kernels: trainingKernels).accuracy
                lines.append("  head \(head + 1) removed".padded(to: 20) + String(format: "%.3f  (%@ points)", accuracy, Self.points(accuracy - whole)))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A change of accuracy in percentage points, signed, never "-0.0".
    static func points(_ change: Double) -> String {
        let text = String(format: "%+.1f", 100 * change)
        return text == "-0.0" ? "+0.0" : text
    }

    /// `task state TEXT`, from a session file: the learned state of the task just set up.
    func restoreTaskState(_ text: String, in session: inout Session) throws -> String {
        guard let task = session.task else { throw UserError("`task state` follows a `task NAME ...` line of a saved session") }
        guard let restored = task.decoding(text) else {
            throw UserError("the saved task state does not fit a \(task.model.task.rawValue) model of these sizes, "
                            + "with \(task.heldOutCount) held-out sequences (the file may be damaged)")
        }
        session.task = restored
        try installTaskLayer(in: &session)
        return "restored the task, trained for \(restored.trainer.steps) steps"
    }

    /// `replay [K]`: the heads' attention on the shown sequence at the points saved during the
    /// last `train` (or at point K only), to watch patterns form.
    func replay(_ point: Int?, session: Session) throws -> String {
        guard let task = session.task else { throw UserError("there is no task: `replay` shows how a task's heads changed while it trained") }
        let snapshots = task.snapshots
        guard !snapshots.isEmpty else { throw UserError("nothing to replay yet", hint: "`train N` saves the heads at about 20 points") }
        if let point, point >= snapshots.count {
            throw UserError("there are \(snapshots.count) points (0 to \(snapshots.count - 1)), so \(point) does not exist")
        }
        let tokens = task.heldOut[snapshots[0].sample]
        let labels = tokens.enumerated().map { TaskState.label($0.element, at: $0.offset, vocab: task.model.vocab) }
        let mask = Mask.causal(tokens.count)
        let shown = point.map { [$0] } ?? Array(snapshots.indices)
        var parts = [Prose.wrap(style.strong("replay") + style.dim("  the heads on held-out sequence \(snapshots[0].sample) at \(snapshots.count) points of the last `train`, "
                                                                  + "with the held-out accuracy on the first \(task.snapshotSequences) held-out sequences"
                                                                  + (point == nil ? "; `replay K` shows point K alone" : "")), width: width)]
        for index in shown {
            let s = snapshots[index]
            let panels = s.weights.enumerated().map { Heatmap.Panel(title: "head \($0.offset + 1)", matrix: $0.element, blocked: mask) }
            let heatmap = Heatmap(panels: panels, rowLabels: labels, columnLabels: labels, range: 0...1)
            parts.append(style.title(Self.snapshotCaption(index, s))
                         + "\n" + heatmap.render(style: style, format: NumberFormat(decimals: session.precision), width: width))
        }
        return parts.joined(separator: "\n\n")
    }

    /// "point 3 · after 60 steps · held-out accuracy 0.812": a saved point, as `replay` and the
    /// web page title it.
    static func snapshotCaption(_ index: Int, _ s: TaskState.Snapshot) -> String {
        "point \(index) · after \(s.step) step\(s.step == 1 ? "" : "s") · held-out accuracy "
            + (s.accuracy.isFinite ? String(format: "%.3f", s.accuracy) : "not measured")
    }

    /// `sample K`: the layer shows held-out sequence K.
    func showSample(_ index: Int, in session: inout Session) throws -> String {
        guard session.task != nil else { throw UserError("there is no task: `sample` shows one of a task's held-out sequences") }
        let count = session.task!.heldOutCount
        guard index < count else { throw UserError("there are \(count) held-out sequences (0 to \(count - 1)), so \(index) does not exist") }
        session.task!.sample = index
        try installTaskLayer(in: &session)
        return "the layer shows held-out sequence \(index): " + session.tokens.joined(separator: " ")
    }

    /// `export accuracy FILE.json`: exactly {"train": x, "test": y}, the model as pruned and gated now.
    func exportAccuracy(to path: String, session: Session) throws -> String {
        guard let task = session.task else { throw UserError("there is no task, so no accuracy to export") }
        guard path.lowercased().hasSuffix(".json") else {
            throw UserError("accuracy is written as JSON", hint: "export accuracy accuracy.json")
        }
        let (train, test) = try accuracies(task, gates: session.gates)
        func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
        try writeText("{\"train\": \(number(train)), \"test\": \(number(test))}\n", to: path)
        return "wrote the training (\(String(format: "%.3f", train))) and held-out (\(String(format: "%.3f", test))) accuracy to \(path)"
    }
}
