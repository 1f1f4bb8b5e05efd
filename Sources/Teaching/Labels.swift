/// Names for the rows and columns the learner sees: the tokens for queries and keys where
/// they are known, otherwise `t0, t1, ...` for a layer's tokens (self-attention: queries and
/// keys are the same tokens) and `q0 ...`, `k0 ...` in direct mode, where Q and K are given
/// separately and may differ in number.
public struct Labels: Sendable, Equatable {
    public var queries: [String]
    public var keys: [String]

    public init(queries: [String], keys: [String]) {
        self.queries = queries
        self.keys = keys
    }

    /// Labels for n queries and m keys, using `tokens` wherever their count fits. `direct`:
    /// Q, K and V were given directly, so queries and keys are named apart (`q0`, `k0`) even
    /// when their counts agree, and the names do not change as Q and K are defined one by one.
    public static func make(tokens: [String], queries n: Int, keys m: Int, direct: Bool = false) -> Labels {
        let selfAttention = n == m && !direct
        let queries = tokens.count == n ? tokens : (0..<n).map { selfAttention ? "t\($0)" : "q\($0)" }
        let keys = tokens.count == m ? tokens : (selfAttention ? queries : (0..<m).map { "k\($0)" })
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
