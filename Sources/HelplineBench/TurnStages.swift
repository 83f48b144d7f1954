import Foundation
import HelplineDialogue
import HelplineServer
import Histogram

/// Where a stored turn's time goes, stage by stage: the request line decoded, the engine's turn,
/// the conversation column and the reply line encoded (by the daemon's writers, and by
/// Foundation's `JSONEncoder` for comparison), and the turn committed to SQLite on its own.
/// What a turn over the socket costs beyond their sum is the event loop, the socket and the
/// kernel.
public struct TurnStagesReport: Sendable, Hashable, Codable {
    public var decode: LatencySummary
    /// The same line parsed by `JSONSerialization` into a dictionary, for comparison.
    public var decodeSerialization: LatencySummary
    /// The same line decoded by `JSONDecoder` into a plain struct of the fields a `say` carries,
    /// without the protocol's checks (duplicate keys, id forms, limits), for comparison.
    public var decodeFieldsOnly: LatencySummary
    public var engine: LatencySummary
    public var storedColumn: LatencySummary
    public var storedColumnFoundation: LatencySummary
    public var replyLine: LatencySummary
    public var replyLineFoundation: LatencySummary
    public var commit: LatencySummary

    enum CodingKeys: String, CodingKey {
        case decode, engine, commit
        case decodeSerialization = "decode_serialization"
        case decodeFieldsOnly = "decode_fields_only"
        case storedColumn = "stored_column"
        case storedColumnFoundation = "stored_column_foundation"
        case replyLine = "reply_line"
        case replyLineFoundation = "reply_line_foundation"
    }

    /// The stages in order with their names, for printing.
    public var stages: [(name: String, summary: LatencySummary)] {
        [("decode request", decode), ("  (JSONSerialization)", decodeSerialization),
         ("  (fields only)", decodeFieldsOnly), ("engine turn", engine), ("stored column", storedColumn),
         ("  (JSONEncoder)", storedColumnFoundation), ("reply line", replyLine), ("  (JSONEncoder)", replyLineFoundation),
         ("commit", commit)]
    }
}

/// Times each stage of simulated customers' turns, one turn at a time.
public struct TurnStages: Sendable {
    public let engine: DialogueEngine
    public let profile: Profile

    public init(engine: DialogueEngine, profile: Profile) {
        self.engine = engine
        self.profile = profile
    }

    /// Plays `samples` turns of 64 customers following the script; the commits go to a fresh
    /// database at `databasePath`.
    public func run(samples: Int, databasePath: String, seed: UInt64 = 1) throws -> TurnStagesReport {
        let database = try SessionDatabase(path: databasePath, journal: true)
        defer { try? database.close() }
        let script = CustomerScript(engine: engine)
        let codec = ProtocolCodec()
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var histograms = (0..<9).map { _ in LatencySummary.makeHistogram() }
        func time<T>(_ stage: Int, record: Bool, _ body: () throws -> T) rethrows -> T {
            let started = ContinuousClock.now
            let result = try body()
            if record { histograms[stage].record(InProcessBench.nanoseconds(ContinuousClock.now - started)) }
            return result
        }

        let now = Date()
        struct Customer {
            var conversation: Conversation
            var reply: Reply
            var version: Int
            var scripted: CustomerScript.Customer
        }
        var customers: [Customer] = []
        for index in 0..<64 {
            let (conversation, reply) = engine.start(id: String(format: "%024x", index + 1), profile: profile, now: now)
            guard case .applied(let version) = try BenchStore.commitNow(.create(conversation, greeting: reply.text, at: now), to: database) else {
                throw BenchFailure("could not store a bench session")
            }
            customers.append(Customer(conversation: conversation, reply: reply, version: version,
                                      scripted: CustomerScript.Customer(seed: seed &+ UInt64(index))))
        }

        for index in 0..<(samples + 64) {
            let record = index >= 64
            let slot = index % customers.count
            var customer = customers[slot]
            let text = script.nextText(state: customer.reply.state, optionValues: customer.reply.options.map(\.value),
                                       customer: &customer.scripted)
            let line = try codec.encodeRequest(ProtocolRequest(.say(session: customer.conversation.id, text: text))).dropLast()
            // The comparisons first, the daemon's decoder last: the first to run finds the
            // caches cold after the previous turn and would look slower than it is.
            let data = Data(line)
            _ = try time(7, record: record) { try JSONSerialization.jsonObject(with: data) }
            _ = try time(8, record: record) { try JSONDecoder().decode(SayFields.self, from: data) }
            let message = time(0, record: record) { codec.decodeRequest(line) }
            guard case .request(let request) = message, case .say(_, let said) = request.command else {
                throw BenchFailure("the bench's own request did not decode")
            }
            let before = customer.conversation
            let turn = time(1, record: record) { engine.handle(said, in: &customer.conversation, now: now) }
            let column = try time(2, record: record) { try SessionDatabase.conversationColumn(customer.conversation) }
            _ = try time(3, record: record) { try foundation.encode(StoredConversation(customer.conversation)) }
            let response = ProtocolResponse.reply(id: .integer(Int64(index)), session: customer.conversation.id, turn.reply)
            _ = time(4, record: record) { codec.encodeResponse(response) }
            _ = try time(5, record: record) { try foundation.encode(response) }
            let write = TurnWrite(conversation: customer.conversation, expectedVersion: customer.version, incoming: said,
                                  outgoing: turn.reply.text, effects: turn.effects, at: now,
                                  profileChanged: customer.conversation.profile != before.profile, stored: column)
            let outcome = try time(6, record: record) { try BenchStore.commitNow(.turn(write), to: database) }
            guard case .applied(let version) = outcome else {
                throw BenchFailure("a bench turn was not stored: \(outcome)")
            }
            customer.version = version
            customer.reply = turn.reply
            customers[slot] = customer
        }
        let summaries = histograms.map(LatencySummary.init)
        return TurnStagesReport(decode: summaries[0], decodeSerialization: summaries[7], decodeFieldsOnly: summaries[8], engine: summaries[1], storedColumn: summaries[2],
                                storedColumnFoundation: summaries[3], replyLine: summaries[4],
                                replyLineFoundation: summaries[5], commit: summaries[6])
    }
}

/// The fields a `say` request carries, decoded with no checks: the floor for decoding a request
/// with `JSONDecoder`.
private struct SayFields: Decodable {
    var op: String
    var id: Int64?
    var session: String
    var text: String
}

/// Commits one write at once and waits for it.
private enum BenchStore {
    static func commitNow(_ write: SessionWrite, to database: SessionDatabase) throws -> WriteOutcome {
        let result = ResultBox()
        database.commit(write, schedule: { $0() }, completion: { result.value = $0 })
        guard let value = result.value else { throw BenchFailure("the commit did not complete") }
        return try value.get()
    }

    private final class ResultBox: @unchecked Sendable {
        var value: Result<WriteOutcome, any Error>?
    }
}
