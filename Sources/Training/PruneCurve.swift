import Attention

/// Held-out accuracy as heads are removed one by one, least important first, for several
/// orders (one per metric, and random orders averaged): how much of a trained layer can go.
public struct PruneCurve: Equatable, Sendable {
    /// An order of removal and the accuracy after removing its first k heads, k = 0 ... h.
    public struct Line: Equatable, Sendable {
        public var name: String
        public var accuracy: [Double]
        /// The order heads are removed in (empty for the average of random orders).
        public var order: [Int]

        /// The most heads removable with the accuracy at most `points` percentage points below
        /// the whole layer's.
        public func removable(within points: Double = 1) -> Int {
            accuracy.indices.last { accuracy[$0] >= accuracy[0] - points / 100 } ?? 0
        }
    }

    public var lines: [Line]

    /// The curve of each named order, plus the mean over `randomOrders` random orders drawn
    /// from `seed`, each accuracy measured on `sequences` with the removed heads' gates at 0.
    public static func compute(_ model: TaskModel, sequences: [[Int]], orders: [(String, [Int])], randomOrders: Int,
                               seed: UInt64, kernels: Kernels = .reference) throws -> PruneCurve {
        func curve(_ order: [Int]) throws -> [Double] {
            try (0...order.count).map { k in
                let gates = Dictionary(uniqueKeysWithValues: order.prefix(k).map { ($0, 0.0) })
                return try model.evaluate(sequences, gates: gates, withGradients: false, kernels: kernels).accuracy
            }
        }
        var lines = try orders.map { Line(name: $0.0, accuracy: try curve($0.1), order: $0.1) }
        if randomOrders > 0 {
            var random = SeededRandom(seed: seed)
            var sum = Array(repeating: 0.0, count: model.heads + 1)
            for _ in 0..<randomOrders {
                var order = Array(0..<model.heads)
                for i in order.indices.dropLast() {   // Fisher-Yates
                    order.swapAt(i, i + Int(random.next() % UInt64(order.count - i)))
                }
                sum = zip(sum, try curve(order)).map(+)
            }
            lines.append(Line(name: "random (mean of \(randomOrders))", accuracy: sum.map { $0 / Double(randomOrders) }, order: []))
        }
        return PruneCurve(lines: lines)
    }
}
