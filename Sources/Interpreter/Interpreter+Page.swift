import Attention
import Encoder
import Foundation
import Teaching
import Training

/// `export html FILE.html`: the session as one self-contained web page (see `SessionPage`).
extension Interpreter {
    func exportHTML(to path: String, session: Session) throws -> String {
        guard [".html", ".htm"].contains(where: path.lowercased().hasSuffix) else {
            throw UserError("the page is written as HTML", hint: "export html session.html")
        }
        let presenter: Presenter
        do {
            presenter = try self.presenter(session)
        } catch let error as UserError where !error.isInterruption {
            // A blank session has no layer to draw: say so first, then what is missing.
            throw UserError("nothing to export as a page yet: \(error.message)", hint: error.hint)
        }
        var model: SessionPage.ModelGrid?
        var block: BlockPresenter?
        if let loaded = session.model {
            model = try modelGrid(loaded, session: session)
            block = try blockPresenter(session)
        }
        let page = SessionPage(title: pageTitle(session, presenter: presenter), date: Self.pageDate(Date()),
                               layer: presenter, model: model, training: try trainingRecord(session), block: block)
        let html = page.html()
        try writeText(html, to: path)
        let kilobytes = (html.utf8.count + 1023) / 1024
        return "wrote the session as a web page (\(kilobytes) KB) to \(path): open it in any browser"
    }

    /// What the page is of, in a few words, without anything typed by the learner (the title is
    /// also the browser tab's).
    func pageTitle(_ session: Session, presenter: Presenter) -> String {
        let trace = presenter.trace
        let layer: String
        if let model = session.model {
            let folder = URL(fileURLWithPath: model.model.folder)
            let name = [folder.deletingLastPathComponent().lastPathComponent, folder.lastPathComponent].joined(separator: "/")
            layer = "layer \(model.layer) of \(model.model.encoder.configuration.layers) of the model in \(name), on \(trace.n) wordpieces"
        } else if let task = session.task {
            layer = "the layer of the task \(task.model.task.rawValue) after \(task.trainer.steps) training steps"
        } else if session.matrices == Self.exampleSession.matrices && session.biases == Self.exampleSession.biases {
            layer = "the ready example"
        } else if trace.isDirect {
            layer = "attention of \(trace.n) queries over \(trace.m) keys (direct mode)"
        } else {
            layer = "a layer of \(trace.n) tokens"
        }
        let heads = trace.isDirect ? "" : ", \(trace.heads.count) head\(trace.heads.count == 1 ? "" : "s")"
        let mask = session.mask == .none && session.padding.isEmpty ? "" : ", masked"
        let pruned = session.gates.filter { $0.value == 0 }.keys.sorted().map { String($0 + 1) }
        return layer + heads + mask + (pruned.isEmpty ? "" : ", head \(pruned.joined(separator: ", ")) pruned")
    }

    /// "2026-05-04 13:45 UTC".
    static func pageDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// Every layer's heads on the sentence, pruned as they are now, with the captions `export
    /// attention FILE.svg` gives them.
    func modelGrid(_ model: ModelSession, session: Session) throws -> SessionPage.ModelGrid {
        let run = try currentRun(session)
        let c = model.model.encoder.configuration
        let gates = modelGates(session)
        return SessionPage.ModelGrid(
            name: model.model.folder,
            weights: run.layers.map { $0.attention.heads.map(\.weights) },
            captions: headCaptions(run, tokens: model.sentence.encoding.tokens),
            gates: (0..<c.layers).map { layer in (0..<c.heads).map { gates[layer]?[$0] ?? 1 } },
            shownLayer: model.layer - 1)
    }

    /// Each head's caption: the pattern it shows most and its share, "previous 0.85".
    func headCaptions(_ run: EncoderRun, tokens: [String]) -> [[String]] {
        patternShares(run, tokens: tokens).map { heads in
            heads.map { shares -> String in
                let (pattern, share) = HeadPattern.dominant(shares)
                return "\(ModelHeadsReport.name(pattern)) \(String(format: "%.2f", share))"
            }
        }
    }
}
