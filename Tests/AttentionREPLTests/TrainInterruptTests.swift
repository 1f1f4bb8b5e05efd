import Foundation
import Testing

/// Ctrl-C during `train` at a terminal, driven through tmux: the progress line shows the
/// training running, Ctrl-C stops it at the end of a step, and the model keeps the steps taken.
@Suite("Train interrupted in tmux", .serialized)
struct TrainInterruptTests {
    let prompt = REPLSession.prompt

    @Test func controlCStopsTrainingAndKeepsTheStepsTaken() throws {
        let repl = try REPLSession()
        defer { repl.close() }
        try repl.enter("heads 2")
        try repl.enter("task previous-two")

        try repl.tmux.type("train 100000")
        try repl.tmux.press("Enter")
        try repl.tmux.waitForScreen("the train progress line", timeout: 20) {
            $0.contains("train: step") && $0.contains("Ctrl-C stops") && $0.contains("s left")
        }
        try repl.tmux.press("C-c")
        let screen = try repl.tmux.waitForScreen("the train's reply and a prompt", timeout: 30) {
            lastLine(of: $0) == prompt && $0.contains("Stopped")
        }
        #expect(screen.contains("Stopped by Ctrl-C after step"), "screen:\n\(screen)")
        #expect(!screen.contains("train: step"), "the progress line is erased before the reply:\n\(screen)")
        #expect(!screen.contains("Ctrl-C stops"), "screen:\n\(screen)")
        #expect(try repl.tmux.paneState().dead == false, "Ctrl-C must not end the session")

        // "Stopped by Ctrl-C after step K: ..."
        let stopped = try #require(screen.range(of: "Stopped by Ctrl-C after step "), "screen:\n\(screen)")
        let step = try #require(Int(screen[stopped.upperBound...].prefix { $0.isNumber }), "screen:\n\(screen)")
        #expect(step >= 1 && step < 100_000, "step \(step)")
        // The summary line agrees: K steps, K in all.
        #expect(screen.contains("train: \(step) step"), "screen:\n\(screen)")
        #expect(screen.contains("\(step) in all"), "screen:\n\(screen)")

        // The model kept exactly those steps.
        let evaluated = try repl.enter("evaluate")
        #expect(evaluated.contains("\(step) step\(step == 1 ? "" : "s") trained"), "stopped after \(step):\n\(evaluated)")
        let described = try repl.enter("task")
        #expect(described.contains("trained for \(step) steps"), "screen:\n\(described)")
    }
}
