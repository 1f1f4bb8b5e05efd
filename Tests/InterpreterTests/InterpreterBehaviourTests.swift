import Attention
import Foundation
import Interpreter
import Teaching
import Testing

@Suite("Interpreter behaviour")
struct InterpreterBehaviourTests {
    @Test func startsWithTheExampleAndStepsThroughEveryStage() throws {
        var repl = Interpreter()
        #expect(repl.session.tokens == ["the", "cat", "sat"])
        #expect(repl.session.heads == 2)
        let titles = ["Input", "Projection", "Scores", "Scaling", "Masking", "Softmax", "Head outputs", "Concatenation", "Output projection"]
        for (index, title) in titles.enumerated() {
            let text = try repl.execute("step").text
            #expect(text.contains("Stage \(index + 1) of 9 · \(title)"), "step \(index + 1): \(text.prefix(80))")
        }
        #expect(throws: UserError.self) { try repl.execute("step") }
        #expect(try repl.execute("back").text.contains("Stage 8 of 9"))
        #expect(try repl.execute("goto Q").text.contains("Stage 2 of 9"))
        #expect(repl.session.cursor == .projection)
        let whereText = try repl.execute("where").text
        #expect(whereText.contains("Stage 2 of 9: projection") && whereText.contains("Next: scores"))
    }

    @Test func failingCommandLeavesTheSessionUnchanged() throws {
        var repl = Interpreter()
        _ = try repl.execute("step")
        let before = repl.session
        for line in ["X = [[1, 2], [3]]", "heads 0", "goto nowhere", "why weights 9 0", "import X /nonexistent/x.npy",
                     "show W_Q head 7", "W_Q head 3 = zeros 4x2", "stpe", "export weights /nonexistent/dir/w.npy"] {
            #expect(throws: UserError.self, "\(line) should fail") { try repl.execute(line) }
            #expect(repl.session == before, "\(line) changed the session")
        }
    }

    @Test func changingAnInputRecomputesAndKeepsTheCursor() throws {
        var repl = Interpreter()
        _ = try repl.execute("goto weights")
        let before = try repl.execute("show weights head 1").text
        _ = try repl.execute("mask causal")
        #expect(repl.session.cursor == .weights)
        let after = try repl.execute("show weights head 1").text
        #expect(before != after)
        #expect(after.contains("1.000"))   // 'the' can only see itself
    }

    @Test func directModeSwitchesBothWays() throws {
        var repl = Interpreter()
        let reply = try repl.execute("Q = [[1, 0], [0, 1], [1, 1]]")
        #expect(reply.text.contains("Direct mode"))
        #expect(repl.session.direct)
        _ = try repl.execute("K = [[1, 0], [0, 1]]")
        _ = try repl.execute("V = [[1, 2], [3, 4]]")
        let run = try repl.execute("run").text
        #expect(run.contains("Stage 6 of 6"))
        #expect(run.contains("weights  3 x 2 (queries x keys)"))
        #expect(throws: UserError.self) { try repl.execute("show concat") }
        let back = try repl.execute("X = identity 4")
        #expect(back.text.contains("Layer mode"))
        #expect(!repl.session.direct)
    }

    @Test func causalMaskInDirectModeNeedsSquareScores() throws {
        var repl = Interpreter()
        _ = try repl.execute("Q = [[1, 0]]")
        _ = try repl.execute("K = [[1, 0], [0, 1]]")
        _ = try repl.execute("V = [[1, 2], [3, 4]]")
        let reply = try repl.execute("mask causal")
        #expect(reply.text.contains("1 queries, 2 keys"))
        #expect(throws: UserError.self) { try repl.execute("step") }
    }

    @Test func headBlocksFillTheirColumns() throws {
        var repl = Interpreter()
        _ = try repl.execute("W_Q head 2 = [[1, 2], [3, 4], [5, 6], [7, 8]]")
        let W = try #require(repl.session.matrices["W_Q"])
        #expect(W.column(2) == [1, 3, 5, 7] && W.column(3) == [2, 4, 6, 8])
        #expect(W.column(0) == [0.1, -1.1, -1.5, 0.1])   // head 1's block is untouched
        _ = try repl.execute("W_O head 1 = [[1, 1, 1, 1], [2, 2, 2, 2]]")
        #expect(repl.session.matrices["W_O"]!.row(1) == [2, 2, 2, 2])
        let error = #expect(throws: UserError.self) { try repl.execute("W_K head 1 = zeros 3x2") }
        #expect(error?.message.contains("4 x 2") == true)
    }

    @Test func randomIsSeededAndScaled() throws {
        var a = Interpreter(), b = Interpreter()
        _ = try a.execute("W_Q = random 4x4 seed 3")
        _ = try b.execute("W_Q = random 4x4 seed 3")
        #expect(a.session.matrices["W_Q"] == b.session.matrices["W_Q"])
        _ = try b.execute("W_Q = random 4x4 seed 4")
        #expect(a.session.matrices["W_Q"] != b.session.matrices["W_Q"])
        _ = try a.execute("X = random 200x50 seed 1 uniform scale 0.5")
        #expect(a.session.matrices["X"]!.values.allSatisfy { abs($0) <= 0.5 })
        _ = try a.execute("X = random 200x50 seed 1")
        let values = a.session.matrices["X"]!.values
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(abs(mean) < 0.05 && abs(variance - 1) < 0.1)   // 10,000 draws of N(0, 1)
        #expect(throws: UserError.self) { try a.execute("X = random 100000x100000") }
    }

    @Test func resetGivesABlankSessionAndExampleReloads() throws {
        var repl = Interpreter()
        _ = try repl.execute("reset")
        #expect(repl.session == Session())
        let error = #expect(throws: UserError.self) { try repl.execute("step") }
        #expect(error?.message.contains("X, W_Q, W_K, W_V, W_O are not defined") == true)
        _ = try repl.execute("example")
        #expect(try repl.execute("step").text.contains("Stage 1 of 9"))
    }

    @Test func headsAndDkChangeTheLayer() throws {
        var repl = Interpreter()
        #expect(try repl.execute("heads 4").text.contains("d_k = d_model / h = 4 / 4 = 1"))
        #expect(try repl.execute("shapes").text.contains("3 x 1 per head (4)"))
        let note = try repl.execute("heads 3").text
        #expect(note.contains("not computable yet") && note.contains("dk"))
        _ = try repl.execute("heads 2")
        _ = try repl.execute("dk 3")
        #expect(try repl.execute("show X").text.contains("X"))   // inputs still show
        _ = try repl.execute("W_Q = random 4x6 seed 1")
        _ = try repl.execute("W_K = random 4x6 seed 2")
        _ = try repl.execute("W_V = random 4x6 seed 3")
        _ = try repl.execute("W_O = random 6x4 seed 4")
        #expect(try repl.execute("shapes").text.contains("d_k = 3"))
    }

    @Test func whyResolvesTokensAndChecksRanges() throws {
        var repl = Interpreter()
        let text = try repl.execute("why weights sat cat head 2").text
        #expect(text.contains("weights[sat][cat] (head 2)") && text.contains("0.483"))
        let error = #expect(throws: UserError.self) { try repl.execute("why weights dog cat") }
        #expect(error?.hint?.contains("the cat sat") == true)
        #expect(throws: UserError.self) { try repl.execute("why output 0 9") }
        #expect(throws: UserError.self) { try repl.execute("why scores 0 0 head 3") }
    }

    @Test func exportWritesStacksAndSingleHeads() throws {
        var repl = Interpreter()
        let folder = try makeScratchFolder("export")
        defer { removeScratchFolder(folder) }
        let stack = try repl.execute("export weights \(folder.path)/w.npy").text
        #expect(stack.contains("2 x 3 x 3, heads x rows x cols"))
        #expect(try repl.execute("export weights \(folder.path)/w1.csv head 1").text.contains("3 x 3"))
        let csvStack = #expect(throws: UserError.self) { try repl.execute("export weights \(folder.path)/w.csv") }
        #expect(csvStack?.hint?.contains("head N") == true)
        _ = try repl.execute("export W_O \(folder.path)/wo.json")
        _ = try repl.execute("reset")
        _ = try repl.execute("import W_O \(folder.path)/wo.json")
        #expect(repl.session.matrices["W_O"] == Interpreter().session.matrices["W_O"])
    }

    @Test func helpCoversEveryVerb() throws {
        var repl = Interpreter()
        let help = try repl.execute("help").text
        for verb in Verb.all { #expect(help.contains(verb.summary), "help lists \(verb.name)") }
        #expect(try repl.execute("help why").text.contains("why STAGE ROW COL"))
        #expect(try repl.execute("help W_Q").text.contains("random RxC"))
        #expect(try repl.execute("explain scaled").text.contains("sqrt(2) = 1.414"))
        #expect(try repl.execute("explain softmax").text.contains("Pitfall"))
        let typo = #expect(throws: UserError.self) { try repl.execute("help stpe") }
        #expect(typo?.message.contains("did you mean 'step'") == true)
    }

    @Test func precisionChangesEveryTable() throws {
        var repl = Interpreter()
        _ = try repl.execute("set precision 5")
        // NumPy on the example: weights[sat][cat] in head 2 = 0.4827163...
        #expect(try repl.execute("show weights head 2").text.contains("0.48272"))
    }
}

@Suite("Copying tensors")
struct CopyTests {
    @Test func outputFeedsTheNextLayer() throws {
        var repl = Interpreter()
        let output = try #require(try? Trace.compute(repl.session.configuration()).output)
        _ = try repl.execute("X = output")
        #expect(repl.session.matrices["X"] == output)
        _ = try repl.execute("W_Q head 1 = W_K head 1")
        #expect(try repl.session.matrices["W_Q"]!.columns(0..<2) == repl.session.matrices["W_K"]!.columns(0..<2))
        let error = #expect(throws: UserError.self) { try repl.execute("X = weights") }
        #expect(error?.message.contains("3-D") == true)
    }
}
