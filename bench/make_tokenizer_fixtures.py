#!/usr/bin/env python3
"""Writes the tokenizer's reference data, all of it from Hugging Face `tokenizers` itself:

    python3 bench/make_tokenizer_fixtures.py --model FOLDER [--exhaustive FILE]

- Tests/ReferenceCases/Fixtures/tokenizer/cases.json: a few hundred texts with the tokens, ids and
  number of truncated wordpieces that all-MiniLM-L6-v2's tokenizer gives them (tokenizer.json
  with its own padding and 128-token truncation replaced by sentence-transformers' truncation at
  256 tokens, [CLS] and [SEP] included; checked against transformers' AutoTokenizer).
- Tests/ReferenceCases/Fixtures/tokenizer/vocab.txt: the model's vocabulary, copied.
- Sources/ModelFiles/UnicodeTables.swift: every character class and mapping the Swift tokenizer
  needs, found by probing the reference over all 1,112,064 scalar values rather than taken from
  a Unicode database: HF mixes several Unicode versions (an old one for control characters,
  punctuation and nonspacing marks, a newer one for decomposition, Rust's current one for
  lowercasing and whitespace), and only the probe gives exactly its mixture.
- With --exhaustive FILE: the ids of three texts built around every scalar value, for the
  opt-in test TokenizerTests.everyScalarValue (TOKENIZER_EXHAUSTIVE=FILE swift test ...).

FOLDER holds tokenizer.json and vocab.txt (the model's snapshot). Needs tokenizers 0.23.3 and
transformers. The files it writes are reference data: regenerate them only on purpose.
"""

import argparse
import json
import os
import shutil
import sys

import tokenizers
from tokenizers import Tokenizer
from tokenizers import normalizers as N
from tokenizers import pre_tokenizers as P

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "ReferenceCases", "Fixtures", "tokenizer")
TABLES = os.path.join(ROOT, "Sources", "ModelFiles", "UnicodeTables.swift")
MAXIMUM_TOKENS = 256   # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
EXPECTED_VERSION = "0.23.3"

SCALARS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def exhaustive_texts(c):
    """The three texts around scalar value c checked by TokenizerTests.everyScalarValue: alone,
    inside a word, and after an accented capital with marks of two combining classes on either
    side (decomposition, canonical ordering, accent stripping and lowercasing together)."""
    ch = chr(c)
    return [ch, "a" + ch + "b", "\u00c9\u0301" + ch + "\u0316X"]


# ---------------------------------------------------------------------------------------------
# The reference

def load_reference(folder):
    tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def encode(tokenizer, texts):
    """(tokens, ids, dropped) per text, truncated to MAXIMUM_TOKENS as sentence-transformers does."""
    full = tokenizer.encode_batch(texts)
    out = []
    for text, e in zip(texts, full):
        words = len(e.ids) - 2
        kept = min(words, MAXIMUM_TOKENS - 2)
        tokens = e.tokens[:1 + kept] + e.tokens[-1:]
        ids = e.ids[:1 + kept] + e.ids[-1:]
        out.append((tokens, ids, words - kept))
    return out


def check_against_transformers(folder, tokenizer, texts):
    """The same ids from HF's own truncation and from transformers' BertTokenizer."""
    from transformers import AutoTokenizer
    auto = AutoTokenizer.from_pretrained(folder)
    truncating = Tokenizer.from_str(tokenizer.to_str())
    truncating.enable_truncation(MAXIMUM_TOKENS)
    ours = encode(tokenizer, texts)
    for text, (_, ids, _), e in zip(texts, ours, truncating.encode_batch(texts)):
        theirs = auto(text, max_length=MAXIMUM_TOKENS, truncation=True)["input_ids"]
        if ids != theirs or ids != e.ids:
            sys.exit(f"reference disagreement on {text!r}: {ids} / {e.ids} / {theirs}")


# ---------------------------------------------------------------------------------------------
# Probing the reference for its character classes

def probe_tables():
    """Each stage of BertNormalizer and BertPreTokenizer, one scalar value at a time."""
    clean = N.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    chinese = N.BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    strip = N.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    lower = N.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True)
    nfd = N.NFD()
    pre = P.BertPreTokenizer()

    removed, spaces, cjk, punctuation, whitespace = [], [], [], [], []
    decompositions, lowercase, stripped = {}, {}, {}
    for c in SCALARS:
        ch = chr(c)
        cleaned = clean.normalize_str("a" + ch + "b")
        if cleaned == "ab":
            removed.append(c)
        elif cleaned == "a b":
            spaces.append(c)
        elif cleaned != "a" + ch + "b":
            sys.exit(f"clean_text does something new to U+{c:04X}: {cleaned!r}")
        if chinese.normalize_str(ch) == " " + ch + " ":
            cjk.append(c)
        elif chinese.normalize_str(ch) != ch:
            sys.exit(f"handle_chinese_chars does something new to U+{c:04X}")
        words = [w for w, _ in pre.pre_tokenize_str("a" + ch + "b")]
        if words == ["a", ch, "b"]:
            punctuation.append(c)
        elif words == ["a", "b"]:
            whitespace.append(c)
        elif words != ["a" + ch + "b"]:
            sys.exit(f"BertPreTokenizer does something new to U+{c:04X}: {words!r}")
        d = nfd.normalize_str(ch)
        if d != ch:
            decompositions[c] = [ord(x) for x in d]
        s = strip.normalize_str(ch)
        if s != ch:
            stripped[c] = s
        low = lower.normalize_str(ch)
        if low != ch:
            lowercase[c] = [ord(x) for x in low]

    # Nonspacing marks: the scalars that strip_accents removes although NFD leaves them alone.
    marks = [c for c, s in stripped.items() if c not in decompositions and s == ""]
    markset = set(marks)
    for c, s in stripped.items():
        expected = "".join(chr(x) for x in decompositions.get(c, [c]) if x not in markset)
        if s != expected:
            sys.exit(f"strip_accents of U+{c:04X} is not NFD without the marks: {s!r}")

    # Hangul syllables decompose by formula, which the Swift code computes; the table keeps the rest.
    for c in range(0xAC00, 0xD7A4):
        if decompositions.pop(c) != hangul_decomposition(c):
            sys.exit(f"U+{c:04X} does not decompose by the Hangul formula")

    return dict(removed=removed, spaces=spaces, cjk=cjk, punctuation=punctuation,
                whitespace=whitespace, marks=marks, decompositions=decompositions,
                lowercase=lowercase, ccc=probe_combining_classes(nfd, decompositions))


def hangul_decomposition(c):
    index = c - 0xAC00
    lead, vowel, trail = 0x1100 + index // 588, 0x1161 + (index % 588) // 28, 0x11A7 + index % 28
    return [lead, vowel] if trail == 0x11A7 else [lead, vowel, trail]


def probe_combining_classes(nfd, decompositions):
    """The canonical combining class of every scalar NFD keeps, as HF's normaliser orders them.

    A mark x moves before y in NFD(y x) exactly when 0 < ccc(x) < ccc(y). Probing against U+0334
    (class 1) and U+0345 (class 240, the largest) finds the nonzero ones; each is then placed
    between reference marks of every class, which must give the class Python's table names.
    """
    import unicodedata
    def moves(first, second):
        return nfd.normalize_str(first + second) == second + first
    nonzero = [c for c in SCALARS if c not in decompositions and not 0xAC00 <= c <= 0xD7A3
               and (moves(chr(c), "\u0334") or moves("\u0345", chr(c)))]
    reference = {}
    for c in nonzero:
        reference.setdefault(unicodedata.combining(chr(c)), c)
    if 0 in reference:
        sys.exit(f"U+{reference[0]:04X} reorders in HF but has class 0 in Python's table")
    classes = {}
    for c in nonzero:
        named = unicodedata.combining(chr(c))
        for value, r in reference.items():
            if r == c:
                continue
            if moves(chr(c), chr(r)) != (named > value) or moves(chr(r), chr(c)) != (value > named):
                sys.exit(f"U+{c:04X} does not order as class {named}")
        classes[c] = named
    return classes


# ---------------------------------------------------------------------------------------------
# Writing UnicodeTables.swift

def ranges(values):
    out = []
    for c in sorted(values):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def lowercase_runs(single):
    """[start, end, stride, delta]: every stride-th scalar from start to end lowercases to itself
    plus delta (A-Z is one run of stride 1, Latin Extended-A's alternating pairs one of stride 2)."""
    runs = []
    for c, delta in sorted(single.items()):
        if runs:
            start, end, stride, d = runs[-1]
            if d == delta and ((start == end and c - end in (1, 2)) or (start != end and c - end == stride)):
                runs[-1] = [start, c, c - end, d]
                continue
        runs.append([c, c, 1, delta])
    return runs


def swift_array(name, kind, values, per_line, doc):
    lines = [f"    /// {line}" for line in doc]
    lines.append(f"    static let {name}: [{kind}] = [")
    for i in range(0, len(values), per_line):
        lines.append("        " + ", ".join(values[i:i + per_line]) + ",")
    lines.append("    ]")
    return "\n".join(lines)


def hexes(values):
    return [f"0x{v:04X}" for v in values]


def write_tables(t, model):
    flat = lambda rs: [v for r in rs for v in r]
    single = {c: low[0] - c for c, low in t["lowercase"].items() if len(low) == 1}
    multiple = {c: low for c, low in t["lowercase"].items() if len(low) > 1}
    def entries(mapping):
        """scalar, count, the count scalars: the count in decimal, the scalars in hex."""
        return [text for c, d in sorted(mapping.items())
                for text in [f"0x{c:04X}", str(len(d))] + [f"0x{x:04X}" for x in d]]
    decompositions = entries(t["decompositions"])
    expansions = entries(multiple)
    ccc = []
    for c, value in sorted(t["ccc"].items()):
        if ccc and ccc[-1][1] == c - 1 and ccc[-1][2] == value:
            ccc[-1][1] = c
        else:
            ccc.append([c, c, value])
    runs = lowercase_runs(single)

    parts = [
        swift_array("removedByCleaning", "UInt32", hexes(flat(ranges(t["removed"]))), 8, [
            "clean_text removes these (NUL, U+FFFD, and the control, format and private-use",
            "characters of HF's old Unicode table; unassigned code points are kept). Ranges: lo, hi."]),
        swift_array("spaceByCleaning", "UInt32", hexes(flat(ranges(t["spaces"]))), 8, [
            "clean_text turns these into U+0020 (U+000B, U+000C and U+0085 are removed first, as",
            "control characters). Ranges: lo, hi."]),
        swift_array("chinese", "UInt32", hexes(flat(ranges(t["cjk"]))), 8, [
            "handle_chinese_chars puts a space either side of these (BERT's CJK blocks). Ranges: lo, hi."]),
        swift_array("nonspacingMarks", "UInt32", hexes(flat(ranges(t["marks"]))), 8, [
            "strip_accents removes these after NFD (general category Mn in HF's old table). Ranges: lo, hi."]),
        swift_array("punctuation", "UInt32", hexes(flat(ranges(t["punctuation"]))), 8, [
            "BertPreTokenizer makes each of these a word of its own (ASCII punctuation and the P*",
            "categories of HF's old table). Ranges: lo, hi."]),
        swift_array("whitespace", "UInt32", hexes(flat(ranges(t["whitespace"]))), 8, [
            "BertPreTokenizer splits words at these and drops them. Ranges: lo, hi."]),
        swift_array("combiningClasses", "UInt32", [str(v) if i % 3 == 2 else f"0x{v:04X}"
                                                  for i, v in enumerate(flat(ccc))], 9, [
            "The nonzero canonical combining classes NFD orders marks by. Runs: lo, hi, class."]),
        swift_array("decompositions", "UInt32", decompositions, 8, [
            "The full canonical decomposition of every scalar that has one, Hangul syllables",
            "excepted (those follow a formula). Entries: scalar, count, the count scalars; sorted."]),
        swift_array("lowercaseRuns", "Int32", [str(v) if i % 4 == 3 else f"0x{v:04X}"
                                              for i, v in enumerate(flat(runs))], 8, [
            "Lowercasing one scalar at a time (Rust's char::to_lowercase). Runs: start, end, stride,",
            "delta: every stride-th scalar from start to end becomes itself plus delta."]),
        swift_array("lowercaseExpansions", "UInt32", expansions, 8, [
            "The scalars whose lowercase is several scalars. Entries: scalar, count, the count scalars."]),
    ]
    header = f"""// Generated by bench/make_tokenizer_fixtures.py from Hugging Face tokenizers {tokenizers.__version__}
// ({model}): do not edit. Every table is what the reference tokenizer does to each of the
// 1,112,064 scalar values, probed one stage at a time, so the tokenizer here classifies and maps
// characters exactly as HF does, whatever Unicode version Swift's own tables follow.

/// The character classes and mappings of BERT's normaliser and pre-tokeniser. Range tables are
/// flat and sorted, two values a range, searched with `UnicodeTables.contains`.
enum UnicodeTables {{
"""
    with open(TABLES, "w") as f:
        f.write(header + "\n\n".join(parts) + "\n}\n")
    print(f"wrote {os.path.relpath(TABLES, ROOT)}: {len(t['removed'])} removed, {len(t['punctuation'])} punctuation, "
          f"{len(t['marks'])} marks, {len(t['decompositions'])} decompositions, {len(runs)} lowercase runs")


# ---------------------------------------------------------------------------------------------
# The texts of the fixture

def fixture_texts():
    texts = [
        # Plain English
        "Hello, world!",
        "The quick brown fox jumps over the lazy dog.",
        "Attention is all you need.",
        "Multi-head attention lets the model attend to information from different subspaces.",
        "I can't believe it's not butter!",
        "She said: \"we'll see\" and left; nobody followed.",
        "unbelievably unaffordable antidisestablishmentarianism",
        "The cat sat on the mat",
        "THE CAT SAT ON THE MAT",
        "tHe CaT sAt",
        "A sentence-transformers model maps sentences & paragraphs to a 384-dimensional dense vector space.",
        "Don't stop believin'",
        "e.g. i.e. etc. Mr. Smith vs. Dr. Jones",
        "rock'n'roll",
        "O'Neill's well-known co-operative",
        "hyphen-ated words and under_scored ones",
        "CamelCaseIdentifier and snake_case_identifier",
        "tokenization tokenizer tokenize tokens token",
        "playing played plays player",
        "The year 2024 had 366 days.",
        "What's the weather like in Zürich today?",
        "Supercalifragilisticexpialidocious",
        "pneumonoultramicroscopicsilicovolcanoconiosis",
        "x",
        "I",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "embeddings",
        "##ing",
        "## double hash",
        "#hashtag @mention",
        # Punctuation of all kinds
        "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        "a!b\"c#d$e%f&g'h(i)j*k+l,m-n.o/p:q;r<s=t>u?v@w[x\\y]z^_`{|}~",
        "...", "!!!", "?!", "--", "---", "(parenthesised)", "[bracketed]", "{braced}", "<angled>",
        "\u201cquoted\u201d \u2018single\u2019", "\u00abguillemets\u00bb \u2039single\u203a",
        "em\u2014dash en\u2013dash minus\u2212sign", "ellipsis\u2026", "\u00a1Hola! \u00bfQu\u00e9?",
        "middle\u00b7dot bullet\u2022point", "dagger\u2020 double\u2021", "section\u00a7 pilcrow\u00b6",
        "per\u2030mille prime\u2032 double\u2033", "\u3008angle\u3009 \u3010lenticular\u3011",
        "\u300ccorner\u300d \u300ewhite\u300f", "\u3001\u3002\u30fb", "\uff01\uff1f\uff08\uff09\uff3b\uff3d\uff5b\uff5d",
        "\uff20\uff03\uff04\uff05\uff3e\uff06\uff0a\uff3f\uff0b\uff1d\uff5c\uff3c\uff5e",
        "\u00a9 2024 \u00ae \u2122", "\u00b0C \u00b1 5", "\u00a3100 \u20ac50 \u00a51000 \u20b9500 $20",
        "2 \u00d7 3 \u00f7 4", "\u2190\u2192\u2191\u2193\u2194", "\u2200x \u2203y: x \u2208 A \u2227 y \u2209 B",
        "\u221a2 \u2248 1.414, \u221e, \u2211, \u222b", "\u00ac\u2228\u2295",
        "\u055a\u055b\u0589 \u05be\u05c0\u05c3 \u060c\u061b\u061f \u066a\u06d4",
        "\u0964\u0965 \u0e4f\u0e5a\u0e5b \u0f04\u0f05 \u104a\u104b \u1361\u1362",
        "\u2e18\u2e2e\u2e3a\u2e3b", "\u2e42\u2e4f\u2e52\u2e5d",
        "\ufe10\ufe11\ufe12 \ufe50\ufe51\ufe52 \uff61\uff62\uff63\uff64",
        "\U00010100\U0001039f \U00011047\U00011048", "\U00016ff0\U0001e95e\U0001e95f",
        "\u00b4acute \u02dcsmall tilde \u00a8diaeresis \u00b8cedilla",
        # Accents, ligatures, Latin scripts
        "caf\u00e9 na\u00efve r\u00e9sum\u00e9 fa\u00e7ade", "CAF\u00c9 NA\u00cfVE R\u00c9SUM\u00c9",
        "cafe\u0301 nai\u0308ve (combining)", "e\u0301 \u00e9 E\u0301 \u00c9",
        "Espa\u00f1a ma\u00f1ana pi\u00f1ata", "\u00c5ngstr\u00f6m \u212bngstr\u00f6m", "K\u00f8benhavn \u00c6r\u00f8 \u00d8resund",
        "\ufb01ne \ufb02ow \ufb00 \ufb03 \ufb04 \ufb05 \ufb06", "\u0132sselmeer \u0133s", "\u01c5 \u01c4 \u01c6 \u01c8 \u01cb",
        "Ti\u1ebfng Vi\u1ec7t c\u00f3 d\u1ea5u", "Nguy\u1ec5n Th\u1ecb Minh Khai", "\u0110\u00e0 N\u1eb5ng \u0111\u1eb9p",
        "Stra\u00dfe STRASSE \u1e9e", "Gr\u00fc\u00dfe aus M\u00fcnchen", "\u00e0 \u00e1 \u00e2 \u00e3 \u00e4 \u00e5 \u0101 \u0103 \u0105",
        "\u0141\u00f3d\u017a \u017b\u00f3\u0142w \u015a\u0107", "\u010ce\u0161tina \u0159\u00ed\u010d\u00e1", "Cr\u00e8me br\u00fbl\u00e9e",
        "\u0130stanbul \u0131\u015f\u0131k I\u0131 \u0130i", "D\u0130YARBAKIR", "\u0130", "i\u0307",
        "\u00de\u00f0 \u00fe\u00f0 \u00d0", "\u0180 \u0243 \u024c", "\u1e00\u1e01 \u1e9b \u1e9c",
        "a\u0316\u0301 a\u0301\u0316", "a\u0301\u0302\u0303\u0304", "o\u0328\u0304 \u01ed",
        "\u212a Kelvin \u2126 Ohm", "\u2160\u2161\u2162 \u216b", "\u00bd \u00bc \u00be \u2153",
        "x\u00b2 y\u00b3 H\u2082O", "\uff21\uff22\uff23 \uff41\uff42\uff43 \uff11\uff12\uff13", "\u2460\u2461\u2462",
        "\u1d2c\u1d2e \u1d43\u1d47", "\U0001d400\U0001d401 \U0001d41a\U0001d41b", "\u2102\u210d\u2115",
        # Greek, Cyrillic and other alphabets
        "\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2", "\u0391\u03b8\u03ae\u03bd\u03b1 \u0391\u0398\u0397\u039d\u0391",
        "\u1f08\u03c1\u03b9\u03c3\u03c4\u03bf\u03c4\u03ad\u03bb\u03b7\u03c2", "\u0390 \u03b0 \u1fbc \u1fb3 \u1f88",
        "\u03a3\u0399\u03a3\u03a5\u03a6\u039f\u03a3 \u03c3\u03af\u03c3\u03c5\u03c6\u03bf\u03c2",
        "\u0393\u03b5\u03b9\u03b1 \u03c3\u03bf\u03c5 \u039a\u03cc\u03c3\u03bc\u03b5",
        "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!", "\u0401\u043b\u043a\u0430 \u0419\u043e\u0433\u0443\u0440\u0442 \u0439",
        "\u0423\u043a\u0440\u0430\u0457\u043d\u0430 \u0490\u0491", "\u0405\u0455 \u04c0 \u04cf",
        "\u0540\u0561\u0575\u0565\u0580\u0565\u0576", "\u10e5\u10d0\u10e0\u10d7\u10e3\u10da\u10d8 \u1c90\u1c91\u1c92",
        "\u13a0\u13a1\u13a2 \uab70\uab71", "\U00010400\U00010401 \U00010428", "\U000104b0\U000104d8",
        "\U0001e900\U0001e922", "\u2c00\u2c30", "\ua7cb \ua7cc \ua7da \ua7dc \u1c89",
        "\U00010d50\U00010d51 \U00016ea0",
        # Semitic, Indic and Southeast Asian scripts
        "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u0627\u0644\u0652\u0639\u064e\u0631\u064e\u0628\u0650\u064a\u064e\u0651\u0629\u064f",
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd", "\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd", "\ufb2a\ufb2b\ufb4f",
        "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e", "\u0915\u094d\u0937\u0924\u094d\u0930\u093f\u092f",
        "\u0958\u0959 \u0929 \u0934", "\u09b8\u09cb\u09a8\u09be\u09b0 \u09ac\u09be\u0982\u09b2\u09be", "\u0ba4\u0bae\u0bbf\u0bb4\u0bcd \u0bca\u0bcb",
        "\u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22 \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35", "\u0eaa\u0eb0\u0e9a\u0eb2\u0e8d\u0e94\u0eb5",
        "\u1781\u17d2\u1798\u17c2\u179a", "\u1019\u103c\u1014\u103a\u1019\u102c", "\u0f56\u0f7c\u0f51\u0f0b\u0f61\u0f72\u0f42",
        "\u0f73 \u0f75 \u0f81 \u0f43", "\u0dc1\u0dca\u200d\u0dbb\u0dd3", "\u1734 \u1714 \u1715",
        "\U00011099\U000110ba \U0001109a \U000110ab", "\U00011935\U00011930 \U00011938",
        "\U0001d15e \U0001d15f \U0001d160", "\U0001d165\U0001d16d",
        # CJK, kana, hangul
        "\u4e2d\u6587\u5206\u8bcd", "\u6211\u7231\u5317\u4eac\u5929\u5b89\u95e8", "\u65e5\u672c\u8a9e\u306e\u304b\u306a",
        "\u3072\u3089\u304c\u306a \u30ab\u30bf\u30ab\u30ca \u30cf\u30f3\u30ab\u30af", "\u30ac\u30ae\u30b0 \u30d1\u30d4\u30d7 \u304c\u304e\u3050",
        "\uff76\uff80\uff76\uff85 \uff8a\uff9f", "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8", "\uc548\ub155\ud558\uc138\uc694",
        "\u1112\u1161\u11ab\u1100\u116e\u11a8", "\u3131\u314f \u3134", "\ud7a3 \uac00",
        "abc\u4e2d\u6587def", "2024\u5e74", "\u4e00\u4e8c\u4e09 \u3007", "\u3400\u4dbf \u9fff \u9fa5",
        "\uf900\uf901 \ufa0e \ufaff", "\U00020000\U0002a6df \U0002a700 \U0002b81f \U0002b820 \U0002ceaf",
        "\U0002ceb0 \U00030000 \U0002f800\U0002fa1d", "\u2e80\u2f00 \u31c0 \u3005",
        "\u6f22\u5b57\u3068\u30ab\u30bf\u30ab\u30ca\u3068\u3072\u3089\u304c\u306a\u3002",
        # Emoji
        "great\U0001f642", "great \U0001f642", "\U0001f642", "\U0001f44d\U0001f3fd", "\U0001f1ef\U0001f1f5 \U0001f1fa\U0001f1f8",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\u2764\ufe0f \u2764", "1\ufe0f\u20e3 #\ufe0f\u20e3",
        "\u2603 \u2614 \u263a", "\U0001f600\U0001f603\U0001f604 laughing", "I \u2764 NY",
        "\U0001f9cb bubble tea \U0001fae8", "\u00a9\ufe0f", "\U0001f3f3\ufe0f\u200d\U0001f308",
        # Controls, line ends, zero-width and format characters
        "line one\nline two", "windows\r\nline ends\r\n", "old mac\rline", "tab\tseparated\tvalues",
        "a\u0000b", "nul\u0000in the middle", "bell\u0007 and escape\u001b[31m red", "delete\u007fme",
        "c1\u0080\u0085\u009f controls", "vertical\u000btab form\u000cfeed", "next\u0085line",
        "zero\u200bwidth space", "zero\u200cwidth non-joiner", "zero\u200dwidth joiner",
        "soft\u00adhyphen", "word\u2060joiner", "\ufeffbyte order mark", "left\u200eto\u200fright \u202aembed\u202c",
        "replacement\ufffdcharacter", "\ufffd", "\ufff9anchor\ufffb", "tag\U000e0041\U000e0062",
        "nbsp\u00a0here", "thin\u2009space", "ideographic\u3000space", "line\u2028separator\u2029paragraph",
        "ogham\u1680space", "narrow\u202fnbsp", "mongolian\u180evowel", "\u115f\u1160 hangul fillers \u3164",
        "\u034f grapheme joiner", "\u061c arabic mark", "\u2061\u2062\u2063\u2064 invisible",
        "\u0600\u0601 \u06dd \u0890 \u08e2", "\U000110bd \U000110cd", "\U00013430\U00013438 hieroglyph controls",
        "private\ue000use\uf8ff", "\U000f0000\U0010fffd", "\U000e0001 \U000e007f",
        # Unassigned code points, noncharacters and characters newer than HF's tables
        "\u0378\u0379", "x\u0378y", "\u0530 \u0557", "\u08b5", "\ufdd0\ufdef", "\uffff \ufffe",
        "\U0001fffe \U0010ffff", "\U000e0080", "\u0860\u0861 syriac supplement", "\u08be\u08c7",
        "\U00011f00\U00011f01 kawi", "\U0001e030 \U0001e4d0", "\U00016fe0\U00016fe4", "\U0001f6dd\U0001f7f0",
        "\u0c5d \u0cdd \u0ce3", "\u1ac1\u1ace", "\u0897 \u1acf", "\U000116d0 \U00011f5a",
        "\u0d00\u0d3b", "\U0001d2e0 \U0001d2f3", "\u2bd2\u2e50",
        # Combining marks alone and in odd places
        "\u0301", "\u0301\u0302", " \u0301 ", "a \u0301 b", "\u0308u", "\u0345", "\u20dd", "\u20e3",
        "\u0903", "\u0300\u0316\u0301\u0317", "x\u0315\u031a\u0358y", "\u0e31\u0e34\u0e35", "\U0001d167\U0001d168",
        "\u0488\u0489 cyrillic enclosing", "\u1ab0\u1abe\u1abf\u1ac0",
        # Numbers
        "0", "42", "3.14159", "1,000,000", "-273.15", "1e-10", "0x1F4A9", "12:30:45", "2024-06-11",
        "+1 (555) 123-4567", "99.9%", "\u0660\u0661\u0662 \u0966\u0967\u0968", "\u0e51\u0e52\u0e53 \uff10\uff19",
        "\U0001d7ce\U0001d7cf", "1st 2nd 3rd 4th", "v1.2.3-beta+build.5",
        # URLs, email, code
        "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
        "http://example.com/path?query=1&other=two#fragment", "www.example.org", "user.name+tag@example.co.uk",
        "ftp://files.example.net/pub/file.tar.gz", "C:\\Users\\Name\\Documents\\file.txt", "/usr/local/bin/python3",
        "def f(x): return x ** 2", "for (int i = 0; i < n; ++i) { sum += a[i]; }", "if a != b && c >= d || !e:",
        "<html><body>Hello</body></html>", "{\"key\": [1, 2, 3], \"ok\": true}", "SELECT * FROM users WHERE id = 1;",
        "let x: [Int] = [1, 2, 3]", "$HOME ~/.config @decorator", "a->b => c <- d",
        # Special tokens typed in the text
        "[SEP]", "[CLS]", "[MASK]", "[UNK]", "[PAD]", "[CLS] hello [SEP]", "The [MASK] sat on the mat.",
        "[mask]", "[Mask]", "[sep]", "[cls]", "[unk]", "[pad]", "[MASK][MASK]", "x[MASK]y", "[[SEP]]",
        "[SEP", "SEP]", "[ SEP ]", "[SE\u200bP]", "[SE\u0000P]", "\u0000[SEP]\u0000", "[SEP]\u0301",
        "[MASKED]", "[MASK ]", "[CLS][SEP][PAD][UNK][MASK]", "a[PAD]b[PAD]c", "\uff3bSEP\uff3d",
        "[UNK] token and a real one \U0001f642", "[\u0130]", "\u00e9[SEP]\u00e9", "[SEP]\u4e2d[SEP]",
        # Lowercase, uppercase and mixed variants
        "HELLO", "hello", "Hello", "hELLO", "\u00c0\u00c9\u00ce\u00d5\u00dc", "\u00e0\u00e9\u00ee\u00f5\u00fc",
        "\u0100\u0102\u0104\u0106", "\u0186\u0189\u018a\u018e\u018f\u0190", "\u0220 \u023a \u023e \u2c6f \u2c70",
        "\u1e9e\u00df", "\u03f4 \u03f9 \u1ff8", "\u2183 \u2184", "\u24b6\u24b7 \u24d0", "\U0001e900 \U0001e921",
        "\u10a0\u10c5 \u2d00", "\ua640\ua641 \ua7ad \ua7b2",
        # Whitespace only, empty, odd spacing
        "", " ", "   ", "\t", "\n", "\r\n", " \t\r\n\u00a0\u3000 ", "\u2028", "\u200b", "\u0000",
        "  leading and trailing  ", "multiple    spaces   between", "a\n\n\nb", "\u0085\u000b\u000c",
        # Long words
        "a" * 100, "a" * 101, "ab" * 50, "ab" * 50 + "c", "\u00e9" * 100, "\u00e9" * 101,
        "e\u0301" * 60, "\u4e2d" * 120, "\u0130" * 101, "x" * 99 + "!" + "y" * 99, "\ud55c" * 40,
        "\ufb01" * 101, "supercalifragilistic" * 6,
        "internationalization " * 3 + "z" * 150,
    ]

    # Whole paragraphs, and texts around and far beyond the 254-wordpiece limit.
    paragraph = ("Multi-head attention runs several attention functions in parallel, each with its "
                 "own learned projections of the queries, keys and values; the heads' outputs are "
                 "concatenated and projected again. ")
    texts.append(paragraph)
    texts.append(paragraph * 3)
    texts.append(paragraph * 12)
    texts.append(("caf\u00e9 \u4e2d\u6587 [MASK] great\U0001f642 " * 60).strip())
    texts.append(" ".join(["word"] * 253))
    texts.append(" ".join(["word"] * 254))
    texts.append(" ".join(["word"] * 255))
    texts.append(" ".join(["word"] * 256))
    texts.append(" ".join(["unbelievably"] * 60))
    texts.append(" ".join(["[SEP]"] * 300))
    texts.append("x " * 2000)
    texts.append("\u00e9" * 5000)
    return texts


def write_fixture(tokenizer, texts, model):
    os.makedirs(FIXTURES, exist_ok=True)
    cases = []
    for text, (tokens, ids, dropped) in zip(texts, encode(tokenizer, texts)):
        cases.append({"text": text, "scalars": len(text), "tokens": tokens, "ids": ids, "dropped": dropped})
    document = {
        "source": f"Hugging Face tokenizers {tokenizers.__version__}, {model}",
        "maximum_tokens": MAXIMUM_TOKENS,
        "cases": cases,
    }
    # One case a line, every non-ASCII character as a \u escape.
    lines = [json.dumps(case, ensure_ascii=True) for case in cases]
    head = json.dumps({k: v for k, v in document.items() if k != "cases"}, ensure_ascii=True)[:-1]
    with open(os.path.join(FIXTURES, "cases.json"), "w", encoding="ascii") as f:
        f.write(head + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n")
    print(f"wrote {len(cases)} cases, {sum(1 for c in cases if c['dropped'])} truncated")


def write_exhaustive(tokenizer, path):
    """One line a scalar value: its hex, then the ids of each text of exhaustive_texts (without
    [CLS] and [SEP]), separated by tabs, the ids by spaces."""
    with open(path, "w") as f:
        batch = 4096
        for i in range(0, len(SCALARS), batch):
            chunk = SCALARS[i:i + batch]
            texts = [t for c in chunk for t in exhaustive_texts(c)]
            encodings = tokenizer.encode_batch(texts)
            for j, c in enumerate(chunk):
                row = [" ".join(map(str, e.ids[1:-1])) for e in encodings[3 * j:3 * j + 3]]
                f.write(f"{c:X}\t" + "\t".join(row) + "\n")
    print(f"wrote {path}: {len(SCALARS)} scalar values")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="folder with tokenizer.json and vocab.txt")
    parser.add_argument("--exhaustive", help="also write the per-scalar comparison file here")
    args = parser.parse_args()
    if tokenizers.__version__ != EXPECTED_VERSION:
        sys.exit(f"the reference is tokenizers {EXPECTED_VERSION}; this is {tokenizers.__version__}")
    model = "all-MiniLM-L6-v2"
    tokenizer = load_reference(args.model)

    vocab = open(os.path.join(args.model, "vocab.txt"), encoding="utf-8").read().split("\n")
    if vocab[-1] == "":
        vocab.pop()
    if tokenizer.get_vocab(with_added_tokens=False) != {token: i for i, token in enumerate(vocab)}:
        sys.exit("vocab.txt and tokenizer.json hold different vocabularies")

    texts = fixture_texts()
    if len(set(texts)) != len(texts):
        sys.exit("a fixture text appears twice")
    check_against_transformers(args.model, tokenizer, texts)
    write_tables(probe_tables(), model)
    write_fixture(tokenizer, texts, model)
    shutil.copyfile(os.path.join(args.model, "vocab.txt"), os.path.join(FIXTURES, "vocab.txt"))
    if args.exhaustive:
        write_exhaustive(tokenizer, args.exhaustive)


if __name__ == "__main__":
    main()
