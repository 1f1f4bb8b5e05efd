import Attention
import TensorIO

/// A session saved as the commands that rebuild it: readable, editable, and loaded by the
/// same interpreter as everything else. The first line names the format; the last line says
/// how many commands came before it, so a truncated file is recognised and refused.
///
///     # attention-repl session 1
///     tokens the cat sat
///     X = [[0.0, 0.3, ...], ...]
///     ...
///     # end of session: 9 commands
enum SessionFile {
    static let header = "# attention-repl session 1"
    static let endPrefix = "# end of session: "

    /// The commands that rebuild `session` exactly, in an order that keeps every command valid:
    /// the bias on the scores first (before any tensor fixes the scores' shape, so that a bias
    /// left with a shape that no longer fits is restored as it was, not refused), the inactive
    /// mode's tensors, then the active mode's, then the settings.
    /// `stageIsValid`: whether the trace can be computed, so the cursor can be restored;
    /// `gradientsAreValid`: whether the loss can be, so the backward cursor can be.
    static func encode(_ session: Session, stageIsValid: Bool, gradientsAreValid: Bool = false) -> String {
        func literal(_ matrix: Matrix) -> String {
            JSONArrayText.formatLine((try? NDArray(shape: [matrix.rows, matrix.cols], values: matrix.values)) ?? NDArray(vector: []))
        }
        func define(_ names: [String]) -> [String] {
            names.compactMap { name in
                if let matrix = session.matrices[name] { return "\(name) = \(literal(matrix))" }
                if let bias = session.biases[name] { return "\(name) = \(JSONArrayText.formatLine(NDArray(vector: bias)))" }
                return nil
            }
        }
        func gateCommands(_ gates: [Int: Double]) -> [String] {
            gates.sorted(by: { $0.key < $1.key }).map { "gate head \($0.key + 1) \($0.value)" }
        }
        let layer: [String]
        if let model = session.model {
            // A real model's layer comes from its folder, the text it read (its whitespace
            // folded to spaces, which the tokenizer reads the same way), every other layer's
            // gates, set while that layer is shown, and the layer shown; the settings below
            // (its gates, the precision, the stage) follow as for any layer.
            layer = ["model load \"\(model.model.folder)\"", "text " + model.sentence.text]
                + model.gates.sorted(by: { $0.key < $1.key }).filter { !$0.value.isEmpty }.flatMap { layer, gates in
                    ["layer \(layer + 1)"] + gateCommands(gates)
                } + ["layer \(model.layer)"]
        } else if let task = session.task {
            // A task's layer comes from its model: the task, then its learned state, rebuild it.
            let m = task.model
            layer = ["heads \(m.heads)", "task \(m.task.rawValue) vocab \(m.vocab) length \(m.length) d_model \(m.dModel) seed \(task.seed)",
                     "task state \(task.encoded)"]
        } else {
            layer = define(["X", "W_Q", "W_K", "W_V", "W_O", "b_Q", "b_K", "b_V", "b_O"])
                + ["heads \(session.heads)"] + (session.dK.map { ["dk \($0)"] } ?? [])
        }
        let direct = define(["Q", "K", "V"])
        let target = session.target.map { ["target = \(literal($0))"] } ?? []
        var commands: [String] = []
        // A task's or a model's tokens come with its layer.
        if !session.tokens.isEmpty, session.task == nil, session.model == nil { commands.append("tokens " + session.tokens.joined(separator: " ")) }
        if let bias = session.scoreBias { commands.append("bias = \(literal(bias))") }
        commands += (session.direct ? layer + direct : direct + layer) + target
        switch session.task == nil ? session.mask : .none {
        case .none: break
        case .causal: commands.append("mask causal")
        case let .causalOffset(offset): commands.append("mask causal offset \(offset)")
        case let .custom(mask): commands.append("mask " + literal(mask.asMatrix))
        }
        if !session.padding.isEmpty { commands.append("pad " + session.padding.sorted().map(String.init).joined(separator: " ")) }
        if !session.scaling { commands.append("set scaling off") }
        if session.temperature != 1 { commands.append("set temperature \(session.temperature)") }
        commands += gateCommands(session.gates)
        if session.precision != Session().precision { commands.append("set precision \(session.precision)") }
        if let cursor = session.blockCursor?.rawValue ?? session.cursor?.rawValue, stageIsValid { commands.append("goto \(cursor)") }
        if let step = session.backwardCursor, gradientsAreValid { commands.append("goto grad \(step.rawValue)") }
        return ([header] + commands + [endPrefix + "\(commands.count) commands"]).joined(separator: "\n") + "\n"
    }

    /// The commands of a saved session, with their line numbers, after checking the header and
    /// the end line. Errors name the line at fault.
    static func commands(in text: String, path: String) throws -> [(line: Int, text: String)] {
        let lines = text.textLines.map(String.init)
        guard lines.first == header else {
            throw UserError("\(path) line 1: this is not a saved session (it should start with '\(header)')",
                            hint: "a plain list of commands runs with `source \(path)`")
        }
        guard let endIndex = lines.lastIndex(where: { $0.hasPrefix(endPrefix) }) else {
            throw UserError("\(path): the file is truncated: its last line '\(endPrefix)N commands' is missing",
                            hint: "the session was not changed")
        }
        let body = (1..<endIndex).map { (line: $0 + 1, text: lines[$0]) }
            .filter { !$0.text.trimmingSpaces.isEmpty && !$0.text.hasPrefix("#") }
        let promised = lines[endIndex].dropFirst(endPrefix.count).split(separator: " ").first.flatMap { Int($0) }
        guard promised == body.count else {
            throw UserError("\(path) line \(endIndex + 1): the file promises \(promised.map(String.init) ?? "?") commands but holds \(body.count)",
                            hint: "the file is damaged; the session was not changed")
        }
        return body
    }
}
