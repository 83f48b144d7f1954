import Foundation
import HelplineDesk

/// What one line from a desk connection turned out to be: a request, or the error to answer.
enum DeskInbound: Sendable, Hashable {
    case request(id: JSONValue?, DeskRequest)
    /// `id` is echoed when the line was a JSON object with a valid one.
    case invalid(id: JSONValue?, DeskError)
}

/// The desk protocol's lines: requests in, answers and events out. Lines, limits and `id`s are as
/// in the customers' protocol (``ProtocolCodec``); the shapes are `HelplineDesk`'s ``DeskRequest``,
/// ``DeskAnswer`` and ``DeskEventLine``. Errors name the field at fault, never the value sent.
enum DeskCodec {
    static func error(_ code: ErrorCode, _ message: String) -> DeskError {
        DeskError(DeskErrorCode(rawValue: code.rawValue), message)
    }

    /// Reads one line (without its line ending).
    static func decode(_ line: [UInt8]) -> DeskInbound {
        var bytes = line
        JSONShape.dropByteOrderMark(&bytes)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return .invalid(id: nil, error(.badUTF8, "the line is not valid UTF-8"))
        }
        let shape = JSONShape(bytes)
        // What Foundation would read but JSON does not allow (`{"op":"next",}`) is not JSON.
        guard !shape.isLenient,
              let parsed = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
            return refused(bytes, shape)
        }
        guard let object = parsed as? [String: Any] else {
            return .invalid(id: nil, error(.badRequest, "a request must be a JSON object"))
        }
        let id: JSONValue?
        switch shape.idText.map(RequestID.init(text:)) ?? .absent {
        case .absent:
            id = nil
        case .string:
            guard let text = object["id"] as? String else {
                return .invalid(id: nil, error(.badRequest, "\"id\" must be a string or an integer"))
            }
            guard text.utf8.count <= ProtocolCodec.maximumIDBytes else {
                return .invalid(id: nil, error(.badRequest, "a string \"id\" is at most \(ProtocolCodec.maximumIDBytes) bytes (UTF-8)"))
            }
            guard !ProtocolCodec.hasControlCharacter(text) else {
                return .invalid(id: nil, error(.badRequest, "\"id\" must not contain control characters"))
            }
            id = .string(text)
        case .valid(let value):
            id = value
        case .invalid(let message):
            return .invalid(id: nil, error(.badRequest, message))
        }
        if shape.hasDuplicateKey {
            // `{"id":1,"id":2}`: neither is the request's id, so none is echoed.
            return .invalid(id: shape.hasDuplicateID ? nil : id, error(.badRequest, "an object in the request has the same key twice"))
        }
        guard let op = object["op"] else { return .invalid(id: id, error(.badRequest, "the request has no \"op\"")) }
        guard let name = op as? String else { return .invalid(id: id, error(.badRequest, "\"op\" must be a string")) }
        guard DeskRequest.ops.contains(name) else {
            return .invalid(id: id, error(.unknownOp, "unknown op; known: \(DeskRequest.ops.joined(separator: ", "))"))
        }
        do {
            return .request(id: id, try JSONDecoder().decode(DeskRequest.self, from: Data(bytes)))
        } catch let decoding as DecodingError {
            return .invalid(id: id, error(.badRequest, DeskRequest.describe(decoding)))
        } catch {
            return .invalid(id: id, Self.error(.badRequest, "the request is not valid"))
        }
    }

    /// The error for a line `JSONSerialization` refuses, as on the customers' socket: an `id` it
    /// cannot hold (`1e999`) is `bad_request` naming it; so is a well-formed object with a string
    /// Unicode cannot hold (a lone surrogate escape, `"\ud800"`); anything else is not JSON.
    private static func refused(_ bytes: [UInt8], _ shape: JSONShape) -> DeskInbound {
        if !shape.isLenient, let idText = shape.idText, case .invalid(let message) = RequestID(text: idText) {
            return .invalid(id: nil, error(.badRequest, message))
        }
        if !shape.isLenient, hasSurrogateEscape(bytes), (try? JSONDecoder().decode(AnyObjectShape.self, from: Data(bytes))) != nil {
            // The request's own fields are read as usual: a lone surrogate in a field no request
            // has is no fault, as on the customers' socket; in a field it uses, it is refused.
            let id = shape.hasDuplicateID ? nil : echoableID(bytes, shape)
            if shape.hasDuplicateKey {
                return .invalid(id: id, error(.badRequest, "an object in the request has the same key twice"))
            }
            do {
                return .request(id: id, try JSONDecoder().decode(DeskRequest.self, from: Data(bytes)))
            } catch let decoding as DecodingError where !Self.codingPath(decoding).isEmpty {
                // A field's own rule (a name too long…), as on the usual way.
                return .invalid(id: id, error(.badRequest, DeskRequest.describe(decoding)))
            } catch {
                return .invalid(id: id, Self.error(.badRequest, "a string in the request is not valid Unicode text (a lone surrogate escape)"))
            }
        }
        return .invalid(id: nil, error(.badJSON, "the line is not valid JSON"))
    }

    /// The line's `id` to echo when `JSONSerialization` refused the line for a string elsewhere:
    /// an integer, `null`, a boolean, or a string within the limits.
    private static func echoableID(_ bytes: [UInt8], _ shape: JSONShape) -> JSONValue? {
        switch shape.idText.map(RequestID.init(text:)) ?? .absent {
        case .valid(let value):
            return value
        case .string:
            guard let text = (try? JSONDecoder().decode(StringID.self, from: Data(bytes)))?.id,
                  text.utf8.count <= ProtocolCodec.maximumIDBytes, !ProtocolCodec.hasControlCharacter(text) else { return nil }
            return .string(text)
        case .absent, .invalid:
            return nil
        }
    }

    /// Where a decoding error happened.
    private static func codingPath(_ error: DecodingError) -> [any CodingKey] {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            return context.codingPath
        @unknown default:
            return []
        }
    }

    /// A request's string `id`, alone.
    private struct StringID: Decodable {
        var id: String
    }

    /// Whether the line has a `\uD800`–`\uDFFF` escape (half of a surrogate pair).
    private static func hasSurrogateEscape(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 6 else { return false }
        for index in 0...(bytes.count - 6) where bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u") {
            let first = bytes[index + 2] | 0x20, second = bytes[index + 3] | 0x20
            if first == UInt8(ascii: "d"), (UInt8(ascii: "8")...UInt8(ascii: "9")).contains(second)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(second) {
                return true
            }
        }
        return false
    }

    /// Any JSON object: `JSONDecoder` reads the whole line's structure to decode it, and leaves
    /// the strings' escapes alone.
    private struct AnyObjectShape: Decodable {}

    /// An answer line, `\n` included, with the request's `id` first in the same object.
    static func encode(_ answer: DeskAnswer, id: JSONValue?) -> [UInt8] {
        line(Envelope(id: id, answer: answer))
            ?? line(Envelope(id: id, answer: .failure(DeskService.storageFailure)))
            ?? Array(#"{"error":{"code":"internal","message":""},"ok":false}"#.utf8 + [UInt8(ascii: "\n")])
    }

    /// An event line for a specialist, `\n` included.
    static func encode(_ event: DeskEvent) -> [UInt8]? {
        line(DeskEventLine(event))
    }

    private static func line(_ value: some Encodable) -> [UInt8]? {
        guard var data = try? ProtocolCodec.makeEncoder().encode(value) else { return nil }
        data.append(UInt8(ascii: "\n"))
        return Array(data)
    }

    /// An answer with the request's `id`.
    private struct Envelope: Encodable {
        var id: JSONValue?
        var answer: DeskAnswer

        enum Keys: String, CodingKey { case id }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encodeIfPresent(id, forKey: .id)
            try answer.encode(to: encoder)
        }
    }
}
