/// A general matrix product in the classic blocked form (Goto and van de Geijn, "Anatomy of
/// high-performance matrix multiplication", 2008), for any `MicroKernel`.
///
/// C (n x m) += A (n x k) B (k x m) is cut three ways so that each piece of data is reused
/// from the fastest memory it fits in:
/// - C's columns in panels of at most `panelWidth` (1024), which bounds the packing buffer;
/// - the inner dimension in slices of kc (`Kernel.sliceDepth`), taken in increasing order. A
///   kc-deep slice of a panel of B is copied ("packed") once into strips of nr columns, each
///   strip contiguous, so the one the micro-kernel reads stays in the L1 cache (the whole
///   packed slice, at most 2 MiB, waits in the L3 cache);
/// - rows of A in blocks of mc (`Kernel.blockHeight`), packed into strips of mr rows (the
///   L2 cache holds the block);
/// - the micro-kernel keeps an mr x nr tile of C in registers for a whole slice, so each value
///   of A it loads is used nr times and each value of B mr times. A tile at C's bottom edge is
///   computed in place with only the rows C has (`accumulate(rows:...)`); one at the right edge
///   at the kernel's width in a scratch tile (`tile`).
/// C is accumulated in place slice after slice, so each element still sums its terms in order
/// t = 0, 1, ...; whether it equals the readable product bit for bit is up to the kernel.
///
/// Products too small to pay for packing (`directLimit`) skip the blocking and run one plain
/// loop with the kernel's own multiply-add (`MicroKernel.multiplyAdd`): every element still sums
/// the same terms in the same order with the same roundings, so both routes give the same
/// numbers bit for bit. A product of few rows (`unpackedRows`: a short sentence through a
/// model's weights) reads B where it is, since each strip of B is used too few times to repay
/// copying it; only a last, partial strip of columns is packed.
///
/// B may come packed already (`prepackedB`, laid out by `packedCopy`): a weight matrix used in
/// trace after trace with the same values is then packed once, not on every product.
///
/// The operands are raw row-major pointers, valid while `multiply` runs. Several threads may
/// each run a `BlockedProduct` of the same operands when each gives a different range of C's
/// columns: A and B are only read, and each call packs into buffers of its own.
///
/// Everything is `@inlinable` so that it is compiled, and specialised for the kernel, in the
/// module that names the kernel: the AVX2 kernel's module builds this loop with AVX2 too.
public struct BlockedProduct<Kernel: MicroKernel> {
    @usableFromInline let a: UnsafePointer<Double>
    @usableFromInline let b: UnsafePointer<Double>
    @usableFromInline let c: UnsafeMutablePointer<Double>
    @usableFromInline let n: Int, k: Int, m: Int
    /// A is given as a k x n matrix and used as its transpose (`Aᵀ B`, as the weight
    /// gradients `Xᵀ dL/dQ` need).
    @usableFromInline let aTransposed: Bool
    /// B is given as an m x k matrix and used as its transpose (`A Bᵀ`, as `Q Kᵀ` needs).
    @usableFromInline let bTransposed: Bool
    /// All of B, packed by `packedCopy` for this kernel, or nil to pack B while multiplying.
    @usableFromInline let prepackedB: UnsafePointer<Double>?

    /// C (n x m) += A (n x k) times B (k x m); A may be given as k x n and B as m x k, to be
    /// used transposed.
    @inlinable
    public init(a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                n: Int, k: Int, m: Int, aTransposed: Bool = false, bTransposed: Bool,
                prepackedB: UnsafePointer<Double>? = nil) {
        (self.a, self.b, self.c, self.n, self.k, self.m) = (a, b, c, n, k, m)
        (self.aTransposed, self.bTransposed, self.prepackedB) = (aTransposed, bTransposed, prepackedB)
    }

    /// All of B (k x m, given the right way round) packed as `multiply` packs it, for a later
    /// product's `prepackedB`: slice after slice, each slice's strips covering every column.
    /// Slice pc (a multiple of `sliceDepth`) starts at `pc * roundUp(m, nr)`, and in it the
    /// strip of columns j ..< j + nr (j a multiple of nr) at `j * depth`; the last strip is
    /// padded with zeros, so there are `k * roundUp(m, nr)` values.
    @inlinable
    public static func packedCopy(of b: UnsafePointer<Double>, k: Int, m: Int) -> [Double] {
        let count = k * roundUp(m, Kernel.columns)
        return [Double](unsafeUninitializedCapacity: count) { packed, initialised in
            let sliceDepth = min(Kernel.sliceDepth, k)
            for pc in stride(from: 0, to: k, by: sliceDepth) {
                packB(b, k: k, m: m, transposed: false, into: packed.baseAddress! + pc * roundUp(m, Kernel.columns),
                      rows: pc, depth: min(sliceDepth, k - pc), columns: 0..<m)
            }
            initialised = count
        }
    }

    /// Columns of C (and of B) packed at a time.
    @usableFromInline static var panelWidth: Int { 1024 }

    /// Products of at most this many multiply-adds run as one plain loop (`multiplyDirectly`):
    /// at the sizes of one head of a short sequence (8 x 16 by 16 x 8), packing and edge tiles
    /// would cost more than the arithmetic.
    public static var directLimit: Int { 4096 }

    /// Products of A with at most this many rows read B in place (when B is not transposed).
    public static var unpackedRows: Int { 32 }

    /// A[i][t], wherever A is stored.
    @inlinable @inline(__always)
    func aValue(_ i: Int, _ t: Int) -> Double {
        aTransposed ? a[t * n + i] : a[i * k + t]
    }

    /// C[:, columns] += A B[:, columns]. The only allocations are the packing buffers, once
    /// per call.
    @inlinable
    public func multiply(columns: Range<Int>) {
        let (mr, nr) = (Kernel.rows, Kernel.columns)
        guard n > 0, k > 0, !columns.isEmpty else { return }
        if n * k * columns.count <= Self.directLimit && prepackedB == nil { return multiplyDirectly(columns: columns) }
        // A prepacked B is laid out in strips from column 0: the columns must start on one.
        let prepacked = columns.lowerBound % nr == 0 ? prepackedB : nil
        let sliceDepth = min(Kernel.sliceDepth, k)
        let blockHeight = roundUp(min(Kernel.blockHeight, n), mr)
        let packedB = UnsafeMutablePointer<Double>.allocate(
            capacity: prepacked == nil ? sliceDepth * roundUp(min(Self.panelWidth, columns.count), nr) : 0)
        let packedA = UnsafeMutablePointer<Double>.allocate(capacity: Kernel.copiesOfA * blockHeight * sliceDepth)
        // The tiles at the right edge of C are computed here at the kernel's width.
        let edge = UnsafeMutablePointer<Double>.allocate(capacity: mr * nr)
        defer {
            packedB.deallocate()
            packedA.deallocate()
            edge.deallocate()
        }
        let inPlace = !bTransposed && n <= Self.unpackedRows
        for panelStart in stride(from: columns.lowerBound, to: columns.upperBound, by: Self.panelWidth) {
            let panel = panelStart..<min(panelStart + Self.panelWidth, columns.upperBound)
            let wholeStrips = panel.count / nr * nr
            for pc in stride(from: 0, to: k, by: sliceDepth) {
                let depth = min(sliceDepth, k - pc)
                // This slice's strips, the first for the panel's first column.
                let ready = prepacked.map { $0 + pc * roundUp(m, nr) + panel.lowerBound * depth }
                if ready != nil {
                    // Nothing to pack.
                } else if !inPlace {
                    packB(into: packedB, rows: pc, depth: depth, columns: panel)
                } else if wholeStrips < panel.count {
                    // The last, partial strip, packed with zeros past B's last column (read in
                    // place, the tile would run off the end of B's rows).
                    packB(into: packedB + wholeStrips * depth, rows: pc, depth: depth,
                          columns: panel.lowerBound + wholeStrips..<panel.upperBound)
                }
                for ic in stride(from: 0, to: n, by: blockHeight) {
                    let height = min(blockHeight, n - ic)
                    packA(into: packedA, rows: ic, height: height, columns: pc, depth: depth)
                    for jr in stride(from: 0, to: panel.count, by: nr) {
                        let tileColumns = min(nr, panel.count - jr)
                        for ir in stride(from: 0, to: height, by: mr) {
                            let tileRows = min(mr, height - ir)
                            let target = c + (ic + ir) * m + panel.lowerBound + jr
                            let stripA = packedA + Kernel.copiesOfA * ir * depth
                            let (stripB, ldb) = if let ready {
                                (ready + jr * depth, nr)
                            } else if inPlace && jr < wholeStrips {
                                (b + pc * m + panel.lowerBound + jr, m)
                            } else {
                                (UnsafePointer(packedB) + jr * depth, nr)
                            }
                            if tileColumns == nr {
                                Kernel.accumulate(rows: tileRows, depth: depth, a: stripA, b: stripB, ldb: ldb, c: target, ldc: m)
                            } else {
                                tile(depth: depth, a: stripA, b: stripB, ldb: ldb, c: target, rows: tileRows,
                                     columns: tileColumns, scratch: edge)
                            }
                        }
                    }
                }
            }
        }
    }

    /// C[:, columns] += A B[:, columns] with each element's terms added in order t = 0, 1, ...
    /// by the kernel's multiply-add, two rows and eight (then four, then one) columns at a time,
    /// the sums held in registers across t. A B given transposed is first copied the right way
    /// round (it is small: see `directLimit`).
    @inlinable
    func multiplyDirectly(columns: Range<Int>) {
        let width = columns.count
        withUnsafeTemporaryAllocation(of: Double.self, capacity: bTransposed ? k * width : 0) { copy in
            // Row t of B's columns `columns`, `stride` apart.
            let (rowsOfB, stride): (UnsafePointer<Double>, Int)
            if bTransposed {
                for t in 0..<k {
                    for j in 0..<width { copy[t * width + j] = b[(columns.lowerBound + j) * k + t] }
                }
                (rowsOfB, stride) = (UnsafePointer(copy.baseAddress!), width)
            } else {
                (rowsOfB, stride) = (b + columns.lowerBound, m)
            }
            // Rows i and i + 1; when n is odd the last row is computed twice, and the two equal
            // results are both stored.
            for i in Swift.stride(from: 0, to: n, by: 2) {
                let rows = (i, Swift.min(i + 1, n - 1))
                let targets = (c + rows.0 * m + columns.lowerBound, c + rows.1 * m + columns.lowerBound)
                var j = 0
                while j + 8 <= width {
                    accumulate(SIMD8<Double>.self, rows: rows, column: j, of: rowsOfB, stride: stride, into: targets)
                    j += 8
                }
                if j + 4 <= width {
                    accumulate(SIMD4<Double>.self, rows: rows, column: j, of: rowsOfB, stride: stride, into: targets)
                    j += 4
                }
                while j < width {
                    var (sum0, sum1) = (targets.0[j], targets.1[j])
                    for t in 0..<k {
                        let value = rowsOfB[t * stride + j]
                        sum0 = Kernel.multiplyAdd(sum0, aValue(rows.0, t), value)
                        sum1 = Kernel.multiplyAdd(sum1, aValue(rows.1, t), value)
                    }
                    (targets.0[j], targets.1[j]) = (sum0, sum1)
                    j += 1
                }
            }
        }
    }

    /// One vector of columns from `column` of two rows of C: C[row][column ..< column + lanes]
    /// += sum over t of A[row][t] B[t][column ..< column + lanes], B's row t at `b + t * stride`.
    @inlinable @inline(__always)
    func accumulate<V: SIMD>(_: V.Type, rows: (Int, Int), column: Int, of b: UnsafePointer<Double>, stride: Int,
                             into targets: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>))
    where V.Scalar == Double {
        var sum0 = UnsafeRawPointer(targets.0 + column).loadUnaligned(as: V.self)
        var sum1 = UnsafeRawPointer(targets.1 + column).loadUnaligned(as: V.self)
        for t in 0..<k {
            let value = UnsafeRawPointer(b + t * stride + column).loadUnaligned(as: V.self)
            sum0 = Kernel.multiplyAdd(sum0, V(repeating: aValue(rows.0, t)), value)
            sum1 = Kernel.multiplyAdd(sum1, V(repeating: aValue(rows.1, t)), value)
        }
        UnsafeMutableRawPointer(targets.0 + column).storeBytes(of: sum0, as: V.self)
        UnsafeMutableRawPointer(targets.1 + column).storeBytes(of: sum1, as: V.self)
    }

    /// A tile at the right edge of C, `rows` x `columns` (fewer columns than the kernel's),
    /// computed at the kernel's width in `scratch` and copied back. (A tile at the bottom edge
    /// only is computed in place: `accumulate(rows:...)`.)
    @inlinable
    func tile(depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int, c: UnsafeMutablePointer<Double>,
              rows: Int, columns: Int, scratch: UnsafeMutablePointer<Double>) {
        let nr = Kernel.columns
        for r in 0..<rows {
            for j in 0..<nr { scratch[r * nr + j] = j < columns ? c[r * m + j] : 0 }
        }
        Kernel.accumulate(rows: rows, depth: depth, a: a, b: b, ldb: ldb, c: scratch, ldc: nr)
        for r in 0..<rows {
            for j in 0..<columns { c[r * m + j] = scratch[r * nr + j] }
        }
    }

    /// A[rows ..< rows+height][columns ..< columns+depth] as strips of mr rows: within a strip
    /// the mr values of column t are adjacent, each stored `copiesOfA` times. Rows past the end
    /// are zeros.
    ///
    /// A is read along its own rows (along t, or along i when given transposed), so each value
    /// read is the next in memory; the strip being written is small enough to stay in the L1
    /// cache. (Reading the mr values of column t together, from mr rows k apart, was a tenth of
    /// a BERT-base trace.)
    @inlinable
    func packA(into packed: UnsafeMutablePointer<Double>, rows: Int, height: Int, columns: Int, depth: Int) {
        let (mr, copies) = (Kernel.rows, Kernel.copiesOfA)
        let step = copies * mr   // values per column t of a strip
        for strip in stride(from: 0, to: height, by: mr) {
            let out = packed + strip * copies * depth
            let first = rows + strip
            let count = min(mr, height - strip)
            if aTransposed {
                // Column t of the strip is A's row columns + t, read along i.
                for t in 0..<depth {
                    let source = a + (columns + t) * n + first
                    var target = out + t * step
                    for r in 0..<mr {
                        let value = r < count ? source[r] : 0
                        for copy in 0..<copies { target[copy] = value }
                        target += copies
                    }
                }
            } else {
                // Row r of the strip is A's row first + r, read along t.
                for r in 0..<mr {
                    var target = out + copies * r
                    if r < count {
                        var source = a + (first + r) * k + columns
                        for _ in 0..<depth {
                            for copy in 0..<copies { target[copy] = source.pointee }
                            source += 1
                            target += step
                        }
                    } else {
                        for _ in 0..<depth {
                            for copy in 0..<copies { target[copy] = 0 }
                            target += step
                        }
                    }
                }
            }
        }
    }

    /// B[rows ..< rows+depth][columns] as strips of nr columns (`packB(_:k:m:transposed:...)`).
    @inlinable
    func packB(into packed: UnsafeMutablePointer<Double>, rows: Int, depth: Int, columns: Range<Int>) {
        Self.packB(b, k: k, m: m, transposed: bTransposed, into: packed, rows: rows, depth: depth, columns: columns)
    }

    /// B[rows ..< rows+depth][columns] as strips of nr columns: within a strip the nr values
    /// of row t are adjacent. Columns past the end are zeros. B is k x m, or m x k when
    /// `transposed` (then used as its transpose).
    ///
    /// B is read in its own memory order (along its rows, or along the rows of the B given
    /// transposed), so the hardware prefetcher can stream it from memory: a large weight matrix
    /// is not in any cache when its product starts.
    @inlinable
    static func packB(_ b: UnsafePointer<Double>, k: Int, m: Int, transposed: Bool, into packed: UnsafeMutablePointer<Double>,
                      rows: Int, depth: Int, columns: Range<Int>) {
        let nr = Kernel.columns
        let stripSize = depth * nr
        if transposed {
            // Column j of the strip is B's row `strip + j`, read along t.
            for (s, strip) in stride(from: columns.lowerBound, to: columns.upperBound, by: nr).enumerated() {
                let out = packed + s * stripSize
                for j in 0..<nr {
                    if strip + j < columns.upperBound {
                        let source = b + (strip + j) * k + rows
                        for t in 0..<depth { out[t * nr + j] = source[t] }
                    } else {
                        for t in 0..<depth { out[t * nr + j] = 0 }
                    }
                }
            }
        } else {
            // Row t of B goes to row t of every strip.
            let full = columns.count / nr
            let rest = columns.count - full * nr
            for t in 0..<depth {
                let source = b + (rows + t) * m + columns.lowerBound
                var out = packed + t * nr
                for s in 0..<full {
                    copyRowOfStrip(from: source + s * nr, to: out)
                    out += stripSize
                }
                if rest > 0 {
                    for j in 0..<nr { out[j] = j < rest ? source[full * nr + j] : 0 }
                }
            }
        }
    }
}

extension BlockedProduct {
    /// Copies nr values, in vectors: written as a plain loop, the copy compiled to one value at
    /// a time (the compiler could not rule out that the two overlap).
    @inlinable @inline(__always)
    static func copyRowOfStrip(from source: UnsafePointer<Double>, to target: UnsafeMutablePointer<Double>) {
        let (from, to) = (UnsafeRawPointer(source), UnsafeMutableRawPointer(target))
        var offset = 0
        while offset + 64 <= 8 * Kernel.columns {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD8<Double>.self), toByteOffset: offset, as: SIMD8<Double>.self)
            offset += 64
        }
        while offset + 32 <= 8 * Kernel.columns {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self), toByteOffset: offset, as: SIMD4<Double>.self)
            offset += 32
        }
        while offset < 8 * Kernel.columns {
            to.storeBytes(of: from.load(fromByteOffset: offset, as: Double.self), toByteOffset: offset, as: Double.self)
            offset += 8
        }
    }
}

@inlinable
func roundUp(_ value: Int, _ multiple: Int) -> Int {
    (value + multiple - 1) / multiple * multiple
}
