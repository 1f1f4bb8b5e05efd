/// Reading and writing array files, choosing the format by extension.
///
/// | extension | format                                    |
/// |-----------|-------------------------------------------|
/// | `.npy`    | NumPy binary, see ``NPY``                  |
/// | `.json`   | nested JSON arrays, see ``JSONArrayText``  |
/// | `.csv`    | comma-separated rows, see ``CSVText``      |
///
/// Extensions are matched case-insensitively. Text files are UTF-8; a
/// leading byte-order mark is ignored. Text files written here end with a
/// newline.
public enum TensorFile {
    /// The file formats, named by their extension.
    public enum Format: String, Sendable, CaseIterable {
        case npy, json, csv

        /// The format for `path`'s extension.
        ///
        /// - Throws: ``TensorFileError/unknownExtension(_:path:)``.
        public init(path: String) throws {
            let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
            let ext: String
            if let dot = name.lastIndex(of: "."), dot != name.startIndex {
                ext = String(name[name.index(after: dot)...])
            } else {
                ext = ""
            }
            guard let format = Format(rawValue: ext.lowercased()) else {
                throw TensorFileError.unknownExtension(ext, path: path)
            }
            self = format
        }
    }

    /// Reads the array stored at `path`.
    ///
    /// A CSV file is always read as a 2-D array (one line gives a 1 × k matrix).
    ///
    /// - Throws: ``TensorFileError``: `unknownExtension` for other extensions,
    ///   `cannotRead` (with the path and the system's reason) for missing or
    ///   unreadable files, `inputTooLarge` for oversized files, or any error
    ///   of the format's parser.
    public static func read(path: String) throws -> NDArray {
        let format = try Format(path: path)
        switch format {
        case .npy:
            return try NPY.decode(FileBytes.read(path: path, limit: TensorLimits.maxNPYFileBytes))
        case .json:
            return try JSONArrayText.parse(readText(path: path))
        case .csv:
            return try CSVText.parse(readText(path: path))
        }
    }

    /// Writes `array` to `path` in the format its extension names, replacing
    /// any existing file atomically (a temporary file in the same directory is
    /// written and then renamed into place).
    ///
    /// - Throws: ``TensorFileError``: `unknownExtension`, `invalidShape` or
    ///   `unsupportedRank` if the array is not well formed, `rankNotSupported`
    ///   for a 3-D array written as CSV, or `cannotWrite` with the system's reason.
    public static func write(_ array: NDArray, path: String) throws {
        let format = try Format(path: path)
        guard (1...(format == .csv ? 3 : 4)).contains(array.rank) else {
            throw TensorFileError.unsupportedRank(array.rank)
        }
        guard array.isWellFormed else {
            throw TensorFileError.invalidShape(shape: array.shape, valueCount: array.values.count)
        }
        let bytes: [UInt8]
        switch format {
        case .npy: bytes = NPY.encode(array)
        case .json: bytes = Array((JSONArrayText.format(array) + "\n").utf8)
        case .csv: bytes = Array(try CSVText.format(array).utf8)
        }
        try FileBytes.writeAtomically(bytes, path: path)
    }

    /// Writes `text` as UTF-8 to `path`, atomically like `write` (pictures, reports).
    public static func writeText(_ text: String, path: String) throws {
        try FileBytes.writeAtomically(Array(text.utf8), path: path)
    }

    /// Reads a UTF-8 text file, dropping a leading byte-order mark.
    public static func readText(path: String) throws -> String {
        var bytes = try FileBytes.read(path: path, limit: TensorLimits.maxTextBytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TensorFileError.notUTF8(byteOffset: firstInvalidUTF8Offset(bytes))
        }
        return text
    }

    /// The offset of the first byte that breaks UTF-8 decoding.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar): offset += UTF8.width(scalar)
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }
}
