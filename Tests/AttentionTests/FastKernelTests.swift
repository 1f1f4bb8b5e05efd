import Attention
import ReferenceCases
import Testing

/// The fast kernels (blocked SIMD products, heads in parallel) against the readable reference:
/// every stage of every head, the concatenation and the output must agree to 1e-12 relative.
/// (By construction they agree exactly, since both add each sum's terms in the same order.)
@Suite("Fast kernels agree with the reference")
struct FastKernelTests {
    static let tolerance = 1e-12

    /// Element by element: NaN where the reference has NaN, the same infinity where it has one,
    /// and otherwise `|fast - reference| <= 1e-12 * |reference|`.
    static func problems(_ fast: Matrix?, _ reference: Matrix?, _ label: String) -> [String] {
        guard let fast, let reference else {
            return fast == nil && reference == nil ? [] : ["\(label): present in only one trace"]
        }
        guard fast.shape == reference.shape else { return ["\(label): shape \(fast.shape), expected \(reference.shape)"] }
        var found: [String] = []
        for i in 0..<fast.rows {
            for j in 0..<fast.cols {
                let (f, r) = (fast[i, j], reference[i, j])
                let agrees = r.isNaN ? f.isNaN : r.isInfinite ? f == r : abs(f - r) <= tolerance * abs(r)
                if !agrees { found.append("\(label)[\(i)][\(j)] = \(f), reference \(r)") }
            }
        }
        return found
    }

    static func compare(_ configuration: AttentionConfiguration, threads: Int) throws -> [String] {
        let reference = try Trace.compute(configuration)
        let fast = try Trace.compute(configuration, kernels: .fast(threads: threads))
        var found: [String] = []
        #expect(fast.heads.count == reference.heads.count)
        for i in reference.heads.indices {
            for stage in [Stage.Q, .K, .V, .scores, .scaled, .masked, .weights, .head_out] {
                found += problems(fast.tensor(stage, head: i), reference.tensor(stage, head: i), "head \(i + 1) \(stage)")
            }
        }
        found += problems(fast.concat, reference.concat, "concat")
        found += problems(fast.output, reference.output, "output")
        #expect(fast.fullyBlockedRows == reference.fullyBlockedRows)
        return found
    }

    @Test(arguments: ReferenceCaseTests.cases)
    func referenceCase(_ reference: ReferenceCase) throws {
        for threads in [1, 2] {
            let found = try Self.compare(reference.configuration(), threads: threads)
            #expect(found.isEmpty, "\(reference.name), \(threads) threads: \(found.prefix(5).joined(separator: "; "))")
        }
    }

    /// A large layer, n 52, d_model 200, 4 heads (the MiniLM size, n 128, d_model 384, 12 heads,
    /// passes as well but takes seconds in a debug build): two slices of the inner dimension,
    /// products large enough to be split between threads, a causal mask with key padding (one
    /// fully blocked row), biases and a gated head.
    @Test func largeLayer() throws {
        let found = try Self.compare(Self.layer(n: 52, dModel: 200, heads: 4, seed: 11, mask: .causal, padding: [0, 5]),
                                     threads: 2)
        #expect(found.isEmpty, "\(found.prefix(5).joined(separator: "; "))")
    }

    /// Sizes that fit no block evenly (the kernels' edges), with d_k given and d_v different.
    @Test(arguments: [(n: 37, dModel: 60, heads: 3), (n: 1, dModel: 7, heads: 7), (n: 50, dModel: 202, heads: 2)])
    func awkwardSizes(_ size: (n: Int, dModel: Int, heads: Int)) throws {
        let found = try Self.compare(Self.layer(n: size.n, dModel: size.dModel, heads: size.heads, seed: 5,
                                                mask: .none, padding: []), threads: 2)
        #expect(found.isEmpty, "\(size): \(found.prefix(5).joined(separator: "; "))")
    }

    /// Cross-attention in direct mode: 5 queries over 13 keys, d_k 7, d_v 9.
    @Test func directCrossAttention() throws {
        var random = SeededRandom(seed: 3)
        func matrix(_ rows: Int, _ cols: Int) -> Matrix {
            Matrix(rows: rows, cols: cols) { _, _ in random.normal() }
        }
        let configuration = AttentionConfiguration.direct(
            DirectConfiguration(Q: matrix(5, 7), K: matrix(13, 7), V: matrix(13, 9), keyPadding: [2, 12]))
        let found = try Self.compare(configuration, threads: 2)
        #expect(found.isEmpty, "\(found.prefix(5).joined(separator: "; "))")
    }

    /// Each sum's terms are added in the same order as in the readable product, so the two
    /// agree bit for bit, transposed or not, on one thread or several.
    @Test func productsMatchTheReferenceExactly() throws {
        var random = SeededRandom(seed: 9)
        let a = Matrix(rows: 131, cols: 419) { _, _ in random.normal() }
        let b = Matrix(rows: 419, cols: 77) { _, _ in random.normal() }
        let reference = try a.multiplied(by: b)
        #expect(try a.fastMultiplied(by: b) == reference)
        #expect(try a.fastMultiplied(by: b, threads: 2) == reference)
        #expect(try a.fastMultipliedByTransposed(b.transposed) == reference)
    }

    @Test func mismatchedShapesThrow() {
        let a = Matrix(rows: 2, cols: 3), b = Matrix(rows: 2, cols: 3)
        #expect(throws: AttentionError.self) { try a.fastMultiplied(by: b) }
        #expect(throws: AttentionError.self) { try a.fastMultipliedByTransposed(Matrix(rows: 3, cols: 2)) }
    }

    static func layer(n: Int, dModel: Int, heads: Int, seed: UInt64, mask: MaskSetting, padding: Set<Int>) -> AttentionConfiguration {
        var random = SeededRandom(seed: seed)
        func matrix(_ rows: Int, _ cols: Int) -> Matrix {
            Matrix(rows: rows, cols: cols) { _, _ in random.normal() / Double(dModel).squareRoot() }
        }
        func vector(_ count: Int) -> [Double] { (0..<count).map { _ in random.normal() * 0.1 } }
        // d_k = 5 (given, not d_model / h) and d_v = 4 exercise products of every width.
        let (dK, dV) = dModel % heads == 0 && dModel >= 100 ? (dModel / heads, dModel / heads) : (5, 4)
        var c = MultiHeadConfiguration(
            X: Matrix(rows: n, cols: dModel) { _, _ in random.normal() }, heads: heads, dK: dK,
            W_Q: matrix(dModel, heads * dK), W_K: matrix(dModel, heads * dK), W_V: matrix(dModel, heads * dV),
            W_O: matrix(heads * dV, dModel),
            b_Q: vector(heads * dK), b_K: vector(heads * dK), b_V: vector(heads * dV), b_O: vector(dModel),
            mask: mask, keyPadding: padding)
        c.gates = [0: 0.5]
        return .multiHead(c)
    }
}
