import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineIntents
import HelplineServer
import NIOConcurrencyHelpers

/// A daemon's two sockets for one desk transcript, and its clock when the replay controls it.
public struct DeskSockets: Sendable {
    /// The customers' socket.
    public var customers: String
    /// The desk socket.
    public var desk: String
    /// The daemon's clock: profiles' travel dates are moved by its distance from the transcript's
    /// `now:`.
    public var now: @Sendable () -> Date
    /// Moves the daemon's clock on and lets its desk end the grace periods that are over (a `~`
    /// step); `nil` for a daemon on the real clock, which cannot replay transcripts with `~` steps.
    public var advance: (@Sendable (TimeInterval) async -> Void)?
    /// Called once the transcript is done (stops a daemon started for it).
    public var finish: @Sendable () async -> Void

    public init(customers: String, desk: String, now: @escaping @Sendable () -> Date = { Date() },
                advance: (@Sendable (TimeInterval) async -> Void)? = nil,
                finish: @escaping @Sendable () async -> Void = {}) {
        self.customers = customers
        self.desk = desk
        self.now = now
        self.advance = advance
        self.finish = finish
    }
}

/// Replays desk transcripts over a daemon's sockets: each customer on a connection of their own to
/// the customers' socket (events off, so that the desk's notices come with the customer's next
/// answer, as in process), each specialist on a connection of their own to the desk socket, and
/// the `? wait` checks through the desk protocol's `show` on an observer's connection (signed in
/// as `replay-observer`, serving no topic, so that it changes no position or estimate).
///
/// Either against one running daemon on the real clock (`helpline replay --socket --desk-socket`):
/// transcripts with `~` steps are skipped as needing in-process replay, and the others run one at
/// a time, each on an emptied desk (see ``init(customers:desk:bundle:)``); or against a daemon
/// per transcript on a clock the replay moves (``init(bundle:start:)``, the tests' in-process
/// daemon served on real sockets).
public struct DeskSocketReplayer: DeskReplaying {
    public let bundle: DataBundle
    public let runsAlone: Bool
    private let sockets: @Sendable (DeskTranscript) async throws -> DeskSockets

    /// The specialist id the replay empties the shared desk with.
    public static let cleaner = "replay-cleanup"
    /// The specialist id the replay checks appeals with.
    public static let observer = "replay-observer"
    /// How long an awaited event or state may take before the check fails (liveness only).
    public let patience: Duration

    /// Against the daemon listening on `customers` and `desk`, on its own clock. Before each
    /// transcript the desk is emptied: every waiting appeal is taken and closed by the specialist
    /// ``cleaner``; a desk with appeals held by other specialists fails the transcript. Use a daemon
    /// started for the replay.
    public init(customers: String, desk: String, bundle: DataBundle, patience: Duration = .seconds(20)) {
        self.bundle = bundle
        self.patience = patience
        runsAlone = true
        sockets = { _ in DeskSockets(customers: customers, desk: desk) }
    }

    /// Against a daemon per transcript, started by `start` with its clock at the transcript's `now:`.
    public init(bundle: DataBundle, patience: Duration = .seconds(20),
                start: @escaping @Sendable (DeskTranscript) async throws -> DeskSockets) {
        self.bundle = bundle
        self.patience = patience
        runsAlone = false
        sockets = start
    }

    public func run(_ transcript: DeskTranscript) async -> TranscriptResult {
        var result = TranscriptResult(title: transcript.title, location: transcript.location)
        let sockets: DeskSockets
        do {
            sockets = try await self.sockets(transcript)
        } catch {
            result.failure = Self.failure(transcript.location, "cannot start the daemon: \(error)")
            return result
        }
        if sockets.advance == nil, let wait = transcript.steps.first(where: { if case .wait = $0.action { true } else { false } }) {
            result.skipped = "the clock moves at line \(wait.location.line); replay it in process (without --socket), or against a daemon whose clock the replay moves"
            await sockets.finish()
            return result
        }
        var play = SocketDeskPlay(transcript: transcript, sockets: sockets, bundle: bundle, patience: patience)
        do {
            try await play.start(emptying: runsAlone)
            result.failure = await play.run()
        } catch let stop as ReplayStop {
            result.failure = stop.failure
        } catch {
            result.failure = Self.failure(transcript.location, "\(error)")
        }
        await play.finish(cleaning: runsAlone)
        await sockets.finish()
        return result
    }

    static func failure(_ location: SourceLocation, _ summary: String) -> ReplayFailure {
        ReplayFailure(userLine: nil, userText: nil, mismatches: [Mismatch(kind: .error, location: location, summary: summary)])
    }
}

/// A replay that cannot go on, and why.
struct ReplayStop: Error {
    var failure: ReplayFailure
}

/// The events a specialist's desk connection was sent, as the client read them: each is logged
/// before any answer after it returns, so after an answer the log holds every event sent before it.
final class SocketEventLog: Sendable {
    private struct State {
        var kinds: [String] = []
        var waiters: [(kind: String, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = NIOLockedValueBox(State())

    func append(_ event: DeskEvent) {
        let kind = DeskPlay.kind(event)
        let ready = state.withLockedValue { state in
            state.kinds.append(kind)
            let ready = state.waiters.filter { $0.kind == kind }.map(\.continuation)
            state.waiters.removeAll { $0.kind == kind }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits until an event of `kind` came (at most `patience`, for liveness), then takes every
    /// event logged so far.
    func drain(awaiting kind: String, patience: Duration) async -> [String] {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let present = self.state.withLockedValue { state in
                        if state.kinds.contains(kind) { return true }
                        state.waiters.append((kind, continuation))
                        return false
                    }
                    if present { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: patience) }
            await group.next()
            group.cancelAll()
            // The waiter, if still there, is resumed so that its task ends.
            let stale = self.state.withLockedValue { state in
                defer { state.waiters.removeAll { $0.kind == kind } }
                return state.waiters.filter { $0.kind == kind }.map(\.continuation)
            }
            for continuation in stale { continuation.resume() }
        }
        return drain()
    }

    /// Takes every event logged so far.
    func drain() -> [String] {
        state.withLockedValue { state in
            defer { state.kinds = [] }
            return state.kinds
        }
    }
}

/// One replay over the sockets in progress.
private struct SocketDeskPlay: DeskStepPlayer {
    let transcript: DeskTranscript
    let sockets: DeskSockets
    let bundle: DataBundle
    let patience: Duration

    /// Customers' connections, sessions and latest appeals, by name.
    var clients: [String: HelplineClient] = [:]
    var sessionOf: [String: String] = [:]
    var appealOf: [String: String] = [:]
    var checker: [String: ReplyChecker] = [:]
    /// Specialists' connections, the appeal each works on, and their events, by name.
    var desks: [String: DeskClient] = [:]
    var current: [String: String] = [:]
    var events: [String: SocketEventLog] = [:]
    /// Signed in as ``DeskSocketReplayer/observer``.
    var observer: DeskClient?

    init(transcript: DeskTranscript, sockets: DeskSockets, bundle: DataBundle, patience: Duration) {
        self.transcript = transcript
        self.sockets = sockets
        self.bundle = bundle
        self.patience = patience
    }

    var location: SourceLocation { transcript.location }

    func fail(_ summary: String) -> ReplayStop { ReplayStop(failure: DeskSocketReplayer.failure(location, summary)) }

    /// Connects the observer; on a shared desk, empties it first.
    mutating func start(emptying: Bool) async throws {
        let observer: DeskClient
        do { observer = try await DeskClient.connect(to: sockets.desk) } catch {
            throw fail("cannot connect to the desk socket \(sockets.desk): \(error)")
        }
        self.observer = observer
        // It serves every topic but those there are: it is never given an appeal.
        let topics = ((try? IntentCatalog(bundle: bundle))?.topics.map(\.id.rawValue) ?? [])
            + [(try? DialogueRules(bundle: bundle))?.generalTopic].compactMap { $0 }
        let signedIn = try await observer.send(.signIn(.init(
            id: DeskSocketReplayer.observer, name: "Replay",
            serves: .scope(ServiceScope([ServiceLine(exceptTopics: topics)])))))
        if case .failure(let error) = signedIn { throw fail("the observer cannot sign in: \(error.code.rawValue): \(error.message)") }
        if emptying { try await empty() }
    }

    /// Takes and closes every waiting appeal; fails when appeals are held by specialists.
    func empty() async throws {
        let cleaner = try await DeskClient.connect(to: sockets.desk)
        do {
            try await empty(with: cleaner)
        } catch {
            await cleaner.disconnect()
            throw error
        }
        await cleaner.disconnect()
    }

    func empty(with cleaner: DeskClient) async throws {
        _ = try await cleaner.send(.signIn(.init(id: DeskSocketReplayer.cleaner, name: "Replay", serves: .scope(.everything))))
        var closed = 0
        while closed < 100_000, case .appeal(let view?) = try await cleaner.send(.next) {
            _ = try await cleaner.send(.close(appeal: view.appeal.id))
            closed += 1
        }
        let overview = try await cleaner.send(.overview)
        _ = try await cleaner.send(.signOut)
        guard case .overview(let desk) = overview else { throw fail("the desk did not answer `overview`: \(overview)") }
        if desk.taken + desk.answered > 0 {
            throw fail("the desk has \(desk.taken + desk.answered) appeals held by specialists; replay desk transcripts over the sockets against a daemon started for the replay")
        }
    }

    /// Moves the daemon's clock, where the replay controls it.
    mutating func wait(_ interval: TimeInterval) async {
        await sockets.advance?(interval)
    }

    /// Closes every connection; on a shared desk, the specialists first close what they hold and
    /// sign out, so that the next transcript finds the desk empty.
    func finish(cleaning: Bool) async {
        for (name, client) in clients {
            if let session = sessionOf[name] { _ = try? await client.close(session: session) }
            await client.disconnect()
        }
        for desk in desks.values {
            if cleaning, case .overview(let overview)? = try? await desk.send(.overview) {
                for appeal in overview.mine { _ = try? await desk.send(.close(appeal: appeal.id)) }
                _ = try? await desk.send(.signOut)
            }
            await desk.disconnect()
        }
        if let observer {
            if cleaning { _ = try? await observer.send(.signOut) }
            await observer.disconnect()
        }
    }

    // MARK: Customers

    mutating func customer(_ name: String, says text: String, _ step: DeskTranscript.Step) async -> [Mismatch] {
        func failed(_ summary: String) -> [Mismatch] { [Mismatch(kind: .error, location: step.location, summary: summary)] }
        if clients[name] == nil {
            guard let declared = transcript.customers.first(where: { $0.name == name }) else { return failed("no customer `\(name)`") }
            let profile: Profile
            do { profile = try declared.profile.load(relativeTo: transcript.location.file, bundle: bundle) } catch {
                return failed("cannot load the profile of `\(name)`: \(error)")
            }
            do {
                let client = try await HelplineClient.connect(to: sockets.customers)
                clients[name] = client
                _ = try await client.setEvents(enabled: false)
                let opened = try await client.open(profile: profile.shifted(by: sockets.now().timeIntervalSince(transcript.now)))
                guard opened.ok, let session = opened.session else {
                    return failed("cannot open the session of `\(name)`: \(opened.error.map { "\($0.code): \($0.message)" } ?? "no session")")
                }
                sessionOf[name] = session
            } catch {
                return failed("cannot open the session of `\(name)` on \(sockets.customers): \(error)")
            }
        }
        guard let client = clients[name], let session = sessionOf[name] else { return failed("`\(name)` has no session") }
        let answer: ProtocolReply
        do { answer = try await client.say(session: session, text: text) } catch {
            return failed("the turn failed: \(error)")
        }
        guard answer.ok, let reply = answer.reply else {
            return failed("the turn failed: \(answer.error.map { "\($0.code): \($0.message)" } ?? "no reply")")
        }
        if let ticket = reply.ticket { appealOf[name] = ticket.id }
        var mismatches = checker[name, default: ReplyChecker()].check(reply, against: step.reply)
        let notices = answer.notices
        for check in step.checks {
            guard case .notice(let pattern) = check.kind else { continue }
            let lines = notices.isEmpty ? ["+ no notices"] : notices.map { "+ \($0.kind.rawValue): \($0.text)" }
            if let pattern {
                if !notices.contains(where: { pattern.matches($0.text) }) {
                    mismatches.append(Mismatch(kind: .assertion, location: check.location, summary: check.source,
                                               detail: ["- a notice matching «\(pattern)»"] + lines))
                }
            } else if !notices.isEmpty {
                mismatches.append(Mismatch(kind: .assertion, location: check.location, summary: check.source,
                                           detail: ["- no notices"] + lines))
            }
        }
        return mismatches
    }

    // MARK: Specialists

    mutating func specialist(_ name: String, sends text: String, _ step: DeskTranscript.Step) async -> [Mismatch] {
        func failed(_ summary: String) -> [Mismatch] { [Mismatch(kind: .error, location: step.location, summary: summary)] }
        let (command, argument) = DeskPlay.command(text)
        do {
            if command == "/signin" {
                guard desks[name] == nil else { return failed("`\(name)` is signed in already") }
                let log = events[name] ?? SocketEventLog()
                events[name] = log
                let desk = try await DeskClient.connect(to: sockets.desk, onEvent: { log.append($0) })
                desks[name] = desk
                let answer = try await desk.send(.signIn(.init(id: name, name: name.capitalized,
                                                               serves: .role(argument.isEmpty ? "general" : argument))))
                if case .signedIn(_, let holding) = answer, let first = holding.first { current[name] = first.id }
                return check(answer, step)
            }
            guard let desk = desks[name] else { return failed("`\(name)` signs in first: `@ \(name): /signin general`") }
            if command == "/leave" {
                let before = try await onDuty()
                await desk.disconnect()
                desks[name] = nil
                // The daemon notices the connection going in its own time: wait until it has.
                try await awaitOnDuty(below: before)
                return check(nil, step)
            }
            guard let request = DeskRequest(transcriptCommand: command, argument: argument, text: text,
                                            appeal: current[name] ?? "") else {
                return failed("unknown command `\(command)`; one of /signin, /next, /ask, /close, /release, /transfer, /overview, /signout, /leave")
            }
            let answer = try await desk.send(request)
            if command == "/next", case .appeal(let view?) = answer { current[name] = view.appeal.id }
            if command == "/signout" {
                await desk.disconnect()
                desks[name] = nil
            }
            return check(answer, step)
        } catch let stop as ReplayStop {
            return stop.failure.mismatches
        } catch {
            return failed("the desk connection of `\(name)` failed: \(error)")
        }
    }

    func check(_ answer: DeskAnswer?, _ step: DeskTranscript.Step) -> [Mismatch] {
        DeskChecks.checkAnswer(answer, step) { appeal in
            appealOf.first { $0.value == appeal.id }?.key ?? "appeal \(appeal.id) of no customer here"
        }
    }

    /// Specialists on duty, as the observer sees them.
    func onDuty() async throws -> Int {
        guard let observer, case .overview(let overview) = try await observer.send(.overview) else {
            throw fail("the observer cannot see the desk's overview")
        }
        return overview.onDuty
    }

    /// Waits until fewer than `count` specialists are on duty: each look is a request answered by
    /// the daemon, and the deadline is for liveness only.
    func awaitOnDuty(below count: Int) async throws {
        let deadline = ContinuousClock.now + patience
        while try await onDuty() >= count {
            guard ContinuousClock.now < deadline else { throw fail("the daemon did not notice a specialist's connection going") }
            await Task.yield()
        }
    }

    // MARK: Checks on the desk as it stands

    /// A `wait` check through `show`, or an `event` check against what the connection was sent.
    func standing(_ check: DeskCheck) async -> Mismatch? {
        func fail(_ expected: String, _ came: String) -> Mismatch {
            Mismatch(kind: .assertion, location: check.location, summary: check.source, detail: ["- \(expected)", "+ \(came)"])
        }
        switch check.kind {
        case .wait(let customer, let fields):
            guard let id = appealOf[customer] else { return fail(DeskChecks.describe(fields), "`\(customer)` has no appeal at the desk") }
            guard let observer, case .appeal(let view?)? = try? await observer.send(.show(appeal: id)) else {
                return fail(DeskChecks.describe(fields), "`show` did not answer with the appeal \(id)")
            }
            var actual = DeskChecks.fields(of: view.appeal)
            actual["position"] = view.position.map(String.init) ?? "none"
            return fields.contains(where: { actual[$0.key] != $0.value })
                ? fail(DeskChecks.describe(fields), DeskChecks.describe(actual)) : nil
        case .event(let specialist, let kind):
            guard let log = events[specialist] else { return fail(kind ?? "no events", "`\(specialist)` never signed in") }
            let came: [String]
            if let kind {
                came = await log.drain(awaiting: kind, patience: patience)
                return came.contains(kind) ? nil : fail(kind, came.isEmpty ? "no events" : came.joined(separator: ", "))
            }
            // Every event sent before the answer to a ping has been logged once it is answered.
            if let desk = desks[specialist] { _ = try? await desk.send(.ping) }
            came = log.drain()
            return came.isEmpty ? nil : fail("no events", came.joined(separator: ", "))
        default:
            return nil
        }
    }
}
