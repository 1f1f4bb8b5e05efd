import Dispatch
import ProductKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `Trace.compute` does its matrix products, where nearly all of its time goes. The
/// stages themselves are written once (`Trace+Compute.swift`); this only chooses the product
/// they call and whether the heads run one after another or side by side.
///
/// - `reference`: the readable product of `Matrix+Arithmetic.swift`, one head after another.
///   This is what the teaching explains and what the fast path is tested against.
/// - `portable`, `fused` and `avx512`: the blocked SIMD products of `Matrix+FastProduct.swift`,
///   with the large products split across `threads` and the heads (independent of one another)
///   computed in parallel. `portable` runs on any CPU and gives the reference's numbers bit for
///   bit; `fused` needs AVX2 and FMA (x86-64-v3), is about twice as fast, and agrees with the
///   reference to the last few bits (fused multiply-adds round once, not twice); `avx512` needs
///   AVX-512 (x86-64-v4), has twice the vector width, and gives `fused`'s numbers bit for bit.
public struct Kernels: Equatable, Sendable {
    public enum Product: String, Equatable, Sendable, CaseIterable {
        case reference, portable, fused, avx512
    }

    public let product: Product
    /// Threads the work may use (1 for the reference).
    public let threads: Int
    /// Whether a trace computed with these kernels stops when Ctrl-C is pressed
    /// (`Interruption`): the REPL's traces do; a fit or a training run, which stop between
    /// their steps and keep what they reached, do not.
    public private(set) var interruptible = false
    /// Where weights packed for the blocked kernels are kept between traces, if anywhere
    /// (`keepingPackedWeights(_:)`); nil packs them on every product.
    public private(set) var packedWeights: PackedWeights?

    public static let reference = Kernels(product: .reference, threads: 1)
    /// The fastest kernels this CPU runs, on every core.
    public static var fast: Kernels { fast(threads: processorCount) }

    /// The fastest kernels this CPU runs (`Product.fastest`), on at most `threads` threads
    /// (at least 1).
    public static func fast(threads: Int) -> Kernels {
        Kernels(product: .fastest, threads: threads)
    }

    /// `product` on at most `threads` threads (at least 1). A product the CPU cannot run
    /// runs as the fastest it can (`Product.runnable`).
    public init(product: Product, threads: Int) {
        self.product = product.runnable
        self.threads = product == .reference ? 1 : max(1, threads)
    }

    /// The same kernels, stopping a trace when Ctrl-C is pressed.
    public var interruptibly: Kernels {
        var kernels = self
        kernels.interruptible = true
        return kernels
    }

    /// The same kernels, packing each weight matrix once into `store` and reusing it in later
    /// products with the same weight (`multiplyByWeight`). The numbers do not change.
    public func keepingPackedWeights(_ store: PackedWeights) -> Kernels {
        var kernels = self
        kernels.packedWeights = store
        return kernels
    }

    /// The cores this process may use.
    public static var processorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// `A B`.
    public func multiply(_ a: Matrix, _ b: Matrix, operation: String) throws -> Matrix {
        switch product {
        case .reference: return try a.multiplied(by: b, operation: operation)
        case .portable, .fused, .avx512:
            return try a.fastMultiplied(by: b, operation: operation, kernel: product, threads: threads)
        }
    }

    /// `A W` for a weight matrix W, which the next trace will likely multiply by again: with a
    /// `PackedWeights` store, W is packed once and kept (for products large enough to be
    /// packed at all: above `BlockedProduct.directLimit` multiply-adds); otherwise as `multiply`.
    public func multiplyByWeight(_ a: Matrix, _ weight: Matrix, operation: String) throws -> Matrix {
        guard let packedWeights, product != .reference,
              a.rows * weight.rows * weight.cols > BlockedProduct<PortableKernel>.directLimit else {
            return try multiply(a, weight, operation: operation)
        }
        return try a.fastMultiplied(by: weight, operation: operation, kernel: product, threads: threads,
                                    packed: packedWeights.packed(weight, for: product))
    }

    /// `A Bᵀ` (the scores `Q Kᵀ`).
    public func multiplyTransposed(_ a: Matrix, _ b: Matrix, operation: String) throws -> Matrix {
        switch product {
        case .reference: return try a.multiplied(by: b.transposed, operation: operation)
        case .portable, .fused, .avx512:
            return try a.fastMultipliedByTransposed(b, operation: operation, kernel: product, threads: threads)
        }
    }

    /// `Aᵀ B`, (k x n)ᵀ(k x m) -> (n x m): the weight gradients `Xᵀ dL/dQ` of the backward
    /// pass.
    public func multiplyTransposingLeft(_ a: Matrix, _ b: Matrix, operation: String) throws -> Matrix {
        switch product {
        case .reference: return try a.transposed.multiplied(by: b, operation: operation)
        case .portable, .fused, .avx512:
            return try a.fastMultipliedTransposingLeft(b, operation: operation, kernel: product, threads: threads)
        }
    }

    /// `[body(0), ..., body(count - 1)]`, for independent pieces of work such as the heads,
    /// each about `multiplyAdds` multiply-adds. With more than one thread and pieces big enough
    /// to pay for starting threads, the pieces run concurrently, each given single-threaded
    /// kernels so that the threads are not oversubscribed. The first error (by index) is thrown.
    public func map<T: Sendable>(_ count: Int, multiplyAdds: Int, _ body: (Int, Kernels) throws -> T) throws -> [T] {
        guard threads > 1, count > 1, multiplyAdds >= 1 << 14 else {
            return try (0..<count).map { try body($0, self) }
        }
        let serial = interruptible ? Kernels(product: product, threads: 1).interruptibly : Kernels(product: product, threads: 1)
        var results = [Result<T, Error>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only its own slot.
            nonisolated(unsafe) let slots = buffer
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let body = body
                DispatchQueue.concurrentPerform(iterations: count) { i in
                    slots[i] = Result { try body(i, serial) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }
}
