import Foundation
import HelplineDesk
import HelplineDialogue

/// One answer of the JSON-lines protocol, as the server sends it.
///
/// A reply carries the session and the dialogue's reply fields; `intent` and `ticket` are written
/// as explicit `null` when absent:
/// ```json
/// {"id":1,"ok":true,"session":"…","state":"choose_topic","text":"…","options":[…],"intent":null,"ticket":null}
/// ```
public enum ProtocolResponse: Sendable, Hashable {
    /// A session's current reply (after `open`, `say`, `state`).
    case reply(id: JSONValue?, session: String, Reply)
    /// A session's reply with what the specialists' desk has for the session since its last
    /// answer (`notices`: replies, questions, changes to the appeal), oldest first.
    case replyWithNotices(id: JSONValue?, session: String, Reply, notices: [CustomerNotice])
    /// The session was closed.
    case closed(id: JSONValue?, session: String)
    /// The answer to `ping`.
    case pong(id: JSONValue?)
    /// The answer to `stats`.
    case stats(id: JSONValue?, ServerStats)
    /// An error; the connection stays usable.
    case failure(id: JSONValue?, ProtocolError)
    /// The answer to `events`: whether the connection now gets event lines.
    case events(id: JSONValue?, enabled: Bool)

    /// The request id echoed back.
    public var id: JSONValue? {
        switch self {
        case .reply(let id, _, _), .replyWithNotices(let id, _, _, _), .closed(let id, _), .pong(let id), .stats(let id, _),
             .failure(let id, _), .events(let id, _): id
        }
    }

    /// The session whose reply this is (`open`, `say`, `state`).
    public var repliedSession: String? {
        switch self {
        case .reply(_, let session, _), .replyWithNotices(_, let session, _, _): session
        case .closed, .pong, .stats, .failure, .events: nil
        }
    }
}

extension ProtocolResponse: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, ok, session, state, text, options, intent, ticket, closed, pong, stats, error, notices, events
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        func encode(_ session: String, _ reply: Reply) throws {
            try c.encode(true, forKey: .ok)
            try c.encode(session, forKey: .session)
            try c.encode(reply.state, forKey: .state)
            try c.encode(reply.text, forKey: .text)
            try c.encode(reply.options, forKey: .options)
            if let intent = reply.intent { try c.encode(intent, forKey: .intent) } else { try c.encodeNil(forKey: .intent) }
            if let ticket = reply.ticket { try c.encode(WireTicket(ticket), forKey: .ticket) } else { try c.encodeNil(forKey: .ticket) }
        }
        switch self {
        case .reply(_, let session, let reply):
            try encode(session, reply)
        case .replyWithNotices(_, let session, let reply, let notices):
            try encode(session, reply)
            try c.encode(notices, forKey: .notices)
        case .closed(_, let session):
            try c.encode(true, forKey: .ok)
            try c.encode(session, forKey: .session)
            try c.encode(true, forKey: .closed)
        case .pong:
            try c.encode(true, forKey: .ok)
            try c.encode(true, forKey: .pong)
        case .stats(_, let stats):
            try c.encode(true, forKey: .ok)
            try c.encode(stats, forKey: .stats)
        case .failure(_, let error):
            try c.encode(false, forKey: .ok)
            try c.encode(error, forKey: .error)
        case .events(_, let enabled):
            try c.encode(true, forKey: .ok)
            try c.encode(enabled, forKey: .events)
        }
    }
}
