/// Splits normalized text into tokens, keeping order numbers, phones, e-mails and URLs whole.
///
/// - `order_number`: eight digits and four, joined by a dash, a space or nothing (`12345678-0001`);
/// - `phone`: a Russian number with `+7`, `7` or `8` and eleven digits in any common grouping
///   (`+7 (495) 232-10-00`, `8 800 234-70-70`, `89161234567`), or ten digits with the code in
///   brackets (`(495) 232-10-00`);
/// - `email`, `url` (`https://…`, `www.…`, or a bare domain with a known top-level domain);
/// - `number`: digits, with one decimal part (`1990,50`);
/// - `word`: letters with inner hyphens (`кто-то`). A Latin word keeps the layout keys `[ ] ; ' , .`
///   (and their shifted forms) between its letters, because on a Russian keyboard they type
///   х ъ ж э б ю: `pf,sk` is «забыл» typed in the wrong layout;
/// - `symbol`: `₽ € $ % № #`.
///
/// Other punctuation separates tokens and is dropped; letters and digits always split (`1990р`
/// is a number and a word).
public enum Tokenizer {
    public static func tokenize(_ normalized: String) -> [Token] {
        let prepared = PreparedText(normalized)
        return scan(prepared.scalars).map { Token(text: prepared.text($0), kind: $0.kind) }
    }

    /// The tokens of prepared scalars.
    static func scan(_ scalars: [UInt32]) -> [RawToken] {
        scalars.withUnsafeBufferPointer { Scanner(s: $0).run() }
    }
}

/// A token as positions in the prepared scalars.
struct RawToken: Sendable {
    /// The token's own text.
    var start: Int
    var end: Int
    var kind: Token.Kind
    /// For a Latin word, the span including layout keys glued before and after it (`,tp` → «без»,
    /// `dct[` → «всех»); otherwise the same as `start..<end`.
    var extStart: Int
    var extEnd: Int

    init(_ start: Int, _ end: Int, _ kind: Token.Kind, extStart: Int? = nil, extEnd: Int? = nil) {
        self.start = start
        self.end = end
        self.kind = kind
        self.extStart = extStart ?? start
        self.extEnd = extEnd ?? end
    }
}

private struct Scanner {
    let s: UnsafeBufferPointer<UInt32>

    func run() -> [RawToken] {
        var tokens: [RawToken] = []
        tokens.reserveCapacity(s.count / 4 + 1)
        let n = s.count
        var i = 0
        while i < n {
            let c = s[i]
            if c == Chars.space { i += 1; continue }
            let atBoundary = i == 0 || !isAlphanumeric(s[i - 1])

            if atBoundary && (Chars.isLetter(c) || Chars.isDigit(c)) {
                var chunkEnd = i
                var hasAt = false
                var hasDot = false
                while chunkEnd < n && s[chunkEnd] != Chars.space {
                    if s[chunkEnd] == Chars.at { hasAt = true } else if s[chunkEnd] == Chars.dot { hasDot = true }
                    chunkEnd += 1
                }
                if hasAt, let end = emailEnd(i, chunkEnd) {
                    tokens.append(RawToken(i, end, .email))
                    i = end
                    continue
                }
                if let end = urlEnd(i, chunkEnd, hasDot: hasDot) {
                    tokens.append(RawToken(i, end, .url))
                    i = end
                    continue
                }
            }

            if atBoundary && (Chars.isDigit(c) || c == Chars.plus || c == Chars.openParen) {
                if Chars.isDigit(c), let end = orderEnd(i) {
                    tokens.append(RawToken(i, end, .orderNumber))
                    i = end
                    continue
                }
                if let end = phoneEnd(i) {
                    tokens.append(RawToken(i, end, .phone))
                    i = end
                    continue
                }
            }

            if Chars.isDigit(c) {
                var j = i
                while j < n && Chars.isDigit(s[j]) { j += 1 }
                if j + 1 < n && (s[j] == Chars.dot || s[j] == Chars.comma) && Chars.isDigit(s[j + 1]) {
                    j += 1
                    while j < n && Chars.isDigit(s[j]) { j += 1 }
                }
                tokens.append(RawToken(i, j, .number))
                i = j
                continue
            }

            if Chars.isLatin(c) || (Chars.isLayoutKey(c) && keysLeadToLatin(i)) {
                let lead = i
                var j = i
                while j < n && Chars.isLayoutKey(s[j]) { j += 1 }
                let start = j
                var end = j
                while j < n {
                    if Chars.isLatin(s[j]) {
                        j += 1
                        end = j
                        continue
                    }
                    if Chars.isLayoutKey(s[j]) || s[j] == Chars.hyphen {
                        var k = j
                        while k < n && (Chars.isLayoutKey(s[k]) || s[k] == Chars.hyphen) { k += 1 }
                        if k < n && Chars.isLatin(s[k]) { j = k; continue }
                    }
                    break
                }
                var extEnd = end
                while extEnd < n && Chars.isLayoutKey(s[extEnd]) { extEnd += 1 }
                tokens.append(RawToken(start, end, .word, extStart: lead, extEnd: extEnd))
                i = extEnd
                continue
            }

            if Chars.isLetter(c) {
                var j = i + 1
                while j < n {
                    let d = s[j]
                    if Chars.isLetter(d) && !Chars.isLatin(d) { j += 1; continue }
                    if (d == Chars.hyphen || d == Chars.apostrophe) && j + 1 < n
                        && Chars.isLetter(s[j + 1]) && !Chars.isLatin(s[j + 1]) {
                        j += 2
                        continue
                    }
                    break
                }
                tokens.append(RawToken(i, j, .word))
                i = j
                continue
            }

            if Chars.isKeptSymbol(c) {
                tokens.append(RawToken(i, i + 1, .symbol))
            }
            i += 1
        }
        return tokens
    }

    @inline(__always) private func isAlphanumeric(_ c: UInt32) -> Bool {
        Chars.isDigit(c) || Chars.isLetter(c)
    }

    /// Whether the layout keys starting at `i` run straight into a Latin letter.
    private func keysLeadToLatin(_ i: Int) -> Bool {
        var j = i
        while j < s.count && Chars.isLayoutKey(s[j]) { j += 1 }
        return j < s.count && Chars.isLatin(s[j])
    }

    /// The end of `start..<end` without trailing sentence punctuation.
    private func trimmed(_ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start {
            switch s[e - 1] {
            case 0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x29, 0x5D, 0x7D, 0x22, 0x27: e -= 1
            default: return e
            }
        }
        return e
    }

    private func emailEnd(_ start: Int, _ chunkEnd: Int) -> Int? {
        let end = trimmed(start, chunkEnd)
        var j = start
        while j < end && s[j] != Chars.at {
            let c = s[j]
            guard Chars.isLetter(c) || Chars.isDigit(c) || c == Chars.dot || c == 0x5F || c == 0x25
                || c == Chars.plus || c == Chars.hyphen else { return nil }
            j += 1
        }
        guard j > start, j < end, s[j] == Chars.at else { return nil }
        return hostIsValid(j + 1, end, requireKnownTLD: false) ? end : nil
    }

    private func urlEnd(_ start: Int, _ chunkEnd: Int, hasDot: Bool) -> Int? {
        let end = trimmed(start, chunkEnd)
        if hasPrefix("https://", at: start, end: end) || hasPrefix("http://", at: start, end: end) {
            return end - start > 8 ? end : nil
        }
        if hasPrefix("www.", at: start, end: end) { return end - start > 5 ? end : nil }
        guard hasDot else { return nil }
        var hostEnd = start
        while hostEnd < end && s[hostEnd] != Chars.slash && s[hostEnd] != Chars.colon && s[hostEnd] != 0x3F { hostEnd += 1 }
        return hostIsValid(start, hostEnd, requireKnownTLD: true) ? end : nil
    }

    private func hasPrefix(_ prefix: StaticString, at start: Int, end: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard end - start >= count else { return false }
        return prefix.withUTF8Buffer { bytes in
            for k in 0..<count where s[start + k] != UInt32(bytes[k]) { return false }
            return true
        }
    }

    /// A dot-separated host name of letters, digits and hyphens with at least two labels.
    private func hostIsValid(_ start: Int, _ end: Int, requireKnownTLD: Bool) -> Bool {
        guard end > start else { return false }
        var labels = 0
        var labelStart = start
        var j = start
        while j <= end {
            if j == end || s[j] == Chars.dot {
                guard j > labelStart else { return false }
                labels += 1
                if j == end {
                    let length = end - labelStart
                    guard labels >= 2, length >= 2 else { return false }
                    for k in labelStart..<end where !Chars.isLetter(s[k]) { return false }
                    if requireKnownTLD { return Scanner.knownTLDs.contains(Array(s[labelStart..<end])) }
                    return true
                }
                labelStart = j + 1
            } else {
                let c = s[j]
                guard Chars.isLetter(c) || Chars.isDigit(c) || c == Chars.hyphen else { return false }
            }
            j += 1
        }
        return false
    }

    private static let knownTLDs: Set<[UInt32]> = Set(
        ["ru", "рф", "su", "com", "net", "org", "info", "io", "me", "by", "kz", "ua", "uz", "biz", "pro",
         "shop", "store", "online", "app", "dev", "co"].map(Chars.scalars)
    )

    /// `NNNNNNNN-NNNN`, `NNNNNNNN NNNN`, `NNNNNNNN - NNNN` or `NNNNNNNNNNNN`.
    private func orderEnd(_ start: Int) -> Int? {
        let n = s.count
        var j = start
        while j < n && Chars.isDigit(s[j]) { j += 1 }
        let run = j - start
        if run == 12 { return j }
        guard run == 8 else { return nil }
        if j < n && s[j] == Chars.space { j += 1 }
        if j < n && s[j] == Chars.hyphen {
            j += 1
            if j < n && s[j] == Chars.space { j += 1 }
        }
        guard j > start + 8 else { return nil }
        let tail = j
        while j < n && Chars.isDigit(s[j]) { j += 1 }
        guard j - tail == 4 else { return nil }
        if j < n && (Chars.isLetter(s[j]) || s[j] == Chars.hyphen) { return nil }
        return j
    }

    /// A Russian phone number: see `Tokenizer`.
    private func phoneEnd(_ start: Int) -> Int? {
        let n = s.count
        var j = start
        var plus = false
        if s[j] == Chars.plus {
            plus = true
            j += 1
        }
        var digits = 0
        var first: UInt32 = 0
        var lastDigitEnd = -1
        var groups: [Int] = []
        var inDigits = false
        var parenGroup = -1  // index of the group written in brackets
        var openParen = false
        while j < n {
            let c = s[j]
            if Chars.isDigit(c) {
                if digits == 0 { first = c }
                digits += 1
                if inDigits {
                    groups[groups.count - 1] += 1
                } else {
                    groups.append(1)
                    inDigits = true
                    if openParen { parenGroup = groups.count - 1 }
                }
                lastDigitEnd = j + 1
                j += 1
                if digits == 11 { break }
            } else if c == Chars.space || c == Chars.hyphen || c == Chars.openParen || c == Chars.closeParen {
                if c == Chars.openParen {
                    guard !openParen, parenGroup < 0 else { break }
                    openParen = true
                } else if c == Chars.closeParen {
                    guard openParen else { break }
                    openParen = false
                } else if c == Chars.space {
                    // A space may only continue the number into more digits or a bracket.
                    guard j + 1 < n, Chars.isDigit(s[j + 1]) || s[j + 1] == Chars.openParen
                        || s[j + 1] == Chars.hyphen else { break }
                }
                inDigits = false
                j += 1
            } else {
                break
            }
        }
        guard lastDigitEnd > 0, digits >= 10 else { return nil }
        if lastDigitEnd < n && (Chars.isDigit(s[lastDigitEnd]) || Chars.isLetter(s[lastDigitEnd])) { return nil }
        var rest = groups
        if digits == 11 {
            guard first == 0x37 || (first == 0x38 && !plus) else { return nil }
            if rest[0] == 1 {
                rest.removeFirst()
                parenGroup -= 1
            } else {
                rest[0] -= 1
            }
        } else {
            guard !plus else { return nil }
            guard parenGroup == 0 || (first == 0x39 && groups.count >= 3) else { return nil }
        }
        guard let head = rest.first else { return nil }
        for size in rest where size < 2 { return nil }
        guard head == 10 || (3...5).contains(head) else { return nil }
        // A closing bracket right after the number belongs to it.
        var end = lastDigitEnd
        if end < n && s[end] == Chars.closeParen && openParen { end += 1 }
        return end
    }
}
