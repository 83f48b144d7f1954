import HelplineDesk
import HelplineDialogue

/// One answer as a client reads it: any of the protocol's answer shapes, decoded.
///
/// `ok` tells success from failure; `error` is set on failure; `reply` is set when the answer
/// carries a session's reply (`open`, `say`, `state`).
public struct ProtocolReply: Sendable, Hashable {
    /// The request's `id`, echoed.
    public var id: JSONValue?
    public var ok: Bool
    public var session: String?
    /// The dialogue reply: state, text, options, intent, ticket.
    public var reply: Reply?
    public var error: ProtocolError?
    /// The answer to `stats`.
    public var stats: ServerStats?
    /// `true` in the answer to `ping`.
    public var pong: Bool
    /// `true` in the answer to `close`.
    public var closed: Bool
    /// What the specialists' desk had for the session since its last answer, oldest first.
    public var notices: [CustomerNotice]
    /// The answer to `events`: whether the connection now gets event lines.
    public var events: Bool?

    public init(id: JSONValue? = nil, ok: Bool, session: String? = nil, reply: Reply? = nil,
                error: ProtocolError? = nil, stats: ServerStats? = nil, pong: Bool = false, closed: Bool = false,
                notices: [CustomerNotice] = [], events: Bool? = nil) {
        self.id = id
        self.ok = ok
        self.session = session
        self.reply = reply
        self.error = error
        self.stats = stats
        self.pong = pong
        self.closed = closed
        self.notices = notices
        self.events = events
    }

    /// The reply's state, if the answer carries a reply.
    public var state: DialogueState? { reply?.state }
    /// The reply's text, if the answer carries a reply.
    public var text: String? { reply?.text }
    /// The reply's options (empty without a reply).
    public var options: [ReplyOption] { reply?.options ?? [] }
    /// The session's appeal, if the answer carries one.
    public var ticket: Ticket? { reply?.ticket }
    /// The error code, if the answer is an error.
    public var errorCode: ErrorCode? { error?.code }
}

extension ProtocolReply: Decodable {
    enum CodingKeys: String, CodingKey {
        case id, ok, session, state, text, options, intent, ticket, closed, pong, stats, error, notices, events
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = c.contains(.id) ? try c.decode(JSONValue.self, forKey: .id) : nil
        ok = try c.decode(Bool.self, forKey: .ok)
        session = try c.decodeIfPresent(String.self, forKey: .session)
        error = try c.decodeIfPresent(ProtocolError.self, forKey: .error)
        stats = try c.decodeIfPresent(ServerStats.self, forKey: .stats)
        pong = try c.decodeIfPresent(Bool.self, forKey: .pong) ?? false
        closed = try c.decodeIfPresent(Bool.self, forKey: .closed) ?? false
        notices = try c.decodeIfPresent([CustomerNotice].self, forKey: .notices) ?? []
        events = try c.decodeIfPresent(Bool.self, forKey: .events)
        if let state = try c.decodeIfPresent(DialogueState.self, forKey: .state) {
            reply = Reply(
                state: state,
                text: try c.decodeIfPresent(String.self, forKey: .text) ?? "",
                options: try c.decodeIfPresent([ReplyOption].self, forKey: .options) ?? [],
                intent: try c.decodeIfPresent(IntentScore.self, forKey: .intent),
                ticket: try c.decodeIfPresent(WireTicket.self, forKey: .ticket)?.ticket
            )
        } else {
            reply = nil
        }
    }
}
