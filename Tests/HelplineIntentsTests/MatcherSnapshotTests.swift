import Testing
import HelplineText
@testable import HelplineIntents

struct MatcherSnapshotTests {
    static let key = MatcherSnapshot.Key(data: .init(first: 1, second: 2), build: "test build")

    /// The messages compared: every example, keyword and off-topic example of the catalog, and
    /// each of them perturbed the ways customers write — typed in the Latin layout, transliterated,
    /// a letter dropped, two letters swapped, capitals, glued words, an order number and a sum
    /// added, two questions joined with «и».
    static func texts(_ catalog: IntentCatalog) -> [String] {
        var plain = catalog.intents.flatMap { $0.examples + $0.keywords } + catalog.offTopicExamples + catalog.offTopicKeywords
        plain += ["", " ", "?!", "12345678-0001", "ozon", "щящт", "ult vjq pfrfp", "gde moi zakaz", "какзаказатьвприложении"]
        var out = plain
        let latin = Dictionary(uniqueKeysWithValues: zip("йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,."))
        let translit: [Character: String] = ["а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
                                             "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
                                             "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch",
                                             "ш": "sh", "щ": "sch", "ы": "y", "ь": "", "ъ": "", "э": "e", "ю": "yu", "я": "ya"]
        for (n, text) in plain.enumerated() {
            let lower = text.lowercased()
            out.append(String(lower.map { latin[$0] ?? $0 }))
            out.append(lower.map { translit[$0] ?? String($0) }.joined())
            var letters = Array(text)
            if letters.count > 4 {
                letters.remove(at: letters.count / 2)
                out.append(String(letters))
                letters.swapAt(1, 2)
                out.append(String(letters))
            }
            out.append(text.uppercased())
            out.append(text.replacingOccurrences(of: " ", with: ""))
            out.append("\(text), заказ \(10_000_000 + n)-000\(n % 10), списали \(n * 7) ₽")
            out.append("\(text) и \(plain[(n * 7919) % plain.count])")
        }
        return out
    }

    /// Expects `snapshot` to answer every text exactly as `built` does: the whole classification
    /// (intent, confidence, alternatives, ambiguity, entities, analysis) and every class's raw
    /// probability, bit for bit.
    static func expectSameAnswers(_ built: IntentMatcher, _ snapshot: IntentMatcher, texts: [String]) {
        var differences = 0
        for text in texts {
            let a = built.classify(text)
            let b = snapshot.classify(text)
            let pa = built.classProbabilities(a.analysis).map(\.bitPattern)
            let pb = snapshot.classProbabilities(b.analysis).map(\.bitPattern)
            if a != b || pa != pb {
                differences += 1
                if differences <= 5 { Issue.record("«\(text)»: built \(a.intent.wireValue) \(a.confidence), snapshot \(b.intent.wireValue) \(b.confidence)") }
            }
        }
        #expect(differences == 0, "\(differences) of \(texts.count) texts classified differently")
    }

    /// A matcher read back from its snapshot classifies the built-in data's examples, and each of
    /// them perturbed, exactly like the matcher built from the data.
    @Test func snapshotClassifiesLikeTheBuiltMatcher() throws {
        let built = try #require(Fixtures.matcher)
        let bytes = MatcherSnapshot.encode(built, key: Self.key)
        let snapshot = try MatcherSnapshot.decode(bytes, key: Self.key, catalog: built.catalog)
        let texts = Self.texts(built.catalog)
        #expect(texts.count > 50_000)
        Self.expectSameAnswers(built, snapshot, texts: texts)
        // Written again, the snapshot's matcher gives the same bytes: nothing was lost on the way.
        #expect(MatcherSnapshot.encode(snapshot, key: Self.key) == bytes)
    }

    /// The held-out test sets are answered the same way too.
    @Test func snapshotAnswersTheTestSetsAlike() throws {
        let built = try #require(Fixtures.matcher)
        let snapshot = try MatcherSnapshot.decode(MatcherSnapshot.encode(built, key: Self.key), key: Self.key, catalog: built.catalog)
        Self.expectSameAnswers(built, snapshot, texts: try (Fixtures.testSet() + Fixtures.realSet()).map(\.text))
    }

    /// The optional parts — the lemma map, the glued-word splitter switched off, no off-topic
    /// class, Latin names — survive the snapshot as well.
    @Test(arguments: [(true, true, true), (false, false, false), (true, false, true), (false, true, false)])
    func optionalPartsSurvive(lemmas: Bool, splitWords: Bool, offTopic: Bool) throws {
        var settings = MatcherSettings()
        settings.model.lemmas = lemmas
        settings.model.splitWords = splitWords
        var catalog = Fixtures.tinyCatalog(settings: settings)
        if lemmas { catalog.lemmas = LemmaTable(forms: ["вернула": "вернуть", "привезли": "привезти", "людей": "человек"]) }
        if !offTopic { catalog.offTopicExamples = [] }
        catalog.vocabulary = MarketVocabulary(latinNames: ["ozon": "озон"],
                                              terms: [.init(kind: "service", intent: "delivery", names: ["ozon доставка"])])
        let built = IntentMatcher(catalog: catalog)
        let bytes = MatcherSnapshot.encode(built, key: Self.key)
        let snapshot = try MatcherSnapshot.decode(bytes, key: Self.key, catalog: catalog)
        Self.expectSameAnswers(built, snapshot, texts: Self.texts(catalog) + ["ozon доставка", "вернула людей", "какзаказатьдоставку"])
        #expect(MatcherSnapshot.encode(snapshot, key: Self.key) == bytes)
    }

    /// A snapshot is refused under any other key: other data, another format version, another build.
    @Test func anotherKeyIsRefused() throws {
        let catalog = Fixtures.tinyCatalog()
        let bytes = MatcherSnapshot.encode(IntentMatcher(catalog: catalog), key: Self.key)
        #expect(MatcherSnapshot.matches(bytes, key: Self.key))
        var keys: [MatcherSnapshot.Key] = []
        var key = Self.key
        key.data.second += 1
        keys.append(key)
        key = Self.key
        key.format += 1
        keys.append(key)
        key = Self.key
        key.build += "!"
        keys.append(key)
        for other in keys {
            #expect(!MatcherSnapshot.matches(bytes, key: other))
            #expect(throws: MatcherSnapshot.Unusable.self) { try MatcherSnapshot.decode(bytes, key: other, catalog: catalog) }
        }
    }

    /// The data fingerprint changes with any file's bytes or path, and not with the order the
    /// files were gathered in.
    @Test func fingerprintCoversEveryFile() {
        let files = ["a.yaml": "id: a\n", "config/matcher.yaml": "reject_below: 0.5\n"]
        let base = MatcherSnapshot.DataFingerprint(DataBundle(files: files))
        var changed = files
        changed["config/matcher.yaml"] = "reject_below: 0.6\n"
        var renamed = files
        renamed["b.yaml"] = renamed.removeValue(forKey: "a.yaml")
        var added = files
        added["config/lemmas.json"] = "{}"
        for other in [changed, renamed, added] {
            #expect(MatcherSnapshot.DataFingerprint(DataBundle(files: other)) != base)
        }
        #expect(MatcherSnapshot.DataFingerprint(DataBundle(files: Dictionary(uniqueKeysWithValues: files.reversed()))) == base)
    }

    /// A snapshot of another catalog (its classes differ) is refused even under the same key.
    @Test func anotherCatalogIsRefused() throws {
        let catalog = Fixtures.tinyCatalog()
        let bytes = MatcherSnapshot.encode(IntentMatcher(catalog: catalog), key: Self.key)
        var other = catalog
        other.intents.removeLast()
        #expect(throws: MatcherSnapshot.Unusable.self) { try MatcherSnapshot.decode(bytes, key: Self.key, catalog: other) }
    }

    /// Every truncation, and a changed byte anywhere, is refused without a crash.
    @Test func truncatedOrCorruptSnapshotsAreRefused() throws {
        let catalog = Fixtures.tinyCatalog()
        let bytes = MatcherSnapshot.encode(IntentMatcher(catalog: catalog), key: Self.key)
        var rng = SplitMix64(state: 42)
        var lengths = Array(0..<min(bytes.count, 200)) + [bytes.count / 2, bytes.count - 8, bytes.count - 1]
        for _ in 0..<300 { lengths.append(Int(rng.next() % UInt64(bytes.count))) }
        for length in lengths {
            #expect(throws: MatcherSnapshot.Unusable.self) {
                try MatcherSnapshot.decode(Array(bytes.prefix(length)), key: Self.key, catalog: catalog)
            }
        }
        for _ in 0..<500 {
            var corrupt = bytes
            let at = Int(rng.next() % UInt64(bytes.count))
            corrupt[at] ^= UInt8(1 + rng.next() % 255)
            #expect(throws: MatcherSnapshot.Unusable.self) { try MatcherSnapshot.decode(corrupt, key: Self.key, catalog: catalog) }
        }
        #expect(throws: MatcherSnapshot.Unusable.self) { try MatcherSnapshot.decode(bytes + [0], key: Self.key, catalog: catalog) }
    }

    /// Garbage is refused without a crash: random bytes, and random payloads behind a header
    /// that matches the key, the payload's length and its checksum (so every table reader meets
    /// nonsense lengths and values).
    @Test func garbageIsRefused() throws {
        let catalog = Fixtures.tinyCatalog()
        let valid = MatcherSnapshot.encode(IntentMatcher(catalog: catalog), key: Self.key)
        let headerLength = valid.count - Self.payloadLength(valid)
        var rng = SplitMix64(state: 7)
        for round in 0..<400 {
            let count = Int(rng.next() % 4096)
            var garbage = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(throws: MatcherSnapshot.Unusable.self) { try MatcherSnapshot.decode(garbage, key: Self.key, catalog: catalog) }
            // The real payload's start (the classes) kept for half the rounds, so readers further on
            // meet the garbage too.
            if round % 2 == 0 { garbage = Array(valid[headerLength..<min(valid.count, headerLength + 64 + count)]) + garbage }
            let framed = Self.frame(garbage, like: valid, headerLength: headerLength)
            #expect(throws: MatcherSnapshot.Unusable.self) { try MatcherSnapshot.decode(framed, key: Self.key, catalog: catalog) }
        }
    }

    /// The payload length a snapshot's header gives (the 8 bytes before the checksum).
    static func payloadLength(_ bytes: [UInt8]) -> Int {
        // magic 8, format 4, fingerprint 16, build (8-byte length + UTF-8), length 8, checksum 8.
        let buildLength = Int(bytes[28..<36].reversed().reduce(0) { $0 << 8 | UInt64($1) })
        let at = 36 + buildLength
        return Int(bytes[at..<(at + 8)].reversed().reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// `payload` behind `valid`'s header, with the length and checksum fixed to match it.
    static func frame(_ payload: [UInt8], like valid: [UInt8], headerLength: Int) -> [UInt8] {
        var header = ByteWriter()
        for byte in valid[0..<(headerLength - 16)] { header.write(byte) }
        header.write(payload.count)
        header.write(Checksum.of(payload))
        return header.bytes + payload
    }
}
