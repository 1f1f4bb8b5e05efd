import ProductKernels

/// The micro-kernel for CPUs with AVX-512 (x86-64-v4: Intel since Skylake-SP, 2017; AMD since
/// Zen 4, 2022): a 12 x 16 tile of C in twenty-four of the thirty-two 512-bit registers, fed
/// by two loads of B and twelve broadcasts of A per step, twenty-four fused multiply-adds.
///
/// The tile is as wide as two registers and as tall as the registers left allow: each value of
/// B loaded is used twelve times, each value of A sixteen times, so the loads stay well under
/// the two multiply-adds a cycle the CPU can issue. Sixteen columns divide the widths attention
/// uses (heads of 32 or 64, models of 384 or 768), so few tiles are partial.
///
/// It rounds as `FusedKernel` does (once per multiply-add) and adds each element's terms in the
/// same order t = 0, 1, ..., so the two kernels give the same numbers bit for bit; the tests
/// hold both to the rounding bound against the readable product.
///
/// This module is compiled for Skylake-SP's instruction set (see Package.swift): call it only
/// when `attention_cpu_runs_avx512_code()` (module Platform) says the CPU has it.
enum AVX512Kernel: FusedMultiplyAddKernel {
    static let rows = 12
    static let columns = 16
    static let copiesOfA = 1
    /// A 128-deep strip of B is 16 KiB, and the strip of A streaming past it 12 KiB: both fit
    /// the 48 KiB L1 data cache of these CPUs together, where a 256-deep pair (56 KiB) did not
    /// (measured on a Sapphire Rapids core: the MiniLM trace about 3% faster, BERT-base 1 to 3%).
    static let sliceDepth = 128
    /// 144 rows cover a 128-token sequence in one block; packed, 144 KiB of the L2 cache.
    static let blockHeight = 144

    @inline(__always)
    static func accumulate(rows: Int, depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int,
                           c: UnsafeMutablePointer<Double>, ldc: Int) {
        withLiteral(height: rows) { tile($0, depth: depth, a: a, b: b, ldb: ldb, c: c, ldc: ldc) }
    }

    /// The tile's first `height` rows (a constant once inlined, so each `if` is decided when
    /// compiling).
    @inline(__always)
    private static func tile(_ height: Int, depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int,
                             c: UnsafeMutablePointer<Double>, ldc: Int) {
        typealias V = SIMD8<Double>
        func load(_ r: Int, _ half: Int) -> V {
            r < height ? UnsafeRawPointer(c + r * ldc + 8 * half).loadUnaligned(as: V.self) : V()
        }
        func store(_ v: V, _ r: Int, _ half: Int) {
            if r < height { UnsafeMutableRawPointer(c + r * ldc + 8 * half).storeBytes(of: v, as: V.self) }
        }
        var (c00, c01, c10, c11, c20, c21) = (load(0, 0), load(0, 1), load(1, 0), load(1, 1), load(2, 0), load(2, 1))
        var (c30, c31, c40, c41, c50, c51) = (load(3, 0), load(3, 1), load(4, 0), load(4, 1), load(5, 0), load(5, 1))
        var (c60, c61, c70, c71, c80, c81) = (load(6, 0), load(6, 1), load(7, 0), load(7, 1), load(8, 0), load(8, 1))
        var (c90, c91, ca0, ca1, cb0, cb1) = (load(9, 0), load(9, 1), load(10, 0), load(10, 1), load(11, 0), load(11, 1))
        var pa = a
        var pb = UnsafeRawPointer(b)
        for _ in 0..<depth {
            let b0 = pb.loadUnaligned(as: V.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 64, as: V.self)
            var x = V(repeating: pa[0])
            c00.addProduct(x, b0); c01.addProduct(x, b1)
            if height > 1 { x = V(repeating: pa[1]); c10.addProduct(x, b0); c11.addProduct(x, b1) }
            if height > 2 { x = V(repeating: pa[2]); c20.addProduct(x, b0); c21.addProduct(x, b1) }
            if height > 3 { x = V(repeating: pa[3]); c30.addProduct(x, b0); c31.addProduct(x, b1) }
            if height > 4 { x = V(repeating: pa[4]); c40.addProduct(x, b0); c41.addProduct(x, b1) }
            if height > 5 { x = V(repeating: pa[5]); c50.addProduct(x, b0); c51.addProduct(x, b1) }
            if height > 6 { x = V(repeating: pa[6]); c60.addProduct(x, b0); c61.addProduct(x, b1) }
            if height > 7 { x = V(repeating: pa[7]); c70.addProduct(x, b0); c71.addProduct(x, b1) }
            if height > 8 { x = V(repeating: pa[8]); c80.addProduct(x, b0); c81.addProduct(x, b1) }
            if height > 9 { x = V(repeating: pa[9]); c90.addProduct(x, b0); c91.addProduct(x, b1) }
            if height > 10 { x = V(repeating: pa[10]); ca0.addProduct(x, b0); ca1.addProduct(x, b1) }
            if height > 11 { x = V(repeating: pa[11]); cb0.addProduct(x, b0); cb1.addProduct(x, b1) }
            pa += 12
            pb += ldb * MemoryLayout<Double>.stride
        }
        store(c00, 0, 0); store(c01, 0, 1); store(c10, 1, 0); store(c11, 1, 1); store(c20, 2, 0); store(c21, 2, 1)
        store(c30, 3, 0); store(c31, 3, 1); store(c40, 4, 0); store(c41, 4, 1); store(c50, 5, 0); store(c51, 5, 1)
        store(c60, 6, 0); store(c61, 6, 1); store(c70, 7, 0); store(c71, 7, 1); store(c80, 8, 0); store(c81, 8, 1)
        store(c90, 9, 0); store(c91, 9, 1); store(ca0, 10, 0); store(ca1, 10, 1); store(cb0, 11, 0); store(cb1, 11, 1)
    }
}

/// C (n x m) += A (n x k) B (k x m) with the AVX-512 kernel, for the columns given (A may be
/// given as k x n and B as m x k, to be used transposed). Only for CPUs that run Skylake-SP's
/// instructions (AVX-512 F, CD, BW, DQ and VL, and everything Haswell has).
///
/// Not inlinable, on purpose: it must stay in this module, compiled for Skylake-SP.
@inline(never)
public func avx512Product(a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                          n: Int, k: Int, m: Int, aTransposed: Bool, bTransposed: Bool, columns: Range<Int>,
                          prepackedB: UnsafePointer<Double>? = nil) {
    BlockedProduct<AVX512Kernel>(a: a, b: b, c: c, n: n, k: k, m: m, aTransposed: aTransposed, bTransposed: bTransposed,
                             prepackedB: prepackedB)
        .multiply(columns: columns)
}

/// B (k x m) packed for this module's kernel (`BlockedProduct.packedCopy`), for a later
/// `avx512Product(..., prepackedB:)`. Only for CPUs that run Skylake-SP's instructions.
@inline(never)
public func avx512PackedCopy(of b: UnsafePointer<Double>, k: Int, m: Int) -> [Double] {
    BlockedProduct<AVX512Kernel>.packedCopy(of: b, k: k, m: m)
}

/// `MicroKernel.softmax` compiled for Skylake-SP: one instruction per eight values. The same
/// numbers as every other module's. Only for CPUs that run Skylake-SP's instructions.
@inline(never)
public func avx512Softmax(_ row: UnsafePointer<Double>, into target: UnsafeMutablePointer<Double>, count: Int) {
    AVX512Kernel.softmax(row, into: target, count: count)
}
