/// Names for the rows and columns the learner sees: the tokens for queries and keys where
/// they are known, otherwise `t0, t1, ...` (or `q0 ...` and `k0 ...` when queries and keys
/// differ, as in cross-attention).
public struct Labels: Sendable, Equatable {
    public var queries: [String]
    public var keys: [String]

    public init(queries: [String], keys: [String]) {
        self.queries = queries
        self.keys = keys
    }

    /// Labels for n queries and m keys, using `tokens` wherever their count fits.
    public static func make(tokens: [String], queries n: Int, keys m: Int) -> Labels {
        let sameSequence = n == m
        let queries = tokens.count == n ? tokens : (0..<n).map { sameSequence ? "t\($0)" : "q\($0)" }
        let keys = tokens.count == m ? tokens : (sameSequence ? queries : (0..<m).map { "k\($0)" })
        return Labels(queries: queries, keys: keys)
    }

    /// Feature (column) labels 0 ..< count.
    public static func features(_ count: Int, offset: Int = 0) -> [String] {
        (0..<count).map { String($0 + offset) }
    }

    /// Query label in quotes for prose: 'cat'.
    public func query(_ i: Int) -> String { "'\(queries[i])'" }
    public func key(_ j: Int) -> String { "'\(keys[j])'" }
}
