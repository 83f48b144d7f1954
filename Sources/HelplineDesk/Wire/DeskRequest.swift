import HelplineDialogue
import HelplineText

/// One request of the desk protocol: a JSON object with an `op`, one a line, on the desk socket.
/// The request `id` is the server's envelope (echoed as in the customers' protocol) and not part
/// of this value.
///
/// ```json
/// {"op":"sign_in","specialist":{"id":"sp-7","name":"Мария","role":"seller"}}
/// {"op":"next"}
/// {"op":"reply","appeal":"3141-5926","text":"Заказ передан курьеру, он приедет завтра с 10 до 14."}
/// {"op":"transfer","appeal":"3141-5926","topic":"travel","queue":"travel_priority"}
/// ```
public enum DeskRequest: Sendable, Hashable {
    /// Sign in on this connection as a specialist.
    case signIn(SignIn)
    /// Sign out: the specialist's appeals go back to the queue at once.
    case signOut
    /// The queues: counts per queue and topic, the oldest wait, the appeals held.
    case overview
    /// Take the next appeal this specialist serves.
    case next
    /// An appeal with its whole conversation.
    case show(appeal: String)
    case reply(appeal: String, text: String)
    /// Ask the customer for details.
    case ask(appeal: String, text: String)
    /// To another topic, queue or both; back to waiting at its old place.
    case transfer(appeal: String, topic: String?, queue: Queue?)
    /// Back to the queue at its old place.
    case release(appeal: String)
    case close(appeal: String)
    case ping

    /// Who signs in and what they serve.
    public struct SignIn: Sendable, Hashable {
        public var id: String
        public var name: String
        public var serves: Serves

        public init(id: String, name: String, serves: Serves) {
            self.id = id
            self.name = name
            self.serves = serves
        }
    }

    /// Every `op` of the desk protocol, in the order the documentation lists them.
    public static let ops = ["sign_in", "sign_out", "overview", "next", "show", "reply", "ask", "transfer",
                             "release", "close", "ping"]

    /// The longest `text`, in Unicode scalars (as in the customers' protocol).
    public static let maxTextScalars = 4_000
    /// The longest specialist id, appeal number, topic or role, in UTF-8 bytes.
    public static let maxIDBytes = 64
    /// The longest specialist name, in characters.
    public static let maxNameCharacters = 200
    /// The most lines of a sign-in's `serves`.
    public static let maxServiceLines = 64

    public var op: String {
        switch self {
        case .signIn: "sign_in"
        case .signOut: "sign_out"
        case .overview: "overview"
        case .next: "next"
        case .show: "show"
        case .reply: "reply"
        case .ask: "ask"
        case .transfer: "transfer"
        case .release: "release"
        case .close: "close"
        case .ping: "ping"
        }
    }

    /// The appeal the request is about, if any.
    public var appeal: String? {
        switch self {
        case .show(let appeal), .reply(let appeal, _), .ask(let appeal, _), .transfer(let appeal, _, _),
             .release(let appeal), .close(let appeal): appeal
        case .signIn, .signOut, .overview, .next, .ping: nil
        }
    }

    /// A decoding error in the protocol's terms: the field at fault and what is wrong with it,
    /// never the value sent.
    public static func describe(_ error: DecodingError) -> String {
        DecodingPath.describe(error)
    }
}

extension DeskRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case op, specialist, appeal, text, topic, queue
    }

    enum SignInKeys: String, CodingKey, CaseIterable {
        case id, name, role, serves
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let op = try c.decode(String.self, forKey: .op)
        func appeal() throws -> String { try Self.identifier(c, .appeal) }
        func text() throws -> String {
            let text = try c.decode(String.self, forKey: .text)
            if text.unicodeScalars.count > Self.maxTextScalars {
                throw DecodingError.dataCorruptedError(forKey: .text, in: c,
                    debugDescription: "longer than \(Self.maxTextScalars) characters")
            }
            if text.unicodeScalars.contains("\0") {
                throw DecodingError.dataCorruptedError(forKey: .text, in: c, debugDescription: "contains NUL")
            }
            return text
        }
        switch op {
        case "sign_in":
            let s = try c.nestedContainer(keyedBy: SignInKeys.self, forKey: .specialist)
            let id = try Self.identifier(s, .id)
            let name = try s.decode(String.self, forKey: .name)
            if name.trimmingWhitespaceIsEmpty || name.count > Self.maxNameCharacters
                || name.unicodeScalars.contains(where: { ScreenControl.isControl($0) || ScreenControl.isLayoutControl($0)
                                                             || ScreenControl.isDirectionMark($0) }) {
                throw DecodingError.dataCorruptedError(forKey: .name, in: s,
                    debugDescription: "must be 1 to \(Self.maxNameCharacters) characters without control characters")
            }
            let serves: Serves
            switch (s.contains(.role), s.contains(.serves)) {
            case (true, false): serves = .role(try Self.identifier(s, .role))
            case (false, true):
                let lines = try s.decode([ServiceLine].self, forKey: .serves)
                if lines.isEmpty {
                    throw DecodingError.dataCorruptedError(forKey: .serves, in: s, debugDescription: "serves nothing")
                }
                // Every topic in every queue is far fewer lines; each line is checked for every
                // appeal the specialist could take.
                if lines.count > Self.maxServiceLines {
                    throw DecodingError.dataCorruptedError(forKey: .serves, in: s,
                        debugDescription: "must be at most \(Self.maxServiceLines) lines")
                }
                serves = .scope(ServiceScope(lines))
            default:
                throw DecodingError.dataCorruptedError(forKey: .role, in: s,
                    debugDescription: "give either `role` or `serves`")
            }
            self = .signIn(SignIn(id: id, name: name, serves: serves))
        case "sign_out": self = .signOut
        case "overview": self = .overview
        case "next": self = .next
        case "show": self = .show(appeal: try appeal())
        case "reply": self = .reply(appeal: try appeal(), text: try text())
        case "ask": self = .ask(appeal: try appeal(), text: try text())
        case "transfer":
            let topic = c.contains(.topic) ? try Self.identifier(c, .topic) : nil
            let queue = try c.decodeIfPresent(Queue.self, forKey: .queue)
            if topic == nil && queue == nil {
                throw DecodingError.dataCorruptedError(forKey: .topic, in: c,
                    debugDescription: "a transfer needs `topic`, `queue` or both")
            }
            self = .transfer(appeal: try appeal(), topic: topic, queue: queue)
        case "release": self = .release(appeal: try appeal())
        case "close": self = .close(appeal: try appeal())
        case "ping": self = .ping
        default:
            throw DecodingError.dataCorruptedError(forKey: .op, in: c,
                debugDescription: "unknown op; known: \(Self.ops.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(op, forKey: .op)
        switch self {
        case .signIn(let signIn):
            var s = c.nestedContainer(keyedBy: SignInKeys.self, forKey: .specialist)
            try s.encode(signIn.id, forKey: .id)
            try s.encode(signIn.name, forKey: .name)
            switch signIn.serves {
            case .role(let role): try s.encode(role, forKey: .role)
            case .scope(let scope): try s.encode(scope, forKey: .serves)
            }
        case .show(let appeal), .release(let appeal), .close(let appeal):
            try c.encode(appeal, forKey: .appeal)
        case .reply(let appeal, let text), .ask(let appeal, let text):
            try c.encode(appeal, forKey: .appeal)
            try c.encode(text, forKey: .text)
        case .transfer(let appeal, let topic, let queue):
            try c.encode(appeal, forKey: .appeal)
            try c.encodeIfPresent(topic, forKey: .topic)
            try c.encodeIfPresent(queue, forKey: .queue)
        case .signOut, .overview, .next, .ping:
            break
        }
    }

    /// A non-empty identifier of at most ``maxIDBytes`` bytes without control characters.
    private static func identifier<Key: CodingKey>(_ c: KeyedDecodingContainer<Key>, _ key: Key) throws -> String {
        let value = try c.decode(String.self, forKey: key)
        if value.isEmpty || value.utf8.count > maxIDBytes
            || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c,
                debugDescription: "must be 1 to \(maxIDBytes) bytes without control characters")
        }
        return value
    }
}

extension String {
    /// Whether the text is empty or only white space.
    var trimmingWhitespaceIsEmpty: Bool { allSatisfy(\.isWhitespace) }
}
