import Attention

extension TaskModel {
    /// The names of the parameter tensors, in the order `parameterValues` lists them.
    public var parameterNames: [String] {
        ["E", "P", "W_Q", "b_Q", "W_K", "b_K", "W_V", "b_V", "W_O", "b_O"]
            + (0..<task.readouts).flatMap { ["U\($0)", "c\($0)"] }
    }

    /// Every parameter tensor's values (row-major), in `parameterNames` order.
    public var parameterValues: [[Double]] {
        [E.values, P.values, W_Q.values, b_Q, W_K.values, b_K, W_V.values, b_V, W_O.values, b_O]
            + (0..<task.readouts).flatMap { [U[$0].values, c[$0]] }
    }

    /// Replaces every parameter tensor's values, in `parameterNames` order (same counts).
    public mutating func setParameterValues(_ values: [[Double]]) {
        func matrix(_ old: Matrix, _ new: [Double]) -> Matrix {
            (try? Matrix(rows: old.rows, cols: old.cols, values: new)) ?? old
        }
        E = matrix(E, values[0])
        P = matrix(P, values[1])
        W_Q = matrix(W_Q, values[2])
        b_Q = values[3]
        W_K = matrix(W_K, values[4])
        b_K = values[5]
        W_V = matrix(W_V, values[6])
        b_V = values[7]
        W_O = matrix(W_O, values[8])
        b_O = values[9]
        for r in 0..<task.readouts {
            U[r] = matrix(U[r], values[10 + 2 * r])
            c[r] = values[11 + 2 * r]
        }
    }

    /// The number of parameters.
    public var parameterCount: Int { parameterValues.reduce(0) { $0 + $1.count } }
}
