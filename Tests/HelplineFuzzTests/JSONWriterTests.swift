import Foundation
import HelplineDialogue
import HelplineIntents
@testable import HelplineServer
import PropertyBased
import Testing

/// The dedicated writers of the turn path (the reply line, the stored conversation) against
/// Foundation: the same bytes as `JSONEncoder` for the reply, the same conversation read back by
/// `JSONDecoder` for the stored column, on generated values — escapes, controls, non-BMP
/// characters, odd numbers included.
struct JSONWriterTests {
    /// Text with everything a writer must escape or pass through: quotes, backslashes, slashes,
    /// every control character, Cyrillic, emoji (non-BMP), line separators, DEL.
    static let text = Gen<Character>.oneOf(
        FuzzTests.piece,
        Gen.element(of: Array("\"\\/\u{7F}\u{2028}\u{2029}\u{FEFF}𝒜😀")).map { $0 ?? "\"" }
    ).string(of: 0...40)

    static let double = Gen<Double>.oneOf(
        Gen.double(in: 0...1),
        Gen.element(of: [0.0, 1, 0.5, 0.1, 1e-7, 1e-300, 123_456_789.125, Double.leastNonzeroMagnitude, 0.30000000000000004] as [Double]).map { $0 ?? 0 },
        Gen.int(in: -1_000_000...1_000_000).map { Double($0) / 1000 }
    )

    static let id = Gen<JSONValue?>.oneOf(
        Gen.always(nil),
        Gen.always(.null),
        Gen.bool.map { .bool($0) },
        Gen.int64(in: Int64.min...Int64.max).map { .integer($0) },
        text.map { .string($0) }
    )

    static let state = Gen.element(of: [DialogueState.chooseTopic, .chooseOrder, .write, .submitted]).map { $0 ?? .write }

    static let option = zip(text, text, text).map { ReplyOption(key: $0, label: $1, value: $2) }

    static let date = Gen.int(in: 0...2_000_000_000).map { Date(timeIntervalSince1970: Double($0)) }
        .map { $0.addingTimeInterval(0.001 * Double(Int($0.timeIntervalSince1970) % 1000)) }

    static let ticket = zip(text, text, text.optional, Gen<Queue>.case, Gen.int(in: 0...500).array(of: 0...3),
                            text.array(of: 0...4), date)
        .map { Ticket(id: $0, topic: $1, order: $2, queue: $3, etaMinutes: $4, messages: $5, createdAt: $6) }

    static let reply = zip(state, text, option.array(of: 0...6),
                           zip(text, double).map { IntentScore(id: $0.isEmpty ? nil : IntentID(rawValue: $0), confidence: $1) }.optional, ticket.optional)
        .map { Reply(state: $0, text: $1, options: $2, intent: $3, ticket: $4) }

    static func foundationLine(_ response: ProtocolResponse) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(response)) + [UInt8(ascii: "\n")]
    }

    @Test func replyLinesAreFoundationsBytes() async throws {
        await propertyCheck(count: 400, input: Self.id, Self.text, Self.reply) { id, session, reply in
            let response = ProtocolResponse.reply(id: id, session: session, reply)
            let written = try #require(ProtocolCodec.writeLine(response))
            #expect(written == (try Self.foundationLine(response)))
            let read = try ProtocolCodec().decodeReply(written.dropLast())
            #expect(read.reply?.text == reply.text && read.reply?.options == reply.options && read.session == session)
            #expect(read.reply?.intent == reply.intent && read.reply?.ticket?.messages == reply.ticket?.messages)
        }
    }

    @Test func otherFixedAnswersAreFoundationsBytes() async throws {
        await propertyCheck(count: 300, input: Self.id, Self.text, Self.text) { id, session, message in
            for response in [ProtocolResponse.closed(id: id, session: session), .pong(id: id),
                             .failure(id: id, ProtocolError(ErrorCode(rawValue: session), message))] {
                let written = try #require(ProtocolCodec.writeLine(response))
                #expect(written == (try Self.foundationLine(response)))
            }
        }
    }

    /// Answers the writer leaves alone still go out, through `JSONEncoder`.
    @Test func leavesUnusualIdsToFoundation() throws {
        let response = ProtocolResponse.pong(id: .array([.number(1.5), .object(["a": .null])]))
        #expect(ProtocolCodec.writeLine(response) == nil)
        #expect(Array(ProtocolCodec().encodeResponse(response)) == (try Self.foundationLine(response)))
        let stats = ProtocolResponse.stats(id: 1, ServerStats(sessions: 1, tickets: 2, connections: 3, uptimeSeconds: 4.5,
                                                              turns: 6, rssBytes: nil, sessionsLoaded: 7, transactions: 8))
        #expect(ProtocolCodec.writeLine(stats) == nil)
    }

    @Test func storedConversationsReadBack() async throws {
        let conversation = zip(Self.text, Self.state, Self.text.optional, Self.text.optional, Self.ticket.optional,
                               Gen.int(in: 0...9), Self.option.array(of: 0...12))
            .map { id, state, topic, order, ticket, misses, options in
                var c = Conversation(id: id, profile: Profile(id: "u", name: "Анна"))
                c.state = state
                c.topic = topic
                c.order = order
                c.ticket = ticket
                c.misses = misses
                c.options = options
                return c
            }
        await propertyCheck(count: 400, input: conversation, Self.text.array(of: 0...3).optional, Self.reply.optional,
                            Gen.int(in: 0...99)) { base, draft, reply, count in
            var c = base
            c.draft = draft
            c.ticketCount = count
            // The last reply as the engine leaves it (derivable from the conversation), or any other.
            if let reply, count % 2 == 0 {
                c.lastReply = Reply(state: c.state, text: reply.text, options: c.options, intent: reply.intent, ticket: c.ticket)
            } else {
                c.lastReply = reply
            }
            let column = try SessionDatabase.conversationColumn(c)
            let read = try StoredConversation.decode(column, profile: c.profile)
            #expect(read == c)
            if let written = StoredConversation.write(c) {
                #expect(written == column)
                let foundation = String(decoding: try JSONEncoder().encode(StoredConversation(c)), as: UTF8.self)
                #expect(try StoredConversation.decode(foundation, profile: c.profile) == read)
            }
        }
    }
}
