import Foundation
import Interpreter
import Platform
import Teaching

/// The line a long command (`fit`) redraws in place at a terminal, at most ten times a
/// second, and Ctrl-C as its way to stop. Erased before the command's reply is printed.
final class ProgressLine: @unchecked Sendable {   // used from the one thread that runs commands
    private var lastDrawn = Date.distantPast
    /// When the command began and at which step, for the time left.
    private var began: (time: Date, step: Int)?
    private var shown = false
    /// Whether to draw: only at a terminal (Ctrl-C stops a fit either way).
    private let draws: Bool

    init(draws: Bool) { self.draws = draws }

    /// A watcher for the interpreter: draws the progress line and reports Ctrl-C.
    var watcher: ProgressWatcher {
        ProgressWatcher(start: { [self] in attention_clear_interrupt(); began = nil }, report: { [self] progress in draw(progress) },
                        shouldStop: { attention_interrupt_requested() != 0 })
    }

    private func draw(_ progress: FitProgress) {
        guard draws else { return }
        let now = Date()
        if began == nil { began = (now, progress.step - 1) }
        guard now.timeIntervalSince(lastDrawn) >= 0.1 || progress.step == progress.steps else { return }
        lastDrawn = now
        shown = true
        var left = ""
        if let began, progress.step > began.step + 1 {
            let perStep = now.timeIntervalSince(began.time) / Double(progress.step - began.step)
            left = String(format: " · %.1f s left", perStep * Double(progress.steps - progress.step))
        }
        // One row of the terminal, or "\r" would only return to the start of the last row and
        // leave the others behind: without the detail when it does not fit, cut if even that
        // does not.
        let room = Terminal.width() - 1
        var line = FitReport.progressLine(progress.command, step: progress.step, steps: progress.steps,
                                          loss: progress.loss, detail: progress.detail) + left
        if line.count > room {
            line = FitReport.progressLine(progress.command, step: progress.step, steps: progress.steps, loss: progress.loss) + left
        }
        if line.count > room { line = String(line.prefix(max(1, room - 1))) + "…" }
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
