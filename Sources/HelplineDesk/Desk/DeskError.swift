/// Why the desk refused an operation. The messages name what is wrong, never the values sent.
public struct DeskError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: DeskErrorCode
    public var message: String

    public init(_ code: DeskErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// The desk protocol's error codes beyond the customers' protocol's (`bad_json`, `bad_request`…,
/// which the server's codec answers).
public struct DeskErrorCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// The request needs a signed-in specialist, and this connection has none.
    public static let notSignedIn = DeskErrorCode(rawValue: "not_signed_in")
    /// `role` names no role of `config/desk.yaml`.
    public static let unknownRole = DeskErrorCode(rawValue: "unknown_role")
    /// `serves` names a topic the intents do not have.
    public static let unknownTopic = DeskErrorCode(rawValue: "unknown_topic")
    /// No appeal has this number.
    public static let unknownAppeal = DeskErrorCode(rawValue: "unknown_appeal")
    /// The appeal is held by another specialist, or by nobody (waiting).
    public static let notYours = DeskErrorCode(rawValue: "not_yours")
    /// The appeal is closed: nothing more can be added or done.
    public static let appealClosed = DeskErrorCode(rawValue: "appeal_closed")
    /// A transfer that names neither another topic nor another queue, names an unknown topic, or
    /// sends the appeal where no role or specialist serves it.
    public static let badTransfer = DeskErrorCode(rawValue: "bad_transfer")
    /// The specialist id is connected elsewhere under another name or role.
    public static let signedInElsewhere = DeskErrorCode(rawValue: "signed_in_elsewhere")
    /// The appeal's customer has left: their chat was closed or expired, so nothing reaches them.
    public static let customerGone = DeskErrorCode(rawValue: "customer_gone")
    /// A reply or question with nothing in it.
    public static let emptyText = DeskErrorCode(rawValue: "empty_text")
    /// The appeal already holds ``Desk/maximumAnswers`` replies and questions, or
    /// ``Desk/maximumAnswerBytes`` of their text: every answer carries the appeal, so it is bounded.
    public static let appealFull = DeskErrorCode(rawValue: "appeal_full")
    /// An appeal with this number is already at the desk.
    public static let duplicateAppeal = DeskErrorCode(rawValue: "duplicate_appeal")
}
