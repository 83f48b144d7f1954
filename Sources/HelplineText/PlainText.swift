/// Byte-level comparison of texts made only of characters that have exactly one spelling.
///
/// Swift compares and hashes `String`s by canonical equivalence, which for non-ASCII text (all of
/// Russian) means normalizing both sides as it goes. A *plain* text — every scalar printable ASCII,
/// a Latin-1 or Latin Extended-A/B character (U+00A0–U+024F), or a Cyrillic letter
/// (U+0400–U+0482, U+048A–U+052F) — is already in NFC, has no other canonically equivalent
/// spelling, and each of its scalars is a whole character. So for plain texts:
///
/// - two texts are equal exactly when their UTF-8 bytes are;
/// - one starts or ends with another exactly when its bytes do;
/// - the character count is the scalar count, and characters compare as their scalars.
///
/// The normalizer's output is plain for everything but rare scripts; callers check plainness once
/// and fall back to `String`'s own comparison otherwise, so results never differ from it.
package enum PlainText {
    /// Whether every scalar of `text` is plain (see the type's description). The empty text is plain.
    package static func isPlain(_ text: String) -> Bool {
        scalarCount(text) != nil
    }

    /// The number of scalars (and so of characters) of a plain text; nil when the text is not plain.
    package static func scalarCount(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { scalarCount($0) }
    }

    /// ``scalarCount(_:)-(String)`` of UTF-8 bytes.
    package static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var count = 0
        var index = 0
        let end = bytes.count
        while index < end {
            let b0 = bytes[index]
            if b0 < 0x80 {
                guard b0 >= 0x20 && b0 != 0x7F else { return nil }
                index += 1
            } else if b0 >= 0xC2 && b0 < 0xE0 && index + 1 < end {
                let scalar = (UInt32(b0 & 0x1F) << 6) | UInt32(bytes[index + 1] & 0x3F)
                guard isPlainScalar(scalar) else { return nil }
                index += 2
            } else {
                return nil
            }
            count += 1
        }
        return count
    }

    /// Whether a scalar is plain.
    @inline(__always)
    package static func isPlainScalar(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return scalar >= 0x20 && scalar != 0x7F }
        return (0xA0...0x24F).contains(scalar) || (0x400...0x482).contains(scalar) || (0x48A...0x52F).contains(scalar)
    }

    /// The scalars of a plain text (its characters, one each).
    package static func scalars(_ text: String) -> [UInt32] {
        text.unicodeScalars.map(\.value)
    }

    /// Whether two texts have the same UTF-8 bytes.
    @inline(__always)
    package static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
    }

    /// Whether the UTF-8 bytes of `text` contain `part`'s (no Unicode folding: for phrase keys,
    /// which are of one spelling; Foundation's `contains` folds character clusters as it goes).
    package static func containsBytes(_ text: String, _ part: [UInt8]) -> Bool {
        guard !part.isEmpty else { return true }
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= part.count else { return false }
            // The last byte first: in Russian text every other byte is a lead byte (0xD0, 0xD1),
            // so the first would match half the time.
            let first = part[0]
            let lastByte = part[part.count - 1]
            var i = 0
            let last = bytes.count - part.count
            while i <= last {
                if bytes[i + part.count - 1] == lastByte && bytes[i] == first {
                    var k = 1
                    while k < part.count && bytes[i + k] == part[k] { k += 1 }
                    if k == part.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// `a == b`, by bytes when both are plain (`aPlain`, `bPlain`).
    @inline(__always)
    package static func equal(_ a: String, plain aPlain: Bool, _ b: String, plain bPlain: Bool) -> Bool {
        if sameBytes(a, b) { return true }
        return aPlain && bPlain ? false : a == b
    }

    /// `a == b` for texts of unknown plainness.
    package static func equal(_ a: String, _ b: String) -> Bool {
        if sameBytes(a, b) { return true }
        return isPlain(a) && isPlain(b) ? false : a == b
    }

    /// Whether the bytes of `text` end with those of `suffix`.
    package static func bytesEnd(_ text: String, with suffix: String) -> Bool {
        let count = text.utf8.count
        let suffixCount = suffix.utf8.count
        guard suffixCount <= count else { return false }
        var text = text, suffix = suffix
        return text.withUTF8 { t in
            suffix.withUTF8 { s in UnsafeBufferPointer(rebasing: t[(count - suffixCount)...]).elementsEqual(s) }
        }
    }

    /// Whether a word of `text` (words are separated by single spaces) starts with the bytes of
    /// one of `starts` (``WordStarts``), all of them looked for in one pass.
    package static func hasWord(in text: String, startingWithOneOf starts: WordStarts) -> Bool {
        guard !starts.bytes.isEmpty else { return false }
        var text = text
        return text.withUTF8 { t in
            var index = 0
            while index < t.count {
                for start in starts.bytes where start.count <= t.count - index && t[index] == start[0] {
                    var offset = 1
                    while offset < start.count && t[index + offset] == start[offset] { offset += 1 }
                    if offset == start.count { return true }
                }
                // On to the next word.
                while index < t.count && t[index] != 0x20 { index += 1 }
                index += 1
            }
            return false
        }
    }

    /// Word starts looked for together by ``hasWord(in:startingWithOneOf:)``: their bytes, the
    /// empty ones and those with a space left out (they never begin a word).
    package struct WordStarts: Sendable, Hashable {
        fileprivate let bytes: [[UInt8]]

        package init(_ starts: [String]) {
            bytes = starts.filter { !$0.isEmpty && !$0.utf8.contains(0x20) }.map { Array($0.utf8) }
        }
    }

    /// Whether the bytes of `text` start with those of `prefix`.
    package static func bytesStart(_ text: String, with prefix: String) -> Bool {
        let count = prefix.utf8.count
        guard count <= text.utf8.count else { return false }
        var text = text, prefix = prefix
        return text.withUTF8 { t in
            prefix.withUTF8 { p in
                var index = 0
                while index < count && t[index] == p[index] { index += 1 }
                return index == count
            }
        }
    }

    /// The number of letters (`Character.isLetter`) in a plain text; ASCII and Russian letters are
    /// told without the Unicode tables.
    package static func letterCount(_ text: Substring) -> Int {
        var count = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A, 0x410...0x44F, 0x401, 0x451: count += 1
            case 0..<0x80: break
            default: if Character(scalar).isLetter { count += 1 }
            }
        }
        return count
    }

    /// The number of leading characters two plain texts share.
    package static func sharedPrefix(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                var index = 0
                var shared = 0
                let end = min(x.count, y.count)
                while index < end {
                    // A scalar of a plain text is one byte below 0x80, two bytes otherwise.
                    let width = x[index] < 0x80 ? 1 : 2
                    guard index + width <= end, x[index] == y[index],
                          width == 1 || x[index + 1] == y[index + 1] else { break }
                    index += width
                    shared += 1
                }
                return shared
            }
        }
    }

    /// The ASCII spaces in `text`, counted in its bytes: a bound on its words before splitting it.
    package static func spaceCount(_ text: String) -> Int {
        text.utf8.count(where: { $0 == UInt8(ascii: " ") })
    }

    /// The parts of `text` between ASCII spaces, empty parts left out. The same as
    /// `split(separator: " ")` for a text with no combining mark after a space (the normalizer's
    /// output, phrase keys), found from the bytes instead of walking characters.
    package static func spaceSeparated(_ text: String) -> [Substring] {
        var parts: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: " ") {
                if start != index { parts.append(text[start..<index]) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { parts.append(text[start..<utf8.endIndex]) }
        return parts
    }

    /// Whether `text` has a Cyrillic scalar (U+0400–U+04FF): UTF-8 lead bytes 0xD0–0xD3.
    package static func hasCyrillic(_ text: String) -> Bool {
        text.utf8.contains { $0 >= 0xD0 && $0 <= 0xD3 }
    }
}

/// A text as a dictionary key compared and hashed by its UTF-8 bytes: the same as `String`'s own
/// hashing for plain texts (``PlainText``), without normalizing them.
package struct ByteKey: Hashable, Sendable {
    package let text: String

    package init(_ text: String) {
        self.text = text
    }

    package static func == (a: ByteKey, b: ByteKey) -> Bool {
        PlainText.sameBytes(a.text, b.text)
    }

    package func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
