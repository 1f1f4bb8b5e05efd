#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The softmax of one row of scores, eight values at a time, with an exponential as accurate as
/// the C library's `exp` to within one unit in the last place: a scalar `exp` call per score
/// was a sixth of a MiniLM-sized layer's time.
///
/// It is written once here and compiled in each kernel's module for that module's vectors
/// (`PortableKernel.softmax` here, for any x86-64; `fusedSoftmax` and `avx512Softmax` in the
/// others), so on a CPU with AVX-512 each line below is one instruction on eight values. It uses
/// separate multiplications and additions (never a fused multiply-add), so every module gives
/// the same numbers bit for bit: which one runs depends only on the CPU.
extension MicroKernel {
    /// `target[j] = e^(row[j] - max) / Σ_t e^(row[t] - max)` for j < count, the numerically
    /// stable softmax; entries of -infinity get exactly 0, and a row with no finite entry
    /// (every key blocked) gets NaN everywhere, as 0 / 0 in PyTorch and NumPy. The sum is taken
    /// in eight running sums, then added together: the same terms in another order than one by
    /// one.
    @inlinable @inline(never)
    public static func softmax(_ row: UnsafePointer<Double>, into target: UnsafeMutablePointer<Double>, count: Int) {
        typealias V = SIMD8<Double>
        // Eight values from `start`; lanes past the row's end are -infinity (weight 0, and never
        // stored).
        func load(_ start: Int) -> V {
            if start + 8 <= count { return UnsafeRawPointer(row + start).loadUnaligned(as: V.self) }
            var lanes = V(repeating: -.infinity)
            for lane in 0..<(count - start) { lanes[lane] = row[start + lane] }
            return lanes
        }
        var maxima = V(repeating: -.infinity)
        for start in stride(from: 0, to: count, by: 8) {
            let values = load(start)
            maxima.replace(with: values, where: values .> maxima)
        }
        let maximum = maxima.max()
        guard maximum > -.infinity else {
            for j in 0..<count { target[j] = .nan }
            return
        }
        var sums = V()
        for start in stride(from: 0, to: count, by: 8) {
            let e = exponential(load(start) - V(repeating: maximum))
            sums += e
            if start + 8 <= count {
                UnsafeMutableRawPointer(target + start).storeBytes(of: e, as: V.self)
            } else {
                for lane in 0..<(count - start) { target[start + lane] = e[lane] }
            }
        }
        let sum = sums.sum()
        var j = 0
        while j + 8 <= count {
            let e = UnsafeRawPointer(target + j).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(target + j).storeBytes(of: e / V(repeating: sum), as: V.self)
            j += 8
        }
        while j < count {
            target[j] /= sum
            j += 1
        }
    }

    /// e^x, lane by lane, within one unit in the last place of the C library's `exp`.
    ///
    /// The usual reduction (as in Tang, "Table-driven implementation of the exponential function
    /// in IEEE floating-point arithmetic", 1989, without the table): x = n ln 2 + r with n the
    /// integer nearest x / ln 2, so |r| <= ln 2 / 2; then e^x = 2^n e^r, where 2^n is exact
    /// (built from its bits) and e^r comes from its Taylor series, whose terms past r^13 / 13!
    /// are below a tenth of a unit in the last place for such r.
    ///
    /// - ln 2 is split in two, `ln2High` (21 significant bits, so n ln2High is exact for every
    ///   n here) and `ln2Low` (the rest, to double precision): x - n ln2High is then exact, and
    ///   r carries the error of one rounding only.
    /// - Lanes with x < -746 (including -infinity, a blocked key) give exactly 0, as `exp`
    ///   does: the true value is below half the smallest subnormal. The C library takes all
    ///   eight when any lane is above 709, between -746 and -708 (too large, or subnormal, for
    ///   the bit construction of 2^n) or NaN.
    @inlinable @inline(__always)
    public static func exponential(_ x: SIMD8<Double>) -> SIMD8<Double> {
        typealias V = SIMD8<Double>
        let log2e = 1.4426950408889634          // 1 / ln 2
        let ln2High = 0.6931467056274414         // ln 2 to 21 significant bits (0x1.62e42p-1)
        let ln2Low = 4.7493250390316726e-07      // ln 2 - ln2High (computed with 60-digit decimals)
        // 1.5 * 2^52: adding it rounds a value below 2^51 in magnitude to the nearest integer,
        // which then sits in the low bits of the sum.
        let rounder = 6_755_399_441_055_744.0
        let underflow = x .< -746
        guard all((x .>= -708) .& (x .<= 709) .| underflow) else {
            var result = V()
            for lane in 0..<8 { result[lane] = exp(x[lane]) }
            return result
        }
        let reduced = x.replacing(with: 0, where: underflow)
        let shifted = reduced * log2e + rounder
        let n = shifted - rounder                                   // the integer nearest x / ln 2
        let r = (reduced - n * ln2High) - n * ln2Low                // |r| <= ln 2 / 2
        // e^r - 1 - r = r^2 (1/2! + r (1/3! + ... + r / 13!)), by Horner's rule.
        func c(_ factorial: Double) -> V { V(repeating: 1 / factorial) }
        var p = c(6_227_020_800)                                    // 1 / 13!
        p = p * r + c(479_001_600)
        p = p * r + c(39_916_800)
        p = p * r + c(3_628_800)
        p = p * r + c(362_880)
        p = p * r + c(40_320)
        p = p * r + c(5_040)
        p = p * r + c(720)
        p = p * r + c(120)
        p = p * r + c(24)
        p = p * r + c(6)
        p = p * r + c(2)                                            // ... 1 / 2!
        let eR = 1 + (r + r * r * p)
        // 2^n from its bits: the biased exponent n + 1023 in bits 52 and up; n is the offset of
        // `shifted`'s bit pattern from the rounder's (two's complement in the low bits).
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &- unsafeBitCast(V(repeating: rounder), to: SIMD8<UInt64>.self)
        let twoToN = unsafeBitCast((bits &+ 1023) &<< 52, to: V.self)
        return (eR * twoToN).replacing(with: 0, where: underflow)
    }
}
