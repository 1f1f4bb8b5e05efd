import Attention
import Foundation
import ReferenceCases
import Testing
import Training

/// The task model's logits, loss, accuracy and every gradient against PyTorch autograd
/// (`Fixtures/reference-train`), for every task, 1 to 4 heads, and gates of 0, fractions and
/// negative values.
@Suite("Task model against PyTorch")
struct ReferenceTrainingTests {
    static let cases = (try? TrainingCase.all()) ?? []

    @Test func allCasesArePresent() {
        #expect(Self.cases.count == 12, "Fixtures/reference-train should hold 12 cases")
    }

    static func model(_ reference: TrainingCase) throws -> TaskModel {
        let task = try #require(TrainingTask(rawValue: reference.task))
        var model = TaskModel(task: task, vocab: reference.vocab, length: reference.length,
                              dModel: reference.dModel, heads: reference.heads, seed: 0)
        let p = reference.parameters
        func matrix(_ name: String) throws -> Matrix { try ReferenceCase.matrix(p[name]) }
        func vector(_ name: String) -> [Double] { ReferenceCase.vector(p[name])! }
        (model.E, model.P) = (try matrix("E"), try matrix("P"))
        (model.W_Q, model.W_K, model.W_V, model.W_O) = (try matrix("W_Q"), try matrix("W_K"), try matrix("W_V"), try matrix("W_O"))
        (model.b_Q, model.b_K, model.b_V, model.b_O) = (vector("b_Q"), vector("b_K"), vector("b_V"), vector("b_O"))
        model.U = try (p["U"] as! [Any]).map { try ReferenceCase.matrix($0) }
        model.c = (p["c"] as! [Any]).map { ReferenceCase.vector($0)! }
        return model
    }

    @Test(arguments: cases, [Kernels.reference, .fast(threads: 2)])
    func lossAccuracyAndGradientsMatch(_ reference: TrainingCase, kernels: Kernels) throws {
        let model = try Self.model(reference)
        let gates = Dictionary(uniqueKeysWithValues: (reference.gates ?? []).enumerated().map { ($0.offset, $0.element) })
        let result = try model.evaluate(reference.tokens, gates: gates, withGradients: true, kernels: kernels)
        let expectedLoss = ReferenceCase.number(reference.expected["loss"]!)
        #expect(abs(result.loss - expectedLoss) <= 1e-12 * max(1, expectedLoss), "\(reference): loss \(result.loss), expected \(expectedLoss)")
        #expect(abs(result.accuracy - ReferenceCase.number(reference.expected["accuracy"]!)) < 1e-12, "\(reference): accuracy")

        let gradients = try #require(result.gradients)
        let expected = reference.gradients
        // The case's largest gradient entry: the scale for dL/db_K, zero in exact arithmetic.
        let all = try expected.values.flatMap { try TrainingCase.tensors($0).flatMap(\.values) }
        let caseScale = all.map(abs).max() ?? 0
        var computed: [String: [Double]] = [:]
        for (name, values) in zip(model.parameterNames, gradients.values) { computed[name] = values }
        let names = ["E", "P", "W_Q", "b_Q", "W_K", "b_K", "W_V", "b_V", "W_O", "b_O"]
        var pairs: [(String, [Double], [Double])] = try names.map { name in
            (name, computed[name]!, try TrainingCase.tensors(expected[name]).flatMap(\.values))
        }
        for r in 0..<model.task.readouts {
            pairs.append(("U\(r)", computed["U\(r)"]!, try ReferenceCase.matrix((expected["U"] as! [Any])[r]).values))
            pairs.append(("c\(r)", computed["c\(r)"]!, ReferenceCase.vector((expected["c"] as! [Any])[r])!))
        }
        pairs.append(("gates", gradients.gates, ReferenceCase.vector(expected["gates"])!))
        for (name, actual, wanted) in pairs {
            #expect(actual.count == wanted.count, "\(reference) \(name): \(actual.count) values, expected \(wanted.count)")
            let scale = max(wanted.map(abs).max() ?? 0, 1e-6 * caseScale)
            let worst = zip(actual, wanted).map { abs($0 - $1) }.max() ?? 0
            #expect(worst / scale <= 1e-9, "\(reference) dL/d\(name): relative difference \(worst / scale)")
        }
    }
}
