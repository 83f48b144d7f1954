import Foundation
import HelplineDialogue

/// Where an appeal stands at the desk.
///
/// `waiting` (in a queue) → `taken` (a specialist has it and owes an answer) → `answered` (the
/// specialist replied or asked; the customer's turn) → `closed`. A customer's follow-up to an
/// answered appeal brings it back to `taken`; releasing or transferring it, or its specialist
/// going away, brings it back to `waiting` at its old place.
public enum AppealState: String, Sendable, Hashable, Codable, CaseIterable {
    case waiting, taken, answered, closed
}

/// One line of an appeal's conversation, as the specialist sees it.
public struct DeskEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// What the customer wrote (before filing: to the bot; after: follow-ups).
        case customer
        /// What the bot answered, before the appeal was filed.
        case bot
        /// A specialist's answer.
        case reply
        /// A specialist asking the customer for details.
        case question
        /// A specialist took the appeal.
        case taken
        /// A specialist put it back into the queue.
        case released
        /// Moved to another topic or queue (`topic`, `queue` say where to).
        case transferred
        /// Back in the queue because its specialist went away.
        case returned
        /// Closed, by the specialist (`specialist` set) or the customer.
        case closed
    }

    public var kind: Kind
    /// The message, for `customer`, `bot`, `reply` and `question`.
    public var text: String?
    public var at: Date
    /// The specialist's id, for what a specialist did.
    public var specialist: String?
    /// Where a transfer sent the appeal.
    public var topic: String?
    public var queue: Queue?

    enum CodingKeys: String, CodingKey {
        case kind, text, at, specialist, topic, queue
    }

    public init(_ kind: Kind, text: String? = nil, at: Date, specialist: String? = nil, topic: String? = nil,
                queue: Queue? = nil) {
        self.kind = kind
        self.text = text
        self.at = at
        self.specialist = specialist
        self.topic = topic
        self.queue = queue
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        text = try c.decodeIfPresent(String.self, forKey: .text)
        at = try WireDate.decode(c, forKey: .at)
        specialist = try c.decodeIfPresent(String.self, forKey: .specialist)
        topic = try c.decodeIfPresent(String.self, forKey: .topic)
        queue = try c.decodeIfPresent(Queue.self, forKey: .queue)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(text, forKey: .text)
        try c.encode(WireDate.format(at), forKey: .at)
        try c.encodeIfPresent(specialist, forKey: .specialist)
        try c.encodeIfPresent(topic, forKey: .topic)
        try c.encodeIfPresent(queue, forKey: .queue)
    }
}

/// Who the customer is, as the specialist needs to know: the profile without the orders' list.
public struct CustomerSummary: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var premium: Bool
    public var seller: Bool
    public var premiumSeller: Bool
    public var corporate: Bool
    /// How many orders and bookings the profile holds.
    public var orders: Int

    enum CodingKeys: String, CodingKey {
        case id, name, premium, seller, corporate, orders
        case premiumSeller = "premium_seller"
    }

    public init(id: String, name: String, premium: Bool = false, seller: Bool = false, premiumSeller: Bool = false,
                corporate: Bool = false, orders: Int = 0) {
        self.id = id
        self.name = name
        self.premium = premium
        self.seller = seller
        self.premiumSeller = premiumSeller
        self.corporate = corporate
        self.orders = orders
    }

    public init(_ profile: Profile) {
        self.init(id: profile.id, name: profile.name, premium: profile.premium, seller: profile.seller,
                  premiumSeller: profile.premiumSeller, corporate: profile.corporate, orders: profile.orders.count)
    }
}

/// An appeal at the desk: the filed ticket's facts, where it stands, who has it, and the whole
/// conversation.
public struct DeskAppeal: Sendable, Hashable, Codable {
    /// The appeal's number as the customer was told it (``Ticket/id``).
    public var id: String
    /// The customer's session, where replies are delivered. A secret: never shown to specialists
    /// (``AppealView`` leaves it out).
    public var session: String
    public var topic: String
    public var queue: Queue
    public var customer: CustomerSummary
    /// The order or booking the appeal is about.
    public var order: Order?
    public var state: AppealState
    /// The specialist who has it (`taken`, `answered`).
    public var specialist: String?
    /// When it was filed.
    public var createdAt: Date
    /// Its place in the queues: when it first arrived. Kept through releases, transfers and
    /// returns, so the appeal goes back where it stood.
    public var arrivedAt: Date
    /// The order of filing at the desk: places appeals that arrived at the same moment.
    public var sequence: Int
    /// When its current specialist took it.
    public var takenAt: Date?
    /// When a specialist first replied or asked.
    public var firstAnsweredAt: Date?
    public var closedAt: Date?
    /// The specialist asked for details and the customer has not written since.
    public var awaitingCustomer: Bool
    public var conversation: [DeskEntry]

    enum CodingKeys: String, CodingKey {
        case id, session, topic, queue, customer, order, state, specialist, conversation, sequence
        case createdAt = "created_at", arrivedAt = "arrived_at", takenAt = "taken_at"
        case firstAnsweredAt = "first_answered_at", closedAt = "closed_at", awaitingCustomer = "awaiting_customer"
    }

    /// A waiting appeal.
    public init(id: String, session: String, topic: String, queue: Queue, customer: CustomerSummary,
                order: Order? = nil, createdAt: Date, conversation: [DeskEntry] = []) {
        self.id = id
        self.session = session
        self.topic = topic
        self.queue = queue
        self.customer = customer
        self.order = order
        self.state = .waiting
        self.specialist = nil
        self.createdAt = createdAt
        self.arrivedAt = createdAt
        self.sequence = 0
        self.takenAt = nil
        self.firstAnsweredAt = nil
        self.closedAt = nil
        self.awaitingCustomer = false
        self.conversation = conversation
    }

    /// The appeal a filed ticket makes: its topic, queue, order (looked up in the profile) and
    /// number. `before` is the chat up to the filing (the customer's messages and the bot's
    /// replies, oldest first); the ticket's messages follow it as the customer's.
    public init(ticket: Ticket, session: String, profile: Profile, before: [DeskEntry] = []) {
        let order = ticket.order.flatMap { id in profile.orders.first { $0.id == id } }
        let messages = ticket.messages.map { DeskEntry(.customer, text: $0, at: ticket.createdAt) }
        self.init(id: ticket.id, session: session, topic: ticket.topic, queue: ticket.queue,
                  customer: CustomerSummary(profile), order: order, createdAt: ticket.createdAt,
                  conversation: before + messages)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        session = try c.decode(String.self, forKey: .session)
        topic = try c.decode(String.self, forKey: .topic)
        queue = try c.decode(Queue.self, forKey: .queue)
        customer = try c.decode(CustomerSummary.self, forKey: .customer)
        order = try c.decodeIfPresent(Order.self, forKey: .order)
        state = try c.decode(AppealState.self, forKey: .state)
        specialist = try c.decodeIfPresent(String.self, forKey: .specialist)
        createdAt = try WireDate.decode(c, forKey: .createdAt)
        arrivedAt = try WireDate.decode(c, forKey: .arrivedAt)
        sequence = try c.decodeIfPresent(Int.self, forKey: .sequence) ?? 0
        takenAt = try WireDate.decodeIfPresent(c, forKey: .takenAt)
        firstAnsweredAt = try WireDate.decodeIfPresent(c, forKey: .firstAnsweredAt)
        closedAt = try WireDate.decodeIfPresent(c, forKey: .closedAt)
        awaitingCustomer = try c.decodeIfPresent(Bool.self, forKey: .awaitingCustomer) ?? false
        conversation = try c.decodeIfPresent([DeskEntry].self, forKey: .conversation) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(session, forKey: .session)
        try c.encode(topic, forKey: .topic)
        try c.encode(queue, forKey: .queue)
        try c.encode(customer, forKey: .customer)
        try c.encodeIfPresent(order, forKey: .order)
        try c.encode(state, forKey: .state)
        try c.encodeIfPresent(specialist, forKey: .specialist)
        try c.encode(WireDate.format(createdAt), forKey: .createdAt)
        try c.encode(WireDate.format(arrivedAt), forKey: .arrivedAt)
        try c.encode(sequence, forKey: .sequence)
        try c.encodeIfPresent(takenAt.map(WireDate.format), forKey: .takenAt)
        try c.encodeIfPresent(firstAnsweredAt.map(WireDate.format), forKey: .firstAnsweredAt)
        try c.encodeIfPresent(closedAt.map(WireDate.format), forKey: .closedAt)
        try c.encode(awaitingCustomer, forKey: .awaitingCustomer)
        try c.encode(conversation, forKey: .conversation)
    }

    /// Whether a specialist is working on it (taken or answered).
    public var isHeld: Bool { state == .taken || state == .answered }
}

/// Dates on the wire and in stored JSON: ISO 8601 text in UTC, with milliseconds so that a stored
/// desk keeps its appeals' order.
enum WireDate {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func decode<Key: CodingKey>(_ c: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Date {
        let text = try c.decode(String.self, forKey: key)
        guard let date = ISO8601.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c,
                debugDescription: "must be an ISO 8601 date-time, e.g. 2026-12-01T10:00:00Z")
        }
        return date
    }

    static func decodeIfPresent<Key: CodingKey>(_ c: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Date? {
        guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
        return try decode(c, forKey: key)
    }
}
