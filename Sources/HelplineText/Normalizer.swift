/// Unicode NFC, lowercase, ё→е, punctuation and emoji separated or dropped, emphasis squeezed.
///
/// The normalized text is the message's tokens joined by single spaces: words, numbers, and the
/// order numbers, phones, e-mails and URLs that `Tokenizer` keeps whole; sentence punctuation and
/// emoji are gone, `₽ € $ % № #` stay as symbols.
///
/// ```swift
/// Normalizer.normalize("Спасибооо!!! Ёлка 🎄")           // "спасибо елка"
/// Normalizer.normalize("Заказ 12345678-0001, тел. +7 (495) 232-10-00")
/// // "заказ 12345678-0001 тел +7 (495) 232-10-00"
/// ```
public enum Normalizer {
    public static func normalize(_ text: String) -> String {
        let prepared = PreparedText(text)
        let tokens = Tokenizer.scan(prepared.scalars)
        return prepared.joined(tokens)
    }
}

/// A message after the character-level pass, before tokenization.
///
/// `scalars` holds the normalized characters: NFC, lowercase, `ё` as `е`, every kind of space as
/// one ASCII space (collapsed), every kind of dash as `-`, typographic apostrophes as `'`, emoji and
/// other symbols as spaces, combining marks and invisible characters dropped, runs of three or more
/// identical Russian letters squeezed to one (Latin runs are left for the repairs to judge, so that
/// `www.` survives). ASCII punctuation is kept for the tokenizer to judge.
/// `starts`/`ends` give, for each of them, the UTF-8 byte range it came from in `source`.
struct PreparedText {
    var scalars: [UInt32]
    var starts: [Int32]
    var ends: [Int32]
    /// The text the byte offsets refer to: the message, or its NFC form when it had combining marks.
    var source: String

    init(_ text: String) {
        scalars = []
        starts = []
        ends = []
        source = text
        if !prepare(text) {
            // Combining marks present: compose to NFC first, then redo the pass on that.
            let composed = String(decoding: text._nfcCodeUnits, as: UTF8.self)
            source = composed
            scalars.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            _ = prepare(composed, composing: false)
        }
        while scalars.last == Chars.space {
            scalars.removeLast()
            starts.removeLast()
            ends.removeLast()
        }
        Lookalikes.unmix(&scalars)
    }

    /// The original text of the scalars in `range`.
    func original(_ range: Range<Int>) -> String {
        guard !range.isEmpty, range.upperBound <= scalars.count else { return "" }
        let from = Int(starts[range.lowerBound])
        let to = Int(ends[range.upperBound - 1])
        let utf8 = source.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: from)
        let upper = utf8.index(lower, offsetBy: to - from)
        return String(source[lower..<upper])
    }

    /// The tokens' texts joined by single spaces.
    func joined(_ tokens: [RawToken]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count * 2)
        for token in tokens {
            if !bytes.isEmpty { bytes.append(0x20) }
            for index in token.start..<token.end { Chars.appendUTF8(scalars[index], to: &bytes) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The tokens' texts joined by single spaces, and each token's text.
    func joinedAndTexts(_ tokens: [RawToken]) -> (String, [Token]) {
        var texts: [Token] = []
        texts.reserveCapacity(tokens.count)
        let joined = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scalars.count * 4 + tokens.count) { bytes in
            var count = 0
            for token in tokens {
                if count > 0 {
                    bytes[count] = 0x20
                    count += 1
                }
                let from = count
                for index in token.start..<token.end { count = Chars.writeUTF8(scalars[index], to: bytes, at: count) }
                texts.append(Token(text: String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<count]), as: UTF8.self),
                                   kind: token.kind))
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<count]), as: UTF8.self)
        }
        return (joined, texts)
    }

    /// One token's text.
    func text(_ token: RawToken) -> String {
        text(token.start..<token.end)
    }

    func text(_ range: Range<Int>) -> String {
        Chars.string(scalars[range])
    }

    /// Runs the pass; returns false (having stopped early) when the text needs NFC composition first.
    private mutating func prepare(_ text: String, composing: Bool = true) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            let count = bytes.count
            scalars.reserveCapacity(count)
            starts.reserveCapacity(count)
            ends.reserveCapacity(count)
            var runLetter: UInt32 = 0
            var runLength = 0
            var offset = 0
            while offset < count {
                // Decode one scalar (the bytes are valid UTF-8).
                let start = offset
                let b0 = UInt32(bytes[offset])
                var c: UInt32
                if b0 < 0x80 {
                    c = b0
                    offset += 1
                } else if b0 < 0xE0 {
                    c = ((b0 & 0x1F) << 6) | (UInt32(bytes[offset + 1]) & 0x3F)
                    offset += 2
                } else if b0 < 0xF0 {
                    c = ((b0 & 0x0F) << 12) | ((UInt32(bytes[offset + 1]) & 0x3F) << 6) | (UInt32(bytes[offset + 2]) & 0x3F)
                    offset += 3
                } else {
                    c = ((b0 & 0x07) << 18) | ((UInt32(bytes[offset + 1]) & 0x3F) << 12)
                        | ((UInt32(bytes[offset + 2]) & 0x3F) << 6) | (UInt32(bytes[offset + 3]) & 0x3F)
                    offset += 4
                }
                let end = offset

                // Map it.
                var isLetter = false
                if c < 0x80 {
                    if c &- 0x41 < 26 {
                        c += 0x20
                        isLetter = true
                    } else if c &- 0x61 < 26 {
                        isLetter = true
                    } else if c < 0x20 || c == 0x7F {
                        c = Chars.space
                    }
                } else if c &- 0x410 < 64 {
                    if c < 0x430 { c += 0x20 }
                    isLetter = true
                } else if c == 0x451 || c == 0x401 {
                    c = 0x435
                    isLetter = true
                } else {
                    switch c {
                    case 0xA0, 0x85, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
                        c = Chars.space
                    case 0xAD, 0x200B...0x200D, 0x2060, 0xFEFF, 0xFE00...0xFE0F:
                        continue
                    case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D:
                        c = Chars.hyphen
                    case 0x2018, 0x2019, 0x02BC:
                        c = Chars.apostrophe
                    case 0xAB, 0xBB, 0x201C...0x201F, 0x2039, 0x203A:
                        c = Chars.space
                    case Chars.rouble, 0x20AC, 0x2116:
                        break
                    default:
                        guard let scalar = Unicode.Scalar(c) else { continue }
                        let properties = scalar.properties
                        if properties.canonicalCombiningClass != .notReordered
                            || properties.generalCategory == .nonspacingMark {
                            // Combining marks: compose first if we can; otherwise (stress marks
                            // and the like, which have no composed form) drop them.
                            if composing { return false }
                            continue
                        }
                        if properties.isAlphabetic {
                            let lower = properties.isUppercase || properties.changesWhenLowercased
                                ? Array(properties.lowercaseMapping.unicodeScalars) : [scalar]
                            for (index, piece) in lower.enumerated() {
                                var value = piece.value
                                if value == 0x451 { value = 0x435 }
                                if index == lower.count - 1 { c = value; break }
                                scalars.append(value)
                                starts.append(Int32(truncatingIfNeeded: start))
                                ends.append(Int32(truncatingIfNeeded: end))
                            }
                            isLetter = true
                        } else if properties.numericType == .decimal, let value = properties.numericValue,
                                  value >= 0, value <= 9 {
                            c = 0x30 + UInt32(value)
                        } else {
                            c = Chars.space
                        }
                    }
                }

                if c == Chars.space {
                    runLength = 0
                    if scalars.isEmpty || scalars[scalars.count - 1] == Chars.space { continue }
                } else if isLetter && Chars.isCyrillic(c) {
                    if c == runLetter && runLength > 0 {
                        runLength += 1
                        if runLength >= 3 {
                            // Emphasis: a third identical letter squeezes the run to one.
                            if runLength == 3 {
                                scalars.removeLast()
                                starts.removeLast()
                                ends.removeLast()
                            }
                            ends[ends.count - 1] = Int32(truncatingIfNeeded: end)
                            continue
                        }
                    } else {
                        runLetter = c
                        runLength = 1
                    }
                } else {
                    runLength = 0
                }
                scalars.append(c)
                starts.append(Int32(truncatingIfNeeded: start))
                ends.append(Int32(truncatingIfNeeded: end))
            }
            return true
        }
    }
}

/// Letters that look the same in the Latin and the Russian alphabet («o» and «о»), and the repair
/// of words that mix them: «вoзврат» typed with a Latin o is «возврат», «оzon» with a Cyrillic о
/// is "ozon".
enum Lookalikes {
    /// Latin letter → the Russian letter it looks like (lowercase, as normalized text has them;
    /// b, h, m, t stand for the capitals B H M T).
    static func cyrillic(_ c: UInt32) -> UInt32? {
        switch c {
        case 0x61: 0x430  // a а
        case 0x62: 0x432  // B В
        case 0x63: 0x441  // c с
        case 0x65: 0x435  // e е
        case 0x68: 0x43D  // H Н
        case 0x6B: 0x43A  // k к
        case 0x6D: 0x43C  // M М
        case 0x6F: 0x43E  // o о
        case 0x70: 0x440  // p р
        case 0x74: 0x442  // T Т
        case 0x78: 0x445  // x х
        case 0x79: 0x443  // y у
        default: nil
        }
    }

    /// Russian letter → the Latin letter it looks like.
    static func latin(_ c: UInt32) -> UInt32? {
        switch c {
        case 0x430: 0x61
        case 0x432: 0x62
        case 0x441: 0x63
        case 0x435: 0x65
        case 0x43D: 0x68
        case 0x43A: 0x6B
        case 0x43C: 0x6D
        case 0x43E: 0x6F
        case 0x440: 0x70
        case 0x442: 0x74
        case 0x445: 0x78
        case 0x443: 0x79
        default: nil
        }
    }

    /// Rewrites, in every run of letters that mixes the two alphabets, the letters of the smaller
    /// share into the other alphabet when each of them has a look-alike there. A run whose smaller
    /// share has a letter without one («ozonкарта») is left for the tokenizer to split.
    static func unmix(_ s: inout [UInt32]) {
        var i = 0
        let n = s.count
        while i < n {
            guard Chars.isLatin(s[i]) || Chars.isCyrillic(s[i]) else {
                i += 1
                continue
            }
            var j = i
            var latinCount = 0
            var cyrillicCount = 0
            while j < n {
                if Chars.isLatin(s[j]) { latinCount += 1 } else if Chars.isCyrillic(s[j]) { cyrillicCount += 1 } else { break }
                j += 1
            }
            if latinCount > 0 && cyrillicCount > 0 && latinCount != cyrillicCount {
                let toCyrillic = latinCount < cyrillicCount
                var convertible = true
                for k in i..<j {
                    if toCyrillic ? Chars.isLatin(s[k]) && Self.cyrillic(s[k]) == nil : Chars.isCyrillic(s[k]) && Self.latin(s[k]) == nil {
                        convertible = false
                        break
                    }
                }
                if convertible {
                    for k in i..<j {
                        if toCyrillic, Chars.isLatin(s[k]), let c = Self.cyrillic(s[k]) { s[k] = c }
                        if !toCyrillic, Chars.isCyrillic(s[k]), let c = Self.latin(s[k]) { s[k] = c }
                    }
                }
            }
            i = j
        }
    }
}
