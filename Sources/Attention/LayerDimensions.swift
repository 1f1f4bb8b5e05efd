/// The sizes of a multi-head layer, checked against every tensor before any work starts.
/// Errors name the tensor, its shape, and the shape it needs.
struct LayerDimensions {
    let dModel: Int
    let dK: Int
    let dV: Int
    let dOut: Int

    init(_ c: MultiHeadConfiguration) throws {
        let h = c.heads
        dModel = c.X.cols
        guard h >= 1 else { throw AttentionError.invalid("heads must be at least 1 (it is \(h))") }
        if let dK = c.dK {
            guard dK >= 1 else { throw AttentionError.invalid("d_k must be at least 1 (it is \(dK))") }
            self.dK = dK
        } else {
            guard dModel % h == 0 else {
                throw AttentionError.invalid(
                    "d_model = \(dModel) does not divide into \(h) heads, so d_k = d_model / h is not a whole number; "
                    + "choose a number of heads that divides \(dModel), or set d_k explicitly (`dk N`)")
            }
            dK = dModel / h
        }
        func require(_ name: String, _ W: Matrix, rows: Int, cols: Int, why: String) throws {
            guard W.shape == Shape(rows, cols) else {
                throw AttentionError.invalid("\(name) is \(W.shape) but must be \(rows) x \(cols) (\(why))")
            }
        }
        let why = "d_model = \(dModel) rows, heads x d_k = \(h) x \(dK) columns"
        try require("W_Q", c.W_Q, rows: dModel, cols: h * dK, why: why)
        try require("W_K", c.W_K, rows: dModel, cols: h * dK, why: why)
        guard c.W_V.rows == dModel, c.W_V.cols % h == 0 else {
            throw AttentionError.invalid(
                "W_V is \(c.W_V.shape) but must have d_model = \(dModel) rows and a multiple of "
                + "\(h) heads as columns (heads x d_v), for example \(dModel) x \(h * dK)")
        }
        dV = c.W_V.cols / h
        guard c.W_O.rows == h * dV else {
            throw AttentionError.invalid(
                "W_O is \(c.W_O.shape) but must have heads x d_v = \(h) x \(dV) = \(h * dV) rows, "
                + "one per column of the concatenated heads")
        }
        dOut = c.W_O.cols
        func requireLength(_ name: String, _ b: [Double]?, _ length: Int) throws {
            guard let b, b.count != length else { return }
            throw AttentionError.invalid("\(name) has length \(b.count) but must have length \(length)")
        }
        try requireLength("b_Q", c.b_Q, h * dK)
        try requireLength("b_K", c.b_K, h * dK)
        try requireLength("b_V", c.b_V, h * dV)
        try requireLength("b_O", c.b_O, dOut)
        for (head, gate) in c.gates {
            guard (0..<h).contains(head) else {
                throw AttentionError.invalid("head \(head + 1) is pruned or gated but there are only \(h) heads; `unprune all` clears it")
            }
            // The REPL offers gates from 0 to 1; the maths (and a trained model's gradient with
            // respect to a gate) holds for any finite number.
            guard gate.isFinite else {
                throw AttentionError.invalid("head \(head + 1)'s gate is \(gate) but must be a finite number")
            }
        }
    }
}
