import Foundation
import Interpreter
import Testing

/// What a saved task brings back beyond the weights: the replay points, and the choice of
/// fixed or fresh training data.
@Suite("Task sessions on disk")
struct TaskSessionFileTests {
    @Test func replayAndTrainingDataSurviveSaveAndLoad() throws {
        let folder = try makeScratchFolder("task-session")
        defer { removeScratchFolder(folder) }
        let path = folder.appendingPathComponent("task.txt").path
        var saved = Interpreter()
        for line in ["task previous-two vocab 8 length 6 d_model 8", "heads 2", "train 40 examples 12", "save \(path)"] {
            _ = try saved.execute(line)
        }
        var loaded = Interpreter()
        _ = try loaded.execute("load \(path)")
        #expect(loaded.session.task == saved.session.task, "model, optimiser, random stream, examples and replay points")
        #expect(try loaded.execute("replay 2").text == saved.execute("replay 2").text)

        // `examples none` returns to fresh batches, in both, identically.
        let after = try ["train 5 examples none", "train 5"].map { line in
            (try saved.execute(line).text, try loaded.execute(line).text)
        }
        #expect(saved.session.task?.trainer.examples == nil)
        #expect(saved.session.task == loaded.session.task)
        #expect(after.allSatisfy { $0.0.contains("fresh random sequences") && $0.1.contains("fresh random sequences") })
    }
}
