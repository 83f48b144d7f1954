/// The text layer's entry point: turns a raw user message into normalized, repaired,
/// stemmed words and the entities found in it.
///
/// Built once (it indexes the vocabulary for spelling correction and trains character statistics
/// on it), then `analyze` is cheap and thread-safe.
///
/// Repairs, each recorded with its reason:
/// - **layout** — Latin-layout typing of Russian ("ult vjq pfrfp" → «где мой заказ», ",tp" → «без»);
/// - **reverse layout** — Russian-layout typing of a known Latin word («щящт» → "ozon");
/// - **translit** — Latin transliteration ("gde moi zakaz" → «где мой заказ»);
/// - **latin name** — the marketplace's names written in Latin inside Russian text ("ozon карта"
///   → «озон карта»), from the caller's `latinNames`;
/// - **spelling** — a misspelling of a known word («вазврат» → «возврат»): Damerau–Levenshtein
///   distance 1 for words of five or six letters, 2 from seven letters on, none below five; the
///   nearest known word wins, then the most frequent.
///
/// A known word (or an inflection of one), a number, a phone or an order number is never changed.
/// A Latin word is converted when its Russian reading is a known word (exactly, as an inflection,
/// or after spelling correction); once most Latin words of a message read one way, the rest of
/// its Latin words are read that way too (the per-sentence repair).
///
/// ```swift
/// let analyzer = TextAnalyzer(vocabulary: Vocabulary(words: ["где", "мой", "заказ"]))
/// analyzer.analyze("ult vjq pfrfp").words  // ["где", "мой", "заказ"]
/// ```
public struct TextAnalyzer: Sendable {
    /// Words the caller knows (the intent data's own vocabulary); repairs aim at these.
    public let vocabulary: Vocabulary
    let engine: RepairEngine

    /// An analyzer for the caller's vocabulary plus the built-in common words.
    public init(vocabulary: Vocabulary = Vocabulary()) {
        self.init(vocabulary: vocabulary, includeCommonWords: true)
    }

    /// An analyzer for the caller's vocabulary; `includeCommonWords` adds a small built-in list of
    /// very common Russian words and Latin brand names (see `commonWords`). `latinNames` maps Latin
    /// spellings of the marketplace's names to the Russian words they are read as inside Russian
    /// text ("ozon" → «озон»); the Russian words join the vocabulary. A Russian word whose Snowball
    /// stem is one of `knownStems` is taken as correctly spelled (never repaired into another
    /// word), though it is no repair's target; one of `rareStems`, unless a known word is one
    /// edit away.
    public init(vocabulary: Vocabulary, includeCommonWords: Bool, latinNames: [String: String] = [:],
                knownStems: [String] = [], rareStems: [String] = []) {
        var vocabulary = vocabulary
        for (latin, russian) in latinNames.sorted(by: { $0.key < $1.key }) where !latin.isEmpty {
            if !vocabulary.contains(russian) { vocabulary.add(russian) }
        }
        self.vocabulary = vocabulary
        // Code-point order (the keys are NFC, so UTF-8 byte order is that order): the lexicon's word
        // ids, and so spelling ties, are the same in every run.
        var entries: [(String, Int)] = vocabulary.counts
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { ($0.key, $0.value) }
        if includeCommonWords {
            entries += TextAnalyzer.commonWords.map { ($0, 1) }
        }
        var names: [String: String] = [:]
        for (latin, russian) in latinNames {
            names[Normalizer.normalize(latin)] = Normalizer.normalize(russian)
        }
        engine = RepairEngine(lexicon: Lexicon(entries: entries, commonStems: knownStems, rareStems: rareStems),
                              latinNames: names)
    }

    /// An analyzer for the caller's vocabulary plus the built-in common words, reading the given
    /// Latin spellings of the marketplace's names as Russian words (see `init(vocabulary:includeCommonWords:latinNames:)`).
    public init(vocabulary: Vocabulary, latinNames: [String: String]) {
        self.init(vocabulary: vocabulary, includeCommonWords: true, latinNames: latinNames)
    }

    /// The built-in common words (Russian function words and everyday support-chat words, a few
    /// Latin brand names).
    public static var commonWords: [String] { CommonWords.russian + CommonWords.latin }

    /// Runs every step: normalization, tokens, layout/translit/spelling repairs, stems, entities.
    public func analyze(_ text: String) -> Analysis {
        let prepared = PreparedText(text)
        let raw = Tokenizer.scan(prepared.scalars)
        let (normalized, tokens) = prepared.joinedAndTexts(raw)
        let repaired = engine.repair(prepared, raw)
        return Analysis(
            original: text,
            normalized: normalized,
            tokens: tokens,
            repairs: repaired.repairs,
            words: repaired.words,
            stems: repaired.stems,
            entities: EntityExtractor.extract(prepared, tokens: raw),
            compounds: repaired.compounds
        )
    }
}
