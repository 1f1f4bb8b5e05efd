import Attention
import Teaching
import TensorIO

extension Interpreter {
    /// `import NAME FILE`: a tensor from .npy, .json or .csv, defined as if typed.
    func importTensor(_ name: String, from path: String, in session: inout Session) throws -> String {
        let array: NDArray
        do {
            array = try TensorFile.read(path: try files.resolve(path))
        } catch let error as TensorFileError {
            throw UserError("cannot import \(name) from \(path): \(error)")
        }
        // The hint for a typed literal (wrap a row in brackets) means nothing for a file.
        if array.rank == 1, Parameter(rawValue: name)?.isBias != true {
            throw UserError("cannot import \(name) from \(path): the file holds a vector of \(array.values.count) values, and \(name) is a matrix",
                            hint: "save it with two dimensions, e.g. numpy.save(FILE, v.reshape(1, -1)) for one row; "
                                + "vectors are imported as biases (import b_O FILE)")
        }
        if name == "mask" {
            return try setMask(.literal(array), in: &session)
        }
        return try define(name, head: nil, value: .literal(array), in: &session)
    }

    /// `export NAME FILE [head N]`: any stage, parameter or the mask, in the format the file's
    /// extension names. Per-head stages are written as heads x rows x cols unless one head is
    /// chosen; direct mode has one head and writes plain matrices.
    func export(_ name: String, to path: String, head: Int?, session: Session) throws -> String {
        if let written = try exportModel(name, to: path, session: session) { return written }
        if name == "importance" { return try exportImportance(to: path, session: session) }
        if name == "accuracy" { return try exportAccuracy(to: path, session: session) }
        if name == "html" { return try exportHTML(to: path, session: session) }
        if name == "loss" { return try exportLoss(to: path, session: session) }
        if name == "prune-curve" { return try exportPruneCurve(to: path, session: session) }
        if path.lowercased().hasSuffix(".svg") { return try exportSVG(name, to: path, session: session) }
        return try write(exportedArray(name, head: head, session: session), named: name, to: path)
    }

    /// Writes `array` in the format `path`'s extension names, and says what was written; `axes`
    /// names the dimensions (by default a 3-D array is heads x rows x cols).
    func write(_ array: NDArray, named name: String, to path: String, axes: String? = nil) throws -> String {
        do {
            try TensorFile.write(array, path: try files.resolve(path))
        } catch let error as TensorFileError {
            // The CSV hint only where CSV was the problem, not for a missing folder.
            let csv: Bool
            if case .rankNotSupported = error { csv = true } else { csv = false }
            throw UserError("cannot export \(name) to \(path): \(error)",
                            hint: csv ? "CSV holds one matrix: add `head N`, or write .npy or .json" : nil)
        }
        let shape = array.shape.map(String.init).joined(separator: " x ")
        let named = axes ?? (array.rank == 3 ? "heads x rows x cols" : nil)
        return "wrote \(name) (\(shape)\(named.map { ", " + $0 } ?? "")) to \(path)"
    }

    /// A stage, parameter or the mask as an array: what `export` writes and `X = output` copies.
    func exportedArray(_ name: String, head: Int?, session: Session) throws -> NDArray {
        if name == "target" {
            guard let target = session.target else { throw UserError("there is no target yet", hint: "define one, e.g. target = output") }
            return try NDArray(shape: [target.rows, target.cols], values: target.values)
        }
        if name == "bias" {
            guard let bias = session.scoreBias else {
                throw UserError("there is no bias on the scores", hint: "set one with bias = [[...]] (queries x keys) or import bias FILE")
            }
            return try NDArray(shape: [bias.rows, bias.cols], values: bias.values)
        }
        if let parameter = Parameter(rawValue: name) {
            if parameter.isBias {
                if let bias = session.biases[name] { return NDArray(vector: bias) }
                // An unset bias is zero: write zeros of the length the layer gives it.
                guard case let .multiHead(c) = try? session.configuration(), let trace = try? trace(session) else {
                    throw UserError("\(name) is not set, and its length is not known until the layer can be computed")
                }
                let length = name == "b_O" ? c.W_O.cols : name == "b_V" ? trace.heads.count * trace.dV : trace.heads.count * trace.dK
                return NDArray(vector: Array(repeating: 0, count: length))
            }
            guard let matrix = session.matrices[name] else { throw UserError("\(name) is not defined") }
            let block = try head.map { try parameterBlock(parameter, head: $0, session: session).0 } ?? matrix
            return try NDArray(shape: [block.rows, block.cols], values: block.values)
        }
        if head == nil, let input = definedInput(name, session), (try? trace(session)) == nil {
            return try NDArray(shape: [input.rows, input.cols], values: input.values)
        }
        let trace = try trace(session)
        if name == "mask" {
            let mask = trace.blocked.asMatrix
            return try NDArray(shape: [mask.rows, mask.cols], values: mask.values)
        }
        guard let stage = Stage(rawValue: name), let first = trace.tensor(stage) else {
            throw UserError("\(name) does not exist in direct mode")
        }
        if let index = try headIndex(head, trace), stage.isPerHead {
            let matrix = trace.tensor(stage, head: index)!
            return try NDArray(shape: [matrix.rows, matrix.cols], values: matrix.values)
        }
        if stage.isPerHead && !trace.isDirect {
            // heads x rows x cols, the layout of PyTorch's per-head attention weights.
            let values = trace.heads.indices.flatMap { trace.tensor(stage, head: $0)!.values }
            return try NDArray(shape: [trace.heads.count, first.rows, first.cols], values: values)
        }
        return try NDArray(shape: [first.rows, first.cols], values: first.values)
    }
}
