import Foundation
import HelplineDialogue
import NIOCore

/// Writes answers straight into a `ByteBuffer`, byte for byte as ``ProtocolCodec/encodeResponse(_:)``
/// writes them with `JSONEncoder` (keys sorted, slashes unescaped), without building the
/// intermediate values `JSONEncoder` does: the daemon's answers are its hottest output.
///
/// The answers' shapes are fixed, so their keys are written in sorted order as literals. Strings
/// are escaped as `JSONEncoder` escapes them, numbers formatted as it formats them. A request `id`
/// that is an array, an object or a fractional number is encoded by `JSONEncoder` itself. Tests
/// compare both encodings over every kind of answer.
struct ResponseWriter {
    /// Appends `response` and a line feed; `false` (and nothing appended) if the answer holds a
    /// number JSON cannot carry, which `JSONEncoder` refuses too.
    static func write(_ response: ProtocolResponse, into buffer: inout ByteBuffer) -> Bool {
        let start = buffer.writerIndex
        guard writeObject(response, into: &buffer) else {
            buffer.moveWriterIndex(to: start)
            return false
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
        return true
    }

    private static func writeObject(_ response: ProtocolResponse, into buffer: inout ByteBuffer) -> Bool {
        switch response {
        case .reply(let id, let session, let reply):
            buffer.writeStaticString("{")
            guard writeID(id, into: &buffer) else { return false }
            buffer.writeStaticString(#""intent":"#)
            if let intent = reply.intent {
                guard intent.confidence.isFinite else { return false }
                buffer.writeStaticString(#"{"confidence":"#)
                writeNumber(intent.confidence, into: &buffer)
                buffer.writeStaticString(#","id":"#)
                writeString(intent.id, into: &buffer)
                buffer.writeStaticString("}")
            } else {
                buffer.writeStaticString("null")
            }
            buffer.writeStaticString(#","ok":true,"options":["#)
            for (index, option) in reply.options.enumerated() {
                buffer.writeStaticString(index == 0 ? #"{"key":"# : #",{"key":"#)
                writeString(option.key, into: &buffer)
                buffer.writeStaticString(#","label":"#)
                writeString(option.label, into: &buffer)
                buffer.writeStaticString(#","value":"#)
                writeString(option.value, into: &buffer)
                buffer.writeStaticString("}")
            }
            buffer.writeStaticString(#"],"session":"#)
            writeString(session, into: &buffer)
            buffer.writeStaticString(#","state":"#)
            writeString(reply.state.rawValue, into: &buffer)
            buffer.writeStaticString(#","text":"#)
            writeString(reply.text, into: &buffer)
            buffer.writeStaticString(#","ticket":"#)
            if let ticket = reply.ticket {
                writeTicket(ticket, into: &buffer)
            } else {
                buffer.writeStaticString("null")
            }
            buffer.writeStaticString("}")
        case .closed(let id, let session):
            buffer.writeStaticString(#"{"closed":true,"#)
            guard writeID(id, into: &buffer) else { return false }
            buffer.writeStaticString(#""ok":true,"session":"#)
            writeString(session, into: &buffer)
            buffer.writeStaticString("}")
        case .pong(let id):
            buffer.writeStaticString("{")
            guard writeID(id, into: &buffer) else { return false }
            buffer.writeStaticString(#""ok":true,"pong":true}"#)
        case .stats(let id, let stats):
            guard stats.uptimeSeconds.isFinite else { return false }
            buffer.writeStaticString("{")
            guard writeID(id, into: &buffer) else { return false }
            buffer.writeStaticString(#""ok":true,"stats":{"connections":"#)
            buffer.writeString(String(stats.connections))
            if let rss = stats.rssBytes {
                buffer.writeStaticString(#","rss_bytes":"#)
                buffer.writeString(String(rss))
            }
            buffer.writeStaticString(#","sessions":"#)
            buffer.writeString(String(stats.sessions))
            buffer.writeStaticString(#","sessions_loaded":"#)
            buffer.writeString(String(stats.sessionsLoaded))
            buffer.writeStaticString(#","tickets":"#)
            buffer.writeString(String(stats.tickets))
            buffer.writeStaticString(#","transactions":"#)
            buffer.writeString(String(stats.transactions))
            buffer.writeStaticString(#","turns":"#)
            buffer.writeString(String(stats.turns))
            buffer.writeStaticString(#","uptime_seconds":"#)
            writeNumber(stats.uptimeSeconds, into: &buffer)
            buffer.writeStaticString("}}")
        case .failure(let id, let error):
            buffer.writeStaticString(#"{"error":{"code":"#)
            writeString(error.code.rawValue, into: &buffer)
            buffer.writeStaticString(#","message":"#)
            writeString(error.message, into: &buffer)
            buffer.writeStaticString("},")
            guard writeID(id, into: &buffer) else { return false }
            buffer.writeStaticString(#""ok":false}"#)
        }
        return true
    }

    /// `"id":VALUE,` when there is an id.
    private static func writeID(_ id: JSONValue?, into buffer: inout ByteBuffer) -> Bool {
        guard let id else { return true }
        buffer.writeStaticString(#""id":"#)
        switch id {
        case .null:
            buffer.writeStaticString("null")
        case .bool(let value):
            if value { buffer.writeStaticString("true") } else { buffer.writeStaticString("false") }
        case .integer(let value):
            buffer.writeString(String(value))
        case .string(let value):
            writeString(value, into: &buffer)
        case .number, .array, .object:
            let encoder = ProtocolCodec.makeEncoder()
            guard let data = try? encoder.encode(id) else { return false }
            buffer.writeBytes(data)
        }
        buffer.writeStaticString(",")
        return true
    }

    /// The wire form of an appeal (see `WireTicket`).
    private static func writeTicket(_ ticket: Ticket, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"created_at":"#)
        writeString(ISO8601.format(ticket.createdAt), into: &buffer)
        buffer.writeStaticString(#","eta_minutes":["#)
        for (index, minutes) in ticket.etaMinutes.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeString(String(minutes))
        }
        buffer.writeStaticString(#"],"id":"#)
        writeString(ticket.id, into: &buffer)
        buffer.writeStaticString(#","messages":["#)
        for (index, message) in ticket.messages.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            writeString(message, into: &buffer)
        }
        buffer.writeStaticString(#"],"order":"#)
        if let order = ticket.order {
            writeString(order, into: &buffer)
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeStaticString(#","queue":"#)
        writeString(ticket.queue.rawValue, into: &buffer)
        buffer.writeStaticString(#","topic":"#)
        writeString(ticket.topic, into: &buffer)
        buffer.writeStaticString("}")
    }

    /// A finite number as `JSONEncoder` writes it: Swift's shortest form, without a trailing `.0`.
    private static func writeNumber(_ value: Double, into buffer: inout ByteBuffer) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        buffer.writeString(text)
    }

    /// A string literal: quotes, backslashes and control characters escaped (`\b \t \n \f \r`
    /// short, the rest as `\u00XX`), everything else as UTF-8.
    static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index {
                    buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[runStart..<index]))
                }
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString(#"\""#)
                case UInt8(ascii: "\\"): buffer.writeStaticString(#"\\"#)
                case 0x08: buffer.writeStaticString(#"\b"#)
                case 0x09: buffer.writeStaticString(#"\t"#)
                case 0x0A: buffer.writeStaticString(#"\n"#)
                case 0x0C: buffer.writeStaticString(#"\f"#)
                case 0x0D: buffer.writeStaticString(#"\r"#)
                default:
                    let hex: StaticString = "0123456789abcdef"
                    buffer.writeStaticString(#"\u00"#)
                    buffer.writeInteger(hex.utf8Start[Int(byte >> 4)])
                    buffer.writeInteger(hex.utf8Start[Int(byte & 0x0F)])
                }
            }
            if runStart < bytes.count {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[runStart...]))
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
