import Attention
import Gradients
import Teaching
import TensorIO
import Training

/// Turns one line into a `Command`, or throws a `UserError` that points at the column of the
/// problem. Blank lines and `# comments` give nil.
public enum CommandParser {
    /// Names that `NAME = ...` may define.
    public static let definable = Parameter.allCases.map(\.rawValue) + ["X", "Q", "K", "V", "target", "bias"]

    /// What an unknown command is measured against for a suggestion.
    static let commandNames = Suggestion.Candidates(Verb.names + definable)
    /// Everything `show` and `export` accept.
    public static let showable = Stage.allCases.map(\.rawValue) + Parameter.allCases.map(\.rawValue) + ["mask", "tokens", "target", "bias"]
    /// What `export` writes of a loaded model besides the layer's stages (`tokens` is also a
    /// name `show` accepts).
    /// What `export` writes besides tensors: figures, pictures and the web page.
    public static let pictureExports = ["importance", "accuracy", "html", "loss", "prune-curve"]
    public static let modelExports = ["ids", "attention", "embedding", "hidden"] + BlockStep.allCases.map(\.rawValue)
    /// Other names a learner uses for a stage: the softmax's output is the weights.
    /// (`attention` means the weights too, except after `export`, where it is a loaded model's
    /// every layer.)
    static let stageAliases = ["softmax": "weights", "attention": "weights", "probabilities": "weights"]

    /// `word` with a stage alias replaced by the stage's own name.
    static func stage(_ word: Word, aliasing attention: Bool = true) -> Word {
        guard let name = stageAliases[word.text], attention || word.text != "attention" else { return word }
        return Word(text: name, column: word.column)
    }

    /// Everything `grad`, `why grad` and `export grad` accept.
    public static let gradients = GradientPresenter.names

    public static func parse(_ line: String) throws -> Command? {
        // `text ...` reads the rest of the line as typed: quotes, brackets and '#' included.
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        if trimmed == "text" || trimmed.hasPrefix("text ") || trimmed.hasPrefix("text\t") {
            let sentence = trimmed.dropFirst(4).trimmingSpaces
            guard !sentence.isEmpty else {
                throw UserError("`text` needs a sentence", column: line.count + 1, hint: "e.g. text The cat sat on the mat.")
            }
            return .text(sentence)
        }
        var words = Cursor(try Lexer.words(line), lineLength: line.count)
        guard let first = words.next() else { return nil }
        // `target T = ...`: T is the loss's name for the target, allowed before the '='.
        if first.text == "target", words.peek?.text == "T", words.peek(at: 1)?.text == "=" { _ = words.next() }
        if words.peek?.text == "=" || words.peek?.text == "head" && definable.contains(first.text) {
            return try definition(first, &words)
        }
        let command = try verb(first, &words)
        try words.expectEnd()
        return command
    }

    private static func verb(_ first: Word, _ words: inout Cursor) throws -> Command {
        let groups = [settingsCommand, filesCommand, steppingCommand, sessionCommand, headsCommand, gradientsCommand]
        for group in groups {
            if let command = try group(first.text, &words) { return command }
        }
        if definable.contains(first.text) {
            throw UserError("'\(first.text)' needs '=' and a value", column: first.column + first.text.count,
                            hint: "e.g. \(first.text) = random 3x4 seed 1 (or `show \(first.text)` to see it)")
        }
        // A long run of garbage is quoted by its start only; the line itself is shown below it.
        let quoted = first.text.count > 40 ? first.text.prefix(40) + "…" : first.text[...]
        var message = "unknown command '\(quoted)'"
        if let suggestion = Suggestion.didYouMean(first.text, among: commandNames) {
            message += ": \(suggestion)"
        }
        throw UserError(message, column: first.column, hint: "type `help` for the list of commands")
    }

    /// Defining: tokens, heads, d_k, mask, padding.
    private static func settingsCommand(_ verb: String, _ words: inout Cursor) throws -> Command? {
        switch verb {
        case "tokens":
            let labels = words.rest().map(\.text)
            return .tokens(labels.isEmpty ? nil : labels)
        case "heads":
            return .heads(try words.optionalInteger(name: "the number of heads", minimum: 1))
        case "dk", "d_k":
            guard let word = words.next() else { return .dk(nil) }
            if word.text == "auto" { return .dk(.auto) }
            return .dk(.value(try integer(word, name: "d_k", minimum: 1)))
        case "mask":
            guard let word = words.next() else { return .mask(nil) }
            switch word.text {
            case "none", "off": return .mask(MaskChoice.none)
            case "causal":
                guard let word = words.next() else { return .mask(.causal) }
                guard word.text == "offset" else {
                    throw UserError("unexpected '\(word.text)' after mask causal", column: word.column,
                                    hint: "mask causal, or mask causal offset K: query i sees keys up to i + K")
                }
                let value = try words.require("an offset K, e.g. mask causal offset 2 (query i sees keys up to i + 2)")
                guard let offset = Int(value.text) else {
                    throw UserError("the offset must be a whole number (negative, 0 or positive), not '\(value.text)'",
                                    column: value.column, hint: "query i sees keys up to i + K; with n queries over m keys, K = m − n lets the last query see every key")
                }
                return .mask(.causalOffset(offset))
            default:
                guard word.isLiteral else {
                    throw UserError("unknown mask '\(word.text)'", column: word.column,
                                    hint: "use mask causal, mask causal offset K, mask none, or a literal like mask [[0, 1], [0, 0]]")
                }
                return .mask(.literal(try literal(word)))
            }
        case "pad":
            let rest = words.rest()
            if rest.isEmpty { return .pad(nil) }
            if rest.count == 1, rest[0].text == "none" { return .pad([]) }
            return .pad(Set(try rest.map { try integer($0, name: "a key position", minimum: 0) }))
        case "bias":
            // `bias = ...` is a definition; here `bias none` and `bias` alone.
            guard let word = words.next() else { return .show(name: "bias", head: nil) }
            guard word.text == "none" || word.text == "off" else {
                throw UserError("unexpected '\(word.text)' after bias", column: word.column,
                                hint: "bias = [[...]] (queries x keys) or import bias FILE sets it, bias none removes it, bias alone shows it")
            }
            return .clearBias
        default: return nil
        }
    }

    /// Files: import and export.
    private static func filesCommand(_ verb: String, _ words: inout Cursor) throws -> Command? {
        switch verb {
        case "import":
            if words.peek?.text == "text" {
                _ = words.next()
                return .importText(path: try words.require("a UTF-8 text file, e.g. import text sentence.txt").text)
            }
            let name = try words.require("a name to import into, e.g. import X data.npy")
            let path = try words.require("a file to read, e.g. import \(name.text) data.npy")
            guard definable.contains(name.text) || name.text == "mask" else {
                throw unknownName(name, among: definable + ["mask"], what: "import into")
            }
            return .importTensor(name: name.text, path: path.text)
        case "export":
            if words.peek?.text == "grad" {
                _ = words.next()
                let name = try gradientName(&words, example: "export grad weights dweights.npy")
                let path = try words.require("a file to write, e.g. export grad \(name) d\(name).npy")
                return .exportGrad(name: name, path: path.text, head: try words.optionalHead())
            }
            let name = stage(try words.require("a stage or parameter to export, e.g. export weights weights.npy"), aliasing: false)
            let path = try words.require("a file to write, e.g. export \(name.text) \(name.text).npy")
            let others = pictureExports + modelExports
            guard showable.contains(name.text) || others.contains(name.text) else {
                throw unknownName(name, among: showable.filter { $0 != "tokens" } + others, what: "export")
            }
            return .export(name: name.text, path: path.text, head: try words.optionalHead())
        default: return nil
        }
    }

    /// Stepping and inspecting: step, back, run, goto, where, show, shapes, why, explain, set.
    private static func steppingCommand(_ verb: String, _ words: inout Cursor) throws -> Command? {
        switch verb {
        case "step": return .step(head: try words.optionalHead())
        case "back": return .back(head: try words.optionalHead())
        case "run": return .run(head: try words.optionalHead())
        case "goto":
            if words.peek?.text == "grad" {
                _ = words.next()
                let name = try words.require("a backward stage, e.g. goto grad scores")
                return .gotoGrad(name: name.text, head: try words.optionalHead())
            }
            let name = stage(try words.require("a stage, e.g. goto weights"))
            return .goto(name: name.text, head: try words.optionalHead())
        case "where": return .whereAmI
        case "show":
            let name = stage(try words.require("something to show, e.g. show weights"))
            guard showable.contains(name.text) else { throw unknownName(name, among: showable, what: "show") }
            return .show(name: name.text, head: try words.optionalHead())
        case "shapes": return .shapes
        case "redraw":
            guard words.peek != nil else { return .redraw(seed: 0) }
            let keyword = try words.require("seed S")
            guard keyword.text == "seed" else { throw UserError("redraw takes only `seed S`, e.g. redraw seed 3", column: keyword.column) }
            return .redraw(seed: try seed(try words.require("a seed, e.g. redraw seed 3")))
        case "why":
            if words.peek?.text == "grad" {
                _ = words.next()
                let name = try gradientName(&words, example: "why grad scores 0 1")
                let row = try words.require("a row (a number from 0 or a token), e.g. why grad \(name) 0 1")
                var col: Word? = nil
                if let next = words.peek, next.text != "head" { col = words.next() }
                return .whyGrad(name: name, row: cellIndex(row), col: col.map(cellIndex), head: try words.optionalHead())
            }
            let stage = Self.stage(try words.require("a stage, a row and a column, e.g. why weights 0 1"))
            guard Stage(rawValue: stage.text) != nil || CircuitReport.names.contains(stage.text) else {
                throw unknownName(stage, among: Stage.allCases.map(\.rawValue) + CircuitReport.names, what: "explain a cell of")
            }
            let row = try words.require("a row (a number from 0 or a token), e.g. why \(stage.text) 0 1")
            let col = try words.require("a column (a number from 0 or a token), e.g. why \(stage.text) \(row.text) 1")
            return .why(stage: stage.text, row: cellIndex(row), col: cellIndex(col), head: try words.optionalHead())
        case "explain":
            return .explain(words.next()?.text)
        case "set":
            let setting = try words.require("a setting, e.g. set precision 4")
            if setting.text == "temperature" || setting.text == "T" {
                let value = try words.require("a temperature, e.g. set temperature 0.5 (1 is ordinary attention)")
                guard let temperature = Double(value.text) else {
                    throw UserError("the temperature must be a number, not '\(value.text)'", column: value.column,
                                    hint: "a number above 0, e.g. set temperature 0.5; 1 is ordinary attention")
                }
                guard temperature.isFinite, temperature > 0 else {
                    throw UserError("the temperature must be above 0 and finite, not \(value.text)", column: value.column,
                                    hint: "T divides the scores: below 1 sharpens the weights, above 1 flattens them, and T = 0 would divide by zero; 1 is ordinary attention")
                }
                return .setTemperature(temperature)
            }
            if setting.text == "scaling" {
                let value = try words.require("on or off, e.g. set scaling off")
                guard value.text == "on" || value.text == "off" else {
                    throw UserError("scaling is on or off, not '\(value.text)'", column: value.column)
                }
                return .setScaling(value.text == "on")
            }
            guard setting.text == "precision" else {
                throw UserError("unknown setting '\(setting.text)'", column: setting.column,
                                hint: "the settings are: set precision N, set scaling on|off, set temperature T")
            }
            let value = try words.require("a number of decimals, e.g. set precision 4")
            let decimals = try integer(value, name: "the precision", minimum: 0)
            guard decimals <= 12 else {
                throw UserError("precision \(decimals) is too many decimals", column: value.column, hint: "choose 0 to 12")
            }
            return .setPrecision(decimals)
        default: return nil
        }
    }

    /// The session: help, reset, example, quit, lessons, save, load, restore.
    private static func sessionCommand(_ verb: String, _ words: inout Cursor) throws -> Command? {
        switch verb {
        case "help": return .help(words.next()?.text)
        case "reset": return .reset
        case "example": return .example
        case "quit", "exit": return .quit
        case "lesson":
            return .lesson(try words.require("a lesson name, e.g. lesson 1 (`lessons` lists them)").text)
        case "lessons": return .listLessons
        case "save": return .save(try words.require("a file to save to, e.g. save my-session.txt").text)
        case "load": return .load(try words.require("a saved session to load, e.g. load my-session.txt").text)
        case "source":
            return .source(try words.require("a file of commands, e.g. source setup.txt").text)
        case "restore":
            guard let word = words.next() else { return .restore(previous: false) }
            guard word.text == "previous" else {
                throw UserError("expected 'previous' or nothing", column: word.column,
                                hint: "restore brings back the session saved when the REPL last exited; restore previous the one before")
            }
            return .restore(previous: true)
        default: return nil
        }
    }

    /// Heads: heatmaps, attends, importance, pruning, gates, cost.
    private static func headsCommand(_ verb: String, _ words: inout Cursor) throws -> Command? {
        switch verb {
        case "heatmap":
            var stage = "weights"
            if words.peek?.text == "all" {
                _ = words.next()
                return .heatmap(stage: stage, head: nil)
            }
            if let next = words.peek, next.text != "head" {
                _ = words.next()
                let word = Self.stage(next)
                guard Stage(rawValue: word.text) != nil else {
                    throw unknownName(word, among: Stage.allCases.map(\.rawValue), what: "draw a heatmap of")
                }
                stage = word.text
            }
            if words.peek?.text == "all" { _ = words.next() }
            guard words.peek?.text == "head" else { return .heatmap(stage: stage, head: nil) }
            _ = words.next()
            let which = try words.require("a head number or 'all', e.g. heatmap weights head 2")
            if which.text == "all" { return .heatmap(stage: stage, head: nil) }
            return .heatmap(stage: stage, head: try integer(which, name: "the head number", minimum: 1))
        case "attends":
            return .attends(words.next().map(cellIndex))
        case "circuit":
            return .circuit(head: try words.optionalHead())
        case "importance": return .importance
        case "compare": return .compare
        case "prune":
            let first = try words.require("what to prune: prune head N, prune K by magnitude|entropy|sensitivity|gradient, or prune curve")
            if first.text == "curve" { return .prune(.curve) }
            if first.text == "head" {
                let number = try words.require("a head number, e.g. prune head 2")
                return .prune(.head(try integer(number, name: "the head number", minimum: 1)))
            }
            // `prune L.H`: a layer and a head of a loaded model.
            let parts = first.text.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 2, let layer = Int(parts[0]), let head = Int(parts[1]) {
                guard layer >= 1, head >= 1 else {
                    throw UserError("layers and heads are numbered from 1, e.g. prune 2.5", column: first.column)
                }
                return .prune(.modelHead(layer: layer, head: head))
            }
            let percent = first.text.hasSuffix("%") ? Double(first.text.dropLast()) : nil
            if first.text.hasSuffix("%") {
                guard let percent, percent > 0, percent <= 100 else {
                    throw UserError("the share must be a percentage above 0 and at most 100, e.g. prune 20% by magnitude", column: first.column)
                }
            }
            let count = percent == nil ? try integer(first, name: "the number of heads to prune", minimum: 1) : 0
            let by = try words.require("'by' and a metric, e.g. prune 1 by entropy")
            guard by.text == "by" else { throw UserError("expected 'by', e.g. prune 1 by entropy", column: by.column) }
            let metric = try words.require("a metric: magnitude, entropy or sensitivity")
            let metrics = HeadImportance.Metric.allCases.map(\.rawValue) + (percent == nil ? [] : ["random"])
            guard metrics.contains(metric.text) else { throw unknownName(metric, among: metrics, what: "rank by") }
            if let percent {
                var seed: UInt64 = 0
                if metric.text == "random", let word = words.next() {
                    guard word.text == "seed", let value = words.next() else {
                        throw UserError("after 'random' only 'seed S' may follow, e.g. prune 20% by random seed 3", column: word.column)
                    }
                    seed = try Self.seed(value)
                }
                return .prune(.modelShare(percent: percent, metric: metric.text, seed: seed))
            }
            return .prune(.least(count: count, metric: metric.text))
        case "unprune":
            let first = try words.require("unprune head N, or unprune all")
            if first.text == "all" { return .unprune(head: nil) }
            guard first.text == "head" else { throw UserError("expected 'head N' or 'all'", column: first.column) }
            let number = try words.require("a head number, e.g. unprune head 2")
            return .unprune(head: try integer(number, name: "the head number", minimum: 1))
        case "gate":
            let head = try words.require("gate head N G, e.g. gate head 2 0.5")
            guard head.text == "head" else { throw UserError("expected 'head', e.g. gate head 2 0.5", column: head.column) }
            let number = try integer(try words.require("a head number"), name: "the head number", minimum: 1)
            let value = try words.require("a gate between 0 and 1, e.g. gate head 2 0.5")
            guard let gate = Double(value.text), (0...1).contains(gate) else {
                throw UserError("the gate must be a number from 0 to 1, not '\(value.text)'", column: value.column)
            }
            return .gate(head: number, value: gate + 0)   // + 0 turns -0 into 0
        case "cost":
            var overrides: [String: Int] = [:]
            while let key = words.next() {
                guard ["n", "d_model", "heads", "dk"].contains(key.text) else {
                    throw UserError("unknown size '\(key.text)' for cost", column: key.column,
                                    hint: "cost [n N] [d_model D] [heads H] [dk K]")
                }
                let value = try words.require("a number after \(key.text)")
                overrides[key.text] = try integer(value, name: key.text, minimum: 1)
            }
            return .cost(overrides)
        default: return nil
        }
    }


    /// Gradients: loss, backward, grad, fit.
    private static func gradientsCommand(_ verb: String, _ words: inout Cursor) throws -> Command? {
        switch verb {
        case "loss": return .loss
        case "backward": return .backward(head: try words.optionalHead())
        case "grad":
            let name = try gradientName(&words, example: "grad scores")
            return .grad(name: name, head: try words.optionalHead())
        case "fit":
            return .fit(try fitRequest(&words))
        case "model":
            guard let word = words.next() else { return .model(.show) }
            switch word.text {
            case "load": return .model(.load(words.next()?.text))
            case "unload": return .model(.unload)
            case "heads":
                var pattern: HeadPattern? = nil
                var overSentences = false
                while let word = words.next() {
                    if word.text == "over" {
                        let what = try words.require("'sentences', e.g. model heads over sentences")
                        guard what.text == "sentences" else { throw UserError("expected 'over sentences'", column: what.column) }
                        overSentences = true
                        continue
                    }
                    guard pattern == nil, let named = HeadPattern(named: word.text), named != .broad else {
                        throw UserError("no pattern named '\(word.text)'", column: word.column,
                                        hint: "patterns: previous next self cls sep punctuation; `over sentences` averages over the kept set")
                    }
                    pattern = named
                }
                return .model(.heads(pattern, overSentences: overSentences))
            default:
                throw UserError("unknown model command '\(word.text)'", column: word.column,
                                hint: "model load [DIR], model heads [PATTERN], model unload, or `model` alone to see what is loaded")
            }
        case "layer":
            return .layer(try words.optionalInteger(name: "the layer", minimum: 1))
        case "task":
            guard let name = words.next() else { return .task(nil) }
            if name.text == "none" { return .task(TaskRequest(name: nil)) }
            if name.text == "state" { return .taskState(try words.require("the saved state").text) }
            guard TrainingTask(rawValue: name.text) != nil else {
                var message = "no task named '\(name.text)'"
                if let suggestion = Suggestion.didYouMean(name.text, among: TrainingTask.allCases.map(\.rawValue)) { message += ": \(suggestion)" }
                throw UserError(message, column: name.column, hint: "tasks: previous-two previous-and-first mod-sum (or none)")
            }
            var request = TaskRequest(name: name.text)
            try options(&words, usage: "task NAME [vocab V] [length N] [d_model D] [seed S]") { key, value in
                switch key {
                case "vocab": request.vocab = try integer(value, name: "the vocabulary", minimum: 2)
                case "length": request.length = try integer(value, name: "the length", minimum: 1)
                case "d_model": request.dModel = try integer(value, name: "d_model", minimum: 1)
                case "seed": request.seed = try seed(value)
                default: return false
                }
                return true
            }
            return .task(request)
        case "train":
            let count = try words.require("a number of steps, e.g. train 400")
            var request = TrainRequest(steps: try integer(count, name: "the number of steps", minimum: 1))
            try options(&words, usage: "train STEPS [seed S] [lr R] [batch B] [examples N]") { key, value in
                switch key {
                case "seed": request.seed = try seed(value)
                case "lr":
                    guard let rate = Double(value.text), rate.isFinite, rate > 0 else {
                        throw UserError("the learning rate must be a positive number, not '\(value.text)'", column: value.column)
                    }
                    request.learningRate = rate
                case "batch": request.batch = try integer(value, name: "the batch size", minimum: 1)
                case "examples" where value.text == "none": request.freshBatches = true
                case "examples": request.examples = try integer(value, name: "the number of examples", minimum: 1)
                default: return false
                }
                return true
            }
            return .train(request)
        case "evaluate": return .evaluate
        case "replay": return .replay(try words.optionalInteger(name: "the point", minimum: 0))
        case "sample":
            let number = try words.require("a held-out sequence, e.g. sample 3")
            return .sample(try integer(number, name: "the sequence", minimum: 0))
        default: return nil
        }
    }

    /// `KEY VALUE` pairs, each key once; `apply` returns false for a key it does not know.
    private static func options(_ words: inout Cursor, usage: String, apply: (String, Word) throws -> Bool) throws {
        var given: Set<String> = []
        while let key = words.next() {
            let value = try words.require("a value after \(key.text)")
            guard given.insert(key.text).inserted else {
                throw UserError("'\(key.text)' is given twice", column: key.column, hint: usage)
            }
            guard try apply(key.text, value) else {
                throw UserError("unknown option '\(key.text)'", column: key.column, hint: usage)
            }
        }
    }

    private static func seed(_ word: Word) throws -> UInt64 {
        guard let value = UInt64(word.text) else {
            throw UserError("the seed must be a whole number from 0, not '\(word.text)'", column: word.column)
        }
        return value
    }

    /// `fit STEPS [lr R] [sgd|adam] [X] [only NAME ...]`, options in any order, each once.
    private static func fitRequest(_ words: inout Cursor) throws -> FitRequest {
        let count = try words.require("a number of steps, e.g. fit 100")
        var request = FitRequest(steps: try integer(count, name: "the number of steps", minimum: 1))
        var given: Set<String> = []
        while let word = words.next() {
            let option = word.text == "adam" ? "sgd" : word.text   // one optimizer
            guard given.insert(option).inserted else {
                throw UserError("'\(word.text)' is given twice", column: word.column,
                                hint: word.text == "sgd" || word.text == "adam" ? "choose one optimizer: sgd or adam" : "give each option once")
            }
            switch word.text {
            case "lr":
                let value = try words.require("a learning rate, e.g. lr 0.05")
                guard let rate = Double(value.text), rate.isFinite, rate > 0 else {
                    throw UserError("the learning rate must be a positive number, not '\(value.text)'", column: value.column)
                }
                request.learningRate = rate
            case "sgd", "adam":
                request.optimizer = word.text
            case "X":
                request.includeX = true
            case "only":
                // The names that follow, up to the next option.
                var names: [Word] = []
                while let next = words.peek, !["lr", "sgd", "adam"].contains(next.text) {
                    names.append(words.next()!)
                }
                guard !names.isEmpty else {
                    throw UserError("'only' needs the tensors to train", column: word.column + 4, hint: "e.g. fit 100 only W_Q W_K")
                }
                let trainable = Trainable.allCases.map(\.rawValue)
                for name in names where !trainable.contains(name.text) {
                    throw unknownName(name, among: trainable, what: "train")
                }
                request.only = names.map(\.text)
            default:
                var message = "unknown option '\(word.text)' for fit"
                if let suggestion = Suggestion.didYouMean(word.text, among: ["lr", "sgd", "adam", "only", "X"]) { message += ": \(suggestion)" }
                throw UserError(message, column: word.column, hint: "fit STEPS [lr R] [sgd|adam] [X] [only NAME ...]")
            }
        }
        return request
    }

    /// A name `grad` accepts: a stage, a parameter or `gates`.
    private static func gradientName(_ words: inout Cursor, example: String) throws -> String {
        let name = try words.require("what to take the gradient of, e.g. \(example)")
        guard gradients.contains(name.text) else { throw unknownName(name, among: gradients, what: "take the gradient of") }
        return name.text
    }

    /// `NAME [head N] = VALUE`.
    private static func definition(_ name: Word, _ words: inout Cursor) throws -> Command {
        guard definable.contains(name.text) else {
            throw unknownName(name, among: definable, what: "define")
        }
        var head: Int? = nil
        if words.peek?.text == "head" {
            head = try words.optionalHead()
            guard ["W_Q", "W_K", "W_V", "W_O"].contains(name.text) else {
                throw UserError("only the projection weights W_Q, W_K, W_V, W_O have per-head blocks", column: name.column,
                                hint: name.text == "bias" ? "the bias is added to the scores of every head alike: bias = [[...]]" : nil)
            }
        }
        let equals = try words.require("'=' and a value")
        guard equals.text == "=" else {
            throw UserError("expected '=' after \(name.text)", column: equals.column)
        }
        let value = try valueSource(&words)
        try words.expectEnd()
        return .define(name: name.text, head: head, value: value)
    }

    private static func valueSource(_ words: inout Cursor) throws -> ValueSource {
        let first = try words.require("a value: a literal like [[1, 0], [0, 1]], random RxC, identity N or zeros RxC")
        if first.isLiteral { return .literal(try literal(first)) }
        switch first.text {
        case "random":
            let size = try words.require("a size, e.g. random 3x4 seed 1")
            let (rows, cols) = try dimensions(size)
            var seed: UInt64 = 0, distribution = Distribution.normal, scale = 1.0
            while let option = words.next() {
                switch option.text {
                case "seed":
                    let value = try words.require("a seed number, e.g. seed 7")
                    guard let parsed = UInt64(value.text) else {
                        throw UserError("the seed must be a whole number from 0, not '\(value.text)'", column: value.column)
                    }
                    seed = parsed
                case "normal": distribution = .normal
                case "uniform": distribution = .uniform
                case "scale":
                    let value = try words.require("a scale, e.g. scale 0.5")
                    guard let parsed = Double(value.text), parsed.isFinite, parsed > 0 else {
                        throw UserError("the scale must be a positive number, not '\(value.text)'", column: value.column)
                    }
                    scale = parsed
                default:
                    throw UserError("unknown option '\(option.text)' for random", column: option.column,
                                    hint: "random RxC [seed S] [normal|uniform] [scale A]")
                }
            }
            return .random(rows: rows, cols: cols, seed: seed, distribution: distribution, scale: scale)
        case "identity":
            let size = try words.require("a size, e.g. identity 4")
            return .identity(try integer(size, name: "the size", minimum: 1))
        case _ where showable.contains(first.text) && first.text != "tokens":
            if words.peek?.text == "+" {
                _ = words.next()
                let added = try words.require("what to add: \(first.text) + sinusoidal")
                guard added.text == "sinusoidal" else {
                    throw UserError("only the position codes can be added here: \(first.text) + sinusoidal", column: added.column)
                }
                return .withPositions(name: first.text)
            }
            return .copy(name: first.text, head: try words.optionalHead())
        case "sinusoidal":
            let size = try words.require("a size, e.g. sinusoidal 3x4 (positions x d_model)")
            guard case let (rows, cols?) = try dimensions(size) else {
                throw UserError("position codes are a matrix: give positions x width, e.g. sinusoidal 3x4", column: size.column)
            }
            return .sinusoidal(rows: rows, cols: cols)
        case "zeros":
            let size = try words.require("a size, e.g. zeros 3x4 (or zeros 4 for a bias)")
            let (rows, cols) = try dimensions(size)
            return .zeros(rows: rows, cols: cols)
        default:
            var message = "expected a value, found '\(first.text)'"
            if let suggestion = Suggestion.didYouMean(first.text, among: ["random", "identity", "zeros", "sinusoidal"]) {
                message += ": \(suggestion)"
            }
            throw UserError(message, column: first.column,
                            hint: "a value is a literal like [[1, 0], [0, 1]], random RxC [seed S], identity N, zeros RxC, "
                                + "sinusoidal RxC, or a tensor's name (X = output, X = X + sinusoidal)")
        }
    }

    /// `3x4` (rows x cols) or `4` (a vector).
    private static func dimensions(_ word: Word) throws -> (Int, Int?) {
        let parts = word.text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count <= 2, let rows = Int(parts[0]), rows >= 1,
              parts.count == 1 || Int(parts[1]).map({ $0 >= 1 }) == true else {
            throw UserError("'\(word.text)' is not a size", column: word.column,
                            hint: "write rows x columns without spaces, e.g. 3x4, or one number for a vector")
        }
        return (rows, parts.count == 2 ? Int(parts[1])! : nil)
    }

    static func literal(_ word: Word) throws -> NDArray {
        do {
            return try JSONArrayText.parse(word.text, columnOffset: word.column - 1)
        } catch let error as TensorFileError {
            throw UserError(String(describing: error), column: error.position?.column ?? word.column)
        }
    }

    static func integer(_ word: Word, name: String, minimum: Int) throws -> Int {
        guard let value = Int(word.text), value >= minimum else {
            throw UserError("\(name) must be a whole number from \(minimum), not '\(word.text)'", column: word.column)
        }
        return value
    }

    static func cellIndex(_ word: Word) -> CellIndex {
        Int(word.text).map(CellIndex.number) ?? .label(word.text)
    }

    static func unknownName(_ word: Word, among names: [String], what: String) -> UserError {
        var message = "cannot \(what) '\(word.text)'"
        if let suggestion = Suggestion.didYouMean(word.text, among: names) { message += ": \(suggestion)" }
        return UserError(message, column: word.column, hint: "names: " + names.joined(separator: " "))
    }
}

/// Reads the words of one line in order, with errors that point past the end when
/// something is missing.
struct Cursor {
    private var words: [Word]
    private var index = 0
    private let lineLength: Int

    init(_ words: [Word], lineLength: Int) {
        self.words = words
        self.lineLength = lineLength
    }

    var peek: Word? { index < words.count ? words[index] : nil }

    /// The word `offset` places after the next one.
    func peek(at offset: Int) -> Word? { index + offset < words.count ? words[index + offset] : nil }

    mutating func next() -> Word? {
        defer { index += 1 }
        return peek
    }

    mutating func rest() -> [Word] {
        defer { index = words.count }
        return index < words.count ? Array(words[index...]) : []
    }

    mutating func require(_ what: String) throws -> Word {
        guard let word = next() else { throw UserError("missing \(what)", column: lineLength + 1) }
        return word
    }

    /// A number that may be left out.
    mutating func optionalInteger(name: String, minimum: Int) throws -> Int? {
        guard let word = next() else { return nil }
        return try CommandParser.integer(word, name: name, minimum: minimum)
    }

    /// `head N` (1-based), or nothing.
    mutating func optionalHead() throws -> Int? {
        guard let word = peek, word.text == "head" else { return nil }
        index += 1
        let number = try require("a head number after 'head', e.g. head 1")
        return try CommandParser.integer(number, name: "the head number", minimum: 1)
    }

    func expectEnd() throws {
        if let extra = peek {
            throw UserError("unexpected '\(extra.text)'", column: extra.column, hint: "type `help` for the form of each command")
        }
    }
}
