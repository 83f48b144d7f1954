/// A sound-alike key of a Russian word: words people confuse when they write as they hear share it.
///
/// The key folds the commonest spelling-by-ear slips of Russian, each of which an edit distance
/// counts in full: unstressed vowels (о/а, е/и/я/э, ы/и, ё after sibilants), voiced and voiceless
/// consonant pairs (з/с, д/т, б/п, г/к, в/ф, ж/ш), щ/ш, the soft and hard signs, й/и and doubled
/// letters. «зокас» and «заказ», «таавар» and «товар», «денги» and «деньги», «связатся» and
/// «связаться» have the same key; «заказ» and «приказ» do not.
enum PhoneticKey {
    /// Shortest word given a key: shorter words sound alike too often («бали», «баллы»).
    static let minimumLength = 5

    /// The hash of the key of a Cyrillic word, or nil for a word too short or not all Cyrillic letters.
    static func hash(_ word: UnsafeBufferPointer<UInt32>) -> UInt64? {
        guard word.count >= minimumLength else { return nil }
        var hash = ScalarHash()
        var previous: UInt32 = 0
        var afterSibilant = false
        for c in word {
            guard (0x430...0x44F).contains(c) || c == 0x451 else { return nil }
            let folded: UInt32
            switch c {
            case 0x44C, 0x44A: continue  // ь ъ
            case 0x43E: folded = afterSibilant ? 0x435 : 0x430  // о → а, but е after ж ш ч щ ц
            case 0x451: folded = 0x435  // ё → е
            case 0x438, 0x44F, 0x44D, 0x44B, 0x439: folded = 0x435  // и я э ы й → е
            case 0x44E: folded = 0x443  // ю → у
            case 0x437: folded = 0x441  // з → с
            case 0x434: folded = 0x442  // д → т
            case 0x431: folded = 0x43F  // б → п
            case 0x433: folded = 0x43A  // г → к
            case 0x432: folded = 0x444  // в → ф
            case 0x436, 0x449: folded = 0x448  // ж щ → ш
            default: folded = c
            }
            afterSibilant = c == 0x436 || c == 0x448 || c == 0x447 || c == 0x449 || c == 0x446
            if folded == previous { continue }
            hash.add(folded)
            previous = folded
        }
        return hash.value
    }
}

/// Known Cyrillic words by their `PhoneticKey`, the most frequent word of each key.
struct PhoneticIndex: Sendable {
    var index: HashIndex

    init(lexicon: Lexicon) {
        let ids = (0..<lexicon.count)
            .filter { lexicon.scripts[$0] == .cyrillic }
            .sorted { (lexicon.frequencies[$0], $1) > (lexicon.frequencies[$1], $0) }
        index = HashIndex(capacity: ids.count)
        for id in ids {
            guard let key = lexicon.withWord(id, PhoneticKey.hash) else { continue }
            index.insert(key, Int32(id))
        }
    }

    /// The most frequent known word that sounds like `word` and starts with the same letter (a
    /// first letter is rarely misheard: «бога» is not «пока»).
    func find(_ word: UnsafeBufferPointer<UInt32>, in lexicon: Lexicon) -> Int? {
        guard let first = word.first, let key = PhoneticKey.hash(word), let id = index.find(key),
              lexicon.withWord(Int(id), { $0.first == first }) else { return nil }
        return Int(id)
    }
}
