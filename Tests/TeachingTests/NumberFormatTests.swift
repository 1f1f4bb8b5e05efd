import Attention
import Foundation
@testable import Teaching
import Testing

/// Numbers are written with C's printf, not with Foundation's `String(format:)`; the two
/// must write every number alike.
@Suite("Number format")
struct NumberFormatTests {
    static let awkwardValues: [Double] = [
        0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.375, -0.625, 0.0005, 0.0015, 5e-13, 1.5e-12, -5e-13, 9_999_999.999_999_999_5, -0.0004999, 0.125, 1 / 3, -2 / 3, 9.9995, 9_999_999.9996,
        1e7, -1e7, 123_456_789.5, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        .ulpOfOne, 1 + .ulpOfOne, 0.1 + 0.2,
    ]

    /// The short way for a table's numbers (below ten million, at most 12 decimals), by
    /// integer arithmetic on the exact binary value, writes what printf writes.
    @Test func fixedWritesWhatPrintfWrites() {
        var generator = SeededRandom(seed: 2027)
        let random = (0..<3000).map { _ in
            Double.random(in: -1...1, using: &generator) * pow(10, Double(Int.random(in: -14...7, using: &generator)))
        }
        let halves = (0..<200).map { Double($0) / 8 - 12.5 }   // exact halves and quarters at every rounding place
        for value in Self.awkwardValues + random + halves {
            for decimals in 0...13 {
                let fixed = NumberFormat.fixed(value, decimals: decimals)
                if value.magnitude < 1e7, decimals <= 12 {
                    #expect(fixed == String(format: "%.*f", Int32(decimals), value), "\(decimals) \(value)")
                } else {
                    #expect(fixed == nil, "\(decimals) \(value)")
                }
            }
        }
    }

    @Test func printfWritesWhatFoundationWrites() {
        var generator = SeededRandom(seed: 2026)
        let random = (0..<2000).map { _ in
            Double.random(in: -1...1, using: &generator) * pow(10, Double(Int.random(in: -12...12, using: &generator)))
        }
        for value in Self.awkwardValues + random {
            // 60 decimals and the largest doubles need more than the first buffer.
            for precision in Array(0...12) + [17, 60] {
                for conversion in ["%.*f", "%.*e"] {
                    let expected = String(format: conversion, Int32(precision), value)
                    #expect(NumberFormat.printf(conversion, precision, value) == expected, "\(conversion) \(precision) \(value)")
                }
            }
        }
    }
}
