/// The innermost loop of a blocked matrix product: a small tile of C, kept in registers,
/// accumulates the product of a packed strip of A and a packed strip of B.
///
/// `BlockedProduct` does the blocking and packing once for every kernel; a kernel says how
/// big its tile is, how it wants A packed, and how large the slices should be for the caches.
/// Two kernels exist: `PortableKernel` (here, 128-bit vectors, exact to the readable product)
/// and `FusedKernel` (module `ProductKernelsAVX2`, 256-bit vectors with fused multiply-add).
public protocol MicroKernel {
    /// The tile of C one call computes: `rows` x `columns` (mr x nr).
    static var rows: Int { get }
    static var columns: Int { get }
    /// How many times packed A stores each value: 4 for a kernel that loads a ready-made
    /// broadcast (baseline x86-64 has no broadcast instruction), 1 for one that broadcasts.
    static var copiesOfA: Int { get }
    /// Depth of one slice of the inner dimension (kc): a kc x nr strip of B should stay in
    /// the L1 cache while strips of A stream past it.
    static var sliceDepth: Int { get }
    /// Rows of A packed at a time (mc, a multiple of `rows`): the packed block should stay in
    /// the L2 cache.
    static var blockHeight: Int { get }

    /// `C[0 ..< rows][0 ..< columns] += A B` over `depth` steps t, where step t reads the
    /// `Self.rows` values of A's column t (each `copiesOfA` times) at `a + t * Self.rows *
    /// copiesOfA` and the `columns` values of B's row t at `b + t * ldb` (`ldb` is `columns`
    /// for a packed strip, B's width when B is read where it is). C's rows are `ldc` apart.
    ///
    /// `rows` is at most `Self.rows`: a strip at C's bottom edge reads and writes only the rows
    /// C has (A's strip is still packed full height, padded with zeros), and does no work for
    /// the others.
    static func accumulate(rows: Int, depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int,
                           c: UnsafeMutablePointer<Double>, ldc: Int)

    /// `c + a b`, rounded as `accumulate` rounds (once for a fused multiply-add, twice for a
    /// multiply and an add), for the products too small to pack (`BlockedProduct.directLimit`).
    static func multiplyAdd<V: SIMD>(_ c: V, _ a: V, _ b: V) -> V where V.Scalar == Double
    static func multiplyAdd(_ c: Double, _ a: Double, _ b: Double) -> Double
}

extension MicroKernel {
    /// `body(height)`, with `height` (1 ... `rows`, at most 12) passed as a literal, so that the
    /// compiler may build a kernel's `@inline(__always)` loop once per height with the missing
    /// rows' work taken out (`accumulate(rows:...)` at C's bottom edge). It does so for whole
    /// tiles; the release build of the AVX-512 kernel (Swift 6.3) shares one copy between the
    /// edge heights 8 to 11, which tests the height at each step. That copy measured no slower
    /// for each multiply-add: in a profile of the BERT-base trace (128 rows, ten whole strips
    /// and one of 8) the edge strips took 4% of the time and the whole ones 68%.
    @inlinable @inline(__always)
    public static func withLiteral(height: Int, _ body: (Int) -> Void) {
        precondition(rows <= 12 && (1...rows).contains(height), "a tile of \(height) rows")
        if height == rows { return body(rows) }   // whole strips, nearly every call
        switch height {
        case 1: body(1)
        case 2: body(2)
        case 3: body(3)
        case 4: body(4)
        case 5: body(5)
        case 6: body(6)
        case 7: body(7)
        case 8: body(8)
        case 9: body(9)
        case 10: body(10)
        case 11: body(11)
        default: preconditionFailure("a tile of \(height) rows")
        }
    }
}

/// A kernel built on fused multiply-adds, which round once: its `multiplyAdd` is the fused one.
/// Only modules compiled for a CPU with FMA should name such a kernel (the code is specialised,
/// and so compiled, there).
public protocol FusedMultiplyAddKernel: MicroKernel {}

extension FusedMultiplyAddKernel {
    @inlinable @inline(__always)
    public static func multiplyAdd<V: SIMD>(_ c: V, _ a: V, _ b: V) -> V where V.Scalar == Double {
        c.addingProduct(a, b)
    }

    @inlinable @inline(__always)
    public static func multiplyAdd(_ c: Double, _ a: Double, _ b: Double) -> Double { c.addingProduct(a, b) }
}
