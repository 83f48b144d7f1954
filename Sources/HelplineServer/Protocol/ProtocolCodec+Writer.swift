import HelplineDialogue

extension ProtocolCodec {
    /// The answer's line, `\n` included, written by ``JSONWriter`` (the same bytes as
    /// `JSONEncoder` with sorted keys); nil for the answers left to `JSONEncoder`: `stats`, replies
    /// with the desk's notices, `events`, ids that are fractional numbers, arrays or objects, and
    /// confidences that are not finite.
    static func writeLine(_ response: ProtocolResponse) -> [UInt8]? {
        var out = JSONWriter()
        switch response {
        case .reply(let id, let session, let reply):
            out.raw("{")
            if let id {
                out.raw("\"id\":")
                guard out.id(id) else { return nil }
                out.raw(",")
            }
            out.raw("\"intent\":")
            if let intent = reply.intent {
                out.raw("{\"confidence\":")
                guard out.double(intent.confidence) else { return nil }
                out.raw(",\"id\":")
                out.string(intent.id)
                out.raw("}")
            } else {
                out.raw("null")
            }
            out.raw(",\"ok\":true,\"options\":[")
            for (index, option) in reply.options.enumerated() {
                out.raw(index == 0 ? "{\"key\":" : ",{\"key\":")
                out.string(option.key)
                out.raw(",\"label\":")
                out.string(option.label)
                out.raw(",\"value\":")
                out.string(option.value)
                out.raw("}")
            }
            out.raw("],\"session\":")
            out.string(session)
            out.raw(",\"state\":")
            out.string(reply.state.rawValue)
            out.raw(",\"text\":")
            out.string(reply.text)
            out.raw(",\"ticket\":")
            if let ticket = reply.ticket {
                out.raw("{\"created_at\":")
                out.string(ISO8601.format(ticket.createdAt))
                out.raw(",\"eta_minutes\":")
                out.intArray(ticket.etaMinutes)
                out.raw(",\"id\":")
                out.string(ticket.id)
                out.raw(",\"messages\":")
                out.stringArray(ticket.messages)
                out.raw(",\"order\":")
                out.optionalString(ticket.order)
                out.raw(",\"queue\":")
                out.string(ticket.queue.rawValue)
                out.raw(",\"topic\":")
                out.string(ticket.topic)
                out.raw("}}\n")
            } else {
                out.raw("null}\n")
            }
        case .closed(let id, let session):
            out.raw("{\"closed\":true,")
            guard Self.writeID(id, to: &out) else { return nil }
            out.raw("\"ok\":true,\"session\":")
            out.string(session)
            out.raw("}\n")
        case .pong(let id):
            out.raw("{")
            guard Self.writeID(id, to: &out) else { return nil }
            out.raw("\"ok\":true,\"pong\":true}\n")
        case .failure(let id, let error):
            out.raw("{\"error\":{\"code\":")
            out.string(error.code.rawValue)
            out.raw(",\"message\":")
            out.string(error.message)
            out.raw("},")
            guard Self.writeID(id, to: &out) else { return nil }
            out.raw("\"ok\":false}\n")
        case .stats, .replyWithNotices, .events:
            return nil
        }
        return out.bytes
    }

    /// `"id":…,` when there is an id.
    private static func writeID(_ id: JSONValue?, to out: inout JSONWriter) -> Bool {
        guard let id else { return true }
        out.raw("\"id\":")
        guard out.id(id) else { return false }
        out.raw(",")
        return true
    }
}
