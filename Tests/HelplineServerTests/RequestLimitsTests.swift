import Foundation
import HelplineDialogue
@testable import HelplineServer
import HelplineTesting
import Testing

/// The bounds and exactness rules a request is held to before any work is done for it.
struct RequestLimitsTests {
    let codec = ProtocolCodec()

    private func decode(_ line: String) -> InboundMessage {
        codec.decodeRequest(Array(line.utf8))
    }

    private func refusal(_ line: String) -> (id: JSONValue?, error: ProtocolError)? {
        if case .invalid(let id, let error) = decode(line) { return (id, error) }
        return nil
    }

    // MARK: id

    /// An `id` nested 500 deep, or past the 512 levels Foundation's parsers read, is refused as
    /// `bad_request` naming it (it used to cost seconds to decode; past 512 it was `bad_json`).
    @Test(arguments: [500, 512, 2_000])
    func refusesNestedIds(depth: Int) throws {
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let refused = try #require(refusal(#"{"op":"ping","id":\#(deep)}"#))
        #expect(refused.error.code == .badRequest)
        #expect(refused.error.message.contains("\"id\""))
        #expect(refused.id == nil)
        #expect(refusal(#"{"op":"ping","id":{"n":1}}"#)?.error.code == .badRequest)
    }

    /// Nesting deeper than any request needs is `bad_request` naming the limit, not a syntax
    /// error; the id comes back.
    @Test func refusesDeepNestingByName() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let refused = try #require(refusal(#"{"op":"say","id":3,"session":"s","text":"x","extra":\#(deep)}"#))
        #expect(refused.error.code == .badRequest && refused.id == .integer(3))
        #expect(refused.error.message.contains("\(ProtocolCodec.maximumDepth)"), "\(refused.error.message)")
        let shallow = String(repeating: "[", count: 8) + String(repeating: "]", count: 8)
        #expect(refusal(#"{"op":"ping","id":3,"extra":\#(shallow)}"#)?.error.message.contains("nest") != true)
    }

    /// A string `id` is at most 128 bytes.
    @Test func boundsStringIds() {
        let atLimit = String(repeating: "a", count: ProtocolCodec.maximumIDBytes)
        #expect(decode(#"{"op":"ping","id":"\#(atLimit)"}"#) == .request(ProtocolRequest(id: .string(atLimit), .ping)))
        #expect(refusal(#"{"op":"ping","id":"\#(atLimit)a"}"#)?.error.code == .badRequest)
    }

    /// A number `id` comes back exactly or is refused: `1.0`, `1e2`, `-0`, and integers beyond
    /// 64 bits or beyond a double (`1e400`) used to come back changed or vanish.
    @Test(arguments: ["1.0", "1e2", "-0", "12345678901234567890", "1e400", "-1.5", "0.1"])
    func refusesNumbersThatWouldComeBackChanged(id: String) throws {
        let refused = try #require(refusal(#"{"op":"ping","id":\#(id)}"#))
        #expect(refused.error.code == .badRequest)
        #expect(refused.id == nil)
        #expect(!refused.error.message.contains(id), "the message does not repeat the value")
    }

    /// The largest and smallest 64-bit integers are echoed as written.
    @Test func keepsIntegerIdsExactly() throws {
        #expect(decode(#"{"op":"ping","id":9223372036854775807}"#) == .request(ProtocolRequest(id: .integer(.max), .ping)))
        #expect(decode(#"{"op":"ping","id":-9223372036854775808}"#) == .request(ProtocolRequest(id: .integer(.min), .ping)))
        let line = codec.encodeResponse(.pong(id: .integer(.max)))
        #expect(String(decoding: line, as: UTF8.self) == #"{"id":9223372036854775807,"ok":true,"pong":true}"# + "\n")
    }

    /// Every accepted `id` encodes: an answer never fails for its id.
    @Test func everyAcceptedIdEncodes() throws {
        for id in [#""x""#, "0", "-9223372036854775808", "true", "null", #""\u00e9\ud83d\ude00""#] {
            guard case .request(let request) = decode(#"{"op":"ping","id":\#(id)}"#) else {
                Issue.record("id \(id) refused")
                continue
            }
            let line = codec.encodeResponse(.pong(id: request.id))
            let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            #expect(object["ok"] as? Bool == true, "id \(id) encodes")
        }
    }

    // MARK: Duplicate keys

    /// A key given twice in any object of the request is refused, escaped spellings included.
    @Test(arguments: [
        #"{"op":"ping","op":"stats"}"#,
        #"{"op":"say","session":"a","session":"b","text":"x"}"#,
        #"{"op":"ping","\u006fp":"stats"}"#,
        #"{"op":"open","user":{"id":"u1","id":"u2"}}"#,
        #"{"op":"open","user":{"id":"u1","orders":[{"id":"1","title":"a","title":"b"}]}}"#,
    ])
    func refusesDuplicateKeys(line: String) throws {
        let refused = try #require(refusal(line))
        #expect(refused.error.code == .badRequest)
        #expect(refused.error.message.contains("same key twice"))
    }

    /// A request with two `id`s is refused without either: neither can come back as its id. A
    /// repeated key elsewhere keeps the one `id` there is.
    @Test func twoIDsAreNotEchoed() throws {
        let twice = try #require(refusal(#"{"op":"ping","id":1,"id":2}"#))
        #expect(twice.error.code == .badRequest && twice.id == nil)
        let other = try #require(refusal(#"{"op":"ping","id":7,"op":"stats"}"#))
        #expect(other.error.code == .badRequest && other.id == .integer(7))
        // The repeated key before the id, in the same object or a nested one.
        for line in [#"{"op":"ping","op":"ping","id":7}"#, #"{"op":"ping","x":{"a":1,"a":2},"id":7}"#] {
            let before = try #require(refusal(line))
            #expect(before.error.code == .badRequest && before.id == .integer(7), "\(line)")
        }
        let third = try #require(refusal(#"{"op":"ping","op":"ping","id":1,"id":2}"#))
        #expect(third.id == nil)
    }

    /// `op` written as a string Unicode cannot hold is named as such, not as «not a string».
    @Test func loneSurrogateOpIsNamed() throws {
        let refused = try #require(refusal(#"{"op":"\ud800","id":7}"#))
        #expect(refused.id == .integer(7) && refused.error.message == #""op" is not valid Unicode text (a lone surrogate escape)"#)
    }

    /// A profile with a string Unicode cannot hold says so, the id kept.
    @Test(arguments: [#"{"id":"\ud800"}"#, #"{"id":"u","orders":[{"id":"1","title":"\udc00","status":"","kind":"goods"}]}"#])
    func loneSurrogateInAProfileIsNamed(user: String) throws {
        let refused = try #require(refusal(#"{"op":"open","id":7,"user":"# + user + "}"))
        #expect(refused.id == .integer(7) && refused.error.code == .badRequest)
        #expect(refused.error.message == #""user" is not a valid profile: a string in it is not valid Unicode text (a lone surrogate escape)"#)
    }

    /// A key Unicode cannot hold is named as such, the id echoed; a line that is no object is
    /// told so.
    @Test func loneSurrogateKeyIsNamed() throws {
        let refused = try #require(refusal(#"{"op":"ping","id":7,"\ud800":1}"#))
        #expect(refused.id == .integer(7) && refused.error.message == "a key is not valid Unicode text (a lone surrogate escape)")
        let array = try #require(refusal("[1]"))
        #expect(array.id == nil && array.error.message == "a request must be a JSON object")
    }

    /// Keys that only look alike, and the same key in different objects, are fine.
    @Test func acceptsDistinctKeys() {
        guard case .request = decode(#"{"op":"open","id":"x","user":{"id":"u1","orders":[{"id":"1"},{"id":"2"}]}}"#) else {
            Issue.record("distinct keys refused")
            return
        }
        guard case .request = decode(#"{"op":"say","session":"s","text":"\"op\":\"op\":"}"#) else {
            Issue.record("a key-like text refused")
            return
        }
    }

    // MARK: text

    /// One letter with 30,000 combining marks is one Character but 30,001 scalars: refused.
    @Test func countsTheTextLimitInUnicodeScalars() throws {
        let text = "a" + String(repeating: "\u{301}", count: 30_000)
        #expect(text.count == 1)
        let refused = try #require(refusal(#"{"op":"say","session":"s","text":"\#(text)"}"#))
        #expect(refused.error.code == .badRequest)
        #expect(refused.error.message.contains("4000"))
    }

    /// A text with NUL is refused (SQLite would keep it only up to the NUL).
    @Test func refusesNulInText() throws {
        let refused = try #require(refusal(#"{"op":"say","session":"s","text":"до\u0000после"}"#))
        #expect(refused.error.code == .badRequest)
        #expect(refused.error.message.contains("NUL"))
        #expect(decode(#"{"op":"say","session":"s","text":"строка\nи\tтаб"}"#)
            == .request(ProtocolRequest(.say(session: "s", text: "строка\nи\tтаб"))), "other controls in text are kept")
    }

    // MARK: Identifiers are exact

    /// A session id with a control character is refused: `"<id>\u0000anything"` never reaches `<id>`.
    @Test(arguments: ["say", "state", "close", "open"])
    func refusesControlCharactersInSessionIds(op: String) throws {
        let line = op == "say"
            ? #"{"op":"say","session":"abc\u0000x","text":"привет"}"#
            : #"{"op":"\#(op)","session":"abc\u0000x"}"#
        let refused = try #require(refusal(line))
        #expect(refused.error.code == .badRequest)
        #expect(refused.error.message.contains("control characters"))
        #expect(refusal(#"{"op":"state","session":"abc\u001b[31m"}"#)?.error.code == .badRequest)
        #expect(refusal(#"{"op":"state","session":"\#(String(repeating: "a", count: 129))"}"#)?.error.code == .badRequest)
    }

    /// A request id with a control character is refused.
    @Test func refusesControlCharactersInRequestIds() throws {
        let refused = try #require(refusal(#"{"op":"ping","id":"a\u0000b"}"#))
        #expect(refused.error.code == .badRequest)
        #expect(refused.id == nil)
    }

    // MARK: Profiles

    private func profileLine(orders: [String]) -> String {
        #"{"op":"open","user":{"id":"u1","orders":[\#(orders.joined(separator: ","))]}}"#
    }

    /// A profile carries at most 100 orders; the error names the limit.
    @Test func capsTheOrdersOfAProfile() throws {
        let orders = (0..<101).map { #"{"id":"\#($0)"}"# }
        let refused = try #require(refusal(profileLine(orders: orders)))
        #expect(refused.error.code == .badRequest)
        #expect(refused.error.message.contains("100"))
        guard case .request = decode(profileLine(orders: Array(orders.prefix(100)))) else {
            Issue.record("100 orders refused")
            return
        }
    }

    /// Order titles (and the other texts) are bounded.
    @Test func boundsOrderTitles() throws {
        let title = String(repeating: "я", count: 201)
        let refused = try #require(refusal(profileLine(orders: [#"{"id":"1","title":"\#(title)"}"#])))
        #expect(refused.error.message.contains("orders[0].title"))
        #expect(refused.error.message.contains("200"))
    }

    /// A profile's fields are named the same way whether a value cannot be read or goes over a
    /// limit: from the profile down, after «"user" is not a valid profile:».
    @Test func profileFieldsNamedOneWay() throws {
        let prefix = #""user" is not a valid profile: "#
        let kind = try #require(refusal(profileLine(orders: [#"{"id":"1","kind":"boat"}"#])))
        #expect(kind.error.message.hasPrefix(prefix + "orders[0].kind must be one of"), "\(kind.error.message)")
        let title = try #require(refusal(profileLine(orders: [#"{"id":"1","title":"\#(String(repeating: "я", count: 201))"}"#])))
        #expect(title.error.message.hasPrefix(prefix + "orders[0].title is longer"), "\(title.error.message)")
    }

    /// Two orders with the same id are refused.
    @Test func refusesDuplicateOrderIds() throws {
        let refused = try #require(refusal(profileLine(orders: [#"{"id":"7"}"#, #"{"id":"8"}"#, #"{"id":"7"}"#])))
        #expect(refused.error.code == .badRequest)
        #expect(refused.error.message.contains("orders[2].id"))
    }

    /// `starts_at` is ISO 8601 text naming a real date: not a number, not 30 February.
    @Test(arguments: ["12345", #""2026-02-30T10:00:00Z""#, #""2026-01-01T25:00:00Z""#, #""2026-13-01T10:00:00Z""#,
                      #""2026-06-01""#, #""завтра""#])
    func refusesStartsAtThatIsNotARealDate(value: String) throws {
        let refused = try #require(refusal(profileLine(orders: [#"{"id":"1","kind":"hotel","starts_at":\#(value)}"#])))
        #expect(refused.error.code == .badRequest)
        #expect(refused.error.message.contains("starts_at"))
    }

    /// Real dates, with an offset, `Z` or fractional seconds, and 29 February of a leap year, are read.
    @Test(arguments: ["2026-06-01T10:00:00+03:00", "2028-02-29T00:00:00Z", "2026-06-01T10:00:00.250Z"])
    func readsRealStartsAt(value: String) throws {
        guard case .request(let request) = decode(profileLine(orders: [#"{"id":"1","kind":"hotel","starts_at":"\#(value)"}"#])),
              case .open(let profile) = request.command else {
            Issue.record("\(value) refused")
            return
        }
        #expect(profile.orders.first?.startsAt != nil)
    }

    // MARK: Messages do not repeat values

    /// Error messages name fields and limits, never the client's values.
    @Test func errorMessagesDoNotRepeatValues() throws {
        let lines = [
            #"{"op":"секретная-операция"}"#,
            #"{"op":"open","user":{"id":"u1","orders":[{"id":"1","kind":"секретный-вид"}]}}"#,
            #"{"op":"open","user":{"id":"u1","premium":"секретно"}}"#,
        ]
        for line in lines {
            let refused = try #require(refusal(line))
            #expect(!refused.error.message.contains("секрет"), "\(refused.error.message)")
        }
    }
}

/// The key scan beside Foundation's decoder, on its own.
struct JSONShapeTests {
    /// A repeated key is found among few keys and among many (kept in a list, then in a set), in
    /// the outer object and in a nested one.
    @Test(arguments: [3, 16, 17, 40])
    func findsARepeatedKeyAmongAnyNumber(count: Int) {
        let keys = (0..<count).map { #""k\#($0)":\#($0)"# }
        #expect(!JSONShape(Array("{\(keys.joined(separator: ","))}".utf8)).hasDuplicateKey)
        let repeated = keys + [#""k\#(count - 1)":0"#]
        #expect(JSONShape(Array("{\(repeated.joined(separator: ","))}".utf8)).hasDuplicateKey)
        #expect(JSONShape(Array(#"{"a":{\#(repeated.joined(separator: ","))},"b":1}"#.utf8)).hasDuplicateKey)
        #expect(!JSONShape(Array(#"{"a":{\#(keys.joined(separator: ","))},"k0":1}"#.utf8)).hasDuplicateKey)
    }

    /// It finds the top-level `id` as written, skipping strings that look like keys and nested ids.
    @Test func findsTheTopLevelIdAsWritten() {
        let shape = JSONShape(Array(#"{"text":"\"id\":5","user":{"id":"inner"},"id" : 1.50 ,"op":"ping"}"#.utf8))
        #expect(shape.idText.map { String(decoding: $0, as: UTF8.self) } == "1.50")
        #expect(shape.opText.map { String(decoding: $0, as: UTF8.self) } == #""ping""#)
        #expect(!shape.hasDuplicateKey)
        let nested = JSONShape(Array(#"{"text":"\"op\":\"say\"","user":{"op":"say"}, "op" : "s\u0061y"}"#.utf8))
        #expect(nested.opText.map { String(decoding: $0, as: UTF8.self) } == #""s\u0061y""#)
        #expect(JSONShape(Array(#"{"id":1}"#.utf8)).opText == nil)
    }

    /// On text that is not JSON (which the decoder then refuses) it ends, whatever the bytes:
    /// every string of up to 4 bytes over JSON's structural characters.
    @Test func endsOnAnyInput() {
        let alphabet = Array(#"{}[]:,"\ id0.-e"#.utf8)
        var inputs: [[UInt8]] = [[]]
        for _ in 0..<4 {
            inputs = inputs.flatMap { prefix in alphabet.map { prefix + [$0] } }
            for input in inputs { _ = JSONShape(input) }
        }
        #expect(inputs.count == alphabet.count * alphabet.count * alphabet.count * alphabet.count)
        for text in [#"{"id":"\"#, #"{"id":["\"#, #"{"id":{"a":"\"#, #"{"id":"#, #"{"id""#] {
            _ = JSONShape(Array(text.utf8))
        }
    }

    /// An id cut off inside a string ending in a backslash is `bad_json`, not a crash.
    @Test func refusesAnIdCutOffAfterABackslash() {
        guard case .invalid(_, let error) = ProtocolCodec().decodeRequest(Array(#"{"op":"ping","id":"\"#.utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(error.code == .badJSON)
    }
}
