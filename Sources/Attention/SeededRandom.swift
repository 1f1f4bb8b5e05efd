import RealModule

/// A small deterministic random number generator (SplitMix64), so `random 3x4 seed 7` gives
/// the same numbers on every machine and in every run, which lessons and tests rely on.
public struct SeededRandom: RandomNumberGenerator, Equatable, Sendable {
    /// Everything the generator remembers: `SeededRandom(seed: state)` continues from here.
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal draw (mean 0, variance 1) by the Box-Muller transform.
    public mutating func normal() -> Double {
        let u1 = 1 - unit()   // in (0, 1], so the logarithm is finite
        let u2 = unit()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * .pi * u2)
    }
}
