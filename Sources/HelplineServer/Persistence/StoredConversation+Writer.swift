import HelplineDialogue

extension StoredConversation {
    /// The `conversation` column as ``encode(to:)`` writes it, by ``JSONWriter``: the same fields
    /// in the same form, read back by ``decode(_:profile:)``. Nil when the last reply is not
    /// derivable from the conversation or holds a number JSON cannot (left to `JSONEncoder`).
    static func write(_ c: Conversation) -> String? {
        var out = JSONWriter(capacity: 1024)
        out.raw("{\"id\":")
        out.string(c.id)
        out.raw(",\"state\":")
        out.string(c.state.rawValue)
        if let topic = c.topic {
            out.raw(",\"topic\":")
            out.string(topic)
        }
        if let order = c.order {
            out.raw(",\"order\":")
            out.string(order)
        }
        if let ticket = c.ticket {
            out.raw(",\"ticket\":")
            guard write(ticket, to: &out) else { return nil }
        }
        out.raw(",\"misses\":")
        out.int(c.misses)
        out.raw(",\"options\":[")
        for (index, option) in c.options.enumerated() {
            out.raw(index == 0 ? "[" : ",[")
            out.string(option.key)
            out.raw(",")
            out.string(option.label)
            out.raw(",")
            out.string(option.value)
            out.raw("]")
        }
        out.raw("],\"ticketCount\":")
        out.int(c.ticketCount)
        if let draft = c.draft {
            out.raw(",\"draft\":")
            out.stringArray(draft)
        }
        if let reply = c.lastReply {
            guard reply.state == c.state, reply.options == c.options, reply.ticket == c.ticket else { return nil }
            out.raw(",\"replyText\":")
            out.string(reply.text)
            if let intent = reply.intent {
                out.raw(",\"replyIntent\":{\"id\":")
                out.string(intent.id.wireValue)
                out.raw(",\"confidence\":")
                guard out.double(intent.confidence) else { return nil }
                out.raw("}")
            }
        }
        out.raw("}")
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A ticket as its synthesized `Codable` writes it (the date as seconds since 2001).
    private static func write(_ ticket: Ticket, to out: inout JSONWriter) -> Bool {
        out.raw("{\"id\":")
        out.string(ticket.id)
        out.raw(",\"topic\":")
        out.string(ticket.topic)
        if let order = ticket.order {
            out.raw(",\"order\":")
            out.string(order)
        }
        out.raw(",\"queue\":")
        out.string(ticket.queue.rawValue)
        out.raw(",\"eta_minutes\":")
        out.intArray(ticket.etaMinutes)
        out.raw(",\"messages\":")
        out.stringArray(ticket.messages)
        out.raw(",\"created_at\":")
        guard out.double(ticket.createdAt.timeIntervalSinceReferenceDate) else { return false }
        out.raw("}")
        return true
    }
}
