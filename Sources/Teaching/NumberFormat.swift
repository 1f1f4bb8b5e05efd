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
            return Self.printf("%.*e", max(decimals, 1), value)
        }
        let text = Self.printf("%.*f", decimals, value)
        // Rounding a tiny negative number gives "-0.000": the sign would only confuse.
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// C's printf of one number with a precision (`%.*f` or `%.*e`): what Foundation's
    /// `String(format:)` writes, at a fraction of its cost, which was most of the time of
    /// drawing a table.
    static func printf(_ conversion: String, _ precision: Int, _ value: Double) -> String {
        var capacity = 64
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            // A va_list is read once, so a text longer than the buffer is written again from a new one.
            let length = Int(withVaList([Int32(clamping: precision), value]) { vsnprintf(&buffer, capacity, conversion, $0) })
            guard length >= 0 else { return String(format: conversion, Int32(clamping: precision), value) }
            if length < capacity { return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } }
            capacity = length + 1
        }
    }

    /// A list of numbers, `[0.1, 0.2]`; a long one shows its ends and how many it leaves out
    /// (`Elision`): `[1, 2, 3, 4, 5, 6, … 12 more, 19, 20]`.
    public func list(_ values: [Double]) -> String {
        "[" + Elision.cut(values.map(string)) { "… \($0) more" }.joined(separator: ", ") + "]"
    }
}
