import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineServer
import HelplineTesting
import Testing

/// Customers whose appeals go to each queue.
enum DeskProfiles {
    /// The general queue.
    static func regular(_ id: String = "u-regular", name: String = "Анна") -> Profile {
        Profile(id: id, name: name)
    }

    /// A Premium seller: the `premium_seller` queue for any topic but travel.
    static let premiumSeller = Profile(id: "u-seller", name: "Игорь", seller: true, premiumSeller: true)

    /// A corporate client: Ozon Travel's priority queue.
    static let corporate = Profile(id: "u-corporate", name: "Олег", corporate: true)
}

/// A daemon with a desk socket, on a clock the test moves.
struct DeskWorld {
    let daemon: InProcessDaemon
    let clock: TestClock

    static func start() async throws -> DeskWorld {
        let clock = TestClock()
        return DeskWorld(daemon: try await InProcessDaemon.start(clock: clock, desk: true), clock: clock)
    }

    var desk: DeskService {
        get throws { try #require(daemon.daemon.desk) }
    }

    /// Opens a session for `profile` and files an appeal on `topic`; the session and the appeal.
    func file(_ client: HelplineClient, profile: Profile, topic: String = "delivery",
              message: String = "Курьер не приехал в назначенный день.") async throws -> (session: String, ticket: Ticket) {
        let session = try #require(try await client.open(profile: profile).session)
        let ticket = try await fileAppeal(client, session: session, topic: topic, message: message)
        return (session, ticket)
    }

    /// A specialist signed in on a new desk connection.
    func specialist(_ id: String, name: String, role: String) async throws -> DeskClient {
        let client = try await daemon.deskClient()
        let answer = try await client.send(.signIn(.init(id: id, name: name, serves: .role(role))))
        guard case .signedIn = answer else { throw TestFailure("sign-in failed: \(answer)") }
        return client
    }

    func stop() async throws {
        try await daemon.stop()
    }
}

/// Files an appeal in an open session: the topic by its value, the first order offered, then `message`.
func fileAppeal(_ client: HelplineClient, session: String, topic: String, message: String) async throws -> Ticket {
    var answer = try await client.say(session: session, text: topic)
    for _ in 0..<4 {
        guard answer.ok, let state = answer.state else { throw TestFailure("dialogue failed: \(answer)") }
        switch state {
        case .chooseOrder:
            answer = try await client.say(session: session, text: try #require(answer.options.first).key)
        case .write:
            answer = try await client.say(session: session, text: message)
        case .submitted:
            return try #require(answer.ticket)
        case .chooseTopic:
            throw TestFailure("the topic was not taken: \(answer)")
        }
    }
    throw TestFailure("no appeal after several turns: \(answer)")
}

extension DeskClient {
    /// Takes the next appeal; nil when none waits.
    func take() async throws -> AppealView? {
        switch try await send(.next) {
        case .appeal(let view): return view
        case let other: throw TestFailure("next failed: \(other)")
        }
    }

    /// An appeal-answering request that must succeed.
    @discardableResult
    func must(_ request: DeskRequest) async throws -> AppealView {
        switch try await send(request) {
        case .appeal(let view?): return view
        case let other: throw TestFailure("\(request.op) failed: \(other)")
        }
    }

    /// The error code of a request that must fail.
    func refusal(_ request: DeskRequest) async throws -> String {
        guard case .failure(let error) = try await send(request) else { throw TestFailure("\(request.op) did not fail") }
        return error.code.rawValue
    }
}

/// Waits until `condition` holds, checking it as things happen (liveness timeout only).
func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

extension DeskEvent {
    /// The appeal a `new_appeal` event is about, with its reason.
    var newAppeal: (id: String, reason: WaitingReason)? {
        if case .newAppeal(let summary, let reason) = self { return (summary.id, reason) }
        return nil
    }
}
