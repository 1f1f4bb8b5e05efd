import Attention
import Gradients
import Testing
import Training

/// The task model's loss gradients (embeddings, readouts, cross-entropy, and the layer between)
/// against central finite differences of its own loss, for every task.
@Suite("Task model gradients against finite differences")
struct TaskGradientTests {
    @Test(arguments: TrainingTask.allCases)
    func gradientsMatchFiniteDifferences(_ task: TrainingTask) throws {
        var model = TaskModel(task: task, vocab: 5, length: 5, dModel: 4, heads: 2, seed: 7)
        // Non-zero biases, so their gradients are exercised as in a trained model.
        var random = SeededRandom(seed: 3)
        model.b_Q = model.b_Q.map { _ in random.normal() * 0.3 }
        model.b_O = model.b_O.map { _ in random.normal() * 0.3 }
        model.c = model.c.map { $0.map { _ in random.normal() * 0.3 } }
        let batch = Sequences.draw(3, vocab: 5, length: 5, random: &random)
        // Gates inside (0, 1), so that they can be moved both ways for central differences.
        let gates = [0: 0.7, 1: 0.5]
        let result = try model.evaluate(batch, gates: gates, withGradients: true)
        let gradients = try #require(result.gradients)
        #expect(result.loss > 0)

        let epsilon = 1e-6
        var compared = 0
        for (index, name) in model.parameterNames.enumerated() {
            for entry in model.parameterValues[index].indices {
                var plus = model, minus = model
                var values = model.parameterValues
                values[index][entry] += epsilon
                plus.setParameterValues(values)
                values[index][entry] -= 2 * epsilon
                minus.setParameterValues(values)
                let numeric = (try plus.evaluate(batch, gates: gates, withGradients: false).loss
                               - minus.evaluate(batch, gates: gates, withGradients: false).loss) / (2 * epsilon)
                let analytic = gradients.values[index][entry]
                #expect(abs(analytic - numeric) < 1e-7 * max(1, abs(numeric)), "\(task) d\(name)[\(entry)]: \(analytic) vs \(numeric)")
                compared += 1
            }
        }
        #expect(compared == model.parameterCount)
        for head in 0..<2 {
            func loss(_ value: Double) throws -> Double {
                var changed = gates
                changed[head] = value
                return try model.evaluate(batch, gates: changed, withGradients: false).loss
            }
            let numeric = (try loss(gates[head]! + epsilon) - loss(gates[head]! - epsilon)) / (2 * epsilon)
            #expect(abs(gradients.gates[head] - numeric) < 1e-7 * max(1, abs(numeric)), "\(task) dL/dg_\(head + 1)")
        }
    }
}
