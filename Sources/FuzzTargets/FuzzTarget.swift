import Foundation
import Interpreter
import ModelFiles
import TensorIO

/// The inputs a fuzzer may throw at the program, one entry point each. Every entry point
/// must return normally for every input: errors are thrown and caught as the REPL would; a
/// trap, a crash or a hang is a bug. The same functions replay the corpus in the tests.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Lines of commands run by the interpreter, with files confined to a scratch folder.
    case commands
    /// The text of a lesson file.
    case lesson
    /// The bytes of an .npy file.
    case npy
    /// The text of a .json array file (and of a matrix literal).
    case json
    /// The text of a .csv file.
    case csv
    /// The bytes of a vocab.txt file, then tokenizing text with it.
    case vocab
    /// The bytes of a model.safetensors file.
    case safetensors
    /// The bytes of a model's config.json.
    case config
    /// The bytes of a saved session file, loaded with `load`.
    case session
    /// A learner's answer to a lesson's question (the first line) against expected answers (the
    /// other lines, and one of each kind the lessons use).
    case answer

    /// Feeds one input to this target.
    public func run(_ data: [UInt8]) {
        switch self {
        case .commands: Self.runCommands(data)
        case .lesson:
            let text = String(decoding: data, as: UTF8.self)
            if let lesson = try? LessonParser.parse(text, name: "fuzz", path: "fuzz.lesson") {
                _ = lesson.sectionCount
            }
        case .npy: _ = try? NPY.decode(data)
        case .json:
            if let array = try? JSONArrayText.parse(String(decoding: data, as: UTF8.self)) {
                _ = JSONArrayText.format(array)
            }
        case .csv:
            if let array = try? CSVText.parse(String(decoding: data, as: UTF8.self)) {
                _ = try? CSVText.format(array)
            }
        case .vocab: Self.runVocabulary(data)
        case .safetensors:
            // Tensors with names of even length are converted into their transposes, so that both
            // ways of converting are fuzzed.
            _ = try? Safetensors.read(data, skipping: { $0.hasSuffix("position_ids") },
                                      transposing: { $0.utf8.count % 2 == 0 })
        case .config: _ = try? ModelConfig(bytes: data)
        case .session: Self.runSession(data)
        case .answer:
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            guard let answer = lines.first.map(String.init) else { return }
            _ = LessonRunner.accepts(answer, lines.dropFirst().map(String.init) + Self.answersOfEveryKind)
        }
    }

    /// Reads the input as a vocab.txt and, if a tokenizer can be built on it, encodes a few
    /// fixed texts and the input itself as text, uncased and cased, with a small maximum.
    static func runVocabulary(_ data: [UInt8]) {
        guard let vocabulary = try? Vocabulary(bytes: data) else { return }
        let texts = ["Hello, world!", "[CLS] x[MASK]y [sep]", "İstanbul ΟΔΟΣ café 한국어 中文 great🙂",
                     "\u{0}\r\n\t\u{200B}\u{301}", String(decoding: data, as: UTF8.self)]
        for lowercase in [true, false] {
            guard let tokenizer = try? BertTokenizer(vocabulary: vocabulary, lowercase: lowercase, maximumTokens: 64) else { return }
            for text in texts {
                _ = tokenizer.encode(text)
            }
        }
    }

    /// At most 64 lines a run, by an interpreter with small limits (`limitedInterpreter`). Lines
    /// are cut at "\n" only, so that a command line may hold a "\r" or any other character.
    /// Returns how many lines the interpreter refused (for the tests).
    @discardableResult
    static func runCommands(_ data: [UInt8]) -> Int {
        ScratchFolder.withFreshFolder { runCommands(on: data) }
    }

    private static func runCommands(on data: [UInt8]) -> Int {
        var interpreter = limitedInterpreter()
        var refused = 0
        let text = String(decoding: data, as: UTF8.self)
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).prefix(64).map(Substring.init) {
            // Lessons run through their own target; here `lesson` would only read files.
            do {
                let reply = try interpreter.execute(String(line))
                if reply.quit { break }
            } catch {
                refused += 1   // a user error: the REPL prints it and goes on
            }
        }
        return refused
    }

    /// Writes the input to a file in the scratch folder and loads it as a saved session, with
    /// the commands target's limits (which the loaded session's commands obey too).
    static func runSession(_ data: [UInt8]) {
        ScratchFolder.withFreshFolder {
            var interpreter = limitedInterpreter()
            let name = "fuzz-session.txt"
            // Written plainly: FileManager's createFile writes a temporary file, syncs it to the
            // disk and renames it, which was two fifths of this target's time.
            guard let file = fopen(ScratchFolder.path + "/" + name, "wb") else { return }
            let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard fclose(file) == 0, written == data.count else { return }
            _ = try? interpreter.execute("load " + name)
        }
    }

    /// Expected answers of the kinds lessons ask for: yes or no, a word, a number, a fraction
    /// or a percentage, a list, an exponent.
    static let answersOfEveryKind = ["yes", "no", "the same", "softmax", "3", "0.921", "92.1%", "[5, 5]", "1e-3", "-2.5", "head 2"]

    /// An interpreter with its files confined to the scratch folder, tensors of at most 64 x 64
    /// values, fits of at most 20 steps, training runs of at most 3 on small task models, tested
    /// on 20 held-out sequences instead of 2000 (evaluating 2000 was three fifths of the
    /// target's time, and 100 still a quarter), so that each input stays fast; the limits are
    /// the interpreter's own, only smaller, and take the same paths.
    static func limitedInterpreter() -> Interpreter {
        var interpreter = Interpreter(width: 80)
        interpreter.files = .confined(to: ScratchFolder.path)
        interpreter.maximumElements = 64 * 64
        interpreter.maximumPictureCells = 16 * 1024
        interpreter.maximumFitSteps = 20
        interpreter.maximumTrainSteps = 3
        interpreter.taskLimits.vocab = 16
        interpreter.taskLimits.length = 8
        interpreter.taskLimits.dModel = 16
        interpreter.taskLimits.batch = 8
        interpreter.taskLimits.heldOut = 20
        interpreter.stateFile = nil
        return interpreter
    }
}
