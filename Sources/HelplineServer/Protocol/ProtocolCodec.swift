import Foundation
import HelplineDialogue

/// Turns protocol lines into requests and answers into lines.
///
/// Decoding never throws: a line that is not a valid request becomes ``InboundMessage/invalid(id:_:)``
/// with the error to answer, classified as `bad_utf8`, `bad_json`, `bad_request` or `unknown_op`,
/// and with the request's `id` whenever the line was a JSON object that had one.
public struct ProtocolCodec: Sendable {
    /// The longest `say` text accepted, in characters.
    public var maxTextCharacters: Int

    /// The protocol's limit on a `say` text: 4,000 characters.
    public static let defaultMaxTextCharacters = 4_000

    public init(maxTextCharacters: Int = ProtocolCodec.defaultMaxTextCharacters) {
        self.maxTextCharacters = maxTextCharacters
    }

    // MARK: Requests

    /// Decodes one line (without its line ending).
    public func decodeRequest<Bytes: Collection<UInt8>>(_ line: Bytes) -> InboundMessage {
        guard String(validating: line, as: UTF8.self) != nil else {
            return .invalid(id: nil, ProtocolError(.badUTF8, "the line is not valid UTF-8"))
        }
        let decoder = JSONDecoder()
        decoder.userInfo[RequestEnvelope.codecKey] = self
        do {
            return try decoder.decode(RequestEnvelope.self, from: Data(line)).message
        } catch {
            return .invalid(id: nil, ProtocolError(.badJSON, "the line is not valid JSON"))
        }
    }

    /// Encodes a request as one line, `\n` included (the client side).
    public func encodeRequest(_ request: ProtocolRequest) throws -> Data {
        var data = try Self.makeEncoder().encode(request)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    // MARK: Answers

    /// Encodes an answer as one line, `\n` included.
    public func encodeResponse(_ response: ProtocolResponse) -> Data {
        let encoder = Self.makeEncoder()
        var data: Data
        do {
            data = try encoder.encode(response)
        } catch {
            // Only non-finite numbers can fail to encode; answer with a plain error instead.
            let fallback = ProtocolResponse.failure(id: nil, ProtocolError(.internal, "the answer could not be encoded"))
            data = (try? encoder.encode(fallback)) ?? Data(#"{"ok":false,"error":{"code":"internal","message":""}}"#.utf8)
        }
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Decodes one answer line (the client side).
    public func decodeReply<Bytes: Collection<UInt8>>(_ line: Bytes) throws -> ProtocolReply {
        try JSONDecoder().decode(ProtocolReply.self, from: Data(line))
    }

    /// Keys sorted, so the same answer is always the same bytes.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    // MARK: Interpreting a decoded object

    fileprivate func interpret(_ c: KeyedDecodingContainer<RequestEnvelope.Key>) -> InboundMessage {
        let id = c.contains(.id) ? try? c.decode(JSONValue.self, forKey: .id) : nil
        func invalid(_ code: ErrorCode, _ message: String) -> InboundMessage {
            .invalid(id: id, ProtocolError(code, message))
        }
        guard c.contains(.op) else { return invalid(.badRequest, "the request has no \"op\"") }
        guard let op = try? c.decode(String.self, forKey: .op) else {
            return invalid(.badRequest, "\"op\" must be a string")
        }
        func string(_ key: RequestEnvelope.Key) -> Result<String, ProtocolError> {
            guard c.contains(key), (try? c.decodeNil(forKey: key)) != true else {
                return .failure(ProtocolError(.badRequest, "\"\(op)\" needs \"\(key.rawValue)\""))
            }
            guard let value = try? c.decode(String.self, forKey: key) else {
                return .failure(ProtocolError(.badRequest, "\"\(key.rawValue)\" must be a string"))
            }
            return .success(value)
        }
        func request(_ command: () throws -> ProtocolRequest.Command) -> InboundMessage {
            do {
                return .request(ProtocolRequest(id: id, try command()))
            } catch let error as ProtocolError {
                return .invalid(id: id, error)
            } catch {
                return .invalid(id: id, ProtocolError(.badRequest, Self.describe(error)))
            }
        }
        switch op {
        case "open":
            return request {
                let hasSession = c.contains(.session) && (try? c.decodeNil(forKey: .session)) != true
                let hasUser = c.contains(.user) && (try? c.decodeNil(forKey: .user)) != true
                switch (hasSession, hasUser) {
                case (true, true):
                    throw ProtocolError(.badRequest, "\"open\" takes either \"user\" (a new session) or \"session\" (resume), not both")
                case (true, false):
                    return .resume(session: try string(.session).get())
                case (false, true):
                    do {
                        return .open(try c.decode(Profile.self, forKey: .user))
                    } catch {
                        throw ProtocolError(.badRequest, "\"user\" is not a valid profile: \(Self.describe(error))")
                    }
                case (false, false):
                    throw ProtocolError(.badRequest, "\"open\" needs \"user\" (a new session) or \"session\" (resume)")
                }
            }
        case "say":
            return request {
                let session = try string(.session).get()
                let text = try string(.text).get()
                guard text.count <= maxTextCharacters else {
                    throw ProtocolError(.badRequest, "\"text\" is longer than \(maxTextCharacters) characters")
                }
                return .say(session: session, text: text)
            }
        case "state":
            return request { .state(session: try string(.session).get()) }
        case "close":
            return request { .close(session: try string(.session).get()) }
        case "ping":
            return .request(ProtocolRequest(id: id, .ping))
        case "stats":
            return .request(ProtocolRequest(id: id, .stats))
        default:
            let shown = op.count > 32 ? String(op.prefix(32)) + "…" : op
            return invalid(.unknownOp, "unknown op \"\(shown)\"; known: open, say, state, close, ping, stats")
        }
    }

    /// A short account of a decoding error: where and what, without the offending values.
    static func describe(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let parts = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return parts.isEmpty ? "the value" : String(parts.drop { $0 == "." })
        }
        guard let error = error as? DecodingError else { return "invalid" }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(typeName(type)), not null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "invalid"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}

/// Decodes a request without ever throwing past the JSON syntax check, so that every failure
/// after it is reported with the request's `id`.
private struct RequestEnvelope: Decodable {
    enum Key: String, CodingKey {
        case id, op, user, session, text
    }

    static let codecKey = CodingUserInfoKey(rawValue: "helpline.codec")!

    var message: InboundMessage

    init(from decoder: any Decoder) throws {
        let codec = decoder.userInfo[Self.codecKey] as? ProtocolCodec ?? ProtocolCodec()
        guard let container = try? decoder.container(keyedBy: Key.self) else {
            message = .invalid(id: nil, ProtocolError(.badRequest, "a request must be a JSON object"))
            return
        }
        message = codec.interpret(container)
    }
}
