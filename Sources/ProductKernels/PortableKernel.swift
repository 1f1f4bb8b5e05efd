/// The micro-kernel for any CPU: a 6 x 4 tile of C in six `SIMD4<Double>`, which baseline
/// x86-64 (SSE2, 128-bit) splits into twelve registers of two lanes, filling twelve of its
/// sixteen without spilling.
///
/// Each step multiplies, then adds: two roundings, exactly as the readable product does, and
/// the same order of terms, so its results equal the readable product's bit for bit. Baseline
/// x86-64 has no broadcast instruction, so packed A holds each value four times and a
/// broadcast is a plain load.
public enum PortableKernel: MicroKernel {
    public static let rows = 6
    public static let columns = 4
    public static let copiesOfA = 4
    public static let sliceDepth = 192
    public static let blockHeight = 48

    /// A multiply, then an add: two roundings, as in the readable product.
    @inlinable @inline(__always)
    public static func multiplyAdd<V: SIMD>(_ c: V, _ a: V, _ b: V) -> V where V.Scalar == Double { c + a * b }

    @inlinable @inline(__always)
    public static func multiplyAdd(_ c: Double, _ a: Double, _ b: Double) -> Double { c + a * b }

    @inlinable @inline(__always)
    public static func accumulate(rows: Int, depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int,
                                  c: UnsafeMutablePointer<Double>, ldc: Int) {
        withLiteral(height: rows) { tile($0, depth: depth, a: a, b: b, ldb: ldb, c: c, ldc: ldc) }
    }

    /// The tile's first `height` rows (a constant once inlined, so each `if` is decided when
    /// compiling).
    @inlinable @inline(__always)
    static func tile(_ height: Int, depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int,
                     c: UnsafeMutablePointer<Double>, ldc: Int) {
        typealias V = SIMD4<Double>
        func load(_ r: Int) -> V { r < height ? UnsafeRawPointer(c + r * ldc).loadUnaligned(as: V.self) : V() }
        func store(_ v: V, _ r: Int) { if r < height { UnsafeMutableRawPointer(c + r * ldc).storeBytes(of: v, as: V.self) } }
        var (c0, c1, c2, c3, c4, c5) = (load(0), load(1), load(2), load(3), load(4), load(5))
        var pa = UnsafeRawPointer(a)
        var pb = UnsafeRawPointer(b)
        let step = MemoryLayout<V>.stride
        for _ in 0..<depth {
            let bt = pb.loadUnaligned(as: V.self)
            c0 += pa.loadUnaligned(as: V.self) * bt
            if height > 1 { c1 += pa.loadUnaligned(fromByteOffset: step, as: V.self) * bt }
            if height > 2 { c2 += pa.loadUnaligned(fromByteOffset: 2 * step, as: V.self) * bt }
            if height > 3 { c3 += pa.loadUnaligned(fromByteOffset: 3 * step, as: V.self) * bt }
            if height > 4 { c4 += pa.loadUnaligned(fromByteOffset: 4 * step, as: V.self) * bt }
            if height > 5 { c5 += pa.loadUnaligned(fromByteOffset: 5 * step, as: V.self) * bt }
            pa += 6 * step
            pb += ldb * MemoryLayout<Double>.stride
        }
        store(c0, 0); store(c1, 1); store(c2, 2); store(c3, 3); store(c4, 4); store(c5, 5)
    }
}
