import Foundation
import Interpreter
import Platform
import Teaching

/// The line a long command (`fit`) redraws in place at a terminal, at most ten times a
/// second, and Ctrl-C as its way to stop. Erased before the command's reply is printed.
final class ProgressLine: @unchecked Sendable {   // used from the one thread that runs commands
    private var lastDrawn = Date.distantPast
    private var shown = false
    /// Whether to draw: only at a terminal (Ctrl-C stops a fit either way).
    private let draws: Bool

    init(draws: Bool) { self.draws = draws }

    /// A watcher for the interpreter: draws the progress line and reports Ctrl-C.
    var watcher: ProgressWatcher {
        ProgressWatcher(start: { attention_clear_interrupt() }, report: { [self] progress in draw(progress) },
                        shouldStop: { attention_interrupt_requested() != 0 })
    }

    private func draw(_ progress: FitProgress) {
        guard draws else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 || progress.step == progress.steps else { return }
        lastDrawn = now
        shown = true
        let line = FitReport.progressLine(step: progress.step, steps: progress.steps, loss: progress.loss)
        FileHandle.standardOutput.write(Data(("\r" + line + "\u{1B}[K").utf8))
    }

    /// Removes the progress line, if one was drawn, so the reply starts on a clean line.
    func erase() {
        guard shown else { return }
        shown = false
        lastDrawn = .distantPast
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
    }
}
