import Foundation

/// The marketplace's own words, from `config/vocabulary.yaml`: the order statuses the app shows,
/// its services and programmes, its screens and settings, each pointing to the intent it is
/// evidence for; and the Latin spellings of its names that the text layer reads as Russian words.
public struct MarketVocabulary: Sendable, Hashable, Decodable {
    /// One named thing of the marketplace and the intent it points to.
    public struct Term: Sendable, Hashable, Decodable {
        /// What the term is: `status`, `service`, `screen`, `document`, … (for people reading the file).
        public var kind: String
        public var intent: IntentID
        /// Its spellings, Russian or Latin; each is matched as a sequence of stems.
        public var names: [String]

        public init(kind: String, intent: IntentID, names: [String]) {
            self.kind = kind
            self.intent = intent
            self.names = names
        }
    }

    /// Things customers buy, read by the matcher as one word (`read_as`, «товар»): «где мои
    /// шторы» is «где мой товар», whichever goods the examples happen to name.
    public struct Goods: Sendable, Hashable, Decodable {
        /// The word every one of `words` is read as (by its stem).
        public var readAs: String
        /// Single words, any form (each is matched by its stem).
        public var words: [String]

        enum CodingKeys: String, CodingKey {
            case readAs = "read_as"
            case words
        }

        public init(readAs: String, words: [String]) {
            self.readAs = readAs
            self.words = words
        }
    }

    /// Words that say something is wrong, or that help is wanted, without saying what («не
    /// получается», «у меня проблема», «помогите»). A message made of them alone is vague: it is
    /// read as the likeliest topic or answer, but never with more than `max_confidence`, so the
    /// dialogue asks which was meant instead of acting on the guess.
    public struct Vague: Sendable, Hashable, Decodable {
        /// The most confidence a vague message's topic or answer gets (below the dialogue's
        /// `free_text.confirm_below`).
        public var maxConfidence: Double
        /// Single words, any form (each is matched by its stem).
        public var words: [String]

        enum CodingKeys: String, CodingKey {
            case maxConfidence = "max_confidence"
            case words
        }

        public init(maxConfidence: Double, words: [String]) {
            self.maxConfidence = maxConfidence
            self.words = words
        }
    }

    /// Latin word → the Russian word it is read as inside Russian text ("ozon" → «озон»).
    public var latinNames: [String: String]
    public var terms: [Term]
    public var goods: Goods?
    public var vague: Vague?

    enum CodingKeys: String, CodingKey {
        case latinNames = "latin_names"
        case terms
        case goods
        case vague
    }

    public init(latinNames: [String: String] = [:], terms: [Term] = [], goods: Goods? = nil, vague: Vague? = nil) {
        self.latinNames = latinNames
        self.terms = terms
        self.goods = goods
        self.vague = vague
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        latinNames = try c.decodeIfPresent([String: String].self, forKey: .latinNames) ?? [:]
        terms = try c.decodeIfPresent([Term].self, forKey: .terms) ?? []
        goods = try c.decodeIfPresent(Goods.self, forKey: .goods)
        vague = try c.decodeIfPresent(Vague.self, forKey: .vague)
    }

    /// The names of each intent's terms, by intent id.
    public var namesByIntent: [IntentID: [String]] {
        var out: [IntentID: [String]] = [:]
        for term in terms { out[term.intent, default: []] += term.names }
        return out
    }

    /// Checks what decoding cannot: every term points to a known intent and has names, and every
    /// Latin name is one Latin word read as one Russian word. Throws naming the broken key.
    func validate(intents: Set<IntentID>, file: String) throws {
        for (index, term) in terms.enumerated() {
            guard intents.contains(term.intent) else {
                throw DataError(file: file, message: "terms[\(index)].intent: unknown intent '\(term.intent)'")
            }
            guard !term.names.isEmpty, term.names.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                throw DataError(file: file, message: "terms[\(index)].names: needs at least one non-empty name")
            }
        }
        if let goods {
            guard Self.isRussianWord(goods.readAs) else {
                throw DataError(file: file, message: "goods.read_as: '\(goods.readAs)' must be one word of Russian letters")
            }
            for (index, word) in goods.words.enumerated() where !Self.isRussianWord(word) {
                throw DataError(file: file, message: "goods.words[\(index)]: '\(word)' must be one word of Russian letters")
            }
        }
        if let vague {
            guard vague.maxConfidence > 0, vague.maxConfidence < 1 else {
                throw DataError(file: file, message: "vague.max_confidence: \(vague.maxConfidence) must be above 0 and below 1")
            }
            for (index, word) in vague.words.enumerated() where !Self.isRussianWord(word) {
                throw DataError(file: file, message: "vague.words[\(index)]: '\(word)' must be one word of Russian letters")
            }
        }
        for (latin, russian) in latinNames.sorted(by: { $0.key < $1.key }) {
            guard !latin.isEmpty, latin.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) }) else {
                throw DataError(file: file, message: "latin_names.\(latin): must be one word of Latin letters")
            }
            guard Self.isRussianWord(russian) else {
                throw DataError(file: file, message: "latin_names.\(latin): '\(russian)' must be one word of Russian letters")
            }
        }
    }

    /// One word of Russian letters.
    static func isRussianWord(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { ("а"..."я").contains($0) || ("А"..."Я").contains($0) || $0 == "ё" || $0 == "Ё" }
    }
}
