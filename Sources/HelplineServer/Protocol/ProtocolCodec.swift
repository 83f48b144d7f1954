import Foundation
import HelplineDialogue
import HelplineText

/// Turns protocol lines into requests and answers into lines.
///
/// Decoding never throws: a line that is not a valid request becomes ``InboundMessage/invalid(id:_:)``
/// with the error to answer, classified as `bad_utf8`, `bad_json`, `bad_request` or `unknown_op`,
/// and with the request's `id` whenever the line was a JSON object that had one.
public struct ProtocolCodec: Sendable {
    /// The longest `say` text accepted, in Unicode scalars (code points).
    public var maxTextCharacters: Int

    /// The protocol's limit on a `say` text: 4,000 Unicode scalars.
    public static let defaultMaxTextCharacters = 4_000
    /// The longest string `id`, in UTF-8 bytes.
    public static let maximumIDBytes = 128
    /// The longest `session`, in UTF-8 bytes (the daemon's own are 24).
    public static let maximumSessionBytes = 128

    public init(maxTextCharacters: Int = ProtocolCodec.defaultMaxTextCharacters) {
        self.maxTextCharacters = maxTextCharacters
    }

    // MARK: Requests

    /// Decodes one line (without its line ending).
    public func decodeRequest<Bytes: Collection<UInt8>>(_ line: Bytes) -> InboundMessage {
        decodeRequest(line, quickSay: true)
    }

    /// ``decodeRequest(_:)``; `quickSay: false` takes the general way for every line (the
    /// tests compare the two).
    package func decodeRequest<Bytes: Collection<UInt8>>(_ line: Bytes, quickSay: Bool) -> InboundMessage {
        var bytes = Array(line)
        JSONShape.dropByteOrderMark(&bytes)
        // Checked in place: no string is made of the line.
        guard (try? UTF8Span(validating: bytes.span)) != nil else {
            return .invalid(id: nil, ProtocolError(.badUTF8, "the line is not valid UTF-8"))
        }
        let shape = JSONShape(bytes)
        // What Foundation would read but JSON does not allow is not JSON.
        if shape.isLenient {
            return .invalid(id: nil, ProtocolError(.badJSON, "the line is not valid JSON"))
        }
        let id = shape.idText.map(RequestID.init(text:)) ?? RequestID.absent
        // No request nests deeper than a few levels; Foundation's parsers stop at 512 with a
        // syntax error, which would misname the fault.
        // (An `id` that is itself nested is refused below, by its name.)
        if shape.depth > Self.maximumDepth {
            switch id {
            case .invalid(let reason) where shape.depth >= Self.parserDepth:
                // Nested past what the parser reads: the `id` is named here, as it is below.
                return .invalid(id: nil, ProtocolError(.badRequest, reason))
            case .invalid: break
            case .valid(let value):
                return .invalid(id: value, ProtocolError(.badRequest, "arrays and objects nest more than \(Self.maximumDepth) deep"))
            case .absent, .string:
                return .invalid(id: nil, ProtocolError(.badRequest, "arrays and objects nest more than \(Self.maximumDepth) deep"))
            }
        }
        if quickSay, !shape.hasDuplicateKey, shape.opText?.elementsEqual(#""say""#.utf8) == true,
           let say = quickSayRequest(bytes, id: id) { return say }
        let message: InboundMessage
        do {
            message = try Self.requestDecoder.decode(RequestEnvelope.self, from: Data(bytes), configuration: (self, id, Self.isObject(bytes))).message
        } catch {
            return .invalid(id: nil, ProtocolError(.badJSON, "the line is not valid JSON"))
        }
        if shape.hasDuplicateKey {
            // `{"id":1,"id":2}`: neither is the request's id, so none is echoed.
            var id: JSONValue? = switch message {
            case .request(let request): request.id
            case .invalid(let id, _): id
            }
            if shape.hasDuplicateID { id = nil }
            return .invalid(id: id, ProtocolError(.badRequest, "an object in the request has the same key twice"))
        }
        return message
    }

    /// The deepest nesting of arrays and objects a request may have.
    static let maximumDepth = 64

    /// The nesting at which Foundation's parsers stop with a syntax error.
    static let parserDepth = 512

    /// The most common request, a well-formed `say` (its `op` written `"say"`), read with
    /// `JSONSerialization`, which takes about half the time of `JSONDecoder` for such a line.
    /// Nil for anything else (another `op`,
    /// a field of another type, a string `id` that breaks a rule, a line `JSONSerialization`
    /// refuses): that goes the general way, which gives the same request for any `say` this one
    /// takes and the exact error for the rest.
    private func quickSayRequest(_ bytes: [UInt8], id given: RequestID) -> InboundMessage? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              object["op"] as? String == "say",
              let session = object["session"] as? String,
              let text = object["text"] as? String else { return nil }
        let id: JSONValue?
        switch given {
        case .absent:
            id = nil
        case .valid(let value):
            id = value
        case .string:
            guard let text = object["id"] as? String, Self.isAcceptableID(text) else { return nil }
            id = .string(text)
        case .invalid:
            return nil
        }
        do {
            return .request(ProtocolRequest(id: id, .say(session: try Self.checkedSession(session), text: try checkedText(text))))
        } catch {
            return .invalid(id: id, error)
        }
    }

    /// Whether a string `id` keeps the protocol's rules (bounded, no control characters).
    private static func isAcceptableID(_ text: String) -> Bool {
        text.utf8.count <= maximumIDBytes && !hasControlCharacter(text)
    }

    /// Whether a line's JSON text is an object: its first byte other than JSON whitespace is `{`.
    static func isObject(_ bytes: [UInt8]) -> Bool {
        bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "{")
    }

    /// A session id: exact, so bounded and free of control characters (no `"id\u0000…"`).
    private static func checkedSession(_ session: String) throws(ProtocolError) -> String {
        guard session.utf8.count <= maximumSessionBytes else {
            throw ProtocolError(.badRequest, "\"session\" is longer than \(maximumSessionBytes) bytes")
        }
        guard !hasControlCharacter(session) else {
            throw ProtocolError(.badRequest, "\"session\" must not contain control characters")
        }
        return session
    }

    /// A `say` text within the length limit and without NUL.
    private func checkedText(_ text: String) throws(ProtocolError) -> String {
        // Counted in Unicode scalars: one letter with 30,000 combining marks is one Character.
        // One pass over the UTF-8: a scalar is a byte that does not continue one (10xxxxxx).
        var scalars = 0
        var hasNUL = false
        for byte in text.utf8 {
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte == 0 { hasNUL = true }
        }
        guard scalars <= maxTextCharacters else {
            throw ProtocolError(.badRequest, "\"text\" is longer than \(maxTextCharacters) Unicode characters (code points)")
        }
        guard !hasNUL else {
            throw ProtocolError(.badRequest, "\"text\" must not contain the NUL character (U+0000)")
        }
        return text
    }

    /// The decoder of every request line (decoding does not change it, so threads share it). A
    /// date in a profile is ISO 8601 text only: not a number of seconds since 2001.
    private static let requestDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "must be an ISO 8601 date-time text"))
        }
        return decoder
    }()

    /// Encodes a request as one line, `\n` included (the client side).
    public func encodeRequest(_ request: ProtocolRequest) throws -> Data {
        var data = try Self.makeEncoder().encode(request)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    // MARK: Answers

    /// Encodes an answer as one line, `\n` included.
    public func encodeResponse(_ response: ProtocolResponse) -> Data {
        if let line = Self.writeLine(response) { return Data(line) }
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

    fileprivate func interpret(_ c: KeyedDecodingContainer<RequestEnvelope.Key>, id given: RequestID) -> InboundMessage {
        let id: JSONValue?
        switch given {
        case .absent:
            id = nil
        case .string:
            // The text was checked to be a JSON string; Foundation unescapes it.
            guard let text = try? c.decode(String.self, forKey: .id) else {
                // Written as a JSON string, but not one Unicode can hold (a lone surrogate escape).
                return .invalid(id: nil, ProtocolError(.badRequest, "\"id\" is not valid Unicode text (a lone surrogate escape)"))
            }
            guard text.utf8.count <= Self.maximumIDBytes else {
                return .invalid(id: nil, ProtocolError(.badRequest, "a string \"id\" is at most \(Self.maximumIDBytes) bytes (UTF-8)"))
            }
            guard !Self.hasControlCharacter(text) else {
                return .invalid(id: nil, ProtocolError(.badRequest, "\"id\" must not contain control characters"))
            }
            id = .string(text)
        case .valid(let value):
            id = value
        case .invalid(let message):
            return .invalid(id: nil, ProtocolError(.badRequest, message))
        }
        func invalid(_ code: ErrorCode, _ message: String) -> InboundMessage {
            .invalid(id: id, ProtocolError(code, message))
        }
        guard c.contains(.op) else { return invalid(.badRequest, "the request has no \"op\"") }
        let op: String
        do {
            op = try c.decode(String.self, forKey: .op)
        } catch DecodingError.typeMismatch, DecodingError.valueNotFound {
            // `"op":true`, `"op":null`
            return invalid(.badRequest, "\"op\" must be a string")
        } catch {
            return invalid(.badRequest, "\"op\" is not valid Unicode text (a lone surrogate escape)")
        }
        func string(_ key: RequestEnvelope.Key) -> Result<String, ProtocolError> {
            guard c.contains(key), (try? c.decodeNil(forKey: key)) != true else {
                return .failure(ProtocolError(.badRequest, "\"\(op)\" needs \"\(key.rawValue)\""))
            }
            do {
                return .success(try c.decode(String.self, forKey: key))
            } catch DecodingError.typeMismatch {
                return .failure(ProtocolError(.badRequest, "\"\(key.rawValue)\" must be a string"))
            } catch {
                // A string JSON can write but Unicode cannot hold: a lone surrogate escape («\ud800»).
                return .failure(ProtocolError(.badRequest, "\"\(key.rawValue)\" is not valid Unicode text (a lone surrogate escape)"))
            }
        }
        func session() throws -> String {
            try Self.checkedSession(try string(.session).get())
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
                    return .resume(session: try session())
                case (false, true):
                    let profile: Profile
                    do {
                        profile = try c.decode(Profile.self, forKey: .user)
                    } catch {
                        // Paths inside the profile, as the limits below name them: «orders[0].kind».
                        throw ProtocolError(.badRequest, "\"user\" is not a valid profile: \(Self.describe(error, within: RequestEnvelope.Key.user))")
                    }
                    try ProfileLimits.check(profile)
                    return .open(profile)
                case (false, false):
                    throw ProtocolError(.badRequest, "\"open\" needs \"user\" (a new session) or \"session\" (resume)")
                }
            }
        case "say":
            return request {
                let session = try session()
                return .say(session: session, text: try checkedText(try string(.text).get()))
            }
        case "state":
            return request { .state(session: try session()) }
        case "close":
            return request { .close(session: try session()) }
        case "ping":
            return .request(ProtocolRequest(id: id, .ping))
        case "stats":
            return .request(ProtocolRequest(id: id, .stats))
        case "events":
            return request {
                guard c.contains(.enabled), let enabled = try? c.decode(Bool.self, forKey: .enabled) else {
                    throw ProtocolError(.badRequest, "\"events\" needs \"enabled\": true or false")
                }
                return .events(enabled: enabled)
            }
        default:
            return invalid(.unknownOp, "unknown op; known: open, say, state, close, ping, stats, events")
        }
    }

    /// Whether `text` has a control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F).
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: ScreenControl.isControl)
    }

    /// A short account of a decoding error: where and what, without the offending values.
    static func describe(_ error: any Error, within outer: (any CodingKey)? = nil) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var codingPath = codingPath
            if let outer, codingPath.first?.stringValue == outer.stringValue { codingPath.removeFirst() }
            let parts = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return parts.isEmpty ? "the value" : String(parts.drop { $0 == "." })
        }
        // Foundation's decoder throws its own errors only for text it cannot unescape: a string
        // JSON can write but Unicode cannot hold.
        guard let error = error as? DecodingError else { return "a string in it is not valid Unicode text (a lone surrogate escape)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(typeName(type)), not null"
        case .dataCorrupted(let context):
            // Foundation's own descriptions may quote the value ("invalid String value spaceship").
            let ours = context.debugDescription.hasPrefix("must ") || context.debugDescription.contains("ISO 8601")
            return "\(path(context.codingPath)) \(ours ? context.debugDescription : "has an invalid value")"
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
private struct RequestEnvelope: DecodableWithConfiguration {
    enum Key: String, CodingKey {
        case id, op, user, session, text, enabled
    }

    /// The codec whose limits apply, the request's `id` as judged from its text, and whether the
    /// text is an object.
    typealias DecodingConfiguration = (codec: ProtocolCodec, id: RequestID, object: Bool)

    var message: InboundMessage

    init(from decoder: any Decoder, configuration: DecodingConfiguration) throws {
        guard let container = try? decoder.container(keyedBy: Key.self) else {
            guard configuration.object else {
                message = .invalid(id: nil, ProtocolError(.badRequest, "a request must be a JSON object"))
                return
            }
            // An object whose keys Foundation cannot read: a key JSON can write but Unicode cannot
            // hold. An `id` that needs no unescaping is echoed.
            let id: JSONValue? = if case .valid(let value) = configuration.id { value } else { nil }
            message = .invalid(id: id, ProtocolError(.badRequest, "a key is not valid Unicode text (a lone surrogate escape)"))
            return
        }
        message = configuration.codec.interpret(container, id: configuration.id)
    }
}

/// A request's `id` as written, judged before decoding: a string (checked further once decoded),
/// an integer that reads back as the same text, `true`, `false` or `null`. Anything else could not
/// be echoed exactly (`1.0`, `1e2`, `-0`, `12345678901234567890`, `1e400`) or costs work that
/// grows with its size (arrays and objects), and is refused.
enum RequestID: Sendable {
    case absent
    case string
    case valid(JSONValue)
    case invalid(String)

    init(text: ArraySlice<UInt8>) {
        let written = String(decoding: text, as: UTF8.self)
        switch text.first {
        case UInt8(ascii: "\""):
            self = .string
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            self = .invalid("\"id\" must be a string or an integer, not an object or array")
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            self = switch written {
            case "true": .valid(.bool(true))
            case "false": .valid(.bool(false))
            default: .valid(.null)
            }
        default:
            if let value = Int64(written), String(value) == written {
                self = .valid(.integer(value))
            } else {
                self = .invalid("a number \"id\" must be an integer from \(Int64.min) to \(Int64.max), written without fraction or exponent")
            }
        }
    }
}
