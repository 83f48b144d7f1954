import HelplineDialogue

/// One request of the JSON-lines protocol, as sent by a client.
public struct ProtocolRequest: Sendable, Hashable {
    /// What the request asks for.
    public enum Command: Sendable, Hashable {
        /// `{"op":"open","user":PROFILE}`: start a new session.
        case open(Profile)
        /// `{"op":"open","session":ID}`: continue a session and repeat its current prompt.
        case resume(session: String)
        /// `{"op":"say","session":ID,"text":"…"}`: one user turn.
        case say(session: String, text: String)
        /// `{"op":"state","session":ID}`: the current reply again, changing nothing.
        case state(session: String)
        /// `{"op":"close","session":ID}`: end a session (its appeals stay).
        case close(session: String)
        /// `{"op":"ping"}`.
        case ping
        /// `{"op":"stats"}`.
        case stats
        /// `{"op":"events","enabled":false}`: whether this connection is sent the desk's notices
        /// as event lines (on by default).
        case events(enabled: Bool)
    }

    /// Echoed back unchanged in the answer, if given.
    public var id: JSONValue?
    public var command: Command

    public init(id: JSONValue? = nil, _ command: Command) {
        self.id = id
        self.command = command
    }

    /// The operation name on the wire.
    public var op: String {
        switch command {
        case .open, .resume: "open"
        case .say: "say"
        case .state: "state"
        case .close: "close"
        case .ping: "ping"
        case .stats: "stats"
        case .events: "events"
        }
    }

    /// The session the request is about, if any.
    public var session: String? {
        switch command {
        case .resume(let session), .say(let session, _), .state(let session), .close(let session): session
        case .open, .ping, .stats, .events: nil
        }
    }
}

extension ProtocolRequest: Encodable {
    private enum CodingKeys: String, CodingKey {
        case id, op, user, session, text, enabled
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(op, forKey: .op)
        switch command {
        case .open(let profile):
            try container.encode(profile, forKey: .user)
        case .resume(let session), .state(let session), .close(let session):
            try container.encode(session, forKey: .session)
        case .say(let session, let text):
            try container.encode(session, forKey: .session)
            try container.encode(text, forKey: .text)
        case .ping, .stats:
            break
        case .events(let enabled):
            try container.encode(enabled, forKey: .enabled)
        }
    }
}

/// What one line from a client turned out to be: a valid request, or an error to answer with.
public enum InboundMessage: Sendable, Hashable {
    case request(ProtocolRequest)
    /// The line is not a valid request; `id` is echoed if the line was JSON and had one.
    case invalid(id: JSONValue?, ProtocolError)
}
