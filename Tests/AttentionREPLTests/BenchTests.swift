import Foundation
import Testing

/// `attention-repl bench`, and the fast kernels on CPUs without AVX-512 or AVX2 (emulated by
/// QEMU, which emulates no AVX-512 CPU).
@Suite("Bench and CPU dispatch")
struct BenchTests {
    /// One JSON object of `bench --json`.
    struct Result: Decodable {
        let n: Int
        let d_model: Int
        let heads: Int
        let seconds: Double
        let gflops: Double
        let flops: Int
        let kernels: String
        let threads: Int
        let warm_seconds: Double?
        let warm_packings: Int?
    }

    /// Runs attention-repl with `arguments`: natively, or under QEMU posing as `emulatedCPU`.
    static func run(_ arguments: [String], standardInput: String = "", emulatedCPU: String? = nil,
                    timeout: TimeInterval = 60) throws -> ProcessResult {
        let binary = try AttentionREPLBinary.url()
        guard let emulatedCPU else {
            return try BinaryRunner(executable: binary).run(arguments, standardInput: standardInput, timeout: timeout)
        }
        return try BinaryRunner(executable: URL(fileURLWithPath: Self.qemu!))
            .run(["-cpu", emulatedCPU, binary.path] + arguments, standardInput: standardInput, timeout: timeout)
    }

    static func bench(_ arguments: [String], emulatedCPU: String? = nil) throws -> ProcessResult {
        try run(["bench"] + arguments, emulatedCPU: emulatedCPU)
    }

    static func decode(_ result: ProcessResult) throws -> [Result] {
        try JSONDecoder().decode([Result].self, from: Data(result.standardOutput.utf8))
    }

    @Test func jsonHasTheFieldsAskedFor() throws {
        let result = try Self.bench(["--n", "5", "--d-model", "12", "--heads", "3", "--threads", "1",
                                     "--min-time", "0.01", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let runs = try Self.decode(result)
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect((run.n, run.d_model, run.heads, run.threads) == (5, 12, 3, 1))
        // The cost command's count for n 5, d_model 12, h 3, d_k = d_v = 4 (h n n = 75 scores):
        // projections 3 (2·5·12·12 + 5·12) = 4500, scores 2·75·4 = 600, scaling 75, softmax
        // 4·75 = 300, weights V 600, W_O 2·5·12·12 + 5·12 = 1500.
        #expect(run.flops == 4500 + 600 + 75 + 300 + 600 + 1500)
        #expect(run.seconds > 0)
        #expect(abs(run.gflops - Double(run.flops) / run.seconds / 1e9) <= 1e-9 * run.gflops)
        #expect(["avx512", "fused", "portable"].contains(run.kernels))
    }

    /// The warm traces keep the weights packed: W_Q, W_K, W_V and W_O are each packed once over
    /// all the warm traces, not once a trace (as they were when each trace had its own store).
    @Test func warmTracesPackEachWeightOnce() throws {
        let result = try Self.bench(["--n", "64", "--d-model", "96", "--heads", "3", "--threads", "1",
                                     "--min-time", "0.05", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let run = try #require(try Self.decode(result).first)
        #expect(run.warm_seconds != nil)
        #expect(run.warm_packings == 4)
    }

    /// The text line gives the time, the rate and the FLOP count it assumed (666 for the lesson
    /// size: projections 3 (2·3·4·4 + 3·4) = 324, scores 2·18·2 = 72, scaling 18, softmax 72,
    /// weights V 72, W_O 2·3·4·4 + 3·4 = 108).
    @Test func textLineGivesTheFlopCount() throws {
        let result = try Self.bench(["--n", "3", "--d-model", "4", "--heads", "2", "--min-time", "0.01"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("n 3, d_model 4, 2 heads (d_k 2)"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("GFLOP/s (666 FLOPs a trace)"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("per trace"))
    }

    @Test func referenceKernelsCanBeTimed() throws {
        let result = try Self.bench(["--n", "3", "--d-model", "4", "--heads", "2", "--kernels", "reference",
                                     "--min-time", "0.01", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try Self.decode(result).first?.kernels == "reference")
    }

    /// `bench --product N K M` times one product and counts 2 N K M FLOPs.
    @Test func oneProductIsTimed() throws {
        let result = try Self.bench(["--product", "20", "30", "40", "--threads", "1", "--min-time", "0.01", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(object?["flops"] as? Int == 2 * 20 * 30 * 40)
        #expect((object?["gflops"] as? Double ?? 0) > 0)
    }

    @Test(arguments: [
        (["--n", "4"], "give all of --n, --d-model and --heads"),
        (["--n", "4", "--d-model", "10", "--heads", "3"], "does not divide into 3 heads"),
        (["--threads", "0"], "--threads must be at least 1"),
        (["--kernels", "turbo"], "turbo"),
        (["--product", "4", "5"], "--product takes three sizes N K M"),
        (["--product", "4", "5", "6", "--n", "3"], "--product times one product"),
    ])
    func badArgumentsAreExplained(_ arguments: [String], _ message: String) throws {
        let result = try Self.bench(arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }

    // MARK: - A CPU without AVX2

    /// QEMU's user-mode emulator, which can pretend to be an older CPU (`.ci/run` installs it).
    static let qemu = ["/usr/bin/qemu-x86_64-static", "/usr/bin/qemu-x86_64"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let canEmulate: Bool = {
        #if arch(x86_64)
        return qemu != nil
        #else
        return false
        #endif
    }()

    /// On a Nehalem (2008: SSE4.2, no AVX) the program must pick the portable kernel and refuse
    /// the fused and AVX-512 ones with a reason; on a Haswell (2013: AVX2 and FMA, no AVX-512)
    /// the fused kernel, refusing the AVX-512 one. Executing an instruction the CPU lacks would
    /// kill it with SIGILL.
    @Test(.enabled(if: canEmulate, "needs qemu-x86_64 on x86-64"),
          arguments: [("Nehalem", "portable", ["fused", "avx512"]), ("Haswell", "fused", ["avx512"])])
    func eachCPUGetsTheWidestKernelItRuns(_ cpu: (name: String, kernel: String, refused: [String])) throws {
        let result = try Self.bench(["--n", "16", "--d-model", "32", "--heads", "4", "--threads", "2",
                                     "--min-time", "0.01", "--json"], emulatedCPU: cpu.name)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try Self.decode(result).first?.kernels == cpu.kernel)

        for kernel in cpu.refused {
            let refused = try Self.bench(["--kernels", kernel], emulatedCPU: cpu.name)
            #expect(refused.status != 0)
            #expect(refused.standardError.contains("the \(kernel) kernel needs"), "\(refused.standardError)")
            #expect(refused.standardError.contains("--kernels \(cpu.kernel)"), "\(refused.standardError)")
        }
    }

    /// A layer large enough for the REPL to use the fast kernels (64 x 128 x 128, a million
    /// multiply-adds in each projection) prints the same on an emulated Nehalem (portable
    /// kernel) and Haswell (fused) as on this CPU (AVX-512 where it has it).
    @Test(.enabled(if: canEmulate, "needs qemu-x86_64 on x86-64"), arguments: ["Nehalem", "Haswell"])
    func aLargeLayerPrintsTheSameOnAnOlderCPU(_ cpu: String) throws {
        let script = """
            heads 4
            X = random 64x128 seed 1
            W_Q = random 128x128 seed 2 scale 0.09
            W_K = random 128x128 seed 3 scale 0.09
            W_V = random 128x128 seed 4 scale 0.09
            W_O = random 128x128 seed 5 scale 0.09
            show weights head 2
            show output

            """
        let native = try Self.run(["--color", "never"], standardInput: script, timeout: 10)
        let emulated = try Self.run(["--color", "never"], standardInput: script, emulatedCPU: cpu)
        #expect(native.status == 0, "\(native.standardError)")
        #expect(emulated.status == 0, "\(emulated.standardError)")
        #expect(native.standardOutput.contains("output"))
        #expect(emulated.standardOutput == native.standardOutput)
    }
}
