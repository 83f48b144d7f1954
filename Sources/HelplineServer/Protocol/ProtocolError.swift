/// A protocol error code: one of the fixed set the protocol documents. New codes may be added.
public struct ErrorCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
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

    /// The line is not valid JSON.
    public static let badJSON = ErrorCode(rawValue: "bad_json")
    /// The line is not valid UTF-8.
    public static let badUTF8 = ErrorCode(rawValue: "bad_utf8")
    /// Valid JSON, but not a valid request: a missing or mistyped field, a text over the limit.
    public static let badRequest = ErrorCode(rawValue: "bad_request")
    /// `op` names no known operation.
    public static let unknownOp = ErrorCode(rawValue: "unknown_op")
    /// No open session has this id (never opened, closed, or expired).
    public static let unknownSession = ErrorCode(rawValue: "unknown_session")
    /// The line is longer than the limit; the rest of it was discarded.
    public static let tooLong = ErrorCode(rawValue: "too_long")
    /// A server limit (connections, sessions) is reached; try again later.
    public static let overloaded = ErrorCode(rawValue: "overloaded")
    /// The session's appeal is full: the message was not added (start a new appeal).
    public static let appealFull = ErrorCode(rawValue: "appeal_full")
    /// The session has filed as many appeals as one session may.
    public static let tooManyAppeals = ErrorCode(rawValue: "too_many_appeals")
    /// The session has stored as many messages as one session may: the message was not taken
    /// (open a new session to go on).
    public static let sessionFull = ErrorCode(rawValue: "session_full")
    /// The server failed to store or load a session (an extension to the fixed set).
    public static let `internal` = ErrorCode(rawValue: "internal")
    /// The session kept changing under the request (another daemon on the same database was
    /// moving it on); nothing was changed: retry.
    public static let conflict = ErrorCode(rawValue: "conflict")
    /// The database cannot be reached or did not answer in time; the request was wholly done or
    /// not at all: retry.
    public static let unavailable = ErrorCode(rawValue: "unavailable")
}

/// An error answer: a code from the fixed set and a human-readable message.
public struct ProtocolError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
