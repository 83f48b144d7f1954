import Foundation
import HelplineDialogue

/// The specialists' desk as a pure value: the appeals and their queues, the specialists and what
/// they serve, the recent handling times.
///
/// Like ``DialogueEngine``, it has no I/O and no clock: every operation takes the time, changes
/// the value and returns a ``DeskOutcome`` — the changed appeals for the host to store before it
/// answers, and the ``DeskEffect``s to perform (events to specialists, notices to customers, a
/// time to call ``tick(now:)``). Taking an appeal is one mutation: it leaves the waiting set and
/// gets its specialist in the same step, so a host that serializes operations (an actor, one
/// database transaction) never gives an appeal to two specialists.
///
/// ```swift
/// var desk = Desk(rules: try DeskRules(bundle: .embedded))
/// _ = try desk.signIn(id: "sp-1", name: "Мария", serves: .role("general"), at: now)
/// _ = try desk.file(DeskAppeal(ticket: ticket, session: session, profile: profile), at: now)
/// let taken = try desk.takeNext(specialist: "sp-1", now: now).appeal   // the oldest of the highest queue
/// let sent = try desk.reply(appeal: ticket.id, specialist: "sp-1", text: "Проверили: …", now: later)
/// sent.effects  // [.deliver(session: session, CustomerNotice(kind: .reply, …))]
/// ```
public struct Desk: Sendable {
    public private(set) var rules: DeskRules
    /// Every appeal at the desk, closed ones included until ``removeClosed(before:)``, by number.
    public private(set) var appeals: [String: DeskAppeal]
    /// Specialists signed in, or within their grace period, by id.
    public private(set) var specialists: [String: Specialist]
    public private(set) var history: DeskHistory
    /// The next appeal's ``DeskAppeal/sequence``.
    private var nextSequence: Int

    public init(rules: DeskRules, state: DeskState = DeskState()) {
        self.rules = rules
        appeals = Dictionary(state.appeals.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        specialists = Dictionary(state.specialists.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        history = state.history
        nextSequence = (state.appeals.map(\.sequence).max() ?? 0) + 1
    }

    /// Goes on under new rules (`config/desk.yaml` reloaded): appeals, specialists and history
    /// stay; queue order, grace periods, roles and texts are the new ones from now on.
    public mutating func replaceRules(_ rules: DeskRules) {
        self.rules = rules
    }

    /// Everything the desk holds, for storing whole.
    public var state: DeskState {
        DeskState(appeals: appeals.values.sorted { $0.sequence < $1.sequence },
                  specialists: specialists.values.sorted { $0.id < $1.id }, history: history)
    }

    /// Takes in changes another host made to the same desk (daemons sharing one database): the
    /// given appeals replace theirs, `specialists` (when given) replaces every specialist, and
    /// `history` (when given) the history. New appeals keep their ``DeskAppeal/sequence``.
    public mutating func update(appeals changed: [DeskAppeal], specialists all: [Specialist]?, history: DeskHistory?) {
        for appeal in changed {
            appeals[appeal.id] = appeal
            nextSequence = max(nextSequence, appeal.sequence + 1)
        }
        if let all {
            specialists = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        }
        if let history { self.history = history }
    }

    // MARK: - Specialists

    /// Signs a specialist in on one more connection, with what they serve; signing in again
    /// (a reconnect within the grace period, or a second terminal) keeps their appeals.
    @discardableResult
    public mutating func signIn(id: String, name: String, serves: Serves, at: Date) throws(DeskError) -> Specialist {
        let role: String?, scope: ServiceScope
        switch serves {
        case .role(let roleName):
            guard let roleScope = rules.roles[roleName] else {
                throw DeskError(.unknownRole, "no such role; known: \(rules.roles.keys.sorted().joined(separator: ", "))")
            }
            (role, scope) = (roleName, roleScope)
        case .scope(let own):
            // A misspelt topic would sign in someone who never gets an appeal of it.
            if !rules.topics.isEmpty,
               let unknown = own.lines.lazy.flatMap({ $0.topics ?? $0.exceptTopics }).first(where: { !rules.topics.contains($0) }) {
                throw DeskError(.unknownTopic, "no such topic «\(unknown)»; known: \(rules.topics.sorted().joined(separator: ", "))")
            }
            (role, scope) = (nil, own)
        }
        // A second terminal of a specialist who is connected serves as the first does: one
        // specialist cannot be two people serving two sets of queues.
        if let current = specialists[id], current.connections > 0, current.name != name || current.scope != scope {
            throw DeskError(.signedInElsewhere,
                            "this specialist id is signed in on another connection under another name or role; sign out there first")
        }
        var specialist = specialists[id] ?? Specialist(id: id, name: name, scope: scope, connections: 0)
        specialist.name = name
        specialist.role = role
        specialist.scope = scope
        specialist.connections += 1
        specialist.leftAt = nil
        specialists[id] = specialist
        return specialist
    }

    /// One of the specialist's connections went. When it was the last, their grace period starts:
    /// the effect asks for a ``tick(now:)`` when it ends.
    public mutating func specialistLeft(_ id: String, at: Date) -> [DeskEffect] {
        guard var specialist = specialists[id], specialist.connections > 0 else { return [] }
        specialist.connections -= 1
        if specialist.connections == 0 { specialist.leftAt = at }
        specialists[id] = specialist
        return specialist.connections == 0 ? [.wakeUp(at: at.addingTimeInterval(rules.graceSeconds))] : []
    }

    /// The specialist signs out on purpose: their appeals go back to the queue at once.
    public mutating func signOut(_ id: String, at: Date) -> DeskOutcome {
        guard specialists[id] != nil else { return DeskOutcome() }
        let outcome = returnAppeals(of: id, at: at, kind: .released)
        specialists[id] = nil
        return outcome
    }

    /// Ends the grace periods that are over at `now`: those specialists' appeals go back to the
    /// queue at their old places (``DeskOutcome/changed``), and the specialists are forgotten.
    public mutating func tick(now: Date) -> DeskOutcome {
        var outcome = DeskOutcome()
        let expired = specialists.values
            .filter { specialist in
                guard specialist.connections == 0, let left = specialist.leftAt else { return false }
                return now.timeIntervalSince(left) >= rules.graceSeconds
            }
            .map(\.id).sorted()
        for id in expired {
            let returned = returnAppeals(of: id, at: now, kind: .returned)
            outcome.changed += returned.changed
            outcome.effects += returned.effects
            specialists[id] = nil
        }
        return outcome
    }

    /// When the next grace period ends, if one is running: when to call ``tick(now:)``.
    public var nextWakeUp: Date? {
        specialists.values.compactMap { specialist in
            specialist.connections == 0 ? specialist.leftAt?.addingTimeInterval(rules.graceSeconds) : nil
        }.min()
    }

    /// After the host restarts, no specialist is connected: each gets a grace period from `at`
    /// to come back before their appeals return to the queue.
    public mutating func restarted(at: Date) -> [DeskEffect] {
        for id in specialists.keys {
            specialists[id]?.connections = 0
            if specialists[id]?.leftAt == nil { specialists[id]?.leftAt = at }
        }
        return nextWakeUp.map { [.wakeUp(at: $0)] } ?? []
    }

    /// The appeals a specialist holds (taken or answered), oldest first.
    public func appeals(heldBy specialist: String) -> [DeskAppeal] {
        appeals.values.filter { $0.isHeld && $0.specialist == specialist }.sorted(by: Self.byArrival)
    }

    // MARK: - Appeals from customers

    /// Files a new appeal into its queue. Specialists on duty who serve it are told.
    public mutating func file(_ appeal: DeskAppeal, at: Date) throws(DeskError) -> DeskOutcome {
        guard appeals[appeal.id] == nil else {
            throw DeskError(.duplicateAppeal, "an appeal with this number is already at the desk")
        }
        var appeal = appeal
        appeal.state = .waiting
        appeal.specialist = nil
        appeal.sequence = nextSequence
        nextSequence += 1
        appeals[appeal.id] = appeal
        return DeskOutcome(changed: [appeal], effects: announce(appeal, reason: .filed, except: nil, now: at))
    }

    /// The customer wrote again. The message is added to the conversation; the specialist who
    /// holds the appeal is told at once, and an answered appeal is theirs to answer again.
    public mutating func customerWrote(appeal id: String, text: String, at: Date) throws(DeskError) -> DeskOutcome {
        var appeal = try open(id)
        let entry = DeskEntry(.customer, text: text, at: at)
        appeal.conversation.append(entry)
        appeal.awaitingCustomer = false
        var effects: [DeskEffect] = []
        if appeal.isHeld, let specialist = appeal.specialist {
            appeal.state = .taken
            effects.append(.notify(specialist: specialist, .followUp(appeal: id, entry)))
        }
        appeals[id] = appeal
        return DeskOutcome(changed: [appeal], effects: effects)
    }

    /// The customer closed the appeal («спасибо, вопрос решён»). Its specialist, if any, is told;
    /// ``DeskOutcome/customerText`` is the answer to the customer.
    public mutating func customerClosed(appeal id: String, at: Date) throws(DeskError) -> DeskOutcome {
        var appeal = try open(id)
        let holder = appeal.isHeld ? appeal.specialist : nil
        appeal.state = .closed
        appeal.closedAt = at
        appeal.awaitingCustomer = false
        appeal.conversation.append(DeskEntry(.closed, at: at))
        appeals[id] = appeal
        let effects = holder.map { [DeskEffect.notify(specialist: $0, .closedByCustomer(appeal: id, at: at))] } ?? []
        return DeskOutcome(changed: [appeal], effects: effects,
                           customerText: rules.prompts.text(.closedByCustomer, ["ticket": id]))
    }

    // MARK: - Taking appeals

    /// Gives the specialist the next appeal they serve: overdue appeals first (waited their
    /// queue's `max_wait_minutes`), then the highest-ranked queue, oldest first. `nil` in
    /// ``DeskOutcome/appeal`` when there is none. The customer is told who has it.
    public mutating func takeNext(specialist id: String, now: Date) throws(DeskError) -> DeskOutcome {
        let specialist = try onDuty(id)
        var best: DeskAppeal?
        for appeal in appeals.values where appeal.state == .waiting && specialist.serves(appeal) {
            if let current = best, !comesBefore(appeal, current, now: now) { continue }
            best = appeal
        }
        guard var appeal = best else { return DeskOutcome() }
        appeal.state = .taken
        appeal.specialist = id
        appeal.takenAt = now
        appeal.conversation.append(DeskEntry(.taken, at: now, specialist: id))
        appeals[appeal.id] = appeal
        let notice = CustomerNotice(appeal: appeal.id, kind: .taken,
                                    text: rules.prompts.text(.noticeTaken, ["ticket": appeal.id, "specialist": specialist.name]),
                                    specialist: specialist.name, at: now)
        return DeskOutcome(changed: [appeal], effects: [.deliver(session: appeal.session, notice)])
    }

    /// The waiting appeals in the order specialists take them at `now`.
    public func waitingInOrder(now: Date) -> [DeskAppeal] {
        appeals.values.filter { $0.state == .waiting }.sorted { comesBefore($0, $1, now: now) }
    }

    /// Whether `appeal` has waited its queue's longest wait at `now`.
    public func isOverdue(_ appeal: DeskAppeal, now: Date) -> Bool {
        guard let limit = rules.maxWait(appeal.queue) else { return false }
        return now.timeIntervalSince(appeal.arrivedAt) >= limit
    }

    /// The serving order: overdue before not; otherwise the higher queue first; then arrival.
    func comesBefore(_ a: DeskAppeal, _ b: DeskAppeal, now: Date) -> Bool {
        let overdueA = isOverdue(a, now: now), overdueB = isOverdue(b, now: now)
        if overdueA != overdueB { return overdueA }
        if !overdueA {
            let rankA = rules.rank(a.queue), rankB = rules.rank(b.queue)
            if rankA != rankB { return rankA > rankB }
        }
        return Self.byArrival(a, b)
    }

    static func byArrival(_ a: DeskAppeal, _ b: DeskAppeal) -> Bool {
        a.arrivedAt != b.arrivedAt ? a.arrivedAt < b.arrivedAt : a.sequence < b.sequence
    }

    // MARK: - Working on an appeal

    /// An appeal with its whole conversation, in any state: a specialist may read any appeal.
    public func show(appeal id: String) throws(DeskError) -> DeskAppeal {
        guard let appeal = appeals[id] else { throw DeskError(.unknownAppeal, "no appeal with this number") }
        return appeal
    }

    /// The most replies and questions one appeal takes from specialists (``DeskErrorCode/appealFull``
    /// past it): each answer about the appeal carries its whole conversation.
    public static let maximumAnswers = 200
    /// The most text of those replies and questions, in UTF-8 bytes.
    public static let maximumAnswerBytes = 256 * 1024

    /// The most times one appeal is passed back to the queue (transfers and releases; each is a
    /// line of its conversation and a notice to the customer): past it the specialist who holds the
    /// appeal answers or closes it (``DeskErrorCode/appealFull``).
    public static let maximumReturns = 100

    /// Throws ``DeskErrorCode/appealFull`` when the appeal has been passed back to the queue
    /// ``maximumReturns`` times.
    private func checkReturns(_ appeal: DeskAppeal) throws(DeskError) {
        let returns = appeal.conversation.count { $0.kind == .transferred || $0.kind == .released }
        guard returns < Self.maximumReturns else {
            throw DeskError(.appealFull, "the appeal has been passed back to the queue \(Self.maximumReturns) times; "
                + "nothing was done. Answer it or close it")
        }
    }

    /// The specialist answers. The customer gets the reply; the appeal is `answered`.
    public mutating func reply(appeal id: String, specialist: String, text: String, now: Date) throws(DeskError) -> DeskOutcome {
        try respond(appeal: id, specialist: specialist, text: text, kind: .reply, now: now)
    }

    /// The specialist asks the customer for details: like a reply, and the appeal is marked as
    /// waiting for the customer until they write.
    public mutating func ask(appeal id: String, specialist: String, text: String, now: Date) throws(DeskError) -> DeskOutcome {
        try respond(appeal: id, specialist: specialist, text: text, kind: .question, now: now)
    }

    /// Moves the appeal to another topic, queue or both. It goes back to waiting at its old place
    /// (its arrival time is kept: the customer does not queue again for a routing mistake), and
    /// the specialists who serve it there are told.
    public mutating func transfer(appeal id: String, specialist: String, topic: String?, queue: Queue?,
                                  now: Date) throws(DeskError) -> DeskOutcome {
        var appeal = try held(id, by: specialist)
        try checkReturns(appeal)
        let newTopic = topic?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty ?? appeal.topic
        let newQueue = queue ?? appeal.queue
        guard newTopic != appeal.topic || newQueue != appeal.queue else {
            throw DeskError(.badTransfer, "a transfer needs another topic or another queue")
        }
        if !rules.topics.isEmpty, !rules.topics.contains(newTopic) {
            throw DeskError(.badTransfer, "no such topic; known: \(rules.topics.sorted().joined(separator: ", "))")
        }
        // An appeal nobody could take would wait for ever. Roles are the desk's staffing; a
        // specialist on duty with a scope of their own may sign out, and the appeal with them.
        guard rules.roles.values.contains(where: { $0.serves(topic: newTopic, queue: newQueue) }) else {
            throw DeskError(.badTransfer, "no role serves this topic in this queue, so nobody could take the appeal")
        }
        appeal.topic = newTopic
        appeal.queue = newQueue
        appeal.conversation.append(DeskEntry(.transferred, at: now, specialist: specialist, topic: newTopic, queue: newQueue))
        return backToQueue(&appeal, notice: .noticeTransferred, kind: .transferred, reason: .transferred,
                           except: specialist, now: now)
    }

    /// The specialist puts the appeal back into the queue, at its old place.
    public mutating func release(appeal id: String, specialist: String, now: Date) throws(DeskError) -> DeskOutcome {
        var appeal = try held(id, by: specialist)
        try checkReturns(appeal)
        appeal.conversation.append(DeskEntry(.released, at: now, specialist: specialist))
        return backToQueue(&appeal, notice: .noticeReleased, kind: .released, reason: .released,
                           except: specialist, now: now)
    }

    /// The specialist closes the appeal; the customer is told.
    public mutating func close(appeal id: String, specialist: String, now: Date) throws(DeskError) -> DeskOutcome {
        var appeal = try held(id, by: specialist)
        appeal.state = .closed
        appeal.closedAt = now
        appeal.awaitingCustomer = false
        appeal.conversation.append(DeskEntry(.closed, at: now, specialist: specialist))
        appeals[id] = appeal
        let notice = CustomerNotice(appeal: id, kind: .closed, text: rules.prompts.text(.noticeClosed, ["ticket": id]),
                                    specialist: specialists[specialist]?.name, at: now)
        return DeskOutcome(changed: [appeal], effects: [.deliver(session: appeal.session, notice)])
    }

    /// Forgets closed appeals closed before `date` (the host keeps them in its store); returns their numbers.
    @discardableResult
    public mutating func removeClosed(before date: Date) -> [String] {
        let old = appeals.values.filter { $0.state == .closed && ($0.closedAt ?? .distantPast) < date }.map(\.id).sorted()
        for id in old { appeals[id] = nil }
        return old
    }

    // MARK: - Helpers

    private mutating func respond(appeal id: String, specialist: String, text: String, kind: CustomerNotice.Kind,
                                  now: Date) throws(DeskError) -> DeskOutcome {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DeskError(.emptyText, "the text is empty")
        }
        var appeal = try held(id, by: specialist)
        var answers = 0
        var bytes = text.utf8.count
        for entry in appeal.conversation where entry.kind == .reply || entry.kind == .question {
            answers += 1
            bytes += entry.text?.utf8.count ?? 0
        }
        guard answers < Self.maximumAnswers, bytes <= Self.maximumAnswerBytes else {
            throw DeskError(.appealFull, "the appeal has reached its limit (\(Self.maximumAnswers) replies and questions, "
                + "\(Self.maximumAnswerBytes) bytes of their text); nothing was sent. Close it; the customer can write a new one")
        }
        appeal.conversation.append(DeskEntry(kind == .question ? .question : .reply, text: text, at: now, specialist: specialist))
        appeal.state = .answered
        appeal.awaitingCustomer = kind == .question
        if appeal.firstAnsweredAt == nil {
            appeal.firstAnsweredAt = now
            history.recordAnswer(queue: appeal.queue, handling: now.timeIntervalSince(appeal.takenAt ?? now),
                                 wait: now.timeIntervalSince(appeal.arrivedAt), at: now, window: rules.window)
        }
        appeals[id] = appeal
        let name = specialists[specialist]?.name ?? specialist
        let prompt: DeskPrompt = kind == .question ? .noticeQuestion : .noticeReply
        let notice = CustomerNotice(appeal: id, kind: kind,
                                    text: rules.prompts.text(prompt, ["ticket": id, "specialist": name, "message": text]),
                                    message: text, specialist: name, at: now)
        return DeskOutcome(changed: [appeal], effects: [.deliver(session: appeal.session, notice)])
    }

    /// Puts a held appeal back to waiting (arrival time kept), tells the customer and the
    /// specialists on duty who serve it (but not `except`).
    private mutating func backToQueue(_ appeal: inout DeskAppeal, notice prompt: DeskPrompt, kind: CustomerNotice.Kind,
                                      reason: WaitingReason, except: String?, now: Date) -> DeskOutcome {
        appeal.state = .waiting
        appeal.specialist = nil
        appeal.takenAt = nil
        appeal.awaitingCustomer = false
        appeals[appeal.id] = appeal
        let notice = CustomerNotice(appeal: appeal.id, kind: kind, text: rules.prompts.text(prompt, ["ticket": appeal.id]),
                                    at: now)
        return DeskOutcome(changed: [appeal],
                           effects: [.deliver(session: appeal.session, notice)]
                               + announce(appeal, reason: reason, except: except, now: now))
    }

    /// Returns every appeal the specialist holds to the queue.
    private mutating func returnAppeals(of id: String, at: Date, kind: DeskEntry.Kind) -> DeskOutcome {
        var outcome = DeskOutcome()
        for var appeal in appeals(heldBy: id) {
            appeal.conversation.append(DeskEntry(kind, at: at, specialist: id))
            let one = backToQueue(&appeal, notice: .noticeReleased, kind: .released,
                                  reason: kind == .returned ? .returned : .released, except: id, now: at)
            outcome.changed += one.changed
            outcome.effects += one.effects
        }
        return outcome
    }

    /// Tells the specialists on duty who serve the appeal that it is waiting.
    private func announce(_ appeal: DeskAppeal, reason: WaitingReason, except: String?, now: Date) -> [DeskEffect] {
        let summary = AppealSummary(appeal)
        return specialists.values
            .filter { $0.isOnDuty && $0.id != except && $0.serves(appeal) }
            .map(\.id).sorted()
            .map { .notify(specialist: $0, .newAppeal(summary, reason: reason)) }
    }

    /// A specialist who is connected.
    func onDuty(_ id: String) throws(DeskError) -> Specialist {
        guard let specialist = specialists[id], specialist.isOnDuty else {
            throw DeskError(.notSignedIn, "sign in first")
        }
        return specialist
    }

    /// An appeal that is not closed.
    private func open(_ id: String) throws(DeskError) -> DeskAppeal {
        guard let appeal = appeals[id] else { throw DeskError(.unknownAppeal, "no appeal with this number") }
        guard appeal.state != .closed else { throw DeskError(.appealClosed, "the appeal is closed") }
        return appeal
    }

    /// An appeal the connected specialist holds.
    private func held(_ id: String, by specialist: String) throws(DeskError) -> DeskAppeal {
        _ = try onDuty(specialist)
        let appeal = try open(id)
        guard appeal.isHeld, appeal.specialist == specialist else {
            throw DeskError(.notYours, appeal.state == .waiting ? "the appeal is waiting: take it first"
                                                                : "another specialist has the appeal")
        }
        return appeal
    }
}

/// Everything a ``Desk`` holds, as one `Codable` value.
public struct DeskState: Sendable, Hashable, Codable {
    public var appeals: [DeskAppeal]
    public var specialists: [Specialist]
    public var history: DeskHistory

    public init(appeals: [DeskAppeal] = [], specialists: [Specialist] = [], history: DeskHistory = DeskHistory()) {
        self.appeals = appeals
        self.specialists = specialists
        self.history = history
    }
}

extension String {
    /// `nil` for the empty string.
    var nonEmpty: String? { isEmpty ? nil : self }
}
