import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reading and atomic writing with POSIX calls, so that failures
/// carry the system's own reason ("No such file or directory", "Permission
/// denied", ...).
package enum FileBytes {
    /// The system's text for the current `errno`.
    static func systemReason(_ code: Int32 = errno) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// Reads a whole regular file, refusing files larger than `limit` bytes
    /// before reading them.
    package static func read(path: String, limit: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw TensorFileError.cannotRead(path: path, reason: systemReason())
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw TensorFileError.cannotRead(path: path, reason: systemReason())
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw TensorFileError.cannotRead(path: path, reason: systemReason(EISDIR))
        }
        let size = Int(info.st_size)
        if size > limit {
            throw TensorFileError.inputTooLarge(bytes: size, limit: limit)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(max(size, 0))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress, buffer.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw TensorFileError.cannotRead(path: path, reason: systemReason())
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > limit { // the file grew while reading
                throw TensorFileError.inputTooLarge(bytes: bytes.count, limit: limit)
            }
        }
        return bytes
    }

    /// Writes `bytes` to `path` atomically: the data goes to a temporary
    /// file in the same directory, which is then renamed over `path`, so a
    /// reader never sees a half-written file.
    ///
    /// A path that exists but is not a regular file (`/dev/null`, a pipe, a terminal) is
    /// written in place: renaming over it would replace the device with a plain file.
    static func writeAtomically(_ bytes: [UInt8], path: String) throws {
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            guard status.st_mode & S_IFMT != S_IFDIR else {
                throw TensorFileError.cannotWrite(path: path, reason: "it is a folder")
            }
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { throw TensorFileError.cannotWrite(path: path, reason: systemReason()) }
            defer { close(descriptor) }
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw TensorFileError.cannotWrite(path: path, reason: systemReason()) }
            return
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw TensorFileError.cannotWrite(path: path, reason: systemReason())
        }
        var written = 0
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = systemWrite(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = systemReason()
                    return
                }
                written += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = systemReason() }
        if close(descriptor) != 0, failure == nil { failure = systemReason() }
        if failure == nil, rename(temporary, path) != 0 { failure = systemReason() }
        if let failure {
            unlink(temporary)
            throw TensorFileError.cannotWrite(path: path, reason: failure)
        }
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
        return Darwin.read(fd, buffer, count)
        #elseif canImport(Musl)
        return Musl.read(fd, buffer, count)
        #else
        return Glibc.read(fd, buffer, count)
        #endif
    }

    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
        return Darwin.write(fd, buffer, count)
        #elseif canImport(Musl)
        return Musl.write(fd, buffer, count)
        #else
        return Glibc.write(fd, buffer, count)
        #endif
    }
}
