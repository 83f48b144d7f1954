/// The id of an intent: its file's name in `Intents/` (`returns`, `contacts_phone`, `operator`).
///
/// Written as a plain string in files and JSON. A message that fits no intent has no id: code holds
/// it as `nil` (`IntentID?`), and files and JSON write it `none` (``Swift/Optional/wireValue``),
/// which is why no intent may be called `none`.
///
/// ```swift
/// let id: IntentID = "returns"
/// catalog.intent(id)?.title          // "Возврат товара"
/// matcher.classify("какая погода").intent?.wireValue  // "none"
/// ```
public struct IntentID: RawRepresentable, Sendable, Hashable, Comparable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        rawValue = value
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (a: IntentID, b: IntentID) -> Bool { a.rawValue < b.rawValue }

    /// How files and JSON write "no intent" (an off-topic message). Reserved: no intent has this id.
    public static let noneValue = "none"

    /// Asking for a specialist; the dialogue takes it straight to the message step.
    public static let `operator`: IntentID = "operator"
    /// The refusal: what support cannot help with, sent on rather than answered at the message step.
    public static let unsupported: IntentID = "unsupported"
    /// Greetings, put before other intents' examples when the model is learnt.
    public static let greeting: IntentID = "greeting"
    /// Thanks, put after other intents' examples when the model is learnt.
    public static let thanks: IntentID = "thanks"
}

extension Optional where Wrapped == IntentID {
    /// The id as files and JSON write it: the intent's id, or `none` for a message that fits no intent.
    public var wireValue: String { self?.rawValue ?? IntentID.noneValue }

    /// Reads an id as files and JSON write it: `none` is no intent.
    public init(wireValue: String) {
        self = wireValue == IntentID.noneValue ? nil : IntentID(rawValue: wireValue)
    }
}

extension KeyedEncodingContainer {
    /// Encodes an intent id, or `none` for no intent.
    public mutating func encode(intent: IntentID?, forKey key: Key) throws {
        try encode(intent.wireValue, forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// Decodes an intent id written by ``Swift/KeyedEncodingContainer/encode(intent:forKey:)``: `none` is nil.
    public func decodeIntent(forKey key: Key) throws -> IntentID? {
        IntentID?(wireValue: try decode(String.self, forKey: key))
    }
}

/// An intent with a confidence in 0...1, comparable across messages: the matcher's answer or one of
/// its alternatives, and the intent a dialogue reply reports.
///
/// Encoded as `{"id": "returns", "confidence": 0.93}`, with `"id": "none"` for no intent.
public struct IntentScore: Sendable, Hashable, Codable {
    /// The intent, or nil when the message fits none.
    public var id: IntentID?
    public var confidence: Double

    enum CodingKeys: String, CodingKey {
        case id, confidence
    }

    public init(id: IntentID?, confidence: Double) {
        self.id = id
        self.confidence = confidence
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIntent(forKey: .id)
        confidence = try c.decode(Double.self, forKey: .confidence)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(intent: id, forKey: .id)
        try c.encode(confidence, forKey: .confidence)
    }
}
