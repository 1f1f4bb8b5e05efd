import Foundation
import Testing
@testable import Teaching

/// The page's data is JSON inside an HTML script element: it must parse back to what was put
/// in, and hold nothing that ends the element or reads as an address.
@Suite("Page JSON")
struct PageJSONTests {
    @Test func escapesWhatAPageMustNotHoldAndParsesBack() throws {
        let text = "</script> <!-- a//b HTTP://x \"q\" \\ tab\t line\nend h ht"
        let json = PageJSON.object([("text", .string(text)), ("n", .int(-3)), ("b", .bool(true)), ("z", .null),
                                    ("list", .strings(["0.500", "-inf"]))]).text
        for forbidden in ["<", ">", "//", "http", "HTTP", "\n", "\t"] { #expect(!json.contains(forbidden), "\(forbidden)") }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(parsed["text"] as? String == text)
        #expect(parsed["n"] as? Int == -3 && parsed["b"] as? Bool == true && parsed["z"] is NSNull)
        #expect(parsed["list"] as? [String] == ["0.500", "-inf"])
        #expect(json.hasPrefix("{\"text\":"), "keys in the order given")
    }

    @Test func chartTicksAreRound() {
        #expect(SVGChart.ticks(0...1, logarithmic: false).map(SVGChart.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(SVGChart.ticks(1...400, logarithmic: false).map(SVGChart.label) == ["100", "200", "300", "400"])
        #expect(SVGChart.ticks(0.001...10, logarithmic: true) == [0.001, 0.01, 0.1, 1, 10])
        #expect(SVGChart.fitted([0.003, 2.5], logarithmic: true) == 0.001...10)
    }

    /// Axes at Double's edges: steps lost to rounding (1e17 + 5 is 1e17) once looped for ever,
    /// and powers of ten beyond Double's (1e309 is infinity, 1e-324 is 0) trapped when their
    /// logarithms were made whole numbers; axes stay within the finite, positive Doubles.
    @Test(.timeLimit(.minutes(1))) func chartTicksAtTheEdgesOfDouble() {
        let huge = SVGChart.fitted([1e17, 1e17 + 16], logarithmic: false)
        #expect(SVGChart.ticks(huge, logarithmic: false) == [1e17])
        #expect(SVGChart.fitted([1e17], logarithmic: false).upperBound > 1e17)
        let largest = SVGChart.fitted([1, 1.5e308], logarithmic: true)
        #expect(largest.upperBound == .greatestFiniteMagnitude)
        #expect(SVGChart.ticks(largest, logarithmic: true).count == 309)
        let smallest = SVGChart.fitted([.leastNonzeroMagnitude, 1], logarithmic: true)
        #expect(smallest.lowerBound == .leastNonzeroMagnitude)
        #expect(SVGChart.ticks(smallest, logarithmic: true).first == pow(10, -323))
        #expect(SVGChart.ticks(0...1, logarithmic: true).first == pow(10, -323))
        #expect(SVGChart.fitted([-1.7e308, 1.7e308], logarithmic: false) == -.greatestFiniteMagnitude...(.greatestFiniteMagnitude))
    }
}
