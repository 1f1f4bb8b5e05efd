import Attention
import ProductKernels
import RealModule
import Testing

/// The softmax's eight-wide exponential against the C library's `exp`, which is independent of
/// it (glibc's is correctly rounded in all but rare cases).
@Suite("The softmax's exponential")
struct RowSoftmaxTests {
    /// |a - b| in units in the last place of b.
    static func ulps(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        return abs(a - b) / b.ulp
    }

    /// Eight-value batches across the whole range where e^x is a normal or subnormal number, or
    /// overflows, or underflows to zero: every lane within one unit in the last place of libm's.
    @Test func agreesWithTheCLibraryEverywhere() {
        var random = SystemRandomNumberGenerator()
        var worst = 0.0
        var worstInput = 0.0
        for batch in 0..<40_000 {
            // Mostly the softmax's range [-60, 0], then the whole of [-760, 720].
            let range: ClosedRange<Double> = batch % 2 == 0 ? -60...0 : -760...720
            var x = SIMD8<Double>()
            for lane in 0..<8 { x[lane] = Double.random(in: range, using: &random) }
            let e = PortableKernel.exponential(x)
            for lane in 0..<8 {
                let error = Self.ulps(e[lane], Double.exp(x[lane]))
                if error > worst { (worst, worstInput) = (error, x[lane]) }
            }
        }
        #expect(worst <= 1, "worst error \(worst) ulp at x = \(worstInput)")
    }

    /// The edges: blocked keys (-infinity) give exactly 0 without leaving the vector path's
    /// answer, e^0 is exactly 1, and the boundaries of each route, NaN and +infinity agree with
    /// libm.
    @Test func specialValuesAndBoundaries() {
        let inputs: [Double] = [-.infinity, 0, -0.0, 1e-300, -1e-300, 1, -1, 0.5 * .log(2.0), -0.5 * .log(2.0),
                                -708, -708.0001, -745, -745.2, -746, -746.0001, -1000, 709, 709.0001, 709.78, 710,
                                .infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        for start in stride(from: 0, to: inputs.count, by: 8) {
            var x = SIMD8<Double>(repeating: 0)
            for lane in 0..<min(8, inputs.count - start) { x[lane] = inputs[start + lane] }
            let e = PortableKernel.exponential(x)
            for lane in 0..<8 {
                let expected = Double.exp(x[lane])
                if expected.isNaN {
                    #expect(e[lane].isNaN, "exp(\(x[lane]))")
                } else {
                    #expect(Self.ulps(e[lane], expected) <= 1, "exp(\(x[lane])) = \(e[lane]), libm \(expected)")
                }
            }
        }
        let blocked = PortableKernel.exponential(SIMD8(-.infinity, 0, -1, -2, -.infinity, -3, -4, -5))
        #expect(blocked[0] == 0 && blocked[4] == 0 && blocked[1] == 1)
    }

    /// The softmax of rows of every length from 1 to 40 (whole vectors, a partial last vector,
    /// and rows shorter than one vector), some keys blocked, against the formula computed one
    /// value at a time with libm's exp: equal to within the error bound of summing `count` terms
    /// in any order (about one unit in the last place per term), plus one for each exponential.
    @Test func softmaxAgreesWithTheScalarFormula() throws {
        var random = SystemRandomNumberGenerator()
        for count in 1...40 {
            var row = (0..<count).map { _ in Double.random(in: -30...30, using: &random) }
            if count > 2 { row[count / 2] = -.infinity }
            let weights = try Matrix([row]).softmaxRows
            let maximum = row.max()!
            let exponentials = row.map { Double.exp($0 - maximum) }
            let sum = exponentials.reduce(0, +)
            for j in 0..<count {
                let expected = exponentials[j] / sum
                #expect(abs(weights[0, j] - expected) <= Double(count + 2) * expected.ulp, "n \(count), key \(j)")
            }
            if count > 2 { #expect(weights[0, count / 2] == 0) }
        }
    }
}

extension RowSoftmaxTests {
    /// The softmax compiled for each kernel's instruction set (those this CPU runs) gives the
    /// portable build's numbers bit for bit, so which one runs never changes a weight.
    @Test func everyInstructionSetGivesTheSameBits() throws {
        var random = SystemRandomNumberGenerator()
        let builds = Kernels.Product.allCases.filter { $0 != .reference && $0.isAvailable }
        for count in [1, 7, 8, 9, 31, 128, 257] {
            let row = (0..<count).map { j in j % 5 == 3 ? -Double.infinity : Double.random(in: -40...40, using: &random) }
            var expected = [Double](repeating: 0, count: count)
            PortableKernel.softmax(row, into: &expected, count: count)
            for build in builds {
                var weights = [Double](repeating: 0, count: count)
                build.rowSoftmax(row, &weights, count)
                #expect(weights.map(\.bitPattern) == expected.map(\.bitPattern), "\(build), \(count) keys")
            }
        }
        if !Kernels.Product.avx512.isAvailable { print("note: this CPU has no AVX-512; its softmax was not compared") }
    }
}
