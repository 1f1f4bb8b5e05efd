import ProductKernels
import ProductKernelsAVX2
import ProductKernelsAVX512
import Synchronization

/// Weight matrices packed for a blocked kernel, kept between traces.
///
/// The REPL recomputes the whole trace after every command, nearly always with the weights it
/// had before; packing them for the kernel (`BlockedProduct.packedCopy`) is a tenth of a large
/// trace. Given to `Kernels.keepingPackedWeights(_:)`, a store packs each weight the first time
/// it is multiplied and hands the packed copy to every later product with the same matrix.
///
/// "The same matrix" is decided without reading it: the store keeps a copy of the matrix's
/// storage, which shares its buffer (copy-on-write), so while the entry lives that buffer can be
/// neither freed nor changed in place. A matrix whose storage starts at the same address, with
/// the same shape, is therefore the same values; any change to a weight makes a new buffer and
/// misses. The numbers are those of packing on every product, bit for bit.
///
/// It holds the most recent `capacity` weights (a layer's four projections and a few more), at
/// the cost of one packed copy of each. Safe to share between threads.
public final class PackedWeights: Sendable {
    /// One packed weight: the matrix (holding its buffer), the address that identifies it, the
    /// kernel it is packed for, and the packed values.
    struct Entry {
        let source: Matrix
        let address: UInt
        let product: Kernels.Product
        let packed: [Double]
    }

    /// Weights kept: the REPL's layer has four, a model layer six.
    public let capacity: Int
    /// The kept weights, most recently used last, and how many packings there have been.
    private let state = Mutex<(entries: [Entry], packings: Int)>(([], 0))

    public init(capacity: Int = 8) {
        self.capacity = max(1, capacity)
    }

    /// How many weights are kept now.
    public var count: Int { state.withLock { $0.entries.count } }
    /// How many times a weight has been packed, kept or not (a product that found its weight
    /// kept packs nothing).
    public var packings: Int { state.withLock { $0.packings } }

    /// `weight` packed for `product` (`.avx512`, `.fused` or `.portable`), packed now unless
    /// kept from before. The packing itself runs outside the lock.
    func packed(_ weight: Matrix, for product: Kernels.Product) -> [Double] {
        let address = weight.storageAddress
        let kept = state.withLock { state -> [Double]? in
            guard let index = state.entries.firstIndex(where: {
                $0.address == address && $0.source.shape == weight.shape && $0.product == product
            }) else { return nil }
            let entry = state.entries.remove(at: index)
            state.entries.append(entry)
            return entry.packed
        }
        if let kept { return kept }
        let packed = Self.pack(weight, for: product)
        state.withLock { state in
            state.packings += 1
            state.entries.append(Entry(source: weight, address: address, product: product, packed: packed))
            if state.entries.count > capacity { state.entries.removeFirst(state.entries.count - capacity) }
        }
        return packed
    }

    /// B (k x m) packed by the given kernel's module.
    static func pack(_ b: Matrix, for product: Kernels.Product) -> [Double] {
        b.values.withUnsafeBufferPointer { source in
            let (b, k, m) = (source.baseAddress!, b.rows, b.cols)
            return switch product {
            case .avx512: avx512PackedCopy(of: b, k: k, m: m)
            case .fused: fusedPackedCopy(of: b, k: k, m: m)
            case .portable, .reference: BlockedProduct<PortableKernel>.packedCopy(of: b, k: k, m: m)
            }
        }
    }
}

extension PackedWeights: Equatable {
    public static func == (lhs: PackedWeights, rhs: PackedWeights) -> Bool { lhs === rhs }
}

extension Matrix {
    /// Where the storage starts: equal for two matrices sharing one buffer.
    var storageAddress: UInt {
        values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }
}
