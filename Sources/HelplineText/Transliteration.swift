/// Readings of Latin transliteration as Russian: every way of splitting a Latin word into the
/// letter groups people use for Russian letters ("sh", "shch", "zh", "ya", "'"…) and of reading
/// each group, so that the analyzer can pick the reading that is a known or plausible word.
///
/// "zakaz" has one reading, «заказ»; "moi" has «мои», «мой», «моы»; "schet" has «счет» and «щет».
enum Transliteration {
    /// A run of scalars in `Tables.pool`.
    private struct Span {
        var start: Int
        var count: Int
    }

    /// One Latin letter group and its readings (`Tables.readings[firstReading..<firstReading + readingCount]`).
    private struct Rule {
        var latin: Span
        var firstReading: Int
        var readingCount: Int
    }

    /// The rules as flat arrays of plain values, so that enumeration does no reference counting.
    private struct Tables {
        var pool: [UInt32] = []
        var rules: [Rule] = []
        /// Rules for first character `k` (a…z, then `'`) are `rules[ruleStarts[k]..<ruleStarts[k + 1]]`, longest first.
        var ruleStarts: [Int] = []
        var readings: [Span] = []
    }

    private static let tables: Tables = {
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
        var grouped = [[(String, [String])]](repeating: [], count: 27)
        for entry in table {
            guard let first = entry.0.unicodeScalars.first?.value, let slot = slot(first) else { continue }
            grouped[slot].append(entry)
        }
        var tables = Tables()
        func add(_ text: String) -> Span {
            let scalars = Chars.scalars(text)
            let span = Span(start: tables.pool.count, count: scalars.count)
            tables.pool += scalars
            return span
        }
        for group in grouped {
            tables.ruleStarts.append(tables.rules.count)
            for (latin, readings) in group.sorted(by: { $0.0.count > $1.0.count }) {
                let rule = Rule(latin: add(latin), firstReading: tables.readings.count, readingCount: readings.count)
                for reading in readings { tables.readings.append(add(reading)) }
                tables.rules.append(rule)
            }
        }
        tables.ruleStarts.append(tables.rules.count)
        return tables
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
        let tables = Transliteration.tables
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: word.count * 2 + 1) { buffer in
            tables.pool.withUnsafeBufferPointer { pool in
                tables.rules.withUnsafeBufferPointer { rules in
                    tables.ruleStarts.withUnsafeBufferPointer { starts in
                        tables.readings.withUnsafeBufferPointer { readings in
                            var walk = Walk(word: word, pool: pool, rules: rules, starts: starts, readings: readings,
                                            buffer: buffer, remaining: limit)
                            _ = walk.visit(0, 0, body)
                        }
                    }
                }
            }
        }
    }

    /// A depth-first walk over the readings of one word.
    private struct Walk {
        let word: UnsafeBufferPointer<UInt32>
        let pool: UnsafeBufferPointer<UInt32>
        let rules: UnsafeBufferPointer<Rule>
        let starts: UnsafeBufferPointer<Int>
        let readings: UnsafeBufferPointer<Span>
        let buffer: UnsafeMutableBufferPointer<UInt32>
        var remaining: Int

        /// Extends the reading `buffer[..<length]` from word position `p`; false once enumeration should stop.
        mutating func visit(_ p: Int, _ length: Int, _ body: (UnsafeBufferPointer<UInt32>) -> Bool) -> Bool {
            if p == word.count {
                remaining -= 1
                let goOn = body(UnsafeBufferPointer(rebasing: buffer[0..<length]))
                return goOn && remaining > 0
            }
            guard let slot = Transliteration.slot(word[p]) else { return true }
            for ruleIndex in starts[slot]..<starts[slot + 1] {
                let rule = rules[ruleIndex]
                let count = rule.latin.count
                guard p + count <= word.count else { continue }
                var matches = true
                var k = 1
                while k < count {
                    if word[p + k] != pool[rule.latin.start + k] { matches = false; break }
                    k += 1
                }
                guard matches else { continue }
                for readingIndex in rule.firstReading..<(rule.firstReading + rule.readingCount) {
                    let reading = readings[readingIndex]
                    guard length + reading.count <= buffer.count else { continue }
                    for j in 0..<reading.count { buffer[length + j] = pool[reading.start + j] }
                    if !visit(p + count, length + reading.count, body) { return false }
                }
            }
            return true
        }
    }
}
