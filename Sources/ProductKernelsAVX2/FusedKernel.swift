import ProductKernels

/// The micro-kernel for CPUs with AVX2 and FMA (x86-64-v3: Intel Core since Haswell, AMD since
/// Excavator): a 6 x 8 tile of C in twelve 256-bit registers, fed by two loads of B and six
/// broadcasts of A per step, twelve fused multiply-adds.
///
/// A fused multiply-add rounds once where the readable product rounds twice, so results differ
/// from it in the last bits: each element by at most about 2 k u sum_t |a_t b_t| (k terms,
/// unit roundoff u = 2^-53), the classic bound for two ways of summing the same products. The
/// tests hold every element to that bound.
///
/// This module is compiled for Haswell's instruction set (see Package.swift): call it only when
/// `attention_cpu_runs_haswell_code()` (module Platform) says the CPU has it.
enum FusedKernel: FusedMultiplyAddKernel {
    static let rows = 6
    static let columns = 8
    static let copiesOfA = 1
    static let sliceDepth = 256
    static let blockHeight = 72

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
        typealias V = SIMD4<Double>
        func load(_ r: Int, _ half: Int) -> V {
            r < height ? UnsafeRawPointer(c + r * ldc + 4 * half).loadUnaligned(as: V.self) : V()
        }
        func store(_ v: V, _ r: Int, _ half: Int) {
            if r < height { UnsafeMutableRawPointer(c + r * ldc + 4 * half).storeBytes(of: v, as: V.self) }
        }
        var (c00, c01, c10, c11, c20, c21) = (load(0, 0), load(0, 1), load(1, 0), load(1, 1), load(2, 0), load(2, 1))
        var (c30, c31, c40, c41, c50, c51) = (load(3, 0), load(3, 1), load(4, 0), load(4, 1), load(5, 0), load(5, 1))
        var pa = a
        var pb = UnsafeRawPointer(b)
        for _ in 0..<depth {
            let b0 = pb.loadUnaligned(as: V.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 32, as: V.self)
            var x = V(repeating: pa[0])
            c00.addProduct(x, b0); c01.addProduct(x, b1)
            if height > 1 { x = V(repeating: pa[1]); c10.addProduct(x, b0); c11.addProduct(x, b1) }
            if height > 2 { x = V(repeating: pa[2]); c20.addProduct(x, b0); c21.addProduct(x, b1) }
            if height > 3 { x = V(repeating: pa[3]); c30.addProduct(x, b0); c31.addProduct(x, b1) }
            if height > 4 { x = V(repeating: pa[4]); c40.addProduct(x, b0); c41.addProduct(x, b1) }
            if height > 5 { x = V(repeating: pa[5]); c50.addProduct(x, b0); c51.addProduct(x, b1) }
            pa += 6
            pb += ldb * MemoryLayout<Double>.stride
        }
        store(c00, 0, 0); store(c01, 0, 1); store(c10, 1, 0); store(c11, 1, 1); store(c20, 2, 0); store(c21, 2, 1)
        store(c30, 3, 0); store(c31, 3, 1); store(c40, 4, 0); store(c41, 4, 1); store(c50, 5, 0); store(c51, 5, 1)
    }
}

/// C (n x m) += A (n x k) B (k x m) with the fused kernel, for the columns given (A may be
/// given as k x n and B as m x k, to be used transposed). Only for CPUs that run Haswell's instructions (AVX2, FMA, ...).
///
/// Not inlinable, on purpose: it must stay in this module, compiled for Haswell.
@inline(never)
public func fusedProduct(a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                         n: Int, k: Int, m: Int, aTransposed: Bool, bTransposed: Bool, columns: Range<Int>,
                         prepackedB: UnsafePointer<Double>? = nil) {
    BlockedProduct<FusedKernel>(a: a, b: b, c: c, n: n, k: k, m: m, aTransposed: aTransposed, bTransposed: bTransposed,
                             prepackedB: prepackedB)
        .multiply(columns: columns)
}

/// B (k x m) packed for this module's kernel (`BlockedProduct.packedCopy`), for a later
/// `fusedProduct(..., prepackedB:)`. Only for CPUs that run Haswell's instructions.
@inline(never)
public func fusedPackedCopy(of b: UnsafePointer<Double>, k: Int, m: Int) -> [Double] {
    BlockedProduct<FusedKernel>.packedCopy(of: b, k: k, m: m)
}

/// `MicroKernel.softmax` compiled for Haswell: one instruction per four values. The same
/// numbers as every other module's. Only for CPUs that run Haswell's instructions.
@inline(never)
public func fusedSoftmax(_ row: UnsafePointer<Double>, into target: UnsafeMutablePointer<Double>, count: Int) {
    FusedKernel.softmax(row, into: target, count: count)
}
