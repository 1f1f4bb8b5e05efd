import Attention
import Teaching
import TensorIO

extension Interpreter {
    /// The largest tensor a command may create by default: 4096 x 4096 values.
    public static let defaultMaximumElements = 4096 * 4096

    /// `NAME [head N] = VALUE`.
    func define(_ name: String, head: Int?, value: ValueSource, in session: inout Session) throws -> String {
        let array = try makeArray(value, session: session)
        var notes: [String] = []
        if name == "target" {
            return try defineTarget(array, in: &session)
        }
        if name == "bias" {
            return try defineBias(array, in: &session)
        }
        // Changing the layer by hand makes it the learner's own: the task is left behind.
        if session.task != nil {
            session.task = nil
            notes.append("Left the task: the layer is now your own, starting from the trained one.")
        }
        if let head {
            try defineBlock(name, head: head, array: array, in: &session)
        } else if Parameter(rawValue: name)?.isBias == true {
            session.biases[name] = try vector(array, name: name)
        } else {
            session.matrices[name] = try matrix(array, name: name)
        }
        let wantsDirect = Session.directInputs.contains(name)
        if wantsDirect != session.direct {
            let restart = session.cursor == nil ? "" : " The stages start again from the first."
            session.direct = wantsDirect
            session.cursor = nil
            session.backwardCursor = nil
            notes.append((wantsDirect
                ? "Direct mode: plain scaled dot-product attention of Q, K and V (no projections, one head, output = head_out)."
                : "Layer mode: multi-head attention from X through W_Q, W_K, W_V and W_O.") + restart)
        }
        let shown = session.matrices[name].map { table(name, $0, session) }
            ?? TensorTable(title: name, vector: session.biases[name] ?? [])
                .render(format: NumberFormat(decimals: session.precision), style: style, width: width)
        return try ([shown] + notes + computeNote(session)).joined(separator: "\n")
    }

    /// `target = VALUE`: what the output should be, for the loss.
    private func defineTarget(_ array: NDArray, in session: inout Session) throws -> String {
        let target = try matrix(array, name: "the target")
        session.target = target
        var lines = [table("target", target, session)]
        if let output = try? trace(session).output, output.shape != target.shape {
            lines.append(style.dim("note: the output is \(output.shape) but the target is \(target.shape): `loss` needs them the same shape"))
        } else {
            lines.append(style.dim("`loss` measures the output against it; `backward` shows every gradient; `fit N` trains toward it"))
        }
        return lines.joined(separator: "\n")
    }

    /// X in layer mode, or Q, K, V in direct mode: an input the learner defined, available
    /// (to show, export and check) before the whole layer can be computed.
    func definedInput(_ name: String, _ session: Session) -> Matrix? {
        let inputs = session.direct ? Session.directInputs : ["X"]
        return inputs.contains(name) ? session.matrices[name] : nil
    }

    /// A table of a defined input, with token labels on the rows of X, Q, K and V.
    func table(_ name: String, _ matrix: Matrix, _ session: Session) -> String {
        let tokenRows = ["X", "Q", "K", "V", "target"].contains(name)
        // The same labels the stage tables will use: queries for X and Q, keys for K and V.
        // The target's rows are the output's, but it may be given with another count: label its own.
        let queries = ["Q", "X", "target"].contains(name) ? matrix.rows : session.matrices["Q"]?.rows ?? matrix.rows
        let keys = name == "K" || name == "V" ? matrix.rows : session.matrices["K"]?.rows ?? matrix.rows
        let both = Labels.make(tokens: session.tokens, queries: queries, keys: keys, direct: session.direct)
        let labels = name == "K" || name == "V" ? both.keys : both.queries
        return TensorTable(title: name, matrix: matrix,
                           rowLabels: tokenRows ? labels : Labels.features(matrix.rows),
                           columnLabels: Labels.features(matrix.cols))
            .render(format: NumberFormat(decimals: session.precision), style: style, width: width)
    }

    /// After a change: a note when the trace cannot be computed yet, saying why.
    func computeNote(_ session: Session) throws -> [String] {
        do {
            _ = try trace(session)
            return []
        } catch let error as UserError {
            if error.isInterruption { throw error }
            let note = style.dim("note: " + error.message.replacingOccurrences(of: "cannot compute attention: ", with: "not computable yet: "))
            // Only for a layer whose tensors are all there but do not fit (after `heads N`, say):
            // one being defined after another is not a misfit.
            guard Session.layerInputs.allSatisfy({ session.matrices[$0] != nil }),
                  let expected = try? ExpectedShapes(session) else { return [note] }
            let misfits = expected.misfits(in: session).count
            return misfits == 0 ? [note] : [note, style.dim("`shapes` shows what each tensor must be; ") + redrawHint(misfits)]
        } catch {
            return []
        }
    }

    /// Sets head `head`'s block of a projection weight: columns of W_Q, W_K, W_V, rows of W_O.
    private func defineBlock(_ name: String, head: Int, array: NDArray, in session: inout Session) throws {
        let block = try matrix(array, name: "\(name) head \(head)")
        guard head <= session.heads else {
            throw UserError("there \(session.heads == 1 ? "is 1 head" : "are \(session.heads) heads"), so head \(head) does not exist",
                            hint: "set `heads \(head)` first")
        }
        guard let X = session.matrices["X"] else {
            throw UserError("define X first: the block's size depends on d_model")
        }
        let dModel = X.cols, h = session.heads
        let dK = session.dK ?? (dModel % h == 0 ? dModel / h : 0)
        guard dK > 0 else { throw UserError("d_model = \(dModel) does not divide into \(h) heads", hint: "set `dk N`") }
        let isOutput = name == "W_O"
        let expected = isOutput ? Shape(dK, dModel) : Shape(dModel, dK)
        guard block.shape == expected else {
            throw UserError("head \(head)'s block of \(name) must be \(expected) (\(isOutput ? "d_v x d_model" : "d_model x d_k")), not \(block.shape)")
        }
        let full = isOutput ? Shape(h * dK, dModel) : Shape(dModel, h * dK)
        guard full.rows.multipliedReportingOverflow(by: full.cols).partialValue <= maximumElements,
              full.rows <= maximumElements, full.cols <= maximumElements else {
            throw UserError("the whole \(name) would be \(full), more than the \(maximumElements) values allowed",
                            hint: "use fewer heads or a smaller d_k")
        }
        var whole = session.matrices[name].flatMap { $0.shape == full ? $0 : nil } ?? Matrix(rows: full.rows, cols: full.cols)
        let offset = (head - 1) * dK
        for i in 0..<block.rows {
            for j in 0..<block.cols {
                if isOutput { whole[offset + i, j] = block[i, j] } else { whole[i, offset + j] = block[i, j] }
            }
        }
        session.matrices[name] = whole
    }

    func makeArray(_ value: ValueSource, session: Session) throws -> NDArray {
        func checkSize(_ rows: Int, _ cols: Int?) throws {
            let (count, overflow) = rows.multipliedReportingOverflow(by: cols ?? 1)
            guard !overflow, count <= maximumElements else {
                throw UserError("\(rows)x\(cols.map(String.init) ?? "1") is too large: at most \(maximumElements) values"
                                + (maximumElements == Self.defaultMaximumElements ? " (4096 x 4096)" : ""))
            }
        }
        switch value {
        case let .literal(array):
            return array
        case let .random(rows, cols, seed, distribution, scale):
            try checkSize(rows, cols)
            var generator = SeededRandom(seed: seed)
            let values = (0..<(rows * (cols ?? 1))).map { _ in
                distribution == .normal ? scale * generator.normal() : scale * (2 * generator.unit() - 1)
            }
            guard values.allSatisfy(\.isFinite) else {
                throw UserError("scale \(scale) makes some values overflow to infinity", hint: "choose a smaller scale")
            }
            return try NDArray(shape: cols.map { [rows, $0] } ?? [rows], values: values)
        case let .identity(n):
            try checkSize(n, n)
            return try NDArray(shape: [n, n], values: (0..<(n * n)).map { $0 / n == $0 % n ? 1 : 0 })
        case let .copy(name, head):
            return try exportedArray(name, head: head, session: session)
        case let .zeros(rows, cols):
            try checkSize(rows, cols)
            return try NDArray(shape: cols.map { [rows, $0] } ?? [rows], values: Array(repeating: 0, count: rows * (cols ?? 1)))
        case let .sinusoidal(rows, cols):
            try checkSize(rows, cols)
            return try NDArray(shape: [rows, cols], values: Matrix.sinusoidalPositions(count: rows, width: cols).values)
        case let .withPositions(name):
            let base = try exportedArray(name, head: nil, session: session)
            guard base.rank == 2 else {
                throw UserError("\(name) + sinusoidal needs a matrix (rows are positions), but \(name) is \(describe(base))")
            }
            let positions = Matrix.sinusoidalPositions(count: base.shape[0], width: base.shape[1])
            return try NDArray(shape: base.shape, values: zip(base.values, positions.values).map { $0 + $1 })
        }
    }

    /// A 2-D array as a matrix; other ranks are refused with the shape found.
    func matrix(_ array: NDArray, name: String) throws -> Matrix {
        guard array.rank == 2 else {
            throw UserError("\(name) needs a matrix (2-D), but this is \(describe(array))",
                            hint: array.rank == 1 ? "wrap a single row in brackets: [[...]]" : nil)
        }
        return try Matrix(rows: array.shape[0], cols: array.shape[1], values: array.values)
    }

    /// A 1-D array (or a single row or column) as a vector.
    func vector(_ array: NDArray, name: String) throws -> [Double] {
        if array.rank == 1 || (array.rank == 2 && (array.shape[0] == 1 || array.shape[1] == 1)) {
            return array.values
        }
        throw UserError("\(name) is a bias and needs a vector (1-D), but this is \(describe(array))",
                        hint: "write it as a flat list, e.g. \(name) = [0.1, 0, 0.2]")
    }

    func describe(_ array: NDArray) -> String {
        "a \(array.rank)-D array of shape (" + array.shape.map(String.init).joined(separator: ", ") + ")"
    }

    func setTokens(_ words: [String]?, in session: inout Session) throws -> String {
        guard let words else { return describeTokens(session) }
        session.tokens = words
        var text = "tokens: " + words.joined(separator: " ")
        if Set(words).count < words.count {
            text += "\n" + style.dim("note: some tokens repeat; `why` and checks that name a token use its first row (use row numbers for the others)")
        }
        if words.contains(where: { Int($0) != nil }) {
            text += "\n" + style.dim("note: a token that is a number is read as a row number in `why` and `attends`")
        }
        let rows = (session.direct ? session.matrices["Q"] : session.matrices["X"])?.rows
        if let rows, rows != words.count {
            text += "\n" + style.dim("note: \(words.count) tokens but \(session.direct ? "Q" : "X") has \(rows) rows; tables use \(session.direct ? "q0, q1, ... (and k0, k1, ... for keys)" : "t0, t1, ...") until they match")
        }
        return text
    }

    func describeTokens(_ session: Session) -> String {
        session.tokens.isEmpty ? "no tokens: rows are labelled " + (session.direct ? "q0, q1, ... and keys k0, k1, ..." : "t0, t1, ...")
            : "tokens: " + session.tokens.joined(separator: " ")
    }

    func setHeads(_ count: Int?, in session: inout Session) throws -> String {
        guard let count else { return "heads = \(session.heads)" }
        guard count <= 1024 else { throw UserError("\(count) heads is more than the 1024 allowed") }
        if session.task != nil { return try setTaskHeads(count, in: &session) }
        guard !session.direct else {
            throw UserError("direct mode has one head", hint: "define X and the weights to use several heads")
        }
        session.heads = count
        var text = "heads = \(count)"
        let dropped = session.gates.keys.filter { $0 >= count }.sorted()
        if !dropped.isEmpty {
            for head in dropped { session.gates[head] = nil }
            text += "\nhead " + dropped.map { String($0 + 1) }.joined(separator: ", ") + " no longer exists: its pruning or gate is cleared"
        }
        if let X = session.matrices["X"], session.dK == nil, X.cols % count == 0 {
            text += ", so d_k = d_model / h = \(X.cols) / \(count) = \(X.cols / count)"
        }
        return try ([text] + computeNote(session)).joined(separator: "\n")
    }

    func setDK(_ setting: DKSetting?, in session: inout Session) throws -> String {
        switch setting {
        case nil:
            return session.dK.map { "d_k = \($0) (set explicitly)" } ?? "d_k = d_model / h (automatic)"
        case .auto:
            session.dK = nil
            return try (["d_k = d_model / h (automatic)"] + computeNote(session)).joined(separator: "\n")
        case let .value(value):
            guard value <= 4096 else { throw UserError("d_k = \(value) is larger than the 4096 allowed") }
            guard !session.direct else {
                throw UserError("in direct mode d_k is the width of Q and K (here \(session.matrices["Q"]?.cols ?? 0))",
                                hint: "define Q and K with the width you want")
            }
            session.dK = value
            return try (["d_k = \(value)"] + computeNote(session)).joined(separator: "\n")
        }
    }

    func setMask(_ choice: MaskChoice?, in session: inout Session) throws -> String {
        switch choice {
        case nil:
            return try presenter(session).maskTable()
        case .none?:
            session.mask = .none
        case .causal?:
            session.mask = .causal
        case let .causalOffset(offset)?:
            session.mask = .causalOffset(offset)
        case let .literal(array)?:
            session.mask = .custom(Mask(nonzeroEntriesOf: try matrix(array, name: "the mask")))
        }
        let description = switch session.mask {
        case .none: "mask none: every query may attend to every key"
        case .causal: "mask causal: each token attends to itself and earlier tokens"
        case let .causalOffset(offset): "mask causal offset \(offset): query i attends to keys 0 to i \(offset < 0 ? "−" : "+") \(offset.magnitude)"
        case .custom: "mask set (nonzero entries are blocked)"
        }
        let shown = (try? presenter(session).maskTable()).map { "\n" + $0 } ?? ""
        return try ([description + shown] + computeNote(session)).joined(separator: "\n")
    }

    func setPadding(_ keys: Set<Int>?, in session: inout Session) throws -> String {
        guard let keys else {
            return session.padding.isEmpty ? "no key padding" : "padding blocks keys " + session.padding.sorted().map(String.init).joined(separator: " ")
        }
        session.padding = keys
        let list = keys.sorted().map(String.init).joined(separator: " ")
        let text = keys.isEmpty ? "pad none: no key padding"
            : "padding blocks key\(keys.count == 1 ? "" : "s") \(list) for every query"
        return try ([text] + computeNote(session)).joined(separator: "\n")
    }
}
