import Attention
import RealModule

/// How gradient descent turns a gradient into a step, as PyTorch's `torch.optim.SGD` and
/// `torch.optim.Adam` (with their defaults, no weight decay or momentum).
public enum Optimizer: String, Equatable, Sendable, CaseIterable {
    /// θ ← θ - lr · g: a step against the gradient, in proportion to its size.
    case sgd
    /// Adam (Kingma and Ba 2015): running averages m of g and v of g² (β1 = 0.9, β2 = 0.999),
    /// bias-corrected, and θ ← θ - lr · m̂ / (sqrt(v̂) + 1e-8). Each entry moves about lr per
    /// step whatever the gradient's scale, so one learning rate suits entries of any size.
    case adam

    /// A learning rate that works for lesson-sized layers: 0.1 for SGD, 0.01 for Adam.
    public var defaultLearningRate: Double {
        switch self {
        case .sgd: return 0.1
        case .adam: return 0.01
        }
    }
}

/// The optimizer's memory for one tensor: Adam's running averages (unused by SGD).
public struct OptimizerState: Equatable, Sendable {
    public var m: [Double]
    public var v: [Double]

    public init(count: Int) {
        m = Array(repeating: 0, count: count)
        v = Array(repeating: 0, count: count)
    }

    /// Step `t` (1-based) of `optimizer` on `values` with gradient `gradient`.
    public mutating func step(_ values: inout [Double], gradient: [Double], optimizer: Optimizer, learningRate lr: Double, t: Int) {
        switch optimizer {
        case .sgd:
            for i in values.indices { values[i] -= lr * gradient[i] }
        case .adam:
            let (beta1, beta2, epsilon) = (0.9, 0.999, 1e-8)
            let correction1 = 1 - Double.pow(beta1, Double(t))
            let correction2 = 1 - Double.pow(beta2, Double(t))
            precondition(gradient.count == values.count && m.count == values.count && v.count == values.count,
                         "a gradient and Adam's state must match the tensor they step")
            values.withUnsafeMutableBufferPointer { values in
                gradient.withUnsafeBufferPointer { gradient in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            for i in values.indices {
                                let g = gradient[i]
                                m[i] = beta1 * m[i] + (1 - beta1) * g
                                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                                let mHat = m[i] / correction1, vHat = v[i] / correction2
                                values[i] -= lr * mHat / (vHat.squareRoot() + epsilon)
                            }
                        }
                    }
                }
            }
        }
    }
}
