import Foundation
import HelplineDialogue

/// A reply as one line of the daemon's protocol JSON: `ok`, `session`, `state`, `text`, `options`,
/// `intent` and `ticket` (the last two `null` when absent), so scripts read `helpline chat --json`
/// and the socket alike.
enum ProtocolJSON {
    static func line(session: String, reply: Reply) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(WireReply(session: session, reply: reply)),
              let text = String(data: data, encoding: .utf8) else {
            return #"{"ok":false,"error":{"code":"internal","message":"cannot encode the reply"}}"#
        }
        return text
    }

    private struct WireReply: Encodable {
        var session: String
        var reply: Reply

        enum CodingKeys: String, CodingKey {
            case ok, session, state, text, options, intent, ticket
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(true, forKey: .ok)
            try c.encode(session, forKey: .session)
            try c.encode(reply.state, forKey: .state)
            try c.encode(reply.text, forKey: .text)
            try c.encode(reply.options, forKey: .options)
            if let intent = reply.intent { try c.encode(intent, forKey: .intent) } else { try c.encodeNil(forKey: .intent) }
            if let ticket = reply.ticket { try c.encode(WireTicket(ticket: ticket), forKey: .ticket) } else { try c.encodeNil(forKey: .ticket) }
        }
    }

    private struct WireTicket: Encodable {
        var ticket: Ticket

        enum CodingKeys: String, CodingKey {
            case id, topic, order, queue, messages
            case etaMinutes = "eta_minutes"
            case createdAt = "created_at"
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
}
