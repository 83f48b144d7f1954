import Foundation
import HelplineDesk
import HelplineDialogue
@testable import HelplineServer
import HelplineTesting
import Testing

/// The lines the desk adds: the customers' `events` op, answers with notices, and the desk
/// socket's own codec.
struct DeskProtocolTests {
    let codec = ProtocolCodec()
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    /// `events` needs `enabled`, true or false.
    @Test func decodesTheEventsOp() {
        #expect(codec.decodeRequest(Array(#"{"op":"events","enabled":false,"id":2}"#.utf8))
            == .request(ProtocolRequest(id: 2, .events(enabled: false))))
        #expect(codec.decodeRequest(Array(#"{"op":"events","enabled":true}"#.utf8)) == .request(ProtocolRequest(.events(enabled: true))))
        for line in [#"{"op":"events"}"#, #"{"op":"events","enabled":"no"}"#, #"{"op":"events","enabled":null}"#] {
            guard case .invalid(_, let error) = codec.decodeRequest(Array(line.utf8)) else {
                Issue.record("accepted: \(line)")
                continue
            }
            #expect(error.code == .badRequest && error.message.contains("enabled"))
        }
    }

    /// A reply with notices and the answer to `events` read back as they were sent; the notices'
    /// dates keep their milliseconds.
    @Test func roundTripsTheNewAnswers() throws {
        let notice = CustomerNotice(appeal: "3141-5926", kind: .reply, text: "Ответ специалиста (Мария) по обращению № 3141-5926:\nДа.",
                                    message: "Да.", specialist: "Мария", at: Self.at.addingTimeInterval(0.25))
        let reply = Reply(state: .submitted, text: "x", options: [], ticket: nil)
        let cases: [(ProtocolResponse, ProtocolReply)] = [
            (.replyWithNotices(id: 3, session: "s", reply, notices: [notice]),
             ProtocolReply(id: 3, ok: true, session: "s", reply: reply, notices: [notice])),
            (.events(id: nil, enabled: false), ProtocolReply(ok: true, events: false)),
        ]
        for (response, expected) in cases {
            #expect(try codec.decodeReply(codec.encodeResponse(response).dropLast()) == expected)
        }
        let line = String(decoding: codec.encodeResponse(.replyWithNotices(id: nil, session: "s", reply, notices: [notice])), as: UTF8.self)
        #expect(line.contains(#""notices":[{"appeal":"3141-5926","at":"2027-01-15T08:00:00.250Z","kind":"reply","#), "\(line)")
        #expect(line.contains(#""intent":null"#) && line.contains(#""ticket":null"#))
    }

    /// An event line is told from an answer by having `event` and no `ok`.
    @Test func tellsEventLinesFromAnswers() {
        #expect(HelplineClient.isEvent(Array(DeskService.eventLine(session: "s", CustomerNotice(
            appeal: "1", kind: .taken, text: "t", at: Self.at)).dropLast())))
        #expect(!HelplineClient.isEvent(Array(#"{"id":1,"ok":true,"text":"\"event\":\"notice\""}"#.utf8)))
        #expect(!HelplineClient.isEvent(Array(#"{"events":false,"ok":true}"#.utf8)))
    }

    /// The desk codec: `id`s as in the customers' protocol, the protocol's codes for bad lines,
    /// the field at fault named and the value never repeated.
    @Test func desksCodecReadsAndRefuses() {
        func decode(_ line: String) -> DeskInbound { DeskCodec.decode(Array(line.utf8)) }
        func code(_ line: String) -> String? {
            if case .invalid(_, let error) = decode(line) { return error.code.rawValue }
            return nil
        }
        #expect(decode(#"{"op":"next","id":"x"}"#) == .request(id: .string("x"), .next))
        #expect(decode(#"{"op":"show","appeal":"3141-5926","id":5}"#) == .request(id: 5, .show(appeal: "3141-5926")))
        #expect(code("nope") == "bad_json")
        #expect(code(#"{"op":"next",}"#) == "bad_json")
        #expect(code(#"{"op":"next","id":01}"#) == "bad_json")
        // As on the customers' socket: an id JSONSerialization cannot hold is named, not «not JSON».
        #expect(code(#"{"op":"ping","id":1e999}"#) == "bad_request")
        // …and so is a string Unicode cannot hold, in a well-formed request.
        #expect(code(#"{"op":"reply","appeal":"1","text":"a\uD800b"}"#) == "bad_request")
        #expect(code(#"{"op":"reply","appeal":"1","text":"\udc00"#) == "bad_json")
        #expect(code(#"{"op":"reply","appeal":"1","text":"\u00zz"}"#) == "bad_json")
        #expect(DeskCodec.decode([0xFF, 0xFE]) == .invalid(id: nil, DeskCodec.error(.badUTF8, "the line is not valid UTF-8")))
        #expect(code(#"{"op":"next","op":"ping"}"#) == "bad_request")
        // Two ids: neither is echoed; one id after another repeated key is.
        #expect(decode(#"{"op":"ping","id":1,"id":2}"#) == .invalid(id: nil, DeskCodec.error(.badRequest, "an object in the request has the same key twice")))
        #expect(decode(#"{"op":"ping","x":{"a":1,"a":2},"id":3}"#) == .invalid(id: 3, DeskCodec.error(.badRequest, "an object in the request has the same key twice")))
        // A lone surrogate in a field no request has is no fault; in one it uses, it is refused, the id kept.
        #expect(decode(#"{"op":"ping","id":7,"x":"\ud800"}"#) == .request(id: 7, .ping))
        guard case .invalid(let id, let surrogate) = decode(#"{"op":"show","id":"s","appeal":"\ud800"}"#) else {
            Issue.record("a lone surrogate in the appeal was accepted")
            return
        }
        #expect(id == .string("s") && surrogate.code.rawValue == "bad_request" && surrogate.message.contains("lone surrogate"))
        #expect(code(#"{"op":"next","id":1.5}"#) == "bad_request")
        #expect(code(#"{"id":1}"#) == "bad_request")
        #expect(code(#"{"op":7}"#) == "bad_request")
        guard case .invalid(let id, let error) = decode(#"{"op":"land","id":9}"#) else {
            Issue.record("an unknown op was accepted")
            return
        }
        #expect(id == 9 && error.code.rawValue == "unknown_op" && error.message.contains("sign_in"))
        guard case .invalid(_, let long) = decode(#"{"op":"reply","appeal":"1","text":"\#(String(repeating: "я", count: 4_001))"}"#) else {
            Issue.record("an over-long text was accepted")
            return
        }
        #expect(long.code.rawValue == "bad_request" && long.message.contains("text") && !long.message.contains("яя"))
    }

    /// Answers carry the request's `id` first in the same object; events carry none.
    @Test func desksAnswersCarryTheId() throws {
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(DeskCodec.encode(.pong, id: "a"))) as? [String: Any])
        #expect(answer["id"] as? String == "a" && answer["ok"] as? Bool == true && answer["pong"] as? Bool == true)
        let bare = String(decoding: DeskCodec.encode(.failure(DeskError(.notYours, "x")), id: nil), as: UTF8.self)
        #expect(bare == #"{"error":{"code":"not_yours","message":"x"},"ok":false}"# + "\n")
        let event = String(decoding: try #require(DeskCodec.encode(.closedByCustomer(appeal: "1", at: Self.at))), as: UTF8.self)
        #expect(event == #"{"appeal":"1","at":"2027-01-15T08:00:00.000Z","event":"closed_by_customer"}"# + "\n")
    }
}
