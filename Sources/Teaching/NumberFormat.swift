import Foundation

/// How numbers are written for the learner: a fixed number of decimals, `-inf` for a blocked
/// score, `NaN` for the weights of a row with no visible key, and never a `-0.000`.
public struct NumberFormat: Sendable {
    public var decimals: Int

    public init(decimals: Int = 3) { self.decimals = decimals }

    public func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "inf" }
        if value == -.infinity { return "-inf" }
        // Fixed decimals read best for the sizes attention works with; values of ten million
        // or more are written in scientific notation so a table cell stays readable.
        if abs(value) >= 1e7 {
            return String(format: "%.\(max(decimals, 1))e", value)
        }
        let text = String(format: "%.\(decimals)f", value)
        // Rounding a tiny negative number gives "-0.000": the sign would only confuse.
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// A list of numbers, `[0.1, 0.2]`; a long one shows its ends and how many it leaves out
    /// (`Elision`): `[1, 2, 3, 4, 5, 6, … 12 more, 19, 20]`.
    public func list(_ values: [Double]) -> String {
        "[" + Elision.cut(values.map(string)) { "… \($0) more" }.joined(separator: ", ") + "]"
    }
}
