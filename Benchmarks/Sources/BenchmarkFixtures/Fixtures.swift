import Foundation
import HelplineBench
import HelplineDialogue
import HelplineIntents
import HelplineServer
import Synchronization

/// What the benchmarks run on: the engine over the built-in data, the demo customer, and messages
/// taken from the intents' own examples.
public enum Fixtures {
    /// The dialogue engine over the data built into the binary.
    public static let engine: DialogueEngine = {
        do {
            return try DialogueEngine(bundle: .embedded)
        } catch {
            preconditionFailure("the built-in intent data does not load: \(error)")
        }
    }()

    /// The demo customer: goods orders and a hotel booking.
    public static let profile: Profile = {
        do {
            return try Profile.demo()
        } catch {
            preconditionFailure("the built-in demo profile does not load: \(error)")
        }
    }()

    /// The simulated customers' script, as `helpline bench` uses it.
    public static let script = CustomerScript(engine: engine)

    /// Typical messages: the questions of the intent data that are eight words long.
    public static let eightWordMessages: [String] = {
        let questions = script.topicQuestions + script.infoQuestions
        let eight = questions.filter { $0.split(whereSeparator: \.isWhitespace).count == 8 }
        return eight.isEmpty ? questions : eight
    }()
}

/// Hands out 0, 1, 2, … across benchmark iterations, so each iteration takes the next input.
public final class Rotation: Sendable {
    private let counter = Atomic<Int>(0)

    public init() {}

    /// The next element of `items`, round and round.
    public func next<T>(_ items: [T]) -> T {
        items[counter.wrappingAdd(1, ordering: .relaxed).oldValue % items.count]
    }
}

/// A simulated customer in memory: the conversation, the last reply, and the script's dice.
public struct ScriptedCustomer: Sendable {
    public var conversation: Conversation
    public var reply: Reply
    public var random: SplitMix64

    public init(index: Int, now: Date) {
        (conversation, reply) = Fixtures.engine.start(id: "bench-\(index)", profile: Fixtures.profile, now: now)
        random = SplitMix64(seed: UInt64(index) &+ 1)
    }

    /// What the customer types next.
    public mutating func nextText() -> String {
        Fixtures.script.nextText(state: reply.state, optionValues: reply.options.map(\.value), using: &random)
    }
}

/// Customers talking to a ``SessionService`` over a fresh database in a temporary folder.
public final class StoredConversations: Sendable {
    private struct Customer: Sendable {
        var session: String
        var reply: Reply
        var random: SplitMix64
    }

    public let service: SessionService
    private let database: SessionDatabase
    private let folder: URL
    private let customers = Mutex<[Customer]>([])
    private let next = Atomic<Int>(0)

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("helpline-benchmark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try SessionDatabase(path: folder.appendingPathComponent("bench.sqlite").path)
        service = try SessionService(database: database, engine: Fixtures.engine)
    }

    /// Opens `count` sessions.
    public func open(_ count: Int) async throws {
        for index in 0..<count {
            let response = await service.respond(to: ProtocolRequest(.open(Fixtures.profile)))
            guard case .reply(_, let session, let reply) = response else {
                throw FixtureError(message: "open failed: \(response)")
            }
            let customer = Customer(session: session, reply: reply, random: SplitMix64(seed: UInt64(index) &+ 1))
            customers.withLock { $0.append(customer) }
        }
    }

    /// The next customer's next message, as a request.
    public func nextRequest() -> (slot: Int, ProtocolRequest) {
        let slot = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return customers.withLock { customers in
            let index = slot % customers.count
            let text = Fixtures.script.nextText(state: customers[index].reply.state,
                                                optionValues: customers[index].reply.options.map(\.value),
                                                using: &customers[index].random)
            return (index, ProtocolRequest(.say(session: customers[index].session, text: text)))
        }
    }

    /// Records the answer to a customer's request.
    public func read(_ response: ProtocolResponse, slot: Int) {
        guard case .reply(_, _, let reply) = response else { return }
        customers.withLock { $0[slot].reply = reply }
    }

    /// Closes the database and deletes the folder.
    public func remove() {
        try? database.close()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A fixture that could not be set up.
public struct FixtureError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
