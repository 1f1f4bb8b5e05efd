import RealModule

extension Matrix {
    /// The entropy of row i read as a probability distribution, in nats:
    /// `H = -Σ_j w_ij ln w_ij`, with 0 ln 0 = 0. It is 0 when all the weight is on one key
    /// and ln(m) when it is spread evenly over m keys. NaN for a row of NaN (no visible key).
    public func rowEntropy(_ i: Int) -> Double {
        row(i).reduce(0) { sum, w in w > 0 ? sum - w * Double.log(w) : (w.isNaN ? .nan : sum) }
    }
}
