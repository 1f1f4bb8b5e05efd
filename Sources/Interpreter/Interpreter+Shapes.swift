import Attention
import Teaching

/// What each tensor of the learner's layer must be, given X, the number of heads and d_k: what
/// `shapes` compares with what is defined when the layer cannot be computed, and what `redraw`
/// draws.
struct ExpectedShapes {
    let dModel: Int, heads: Int, dK: Int, dV: Int, dOut: Int
    /// Each weight and bias in order, with its rows and columns (columns nil for a bias) and
    /// what the size means.
    let tensors: [(name: String, rows: Int, cols: Int?, meaning: String)]

    /// From the session's X, heads and d_k; d_v and d_out are kept from W_V and W_O where those
    /// still say them, else d_v = d_k and d_out = d_model. Nil in direct mode or without X; an
    /// error when d_model does not divide into the heads and d_k is not set.
    init?(_ session: Session) throws {
        guard !session.direct, let X = session.matrices["X"] else { return nil }
        let (dModel, h) = (X.cols, session.heads)
        if let dK = session.dK {
            self.dK = dK
        } else {
            guard dModel % h == 0 else {
                throw UserError("d_model = \(dModel) does not divide into \(h) heads, so d_k = d_model / h is not a whole number",
                                hint: "choose a number of heads that divides \(dModel), or set d_k (`dk N`)")
            }
            dK = dModel / h
        }
        let W_V = session.matrices["W_V"], W_O = session.matrices["W_O"]
        dV = W_V.flatMap { $0.rows == dModel && $0.cols % h == 0 ? $0.cols / h : nil } ?? dK
        dOut = W_O?.cols ?? dModel
        (self.dModel, heads) = (dModel, h)
        let q = "d_model x (h · d_k) = \(dModel) x (\(h) · \(dK))"
        tensors = [("W_Q", dModel, h * dK, q), ("W_K", dModel, h * dK, q),
                   ("W_V", dModel, h * dV, "d_model x (h · d_v) = \(dModel) x (\(h) · \(dV))"),
                   ("W_O", h * dV, dOut, "(h · d_v) x d_out = (\(h) · \(dV)) x \(dOut)"),
                   ("b_Q", h * dK, nil, "h · d_k"), ("b_K", h * dK, nil, "h · d_k"),
                   ("b_V", h * dV, nil, "h · d_v"), ("b_O", dOut, nil, "d_out")]
    }

    /// The defined (or, for a weight, missing) tensors whose shape is not the one needed.
    func misfits(in session: Session) -> [(name: String, rows: Int, cols: Int?, meaning: String)] {
        tensors.filter { tensor in
            if let cols = tensor.cols {
                return session.matrices[tensor.name]?.shape != Shape(tensor.rows, cols)
            }
            return session.biases[tensor.name].map { $0.count != tensor.rows } ?? false
        }
    }
}

extension Interpreter {
    /// `shapes`: every shape of the trace; or, when the layer's tensors do not fit together,
    /// what each is and what it must be.
    func shapes(_ session: Session) throws -> String {
        do {
            return try presenter(session).shapeTable()
        } catch let error as UserError {
            guard let expected = try ExpectedShapes(session), !expected.misfits(in: session).isEmpty else { throw error }
            return misfitTable(expected, session)
        }
    }

    func misfitTable(_ expected: ExpectedShapes, _ session: Session) -> String {
        let misfits = Set(expected.misfits(in: session).map(\.name))
        var rows: [(String, String, String, String)] = []
        for tensor in expected.tensors {
            let wanted = tensor.cols.map { "\(tensor.rows) x \($0)" } ?? String(tensor.rows)
            let actual: String
            if tensor.cols != nil {
                actual = session.matrices[tensor.name].map { "\($0.rows) x \($0.cols)" } ?? "not defined"
            } else {
                guard let bias = session.biases[tensor.name] else { continue }
                actual = String(bias.count)
            }
            rows.append((tensor.name, actual, wanted, misfits.contains(tensor.name) ? "✗  " + tensor.meaning : "✓"))
        }
        let widths = (rows.map(\.0.count).max()!, max(2, rows.map(\.1.count).max()!), max(7, rows.map(\.2.count).max()!))
        var lines = [style.strong("shapes") + style.dim("  the layer's tensors do not fit together yet: d_model = \(expected.dModel) "
                                                         + "(from X), h = \(expected.heads), d_k = \(expected.dK), d_v = \(expected.dV)")]
        lines.append(style.dim("  " + "".padded(to: widths.0) + "  " + "is".padded(to: widths.1) + "  " + "must be".padded(to: widths.2)))
        for (name, actual, wanted, mark) in rows {
            lines.append("  " + name.padded(to: widths.0) + "  " + actual.padded(to: widths.1) + "  "
                         + wanted.padded(to: widths.2) + "  " + (mark == "✓" ? style.dim(mark) : mark))
        }
        lines.append(redrawHint(misfits.count))
        return lines.joined(separator: "\n")
    }

    func redrawHint(_ count: Int) -> String {
        style.dim("`redraw` draws new random values for the \(count == 1 ? "one tensor that does" : "\(count) tensors that do") not fit "
                  + "(`redraw seed S` for other values); or define \(count == 1 ? "it" : "them") yourself")
    }

    /// `redraw [seed S]`: every weight that does not fit, drawn anew (normal, standard deviation
    /// 1/sqrt(its rows), rounded to two decimals), and every bias that does not fit set to
    /// zeros, each by the command it prints, run as if typed (only the last note is shown).
    func redraw(seed: UInt64, in session: inout Session) throws -> String {
        guard let expected = try ExpectedShapes(session) else {
            throw UserError(session.direct ? "in direct mode Q, K and V are given, so there are no weights to redraw"
                                           : "X is not defined yet", hint: "define X (or type `example`) first")
        }
        let misfits = expected.misfits(in: session)
        guard !misfits.isEmpty else { return "every tensor already fits: nothing to redraw" }
        var lines: [String] = []
        for (index, tensor) in misfits.enumerated() {
            let value: ValueSource
            let command: String
            if let cols = tensor.cols {
                let scale = (100 / Double(tensor.rows).squareRoot()).rounded() / 100
                value = .random(rows: tensor.rows, cols: cols, seed: seed + UInt64(index), distribution: .normal, scale: scale)
                command = "\(tensor.name) = random \(tensor.rows)x\(cols) seed \(seed + UInt64(index)) scale \(scale)"
            } else {
                value = .zeros(rows: tensor.rows, cols: nil)
                command = "\(tensor.name) = zeros \(tensor.rows)"
            }
            lines.append(style.dim(Self.prompt) + command)
            _ = try define(tensor.name, head: nil, value: value, in: &session)
        }
        let note = try computeNote(session)
        return (lines + (note.isEmpty ? ["every tensor fits now: `step` walks the new layer, `show W_Q` shows a weight"] : note))
            .joined(separator: "\n")
    }
}
