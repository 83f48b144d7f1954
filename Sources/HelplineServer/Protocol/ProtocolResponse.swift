import Foundation
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
    /// The session was closed.
    case closed(id: JSONValue?, session: String)
    /// The answer to `ping`.
    case pong(id: JSONValue?)
    /// The answer to `stats`.
    case stats(id: JSONValue?, ServerStats)
    /// An error; the connection stays usable.
    case failure(id: JSONValue?, ProtocolError)

    /// The request id echoed back.
    public var id: JSONValue? {
        switch self {
        case .reply(let id, _, _), .closed(let id, _), .pong(let id), .stats(let id, _), .failure(let id, _): id
        }
    }
}

/// The daemon's counters, answered to `{"op":"stats"}`.
public struct ServerStats: Sendable, Hashable, Codable {
    /// Open (not closed, not expired) sessions.
    public var sessions: Int
    /// Appeals stored, all time.
    public var tickets: Int
    /// Client connections open now.
    public var connections: Int
    /// Seconds since the daemon started.
    public var uptimeSeconds: Double
    /// `say` turns answered since the daemon started.
    public var turns: Int
    /// Resident memory in bytes, where the platform tells it (`/proc/self/statm`).
    public var rssBytes: Int?
    /// Sessions held in memory now (the rest are in the database only).
    public var sessionsLoaded: Int
    /// Database transactions committed since the daemon started (turns are committed in groups).
    public var transactions: Int

    enum CodingKeys: String, CodingKey {
        case sessions, tickets, connections, turns
        case uptimeSeconds = "uptime_seconds"
        case rssBytes = "rss_bytes"
        case sessionsLoaded = "sessions_loaded"
        case transactions
    }

    public init(sessions: Int, tickets: Int, connections: Int, uptimeSeconds: Double, turns: Int,
                rssBytes: Int?, sessionsLoaded: Int, transactions: Int) {
        self.sessions = sessions
        self.tickets = tickets
        self.connections = connections
        self.uptimeSeconds = uptimeSeconds
        self.turns = turns
        self.rssBytes = rssBytes
        self.sessionsLoaded = sessionsLoaded
        self.transactions = transactions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sessions = try c.decode(Int.self, forKey: .sessions)
        tickets = try c.decode(Int.self, forKey: .tickets)
        connections = try c.decode(Int.self, forKey: .connections)
        uptimeSeconds = try c.decode(Double.self, forKey: .uptimeSeconds)
        turns = try c.decode(Int.self, forKey: .turns)
        rssBytes = try c.decodeIfPresent(Int.self, forKey: .rssBytes)
        sessionsLoaded = try c.decodeIfPresent(Int.self, forKey: .sessionsLoaded) ?? 0
        transactions = try c.decodeIfPresent(Int.self, forKey: .transactions) ?? 0
    }
}

/// The wire form of an appeal: `order` is explicit `null` when absent, `created_at` is ISO 8601.
struct WireTicket: Codable {
    var ticket: Ticket

    enum CodingKeys: String, CodingKey {
        case id, topic, order, queue, messages
        case etaMinutes = "eta_minutes"
        case createdAt = "created_at"
    }

    init(_ ticket: Ticket) {
        self.ticket = ticket
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let created = try c.decodeIfPresent(String.self, forKey: .createdAt)
        ticket = Ticket(
            id: try c.decode(String.self, forKey: .id),
            topic: try c.decode(String.self, forKey: .topic),
            order: try c.decodeIfPresent(String.self, forKey: .order),
            queue: try c.decode(Queue.self, forKey: .queue),
            etaMinutes: try c.decode([Int].self, forKey: .etaMinutes),
            messages: try c.decodeIfPresent([String].self, forKey: .messages) ?? [],
            createdAt: created.flatMap(ISO8601.parse) ?? Date(timeIntervalSince1970: 0)
        )
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ticket.id, forKey: .id)
        try c.encode(ticket.topic, forKey: .topic)
        if let order = ticket.order { try c.encode(order, forKey: .order) } else { try c.encodeNil(forKey: .order) }
        try c.encode(ticket.queue, forKey: .queue)
        try c.encode(ticket.etaMinutes, forKey: .etaMinutes)
        try c.encode(ticket.messages, forKey: .messages)
        try c.encode(ISO8601.format(ticket.createdAt), forKey: .createdAt)
    }
}

extension ProtocolResponse: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, ok, session, state, text, options, intent, ticket, closed, pong, stats, error
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        switch self {
        case .reply(_, let session, let reply):
            try c.encode(true, forKey: .ok)
            try c.encode(session, forKey: .session)
            try c.encode(reply.state, forKey: .state)
            try c.encode(reply.text, forKey: .text)
            try c.encode(reply.options, forKey: .options)
            if let intent = reply.intent { try c.encode(intent, forKey: .intent) } else { try c.encodeNil(forKey: .intent) }
            if let ticket = reply.ticket { try c.encode(WireTicket(ticket), forKey: .ticket) } else { try c.encodeNil(forKey: .ticket) }
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
        }
    }
}
