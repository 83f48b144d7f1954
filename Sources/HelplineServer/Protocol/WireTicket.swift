import Foundation
import HelplineDialogue

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
