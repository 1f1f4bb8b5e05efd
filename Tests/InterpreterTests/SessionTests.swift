import Attention
import Foundation
import Interpreter
import ReferenceCases
import Testing

/// Save, load and restore reproduce a session exactly; damaged files change nothing.
@Suite("Saved sessions")
struct SessionTests {
    func folder() throws -> URL { try makeScratchFolder("sessions") }

    func roundTrip(_ repl: inout Interpreter, in dir: URL) throws -> Interpreter {
        _ = try repl.execute("save \(dir.path)/s.txt")
        var loaded = Interpreter(loadExample: false)
        _ = try loaded.execute("load \(dir.path)/s.txt")
        return loaded
    }

    @Test func everySettingSurvives() throws {
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        var repl = Interpreter()
        for line in ["tokens a b c", "b_O = [0.1, 0.2, 0.3, 0.4]", "mask [[0, 1, 1], [0, 0, 1], [0, 0, 0]]", "pad 1",
                     "prune head 2", "gate head 1 0.25", "set scaling off", "set precision 6", "goto weights"] {
            _ = try repl.execute(line)
        }
        let loaded = try roundTrip(&repl, in: dir)
        #expect(loaded.session == repl.session)
    }

    /// Every reference case, saved and loaded: the session and every stage are identical.
    @Test(arguments: (try? ReferenceCase.all()) ?? [])
    func referenceCasesRoundTripExactly(_ reference: ReferenceCase) throws {
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        var repl = Interpreter(loadExample: false)
        let config = try reference.configuration()
        func literal(_ m: Matrix) -> String { "[" + m.nestedRows.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]" }
        switch config {
        case let .direct(c):
            for (name, m) in [("Q", c.Q), ("K", c.K), ("V", c.V)] { _ = try repl.execute("\(name) = \(literal(m))") }
        case let .multiHead(c):
            for (name, m) in [("X", c.X), ("W_Q", c.W_Q), ("W_K", c.W_K), ("W_V", c.W_V), ("W_O", c.W_O)] {
                _ = try repl.execute("\(name) = \(literal(m))")
            }
            for (name, b) in [("b_Q", c.b_Q), ("b_K", c.b_K), ("b_V", c.b_V), ("b_O", c.b_O)] {
                if let b { _ = try repl.execute("\(name) = [" + b.map { "\($0)" }.joined(separator: ", ") + "]") }
            }
            _ = try repl.execute("heads \(c.heads)")
        }
        _ = try repl.execute("run")
        let loaded = try roundTrip(&repl, in: dir)
        #expect(loaded.session == repl.session)
        let before = try Trace.compute(repl.session.configuration())
        let after = try Trace.compute(loaded.session.configuration())
        #expect(before.output.values.elementsEqual(after.output.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    @Test func truncatedOrDamagedFilesChangeNothing() throws {
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        var repl = Interpreter()
        _ = try repl.execute("save \(dir.path)/s.txt")
        let text = try String(contentsOf: dir.appendingPathComponent("s.txt"), encoding: .utf8)
        var other = Interpreter()
        _ = try other.execute("mask causal")
        let before = other.session

        // Cut off in the middle of a line: no end line.
        try String(text.prefix(text.count / 2)).write(to: dir.appendingPathComponent("cut.txt"), atomically: true, encoding: .utf8)
        let cut = #expect(throws: UserError.self) { try other.execute("load \(dir.path)/cut.txt") }
        #expect(cut?.message.contains("truncated") == true)
        #expect(other.session == before)

        // A whole line missing: the count no longer matches.
        var lines = text.split(separator: "\n").map(String.init)
        lines.remove(at: 3)
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("gap.txt"), atomically: true, encoding: .utf8)
        let gap = #expect(throws: UserError.self) { try other.execute("load \(dir.path)/gap.txt") }
        #expect(gap?.message.contains("promises") == true)
        #expect(other.session == before)

        // A damaged value: the line is named.
        lines = text.split(separator: "\n").map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: "0.3", with: "0..3")
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        let bad = #expect(throws: UserError.self) { try other.execute("load \(dir.path)/bad.txt") }
        #expect(bad?.message.contains("bad.txt line 3") == true)
        #expect(other.session == before)

        #expect(throws: UserError.self) { try other.execute("load \(dir.path)/missing.txt") }
        #expect(other.session == before)
    }

    @Test func restoreReadsTheStateFile() throws {
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        var repl = Interpreter()
        repl.stateFile = dir.appendingPathComponent("state.txt").path
        #expect(throws: UserError.self) { try repl.execute("restore") }
        _ = try repl.execute("heads 4")
        _ = try repl.execute("save \(repl.stateFile!)")
        var next = Interpreter()
        next.stateFile = repl.stateFile
        _ = try next.execute("restore")
        #expect(next.session == repl.session)
    }

    @Test func confinedFileAccessStaysInItsFolder() throws {
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        var repl = Interpreter()
        repl.files = .confined(to: dir.path)
        _ = try repl.execute("export X x.json")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.json").path))
        for line in ["export X /tmp/x.json", "import X ../x.json", "save ../../s.txt", "load /etc/passwd"] {
            let error = #expect(throws: UserError.self) { try repl.execute(line) }
            #expect(error?.message.contains("outside the folder") == true, "\(line)")
        }
    }

    /// Names found by the commands fuzz target: NSString's pathExtension trapped on the first,
    /// and the system would have read the second only up to its NUL, as "x".
    @Test func awkwardNamesGetErrors() throws {
        let dir = try folder()
        defer { removeScratchFolder(dir) }
        var repl = Interpreter()
        repl.files = .confined(to: dir.path)
        let missing = #expect(throws: UserError.self) { try repl.execute("load a.b///c//") }
        #expect(missing?.message.contains("cannot load a.b///c//") == true)
        let tensor = #expect(throws: UserError.self) { try repl.execute("load data.NPY") }
        #expect(tensor?.message.contains("looks like a tensor file") == true)
        for line in ["save x\u{0}y.txt", "export X x\u{0}.json", "import X x\u{0}"] {
            let error = #expect(throws: UserError.self) { try repl.execute(line) }
            #expect(error?.message.contains("holds a NUL character") == true, "\(line)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}

@Suite("Limits")
struct LimitTests {
    @Test func sizesAreCappedWithClearMessages() throws {
        var repl = Interpreter()
        let huge = #expect(throws: UserError.self) { try repl.execute("X = random 100000x100000") }
        #expect(huge?.message.contains("too large") == true && huge?.message.contains("4096 x 4096") == true)
        #expect(throws: UserError.self) { try repl.execute("heads 5000") }
        #expect(throws: UserError.self) { try repl.execute("X = [[[[1]]]]") }
        let nan = #expect(throws: UserError.self) { try repl.execute("X = [[1, NaN]]") }
        #expect(nan?.column == 10)   // the N of NaN
        let inf = #expect(throws: UserError.self) { try repl.execute("X = [[1e999]]") }
        #expect(inf?.column == 7)
    }

    /// A saved session is rebuilt within the loading interpreter's limits, not the defaults: a
    /// file written where larger task models were allowed is refused by a stricter interpreter,
    /// with its line, and changes nothing.
    @Test func aLoadedSessionObeysTheLoadersLimits() throws {
        let dir = try makeScratchFolder("sessions")
        defer { removeScratchFolder(dir) }
        var writer = Interpreter()
        _ = try writer.execute("task previous-two vocab 16 length 8 d_model 32 seed 1")
        _ = try writer.execute("save \(dir.path)/task.txt")
        var strict = Interpreter()
        strict.taskLimits.dModel = 16
        let before = strict.session
        let refused = #expect(throws: UserError.self) { try strict.execute("load \(dir.path)/task.txt") }
        #expect(refused?.message.contains("task.txt line") == true && refused?.message.contains("16") == true,
                "\(refused?.message ?? "")")
        #expect(strict.session == before)
        var roomy = Interpreter()
        _ = try roomy.execute("load \(dir.path)/task.txt")
        #expect(roomy.session.task?.model.dModel == 32)
    }

    /// Under a smaller held-out limit (the fuzzer's), a task is tested on the first sequences of
    /// the same held-out set, and the texts say how many.
    @Test func aSmallerHeldOutSetIsTheStartOfTheSameOne() throws {
        var small = Interpreter()
        small.taskLimits.heldOut = 50
        var whole = Interpreter()
        _ = try small.execute("task previous-two vocab 16 length 8 d_model 16 seed 1")
        _ = try whole.execute("task previous-two vocab 16 length 8 d_model 16 seed 1")
        let (few, all) = (small.session.task!.heldOut, whole.session.task!.heldOut)
        #expect(few.count == 50 && all.count == 2000 && Array(all.prefix(50)) == few)
        #expect(try small.execute("evaluate").text.contains("held-out (50)"))
        #expect(try whole.execute("evaluate").text.contains("held-out (2000)"))
        let refused = #expect(throws: UserError.self) { try small.execute("sample 50") }
        #expect(refused?.message.contains("there are 50 held-out sequences (0 to 49)") == true, "\(refused?.message ?? "")")
        _ = try small.execute("sample 49")
    }

    @Test func theLargestAllowedMatrixWorks() throws {
        var repl = Interpreter()
        _ = try repl.execute("W_O = zeros 4096x4096")
        #expect(repl.session.matrices["W_O"]?.shape == Shape(4096, 4096))
        #expect(throws: UserError.self) { try repl.execute("W_O = zeros 4097x4096") }
    }

    @Test func overflowIsExplained() throws {
        var repl = Interpreter()
        _ = try repl.execute("X = [[1e200, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]")
        let error = #expect(throws: UserError.self) { try repl.execute("step") }
        #expect(error?.message.contains("overflowed") == true && error?.hint?.contains("scale the inputs down") == true)
    }
}

@Suite("Saving by path")
struct SaveByPathTests {
    /// The REPL saves on exit and --load reads by path, not through a command line, so a
    /// file name with quotes and spaces works.
    @Test func awkwardFileNamesWork() throws {
        let dir = try makeScratchFolder("path")
        defer { removeScratchFolder(dir) }
        let path = dir.appendingPathComponent("my \"odd\" session.txt").path
        var repl = Interpreter()
        _ = try repl.execute("heads 4")
        _ = try repl.saveSession(to: path)
        var loaded = Interpreter()
        _ = try loaded.loadSession(from: path)
        #expect(loaded.session == repl.session)
        let before = loaded.session
        #expect(throws: UserError.self) { try loaded.loadSession(from: dir.appendingPathComponent("missing").path) }
        #expect(loaded.session == before)
    }
}
