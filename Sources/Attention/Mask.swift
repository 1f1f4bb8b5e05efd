/// Which query-key pairs are blocked: an n x m grid of booleans, true = query i may not
/// attend to key j. A blocked pair's scaled score becomes -infinity before the softmax, so its
/// weight is exactly 0.
public struct Mask: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// Row-major, `rows * cols` entries.
    public private(set) var blocked: [Bool]

    public init(rows: Int, cols: Int, blocked: [Bool]) throws {
        guard rows > 0, cols > 0 else { throw AttentionError.emptyMatrix }
        guard blocked.count == rows * cols else {
            throw AttentionError.wrongElementCount(expected: rows * cols, found: blocked.count)
        }
        self.rows = rows
        self.cols = cols
        self.blocked = blocked
    }

    /// Nothing blocked.
    public static func open(rows: Int, cols: Int) -> Mask {
        Mask(rows: rows, cols: cols) { _, _ in false }
    }

    /// The causal mask for n tokens: query i may see keys 0...i only (key j > i is blocked),
    /// so a token cannot look at the future it is meant to predict.
    public static func causal(_ n: Int) -> Mask {
        causal(queries: n, keys: n, offset: 0)
    }

    /// The causal mask shifted by `offset`: query i may see keys 0...i + offset (key j > i + offset is
    /// blocked), for any numbers of queries and keys. With a cache of earlier keys, n new queries
    /// over m keys have offset m - n: the last query sees every key (PyTorch's
    /// `causal_lower_right`); offset 0 is PyTorch's `is_causal=True` (`causal_upper_left`).
    public static func causal(queries: Int, keys: Int, offset: Int) -> Mask {
        Mask(rows: queries, cols: keys) { i, j in j - i > offset }   // no overflow for any offset
    }

    /// Key padding: the listed keys are blocked for every one of the n queries, as
    /// PyTorch's `key_padding_mask` blocks the padding positions of a shorter sequence.
    public static func keyPadding(_ keys: Set<Int>, rows: Int, cols: Int) -> Mask {
        Mask(rows: rows, cols: cols) { _, j in keys.contains(j) }
    }

    /// A mask from a matrix of numbers: a nonzero entry blocks that pair.
    public init(nonzeroEntriesOf matrix: Matrix) {
        self.init(rows: matrix.rows, cols: matrix.cols) { i, j in matrix[i, j] != 0 }
    }

    public init(rows: Int, cols: Int, blocked isBlocked: (Int, Int) -> Bool) {
        self.rows = rows
        self.cols = cols
        var entries = [Bool]()
        entries.reserveCapacity(rows * cols)
        for i in 0..<rows {
            for j in 0..<cols { entries.append(isBlocked(i, j)) }
        }
        self.blocked = entries
    }

    public var shape: Shape { Shape(rows, cols) }

    public subscript(row: Int, col: Int) -> Bool { blocked[row * cols + col] }

    /// A pair is blocked when either mask blocks it (how an attention mask and key padding
    /// combine). Throws when the shapes differ.
    public func union(_ other: Mask) throws -> Mask {
        guard shape == other.shape else {
            throw AttentionError.shapeMismatch(
                operation: "combining masks", left: shape, right: other.shape,
                requirement: "both must be queries x keys")
        }
        return try Mask(rows: rows, cols: cols, blocked: zip(blocked, other.blocked).map { $0 || $1 })
    }

    /// Query rows whose every key is blocked: their softmax has nothing to normalise.
    public var fullyBlockedRows: [Int] {
        (0..<rows).filter { i in (0..<cols).allSatisfy { self[i, $0] } }
    }

    /// The mask as a 0/1 matrix (1 = blocked), for display and export.
    public var asMatrix: Matrix {
        Matrix(rows: rows, cols: cols) { i, j in self[i, j] ? 1 : 0 }
    }
}

/// How the attention mask is chosen. Key padding is separate and combines with any of these.
public enum MaskSetting: Equatable, Sendable {
    /// Every query sees every key.
    case none
    /// Query i sees keys 0...i (needs as many queries as keys).
    case causal
    /// Query i sees keys 0...i + K, for n queries over m keys (the KV-cache case: K = m - n).
    case causalOffset(Int)
    /// An explicit queries x keys grid.
    case custom(Mask)
}
