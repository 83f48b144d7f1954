import HelplineDesk

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
    /// The specialists' desk, when the daemon has one: per queue the customers' waits (median and
    /// 90th percentile) and first answers in the last hour.
    public var desk: DeskStats?

    enum CodingKeys: String, CodingKey {
        case sessions, tickets, connections, turns
        case uptimeSeconds = "uptime_seconds"
        case rssBytes = "rss_bytes"
        case sessionsLoaded = "sessions_loaded"
        case transactions, desk
    }

    public init(sessions: Int, tickets: Int, connections: Int, uptimeSeconds: Double, turns: Int,
                rssBytes: Int?, sessionsLoaded: Int, transactions: Int, desk: DeskStats? = nil) {
        self.sessions = sessions
        self.tickets = tickets
        self.connections = connections
        self.uptimeSeconds = uptimeSeconds
        self.turns = turns
        self.rssBytes = rssBytes
        self.sessionsLoaded = sessionsLoaded
        self.transactions = transactions
        self.desk = desk
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
        desk = try c.decodeIfPresent(DeskStats.self, forKey: .desk)
    }
}
