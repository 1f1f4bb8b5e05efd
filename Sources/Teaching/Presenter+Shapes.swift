import Attention

extension Presenter {
    /// One table of every tensor's shape at every stage, with what the dimensions mean.
    public func shapeTable() -> String {
        let (n, m, dK, dV, h) = (trace.n, trace.m, trace.dK, trace.dV, headCount)
        var rows: [(String, String, String)] = []
        if case let .multiHead(c) = trace.configuration {
            rows.append(("X", "\(n) x \(dModel)", "tokens x d_model"))
            rows.append(("W_Q, W_K", "\(c.W_Q.rows) x \(c.W_Q.cols)", "d_model x (h · d_k) = \(dModel) x (\(h) · \(dK))"))
            rows.append(("W_V", "\(c.W_V.rows) x \(c.W_V.cols)", "d_model x (h · d_v)"))
            rows.append(("W_O", "\(c.W_O.rows) x \(c.W_O.cols)", "(h · d_v) x d_model"))
            for (name, b) in [("b_Q", c.b_Q), ("b_K", c.b_K), ("b_V", c.b_V), ("b_O", c.b_O)] {
                if let b { rows.append((name, "\(b.count)", "bias, added to every row")) }
            }
        }
        let perHead = direct ? "" : " per head (\(h))"
        rows.append(("Q", "\(n) x \(dK)\(perHead)", "queries x d_k"))
        rows.append(("K", "\(m) x \(dK)\(perHead)", "keys x d_k"))
        rows.append(("V", "\(m) x \(dV)\(perHead)", "keys x d_v"))
        for stage in ["scores", "scaled", "masked", "weights"] {
            rows.append((stage, "\(n) x \(m)\(perHead)", "queries x keys"))
        }
        rows.append(("head_out", "\(n) x \(dV)\(perHead)", "queries x d_v"))
        if !direct {
            rows.append(("concat", "\(n) x \(h * dV)", "queries x (h · d_v)"))
        }
        rows.append(("output", "\(trace.output.rows) x \(trace.output.cols)", direct ? "= head_out" : axes(.output)))
        let nameWidth = rows.map(\.0.count).max()!, shapeWidth = rows.map(\.1.count).max()!
        var lines = [style.strong("shapes") + style.dim("  n = \(n) queries, m = \(m) keys, d_k = \(dK), d_v = \(dV)" + (direct ? "" : ", h = \(h)"))]
        for (name, shape, meaning) in rows {
            lines.append("  " + name.padded(to: nameWidth) + "  " + shape.padded(to: shapeWidth) + "  " + style.dim(meaning))
        }
        return lines.joined(separator: "\n")
    }
}
