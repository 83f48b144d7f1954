/// Readings of Latin transliteration as Russian: every way of splitting a Latin word into the
/// letter groups people use for Russian letters ("sh", "shch", "zh", "ya", "'"…) and of reading
/// each group, so that the analyzer can pick the reading that is a known or plausible word.
///
/// "zakaz" has one reading, «заказ»; "moi" has «мои», «мой», «моы»; "schet" has «счет» and «щет».
enum Transliteration {
    private struct Rule {
        var latin: [UInt32]
        var readings: [[UInt32]]
    }

    /// Rules by the first Latin character (a…z, then `'`), longest first.
    private static let rules: [[Rule]] = {
        let table: [(String, [String])] = [
            ("shch", ["щ"]), ("sch", ["щ", "сч"]), ("sh", ["ш"]), ("zh", ["ж"]), ("ch", ["ч"]),
            ("kh", ["х"]), ("ts", ["ц", "тс"]), ("tz", ["ц"]), ("ck", ["к"]), ("ph", ["ф"]),
            ("ya", ["я", "ья"]), ("ja", ["я"]), ("ia", ["я", "ия"]),
            ("yu", ["ю", "ью"]), ("ju", ["ю"]), ("iu", ["ю", "ию"]),
            ("yo", ["е", "ье"]), ("jo", ["е"]), ("ye", ["е", "ье"]), ("je", ["е"]), ("ie", ["ье"]),
            ("a", ["а"]), ("b", ["б"]), ("c", ["ц", "к", "с"]), ("d", ["д"]), ("e", ["е", "э"]),
            ("f", ["ф"]), ("g", ["г"]), ("h", ["х"]), ("i", ["и", "й", "ы"]), ("j", ["й", "ж"]),
            ("k", ["к"]), ("l", ["л"]), ("m", ["м"]), ("n", ["н"]), ("o", ["о"]), ("p", ["п"]),
            ("q", ["к"]), ("r", ["р"]), ("s", ["с"]), ("t", ["т"]), ("u", ["у"]), ("v", ["в"]),
            ("w", ["в"]), ("x", ["кс", "х"]), ("y", ["ы", "й", "и"]), ("z", ["з"]),
            ("'", ["ь", "ъ"]),
        ]
        var rules = [[Rule]](repeating: [], count: 27)
        for (latin, readings) in table {
            let scalars = Chars.scalars(latin)
            guard let first = scalars.first, let slot = slot(first) else { continue }
            rules[slot].append(Rule(latin: scalars, readings: readings.map(Chars.scalars)))
        }
        for index in rules.indices { rules[index].sort { $0.latin.count > $1.latin.count } }
        return rules
    }()

    @inline(__always) private static func slot(_ c: UInt32) -> Int? {
        if Chars.isLatin(c) { return Int(c - 0x61) }
        if c == Chars.apostrophe { return 26 }
        return nil
    }

    /// Whether the word consists only of characters transliteration uses.
    static func applies(to word: UnsafeBufferPointer<UInt32>) -> Bool {
        guard let first = word.first, Chars.isLatin(first) else { return false }
        for c in word where slot(c) == nil { return false }
        return true
    }

    /// Calls `body` with each reading (at most `limit` of them); `body` returns false to stop.
    static func forEachReading(of word: UnsafeBufferPointer<UInt32>, limit: Int,
                               _ body: (UnsafeBufferPointer<UInt32>) -> Bool) {
        var buffer: [UInt32] = []
        buffer.reserveCapacity(word.count * 2)
        var remaining = limit
        _ = visit(word, 0, &buffer, &remaining, body)
    }

    /// Depth-first over the readings from position `p`; false once enumeration should stop.
    private static func visit(_ word: UnsafeBufferPointer<UInt32>, _ p: Int, _ buffer: inout [UInt32],
                              _ remaining: inout Int, _ body: (UnsafeBufferPointer<UInt32>) -> Bool) -> Bool {
        if p == word.count {
            remaining -= 1
            let goOn = buffer.withUnsafeBufferPointer(body)
            return goOn && remaining > 0
        }
        guard let slot = slot(word[p]) else { return true }
        for rule in rules[slot] {
            let length = rule.latin.count
            guard p + length <= word.count else { continue }
            var matches = true
            for k in 1..<max(length, 1) where word[p + k] != rule.latin[k] {
                matches = false
                break
            }
            guard matches else { continue }
            for reading in rule.readings {
                let mark = buffer.count
                buffer += reading
                let goOn = visit(word, p + length, &buffer, &remaining, body)
                buffer.removeSubrange(mark...)
                if !goOn { return false }
            }
        }
        return true
    }
}
