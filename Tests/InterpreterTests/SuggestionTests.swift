import Attention
@testable import Interpreter
import Testing

/// The edit distance behind "did you mean": Levenshtein's insertions, deletions and
/// substitutions, with a swap of two neighbouring letters as one edit and no letter edited
/// twice (the "optimal string alignment" distance; Damerau, 1964, for the swap).
@Suite("Typo suggestions")
struct SuggestionTests {
    @Test(arguments: [
        ("", "", 0), ("", "abc", 3), ("abc", "", 3), ("step", "step", 0),
        ("stpe", "step", 1),          // one swap
        ("kitten", "sitting", 3),     // the textbook Levenshtein example
        ("flaw", "lawn", 2),
        ("ca", "abc", 3),             // 2 with unrestricted swaps; 3 when no letter is edited twice
        ("abcdef", "badcfe", 3),      // three swaps
        ("café", "cafe", 1),          // letters, not bytes
        ("s\r\np", "sp", 1),          // "\r\n" is one letter
        ("Step", "sTEP", 0), ("CAFÉ", "café", 0),   // case is ignored
    ])
    func distances(_ a: String, _ b: String, _ expected: Int) {
        #expect(Suggestion.distance(a, b) == expected, "\(a) -> \(b)")
        #expect(Suggestion.distance(b, a) == expected, "\(b) -> \(a)")
    }

    /// A bounded distance is exact up to its bound and says only "more" beyond it; `closest`,
    /// which stops measuring early, picks what measuring everything would. Words of ASCII
    /// letters take the faster path (bytes, and a bound from the letters alone), words with "é"
    /// the general one: both are tried.
    @Test(arguments: ["abcé", "abcd"])
    func boundsChangeNothingThatMatters(_ alphabet: String) {
        var random = SeededRandom(seed: 7)
        func word() -> String { String((0..<Int.random(in: 0...9, using: &random)).map { _ in alphabet.randomElement(using: &random)! }) }
        for _ in 0..<3000 {
            let (a, b) = (word(), word())
            let exact = Suggestion.distance(a, b)
            for bound in 0...6 {
                let bounded = Suggestion.distance(a, b, bound: bound)
                #expect(exact <= bound ? bounded == exact : bounded > bound, "\(a) \(b) within \(bound)")
            }
            if alphabet.allSatisfy(\.isASCII) {
                #expect(Suggestion.lettersApart(Array(a.utf8), Array(b.utf8)) <= exact, "\(a) \(b)")
            }
            let candidates = (0..<6).map { _ in word() }
            let limit = max(1, a.count / 3)
            let measured = candidates.map { Suggestion.distance(a, $0) }
            let expected = measured.min().flatMap { $0 <= limit ? candidates[measured.firstIndex(of: $0)!] : nil }
            #expect(Suggestion.closest(to: a, among: candidates) == expected, "\(a) among \(candidates)")
        }
    }

    @Test func theClosestCloseEnoughCandidateWins() {
        #expect(Suggestion.closest(to: "stpe", among: ["show", "step", "steps"]) == "step")
        #expect(Suggestion.closest(to: "STPE", among: ["step"]) == "step")
        // A tie goes to the earlier candidate.
        #expect(Suggestion.closest(to: "shw", among: ["show", "shaw"]) == "show")
        // More than a third of the letters wrong: no suggestion.
        #expect(Suggestion.closest(to: "xyz", among: ["step", "show"]) == nil)
        #expect(Suggestion.closest(to: "anything", among: []) == nil)
    }
}
