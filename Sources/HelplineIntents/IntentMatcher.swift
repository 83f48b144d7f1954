import HelplineText

/// Classifies free-text Russian messages into the catalog's intents. Built once at start-up.
///
/// The model is learnt from the intents' examples when the matcher is made: each message is
/// analyzed by the text layer (normalization, layout/translit/spelling repairs towards the
/// intents' own vocabulary, stems, entities), turned into hashed features (character 3–5-grams of
/// the repaired words, stems, stem pairs, entity kinds, keyword hits) weighted by sublinear TF-IDF
/// and L2-normalized, and scored by a multinomial logistic regression whose extra class is learnt
/// from `config/offtopic.yaml`. A message fits no intent (`intent` is nil) when that class wins, when the best intent's
/// probability is below `reject_below`, or when too little of its wording is known from the
/// examples (`min_evidence`).
///
/// ```swift
/// let matcher = IntentMatcher(catalog: try IntentCatalog(bundle: .embedded))
/// matcher.classify("где мой заказ 12345678-0001").intent  // "order_tracking"
/// ```
public struct IntentMatcher: Sendable {
    public private(set) var catalog: IntentCatalog
    public let analyzer: TextAnalyzer
    /// The model's classes: the intents' ids in catalog order, then nil (no intent) when there are
    /// off-topic examples.
    let classIds: [IntentID?]
    /// The class learnt from the off-topic examples, if any.
    let noneClass: Int?
    let extractor: FeatureExtractor
    let model: LinearModel
    /// The stems of the vocabulary's vague words (see ``MarketVocabulary/Vague``).
    let vagueStems: Set<ByteKey>
    /// The feature raised by an off-topic keyword.
    private let noneKeyword = FeatureExtractor.keywordFeature(intent: IntentID.noneValue)

    /// How many alternatives a classification lists at most.
    public static let maxAlternatives = 3
    /// Alternatives less likely than this are left out.
    static let minAlternativeConfidence = 0.01

    public init(catalog: IntentCatalog) {
        self.catalog = catalog
        let analyzer = TextAnalyzer(vocabulary: Self.vocabulary(for: catalog), includeCommonWords: true,
                                    latinNames: catalog.vocabulary.latinNames, knownStems: catalog.knownStems.common,
                                    rareStems: catalog.knownStems.rare)
        self.analyzer = analyzer
        vagueStems = Self.vagueStems(catalog.vocabulary.vague, analyzer)
        let settings = catalog.settings.model

        let lemmaStems = settings.lemmas ? FeatureExtractor.lemmaStems(catalog.lemmas) : [:]
        var keywords: [KeywordPattern] = []
        func addKeywords(_ phrases: [String], of id: String) {
            let feature = FeatureExtractor.keywordFeature(intent: id)
            for keyword in phrases {
                let analysis = analyzer.analyze(keyword)
                let stems = FeatureExtractor.stemHashes(words: analysis.words, stems: analysis.stems, lemmaStems: lemmaStems)
                if !stems.isEmpty { keywords.append(KeywordPattern(stems: stems, feature: feature)) }
            }
        }
        for intent in catalog.intents { addKeywords(intent.keywords, of: intent.id.rawValue) }
        // The marketplace's terms (statuses, services, screens) raise a feature of their own per intent.
        for (id, names) in catalog.vocabulary.namesByIntent.sorted(by: { $0.key < $1.key }) {
            addKeywords(names, of: "term:" + id.rawValue)
        }
        if !catalog.offTopicExamples.isEmpty { addKeywords(catalog.offTopicKeywords, of: IntentID.noneValue) }
        let extractor = FeatureExtractor(charMin: settings.charMin, charMax: settings.charMax, keywords: keywords,
                                         splitter: settings.splitWords ? WordSplitter(vocabulary: analyzer.vocabulary) : nil,
                                         lemmaStems: lemmaStems, reading: Self.reading(catalog.vocabulary.goods, analyzer))
        self.extractor = extractor

        let (classIds, noneClass) = Self.classes(of: catalog)
        self.classIds = classIds
        self.noneClass = noneClass

        // Each example's features without the length feature, and its length in words, kept by
        // the stable hash of the text (hashing a Cyrillic `String` checks its normalization).
        var parts: [UInt64: (hashes: [UInt64], words: Int)] = [:]
        parts.reserveCapacity(catalog.intents.reduce(catalog.offTopicExamples.count) { $0 + $1.examples.count })
        func features(_ text: String) -> (hashes: [UInt64], words: Int) {
            let key = StableHash.of(text, seed: 11)
            if let known = parts[key] { return known }
            let analysis = analyzer.analyze(text)
            var hashes: [UInt64] = []
            extractor.extract(analysis, into: &hashes, length: false)
            parts[key] = (hashes, analysis.words.count)
            return (hashes, analysis.words.count)
        }
        var documents: [ModelTrainer.Document] = []
        func add(_ pieces: [String], label: Int, inDomain: Bool) {
            var hashes: [UInt64] = []
            var words = 0
            for piece in pieces {
                let part = features(piece)
                hashes += part.hashes
                words += part.words
            }
            guard !hashes.isEmpty else { return }
            hashes.append(FeatureExtractor.lengthFeature(words: words))
            documents.append(ModelTrainer.Document(hashes: hashes, label: label, inDomain: inDomain))
        }
        for (label, intent) in catalog.intents.enumerated() {
            for example in intent.examples { add([example], label: label, inDomain: true) }
        }
        if let noneClass {
            for example in catalog.offTopicExamples { add([example], label: noneClass, inDomain: false) }
        }
        // Customers wrap questions in greetings and thanks. Some examples of the other intents are
        // also learnt with a greeting before them or thanks after them (their features joined), so
        // the wrapping does not pull a question towards `greeting` or `thanks`.
        let prefixes = catalog.intents.filter { settings.augmentPrefixes.contains($0.id) }.flatMap(\.examples)
        let suffixes = catalog.intents.filter { settings.augmentSuffixes.contains($0.id) }.flatMap(\.examples)
        let wrappers = Set(settings.augmentPrefixes + settings.augmentSuffixes)
        if settings.augmentRate > 0, !prefixes.isEmpty || !suffixes.isEmpty {
            let threshold = UInt64(min(1, settings.augmentRate) * Double(UInt64.max >> 11))
            for (label, intent) in catalog.intents.enumerated() where !wrappers.contains(intent.id) {
                for example in intent.examples {
                    // Seeded by the example itself: the same example is always wrapped the same way,
                    // whatever else the data holds.
                    var rng = SplitMix64(state: settings.seed ^ StableHash.of(example, seed: 7))
                    if !prefixes.isEmpty, rng.next() >> 11 < threshold {
                        add([prefixes[Int(rng.next() % UInt64(prefixes.count))], example], label: label, inDomain: true)
                    }
                    if !suffixes.isEmpty, rng.next() >> 11 < threshold {
                        add([example, suffixes[Int(rng.next() % UInt64(suffixes.count))]], label: label, inDomain: true)
                    }
                }
            }
        }
        model = ModelTrainer.train(documents, classCount: classIds.count, settings: settings)
    }

    /// A matcher from parts already built (a model snapshot's, see `MatcherSnapshot`).
    init(catalog: IntentCatalog, analyzer: TextAnalyzer, classIds: [IntentID?], noneClass: Int?,
         extractor: FeatureExtractor, model: LinearModel) {
        self.catalog = catalog
        self.analyzer = analyzer
        self.classIds = classIds
        self.noneClass = noneClass
        self.extractor = extractor
        self.model = model
        vagueStems = Self.vagueStems(catalog.vocabulary.vague, analyzer)
    }

    /// The stems of the vague words, as the analyzer reads them.
    static func vagueStems(_ vague: MarketVocabulary.Vague?, _ analyzer: TextAnalyzer) -> Set<ByteKey> {
        Set((vague?.words ?? []).flatMap { analyzer.analyze($0).stems }.map(ByteKey.init))
    }

    /// The cap on a topic's or an answer's confidence when every word of the message is vague.
    func vagueCap(_ analysis: Analysis, best: Int) -> Double? {
        guard let vague = catalog.vocabulary.vague, !vagueStems.isEmpty, best < catalog.intents.count,
              catalog.intents[best].kind == .topic || catalog.intents[best].kind == .info,
              !analysis.stems.isEmpty, analysis.stems.allSatisfy({ vagueStems.contains(ByteKey($0)) })
        else { return nil }
        return vague.maxConfidence
    }

    /// The classes a catalog's model has: its intents in order, then nil (no intent) when it has
    /// off-topic examples; and the index of that off-topic class.
    static func classes(of catalog: IntentCatalog) -> (ids: [IntentID?], none: Int?) {
        var ids: [IntentID?] = catalog.intents.map(\.id)
        guard !catalog.offTopicExamples.isEmpty else { return (ids, nil) }
        ids.append(nil)
        return (ids, ids.count - 1)
    }

    /// The words repairs aim at: those of the examples and keywords, and of the off-topic examples
    /// too, so that an off-topic word is not "corrected" into a similar in-domain one.
    ///
    /// The examples deliberately contain a few misspellings («вазврат», «аформить»). An example
    /// word is taken for one, and left out so the speller corrects it in the examples and in
    /// messages alike, when it occurs once in all the data, is at least `minTypoLength` letters
    /// long, and is one edit away from a word with another stem that the same intent's examples use
    /// at least `minTypoNeighbourCount` times, the edit falling before its last three letters
    /// (where inflections differ) and not being an extra first letter (where prefixes are).
    /// The goods, each read as `read_as` (see ``FeatureExtractor/reading``).
    static func reading(_ goods: MarketVocabulary.Goods?, _ analyzer: TextAnalyzer) -> WordReading? {
        guard let goods else { return nil }
        let target = analyzer.analyze(goods.readAs)
        guard target.words.count == 1, let word = target.words.first, let stem = target.stems.first else { return nil }
        var stems: Set<UInt64> = []
        for word in goods.words {
            let analysis = analyzer.analyze(word)
            // A stem of one or two letters («чай» → «ча») would stand for other words too.
            guard analysis.stems.count == 1, let own = analysis.stems.first, own.unicodeScalars.count >= 3, own != stem
            else { continue }
            stems.insert(FeatureExtractor.stemHash(own))
        }
        return stems.isEmpty ? nil : WordReading(stems: stems, word: word, stem: stem)
    }

    static func vocabulary(for catalog: IntentCatalog) -> Vocabulary {
        // Words are keyed by the stable hash of their bytes: hashing a Cyrillic `Substring` checks
        // its normalization on every lookup, which made this the slowest step of the build.
        var spelling: [UInt64: Substring] = [:]
        var counts: [UInt64: Int] = [:]
        var perIntent: [[UInt64: Int]] = []
        let terms = catalog.vocabulary.namesByIntent
        func forEachWord(_ text: String, _ body: (UInt64) -> Void) {
            let normalized = Normalizer.normalize(text)
            // Split on the bytes: splitting a String by Character is several times slower.
            for bytes in normalized.utf8.split(separator: UInt8(ascii: " ")) {
                let word = Substring(bytes)
                let key = StableHash.of(word.utf8, seed: 0)
                if spelling[key] == nil { spelling[key] = word }
                body(key)
                // The parts of a hyphenated word are words too: the analyzer reads it apart.
                guard word.utf8.contains(UInt8(ascii: "-")) else { continue }
                for part in word.split(separator: "-") where part.count > 1 {
                    let key = StableHash.of(part.utf8, seed: 0)
                    if spelling[key] == nil { spelling[key] = part }
                    body(key)
                }
            }
        }
        for intent in catalog.intents {
            var own: [UInt64: Int] = [:]
            for text in intent.examples + intent.keywords + (terms[intent.id] ?? []) {
                forEachWord(text) { own[$0, default: 0] += 1 }
            }
            for (key, count) in own { counts[key, default: 0] += count }
            perIntent.append(own)
        }
        for text in catalog.offTopicExamples + catalog.offTopicKeywords {
            forEachWord(text) { counts[$0, default: 0] += 1 }
        }
        // The goods are words, not typos to repair («шторы» is not «штора» nor «шторм»).
        for word in catalog.vocabulary.goods?.words ?? [] {
            forEachWord(word) { counts[$0, default: 0] += 1 }
        }
        var misspellings: Set<UInt64> = []
        for own in perIntent {
            // Variant hashes of the intent's frequent words: the deleted position and the word's stem.
            // In code-point order (the words are NFC, so UTF-8 byte order is that order): the last
            // variant filed wins, the same in every run.
            var frequent: [UInt64: (position: Int, stem: String)] = [:]
            let words = own.compactMap { key, count -> Substring? in
                guard count >= minTypoNeighbourCount, let word = spelling[key],
                      word.unicodeScalars.count >= minTypoLength - 1 else { return nil }
                return word
            }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for word in words {
                let stem = RussianStemmer.stem(String(word))
                forEachVariant(of: word) { hash, position in frequent[hash] = (position, stem) }
            }
            guard !frequent.isEmpty else { continue }
            for (key, _) in own where counts[key] == 1 {
                guard let word = spelling[key], word.unicodeScalars.count >= minTypoLength else { continue }
                let length = word.unicodeScalars.count
                let stem = RussianStemmer.stem(String(word))
                forEachVariant(of: word) { hash, position in
                    guard let other = frequent[hash], other.stem != stem else { return }
                    // A letter more in front is more often a prefix («доплатить») than a slip.
                    if position == 0 && other.position < 0 { return }
                    let edit = position < 0 ? other.position : other.position < 0 ? position : min(position, other.position)
                    if edit < length - 3 { misspellings.insert(key) }
                }
            }
        }
        var vocabulary = Vocabulary()
        for (key, count) in counts where !misspellings.contains(key) {
            if let word = spelling[key] { vocabulary.add(String(word), count: count) }
        }
        return vocabulary
    }

    /// Misspellings are only looked for in words at least this long: shorter words one edit apart
    /// are too often both real («зайти», «найти»).
    static let minTypoLength = 6
    /// How often the correct spelling must occur in the examples.
    static let minTypoNeighbourCount = 5

    /// Calls `body` with the hash of `word` (position -1) and of each string made by deleting one
    /// of its letters (with that letter's position). Two words one substitution, insertion,
    /// deletion or transposition apart share a hash.
    private static func forEachVariant(of word: Substring, _ body: (UInt64, Int) -> Void) {
        let scalars = word.unicodeScalars.map(\.value)
        func hash(skipping skip: Int) -> UInt64 {
            var h = StableHash.offset
            for (i, v) in scalars.enumerated() where i != skip { h = StableHash.step(h, v) }
            return StableHash.mix(h)
        }
        body(hash(skipping: -1), -1)
        for i in scalars.indices { body(hash(skipping: i), i) }
    }

    /// The ids the matcher can answer, in catalog order.
    public var intentIds: [IntentID] { catalog.intents.map(\.id) }

    /// Analyzes and classifies one message. Any text is accepted; very long text is cut to
    /// `MatcherSettings.maxCharacters` first.
    public func classify(_ text: String) -> Classification {
        classify(analysis: analyze(text))
    }

    /// Classifies a message the text layer has already analyzed (with this matcher's `analyzer`).
    public func classify(analysis: Analysis) -> Classification {
        let scores = score(analysis)
        let settings = catalog.settings
        let candidates = scores.top.map { IntentScore(id: classIds[$0.index], confidence: Self.rounded($0.p)) }
            .filter { $0.confidence >= Self.minAlternativeConfidence && $0.confidence.isFinite }
        guard let best = scores.top.first,
              !scores.isRejected(rejectBelow: settings.rejectBelow, minEvidence: settings.minEvidence) else {
            let bestP = scores.top.first.map { $0.p.isFinite ? $0.p : 0 } ?? 0
            return Classification(intent: nil, confidence: Self.rounded(1 - bestP),
                                  alternatives: Array(candidates.prefix(Self.maxAlternatives)), isAmbiguous: false,
                                  entities: analysis.entities, analysis: analysis)
        }
        var ambiguous = scores.top.count > 1 && Double(best.p - scores.top[1].p) < settings.ambiguityMargin
        var alternatives = Array(candidates.dropFirst().prefix(Self.maxAlternatives))
        if !ambiguous, let other = otherPart(of: analysis, besides: best.index) {
            // The other part's intent goes first among the alternatives, with its whole-message score.
            let id = classIds[other]
            let p = scores.top.first { $0.index == other }?.p ?? 0
            alternatives.removeAll { $0.id == id }
            alternatives.insert(IntentScore(id: id, confidence: Self.rounded(p)), at: 0)
            alternatives = Array(alternatives.prefix(Self.maxAlternatives))
            ambiguous = true
        }
        var confidence = Self.rounded(best.p)
        if let cap = vagueCap(analysis, best: best.index) {
            confidence = min(confidence, cap)
            // A vague message says too little to be torn between two readings: it is a weak one,
            // whatever the margin between its likeliest intents, so the dialogue offers those
            // and the specialist the same way every time.
            ambiguous = false
        }
        return Classification(intent: classIds[best.index], confidence: confidence,
                              alternatives: alternatives, isAmbiguous: ambiguous,
                              entities: analysis.entities, analysis: analysis)
    }

    /// For a short message that joins two parts («доставка и возврат», «баллы или скидки»): the
    /// class another part is confidently about, when it differs from `best` while one part is about
    /// `best`. Each part is classified alone, as if it were the whole message; parts that are small
    /// talk («привет и где мой заказ») are left out.
    func otherPart(of analysis: Analysis, besides best: Int) -> Int? {
        let compound = catalog.settings.compound
        let words = analysis.words
        // Small talk never makes a message ambiguous: «привет и спасибо» is thanks.
        func isSmallTalk(_ index: Int) -> Bool {
            index >= catalog.intents.count || catalog.intents[index].kind == .smalltalk
        }
        guard !isSmallTalk(best), !compound.joiners.isEmpty, words.count >= 3, words.count <= compound.maxWords,
              words.count == analysis.stems.count else { return nil }
        var parts: [Range<Int>] = []
        var start = 0
        // Words are compared by their bytes (the analyzer's words are of one spelling; see PlainText).
        let joiners = compound.joiners.map(ByteKey.init)
        for (i, word) in words.enumerated() where joiners.contains(ByteKey(word)) {
            // «так и не пришли», «и не подумали»: an emphasis, not a second question.
            if i > 0, PlainText.sameBytes(words[i - 1], "так") { continue }
            if i + 1 < words.count, PlainText.sameBytes(words[i + 1], "не") { continue }
            if i > start { parts.append(start..<i) }
            start = i + 1
        }
        guard start > 0 else { return nil }
        if start < words.count { parts.append(start..<words.count) }
        guard parts.count >= 2 else { return nil }
        var seenBest = false
        var other: Int?
        for part in parts {
            // A part that starts with a preposition continues the other («гарантия от
            // производителя или от продавца»), and one of only pronouns and question words asks
            // nothing new («что такое озон карта и зачем она»): neither is a second question.
            if let first = words[part].first, Self.prepositions.contains(ByteKey(first)) { continue }
            if words[part].allSatisfy({ Self.emptyWords.contains(ByteKey($0)) }) { continue }
            let piece = Analysis(original: "", normalized: "", tokens: [], repairs: [],
                                 words: Array(words[part]), stems: Array(analysis.stems[part]), entities: [])
            let scores = score(piece)
            guard let top = scores.top.first, !isSmallTalk(top.index), Double(top.p) >= compound.minConfidence,
                  !scores.isRejected(rejectBelow: catalog.settings.rejectBelow, minEvidence: catalog.settings.minEvidence)
            else { continue }
            if top.index == best { seenBest = true } else if other == nil { other = top.index }
        }
        return seenBest ? other : nil
    }

    /// Prepositions: a part of a joined message starting with one continues the part before it.
    static let prepositions: Set<ByteKey> = Set(["от", "для", "на", "в", "во", "с", "со", "у", "к", "ко", "по", "о", "об",
                                                 "про", "за", "из", "до", "без", "при", "через", "над", "под"].map(ByteKey.init))
    /// Pronouns and question words: a part of a joined message made only of them asks nothing new.
    static let emptyWords: Set<ByteKey> = Set(["он", "она", "оно", "они", "его", "ее", "её", "их", "им", "ей", "это", "этот",
                                               "эта", "эти", "то", "тот", "та", "те", "так", "я", "мы", "вы", "мне", "меня", "нам",
                                               "вам", "зачем", "почему", "как", "что", "где", "когда", "куда", "откуда", "сколько",
                                               "какой", "какая", "какое", "какие", "ли", "же", "ну", "а", "вообще", "тоже", "там",
                                               "тут", "здесь", "еще", "ещё"].map(ByteKey.init))

    /// What the model says about a message before any threshold is applied.
    package struct Scores {
        /// The best few intents (never `none`), best first: class index and probability.
        package var top: [(index: Int, p: Float)]
        /// The probability of the off-topic class (0 without off-topic examples).
        package var offTopic: Float
        /// The share of the message's word weight known from the intents' examples.
        package var evidence: Float

        /// Whether these scores mean `none` under the given thresholds.
        package func isRejected(rejectBelow: Double, minEvidence: Double) -> Bool {
            // Scores that are not numbers (weights blown up by extreme training settings) reject.
            guard let best = top.first, best.p.isFinite, offTopic.isFinite else { return true }
            return Double(best.p) < rejectBelow || offTopic > best.p || Double(evidence) < minEvidence
        }
    }

    /// The same model scoring with another softmax temperature (`MatcherSettings.temperature`).
    public func withTemperature(_ temperature: Double) -> IntentMatcher {
        var copy = self
        copy.catalog.settings.temperature = temperature
        return copy
    }

    /// The model's class index of an intent id; nil (no intent) is the off-topic class.
    package func classIndex(of id: IntentID?) -> Int? {
        id == nil ? noneClass : classIds.firstIndex(of: id)
    }

    /// Every class's probability (the intents in catalog order, then `none`), before thresholds.
    package func classProbabilities(_ analysis: Analysis) -> [Float] {
        let (vector, boost) = features(analysis)
        return model.probabilities(vector, temperature: Float(catalog.settings.temperature), offTopicBoost: boost)
    }

    /// The weighted feature vector of a message and the off-topic boost it earns.
    private func features(_ analysis: Analysis) -> (SparseVector, Float) {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(analysis.words.count * 16 + 8)
        extractor.extract(analysis, into: &hashes)
        let vector = model.vectorize(&hashes)
        // `vectorize` sorted the hashes: an off-topic keyword hit is found by binary search.
        var boost: Float = 0
        if noneClass != nil, catalog.settings.offTopicKeywordBoost != 0, Self.contains(hashes, noneKeyword) {
            boost = Float(catalog.settings.offTopicKeywordBoost)
        }
        return (vector, boost)
    }

    /// Scores one analyzed message: features, weights, probabilities, the best few intents.
    package func score(_ analysis: Analysis) -> Scores {
        let (vector, boost) = features(analysis)
        let probabilities = model.probabilities(vector, temperature: Float(catalog.settings.temperature), offTopicBoost: boost)

        // The best few intents (not `none`), by a partial insertion sort.
        let keep = Self.maxAlternatives + 1
        var top: [(index: Int, p: Float)] = []
        top.reserveCapacity(keep + 1)
        for (index, p) in probabilities.enumerated() where index != noneClass {
            if top.count == keep, let last = top.last, p <= last.p { continue }
            var at = top.count
            while at > 0 && top[at - 1].p < p { at -= 1 }
            top.insert((index, p), at: at)
            if top.count > keep { top.removeLast() }
        }
        return Scores(top: top, offTopic: noneClass.map { probabilities[$0] } ?? 0, evidence: vector.evidence)
    }

    /// Whether the sorted `hashes` contain `key`.
    private static func contains(_ hashes: [UInt64], _ key: UInt64) -> Bool {
        var low = 0, high = hashes.count
        while low < high {
            let mid = (low + high) / 2
            if hashes[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low < hashes.count && hashes[low] == key
    }

    /// The analysis of `text` as `classify(_:)` does it (long text cut first).
    package func analyze(_ text: String) -> Analysis {
        let limit = max(1, catalog.settings.maxCharacters)
        if text.utf8.count > limit {
            var clipped = String.UnicodeScalarView()
            clipped.append(contentsOf: text.unicodeScalars.prefix(limit))
            return analyzer.analyze(String(clipped))
        }
        return analyzer.analyze(text)
    }

    /// The id of a model class; nil for the off-topic class.
    package func classId(_ index: Int) -> IntentID? { classIds[index] }

    /// A probability to four decimals, so printed confidences stay short.
    private static func rounded(_ p: Float) -> Double {
        (Double(p) * 10_000).rounded() / 10_000
    }
}
