import Foundation
import HelplineDialogue

/// An appeal in a list or an event: enough to choose it, without the conversation.
///
/// ```json
/// {"id":"3141-5926","state":"waiting","queue":"premium_seller","topic":"delivery",
///  "customer":{"id":"u-42","name":"Анна","premium":false,"seller":true,"premium_seller":true,"corporate":false,"orders":2},
///  "order":{"id":"12345678-0001","title":"Электрический чайник","kind":"goods"},
///  "arrived_at":"2026-11-25T13:03:40.000Z","specialist":null,"awaiting_customer":false,
///  "preview":"Курьер не приехал в назначенный день."}
/// ```
public struct AppealSummary: Sendable, Hashable, Codable {
    /// The order in brief.
    public struct OrderBrief: Sendable, Hashable, Codable {
        public var id: String
        public var title: String
        public var kind: Order.Kind

        public init(id: String, title: String, kind: Order.Kind) {
            self.id = id
            self.title = title
            self.kind = kind
        }
    }

    public var id: String
    public var state: AppealState
    public var queue: Queue
    public var topic: String
    public var customer: CustomerSummary
    public var order: OrderBrief?
    public var arrivedAt: Date
    public var specialist: String?
    public var awaitingCustomer: Bool
    /// The customer's latest message, cut to ``previewLength`` characters.
    public var preview: String

    /// The longest ``preview``, in characters.
    public static let previewLength = 120

    enum CodingKeys: String, CodingKey {
        case id, state, queue, topic, customer, order, specialist, preview
        case arrivedAt = "arrived_at", awaitingCustomer = "awaiting_customer"
    }

    public init(_ appeal: DeskAppeal) {
        id = appeal.id
        state = appeal.state
        queue = appeal.queue
        topic = appeal.topic
        customer = appeal.customer
        order = appeal.order.map { OrderBrief(id: $0.id, title: $0.title, kind: $0.kind) }
        arrivedAt = appeal.arrivedAt
        specialist = appeal.specialist
        awaitingCustomer = appeal.awaitingCustomer
        let last = appeal.conversation.last { $0.kind == .customer }?.text ?? ""
        preview = last.count > Self.previewLength ? String(last.prefix(Self.previewLength - 1)) + "…" : last
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        state = try c.decode(AppealState.self, forKey: .state)
        queue = try c.decode(Queue.self, forKey: .queue)
        topic = try c.decode(String.self, forKey: .topic)
        customer = try c.decode(CustomerSummary.self, forKey: .customer)
        order = try c.decodeIfPresent(OrderBrief.self, forKey: .order)
        arrivedAt = try WireDate.decode(c, forKey: .arrivedAt)
        specialist = try c.decodeIfPresent(String.self, forKey: .specialist)
        awaitingCustomer = try c.decodeIfPresent(Bool.self, forKey: .awaitingCustomer) ?? false
        preview = try c.decodeIfPresent(String.self, forKey: .preview) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(state, forKey: .state)
        try c.encode(queue, forKey: .queue)
        try c.encode(topic, forKey: .topic)
        try c.encode(customer, forKey: .customer)
        try c.encode(order, forKey: .order)
        try c.encode(WireDate.format(arrivedAt), forKey: .arrivedAt)
        try c.encode(specialist, forKey: .specialist)
        try c.encode(awaitingCustomer, forKey: .awaitingCustomer)
        try c.encode(preview, forKey: .preview)
    }
}

/// An appeal with its whole conversation, as `next` and `show` answer it. The customer's
/// session id is never in it. `show` adds a waiting appeal's `position` (as the customer is told it).
public struct AppealView: Sendable, Hashable, Codable {
    public var appeal: DeskAppeal
    /// A waiting appeal's place for the specialists who would take it (1: next), in `show`'s answer.
    public var position: Int?

    enum CodingKeys: String, CodingKey {
        case id, state, queue, topic, customer, order, specialist, conversation, position
        case createdAt = "created_at", arrivedAt = "arrived_at", takenAt = "taken_at"
        case firstAnsweredAt = "first_answered_at", closedAt = "closed_at", awaitingCustomer = "awaiting_customer"
    }

    public init(_ appeal: DeskAppeal, position: Int? = nil) {
        self.appeal = appeal
        self.position = position
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        position = try c.decodeIfPresent(Int.self, forKey: .position)
        var appeal = DeskAppeal(
            id: try c.decode(String.self, forKey: .id), session: "",
            topic: try c.decode(String.self, forKey: .topic), queue: try c.decode(Queue.self, forKey: .queue),
            customer: try c.decode(CustomerSummary.self, forKey: .customer),
            order: try c.decodeIfPresent(Order.self, forKey: .order),
            createdAt: try WireDate.decode(c, forKey: .createdAt),
            conversation: try c.decode([DeskEntry].self, forKey: .conversation))
        appeal.state = try c.decode(AppealState.self, forKey: .state)
        appeal.specialist = try c.decodeIfPresent(String.self, forKey: .specialist)
        appeal.arrivedAt = try WireDate.decode(c, forKey: .arrivedAt)
        appeal.takenAt = try WireDate.decodeIfPresent(c, forKey: .takenAt)
        appeal.firstAnsweredAt = try WireDate.decodeIfPresent(c, forKey: .firstAnsweredAt)
        appeal.closedAt = try WireDate.decodeIfPresent(c, forKey: .closedAt)
        appeal.awaitingCustomer = try c.decodeIfPresent(Bool.self, forKey: .awaitingCustomer) ?? false
        self.appeal = appeal
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(appeal.id, forKey: .id)
        try c.encode(appeal.state, forKey: .state)
        try c.encode(appeal.queue, forKey: .queue)
        try c.encode(appeal.topic, forKey: .topic)
        try c.encode(appeal.customer, forKey: .customer)
        try c.encode(appeal.order, forKey: .order)
        try c.encode(appeal.specialist, forKey: .specialist)
        try c.encode(WireDate.format(appeal.createdAt), forKey: .createdAt)
        try c.encode(WireDate.format(appeal.arrivedAt), forKey: .arrivedAt)
        try c.encode(appeal.takenAt.map(WireDate.format), forKey: .takenAt)
        try c.encode(appeal.firstAnsweredAt.map(WireDate.format), forKey: .firstAnsweredAt)
        try c.encode(appeal.closedAt.map(WireDate.format), forKey: .closedAt)
        try c.encode(appeal.awaitingCustomer, forKey: .awaitingCustomer)
        try c.encode(appeal.conversation, forKey: .conversation)
        try c.encodeIfPresent(position, forKey: .position)
    }
}
