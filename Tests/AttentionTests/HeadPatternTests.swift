import Attention
import Testing

/// Pattern shares on weights whose answer is known by construction.
@Suite("Head patterns")
struct HeadPatternTests {
    static let keys: [HeadPattern.Key] = [.classifier, .word, .word, .punctuation, .separator]

    /// n x n weights with all of row i on `key(i)`.
    func pointing(_ key: (Int) -> Int) -> Matrix {
        Matrix(rows: 5, cols: 5) { i, j in j == key(i) ? 1 : 0 }
    }

    @Test func aHeadThatLooksBackIsAPreviousTokenHead() throws {
        // Row 0 has no previous token: it looks at itself and is left out of `previous`.
        let shares = HeadPattern.shares(pointing { max(0, $0 - 1) }, keys: Self.keys)
        #expect(shares[.previous] == 1)
        #expect(shares[.next] == 0)
        #expect(shares[.itself] == 0.2)
        #expect(shares[.classifier] == 0.4)   // rows 0 and 1 land on [CLS]
        #expect(HeadPattern.dominant(shares) == (.previous, 1))
    }

    @Test func everyKindOfKeyIsCounted() throws {
        #expect(HeadPattern.dominant(HeadPattern.shares(pointing { _ in 0 }, keys: Self.keys)) == (.classifier, 1))
        #expect(HeadPattern.dominant(HeadPattern.shares(pointing { _ in 4 }, keys: Self.keys)) == (.separator, 1))
        #expect(HeadPattern.dominant(HeadPattern.shares(pointing { _ in 3 }, keys: Self.keys)) == (.punctuation, 1))
        #expect(HeadPattern.dominant(HeadPattern.shares(pointing { $0 }, keys: Self.keys)) == (.itself, 1))
        #expect(HeadPattern.dominant(HeadPattern.shares(pointing { min(4, $0 + 1) }, keys: Self.keys)) == (.next, 1))
    }

    @Test func uniformWeightsAreBroad() throws {
        let uniform = Matrix(rows: 5, cols: 5) { _, _ in 0.2 }
        let shares = HeadPattern.shares(uniform, keys: [.classifier, .word, .word, .word, .separator])
        #expect(abs(shares[.previous]! - 0.2) < 1e-15 && abs(shares[.classifier]! - 0.2) < 1e-15)
        let (pattern, share) = HeadPattern.dominant(shares)
        #expect(pattern == .broad && abs(share - 0.2) < 1e-15)
    }

    @Test func rowsThatSeeNoKeyAreLeftOut() throws {
        var rows = (0..<5).map { i in (0..<5).map { j in j == i ? 1.0 : 0 } }
        rows[2] = Array(repeating: .nan, count: 5)
        let shares = HeadPattern.shares(try Matrix(rows), keys: Self.keys)
        #expect(shares[.itself] == 1)
    }

    @Test func wordpiecesAreClassified() {
        #expect(HeadPattern.Key(wordpiece: "[CLS]") == .classifier)
        #expect(HeadPattern.Key(wordpiece: "[SEP]") == .separator)
        for mark in [".", ",", "'", "$", "+", "¿", "—", "..."] { #expect(HeadPattern.Key(wordpiece: mark) == .punctuation, "\(mark)") }
        for word in ["the", "##s", "42", "[MASK]", "café", "中"] { #expect(HeadPattern.Key(wordpiece: word) == .word, "\(word)") }
    }
}
