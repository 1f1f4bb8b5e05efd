/// The first part of BERT's tokenizer: Hugging Face's `BertNormalizer` with `clean_text` and
/// `handle_chinese_chars` on and `strip_accents` following `lowercase`, the settings of every
/// BERT tokenizer. On the scalars of a text (never Characters: "\r\n" is one Character, and NFD
/// splits a Hangul syllable into the jamo the vocabulary holds), in HF's order:
///
/// 1. clean: remove NUL, U+FFFD and control, format and private-use characters; make every
///    whitespace character a space;
/// 2. put a space either side of every CJK ideograph, so each becomes a word of its own;
/// 3. uncased only: decompose (NFD) and remove the nonspacing marks, so `é` becomes `e`;
/// 4. uncased only: lowercase each scalar on its own (`İ`, already `I` + U+0307 after step 3,
///    becomes `i`; `Σ` always becomes `σ`).
///
/// Every class and mapping comes from `UnicodeTables`, probed from the reference itself.
struct BertNormalizer: Sendable {
    /// Whether to strip accents and lowercase (an uncased model).
    var lowercase: Bool

    /// The normalised scalars of `scalars`.
    func normalize(_ scalars: [UInt32]) -> [UInt32] {
        var text = Self.spaceOutChinese(Self.clean(scalars))
        if lowercase {
            text = Self.stripAccents(text)
            text = Self.lowercased(text)
        }
        return text
    }

    /// Step 1: `clean_text`.
    static func clean(_ scalars: [UInt32]) -> [UInt32] {
        var output: [UInt32] = []
        output.reserveCapacity(scalars.count)
        for scalar in scalars {
            if (0x20 ..< 0x7F).contains(scalar) {
                output.append(scalar)
            } else if UnicodeTables.contains(UnicodeTables.removedByCleaning, scalar) {
                continue
            } else if UnicodeTables.contains(UnicodeTables.spaceByCleaning, scalar) {
                output.append(0x20)
            } else {
                output.append(scalar)
            }
        }
        return output
    }

    /// Step 2: `handle_chinese_chars`.
    static func spaceOutChinese(_ scalars: [UInt32]) -> [UInt32] {
        var output: [UInt32] = []
        output.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar >= 0x3400 && UnicodeTables.contains(UnicodeTables.chinese, scalar) {
                output.append(contentsOf: [0x20, scalar, 0x20])
            } else {
                output.append(scalar)
            }
        }
        return output
    }

    /// Step 3: `strip_accents`, NFD and then every nonspacing mark removed.
    static func stripAccents(_ scalars: [UInt32]) -> [UInt32] {
        canonicalDecomposition(scalars).filter { scalar in
            scalar < 0x300 || !UnicodeTables.contains(UnicodeTables.nonspacingMarks, scalar)
        }
    }

    /// NFD: every scalar fully decomposed, then each run of marks (nonzero combining class)
    /// sorted by class, keeping the order of marks of equal class (a stable insertion sort;
    /// a starter, class 0, never moves and nothing moves past it).
    static func canonicalDecomposition(_ scalars: [UInt32]) -> [UInt32] {
        var output: [UInt32] = []
        output.reserveCapacity(scalars.count)
        for scalar in scalars {
            UnicodeTables.appendDecomposition(of: scalar, to: &output)
        }
        for i in output.indices.dropFirst() {
            let scalar = output[i]
            let ownClass = UnicodeTables.combiningClass(scalar)
            if ownClass == 0 { continue }
            var j = i
            while j > 0 && UnicodeTables.combiningClass(output[j - 1]) > ownClass {
                output[j] = output[j - 1]
                j -= 1
            }
            output[j] = scalar
        }
        return output
    }

    /// Step 4: `lowercase`, one scalar at a time.
    static func lowercased(_ scalars: [UInt32]) -> [UInt32] {
        var output: [UInt32] = []
        output.reserveCapacity(scalars.count)
        for scalar in scalars {
            UnicodeTables.appendLowercase(of: scalar, to: &output)
        }
        return output
    }
}
