// One type over 400 lines: the repairs share the lexicon, the character model and the candidate
// scoring, and each is read against the others (which reading wins a word); split by kind of word
// (Russian, Latin, output) with MARKs rather than across files.

import Synchronization

/// The word-level repairs behind `TextAnalyzer`: keyboard layout both ways, transliteration and
/// spelling, decided against a lexicon and character statistics trained on it.
final class RepairEngine: Sendable {
    let lexicon: Lexicon
    let spelling: SpellingIndex
    let phonetic: PhoneticIndex
    let russianModel: CharacterModel
    let latinModel: CharacterModel
    let hasLatinWords: Bool
    /// Latin spellings of the marketplace's names, by the hash of their letters, and the lexicon id
    /// of the Russian word each is read as ("ozon" → «озон», "travel" → «тревел»).
    let latinNames: [UInt64: Int]

    /// Words shorter than this are never spelling-corrected: among short words a single edit too
    /// often turns one correct word into another («вещь» → «весь»).
    static let shortestCorrected = 5
    /// Words of this length are corrected only by restoring one dropped letter («закз» → «заказ»),
    /// the commonest slip in a short word and the one least likely to hit another real word.
    static let droppedLetterFrom = 4
    /// From this length on, two edits are allowed; below it, one.
    static let twoEditsFrom = 7
    /// Below this mean log probability a Russian string is gibberish (keyboard noise).
    static let gibberish: Float = -4.0
    /// How many transliteration readings are tried per word.
    static let readingLimit = 256

    /// Spelling corrections already worked out (``correct(_:)``), by word: the search through the
    /// candidates is the costliest repair, and the same misspellings and readings come again and
    /// again. At most `correctionsKept` words; past that it starts over.
    private let corrections = Mutex<[WordKey: Correction]>([:])
    static let correctionsKept = 32_768

    /// A word's scalars, compared and hashed as they are.
    private struct WordKey: Hashable {
        let scalars: [UInt32]

        func hash(into hasher: inout Hasher) {
            scalars.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// ``correct(_:)``'s answer, or that there is none.
    private struct Correction {
        var id: Int32
        var distance: Int32
    }

    init(lexicon: Lexicon, latinNames: [String: String] = [:]) {
        self.lexicon = lexicon
        var names: [UInt64: Int] = [:]
        for (latin, russian) in latinNames {
            let word = Chars.scalars(russian)
            guard let id = word.withUnsafeBufferPointer(lexicon.find) else { continue }
            names[ScalarHash.of(Chars.scalars(latin))] = id
        }
        self.latinNames = names
        spelling = SpellingIndex(lexicon: lexicon)
        phonetic = PhoneticIndex(lexicon: lexicon)
        russianModel = CharacterModel(alphabet: .russian, words: lexicon.words(of: .cyrillic))
        let latinWords = lexicon.words(of: .latin)
        latinModel = CharacterModel(alphabet: .latin, words: latinWords)
        hasLatinWords = !latinWords.isEmpty
    }

    /// An engine from tables already built (a model snapshot's).
    init(lexicon: Lexicon, spelling: SpellingIndex, phonetic: PhoneticIndex, russianModel: CharacterModel,
         latinModel: CharacterModel, hasLatinWords: Bool, latinNames: [UInt64: Int]) {
        self.lexicon = lexicon
        self.spelling = spelling
        self.phonetic = phonetic
        self.russianModel = russianModel
        self.latinModel = latinModel
        self.hasLatinWords = hasLatinWords
        self.latinNames = latinNames
    }

    struct Result {
        var words: [String] = []
        var stems: [String] = []
        var repairs: [Repair] = []
        /// Hyphenated words written joined («робот-пылесос» → «роботпылесос»); `words` has their parts.
        var compounds: [String] = []
    }

    /// A Russian reading of a Latin word, and what it resolves to.
    struct Option {
        /// The span of prepared scalars read.
        var span: Range<Int>
        /// The reading itself (layout conversion or transliteration).
        var reading: [UInt32]
        /// 0 known word, 0.5 inflection of a known word, otherwise the spelling distance.
        var cost: Double
        /// The known word the reading was corrected to, if it was.
        var corrected: Int?
    }

    enum Mode { case none, layout, translit }

    struct LatinPlan {
        var token: RawToken
        var knownLatin: Int?
        var letters: Int
        var layout: Option?
        var layoutFallback: Option?
        var translit: Option?
        var translitFallback: Option?
        /// For a short word whose layout reading is known («ne» → «ту»): its known transliteration
        /// («не»), taken only when the rest of the message is transliterated.
        var shortTranslit: Option?
    }

    func repair(_ text: PreparedText, _ raw: [RawToken]) -> Result {
        var result = Result()
        result.words.reserveCapacity(raw.count)
        result.stems.reserveCapacity(raw.count)
        text.scalars.withUnsafeBufferPointer { s in
            var plans: [LatinPlan] = []
            for token in raw where token.kind == .word && Chars.isLatin(s[token.start]) && latinName(s, token) == nil {
                plans.append(plan(s, token))
            }
            let mode = plans.isEmpty ? .none : decideMode(plans)
            let latinContext = plans.contains { $0.knownLatin != nil }
            var next = 0
            var wordCount = 0
            for token in raw where token.kind == .word { wordCount += 1 }
            for token in raw where token.kind == .word {
                if Chars.isLatin(s[token.start]) {
                    if let id = latinName(s, token) {
                        result.repairs.append(Repair(from: Chars.string(s[token.start..<token.end]), to: lexicon.texts[id],
                                                     reason: .latinName))
                        append(id, &result)
                        continue
                    }
                    apply(plans[next], mode, alone: wordCount == 1, latinContext: latinContext, s, &result)
                    next += 1
                } else {
                    repairOther(s, token, &result)
                }
            }
        }
        return result
    }

    /// The Russian word a Latin word is read as when it is one of the marketplace's names.
    private func latinName(_ s: UnsafeBufferPointer<UInt32>, _ token: RawToken) -> Int? {
        guard !latinNames.isEmpty else { return nil }
        return latinNames[ScalarHash.of(UnsafeBufferPointer(rebasing: s[token.start..<token.end]))]
    }

    // MARK: - Russian and other words

    private func repairOther(_ s: UnsafeBufferPointer<UInt32>, _ token: RawToken, _ result: inout Result) {
        let word = UnsafeBufferPointer(rebasing: s[token.start..<token.end])
        // A hyphenated Russian word is read apart, each part repaired as a word of its own, and
        // joined («робот-пылесос»: «робот», «пылесос» and «роботпылесос»).
        if word.contains(Chars.hyphen), Lexicon.script(word) == .cyrillic {
            var joined: [UInt32] = []
            var start = token.start
            for k in token.start...token.end where k == token.end || s[k] == Chars.hyphen {
                if k > start {
                    let before = result.words.count
                    repairOther(s, RawToken(start, k, .word), &result)
                    for piece in result.words[before...] { joined += piece.unicodeScalars.map(\.value) }
                }
                start = k + 1
            }
            if !joined.isEmpty { result.compounds.append(Chars.string(joined[...])) }
            return
        }
        if let id = lexicon.find(word) {
            append(id, &result)
            return
        }
        guard Lexicon.script(word) == .cyrillic else {
            appendUnknown(word, &result)
            return
        }
        switch lexicon.knowledge(of: word) {
        case .known:
            // A correct word that is also a frequent word of the data with one letter written once
            // where it is doubled («балов» for «баллов») is read as the frequent word.
            if let id = doubledLetterWord(word) {
                result.repairs.append(Repair(from: Chars.string(word), to: lexicon.texts[id], reason: .spelling))
                append(id, &result)
                return
            }
            appendUnknown(word, &result)
            return
        case .rare:
            // A rare word, or a common one with a slip: repaired only when one edit makes a known word.
            if let (id, distance) = correct(word), distance == 1 {
                result.repairs.append(Repair(from: Chars.string(word), to: lexicon.texts[id], reason: .spelling))
                append(id, &result)
            } else {
                appendUnknown(word, &result)
            }
            return
        case .unknown:
            break
        }
        // «невернули», «немогу»: the negation written together with a known word is read as two
        // words, «не» and that word (a spelling repair would drop the «не»).
        if let rest = negatedRest(word) {
            result.repairs.append(Repair(from: Chars.string(word), to: "не " + Chars.string(rest), reason: .spelling))
            appendWord(Self.negation[...], &result)
            appendWord(rest, &result)
            return
        }
        if hasLatinWords, let id = reverseLayout(word) {
            result.repairs.append(Repair(from: Chars.string(word), to: lexicon.texts[id], reason: .reverseLayout))
            append(id, &result)
            return
        }
        if let id = correct(word)?.id ?? soundAlike(word) {
            result.repairs.append(Repair(from: Chars.string(word), to: lexicon.texts[id], reason: .spelling))
            append(id, &result)
            return
        }
        appendUnknown(word, &result)
    }

    /// How often a word must occur in the data for ``doubledLetterWord(_:)`` to read a correct
    /// word as it: only the data's own words, such as «баллов», are that frequent.
    static let doubledLetterFrequency: Int32 = 20

    /// The frequent word of the data that `word` is with one of its consonants doubled, if any.
    private func doubledLetterWord(_ word: UnsafeBufferPointer<UInt32>) -> Int? {
        guard word.count >= 4 else { return nil }
        var doubled = [UInt32](repeating: 0, count: word.count + 1)
        for k in 1..<word.count {
            let letter = word[k]
            guard Chars.isCyrillic(letter), !Letter.isVowel(Letter.code(letter)), letter != 0x44C, letter != 0x44A,
                  word[k - 1] != letter, k + 1 == word.count || word[k + 1] != letter else { continue }
            for j in 0...k { doubled[j] = word[j] }
            for j in k..<word.count { doubled[j + 1] = word[j] }
            if let id = doubled.withUnsafeBufferPointer(lexicon.find), lexicon.frequencies[id] >= Self.doubledLetterFrequency {
                return id
            }
        }
        return nil
    }

    /// «не».
    private static let negation: [UInt32] = [0x43D, 0x435]

    /// The rest of an unknown word that is «не» and a known word of three letters or more.
    private func negatedRest(_ word: UnsafeBufferPointer<UInt32>) -> UnsafeBufferPointer<UInt32>? {
        guard word.count >= 5, word[0] == Self.negation[0], word[1] == Self.negation[1] else { return nil }
        let rest = UnsafeBufferPointer(rebasing: word[2...])
        return lexicon.isKnownForm(rest) ? rest : nil
    }

    /// A word as it is: the lexicon's when known.
    private func appendWord(_ word: some Collection<UInt32>, _ result: inout Result) {
        let scalars = Array(word)
        scalars.withUnsafeBufferPointer { buffer in
            if let id = lexicon.find(buffer) { append(id, &result) } else { appendUnknown(buffer, &result) }
        }
    }

    /// Most spelling edits allowed between a word and the known word it sounds like.
    static let soundAlikeEdits = 3

    /// The known word an unknown Russian word sounds like when spelling correction found none
    /// («зокас» → «заказ», «таавар» → «товар»): same `PhoneticKey`, at most `soundAlikeEdits` edits.
    func soundAlike(_ word: UnsafeBufferPointer<UInt32>) -> Int? {
        guard word.count <= SpellingIndex.maxLength, let id = phonetic.find(word, in: lexicon) else { return nil }
        let distance = lexicon.withWord(id) { SpellingIndex.distance(word, $0, limit: RepairEngine.soundAlikeEdits) }
        return distance <= RepairEngine.soundAlikeEdits ? id : nil
    }

    /// A known Latin word this Russian-letter gibberish was typed for in the Russian layout.
    private func reverseLayout(_ word: UnsafeBufferPointer<UInt32>) -> Int? {
        let id: Int? = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: word.count) { keys in
            for (index, c) in word.enumerated() {
                guard let key = KeyboardLayout.key(for: c) else { return nil }
                keys[index] = key
            }
            return lexicon.find(UnsafeBufferPointer(keys))
        }
        guard let id, lexicon.scripts[id] == .latin else { return nil }
        return russianModel.score(word) < RepairEngine.gibberish ? id : nil
    }

    /// The best known word within the allowed edit distance: nearest, then most frequent.
    func correct(_ word: UnsafeBufferPointer<UInt32>) -> (id: Int, distance: Int)? {
        let n = word.count
        guard n >= RepairEngine.droppedLetterFrom, n <= SpellingIndex.maxLength else { return nil }
        let script = Lexicon.script(word)
        guard script != .other else { return nil }
        for c in word where Chars.isDigit(c) { return nil }
        let key = WordKey(scalars: Array(word))
        if let known = corrections.withLock({ $0[key] }) {
            return known.id < 0 ? nil : (Int(known.id), Int(known.distance))
        }
        let found = search(word, script: script)
        let answer = found.map { Correction(id: Int32($0.id), distance: Int32($0.distance)) } ?? Correction(id: -1, distance: 0)
        corrections.withLock { kept in
            if kept.count >= Self.correctionsKept { kept.removeAll(keepingCapacity: true) }
            kept[key] = answer
        }
        return found
    }

    /// The search behind ``correct(_:)``.
    private func search(_ word: UnsafeBufferPointer<UInt32>, script: Lexicon.Script) -> (id: Int, distance: Int)? {
        let n = word.count
        let onlyDroppedLetter = n < RepairEngine.shortestCorrected
        let limit = n >= RepairEngine.twoEditsFrom ? 2 : 1
        var best: (id: Int, distance: Int, restoresSign: Bool)? = nil
        for candidate in spelling.candidates(for: word, distance: limit) {
            let id = Int(candidate)
            guard lexicon.scripts[id] == script else { continue }
            if onlyDroppedLetter, lexicon.withWord(id, { $0.count }) != n + 1 { continue }
            // A dropped «ь» or «ъ» is the likeliest slip of all («курер», «подезд» from «podezd»):
            // the word with the sign put back wins over other words as near.
            let (distance, restoresSign) = lexicon.withWord(id) { known in
                let distance = SpellingIndex.distance(word, known, limit: limit)
                return (distance, distance == 1 && Self.isSignDropped(from: known, giving: word))
            }
            guard distance >= 1, distance <= limit else { continue }
            if let current = best {
                let better = if distance != current.distance {
                    distance < current.distance
                } else if restoresSign != current.restoresSign {
                    restoresSign
                } else if lexicon.frequencies[id] != lexicon.frequencies[current.id] {
                    lexicon.frequencies[id] > lexicon.frequencies[current.id]
                } else {
                    id < current.id
                }
                if !better { continue }
            }
            best = (id, distance, restoresSign)
        }
        return best.map { ($0.id, $0.distance) }
    }

    /// Whether `word` is `known` with one «ь» or «ъ» left out.
    static func isSignDropped(from known: UnsafeBufferPointer<UInt32>, giving word: UnsafeBufferPointer<UInt32>) -> Bool {
        guard known.count == word.count + 1 else { return false }
        var k = 0
        while k < word.count, known[k] == word[k] { k += 1 }
        guard known[k] == 0x44C || known[k] == 0x44A else { return false }
        return known[(k + 1)...].elementsEqual(word[k...])
    }

    // MARK: - Latin words

    /// What a Russian string read from a Latin word amounts to.
    private func assess(_ reading: [UInt32], span: Range<Int>, spelling: Bool = true) -> Option? {
        reading.withUnsafeBufferPointer { word in
            if lexicon.find(word) != nil { return Option(span: span, reading: reading, cost: 0) }
            if lexicon.isKnownForm(word) { return Option(span: span, reading: reading, cost: 0.5) }
            if spelling, let (id, distance) = correct(word) {
                return Option(span: span, reading: reading, cost: Double(distance), corrected: id)
            }
            return nil
        }
    }

    private func plan(_ s: UnsafeBufferPointer<UInt32>, _ token: RawToken) -> LatinPlan {
        let core = UnsafeBufferPointer(rebasing: s[token.start..<token.end])
        var letters = 0
        for c in core where Chars.isLatin(c) { letters += 1 }
        var plan = LatinPlan(token: token, letters: letters)
        if let id = lexicon.find(core), lexicon.scripts[id] == .latin {
            plan.knownLatin = id
            return plan
        }

        // Layout: the word with and without the keys glued around it.
        var reading: [UInt32] = []
        var spans: [Range<Int>] = [token.start..<token.end]
        if token.extEnd > token.end { spans.append(token.start..<token.extEnd) }
        if token.extStart < token.start {
            spans.append(token.extStart..<token.end)
            if token.extEnd > token.end { spans.append(token.extStart..<token.extEnd) }
        }
        var readings: [(Range<Int>, [UInt32])] = []
        for span in spans {
            guard KeyboardLayout.russian(from: UnsafeBufferPointer(rebasing: s[span]), into: &reading) else { continue }
            readings.append((span, reading))
            guard let option = assess(reading, span: span, spelling: false) else { continue }
            if let best = plan.layout, best.cost < option.cost || (best.cost == option.cost && best.span.count >= span.count) {
                continue
            }
            plan.layout = option
        }
        // A known reading in the Latin layout leaves nothing for transliteration or spelling to add,
        // except that a short word reads as a known word both ways more often than not.
        if let layout = plan.layout, layout.cost == 0 {
            if letters <= RepairEngine.shortWordLetters {
                plan.shortTranslit = knownTransliteration(s, token)
            }
            return plan
        }
        // Without a known reading: the word with the keys that are letters rather than punctuation.
        var fallbackEnd = token.end
        while fallbackEnd < token.extEnd, RepairEngine.isLetterKey(s[fallbackEnd]) { fallbackEnd += 1 }
        let fallbackSpan = token.extStart..<fallbackEnd
        if KeyboardLayout.russian(from: UnsafeBufferPointer(rebasing: s[fallbackSpan]), into: &reading) {
            plan.layoutFallback = Option(span: fallbackSpan, reading: reading, cost: 3)
        }

        // Transliteration, of the word with emphasis squeezed.
        let squeezed = RepairEngine.squeezed(core)
        squeezed.withUnsafeBufferPointer { letters in
            (plan.translit, plan.translitFallback) = transliterate(letters, span: token.start..<token.end)
        }
        // Neither reading is known as it stands: try spelling correction of the layout readings.
        if (plan.translit?.cost ?? .infinity) > 0 && plan.layout == nil {
            for (span, reading) in readings {
                guard let option = assess(reading, span: span) else { continue }
                if let best = plan.layout, best.cost < option.cost || (best.cost == option.cost && best.span.count >= span.count) {
                    continue
                }
                plan.layout = option
            }
        }
        return plan
    }

    /// The best transliteration reading of a Latin word (known, or corrected to a known word) and,
    /// when there is none, the most plausible reading as a fallback.
    private func transliterate(_ word: UnsafeBufferPointer<UInt32>, span: Range<Int>) -> (Option?, Option?) {
        guard Transliteration.applies(to: word) else { return (nil, nil) }
        var exact: (reading: [UInt32], frequency: Int32)? = nil
        var softened: (reading: [UInt32], frequency: Int32)? = nil
        var top: [(reading: [UInt32], score: Float)] = []
        var withSign: [UInt32] = []
        Transliteration.forEachReading(of: word, limit: RepairEngine.readingLimit) { candidate in
            if let id = lexicon.find(candidate) {
                if lexicon.frequencies[id] > exact?.frequency ?? 0 {
                    exact = (Array(candidate), lexicon.frequencies[id])
                }
                return true
            }
            guard exact == nil else { return true }
            // Transliteration often drops a final soft sign: "vernut" for «вернуть».
            if let last = candidate.last, Chars.isCyrillic(last), !Letter.isVowel(Letter.code(last)),
               last != 0x439, last != 0x44C, last != 0x44A {
                withSign.removeAll(keepingCapacity: true)
                withSign.append(contentsOf: candidate)
                withSign.append(0x44C)
                if let id = withSign.withUnsafeBufferPointer(lexicon.find),
                   lexicon.frequencies[id] > softened?.frequency ?? 0 {
                    softened = (withSign, lexicon.frequencies[id])
                }
            }
            let score = russianModel.score(candidate)
            if top.count < 3 || score > top[top.count - 1].score {
                if top.count == 3 { top.removeLast() }
                let at = top.firstIndex { $0.score < score } ?? top.count
                top.insert((Array(candidate), score), at: at)
            }
            return true
        }
        if let known = exact ?? softened {
            return (Option(span: span, reading: known.reading, cost: 0), nil)
        }
        var best: Option? = nil
        for (candidate, _) in top {
            guard let option = assess(candidate, span: span) else { continue }
            if let current = best, current.cost <= option.cost { continue }
            best = option
        }
        let fallback = top.first.map { Option(span: span, reading: $0.reading, cost: 3) }
        return (best, fallback)
    }

    /// The Latin words a token glues together with commas or hyphens between letters
    /// («vhoda,zhdu»), each at least two letters long; empty when there is no such glue.
    static func gluedParts(_ s: UnsafeBufferPointer<UInt32>, _ token: RawToken) -> [RawToken] {
        var parts: [RawToken] = []
        var start = token.start
        var k = token.start
        while k < token.end {
            if s[k] == Chars.comma || s[k] == Chars.hyphen {
                guard k > start, k + 1 < token.end, Chars.isLatin(s[k - 1]), Chars.isLatin(s[k + 1]) else { return [] }
                parts.append(RawToken(start, k, .word))
                start = k + 1
            } else if !Chars.isLatin(s[k]) {
                return []
            }
            k += 1
        }
        guard !parts.isEmpty else { return [] }
        parts.append(RawToken(start, token.end, .word))
        return parts.allSatisfy { $0.end - $0.start >= 2 } ? parts : []
    }

    /// The transliteration of a Latin word when it is a known Russian word as it stands.
    private func knownTransliteration(_ s: UnsafeBufferPointer<UInt32>, _ token: RawToken) -> Option? {
        let squeezed = RepairEngine.squeezed(UnsafeBufferPointer(rebasing: s[token.start..<token.end]))
        let (translit, _) = squeezed.withUnsafeBufferPointer { transliterate($0, span: token.start..<token.end) }
        guard let translit, translit.cost == 0 else { return nil }
        return translit
    }

    /// Words of at most this many letters may read as known words both by layout and by
    /// transliteration; the message's majority decides.
    static let shortWordLetters = 3

    /// The word with runs of three or more identical characters squeezed to one.
    private static func squeezed(_ word: UnsafeBufferPointer<UInt32>) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(word.count)
        var run = 0
        for c in word {
            if let last = out.last, last == c {
                run += 1
                if run == 3 { out.removeLast() }
                if run >= 3 { continue }
            } else {
                run = 1
            }
            out.append(c)
        }
        return out
    }

    /// Layout keys that stand for letters even at the end of a word (`[ ] ; { } < > ~ ``).
    private static func isLetterKey(_ c: UInt32) -> Bool {
        switch c {
        case 0x5B, 0x5D, 0x3B, 0x7B, 0x7D, 0x3C, 0x3E, 0x7E, 0x60: return true
        default: return false
        }
    }

    /// The reading most Latin words of the message agree on.
    private func decideMode(_ plans: [LatinPlan]) -> Mode {
        var layoutVotes = 0
        var translitVotes = 0
        var latinVotes = 0
        for plan in plans where plan.letters >= 3 {
            if plan.knownLatin != nil {
                latinVotes += 1
                continue
            }
            let layout = plan.layout?.cost ?? .infinity
            let translit = plan.translit?.cost ?? .infinity
            if layout <= 1 && layout < translit { layoutVotes += 1 } else if translit <= 1 && translit < layout { translitVotes += 1 }
        }
        if layoutVotes > translitVotes && layoutVotes > latinVotes { return .layout }
        if translitVotes > layoutVotes && translitVotes > latinVotes { return .translit }
        return .none
    }

    private func apply(_ plan: LatinPlan, _ mode: Mode, alone: Bool, latinContext: Bool,
                       _ s: UnsafeBufferPointer<UInt32>, _ result: inout Result) {
        let token = plan.token
        if let id = plan.knownLatin {
            // In a transliterated message, a Latin word the data knows that is also a Russian word
            // transliterated («est onlayn chat u vas»: «чат»; «bank», «ozon») reads as the Russian one.
            if mode == .translit, plan.letters >= 3, let option = knownTransliteration(s, token) {
                result.repairs.append(Repair(from: Chars.string(s[option.span]), to: Chars.string(option.reading), reason: .translit))
                option.reading.withUnsafeBufferPointer { appendUnknown($0, &result) }
                return
            }
            append(id, &result)
            return
        }
        let layout = plan.layout?.cost ?? .infinity
        let translit = plan.translit?.cost ?? .infinity
        // In a transliterated message, Latin words glued by a comma or a hyphen that make no word
        // together («vhoda,zhdu», «trek-nomer») are read apart, each as a word of its own.
        if mode == .translit, layout > 0, translit > 0 {
            let parts = RepairEngine.gluedParts(s, plan.token)
            if parts.count >= 2 {
                for part in parts {
                    apply(self.plan(s, part), mode, alone: false, latinContext: latinContext, s, &result)
                }
                return
            }
        }
        var chosen: Option? = nil
        var reason = Repair.Reason.layout
        switch mode {
        case .layout:
            if translit + 1 <= layout, let option = plan.translit {
                chosen = option
                reason = .translit
            } else if let option = plan.layout ?? plausible(plan.layoutFallback, latin: s, token) {
                chosen = option
            }
        case .translit:
            if let option = plan.shortTranslit {
                chosen = option
                reason = .translit
            } else if layout + 1 <= translit, let option = plan.layout {
                chosen = option
            } else if let option = plan.translit ?? plan.translitFallback {
                chosen = option
                reason = .translit
            }
        case .none:
            let best = min(layout, translit)
            // A one- or two-letter word reads many ways; without a reading the message agrees on,
            // it is converted only when it is the whole message.
            // Beside known Latin words ("iphone 15 pro"), only a longer word with a known reading is.
            let shortWord = plan.letters <= 2 || (latinContext && (plan.letters <= 3 || best > 0))
            if best <= 1 && (!shortWord || (alone && best == 0 && max(layout, translit) == .infinity)) {
                if layout <= translit {
                    chosen = plan.layout
                } else {
                    chosen = plan.translit
                    reason = .translit
                }
            } else if plan.letters >= 4, let fallback = plan.layoutFallback,
                      fallback.reading.withUnsafeBufferPointer(russianModel.score) > -3.0,
                      latinModel.score(s[token.start..<token.end]) < RepairEngine.gibberish {
                chosen = fallback
            }
        }
        guard let option = chosen else {
            appendLatin(s, token, &result)
            return
        }
        let reading = Chars.string(option.reading)
        result.repairs.append(Repair(from: Chars.string(s[option.span]), to: reading, reason: reason))
        if let id = option.corrected {
            result.repairs.append(Repair(from: reading, to: lexicon.texts[id], reason: .spelling))
            append(id, &result)
        } else {
            option.reading.withUnsafeBufferPointer { appendUnknown($0, &result) }
        }
    }

    /// The layout fallback, unless its Russian reading is gibberish.
    private func plausible(_ option: Option?, latin s: UnsafeBufferPointer<UInt32>, _ token: RawToken) -> Option? {
        guard let option else { return nil }
        return option.reading.withUnsafeBufferPointer(russianModel.score) > RepairEngine.gibberish ? option : nil
    }

    // MARK: - Output

    private func append(_ id: Int, _ result: inout Result) {
        result.words.append(lexicon.texts[id])
        result.stems.append(lexicon.stems[id])
    }

    private func appendUnknown(_ word: UnsafeBufferPointer<UInt32>, _ result: inout Result) {
        let text = Chars.string(word)
        result.words.append(text)
        if Lexicon.script(word) == .cyrillic {
            let length = RussianStemmer.stemLength(of: word)
            result.stems.append(length == word.count ? text : Chars.string(word[0..<length]))
        } else {
            result.stems.append(text)
        }
    }

    /// An unrepaired Latin word: its letters, without layout keys that did not become letters.
    private func appendLatin(_ s: UnsafeBufferPointer<UInt32>, _ token: RawToken, _ result: inout Result) {
        var start = token.start
        var k = token.start
        while k <= token.end {
            if k == token.end || !(Chars.isLatin(s[k]) || s[k] == Chars.hyphen || s[k] == Chars.apostrophe) {
                if k > start {
                    let piece = UnsafeBufferPointer(rebasing: s[start..<k])
                    if let id = lexicon.find(piece) { append(id, &result) } else { appendUnknown(piece, &result) }
                }
                start = k + 1
            }
            k += 1
        }
    }
}
