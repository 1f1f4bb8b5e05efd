import Platform

/// Reading the safetensors format (Hugging Face's weight files), which is deliberately small:
///
/// | bytes          | content                                                            |
/// |----------------|--------------------------------------------------------------------|
/// | 0–7            | N, the header's length in bytes, an unsigned little-endian integer |
/// | 8 ..< 8 + N    | the header: a JSON object, possibly padded with spaces             |
/// | 8 + N ...      | the data: every tensor's raw little-endian values, back to back    |
///
/// The header maps each tensor's name to `{"dtype": "F32", "shape": [384, 1536],
/// "data_offsets": [begin, end]}`, the offsets counted from the first byte of the data; an
/// optional `"__metadata__"` entry holds free-form strings and is ignored.
///
/// The file is untrusted: every length, shape and offset is checked, with overflow-checked
/// arithmetic, before a byte of data is read, and anything wrong is a `ModelFileError` naming
/// the tensor and the problem. Two tensors may not share bytes; gaps between tensors are allowed.
public enum Safetensors {
    /// A header longer than this is refused before it is parsed (the format's own reader sets the
    /// same limit; real headers are a few kilobytes: all-MiniLM-L6-v2's is 11,408 bytes).
    public static let maximumHeaderLength = 100_000_000

    /// The element types read, each converted to `Double` exactly (every F16, BF16 and F32 value,
    /// infinities, NaN and subnormals included, is a `Double`).
    enum DType: String, CaseIterable {
        case F64, F32, F16, BF16

        var size: Int {
            switch self {
            case .F64: return 8
            case .F32: return 4
            case .F16, .BF16: return 2
            }
        }
    }

    /// Where one tensor's bytes are, once its header entry has been checked.
    struct Entry {
        let name: String
        let dtype: DType?           // nil for a skipped tensor
        let shape: [Int]
        let count: Int              // elements
        let range: Range<Int>       // bytes within the data section
    }

    /// Every tensor in the file, converted to `Double`. Tensors for which `skipping` returns true
    /// are checked for fitting in the file but neither converted nor returned, and may have any
    /// dtype (a BERT checkpoint's `embeddings.position_ids` is I64). 2-D tensors for which
    /// `transposing` returns true are converted straight into their transpose
    /// (`SafetensorsTensor.transposed`), as a model that multiplies the other way round wants
    /// them, without a second copy.
    ///
    /// Throws `ModelFileError(file: file, ...)` for the first problem found.
    public static func read(_ bytes: [UInt8], file: String = "model.safetensors",
                            skipping: (String) -> Bool = { _ in false },
                            transposing: (String) -> Bool = { _ in false }) throws -> [String: SafetensorsTensor] {
        try read(from: MemorySource(bytes: bytes), file: file, skipping: skipping, transposing: transposing)
    }

    /// The same from the file at `path`, read piece by piece: at no time is the whole file in
    /// memory besides the converted values (for all-MiniLM-L6-v2, 91 MB of float32 become 181 MB
    /// of Double, and the peak stays near that).
    public static func read(fileAt path: String, file: String = "model.safetensors", limit: Int,
                            skipping: (String) -> Bool = { _ in false },
                            transposing: (String) -> Bool = { _ in false }) throws -> [String: SafetensorsTensor] {
        try read(from: FileSource(path: path, file: file, limit: limit), file: file, skipping: skipping,
                 transposing: transposing)
    }

    static func read(from source: some ByteSource, file: String, skipping: (String) -> Bool,
                     transposing: (String) -> Bool) throws -> [String: SafetensorsTensor] {
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, problem) }

        // 1. The header's length, then the header itself.
        guard source.count >= 8 else {
            throw fail("the file is \(source.count) bytes long, too short for a safetensors file "
                       + "(it starts with an 8-byte header length)")
        }
        let headerLength = try source.bytes(0..<8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw fail("the header length field says \(headerLength) bytes, more than the limit of "
                       + "\(maximumHeaderLength): this is not a safetensors file, or it is damaged")
        }
        let headerEnd = 8 + Int(headerLength)
        guard headerEnd <= source.count else {
            throw fail("the header should be \(headerLength) bytes long but the file ends after "
                       + "\(source.count - 8): the file is truncated or not a safetensors file")
        }
        guard case let .object(header) = try JSONValue.parse(try source.bytes(8..<headerEnd)[...], file: file, what: "the header") else {
            throw fail("the header is not a JSON object of tensors")
        }

        // 2. Every entry, checked against the data section (in name order, so that the first
        //    problem reported does not depend on the order of a dictionary).
        let dataStart = headerEnd, dataLength = source.count - headerEnd
        var entries: [Entry] = []
        for name in header.keys.sorted() where name != "__metadata__" {
            entries.append(try entry(name, header[name]!, dataLength: dataLength, skipped: skipping(name), fail: fail))
        }

        // 3. No two tensors may share bytes: each would silently change the other.
        let placed = entries.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (first, second) in zip(placed, placed.dropFirst()) where second.range.lowerBound < first.range.upperBound {
            throw fail("tensors \(ModelFileError.quoted(first.name, limit: 100)) (bytes \(first.range.lowerBound)..<\(first.range.upperBound)) and "
                       + "\(ModelFileError.quoted(second.name, limit: 100)) (bytes \(second.range.lowerBound)..<\(second.range.upperBound)) overlap")
        }

        // 4. Only now the values, a piece at a time. A tensor converted into its transpose goes
        //    through `scratch` first, then each of its rows becomes a column. Both buffers grow
        //    to the largest piece met, so a small model's load does not clear megabytes.
        var tensors: [String: SafetensorsTensor] = [:]
        var piece: [UInt8] = []
        var scratch: [Double] = []
        for entry in entries {
            guard let dtype = entry.dtype else { continue }
            let start = dataStart + entry.range.lowerBound
            let perPiece = pieceSize / dtype.size
            let transposed = entry.shape.count == 2 && transposing(entry.name)
            let largestPiece = min(perPiece, entry.count)
            if piece.count < largestPiece * dtype.size { piece = [UInt8](repeating: 0, count: largestPiece * dtype.size) }
            if transposed && scratch.count < largestPiece { scratch = [Double](repeating: 0, count: largestPiece) }
            let values = try [Double](unsafeUninitializedCapacity: entry.count) { buffer, initialized in
                // Not yet touched: large tensors fault in 2 MiB at a time where Linux allows it.
                if entry.count >= 1 << 19, let start = buffer.baseAddress {
                    attention_advise_huge_pages(start, entry.count * MemoryLayout<Double>.stride)
                }
                for first in stride(from: 0, to: entry.count, by: perPiece) {
                    let count = min(perPiece, entry.count - first)
                    let bytes = start + first * dtype.size..<start + (first + count) * dtype.size
                    try piece.withUnsafeMutableBytes { raw in
                        let target = UnsafeMutableRawBufferPointer(rebasing: raw[0..<bytes.count])
                        try source.copy(bytes, into: target)
                        if transposed {
                            scratch.withUnsafeMutableBufferPointer { decoded in
                                let values = UnsafeMutableBufferPointer(rebasing: decoded[0..<count])
                                decode(UnsafeRawBufferPointer(target), dtype: dtype, into: values)
                                scatter(UnsafeBufferPointer(values), from: first, rows: entry.shape[0],
                                        cols: entry.shape[1], intoTranspose: buffer)
                            }
                        } else {
                            decode(UnsafeRawBufferPointer(target), dtype: dtype,
                                   into: UnsafeMutableBufferPointer(rebasing: buffer[first..<first + count]))
                        }
                    }
                    // A transpose is whole only after the last piece: until then it counts as
                    // empty, so that an error part-way leaves nothing half-written to clean up
                    // (Double needs no deinitialising).
                    initialized = transposed ? (first + count == entry.count ? entry.count : 0) : first + count
                }
            }
            tensors[entry.name] = SafetensorsTensor(shape: entry.shape, values: values, transposed: transposed)
        }
        return tensors
    }

    /// The stored elements `first ..< first + values.count` of a `rows x cols` matrix (row-major),
    /// written to their places in its transpose (`cols x rows`, row-major).
    ///
    /// The whole rows of the piece are written a column at a time, so that the writes run
    /// along the transpose's rows: element by element, each write would land on another page.
    static func scatter(_ values: UnsafeBufferPointer<Double>, from first: Int, rows: Int, cols: Int,
                        intoTranspose transpose: UnsafeMutableBufferPointer<Double>) {
        var (r, c) = first.quotientAndRemainder(dividingBy: cols)
        var index = 0
        // The rest of a row begun in the piece before.
        while c != 0, index < values.count {
            transpose[c * rows + r] = values[index]
            index += 1
            c += 1
            if c == cols { (r, c) = (r + 1, 0) }
        }
        // Whole rows r ..< r + whole.
        let whole = (values.count - index) / cols
        for column in 0..<(whole > 0 ? cols : 0) {
            let target = column * rows + r, source = index + column
            for k in 0..<whole { transpose[target + k] = values[source + k * cols] }
        }
        index += whole * cols
        r += whole
        // The start of a row the next piece finishes.
        for column in 0..<values.count - index { transpose[column * rows + r] = values[index + column] }
    }

    /// Bytes converted at a time (a multiple of every dtype's size).
    static let pieceSize = 1 << 20

    /// One header entry, checked: its fields, its shape's element count, its offsets against the
    /// data section's `dataLength` bytes, and (unless skipped) its dtype and byte count.
    static func entry(_ name: String, _ value: JSONValue, dataLength: Int, skipped: Bool,
                      fail: (String) -> ModelFileError) throws -> Entry {
        var tensor: String { "tensor \(ModelFileError.quoted(name, limit: 100))" }   // only for a message
        guard case let .object(fields) = value else {
            throw fail("\(tensor): its header entry is \(value.kind), not an object with dtype, shape and data_offsets")
        }
        guard case let .string(dtypeName)? = fields["dtype"] else {
            throw fail("\(tensor): \"dtype\" is \(fields["dtype"]?.kind ?? "missing"); it must be a string such as \"F32\"")
        }
        guard case let .array(shapeValues)? = fields["shape"] else {
            throw fail("\(tensor): \"shape\" is \(fields["shape"]?.kind ?? "missing"); it must be an array of sizes")
        }
        var shape: [Int] = []
        var count = 1
        for size in shapeValues {
            guard case let .integer(size) = size, size >= 0 else {
                throw fail("\(tensor): its shape holds \(size.kind); sizes must be integers >= 0")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw fail("\(tensor): the sizes of its shape multiply to more elements than can be counted")
            }
            shape.append(size)
            count = product
        }
        guard case let .array(offsets)? = fields["data_offsets"], offsets.count == 2,
              case let .integer(begin) = offsets[0], case let .integer(end) = offsets[1] else {
            throw fail("\(tensor): \"data_offsets\" is \(fields["data_offsets"]?.kind ?? "missing"); "
                       + "it must be [begin, end], two integers")
        }
        guard begin >= 0, begin <= end else {
            throw fail("\(tensor): its data_offsets [\(begin), \(end)] are not a range (0 <= begin <= end)")
        }
        guard end <= dataLength else {
            throw fail("\(tensor): its data_offsets [\(begin), \(end)] reach past the end of the data, which is "
                       + "\(dataLength) bytes long: the file is truncated or damaged")
        }
        if skipped {
            return Entry(name: name, dtype: nil, shape: shape, count: count, range: begin..<end)
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw fail("\(tensor) has dtype \(ModelFileError.quoted(dtypeName)); the supported ones are "
                       + DType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, byteCount == end - begin else {
            throw fail("\(tensor): shape \(shape) of \(dtypeName) needs \(overflow ? "more" : "\(byteCount)") bytes "
                       + "but its data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, count: count, range: begin..<end)
    }

    /// `buffer.count` little-endian values of `dtype` from `raw` (exactly `buffer.count *
    /// dtype.size` bytes, checked by the caller), each converted exactly to `Double`.
    static func decode(_ raw: UnsafeRawBufferPointer, dtype: DType, into buffer: UnsafeMutableBufferPointer<Double>) {
        let count = buffer.count
        precondition(raw.count == count * dtype.size, "the caller checks the byte count")
        switch dtype {
        case .F64:
            for i in 0..<count {
                buffer[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            }
        case .F32:
            for i in 0..<count {
                buffer[i] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
            }
        case .F16:
            for i in 0..<count {
                buffer[i] = half(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .BF16:
            // bfloat16 is the upper half of a float32: same sign and exponent, 7 fraction bits.
            for i in 0..<count {
                let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                buffer[i] = Double(Float(bitPattern: UInt32(bits) << 16))
            }
        }
    }

    /// An IEEE 754 half-precision value (1 sign bit, 5 exponent bits biased by 15, 10 fraction
    /// bits) as a `Double`, exactly:
    /// - exponent 0: zero or subnormal, `±fraction · 2^-24`;
    /// - exponent 31: `±infinity` when the fraction is 0, NaN otherwise;
    /// - otherwise: `±(1024 + fraction) · 2^(exponent - 25)`, i.e. `±1.fraction · 2^(exponent - 15)`.
    static func half(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 == 0 ? 1 : -1
        let exponent = Int(bits >> 10 & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1024 + fraction) * Double(sign: .plus, exponent: exponent - 25, significand: 1)
        }
    }
}
