import FuzzTargets
#if canImport(Glibc)
import Glibc
#endif

// One fuzzer binary for every target, chosen by ATTENTION_FUZZ_TARGET. Built with
// libFuzzer (`fuzz/run.sh`, which defines FUZZING) libFuzzer supplies `main`; a plain build
// gets the small `main` below, which replays files given on the command line.

/// The target named by the environment, or `commands`.
private let target: FuzzTarget = {
    guard let name = getenv("ATTENTION_FUZZ_TARGET").map({ String(cString: $0) }) else { return .commands }
    guard let chosen = FuzzTarget(rawValue: name) else {
        fatalError("ATTENTION_FUZZ_TARGET must be one of: " + FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return chosen
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

#if !FUZZING
/// `attention-fuzz FILE ...`: runs each file through the target once (replaying a crash).
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else { continue }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            fclose(file)
            target.run(bytes)
            print("ok: \(path)")
        }
    }
}
#endif
