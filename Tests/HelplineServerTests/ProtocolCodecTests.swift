import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineServer
import NIOCore
import NIOEmbedded
import HelplineTesting
import Testing

struct ProtocolCodecTests {
    let codec = ProtocolCodec()

    private func decode(_ line: String) -> InboundMessage {
        codec.decodeRequest(Array(line.utf8))
    }

    private func errorCode(_ line: String) -> ErrorCode? {
        if case .invalid(_, let error) = decode(line) { return error.code }
        return nil
    }

    /// The JSON object an answer line encodes, for checking fields and explicit nulls.
    private func object(_ response: ProtocolResponse) throws -> [String: Any] {
        let data = codec.encodeResponse(response)
        #expect(data.last == UInt8(ascii: "\n"))
        #expect(data.dropLast().contains(UInt8(ascii: "\n")) == false, "one line per answer")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    // MARK: Requests

    /// Each op decodes to its command with its fields.
    @Test func decodesEveryOp() {
        #expect(decode(#"{"op":"ping"}"#) == .request(ProtocolRequest(.ping)))
        #expect(decode(#"{"op":"stats","id":7}"#) == .request(ProtocolRequest(id: 7, .stats)))
        #expect(decode(#"{"op":"open","session":"s1"}"#) == .request(ProtocolRequest(.resume(session: "s1"))))
        #expect(decode(#"{"op":"say","session":"s1","text":"где мой заказ?"}"#)
            == .request(ProtocolRequest(.say(session: "s1", text: "где мой заказ?"))))
        #expect(decode(#"{"op":"state","session":"s1"}"#) == .request(ProtocolRequest(.state(session: "s1"))))
        #expect(decode(#"{"op":"close","session":"s1"}"#) == .request(ProtocolRequest(.close(session: "s1"))))
        let open = decode(#"{"op":"open","user":{"id":"u1","name":"Анна","premium":true,"orders":[{"id":"12345678-0001","title":"Чайник"}]}}"#)
        guard case .request(let request) = open, case .open(let profile) = request.command else {
            Issue.record("open with a user did not decode: \(open)")
            return
        }
        #expect(profile.id == "u1")
        #expect(profile.premium)
        #expect(profile.orders.map(\.id) == ["12345678-0001"])
    }

    /// `id` comes back as the same JSON value, whatever its type, on success and on error alike.
    @Test func keepsTheIdAsGiven() {
        let ids: [(String, JSONValue)] = [
            ("42", .integer(42)), ("-7", .integer(-7)), (#""abc""#, .string("abc")), ("null", .null),
            ("true", .bool(true)), (#""aб""#, .string("aб")),
        ]
        for (text, value) in ids {
            #expect(decode(#"{"op":"ping","id":\#(text)}"#) == .request(ProtocolRequest(id: value, .ping)))
            guard case .invalid(let id, _) = decode(#"{"op":"nope","id":\#(text)}"#) else {
                Issue.record("unknown op accepted")
                continue
            }
            #expect(id == value)
        }
    }

    /// Invalid UTF-8 is `bad_utf8`, even when it would otherwise be JSON.
    @Test func rejectsInvalidUTF8() {
        var bytes = Array(#"{"op":"say","session":"s","text":""#.utf8)
        bytes += [0xD0, 0x28, 0xFF]
        bytes += Array(#""}"#.utf8)
        guard case .invalid(_, let error) = codec.decodeRequest(bytes) else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
        #expect(error.code == .badUTF8)
    }

    /// Text that is not JSON is `bad_json`, also where Foundation's parsers are lenient: a comma
    /// before a closing bracket, a number with a leading zero.
    @Test(arguments: ["not json", "{", #"{"op":"ping""#, #"{"op":"ping"} trailing"#, "'single'",
                      #"{"op":"ping",}"#, #"{"op":"ping" , }"#, #"{"op":"ping","id":01}"#, #"{"op":"ping","id":-01}"#,
                      #"{"op":"open","user":{"id":"u","orders":[{"id":"1"},]}}"#, #"{"op":"ping","x":[007]}"#,
                      #"{"op":"ping","id":1.}"#, #"{"op":"ping","id":1.e5}"#, #"{"op":"ping","id":-}"#,
                      #"{"op":"ping","x":tru}"#, #"{"op":"\x41"}"#, #"{"op":"ping","x":"\u00e"}"#,
                      "{\"op\":\"pi\u{01}ng\"}", "{\"op\":\"say\",\"session\":\"s\",\"text\":\"a\tb\"}"])
    func rejectsInvalidJSON(line: String) {
        #expect(errorCode(line) == .badJSON)
    }

    /// JSON that is not a well-formed request is `bad_request`.
    @Test(arguments: [
        "[1,2]", "42", #""ping""#, "{}", #"{"op":5}"#, #"{"op":null}"#,
        #"{"op":"say","text":"hi"}"#, #"{"op":"say","session":"s"}"#, #"{"op":"say","session":"s","text":5}"#,
        #"{"op":"say","session":7,"text":"hi"}"#, #"{"op":"state"}"#, #"{"op":"close","session":null}"#,
        #"{"op":"open"}"#, #"{"op":"open","user":{"name":"без id"}}"#, #"{"op":"open","user":"u1"}"#,
        #"{"op":"open","user":{"id":"u1"},"session":"s1"}"#,
        #"{"op":"open","user":{"id":"u1","orders":[{"id":"1","kind":"spaceship"}]}}"#,
    ])
    func rejectsMalformedRequests(line: String) {
        #expect(errorCode(line) == .badRequest)
    }

    /// A field of the wrong type and a string Unicode cannot hold are told apart in the message.
    @Test func namesWhyAStringFieldIsRefused() {
        func message(_ line: String) -> String? {
            if case .invalid(_, let error) = decode(line) { return error.message }
            return nil
        }
        #expect(message(#"{"op":"say","session":"s","text":5}"#) == #""text" must be a string"#)
        #expect(message(#"{"op":null,"id":1}"#) == #""op" must be a string"#)
        #expect(message(#"{"op":true,"id":1}"#) == #""op" must be a string"#)
        let lone = message(#"{"op":"say","session":"s","text":"\ud800"}"#)
        #expect(lone?.contains("not valid Unicode") == true, "\(lone ?? "accepted")")
        #expect(errorCode(#"{"op":"say","session":"s","text":"\ud83d\ude00"}"#) == nil, "a surrogate pair is a character")
    }

    /// A line that starts with a UTF-8 byte-order mark is read as the same line without it: every
    /// check still applies (the id echoed, its type checked, repeated keys refused).
    @Test func aByteOrderMarkIsIgnoredNotABypass() {
        func withMark(_ line: String) -> InboundMessage { codec.decodeRequest([0xEF, 0xBB, 0xBF] + Array(line.utf8)) }
        func withMarks(_ line: String) -> InboundMessage { codec.decodeRequest([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array(line.utf8)) }
        for line in [#"{"op":"ping","id":"a","id":"b"}"#, #"{"op":"open","op":"ping","id":1}"#, #"{"op":"ping","id":1.0}"#] {
            #expect(withMarks(line) == decode(line), "two marks: \(line)")
        }
        for line in [#"{"op":"ping","id":"abc"}"#, #"{"op":"say","session":"s","text":"привет","id":7}"#,
                     #"{"op":"ping","id":1.5}"#, #"{"op":"ping","id":[1,2]}"#,
                     #"{"op":"say","session":"s","text":"доставка","text":"возврат"}"#, #"{"op":"nope","id":3}"#] {
            #expect(withMark(line) == decode(line), "\(line)")
        }
        #expect(errorCode(#"{"op":"ping","id":1.5}"#) == .badRequest)
    }

    /// A profile whose names, ids or order texts carry a control character or a direction override
    /// is refused (they are shown on the chat's and the specialists' screens), and so is a blank id;
    /// the message names the field, not the value.
    @Test(arguments: [
        #"{"id":"u1","name":"Анна\u001b[2J"}"#, #"{"id":"u1","name":"Анна\nМенеджер: верните"}"#,
        #"{"id":"u\u0000\u001b[31m"}"#, #"{"id":" "}"#, #"{"id":""}"#, #"{"id":"u1","name":"Анна\u202e"}"#,
        #"{"id":"u1","orders":[{"id":"","title":"Чайник"}]}"#,
        #"{"id":"u1","orders":[{"id":"1","title":"Чайник\u001b]0;x\u0007"}]}"#,
        #"{"id":"u1","orders":[{"id":"1","title":"Чайник","status":"в пути\r"}]}"#,
        #"{"id":"u1","orders":[{"id":"1\u0085","title":"Чайник"}]}"#,
        #"{"id":"\u200b"}"#, #"{"id":"u1","name":"Анна\u2028Бот: готово"}"#,
        #"{"id":"u1","orders":[{"id":"1234\u200b","title":"Чайник"}]}"#,
    ])
    func refusesProfilesThatWouldRewriteScreens(user: String) {
        guard case .invalid(_, let error) = decode(#"{"op":"open","user":\#(user)}"#) else {
            Issue.record("accepted: \(user)")
            return
        }
        #expect(error.code == .badRequest)
        #expect(error.message.contains("profile"))
        #expect(!error.message.contains("Чайник") && !error.message.contains("Анна"))
    }

    /// An op the protocol does not know is `unknown_op`.
    @Test func rejectsUnknownOps() {
        #expect(errorCode(#"{"op":"delete_everything"}"#) == .unknownOp)
        #expect(errorCode(#"{"op":""}"#) == .unknownOp)
    }

    /// A `say` text is limited to 4,000 Unicode scalars (not bytes: Cyrillic takes two bytes each).
    @Test func limitsTextLength() {
        let atLimit = String(repeating: "я", count: 4_000)
        #expect(errorCode(#"{"op":"say","session":"s","text":"\#(atLimit)"}"#) == nil)
        #expect(errorCode(#"{"op":"say","session":"s","text":"\#(atLimit)я"}"#) == .badRequest)
    }

    /// A bad profile's error says which field is wrong without quoting user data.
    @Test func explainsABadProfile() {
        guard case .invalid(_, let error) = decode(#"{"op":"open","user":{"id":"u1","premium":"секрет"}}"#) else {
            Issue.record("bad profile accepted")
            return
        }
        #expect(error.message.contains("premium"))
        #expect(!error.message.contains("секрет"))
    }

    /// A request encoded by the client decodes to the same request on the server.
    @Test func roundTripsRequests() throws {
        let profile = Profile(id: "u1", name: "Анна", premiumSeller: true,
                              orders: [Order(id: "12345678-0001", title: "Чайник", kind: .hotel, startsAt: Date(timeIntervalSince1970: 1_800_000_000))])
        let requests: [ProtocolRequest] = [
            ProtocolRequest(id: 1, .open(profile)), ProtocolRequest(id: "x", .resume(session: "s")),
            ProtocolRequest(.say(session: "s", text: "текст \"в кавычках\"\nи перевод строки")),
            ProtocolRequest(.state(session: "s")), ProtocolRequest(.close(session: "s")),
            ProtocolRequest(.ping), ProtocolRequest(.stats),
        ]
        for request in requests {
            let line = try codec.encodeRequest(request)
            #expect(line.last == UInt8(ascii: "\n"))
            #expect(codec.decodeRequest(line.dropLast()) == .request(request))
        }
    }

    // MARK: Answers

    /// A reply has every documented field, with `intent` and `ticket` as explicit nulls when absent.
    @Test func encodesAReplyWithExplicitNulls() throws {
        let reply = Reply(state: .chooseTopic, text: "Выберите тему",
                          options: [ReplyOption(key: "1", label: "Доставка", value: "delivery")])
        let json = try object(.reply(id: "r1", session: "s1", reply))
        #expect(json["id"] as? String == "r1")
        #expect(json["ok"] as? Bool == true)
        #expect(json["session"] as? String == "s1")
        #expect(json["state"] as? String == "choose_topic")
        #expect(json["text"] as? String == "Выберите тему")
        let options = try #require(json["options"] as? [[String: String]])
        #expect(options == [["key": "1", "label": "Доставка", "value": "delivery"]])
        #expect(json["intent"] is NSNull)
        #expect(json["ticket"] is NSNull)
    }

    /// An appeal is sent with id, topic, order (null when none), queue and eta_minutes.
    @Test func encodesATicket() throws {
        let ticket = Ticket(id: "s1-1", topic: "returns", order: nil, queue: .premiumSeller, etaMinutes: [5, 10],
                            messages: ["Сломан"], createdAt: Date(timeIntervalSince1970: 1_800_000_000))
        let reply = Reply(state: .submitted, text: "Обращение принято", intent: IntentScore(id: "returns", confidence: 0.93),
                          ticket: ticket)
        let json = try object(.reply(id: nil, session: "s1", reply))
        #expect(json["id"] == nil, "no id in, no id out")
        let intent = try #require(json["intent"] as? [String: Any])
        #expect(intent["id"] as? String == "returns")
        #expect(intent["confidence"] as? Double == 0.93)
        let wire = try #require(json["ticket"] as? [String: Any])
        #expect(wire["id"] as? String == "s1-1")
        #expect(wire["topic"] as? String == "returns")
        #expect(wire["order"] is NSNull)
        #expect(wire["queue"] as? String == "premium_seller")
        #expect(wire["eta_minutes"] as? [Int] == [5, 10])
    }

    /// Errors carry a code and a message and echo the id.
    @Test func encodesErrors() throws {
        let json = try object(.failure(id: .integer(3), ProtocolError(.tooLong, "слишком длинно")))
        #expect(json["ok"] as? Bool == false)
        #expect(json["id"] as? Int == 3)
        let error = try #require(json["error"] as? [String: String])
        #expect(error == ["code": "too_long", "message": "слишком длинно"])
    }

    /// Every answer the server encodes, the client decodes back to the same values.
    @Test func roundTripsAnswers() throws {
        let ticket = Ticket(id: "t", topic: "delivery", order: "12345678-0001", queue: .travelPriority, etaMinutes: [1, 3],
                            messages: ["a", "b"], createdAt: Date(timeIntervalSince1970: 1_800_000_000))
        let reply = Reply(state: .submitted, text: "x", options: [ReplyOption(key: "1", label: "Да", value: "yes")],
                          intent: IntentScore(id: "delivery", confidence: 0.5), ticket: ticket)
        let stats = ServerStats(sessions: 1, tickets: 2, connections: 3, uptimeSeconds: 4.5, turns: 6, rssBytes: 7,
                                sessionsLoaded: 8, transactions: 9)
        let cases: [(ProtocolResponse, ProtocolReply)] = [
            (.reply(id: 1, session: "s", reply), ProtocolReply(id: 1, ok: true, session: "s", reply: reply)),
            (.closed(id: nil, session: "s"), ProtocolReply(ok: true, session: "s", closed: true)),
            (.pong(id: "p"), ProtocolReply(id: "p", ok: true, pong: true)),
            (.stats(id: nil, stats), ProtocolReply(ok: true, stats: stats)),
            (.failure(id: .null, ProtocolError(.overloaded, "busy")), ProtocolReply(id: .null, ok: false, error: ProtocolError(.overloaded, "busy"))),
        ]
        for (response, expected) in cases {
            #expect(try codec.decodeReply(codec.encodeResponse(response).dropLast()) == expected)
        }
    }

    // MARK: The pipeline

    /// The server's handlers turn bytes fed one at a time into requests and errors, in order, and
    /// answers into lines; `too_long` discards only its own line.
    @Test func serverPipelineDecodesAndEncodes() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addProtocolServerHandlers(maximumLineLength: 64)
        var input = Array(#"{"op":"ping","id":1}"#.utf8) + [0x0D, 0x0A]
        input += Array(String(repeating: "x", count: 100).utf8) + [0x0A]
        input += [0xFF, 0xFE, 0x0A]
        input += Array(#"{"op":"state","session":"s"}"#.utf8) + [0x0A]
        for byte in input {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        var messages: [InboundMessage] = []
        while let message = try channel.readInbound(as: InboundMessage.self) { messages.append(message) }
        #expect(messages.count == 4)
        #expect(messages.first == .request(ProtocolRequest(id: 1, .ping)))
        let codes: [ErrorCode?] = messages.map { if case .invalid(_, let e) = $0 { e.code } else { nil } }
        #expect(codes == [nil, .tooLong, .badUTF8, nil])
        #expect(messages.last == .request(ProtocolRequest(.state(session: "s"))))

        try channel.writeOutbound(ProtocolResponse.pong(id: 1))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: written) == #"{"id":1,"ok":true,"pong":true}"# + "\n")
        #expect(try channel.finish().isClean)
    }
}
