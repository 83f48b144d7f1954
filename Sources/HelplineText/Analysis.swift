/// Everything the analyzer found in one message.
public struct Analysis: Sendable, Hashable, Codable {
    /// The message as given.
    public var original: String
    /// After Unicode NFC, lowercasing, ё→е, punctuation separated and emphasis squeezed.
    public var normalized: String
    /// Tokens of the normalized text, before repairs.
    public var tokens: [Token]
    /// Each change made to a word, with the reason.
    public var repairs: [Repair]
    /// The word tokens after repairs, in order.
    public var words: [String]
    /// The Snowball stem of each of `words`, index for index.
    public var stems: [String]
    /// Order numbers, phones, e-mails, money amounts found in the message.
    public var entities: [Entity]
    /// Hyphenated words written joined («робот-пылесос» → «роботпылесос»); `words` holds their
    /// parts, so such a word is read both apart and joined.
    public var compounds: [String]

    public init(original: String, normalized: String, tokens: [Token], repairs: [Repair],
                words: [String], stems: [String], entities: [Entity], compounds: [String] = []) {
        self.original = original
        self.normalized = normalized
        self.tokens = tokens
        self.repairs = repairs
        self.words = words
        self.stems = stems
        self.entities = entities
        self.compounds = compounds
    }
}

/// One token of normalized text.
public struct Token: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case word, number, orderNumber = "order_number", phone, email, url, symbol
    }
    public var text: String
    public var kind: Kind

    public init(text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }
}

/// A change the analyzer made to one word (or a whole sentence), with its reason.
public struct Repair: Sendable, Hashable, Codable {
    public enum Reason: String, Sendable, Hashable, Codable {
        /// Typed in the Latin layout on a Russian keyboard ("ult" → «где»).
        case layout
        /// Typed in the Russian layout while meaning Latin («щящт» → "ozon").
        case reverseLayout = "reverse_layout"
        /// Latin transliteration of Russian ("zakaz" → «заказ»).
        case translit
        /// A misspelling of a known word («вазврат» → «возврат»).
        case spelling
        /// One of the marketplace's names written in Latin ("ozon" → «озон», "travel" → «тревел»).
        case latinName = "latin_name"
    }
    public var from: String
    public var to: String
    public var reason: Reason

    public init(from: String, to: String, reason: Reason) {
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// Something structured found in a message.
public struct Entity: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `12345678-0001`; value is the canonical `NNNNNNNN-NNNN`.
        case orderNumber = "order_number"
        /// A Russian phone number; value is `+7XXXXXXXXXX`.
        case phone
        /// value is the lowercased address.
        case email
        /// value is the amount in roubles as a decimal string, e.g. "2490".
        case money
        case url
    }
    public var kind: Kind
    /// The text as it appeared in the message.
    public var text: String
    /// The canonical value (see `Kind`).
    public var value: String

    public init(kind: Kind, text: String, value: String) {
        self.kind = kind
        self.text = text
        self.value = value
    }
}
