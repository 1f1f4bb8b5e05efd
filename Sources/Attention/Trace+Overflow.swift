extension Trace {
    /// The first stage (and head) holding a value that is not finite for a reason other than
    /// masking: a product or sum that overflowed Double's range (about 1.8e308), or a division
    /// by a tiny temperature that did (in `masked`). Blocked scores (-infinity in `masked`) and
    /// the NaN rows of queries with no visible key are expected and not reported. nil when
    /// every value is as expected.
    public var overflow: (stage: Stage, head: Int)? {
        let expectedNaNRows = Set(fullyBlockedRows)
        for (index, head) in heads.enumerated() {
            let stages: [(Stage, Matrix)] = [(.Q, head.Q), (.K, head.K), (.V, head.V), (.scores, head.scores),
                                             (.scaled, head.scaled), (.masked, head.masked),
                                             (.weights, head.weights), (.head_out, head.headOut)]
            for (stage, matrix) in stages {
                // Any NaN or infinity makes the sum NaN or infinite, so a finite sum clears the
                // whole matrix in one pass (a sum that overflows is looked at value by value).
                if Self.sumIsFinite(matrix.values) { continue }
                let rowsMayBeNaN = stage == .weights || stage == .head_out
                for row in 0..<matrix.rows where !(rowsMayBeNaN && expectedNaNRows.contains(row)) {
                    let overflowed = (0..<matrix.cols).contains { col in
                        !matrix[row, col].isFinite && !(stage == .masked && blocked[row, col])
                    }
                    if overflowed { return (stage, index) }
                }
            }
        }
        for (stage, matrix) in [(Stage.concat, concat), (.output, output)] {
            guard let matrix, !Self.sumIsFinite(matrix.values) else { continue }
            for row in 0..<matrix.rows where !expectedNaNRows.contains(row) {
                if matrix.row(row).contains(where: { !$0.isFinite }) { return (stage, 0) }
            }
        }
        return nil
    }

    private static func sumIsFinite(_ values: [Double]) -> Bool {
        values.reduce(0, +).isFinite
    }
}
