import Platform
import Dispatch
import ProductKernels
import ProductKernelsAVX2
import ProductKernelsAVX512

extension Matrix {
    /// The matrix product `A B`, (n x k)(k x m) -> (n x m), by a cache-blocked SIMD kernel
    /// (`BlockedProduct` in module `ProductKernels`). Same formula as `multiplied(by:)`, each
    /// element's terms added in the same order t = 0, 1, ...: with the `.portable` kernel the
    /// two agree bit for bit; `.fused` and `.avx512` round once per multiply-add instead of
    /// twice, so they differ from it in the last bits (and agree with each other bit for bit).
    ///
    /// `threads` > 1 splits the columns of the result between that many threads when the
    /// product is large enough to pay for it. `kernel` `.reference` means `.portable` here, and
    /// a kernel the CPU cannot run means the best one it can (`Kernels.Product.runnable`).
    /// Throws when `A.cols != B.rows`.
    ///
    /// `packed`, when given, is B already packed for `kernel` (`PackedWeights`); B is then not
    /// packed again.
    public func fastMultiplied(by other: Matrix, operation: String = "matrix product",
                               kernel: Kernels.Product = .fastest, threads: Int = 1) throws -> Matrix {
        try fastMultiplied(by: other, operation: operation, kernel: kernel, threads: threads, packed: nil)
    }

    func fastMultiplied(by other: Matrix, operation: String, kernel: Kernels.Product, threads: Int,
                        packed: [Double]?) throws -> Matrix {
        guard cols == other.rows else {
            throw AttentionError.shapeMismatch(
                operation: operation, left: shape, right: other.shape,
                requirement: "the left matrix's \(cols) columns must equal the right matrix's \(other.rows) rows")
        }
        return FastProduct.product(self, other, transposingLeft: false, transposingRight: false, kernel: kernel,
                                   threads: threads, packedRight: packed)
    }

    /// `Aᵀ B`, (k x n)ᵀ(k x m) -> (n x m), as the weight gradients `Xᵀ dL/dQ` need:
    /// `(Aᵀ B)[i][j] = sum over t of A[t][i] * B[t][j]`, the terms added in order t = 0, 1, ...
    /// The transpose is never built: the kernel reads A's columns while packing them.
    ///
    /// Throws when `A.rows != B.rows`.
    public func fastMultipliedTransposingLeft(_ other: Matrix, operation: String = "matrix product",
                                              kernel: Kernels.Product = .fastest, threads: Int = 1) throws -> Matrix {
        guard rows == other.rows else {
            throw AttentionError.shapeMismatch(
                operation: operation, left: Shape(cols, rows), right: other.shape,
                requirement: "the left matrix's \(rows) columns (it is transposed) must equal the right matrix's \(other.rows) rows")
        }
        return FastProduct.product(self, other, transposingLeft: true, transposingRight: false, kernel: kernel, threads: threads)
    }

    /// `A Bᵀ`, (n x k)(m x k)ᵀ -> (n x m), as `Q Kᵀ` needs: `(A Bᵀ)[i][j] = sum over t of
    /// A[i][t] * B[j][t]`, the terms added in order t = 0, 1, ... The transpose is never built:
    /// the kernel reads B's rows as the columns it needs while packing them.
    ///
    /// Throws when `A.cols != B.cols`.
    public func fastMultipliedByTransposed(_ other: Matrix, operation: String = "matrix product",
                                           kernel: Kernels.Product = .fastest, threads: Int = 1) throws -> Matrix {
        guard cols == other.cols else {
            throw AttentionError.shapeMismatch(
                operation: operation, left: shape, right: Shape(other.cols, other.rows),
                requirement: "the left matrix's \(cols) columns must equal the right matrix's \(other.cols) rows (it is transposed)")
        }
        return FastProduct.product(self, other, transposingLeft: false, transposingRight: true, kernel: kernel, threads: threads)
    }
}

/// Runs a blocked product with the kernel asked for, on one thread or several.
enum FastProduct {
    /// Below this many multiply-adds a second thread costs more than it saves.
    static let parallelThreshold = 1 << 21
    /// Workers get bands of C's columns in multiples of this (a multiple of every kernel's
    /// tile width), so that only the last band has a partial tile, and each band starts on a
    /// strip of a packed B.
    static let band = 16

    /// `packedRight` is B packed whole for `kernel` (`PackedWeights.pack`), if it is.
    static func product(_ a: Matrix, _ b: Matrix, transposingLeft: Bool, transposingRight: Bool,
                        kernel: Kernels.Product, threads: Int, packedRight: [Double]? = nil) -> Matrix {
        let (n, k) = transposingLeft ? (a.cols, a.rows) : (a.rows, a.cols)
        let m = transposingRight ? b.rows : b.cols
        var c = Matrix(rows: n, cols: m)
        let bands = (m + band - 1) / band
        let workers = n * k * m < parallelThreshold ? 1 : max(1, min(threads, bands))
        let kernel = kernel.runnable
        a.values.withUnsafeBufferPointer { aBuffer in
            b.values.withUnsafeBufferPointer { bBuffer in
                (packedRight ?? []).withUnsafeBufferPointer { packedBuffer in
                    c.withUnsafeMutableStorage { cBuffer in
                        let (pa, pb, pc) = (aBuffer.baseAddress!, bBuffer.baseAddress!, cBuffer.baseAddress!)
                        nonisolated(unsafe) let operands = (pa, pb, pc, packedRight == nil ? nil : packedBuffer.baseAddress)
                        @Sendable func multiply(_ columns: Range<Int>) {
                            let (pa, pb, pc, packed) = operands
                            switch kernel {
                            case .avx512:
                                avx512Product(a: pa, b: pb, c: pc, n: n, k: k, m: m, aTransposed: transposingLeft,
                                              bTransposed: transposingRight, columns: columns, prepackedB: packed)
                            case .fused:
                                fusedProduct(a: pa, b: pb, c: pc, n: n, k: k, m: m, aTransposed: transposingLeft,
                                             bTransposed: transposingRight, columns: columns, prepackedB: packed)
                            case .portable, .reference:
                                BlockedProduct<PortableKernel>(a: pa, b: pb, c: pc, n: n, k: k, m: m,
                                                              aTransposed: transposingLeft, bTransposed: transposingRight,
                                                              prepackedB: packed)
                                    .multiply(columns: columns)
                            }
                        }
                        if workers == 1 {
                            multiply(0..<m)
                        } else {
                            // Each worker owns a band of C's columns: no two threads write the same
                            // element, and each packs its own copies.
                            DispatchQueue.concurrentPerform(iterations: workers) { w in
                                let first = bands * w / workers * band
                                let last = min(m, bands * (w + 1) / workers * band)
                                if first < last { multiply(first..<last) }
                            }
                        }
                    }
                }
            }
        }
        return c
    }
}

extension Kernels.Product {
    /// Whether this CPU can run the kernel (`.fused` and `.avx512` need more than baseline
    /// x86-64).
    public var isAvailable: Bool {
        switch self {
        case .reference, .portable: return true
        case .fused: return CPU.runsHaswellCode
        case .avx512: return CPU.runsAVX512Code
        }
    }

    /// The kernel that runs when this one is asked for: itself, or the fastest this CPU runs
    /// when it cannot run this one (`.fused` for `.avx512` without AVX-512, `.portable` for
    /// either without AVX2 and FMA).
    public var runnable: Kernels.Product {
        isAvailable ? self : .fastest
    }

    /// The fastest blocked kernel this CPU runs: `.avx512` where it has AVX-512, `.fused`
    /// where it has AVX2 and FMA, `.portable` elsewhere.
    public static var fastest: Kernels.Product {
        CPU.runsAVX512Code ? .avx512 : CPU.runsHaswellCode ? .fused : .portable
    }

    /// The softmax of one row (`MicroKernel.softmax`: row, target, count) as built in this
    /// kernel's module, for its instruction set; every build gives the same numbers bit for bit.
    /// A kernel the CPU cannot run gives the fastest build it can.
    public var rowSoftmax: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void {
        switch runnable {
        case .avx512: return avx512Softmax
        case .fused: return fusedSoftmax
        case .portable, .reference: return PortableKernel.softmax
        }
    }

    /// What the kernel needs from the CPU, for messages: "AVX-512" or "AVX2 and FMA"; nil
    /// for the kernels every CPU runs.
    public var requirement: String? {
        switch self {
        case .reference, .portable: return nil
        case .fused: return "AVX2 and FMA"
        case .avx512: return "AVX-512"
        }
    }
}

/// What the CPU offers, asked once.
enum CPU {
    /// AVX2, FMA and the rest of what module ProductKernelsAVX2 is compiled for (Haswell's
    /// instruction set).
    static let runsHaswellCode = attention_cpu_runs_haswell_code() != 0
    /// AVX-512 and the rest of what module ProductKernelsAVX512 is compiled for (Skylake-SP's
    /// instruction set).
    static let runsAVX512Code = attention_cpu_runs_avx512_code() != 0
}
