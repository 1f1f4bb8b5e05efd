import Foundation
import Interpreter
import Testing

@Suite("Head commands: importance, pruning, pictures")
struct HeadCommandTests {
    func folder() throws -> URL { try makeScratchFolder("heads") }

    @Test func importanceExportHasExactlyTheAgreedFields() throws {
        var repl = Interpreter()
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        _ = try repl.execute("export importance \(dir.path)/importance.json")
        let data = try Data(contentsOf: dir.appendingPathComponent("importance.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Array(json.keys) == ["heads"])
        let heads = try #require(json["heads"] as? [[String: Any]])
        #expect(heads.count == 2)
        #expect(heads.map { $0["head"] as? Int } == [1, 2])
        for head in heads {
            #expect(Set(head.keys) == ["head", "weight_norm", "entropy", "normalized_entropy", "sensitivity", "gradient"])
            #expect(head["gradient"] is NSNull, "no target, so no loss and no gradient")
        }
        // Head 1's blocks of the example's W_Q, W_K, W_V (columns 0-1) and W_O (rows 0-1):
        // squares 4.84 + 3.04 + 5.66 + 0.78 = 14.29 (NumPy: 14.290000000000001), so sqrt = 3.7802.
        #expect(abs((heads[0]["weight_norm"] as! Double) - 14.29.squareRoot()) < 1e-12)
    }

    @Test func undefinedFiguresAreNull() throws {
        var repl = Interpreter()
        _ = try repl.execute("X = zeros 3x4")
        _ = try repl.execute("W_O = zeros 4x4")   // the output is all zeros: sensitivity is undefined
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        _ = try repl.execute("export importance \(dir.path)/i.json")
        let text = try String(contentsOf: dir.appendingPathComponent("i.json"), encoding: .utf8)
        #expect(text.contains("\"sensitivity\": null"))
        #expect(try repl.execute("importance").text.contains("undefined"))
    }

    @Test func pruneGateAndUnprune() throws {
        var repl = Interpreter()
        let reply = try repl.execute("prune head 2")
        #expect(reply.text.contains("pruned head 2"))
        #expect(repl.session.gates == [1: 0])
        #expect(try repl.execute("show concat").text.contains("0.000"))
        let compare = try repl.execute("compare").text
        #expect(compare.contains("head 2 pruned") && compare.contains("98.6%"))   // head 2's sensitivity
        _ = try repl.execute("prune head 1")
        #expect(try repl.execute("prune head 1").text.contains("Every head is pruned"))
        _ = try repl.execute("unprune all")
        #expect(repl.session.gates.isEmpty)
        _ = try repl.execute("gate head 1 0.5")
        #expect(repl.session.gates == [0: 0.5])
        #expect(try repl.execute("show head_out").text.contains("head 1 (gate 0.500)"))
        #expect(throws: UserError.self) { try repl.execute("gate head 1 1.5") }
        #expect(throws: UserError.self) { try repl.execute("prune head 3") }
        #expect(throws: UserError.self) { try repl.execute("prune 3 by entropy") }
    }

    @Test func pruneByMetricChoosesTheLeastImportant() throws {
        // In the example head 1 is the more diffuse (normalized entropy 0.957 against 0.687),
        // has the smaller weights (3.780 against 4.736) and moves the output less (14.3%).
        for metric in ["entropy", "magnitude", "sensitivity"] {
            var repl = Interpreter()
            #expect(try repl.execute("prune 1 by \(metric)").text.contains("pruned head 1"))
            #expect(repl.session.gates == [0: 0])
        }
    }

    @Test func heatmapAttendsAndSVG() throws {
        var repl = Interpreter()
        #expect(try repl.execute("heatmap").text.contains("weights · head 2"))
        #expect(try repl.execute("heatmap scores head 1").text.contains("scores · head 1"))
        #expect(try repl.execute("heatmap head all").text.contains("weights · head 1"))
        #expect(try repl.execute("attends sat").text.contains("head 2: sat -> cat 0.483, sat 0.340, the 0.178"))
        #expect(try repl.execute("attends").text.components(separatedBy: " attends to").count == 4)
        // A long sequence shows its first 16 queries and its last 4.
        var long = Interpreter()
        _ = try long.execute("X = random 30x4 seed 2")
        _ = try long.execute("redraw")
        let all = try long.execute("attends").text
        #expect(all.components(separatedBy: " attends to").count == 21)
        #expect(all.contains("'t15' attends to") && !all.contains("'t16' attends to") && all.contains("'t26' attends to") && all.contains("'t29' attends to"))
        #expect(all.contains("10 queries not shown"))
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        #expect(try repl.execute("export weights \(dir.path)/w.svg").text.contains("open it in a browser"))
        let svg = try String(contentsOf: dir.appendingPathComponent("w.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<svg"))
        // A picture past the cell limit is refused before anything is written: 4 heads of 771
        // tokens would have been 2,377,764 cells, a 560 MB file.
        var huge = Interpreter()
        _ = try huge.execute("heads 4")
        _ = try huge.execute("X = sinusoidal 771x4")
        let refused = error("export weights \(dir.path)/huge.svg", in: &huge)
        #expect(refused?.message.contains("would draw 2377764 cells (4 heads of 771 x 771)") == true, "\(String(describing: refused))")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("huge.svg").path))
        // The limit counts every cell: X (771 x 4, one panel) is 3,084.
        huge.maximumPictureCells = 3084
        #expect(try huge.execute("export X \(dir.path)/x.svg").text.contains("open it in a browser"))
        huge.maximumPictureCells = 3083
        #expect(error("export X \(dir.path)/x2.svg", in: &huge)?.message.contains("would draw 3084 cells (771 x 4)") == true)
        #expect(throws: UserError.self) { try repl.execute("export importance \(dir.path)/i.csv") }
    }
}
