import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineFiles
import HelplineIntents
import HelplineServer

/// What replays desk transcripts: in this process (``DeskReplayer``) or over a daemon's two
/// sockets (``DeskSocketReplayer``).
public protocol DeskReplaying: Sendable {
    func run(_ transcript: DeskTranscript) async -> TranscriptResult
    /// Whether its transcripts share one desk: then they run one at a time, after the customers'
    /// transcripts (which may file appeals at the same desk).
    var runsAlone: Bool { get }
}

/// Replays desk transcripts in this process: a ``SessionService`` and a ``DeskService`` on a
/// temporary database, both on a clock that starts at the transcript's `now:` and moves only at
/// its `~` steps.
public struct DeskReplayer: DeskReplaying {
    public var runsAlone: Bool { false }
    public let engine: DialogueEngine
    public let bundle: DataBundle
    public let rules: DeskRules

    public init(engine: DialogueEngine, bundle: DataBundle) throws {
        self.engine = engine
        self.bundle = bundle
        self.rules = try DeskRules(bundle: bundle)
    }

    public func run(_ transcript: DeskTranscript) async -> TranscriptResult {
        var result = TranscriptResult(title: transcript.title, location: transcript.location)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("helpline-desk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let database = try SessionDatabase(path: folder.appendingPathComponent("sessions.sqlite").path)
            let clock = SimulatedClock(transcript.now)
            let desk = try DeskService(database: database, rules: rules, clock: { clock.now })
            let sessions = try SessionService(database: database, engine: engine, clock: { clock.now }, desk: desk)
            var play = DeskPlay(transcript: transcript, desk: desk, sessions: sessions, clock: clock, bundle: bundle)
            result.failure = await play.run()
            await play.closeConnections()
            desk.stop()
            try? database.close()
        } catch {
            result.failure = ReplayFailure(userLine: nil, userText: nil, mismatches: [
                Mismatch(kind: .error, location: transcript.location, summary: "cannot start the desk: \(error)"),
            ])
        }
        return result
    }
}

/// The transcript's clock: fixed, moved by `~` steps.
final class SimulatedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date

    init(_ date: Date) { self.date = date }

    var now: Date { lock.withLock { date } }

    func advance(by interval: TimeInterval) {
        lock.withLock { date = date.addingTimeInterval(interval) }
    }
}

/// The events a specialist's connections were sent, collected as they come.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [DeskEvent] = []

    func append(_ event: DeskEvent) { lock.withLock { events.append(event) } }

    /// The kinds of the events since the last call. The desk tells the specialists before a change
    /// is answered, so the events of every change awaited so far are here already; with `awaited`,
    /// an event of that kind made by work the desk finishes on its own (a connection's leaving being
    /// stored) is waited for, for at most 5 seconds.
    func drain(awaiting awaited: String?, kindOf: (DeskEvent) -> String) async -> [String] {
        let deadline = ContinuousClock.now + .seconds(5)
        while awaited != nil, ContinuousClock.now < deadline {
            let kinds = lock.withLock { events.map(kindOf) }
            if let awaited, kinds.contains(awaited) { break }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return lock.withLock {
            defer { events = [] }
            return events.map(kindOf)
        }
    }
}

/// One replay in progress.
struct DeskPlay: DeskStepPlayer {
    let transcript: DeskTranscript
    let desk: DeskService
    let sessions: SessionService
    let clock: SimulatedClock
    let bundle: DataBundle

    /// Customers' sessions and their latest appeals, by name.
    var sessionOf: [String: String] = [:]
    var appealOf: [String: String] = [:]
    var checker: [String: ReplyChecker] = [:]
    /// Specialists' connections, the appeal each works on, and their events, by name.
    var connections: [String: DeskConnection] = [:]
    var current: [String: String] = [:]
    var events: [String: EventLog] = [:]

    init(transcript: DeskTranscript, desk: DeskService, sessions: SessionService, clock: SimulatedClock, bundle: DataBundle) {
        self.transcript = transcript
        self.desk = desk
        self.sessions = sessions
        self.clock = clock
        self.bundle = bundle
    }

    /// Moves the simulated clock and lets the desk act on it (grace periods, aging).
    mutating func wait(_ interval: TimeInterval) async {
        clock.advance(by: interval)
        await desk.tick()
    }

    func closeConnections() async {
        for connection in connections.values { await connection.close() }
    }

    // MARK: Customers

    mutating func customer(_ name: String, says text: String, _ step: DeskTranscript.Step) async -> [Mismatch] {
        func failed(_ summary: String) -> [Mismatch] { [Mismatch(kind: .error, location: step.location, summary: summary)] }
        if sessionOf[name] == nil {
            guard let declared = transcript.customers.first(where: { $0.name == name }) else { return failed("no customer `\(name)`") }
            let profile: Profile
            do { profile = try declared.profile.load(relativeTo: transcript.location.file, bundle: bundle) } catch {
                return failed("cannot load the profile of `\(name)`: \(error)")
            }
            switch await sessions.respond(to: ProtocolRequest(.open(profile))) {
            case .reply(_, let session, _), .replyWithNotices(_, let session, _, _): sessionOf[name] = session
            case let other: return failed("cannot open the session of `\(name)`: \(other)")
            }
        }
        let session = sessionOf[name] ?? ""
        let reply: Reply
        var notices: [CustomerNotice] = []
        switch await sessions.respond(to: ProtocolRequest(.say(session: session, text: text))) {
        case .reply(_, _, let answer): reply = answer
        case .replyWithNotices(_, _, let answer, let carried):
            reply = answer
            notices = carried
        case let other: return failed("the turn failed: \(other)")
        }
        if let ticket = reply.ticket { appealOf[name] = ticket.id }
        var mismatches = checker[name, default: ReplyChecker()].check(reply, against: step.reply)
        for check in step.checks {
            guard case .notice(let pattern) = check.kind else { continue }
            if let pattern {
                if !notices.contains(where: { pattern.matches($0.text) }) {
                    mismatches.append(Mismatch(kind: .assertion, location: check.location, summary: check.source,
                                               detail: ["- a notice matching «\(pattern)»"] + noticeLines(notices)))
                }
            } else if !notices.isEmpty {
                mismatches.append(Mismatch(kind: .assertion, location: check.location, summary: check.source,
                                           detail: ["- no notices"] + noticeLines(notices)))
            }
        }
        return mismatches
    }

    func noticeLines(_ notices: [CustomerNotice]) -> [String] {
        notices.isEmpty ? ["+ no notices"] : notices.map { "+ \($0.kind.rawValue): \($0.text)" }
    }

    // MARK: Specialists

    mutating func specialist(_ name: String, sends text: String, _ step: DeskTranscript.Step) async -> [Mismatch] {
        func failed(_ summary: String) -> [Mismatch] { [Mismatch(kind: .error, location: step.location, summary: summary)] }
        let (command, argument) = Self.command(text)
        if command == "/signin" {
            guard connections[name] == nil else { return failed("`\(name)` is signed in already") }
            let log = EventLog()
            let connection = desk.connect(sink: { log.append($0) })
            connections[name] = connection
            events[name] = log
            let answer = await connection.send(.signIn(.init(id: name, name: name.capitalized,
                                                             serves: .role(argument.isEmpty ? "general" : argument))))
            if case .signedIn(_, let holding) = answer, let first = holding.first { current[name] = first.id }
            return checkAnswer(answer, step)
        }
        guard let connection = connections[name] else { return failed("`\(name)` signs in first: `@ \(name): /signin general`") }
        if command == "/leave" {
            await connection.close()
            connections[name] = nil
            return checkAnswer(nil, step)
        }
        guard let request = DeskRequest(transcriptCommand: command, argument: argument, text: text,
                                        appeal: current[name] ?? "") else {
            return failed("unknown command `\(command)`; one of /signin, /next, /ask, /close, /release, /transfer, /overview, /signout, /leave")
        }
        let answer = await connection.send(request)
        if command == "/next", case .appeal(let view?) = answer { current[name] = view.appeal.id }
        if command == "/signout" {
            await connection.close()
            connections[name] = nil
        }
        return checkAnswer(answer, step)
    }

    static func command(_ text: String) -> (String, String) {
        guard text.hasPrefix("/") else { return (text, "") }
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        return (parts[0], parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
    }

    /// The checks on the specialist's answer (`took`, `error`, `appeal`).
    func checkAnswer(_ answer: DeskAnswer?, _ step: DeskTranscript.Step) -> [Mismatch] {
        DeskChecks.checkAnswer(answer, step) { customerName(session: $0.session) }
    }

    func customerName(session: String) -> String {
        sessionOf.first { $0.value == session }?.key ?? session
    }

    static func fields(of appeal: DeskAppeal) -> [String: String] {
        ["queue": appeal.queue.rawValue, "state": appeal.state.rawValue, "specialist": appeal.specialist ?? "none",
         "topic": appeal.topic]
    }

    static func describe(_ fields: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    // MARK: Checks on the desk as it stands

    /// A `wait` or `event` check, against the desk after the step.
    func standing(_ check: DeskCheck) async -> Mismatch? {
        func fail(_ expected: String, _ came: String) -> Mismatch {
            Mismatch(kind: .assertion, location: check.location, summary: check.source, detail: ["- \(expected)", "+ \(came)"])
        }
        switch check.kind {
        case .wait(let customer, let fields):
            guard let id = appealOf[customer], let appeal = desk.desk.appeals[id] else {
                return fail(Self.describe(fields), "`\(customer)` has no appeal at the desk")
            }
            var actual = Self.fields(of: appeal)
            actual["position"] = (try? desk.waitStatus(appeal: id))?.position.map(String.init) ?? "none"
            return fields.contains(where: { actual[$0.key] != $0.value }) ? fail(Self.describe(fields), Self.describe(actual)) : nil
        case .event(let specialist, let kind):
            let came = await events[specialist]?.drain(awaiting: kind, kindOf: Self.kind) ?? []
            if let kind {
                return came.contains(kind) ? nil : fail(kind, came.isEmpty ? "no events" : came.joined(separator: ", "))
            }
            return came.isEmpty ? nil : fail("no events", came.joined(separator: ", "))
        default:
            return nil
        }
    }

    static func kind(_ event: DeskEvent) -> String {
        switch event {
        case .newAppeal: "new_appeal"
        case .followUp: "follow_up"
        case .closedByCustomer: "closed_by_customer"
        }
    }
}

/// Checks shared by the in-process and the socket replays.
enum DeskChecks {
    /// The checks on the specialist's answer (`took`, `error`, `appeal`); `customer` names the
    /// transcript's customer an appeal belongs to (`customerOf`).
    static func checkAnswer(_ answer: DeskAnswer?, _ step: DeskTranscript.Step,
                            customerOf: (DeskAppeal) -> String) -> [Mismatch] {
        var mismatches: [Mismatch] = []
        if case .failure(let error) = answer, !step.checks.contains(where: { if case .error = $0.kind { true } else { false } }) {
            mismatches.append(Mismatch(kind: .error, location: step.location, summary: "the desk refused: \(error.code.rawValue): \(error.message)"))
        }
        var appeal: DeskAppeal?
        if case .appeal(let view?) = answer { appeal = view.appeal }
        for check in step.checks {
            func fail(_ expected: String, _ came: String) {
                mismatches.append(Mismatch(kind: .assertion, location: check.location, summary: check.source,
                                           detail: ["- \(expected)", "+ \(came)"]))
            }
            switch check.kind {
            case .took(let customer):
                let came = appeal.map { customerOf($0) } ?? "none"
                if came != (customer ?? "none") { fail(customer ?? "none", came) }
            case .error(let code):
                if case .failure(let error) = answer {
                    if error.code.rawValue != code { fail(code, error.code.rawValue) }
                } else {
                    fail(code, "no error")
                }
            case .appeal(let fields):
                guard let appeal else { fail(DeskChecks.describe(fields), "no appeal"); continue }
                let actual = DeskChecks.fields(of: appeal)
                if fields.contains(where: { actual[$0.key] != $0.value }) { fail(DeskChecks.describe(fields), DeskChecks.describe(actual)) }
            case .shows(let queue, let fields):
                guard case .overview(let overview) = answer else { fail(DeskChecks.describe(fields), "no overview"); continue }
                var actual: [String: String]
                if let queue {
                    guard let line = overview.queues.first(where: { $0.queue == queue }) else {
                        fail(DeskChecks.describe(fields), "no line for \(queue.rawValue)")
                        continue
                    }
                    actual = ["waiting": "\(line.waiting)", "overdue": "\(line.overdue)",
                              "oldest": line.oldestWaitSeconds.map { "\(Int($0 / 60))m" } ?? "none"]
                } else {
                    actual = ["taken": "\(overview.taken)", "answered": "\(overview.answered)"]
                }
                if fields.contains(where: { actual[$0.key] != $0.value }) { fail(DeskChecks.describe(fields), DeskChecks.describe(actual)) }
            default:
                break
            }
        }
        return mismatches
    }

    static func fields(of appeal: DeskAppeal) -> [String: String] {
        DeskPlay.fields(of: appeal)
    }

    static func describe(_ fields: [String: String]) -> String {
        DeskPlay.describe(fields)
    }
}

extension DeskRequest {
    /// The request a specialist's transcript line makes (`/next`, `/ask TEXT`, `/close`,
    /// `/release`, `/transfer TOPIC-OR-QUEUE`, `/signout`, `/overview`, or a plain line: a reply),
    /// about `appeal` (the one the specialist took last); nil for another `/` command.
    init?(transcriptCommand command: String, argument: String, text: String, appeal: String) {
        switch command {
        case "/next": self = .next
        case "/ask": self = .ask(appeal: appeal, text: argument)
        case "/close": self = .close(appeal: appeal)
        case "/release": self = .release(appeal: appeal)
        case "/transfer":
            let queue = Queue(rawValue: argument)
            self = .transfer(appeal: appeal, topic: queue == nil ? argument : nil, queue: queue)
        case "/signout": self = .signOut
        case "/overview": self = .overview
        default:
            guard !text.hasPrefix("/") else { return nil }
            self = .reply(appeal: appeal, text: text)
        }
    }
}

/// A desk transcript played against a desk, in process or over its sockets: what each kind of
/// step does there, and what the desk shows for a check. ``run()`` plays the steps in order.
protocol DeskStepPlayer {
    var transcript: DeskTranscript { get }
    mutating func customer(_ name: String, says text: String, _ step: DeskTranscript.Step) async -> [Mismatch]
    mutating func specialist(_ name: String, sends text: String, _ step: DeskTranscript.Step) async -> [Mismatch]
    /// A `~` step: time passes.
    mutating func wait(_ interval: TimeInterval) async
    func standing(_ check: DeskCheck) async -> Mismatch?
}

extension DeskStepPlayer {
    /// Plays every step and checks what follows it; the first step with a mismatch ends the replay.
    mutating func run() async -> ReplayFailure? {
        for step in transcript.steps {
            var mismatches: [Mismatch]
            let said: String
            var text: String?
            switch step.action {
            case .customer(let name, let line):
                said = "\(name)> \(line)"
                text = line
                mismatches = await customer(name, says: line, step)
            case .specialist(let name, let line):
                said = "@ \(name): \(line)"
                mismatches = await specialist(name, sends: line, step)
            case .wait(let interval):
                said = "~ \(Int(interval))s"
                await wait(interval)
                mismatches = []
            }
            for check in step.checks {
                if let mismatch = await standing(check) { mismatches.append(mismatch) }
            }
            if !mismatches.isEmpty {
                return ReplayFailure(userLine: step.location, userText: text, mismatches: mismatches, step: said)
            }
        }
        return nil
    }
}
