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
        let text = Self.fixed(value, decimals: decimals) ?? Self.printf("%.*f", decimals, value)
        // Rounding a tiny negative number gives "-0.000": the sign would only confuse.
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// `value` with `decimals` digits after the point, as printf's `%.*f` writes it: the exact
    /// binary value rounded, a half to even, and a "-" for every negative sign, -0 included.
    /// For what a table shows (below ten million, at most 12 decimals), where the rounded
    /// value times 10^decimals fits in 64 bits; nil for anything else.
    static func fixed(_ value: Double, decimals: Int) -> String? {
        guard value.isFinite, value.magnitude < 1e7, (0...12).contains(decimals) else { return nil }
        // The magnitude is significand x 2^-shift exactly; below 2^24 the shift is at least 29.
        let normal = value.exponentBitPattern != 0
        let significand = value.significandBitPattern | (normal ? 1 << 52 : 0)
        let shift = 1075 - max(Int(value.exponentBitPattern), 1)
        var power: UInt64 = 1
        for _ in 0..<decimals { power *= 10 }
        // value x 10^decimals = scaled / 2^shift, and scaled < 2^53 x 10^12 < 2^93.
        let scaled = UInt128(significand) * UInt128(power)
        var rounded: UInt64 = 0
        if shift < 128 {
            let quotient = scaled >> shift, remainder = scaled & ((1 << shift) - 1), half = UInt128(1) << (shift - 1)
            rounded = UInt64(quotient)
            if remainder > half || (remainder == half && rounded & 1 == 1) { rounded += 1 }
        }   // else value x 10^decimals < 2^93 / 2^128, far below a half: it rounds to 0
        var digits = String(rounded)
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits }
        if decimals > 0 { digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals)) }
        return (value.sign == .minus ? "-" : "") + digits
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
