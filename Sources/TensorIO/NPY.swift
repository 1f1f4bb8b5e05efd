/// Reading and writing NumPy `.npy` files.
///
/// File layout (NumPy format versions 1.0, 2.0 and 3.0):
///
/// | bytes         | content                                                   |
/// |---------------|-----------------------------------------------------------|
/// | 0–5           | magic `\x93NUMPY`                                          |
/// | 6, 7          | major and minor version (1.0, 2.0 or 3.0)                  |
/// | 8–9 or 8–11   | header length, little-endian: 2 bytes in 1.0, 4 in 2.0/3.0 |
/// | next          | header: a Python dict literal, Latin-1 (UTF-8 in 3.0)      |
/// | rest          | the raw values                                             |
///
/// The header looks like
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
/// Supported element types are little-endian float64 (`<f8`) and float32
/// (`<f4`, widened exactly to `Double`); data must be in C (row-major) order
/// and of rank 1, 2 or 3. NaN and infinite values are refused on reading,
/// because they are never meaningful input here.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] // \x93NUMPY

    /// Decodes the bytes of an `.npy` file.
    ///
    /// The shape in the header is never trusted: the element count is checked
    /// against ``TensorLimits/maxElementCount`` and against the number of data
    /// bytes actually present before anything is allocated.
    ///
    /// `maximumRank` is 3 for anything a session imports; 4 reads back what `export attention`
    /// writes of a model.
    ///
    /// - Throws: ``TensorFileError`` describing the first problem found.
    public static func decode(_ bytes: [UInt8], maximumRank: Int = 3) throws -> NDArray {
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw TensorFileError.badMagic
        }
        guard bytes.count >= 8 else {
            throw TensorFileError.malformedHeader(
                problem: "the file ends before the version number", byteOffset: bytes.count)
        }
        let major = Int(bytes[6]), minor = Int(bytes[7])
        let lengthFieldSize: Int
        switch (major, minor) {
        case (1, 0): lengthFieldSize = 2
        case (2, 0), (3, 0): lengthFieldSize = 4
        default: throw TensorFileError.unsupportedVersion(major: major, minor: minor)
        }
        let headerStart = 8 + lengthFieldSize
        guard bytes.count >= headerStart else {
            throw TensorFileError.malformedHeader(
                problem: "the file ends inside the header length field", byteOffset: bytes.count)
        }
        var headerLength = 0
        for position in (8..<headerStart).reversed() {
            headerLength = headerLength << 8 | Int(bytes[position])
        }
        guard headerLength <= bytes.count - headerStart else {
            throw TensorFileError.malformedHeader(
                problem: "the header should be \(headerLength) bytes long, but the file ends after "
                    + "\(bytes.count - headerStart)",
                byteOffset: headerStart)
        }
        let dataStart = headerStart + headerLength
        let header = try NPYHeader(bytes: bytes[headerStart..<dataStart], baseOffset: headerStart,
                                   utf8: major >= 3)

        // Element type: floats, and the booleans and integers masks are often saved as
        // (PyTorch's masks are bool). Integers are read as the nearest Double.
        let itemSize: Int
        var kind = ElementKind.float
        switch header.descr {
        case "<f8": itemSize = 8
        case "<f4": itemSize = 4
        case "|b1": (itemSize, kind) = (1, .unsigned)
        case "|u1": (itemSize, kind) = (1, .unsigned)
        case "|i1": (itemSize, kind) = (1, .signed)
        case "<i4": (itemSize, kind) = (4, .signed)
        case "<i8": (itemSize, kind) = (8, .signed)
        case let descr? where descr.hasPrefix(">") && ["f", "i"].contains(descr.dropFirst().first):
            throw TensorFileError.bigEndian(descr)
        case let descr?:
            throw TensorFileError.unsupportedDType(descr)
        case nil:
            throw TensorFileError.unsupportedDType("a structured dtype (a list of fields)")
        }

        // Shape and layout.
        guard (1...max(1, min(maximumRank, 4))).contains(header.shape.count) else {
            throw TensorFileError.unsupportedRank(header.shape.count)
        }
        if header.fortranOrder && header.shape.count > 1 {
            throw TensorFileError.fortranOrder
        }
        let dimensions = header.shape.compactMap { $0 }
        guard dimensions.count == header.shape.count,
              let count = NDArray.elementCount(of: dimensions) else {
            throw TensorFileError.tooManyElements(count: nil, limit: TensorLimits.maxElementCount)
        }
        if dimensions.contains(0) { throw TensorFileError.emptyArray(at: nil) }
        guard count <= TensorLimits.maxElementCount else {
            throw TensorFileError.tooManyElements(count: count, limit: TensorLimits.maxElementCount)
        }
        let expectedBytes = count * itemSize
        let foundBytes = bytes.count - dataStart
        if foundBytes < expectedBytes {
            throw TensorFileError.truncatedData(expected: expectedBytes, found: foundBytes, byteOffset: dataStart)
        }
        if foundBytes > expectedBytes {
            throw TensorFileError.trailingData(expected: expectedBytes, found: foundBytes, byteOffset: dataStart)
        }

        // Values.
        var values = [Double]()
        values.reserveCapacity(count)
        for element in 0..<count {
            let offset = dataStart + element * itemSize
            var bits: UInt64 = 0
            for byte in (0..<itemSize).reversed() {
                bits = bits << 8 | UInt64(bytes[offset + byte])
            }
            let value: Double
            switch kind {
            case .float:
                value = itemSize == 8 ? Double(bitPattern: bits) : Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
            case .unsigned:
                value = Double(bits)
            case .signed:
                // Sign-extend the itemSize-byte integer.
                let shift = UInt64(64 - 8 * itemSize)
                value = Double(Int64(bitPattern: bits << shift) >> Int64(shift))
            }
            guard value.isFinite else {
                throw TensorFileError.nonFiniteElement(index: multiIndex(of: element, in: dimensions),
                                                       value: value.isNaN ? "NaN" : (value < 0 ? "-infinity" : "infinity"),
                                                       byteOffset: offset)
            }
            values.append(value)
        }
        return try NDArray(shape: dimensions, values: values)
    }

    /// How the bytes of one element are read.
    enum ElementKind {
        case float, signed, unsigned
    }

    /// Encodes an array as an `.npy` file: format version 1.0, dtype `<f8`,
    /// C order. The header is padded with spaces and ended by `\n` so that
    /// magic, version, length field and header together fill a multiple of
    /// 64 bytes, as NumPy does, which keeps the data aligned.
    ///
    /// Every `Double` is written bit for bit, including NaN and infinities
    /// (although ``decode(_:)`` refuses those). An array whose shape and
    /// values disagree (see ``NDArray/isWellFormed``) is written as a 1-D
    /// vector of its values.
    public static func encode(_ array: NDArray) -> [UInt8] {
        let array = array.writableForm
        let shapeText = TensorFileError.shapeText(array.shape)
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        let unpadded = magic.count + 4 + header.count + 1
        let padding = (64 - unpadded % 64) % 64
        header += [UInt8](repeating: 0x20, count: padding)
        header.append(0x0A)

        var bytes = magic
        bytes += [1, 0, UInt8(header.count & 0xFF), UInt8((header.count >> 8) & 0xFF)]
        bytes += header
        bytes.reserveCapacity(bytes.count + array.values.count * 8)
        for value in array.values {
            let bits = value.bitPattern
            for shift in stride(from: 0, to: 64, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
            }
        }
        return bytes
    }

    /// Converts a flat row-major index to a multi-index for `shape`.
    static func multiIndex(of flat: Int, in shape: [Int]) -> [Int] {
        var remainder = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        return index
    }
}
