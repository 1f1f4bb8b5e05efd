import Attention
import Testing

/// Weights packed once and kept between traces give the numbers of packing on every product,
/// bit for bit, and a changed weight is never served from the store.
@Suite("Packed weights kept between traces")
struct PackedWeightsTests {
    /// Every tensor of two traces, compared bit for bit (NaN equal to NaN).
    static func identical(_ a: Trace, _ b: Trace) -> Bool {
        func same(_ x: Matrix?, _ y: Matrix?) -> Bool {
            guard let x, let y else { return x == nil && y == nil }
            return x.shape == y.shape && zip(x.values, y.values).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
        return a.heads.indices.allSatisfy { i in
            [Stage.Q, .K, .V, .scores, .weights, .head_out].allSatisfy { same(a.tensor($0, head: i), b.tensor($0, head: i)) }
        } && same(a.concat, b.concat) && same(a.output, b.output)
    }

    /// Sizes with partial strips of columns (d_model 60, 202), few rows read in place (n 20) and
    /// many (n 64), on one thread and two: the first trace packs, the second reuses, and both
    /// equal the trace that packs every time.
    @Test(arguments: [(n: 64, dModel: 256, heads: 4), (n: 20, dModel: 60, heads: 3), (n: 50, dModel: 202, heads: 2)])
    func keptWeightsGiveTheSameBits(_ size: (n: Int, dModel: Int, heads: Int)) throws {
        let configuration = FastKernelTests.layer(n: size.n, dModel: size.dModel, heads: size.heads, seed: 7,
                                                  mask: .causal, padding: [1])
        for product in FastKernelTests.products {
            for threads in [1, 2] {
                let plain = Kernels(product: product, threads: threads)
                let store = PackedWeights()
                let expected = try Trace.compute(configuration, kernels: plain)
                let first = try Trace.compute(configuration, kernels: plain.keepingPackedWeights(store))
                // Every projection here is above BlockedProduct.directLimit (the smallest, W_V
                // and W_O at n 20 and d_model 60, has 20 x 60 x 12 multiply-adds), so all four
                // are kept.
                let kept = store.count
                #expect(kept == 4, "\(product): the weights kept")
                let second = try Trace.compute(configuration, kernels: plain.keepingPackedWeights(store))
                #expect(store.count == kept && store.packings == kept, "\(product): the second trace packed nothing new")
                let (firstSame, secondSame) = (Self.identical(first, expected), Self.identical(second, expected))
                #expect(firstSame, "\(product), \(threads) threads, \(size): first trace")
                #expect(secondSame, "\(product), \(threads) threads, \(size): second trace")
            }
        }
    }

    /// Products too small to be packed at all (at most `BlockedProduct.directLimit`
    /// multiply-adds, done by the direct loop) keep nothing.
    @Test func smallProductsKeepNothing() throws {
        let configuration = FastKernelTests.layer(n: 3, dModel: 8, heads: 2, seed: 1, mask: .none, padding: [])
        let store = PackedWeights()
        _ = try Trace.compute(configuration, kernels: Kernels.fast(threads: 1).keepingPackedWeights(store))
        #expect(store.count == 0 && store.packings == 0)
    }

    /// A weight changed after it was kept (a copy of it edited, as the session edits its
    /// weights) is packed afresh: the trace is that of the new weight, not the kept one.
    @Test func aChangedWeightIsNotServedFromTheStore() throws {
        guard case .multiHead(var c) = FastKernelTests.layer(n: 64, dModel: 256, heads: 4, seed: 3, mask: .none, padding: [])
        else { Issue.record("expected a multi-head layer"); return }
        let kernels = Kernels.fast(threads: 1)
        let store = PackedWeights()
        _ = try Trace.compute(.multiHead(c), kernels: kernels.keepingPackedWeights(store))
        #expect(store.packings == 4)
        c.W_Q[0, 0] += 1
        c.W_O[5, 7] -= 2
        let expected = try Trace.compute(.multiHead(c), kernels: kernels)
        let kept = try Trace.compute(.multiHead(c), kernels: kernels.keepingPackedWeights(store))
        let same = Self.identical(kept, expected)
        #expect(same)
        #expect(store.packings == 6, "the two changed weights were packed again, the others not")
        let unedited = try Trace.compute(FastKernelTests.layer(n: 64, dModel: 256, heads: 4, seed: 3, mask: .none, padding: []),
                                         kernels: kernels)
        let changed = kept.output != unedited.output
        #expect(changed, "the edit changed the output")
    }

    /// The store keeps at most its capacity, most recently used last.
    @Test func theStoreIsBounded() throws {
        let store = PackedWeights(capacity: 2)
        let kernels = Kernels.fast(threads: 1).keepingPackedWeights(store)
        _ = try Trace.compute(FastKernelTests.layer(n: 64, dModel: 256, heads: 4, seed: 1, mask: .none, padding: []), kernels: kernels)
        #expect(store.count == 2)
    }
}
