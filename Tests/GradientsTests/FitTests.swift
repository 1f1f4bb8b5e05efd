import Attention
import Gradients
import Testing

@Suite("Fitting a layer by gradient descent")
struct FitTests {
    /// The ready example's sizes: 3 tokens, d_model 4, 2 heads, random weights.
    static func layer(seed: UInt64) -> MultiHeadConfiguration {
        var random = SeededRandom(seed: seed)
        func matrix(_ rows: Int, _ cols: Int) -> Matrix { Matrix(rows: rows, cols: cols) { _, _ in random.normal() * 0.7 } }
        return MultiHeadConfiguration(X: matrix(3, 4), heads: 2, W_Q: matrix(4, 4), W_K: matrix(4, 4),
                                      W_V: matrix(4, 4), W_O: matrix(4, 4))
    }

    static let target = Matrix(rows: 3, cols: 4) { i, j in i == j ? 1 : 0 }
    static let weights: [Trainable] = [.W_Q, .W_K, .W_V, .W_O]

    /// Adam's first step is lr · m̂ / (sqrt(v̂) + ε) with m̂ = g and v̂ = g²: every entry moves by
    /// lr · g / (|g| + 1e-8), about lr against the sign of its gradient, whatever its size.
    @Test func adamFirstStepMovesEachEntryByTheLearningRate() throws {
        let start = Self.layer(seed: 1)
        let trace = try Trace.compute(.multiHead(start))
        let loss = try SquaredError(output: trace.output, target: Self.target)
        let gradient = try #require(try GradientTrace.compute(trace, dOutput: loss.gradient).layer).W_Q
        let result = try Fit.run(.multiHead(start), target: Self.target,
                                 options: .init(steps: 1, optimizer: .adam, learningRate: 0.01, training: [.W_Q]))
        guard case let .multiHead(after) = result.configuration else { Issue.record("mode changed"); return }
        for index in gradient.values.indices {
            let g = gradient.values[index]
            let expected = start.W_Q.values[index] - 0.01 * g / (abs(g) + 1e-8)
            #expect(abs(after.W_Q.values[index] - expected) < 1e-15)
        }
        #expect(after.W_K == start.W_K && after.W_O == start.W_O, "only W_Q is trained")
        #expect(result.losses.count == 2 && result.ending == .finished)
    }

    /// SGD's step is exactly θ - lr · g.
    @Test func sgdStepIsLearningRateTimesGradient() throws {
        let start = Self.layer(seed: 2)
        let trace = try Trace.compute(.multiHead(start))
        let loss = try SquaredError(output: trace.output, target: Self.target)
        let layer = try #require(try GradientTrace.compute(trace, dOutput: loss.gradient).layer)
        let result = try Fit.run(.multiHead(start), target: Self.target,
                                 options: .init(steps: 1, optimizer: .sgd, learningRate: 0.5, training: [.W_O, .X]))
        guard case let .multiHead(after) = result.configuration else { Issue.record("mode changed"); return }
        for index in layer.W_O.values.indices {
            #expect(abs(after.W_O.values[index] - (start.W_O.values[index] - 0.5 * layer.W_O.values[index])) < 1e-15)
        }
        for index in layer.X.values.indices {
            #expect(abs(after.X.values[index] - (start.X.values[index] - 0.5 * layer.X.values[index])) < 1e-15)
        }
    }

    /// Adam on all four weights of a 3-token layer brings the loss below 1e-4 in 300 steps.
    @Test func fitReachesALowLoss() throws {
        var seen = 0
        let result = try Fit.run(.multiHead(Self.layer(seed: 3)), target: Self.target,
                                 options: .init(steps: 300, optimizer: .adam, learningRate: 0.03, training: Self.weights)) { step, loss in
            seen += 1
            return true
        }
        #expect(seen == 300 && result.steps == 300 && result.ending == .finished)
        #expect(result.losses[0] > 0.1)
        #expect(result.losses.last! < 1e-4, "final loss \(result.losses.last!)")
    }

    /// Asking to stop after step 5 keeps the weights of step 5.
    @Test func stoppingKeepsTheWeightsReached() throws {
        let start = Fit.Options(steps: 1000, optimizer: .adam, learningRate: 0.01, training: Self.weights)
        let stopped = try Fit.run(.multiHead(Self.layer(seed: 4)), target: Self.target, options: start) { step, _ in step < 5 }
        var five = start
        five.steps = 5
        let exactly = try Fit.run(.multiHead(Self.layer(seed: 4)), target: Self.target, options: five)
        #expect(stopped.ending == .interrupted && stopped.steps == 5)
        #expect(stopped.configuration == exactly.configuration)
        #expect(stopped.losses == exactly.losses)
    }

    /// SGD with a learning rate far too large overshoots: the fit stops and keeps the last
    /// weights whose loss was a number and not 1000 times the start.
    @Test func divergingFitStopsWithTheLastGoodWeights() throws {
        let result = try Fit.run(.multiHead(Self.layer(seed: 5)), target: Self.target,
                                 options: .init(steps: 500, optimizer: .sgd, learningRate: 50, training: Self.weights + [.X]))
        guard case let .diverged(step, loss) = result.ending else {
            Issue.record("expected divergence, got \(result.ending) with losses \(result.losses.suffix(3))")
            return
        }
        #expect(step == result.steps + 1)
        #expect(!loss.isFinite || loss > 1000 * result.losses[0])
        #expect(result.losses.allSatisfy { $0.isFinite })
        let kept = try Trace.compute(result.configuration)
        let keptLoss = try SquaredError(output: kept.output, target: Self.target).value
        #expect(abs(keptLoss - result.losses.last!) <= 1e-12 * max(1, keptLoss))
    }

    /// Direct mode trains the given Q, K and V.
    @Test func directModeTrainsQueriesKeysAndValues() throws {
        var random = SeededRandom(seed: 8)
        func matrix(_ rows: Int, _ cols: Int) -> Matrix { Matrix(rows: rows, cols: cols) { _, _ in random.normal() } }
        let start = DirectConfiguration(Q: matrix(3, 2), K: matrix(3, 2), V: matrix(3, 2))
        let result = try Fit.run(.direct(start), target: try Matrix([[1, 0], [0, 1], [0.5, 0.5]]),
                                 options: .init(steps: 200, optimizer: .adam, learningRate: 0.05, training: [.Q, .K, .V]))
        #expect(result.losses.last! < result.losses[0] / 100)
    }
}
