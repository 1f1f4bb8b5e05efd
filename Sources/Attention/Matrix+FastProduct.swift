import Dispatch

extension Matrix {
    /// The matrix product `A B`, (n x k)(k x m) -> (n x m), computed by the cache-blocked SIMD
    /// kernel below. Same formula and same order of additions as `multiplied(by:)`: every
    /// element sums its products in order t = 0, 1, ..., each product rounded and then added
    /// (no fused multiply-add), so the two agree bit for bit. Only the order in which the
    /// *elements* are visited changes, which is what makes it fast.
    ///
    /// `threads` > 1 splits the columns of the result between that many threads when the
    /// product is large enough to pay for it. Throws when `A.cols != B.rows`.
    public func fastMultiplied(by other: Matrix, operation: String = "matrix product", threads: Int = 1) throws -> Matrix {
        guard cols == other.rows else {
            throw AttentionError.shapeMismatch(
                operation: operation, left: shape, right: other.shape,
                requirement: "the left matrix's \(cols) columns must equal the right matrix's \(other.rows) rows")
        }
        return FastProduct.product(self, other, transposingRight: false, threads: threads)
    }

    /// `A Bᵀ`, (n x k)(m x k)ᵀ -> (n x m), as `Q Kᵀ` needs: `(A Bᵀ)[i][j] = sum over t of
    /// A[i][t] * B[j][t]`, the terms added in order t = 0, 1, ... The transpose is never built:
    /// the kernel reads B's rows as the columns it needs while packing them.
    ///
    /// Throws when `A.cols != B.cols`.
    public func fastMultipliedByTransposed(_ other: Matrix, operation: String = "matrix product", threads: Int = 1) throws -> Matrix {
        guard cols == other.cols else {
            throw AttentionError.shapeMismatch(
                operation: operation, left: shape, right: Shape(other.cols, other.rows),
                requirement: "the left matrix's \(cols) columns must equal the right matrix's \(other.cols) rows (it is transposed)")
        }
        return FastProduct.product(self, other, transposingRight: true, threads: threads)
    }
}

/// A general matrix product in the classic blocked form (Goto and van de Geijn, "Anatomy of
/// high-performance matrix multiplication", 2008), written with Swift's SIMD types.
///
/// C (n x m) += A (n x k) B (k x m) is cut three ways so that each piece of data is reused
/// from the fastest memory it fits in:
/// - columns of C in panels of `nc` (wide, so A is packed again rarely; the packed slice of B
///   waits in the L3 cache); inner dimension in slices of `kc`. A kc x nc slice of B is
///   copied ("packed") once into strips of `nr` columns, each strip contiguous (kc x nr, 6 KiB,
///   which stays in the L1 cache while the rows of A stream past it);
/// - rows of A in blocks of `mc`, packed into strips of `mr` rows (each value four times, so a
///   broadcast is a plain load: 4 x mc x kc, 288 KiB, in the L2 cache);
/// - the micro-kernel keeps an mr x nr tile of C in registers (six SIMD4<Double>) for a whole
///   kc slice, so each loaded value of A is used nr times and each of B mr times.
/// The slices of the inner dimension are taken in increasing order and C is accumulated in
/// place, so each element's sum runs t = 0, 1, ... exactly as in the readable product.
enum FastProduct {
    static let mr = 6
    static let nr = 4
    static let kc = 192
    static let mc = 48
    static let nc = 1024
    /// Below this many multiply-adds a second thread costs more than it saves.
    static let parallelThreshold = 1 << 21

    static func product(_ a: Matrix, _ b: Matrix, transposingRight: Bool, threads: Int) -> Matrix {
        let (n, k) = (a.rows, a.cols)
        let m = transposingRight ? b.rows : b.cols
        var c = Matrix(rows: n, cols: m)
        let workers = n * k * m < parallelThreshold ? 1 : max(1, min(threads, (m + nr - 1) / nr))
        a.values.withUnsafeBufferPointer { aBuffer in
            b.values.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableStorage { cBuffer in
                    let operands = Operands(a: aBuffer.baseAddress!, b: bBuffer.baseAddress!, c: cBuffer.baseAddress!,
                                            n: n, k: k, m: m, bTransposed: transposingRight)
                    if workers == 1 {
                        operands.multiply(columns: 0..<m)
                    } else {
                        // Each worker owns a band of C's columns (a multiple of nr wide): no two
                        // threads write the same element, and each packs its own copies.
                        let strips = (m + nr - 1) / nr
                        DispatchQueue.concurrentPerform(iterations: workers) { w in
                            let first = strips * w / workers * nr
                            let last = min(m, strips * (w + 1) / workers * nr)
                            if first < last { operands.multiply(columns: first..<last) }
                        }
                    }
                }
            }
        }
        return c
    }

    /// The three row-major operands of one product. Raw pointers, valid for the duration of
    /// `product`'s closures; workers share A and B (read only) and write disjoint parts of C.
    struct Operands: @unchecked Sendable {
        let a: UnsafePointer<Double>
        let b: UnsafePointer<Double>
        let c: UnsafeMutablePointer<Double>
        let n: Int, k: Int, m: Int
        /// B is given as an m x k matrix and used as its transpose.
        let bTransposed: Bool

        /// C[:, columns] += A B[:, columns].
        func multiply(columns: Range<Int>) {
            let panelWidth = min(nc, roundUp(columns.count, nr))
            let sliceDepth = min(kc, k)
            let blockHeight = min(mc, roundUp(n, mr))
            // The only allocations: the packing buffers, once per product and worker.
            let packedB = UnsafeMutablePointer<Double>.allocate(capacity: sliceDepth * panelWidth)
            let packedA = UnsafeMutablePointer<Double>.allocate(capacity: 4 * blockHeight * sliceDepth)
            defer {
                packedB.deallocate()
                packedA.deallocate()
            }
            for jc in stride(from: columns.lowerBound, to: columns.upperBound, by: nc) {
                let width = min(nc, columns.upperBound - jc)
                for pc in stride(from: 0, to: k, by: kc) {
                    let depth = min(kc, k - pc)
                    packB(into: packedB, rows: pc, depth: depth, columns: jc, width: width)
                    for ic in stride(from: 0, to: n, by: mc) {
                        let height = min(mc, n - ic)
                        packA(into: packedA, rows: ic, height: height, columns: pc, depth: depth)
                        for jr in stride(from: 0, to: width, by: nr) {
                            for ir in stride(from: 0, to: height, by: mr) {
                                FastProduct.microKernel(depth: depth,
                                            a: packedA + 4 * ir * depth, b: packedB + jr * depth,
                                            c: c + (ic + ir) * m + jc + jr, ldc: m,
                                            rows: min(mr, height - ir), cols: min(nr, width - jr))
                            }
                        }
                    }
                }
            }
        }

        /// A[rows ..< rows+height, columns ..< columns+depth] as strips of mr rows: within a
        /// strip, the mr values of column t are adjacent, each written four times (a, a, a, a) so
        /// that the micro-kernel loads it straight into every lane. Rows past the end are zeros.
        func packA(into packed: UnsafeMutablePointer<Double>, rows: Int, height: Int, columns: Int, depth: Int) {
            var out = packed
            for strip in stride(from: 0, to: height, by: mr) {
                for t in 0..<depth {
                    for r in 0..<mr {
                        let i = strip + r
                        let value = i < height ? a[(rows + i) * k + columns + t] : 0
                        for lane in 0..<4 { out[4 * r + lane] = value }
                    }
                    out += 4 * mr
                }
            }
        }

        /// B[rows ..< rows+depth, columns ..< columns+width] as strips of nr columns: within a
        /// strip, the nr values of row t are adjacent. Columns past the end are zeros.
        func packB(into packed: UnsafeMutablePointer<Double>, rows: Int, depth: Int, columns: Int, width: Int) {
            var out = packed
            for strip in stride(from: 0, to: width, by: nr) {
                let full = strip + nr <= width
                for t in 0..<depth {
                    let row = rows + t
                    if !bTransposed && full {
                        let source = b + row * m + columns + strip
                        for j in 0..<nr { out[j] = source[j] }
                    } else {
                        for j in 0..<nr {
                            let column = columns + strip + j
                            guard strip + j < width else { out[j] = 0; continue }
                            out[j] = bTransposed ? b[column * k + row] : b[row * m + column]
                        }
                    }
                    out += nr
                }
            }
        }
    }

    static func roundUp(_ value: Int, _ multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }

    /// C tile (rows x cols, at most mr x nr, row stride ldc) += packed A strip times packed B
    /// strip, over `depth` steps t. The 6 x 4 tile of C lives in six SIMD4<Double> registers
    /// for the whole slice. Six accumulators are enough to keep two multiply and two add units
    /// busy with 256-bit vectors (AVX2) and, split in halves, fill twelve of the sixteen
    /// 128-bit registers of baseline x86-64 (SSE2) without spilling. Each step multiplies then
    /// adds (two roundings, as the readable product does), never a fused multiply-add, so the
    /// sums match it exactly.
    @inline(__always)
    static func microKernel(depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                            c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, cols: Int) {
        typealias V = SIMD4<Double>
        // A partial tile (the bottom or right edge of C) goes through a full-size copy, so the
        // loop below is always the same straight-line code.
        let full = rows == mr && cols == nr
        var edge = (V(), V(), V(), V(), V(), V())
        if !full {
            withUnsafeMutableBytes(of: &edge) { bytes in
                let tile = bytes.baseAddress!.assumingMemoryBound(to: Double.self)
                for r in 0..<rows { for j in 0..<cols { tile[r * nr + j] = c[r * ldc + j] } }
            }
        }
        func load(_ r: Int) -> V { UnsafeRawPointer(c + r * ldc).loadUnaligned(as: V.self) }
        var (c0, c1, c2, c3, c4, c5) = full ? (load(0), load(1), load(2), load(3), load(4), load(5)) : edge
        // Packed A holds each value four times, so a broadcast is a plain load.
        var pa = UnsafeRawPointer(a)
        var pb = UnsafeRawPointer(b)
        let step = MemoryLayout<V>.stride
        for _ in 0..<depth {
            let bt = pb.load(as: V.self)
            c0 += pa.load(as: V.self) * bt
            c1 += pa.load(fromByteOffset: step, as: V.self) * bt
            c2 += pa.load(fromByteOffset: 2 * step, as: V.self) * bt
            c3 += pa.load(fromByteOffset: 3 * step, as: V.self) * bt
            c4 += pa.load(fromByteOffset: 4 * step, as: V.self) * bt
            c5 += pa.load(fromByteOffset: 5 * step, as: V.self) * bt
            pa += mr * step
            pb += step
        }
        if full {
            func store(_ v: V, _ r: Int) { UnsafeMutableRawPointer(c + r * ldc).storeBytes(of: v, as: V.self) }
            store(c0, 0); store(c1, 1); store(c2, 2); store(c3, 3); store(c4, 4); store(c5, 5)
        } else {
            edge = (c0, c1, c2, c3, c4, c5)
            withUnsafeBytes(of: &edge) { bytes in
                let tile = bytes.baseAddress!.assumingMemoryBound(to: Double.self)
                for r in 0..<rows { for j in 0..<cols { c[r * ldc + j] = tile[r * nr + j] } }
            }
        }
    }
}
