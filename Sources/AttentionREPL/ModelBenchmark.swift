import Attention
import Encoder
import Foundation
import Interpreter
import ModelFiles

/// `bench --encoder DIR`: how long loading the model takes, and one forward pass of `tokens`
/// wordpieces (every layer: attention through the session's trace, LayerNorm, the feed-forward
/// block) on `threads` threads. `bench/model_compare.py` times transformers beside it.
struct ModelBenchmark {
    let folder: String
    let tokens: Int
    let threads: Int
    let minTime: Double

    struct Result {
        let tokens: Int
        let threads: Int
        let loadSeconds: Double
        let forwardMilliseconds: Double
        let peakMegabytes: Double

        var line: String {
            String(format: "model: load %.3f s; forward pass of %d tokens on %d thread%@: %.2f ms (median); peak memory %.0f MB",
                   loadSeconds, tokens, threads, threads == 1 ? "" : "s", forwardMilliseconds, peakMegabytes)
        }

        var json: String {
            String(format: "{\"tokens\": %d, \"threads\": %d, \"load_s\": %.6f, \"forward_ms\": %.6f, \"peak_mb\": %.1f}",
                   tokens, threads, loadSeconds, forwardMilliseconds, peakMegabytes)
        }
    }

    /// A text long enough for any `tokens` up to the model's limit, cut to exactly that many.
    static let text = Array(repeating: "The cat sat on the mat because it was tired, and the dog, which had been "
                            + "waiting by the door since morning, finally walked over to see what the fuss was about.",
                            count: 20).joined(separator: " ")

    func run() throws -> Result {
        let started = Date()
        let model = try LoadedModel.load(from: folder)
        let loadSeconds = Date().timeIntervalSince(started)
        let tokenizer = try BertTokenizer(vocabulary: model.tokenizer.vocabulary, maximumTokens: tokens)
        let ids = tokenizer.encode(Self.text).ids
        let kernels = Kernels.fast(threads: threads)
        var samples: [Double] = []
        let deadline = Date().addingTimeInterval(minTime)
        while samples.count < 5 || Date() < deadline {
            let start = Date()
            _ = try model.encoder.run(ids: ids, kernels: kernels)
            samples.append(1000 * Date().timeIntervalSince(start))
        }
        samples.sort()
        return Result(tokens: ids.count, threads: threads, loadSeconds: loadSeconds,
                      forwardMilliseconds: samples[samples.count / 2], peakMegabytes: Double(Benchmark.peakMemoryBytes()) / 1e6)
    }
}
