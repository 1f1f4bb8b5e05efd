import Foundation
import Interpreter
import TensorIO
import Testing

/// `export html`, `export loss` and `export prune-curve`: what the files hold and how mistakes
/// are reported. The page's behaviour in a browser is checked end to end in AttentionREPLTests.
@Suite("Page and curve exports")
struct PageExportTests {
    /// The JSON the page is drawn from, read back out of the written file.
    static func pageData(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"data\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = Data(html[start.upperBound..<end.lowerBound].utf8)
        return try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    }

    static func write(_ lines: [String], page name: String = "page.html", in dir: URL) throws -> (Interpreter, String) {
        var repl = Interpreter()
        for line in lines { _ = try repl.execute(line) }
        let reply = try repl.execute("export html \(dir.path)/\(name)")
        #expect(reply.text.contains("open it in any browser"))
        return (repl, try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
    }

    @Test func theNeuronViewCarriesWhysOwnText() throws {
        let dir = try makeScratchFolder("page")
        defer { removeScratchFolder(dir) }
        let (written, html) = try Self.write(["mask causal"], in: dir)
        var repl = written
        let data = try Self.pageData(html)
        let neuron = try #require(data["neuron"] as? [String: Any])
        let heads = try #require(neuron["heads"] as? [[String: Any]])
        #expect(heads.count == 2)
        // Every pair of the small example carries its texts; each is exactly what `why` prints.
        for (h, head) in heads.enumerated() {
            let queries = try #require(head["queries"] as? [[String: Any]])
            for (q, query) in queries.enumerated() {
                let why = try #require(query["why"] as? [String: [String]])
                #expect(why.count == 3)
                for k in 0..<3 {
                    let texts = try #require(why[String(k)])
                    let blocked = k > q   // causal: a query sees itself and earlier tokens
                    var stages = ["scores", "scaled"]
                    if blocked { stages.append("masked") }
                    stages.append("weights")
                    #expect(texts == (try stages.map { try repl.execute("why \($0) \(q) \(k) head \(h + 1)").text }))
                }
                #expect(query["outWhy"] as? String == (try repl.execute("why head_out \(q) 0 head \(h + 1)").text))
            }
        }
    }

    /// The products q∘k are computed here from the exported Q and K, independently of `why`.
    @Test func theProductsAreQTimesK() throws {
        let dir = try makeScratchFolder("page")
        defer { removeScratchFolder(dir) }
        let (written, html) = try Self.write([], in: dir)
        var repl = written
        // .npy holds the doubles exactly (JSON's decimal text might move a product off a tie).
        _ = try repl.execute("export Q \(dir.path)/q.npy")
        _ = try repl.execute("export K \(dir.path)/k.npy")
        let Q = try TensorFile.read(path: dir.appendingPathComponent("q.npy").path)
        let K = try TensorFile.read(path: dir.appendingPathComponent("k.npy").path)
        #expect(Q.shape == [2, 3, 2] && K.shape == [2, 3, 2])
        func vector(_ array: NDArray, _ head: Int, _ row: Int) -> ArraySlice<Double> {
            let start = (head * 3 + row) * 2
            return array.values[start..<start + 2]
        }
        let heads = try #require((try Self.pageData(html)["neuron"] as? [String: Any])?["heads"] as? [[String: Any]])
        for (h, head) in heads.enumerated() {
            let queries = try #require(head["queries"] as? [[String: Any]])
            for (q, query) in queries.enumerated() {
                let products = try #require(query["products"] as? [String])
                for (k, row) in products.enumerated() {
                    let expected = zip(vector(Q, h, q), vector(K, h, k)).map { String(format: "%.3f", $0 * $1) }
                        .map { $0 == "-0.000" ? "0.000" : $0 }
                    #expect(row == expected.joined(separator: " "), "head \(h + 1), query \(q), key \(k)")
                }
            }
        }
    }

    @Test func thePageReferencesNothingOutside() throws {
        let dir = try makeScratchFolder("page")
        defer { removeScratchFolder(dir) }
        // Words a learner might type that must not become a link or end the data early.
        let (_, html) = try Self.write(["tokens http://x.org </script> a//b"], in: dir)
        #expect(!html.contains("//"))
        #expect(html.lowercased().components(separatedBy: "http").count == 2, "only http-equiv")
        #expect(html.contains("http-equiv=\"Content-Security-Policy\""))
        #expect(!html.contains("</script> a"))
        let data = try Self.pageData(html)
        let layer = try #require(data["layer"] as? [String: Any])
        #expect(layer["queries"] as? [String] == ["http://x.org", "</script>", "a//b"], "escaped, not changed")
        #expect((data["title"] as? String)?.contains("the ready example") == true)
        #expect((data["stages"] as? [Any])?.count == 9)
    }

    @Test func theNewExportsComplete() {
        guard case let .words(words) = Completion.slot(before: ["export"]) else { Issue.record("export takes a name first"); return }
        #expect(["html", "loss", "prune-curve"].allSatisfy(words.contains))
    }

    @Test func mistakesAreReported() throws {
        let dir = try makeScratchFolder("page")
        defer { removeScratchFolder(dir) }
        var repl = Interpreter()
        #expect(error("export html \(dir.path)/page.txt", in: &repl)?.message == "the page is written as HTML")
        #expect(error("export html \(dir.path)/missing/page.html", in: &repl)?.message.hasPrefix("cannot write \(dir.path)/missing/page.html") == true)
        #expect(error("export loss \(dir.path)/loss.svg", in: &repl)?.message == "there is no task, so no loss curve to draw")
        #expect(error("export prune-curve \(dir.path)/p.svg", in: &repl)?.message.contains("needs a task") == true)
        _ = try repl.execute("reset")
        #expect(error("export html \(dir.path)/page.html", in: &repl)?.message.hasPrefix("nothing to export as a page yet") == true)
        _ = try repl.execute("task previous-two vocab 8 length 6 d_model 8")
        #expect(error("export loss \(dir.path)/loss.svg", in: &repl)?.message == "nothing has been trained yet, so there is no loss curve")
        #expect(error("export loss \(dir.path)/loss.png", in: &repl)?.message == "loss is drawn as an SVG picture")
    }

    /// Training keeps every step's batch loss and accuracy; the picture draws each, and the
    /// page shows the curves and the saved points.
    @Test func aTrainedTaskGetsItsCurves() throws {
        let dir = try makeScratchFolder("page")
        defer { removeScratchFolder(dir) }
        let (repl, html) = try Self.write(["task previous-two vocab 8 length 6 d_model 8", "heads 2", "train 30", "train 10", "prune curve"], in: dir)
        var interpreter = repl
        let task = try #require(repl.session.task)
        #expect(task.history.map(\.step) == Array(1...40))
        #expect(task.history.allSatisfy { $0.loss > 0 && (0...1).contains($0.accuracy) })
        _ = try interpreter.execute("export loss \(dir.path)/loss.svg")
        let svg = try String(contentsOf: dir.appendingPathComponent("loss.svg"), encoding: .utf8)
        let lines = svg.components(separatedBy: "<polyline").dropFirst()
        #expect(lines.count == 3, "batch loss, batch accuracy, held-out accuracy")
        let points = lines.first.map { $0.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0].split(separator: " ").count }
        #expect(points == 40)
        let training = try #require(try Self.pageData(html)["training"] as? [String: Any])
        #expect(training["lossChart"] is String && training["pruneChart"] is String)
        #expect((training["snapshots"] as? [Any])?.count == task.snapshots.count)
        _ = try interpreter.execute("export prune-curve \(dir.path)/prune.svg")
        let prune = try String(contentsOf: dir.appendingPathComponent("prune.svg"), encoding: .utf8)
        #expect(prune.components(separatedBy: "<polyline").count - 1 == 5, "four metrics and random orders")
    }
}
