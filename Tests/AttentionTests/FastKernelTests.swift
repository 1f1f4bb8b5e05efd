import Attention
import ProductKernels
import ReferenceCases
import Testing

/// The fast kernels (blocked SIMD products, heads in parallel) against the readable reference,
/// every stage of every head, the concatenation and the output:
/// - the portable kernel adds each sum's terms in the same order with the same roundings, so it
///   must agree bit for bit;
/// - the fused kernel (AVX2 and FMA, where the CPU has them) rounds once per multiply-add, so it
///   must agree to 1e-12 relative to the size of the tensor: `|fast - reference| <= 1e-12 *
///   max |reference|`. (Element by element relative error is not a fair test: an entry that is
///   a near-cancelling sum, 1e-5 made of terms near 1, is only known to about 1e-16 absolute.)
@Suite("Fast kernels agree with the reference")
struct FastKernelTests {
    static let tolerance = 1e-12

    /// The blocked products this CPU can run.
    static let products = Kernels.Product.allCases.filter { $0 != .reference && $0.isAvailable }

    static func tolerance(_ product: Kernels.Product) -> Double {
        product == .portable ? 0 : tolerance
    }

    /// NaN where the reference has NaN, the same infinity where it has one, and otherwise
    /// `|fast - reference| <= tolerance * (largest finite |reference| in the tensor)`.
    static func problems(_ fast: Matrix?, _ reference: Matrix?, _ label: String, tolerance: Double) -> [String] {
        guard let fast, let reference else {
            return fast == nil && reference == nil ? [] : ["\(label): present in only one trace"]
        }
        guard fast.shape == reference.shape else { return ["\(label): shape \(fast.shape), expected \(reference.shape)"] }
        let scale = reference.values.filter(\.isFinite).map(abs).max() ?? 0
        var found: [String] = []
        for i in 0..<fast.rows {
            for j in 0..<fast.cols {
                let (f, r) = (fast[i, j], reference[i, j])
                let agrees = r.isNaN ? f.isNaN : r.isInfinite ? f == r : abs(f - r) <= tolerance * scale
                if !agrees { found.append("\(label)[\(i)][\(j)] = \(f), reference \(r)") }
            }
        }
        return found
    }

    /// Every product this CPU runs against the reference, on `threads` threads.
    static func compare(_ configuration: AttentionConfiguration, threads: Int) throws -> [String] {
        let reference = try Trace.compute(configuration)
        var found: [String] = []
        for product in products {
            let fast = try Trace.compute(configuration, kernels: Kernels(product: product, threads: threads))
            let tolerance = tolerance(product)
            #expect(fast.heads.count == reference.heads.count)
            for i in reference.heads.indices {
                for stage in [Stage.Q, .K, .V, .scores, .scaled, .masked, .weights, .head_out] {
                    found += problems(fast.tensor(stage, head: i), reference.tensor(stage, head: i),
                                      "\(product): head \(i + 1) \(stage)", tolerance: tolerance)
                }
            }
            found += problems(fast.concat, reference.concat, "\(product): concat", tolerance: tolerance)
            found += problems(fast.output, reference.output, "\(product): output", tolerance: tolerance)
            #expect(fast.fullyBlockedRows == reference.fullyBlockedRows)
        }
        return found
    }

    @Test(arguments: ReferenceCaseTests.cases)
    func referenceCase(_ reference: ReferenceCase) throws {
        for threads in [1, 2] {
            let found = try Self.compare(reference.configuration(), threads: threads)
            #expect(found.isEmpty, "\(reference.name), \(threads) threads: \(found.prefix(5).joined(separator: "; "))")
        }
    }

    /// A large layer, n 64, d_model 256, 4 heads (the MiniLM size, n 128, d_model 384, 12 heads,
    /// passes as well but takes seconds in a debug build): two slices of the inner dimension,
    /// projections large enough to be split between threads (64 x 256 x 256 multiply-adds), a
    /// causal mask with key padding (one fully blocked row), biases and a gated head.
    @Test func largeLayer() throws {
        let found = try Self.compare(Self.layer(n: 64, dModel: 256, heads: 4, seed: 11, mask: .causal, padding: [0, 5]),
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

    /// Products of awkward sizes: tile edges in both directions, several slices of the inner
    /// dimension, a panel boundary (1100 columns), sizes large enough to be split between two
    /// threads (at least 2^21 multiply-adds), and sizes small enough for the direct loop
    /// (`BlockedProduct.directLimit`), with and without a partial vector of columns.
    static let productSizes = [(n: 131, k: 419, m: 77), (n: 5, k: 1000, m: 3), (n: 96, k: 192, m: 128),
                               (n: 13, k: 300, m: 1100), (n: 1, k: 1, m: 1), (n: 8, k: 16, m: 8), (n: 7, k: 64, m: 9)]

    /// `A B` by each route: one thread and two, `A Bᵀ` with B given transposed, and `Aᵀ B`
    /// with A given transposed.
    static func fastProducts(_ a: Matrix, _ b: Matrix, _ kernel: Kernels.Product) throws -> [(String, Matrix)] {
        [("1 thread", try a.fastMultiplied(by: b, kernel: kernel)),
         ("2 threads", try a.fastMultiplied(by: b, kernel: kernel, threads: 2)),
         ("B transposed, 2 threads", try a.fastMultipliedByTransposed(b.transposed, kernel: kernel, threads: 2)),
         ("A transposed, 2 threads", try a.transposed.fastMultipliedTransposingLeft(b, kernel: kernel, threads: 2))]
    }

    /// The direct loop for small products and the blocked kernel add the same terms in the same
    /// order with the same roundings. Rows of a product depend only on their own row of A, so a
    /// small product must equal the first rows of a product too large for the direct loop, bit
    /// for bit, with each kernel and each way of giving the operands.
    @Test(arguments: Self.products)
    func smallProductsEqualTheBlockedKernelsRows(_ kernel: Kernels.Product) throws {
        var random = SeededRandom(seed: 5)
        let (k, m) = (16, 9)
        let tall = Matrix(rows: 200, cols: k) { _, _ in random.normal() }
        let b = Matrix(rows: k, cols: m) { _, _ in random.normal() }
        let small = try tall.rows(0..<8)
        #expect(8 * k * m <= BlockedProduct<PortableKernel>.directLimit && 200 * k * m > BlockedProduct<PortableKernel>.directLimit)
        let routes: [(String, (Matrix) throws -> Matrix)] = [
            ("A B", { try $0.fastMultiplied(by: b, kernel: kernel) }),
            ("A Bᵀ", { try $0.fastMultipliedByTransposed(b.transposed, kernel: kernel) }),
            ("Aᵀ B", { try $0.transposed.fastMultipliedTransposingLeft(b, kernel: kernel) })]
        for (route, product) in routes {
            #expect(try product(small) == product(tall).rows(0..<8), "\(kernel), \(route)")
        }
    }

    /// A strip at C's bottom edge is computed in place, with only the rows C has
    /// (`accumulate(rows:...)`, one compiled copy of the loop per height). For every height of
    /// every kernel, by every route (B read in place or packed, either operand given
    /// transposed), with and without a partial tile at the right edge, a product of n rows
    /// equals the first n rows of a taller product bit for bit.
    @Test(arguments: Self.products)
    func everyHeightOfAnEdgeStripEqualsTheWholeStrips(_ kernel: Kernels.Product) throws {
        var random = SeededRandom(seed: 77)
        for m in [32, 37] {
            let k = 130
            let tall = Matrix(rows: 48, cols: k) { _, _ in random.normal() }
            let b = Matrix(rows: k, cols: m) { _, _ in random.normal() }
            #expect(1 * k * m > BlockedProduct<PortableKernel>.directLimit)
            let routes: [(String, (Matrix) throws -> Matrix)] = [
                ("A B", { try $0.fastMultiplied(by: b, kernel: kernel) }),
                ("A Bᵀ", { try $0.fastMultipliedByTransposed(b.transposed, kernel: kernel) }),
                ("Aᵀ B", { try $0.transposed.fastMultipliedTransposingLeft(b, kernel: kernel) })]
            for (route, product) in routes {
                let whole = try product(tall)
                for n in 1...25 {
                    #expect(try product(tall.rows(0..<n)) == whole.rows(0..<n), "\(kernel), \(route), m \(m), \(n) rows")
                }
            }
        }
    }

    /// A product of few rows reads B in place (`BlockedProduct.unpackedRows`), packing only a
    /// last partial strip of columns; a tall one packs all of B. Both sum each element's terms
    /// in the same order, so the short product equals the tall one's first rows bit for bit:
    /// with partial tiles at the bottom and right, two slices of the inner dimension and a
    /// panel boundary.
    @Test(arguments: Self.products)
    func productsReadingBInPlaceEqualPackedOnes(_ kernel: Kernels.Product) throws {
        var random = SeededRandom(seed: 31)
        let (k, m) = (300, 1037)
        let tall = Matrix(rows: 64, cols: k) { _, _ in random.normal() }
        let b = Matrix(rows: k, cols: m) { _, _ in random.normal() }
        let rows = BlockedProduct<PortableKernel>.unpackedRows
        #expect(rows < 64 && rows * k * m > BlockedProduct<PortableKernel>.directLimit)
        for n in [1, 13, rows] {
            let short = try tall.rows(0..<n)
            #expect(try short.fastMultiplied(by: b, kernel: kernel) == tall.fastMultiplied(by: b, kernel: kernel).rows(0..<n),
                    "\(kernel), \(n) rows")
        }
    }

    /// The portable kernel adds each sum's terms in the same order as the readable product,
    /// with the same roundings, so the two agree bit for bit, transposed or not, on one thread
    /// or several.
    @Test(arguments: productSizes)
    func portableProductsMatchTheReferenceExactly(_ size: (n: Int, k: Int, m: Int)) throws {
        var random = SeededRandom(seed: 9)
        let a = Matrix(rows: size.n, cols: size.k) { _, _ in random.normal() }
        let b = Matrix(rows: size.k, cols: size.m) { _, _ in random.normal() }
        let reference = try a.multiplied(by: b)
        for (route, product) in try Self.fastProducts(a, b, .portable) {
            #expect(product == reference, "\(size), \(route)")
        }
    }

    /// The fused kernel rounds once per multiply-add, the readable product twice. Each element
    /// sums the same k products in the same order, so the two differ by at most about
    /// 2 k u (|A| |B|)[i][j], u = 2^-53 the unit roundoff: every element is held to that. And
    /// it is not the portable kernel in disguise: somewhere in a product this large the
    /// roundings differ.
    @Test(.enabled(if: Kernels.Product.fused.isAvailable, "this CPU lacks AVX2 or FMA"), arguments: productSizes)
    func fusedProductsStayWithinTheRoundingBound(_ size: (n: Int, k: Int, m: Int)) throws {
        var random = SeededRandom(seed: 21)
        let a = Matrix(rows: size.n, cols: size.k) { _, _ in random.normal() }
        let b = Matrix(rows: size.k, cols: size.m) { _, _ in random.normal() }
        let reference = try a.multiplied(by: b)
        let magnitudes = try Matrix(rows: size.n, cols: size.k, values: a.values.map(abs))
            .multiplied(by: Matrix(rows: size.k, cols: size.m, values: b.values.map(abs)))
        let u = Double.ulpOfOne / 2
        for (route, product) in try Self.fastProducts(a, b, .fused) {
            var worst = 0.0
            for i in 0..<size.n {
                for j in 0..<size.m {
                    let bound = 2 * Double(size.k) * u * magnitudes[i, j]
                    worst = max(worst, abs(product[i, j] - reference[i, j]) / bound)
                }
            }
            #expect(worst <= 1, "\(size), \(route): an element is \(worst) times the rounding bound away")
            if size.k >= 64 { #expect(product != reference, "\(size), \(route): identical to the reference") }
        }
    }

    /// The AVX-512 kernel sums every element's terms in the same order as the fused one, with the
    /// same single rounding per multiply-add, in a tile of another size: the two must agree bit
    /// for bit, by every route (so it too stays within the rounding bound above).
    @Test(.enabled(if: Kernels.Product.avx512.isAvailable, "this CPU lacks AVX-512"), arguments: productSizes)
    func avx512ProductsEqualTheFusedKernels(_ size: (n: Int, k: Int, m: Int)) throws {
        var random = SeededRandom(seed: 23)
        let a = Matrix(rows: size.n, cols: size.k) { _, _ in random.normal() }
        let b = Matrix(rows: size.k, cols: size.m) { _, _ in random.normal() }
        let fused = try Self.fastProducts(a, b, .fused)
        let avx512 = try Self.fastProducts(a, b, .avx512)
        for ((route, expected), (_, product)) in zip(fused, avx512) {
            #expect(product == expected, "\(size), \(route)")
        }
    }

    /// Each kernel is chosen only where the CPU runs it, and the fastest is the widest available.
    @Test func theFastestKernelIsTheWidestTheCPURuns() {
        let expected: Kernels.Product = Kernels.Product.avx512.isAvailable ? .avx512
            : Kernels.Product.fused.isAvailable ? .fused : .portable
        #expect(Kernels.Product.fastest == expected)
        #expect(Kernels.fast.product == expected)
        for product in Kernels.Product.allCases {
            #expect(product.runnable.isAvailable)
            #expect(product.isAvailable == (product.runnable == product))
        }
    }

    @Test func mismatchedShapesThrow() {
        let a = Matrix(rows: 2, cols: 3), b = Matrix(rows: 2, cols: 3)
        for kernel in Self.products {
            #expect(throws: AttentionError.self) { try a.fastMultiplied(by: b, kernel: kernel) }
            #expect(throws: AttentionError.self) { try a.fastMultipliedByTransposed(Matrix(rows: 3, cols: 2), kernel: kernel) }
            #expect(throws: AttentionError.self) { try a.fastMultipliedTransposingLeft(Matrix(rows: 3, cols: 2), kernel: kernel) }
        }
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
