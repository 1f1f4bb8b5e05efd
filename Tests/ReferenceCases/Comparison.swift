import Attention

/// How one computed tensor differs from the expected one. `null` (NaN here) in `expected`
/// stands for -infinity in `masked` and for NaN elsewhere (the reference README's rule); those
/// patterns must match exactly, every other entry to within `tolerance`.
public struct Comparison {
    public var maxAbsDifference = 0.0
    public var problems: [String] = []

    public init(_ actual: Matrix, _ expected: Matrix, nullMeans blockedValue: Double, tolerance: Double, label: String) {
        guard actual.shape == expected.shape else {
            problems.append("\(label): shape \(actual.shape), expected \(expected.shape)")
            return
        }
        for i in 0..<actual.rows {
            for j in 0..<actual.cols {
                let (a, e) = (actual[i, j], expected[i, j])
                if e.isNaN {
                    let matches = blockedValue.isNaN ? a.isNaN : a == blockedValue
                    if !matches { problems.append("\(label)[\(i)][\(j)] = \(a), expected \(blockedValue)") }
                    continue
                }
                let difference = abs(a - e)
                maxAbsDifference = max(maxAbsDifference, difference.isNaN ? .infinity : difference)
                if !(difference <= tolerance) {
                    problems.append("\(label)[\(i)][\(j)] = \(a), expected \(e) (difference \(difference))")
                }
            }
        }
    }
}
