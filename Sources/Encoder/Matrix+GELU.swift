import Attention
import RealModule

extension Matrix {
    /// The Gaussian error linear unit, element-wise, in its exact form (BERT's `gelu`):
    ///
    ///     GELU(x) = x · Φ(x) = 0.5 x (1 + erf(x / sqrt 2))
    ///
    /// where Φ is the standard normal's distribution function: each input is kept in proportion
    /// to how likely a standard normal value is to be below it, a smooth ReLU that lets small
    /// negative values through slightly. (The tanh approximation, `gelu_new`, differs by up to
    /// about 1e-3 and is not what BERT's checkpoints were trained with.) Shape unchanged.
    public var gelu: Matrix {
        let sqrtHalf = 0.5.squareRoot()   // 1 / sqrt 2
        return mapElements { x in x * 0.5 * (1 + Double.erf(x * sqrtHalf)) }
    }
}
