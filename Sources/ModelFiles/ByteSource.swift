#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes a reader takes a range at a time: all in memory (a fuzzer's input, a test's file), or
/// a file read piece by piece, so that a large weights file is never held whole.
protocol ByteSource {
    /// How many bytes there are.
    var count: Int { get }
    /// Copies `range` (within 0 ..< count) into `target`, which holds exactly range.count bytes.
    func copy(_ range: Range<Int>, into target: UnsafeMutableRawBufferPointer) throws
}

extension ByteSource {
    /// The bytes of `range` as an array.
    func bytes(_ range: Range<Int>) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: range.count)
        try result.withUnsafeMutableBytes { try copy(range, into: $0) }
        return result
    }
}

/// Bytes in memory.
struct MemorySource: ByteSource {
    let bytes: [UInt8]
    var count: Int { bytes.count }

    func copy(_ range: Range<Int>, into target: UnsafeMutableRawBufferPointer) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count && target.count == range.count)
        bytes.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}

/// A regular file, open while this exists; reads name the file in their errors.
final class FileSource: ByteSource {
    let count: Int
    private let descriptor: Int32
    private let file: String

    /// Opens `path`; a file that is missing, unreadable, a folder, or over `limit` bytes is an error.
    init(path: String, file: String, limit: Int) throws {
        self.file = file
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Self.failure(file, path: path) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = Self.failure(file, path: path)
            close(descriptor)
            throw error
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw ModelFileError(file: file, "cannot be read: \(path) is not a regular file")
        }
        count = Int(info.st_size)
        guard count <= limit else {
            close(descriptor)
            throw ModelFileError(file: file, "is \(count) bytes, more than the \(limit) this program reads")
        }
    }

    deinit { close(descriptor) }

    func copy(_ range: Range<Int>, into target: UnsafeMutableRawBufferPointer) throws {
        precondition(range.lowerBound >= 0 && range.upperBound <= count && target.count == range.count)
        var done = 0
        while done < range.count {
            let read = pread(descriptor, target.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else {
                throw read == 0 ? ModelFileError(file: file, "ended after \(range.lowerBound + done) bytes while being read: it changed or was cut")
                                : Self.failure(file, path: nil)
            }
            done += read
        }
    }

    /// The system's reason for the last failure, as a `ModelFileError`.
    private static func failure(_ file: String, path: String?) -> ModelFileError {
        let reason = String(cString: strerror(errno))
        return ModelFileError(file: file, "cannot be read\(path.map { " (\($0))" } ?? ""): \(reason)")
    }
}
