import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineIntents
import Logging
import NIOConcurrencyHelpers

/// A customer's turn on a daemon with a desk, worked out in two steps: the reply while holding
/// the session (the desk's own answer, or the dialogue engine's), then — holding the desk too,
/// when the turn changes it — what it does there. The turn, its desk change and the notices its
/// answer delivers are committed in one transaction.
struct DeskTurn: Sendable {
    /// What the turn does at the desk.
    enum Step: Sendable, Hashable {
        case none
        /// «спасибо, вопрос решён»: the customer closes their appeal.
        case close(appeal: String)
        /// The turn filed an appeal.
        case file(Ticket)
        /// The customer wrote more to an appeal at the desk.
        case followUp(appeal: String, message: String)
    }

    var session: String
    var text: String
    var now: Date
    var expectedVersion: Int
    /// The session before the turn.
    var before: Conversation
    /// The session after it.
    var conversation: Conversation
    var turn: Turn
    var step: Step
    /// What the customer and the bot said before the appeal (filing only), read before the desk is taken.
    var history: [DeskEntry]?

    /// Answers with `text` instead, the session otherwise as the turn left it.
    mutating func answer(_ text: String) {
        turn.reply.text = text
        conversation.lastReply = turn.reply
    }

    /// Answers with `text` and changes nothing else in the session: it stays as it was before the turn.
    mutating func answerOnly(_ text: String) {
        conversation = before
        turn = Turn(reply: Reply(state: before.state, text: text, options: before.options, ticket: before.ticket))
        conversation.lastReply = turn.reply
    }
}

extension SessionService {
    /// The reply to a `say` on a daemon with a desk. While the session has an open appeal, a
    /// closing phrase («спасибо, вопрос решён») closes it and a wait question («сколько ждать?»)
    /// is answered with its place and estimate, before the dialogue engine; otherwise the engine
    /// answers, and what it files or adds goes to the desk.
    func prepareDeskTurn(_ request: ProtocolRequest, _ entry: SessionSlot.Entry, session: String, text: String,
                         desk: DeskService, engine current: CurrentEngine, now: Date) -> Preparation {
        let before = entry.conversation
        // The appeal the customer is talking about: only after one was filed. While a new one is
        // being made (a topic, an order, a message), «сколько ждать?» and «вопрос решён» are about
        // that, not about an earlier appeal still open.
        let open = before.state == .submitted ? desk.openAppeal(of: session, preferring: before.ticket?.id) : nil
        let unchanged = Turn(reply: Reply(state: before.state, text: "", options: before.options, ticket: before.ticket))
        var turn = DeskTurn(session: session, text: text, now: now, expectedVersion: entry.version, before: before,
                            conversation: before, turn: unchanged, step: .none)
        if let open, desk.rules.isCustomerClosing(text) {
            turn.step = .close(appeal: open.id)
            return .desk(turn)
        }
        if let open, desk.rules.isWaitQuestion(text), let status = try? desk.desk.waitStatus(appeal: open.id, now: now) {
            turn.answerOnly(status.text)
            return .desk(turn)
        }
        turn.turn = current.engine.handle(text, in: &turn.conversation, now: now)
        if let refusal = limits.refusal(of: turn.turn, over: before) {
            return .answer(.failure(id: request.id, refusal))
        }
        // The engine does not see the desk: for an appeal the desk has closed, its «уже у специалиста»
        // line (after small talk, a question or a call for the operator) says what is true instead.
        if turn.turn.effects.isEmpty, let id = before.ticket?.id, desk.desk.appeals[id]?.state == .closed {
            let withSpecialist = current.engine.prompts.text(.resumeSubmitted, ["ticket": id])
            if turn.turn.reply.text.contains(withSpecialist) {
                turn.answer(turn.turn.reply.text.replacingOccurrences(
                    of: withSpecialist, with: desk.rules.prompts.text(.statusClosed, ["ticket": id])))
            }
        }
        // The general answer about reply times, while the customer's own appeal waits: its place instead.
        if turn.turn.effects.isEmpty, turn.turn.reply.intent?.id == current.engine.rules.waitQuestion,
           let open, open.state == .waiting, let status = try? desk.desk.waitStatus(appeal: open.id, now: now) {
            turn.answer(status.text)
        }
        for effect in turn.turn.effects {
            switch effect {
            case .openTicket(let ticket):
                turn.step = .file(ticket)
            case .appendToTicket(let id, let message):
                guard let appeal = desk.desk.appeals[id] else { continue }
                if appeal.state == .closed {
                    // Nothing is added to a closed appeal: the customer is told to start a new one.
                    turn.answerOnly(desk.rules.prompts.text(.statusClosed, ["ticket": id]))
                    turn.step = .none
                } else {
                    turn.step = .followUp(appeal: id, message: message)
                }
            }
        }
        return .desk(turn)
    }

    /// Stores a desk turn and answers; releases the slot. Reads the chat before a new appeal
    /// first, then takes the desk when the turn changes it.
    func carryOut(_ turn: DeskTurn, on slot: SessionSlot, _ request: ProtocolRequest, attempt: Int,
                  on context: RequestContext) {
        guard let desk else {
            slot.release()
            context.respond(.failure(id: request.id, Self.internalError))
            return
        }
        if case .file = turn.step, turn.history == nil {
            Task {
                var turn = turn
                do {
                    turn.history = try await self.store.messages(session: turn.session).map { message in
                        DeskEntry(message.direction == .incoming ? .customer : .bot, text: message.text, at: message.at)
                    }
                } catch {
                    // The appeal is filed with what the customer wrote last rather than not at all.
                    self.logger.error("could not read a session's messages for its appeal", metadata: ["error": LogText.escaped(error)])
                    turn.history = []
                }
                let loaded = turn
                context.schedule { self.carryOut(loaded, on: slot, request, attempt: attempt, on: context) }
            }
            return
        }
        guard turn.step != .none else {
            commit(turn, draft: nil, desk: desk, on: slot, request, attempt: attempt, on: context)
            return
        }
        if desk.shared {
            Task { await self.carryOutShared(turn, desk: desk, on: slot, request, attempt: attempt, on: context) }
            return
        }
        let proceed: @Sendable () -> Void = {
            var turn = turn
            var draft = desk.draft()
            self.change(&turn, &draft, desk: desk)
            self.commit(turn, draft: draft, desk: desk, on: slot, request, attempt: attempt, on: context)
        }
        if desk.gate.tryAcquire(orWait: { context.schedule(proceed) }) { proceed() }
    }

    /// Works out the turn's change on the desk's draft (the desk's gate held).
    private func change(_ turn: inout DeskTurn, _ draft: inout DeskService.Draft, desk: DeskService) {
        switch turn.step {
        case .none:
            break
        case .close(let id):
            do {
                let outcome = try draft.desk.customerClosed(appeal: id, at: turn.now)
                draft.record(outcome)
                turn.answerOnly(outcome.customerText ?? desk.rules.prompts.text(.closedByCustomer, ["ticket": id]))
            } catch {
                // Closed meanwhile by its specialist.
                turn.answerOnly(desk.rules.prompts.text(.statusClosed, ["ticket": id]))
            }
        case .file(let ticket):
            var appeal = DeskAppeal(ticket: ticket, session: turn.session, profile: turn.conversation.profile)
            let history = DeskService.historyLimit.apply(turn.history ?? []) { count in
                desk.rules.prompts.text(.historyCut, ["count": String(count)])
            }
            appeal.conversation = history + [DeskEntry(.customer, text: turn.text, at: turn.now)]
            do {
                draft.record(try draft.desk.file(appeal, at: turn.now))
            } catch {
                logger.error("could not file an appeal at the desk", metadata: ["error": LogText.escaped(error)])
                return
            }
            tellLiveWait(&turn, ticket: ticket, desk: draft.desk)
        case .followUp(let id, let message):
            do {
                draft.record(try draft.desk.customerWrote(appeal: id, text: message, at: turn.now))
            } catch where error.code == .appealClosed {
                turn.answerOnly(desk.rules.prompts.text(.statusClosed, ["ticket": id]))
            } catch {
                // Not at the desk (filed before it was set up): the appeal keeps the message alone.
            }
        }
    }

    /// The appeal-filed reply with the live place and estimate instead of the queue's average,
    /// when the desk has a live estimate (specialists on duty, enough history); the appeal's
    /// `eta_minutes` become the live ones.
    private func tellLiveWait(_ turn: inout DeskTurn, ticket: Ticket, desk: Desk) {
        guard let status = try? desk.waitStatus(appeal: ticket.id, now: turn.now), let estimate = status.estimate,
              estimate.basis == .live else { return }
        let average = currentEngine.engine.prompts.queueWait(ticket.queue, etaMinutes: ticket.etaMinutes)
        var text = turn.turn.reply.text
        if !average.isEmpty, let range = text.range(of: average) {
            text.replaceSubrange(range, with: status.text)
        } else {
            text += "\n" + status.text
        }
        var live = ticket
        live.etaMinutes = estimate.minutes
        turn.conversation.ticket = live
        turn.turn.reply.ticket = live
        turn.turn.effects = turn.turn.effects.map { effect in
            if case .openTicket(let filed) = effect, filed.id == live.id { return .openTicket(live) }
            return effect
        }
        turn.answer(text)
    }

    /// Commits the turn with its desk change (when `draft` is given, the desk's gate is held)
    /// and the notices its answer delivers, then answers; releases the slot and the gate.
    private func commit(_ turn: DeskTurn, draft: DeskService.Draft?, desk: DeskService, on slot: SessionSlot,
                        _ request: ProtocolRequest, attempt: Int, on context: RequestContext) {
        var draft = draft
        var deskWrite = DeskWrite()
        if var held = draft {
            deskWrite = desk.write(for: &held)
            draft = held
        }
        let claimed = desk.notices.claim(session: turn.session)
        deskWrite.delivered = claimed.map(\.id)
        let stored: String
        do {
            stored = try SessionDatabase.conversationColumn(turn.conversation)
        } catch {
            if draft != nil { desk.gate.release() }
            desk.notices.unclaim(claimed)
            logger.error("could not encode a conversation", metadata: ["error": LogText.escaped(error)])
            slot.release()
            context.respond(.failure(id: request.id, Self.internalError))
            return
        }
        let write = TurnWrite(
            conversation: turn.conversation, expectedVersion: turn.expectedVersion, incoming: turn.text,
            outgoing: turn.turn.reply.text, effects: turn.turn.effects, at: turn.now,
            profileChanged: turn.conversation.profile != turn.before.profile, stored: stored,
            desk: deskWrite.isEmpty ? nil : deskWrite)
        store.commit(.turn(write), schedule: context.schedule) { [draft] result in
            switch result {
            case .success(.applied(let version)):
                if let draft {
                    desk.install(draft)
                    desk.gate.release()
                }
                self.answer(turn, version: version, claimed: claimed, draft: draft, desk: desk, on: slot, request, on: context)
            case .success(let outcome):
                if draft != nil { desk.gate.release() }
                desk.notices.unclaim(claimed)
                self.settle(outcome, slot: slot, request, attempt: attempt, on: context)
            case .failure(let error):
                if draft != nil { desk.gate.release() }
                desk.notices.unclaim(claimed)
                slot.release()
                context.respond(self.failure(request, error))
            }
        }
    }

    /// Answers a stored desk turn (the desk's gate released): the session takes the turn, the
    /// specialists are told, the customer is answered, then other customers' notices are pushed.
    private func answer(_ turn: DeskTurn, version: Int, claimed: [PendingNotice], draft: DeskService.Draft?,
                        desk: DeskService, on slot: SessionSlot, _ request: ProtocolRequest, on context: RequestContext) {
        let session = turn.session
        desk.notices.confirm(claimed)
        slot.update { entry in
            entry.conversation = turn.conversation
            entry.version = version
            entry.updatedAt = turn.now
        }
        counters.countTurn(turn.turn)
        logger.debug("turn", metadata: [
            "session": LogText.session(session), "length": "\(turn.text.unicodeScalars.count)",
            "state": "\(turn.turn.reply.state.rawValue)", "intent": "\(turn.turn.reply.intent?.id ?? "-")",
            "desk": "\(turn.step.logName)", "notices": "\(claimed.count)",
        ])
        slot.release()
        // The specialists are told before the customer is answered, so that once the answer is
        // read every event the turn made is on its way (an observer that then asks a specialist's
        // connection anything gets those events first); customers' notices follow the answer.
        if let draft { desk.perform(draft.effects, notices: []) }
        context.respond(claimed.isEmpty
            ? .reply(id: request.id, session: session, turn.turn.reply)
            : .replyWithNotices(id: request.id, session: session, turn.turn.reply, notices: claimed.map(\.notice)))
        if let draft, !draft.notices.isEmpty { desk.perform([], notices: draft.notices) }
    }

    /// A desk turn on a desk shared by several daemons: its change is worked out on the desk as
    /// the store holds it, inside the store's desk transaction, and stored there with the turn
    /// and the notices its answer delivers. Releases the slot.
    private func carryOutShared(_ turn: DeskTurn, desk: DeskService, on slot: SessionSlot, _ request: ProtocolRequest,
                                attempt: Int, on context: RequestContext) async {
        await desk.gate.acquire()
        let worked = NIOLockedValueBox<(turn: DeskTurn, draft: DeskService.Draft, claimed: [PendingNotice])?>(nil)
        let result: Result<DeskChangeResult, any Error>
        do {
            result = .success(try await store.changeDesk(since: desk.version, reap: false, closedSince: desk.closedSince) { refresh in
                desk.absorb(refresh)
                var turn = turn
                var draft = desk.draft()
                self.change(&turn, &draft, desk: desk)
                var deskWrite = desk.write(for: &draft)
                let stored = try SessionDatabase.conversationColumn(turn.conversation)
                let claimed = desk.notices.claim(session: turn.session)
                deskWrite.delivered = claimed.map(\.id)
                worked.withLockedValue { $0 = (turn, draft, claimed) }
                return .turn(TurnWrite(
                    conversation: turn.conversation, expectedVersion: turn.expectedVersion, incoming: turn.text,
                    outgoing: turn.turn.reply.text, effects: turn.turn.effects, at: turn.now,
                    profileChanged: turn.conversation.profile != turn.before.profile, stored: stored,
                    desk: deskWrite.isEmpty ? nil : deskWrite))
            })
        } catch {
            result = .failure(error)
        }
        let made = worked.withLockedValue { $0 }
        switch result {
        case .success(let changed):
            guard let made, case .applied(let version)? = changed.outcome else {
                desk.gate.release()
                if let made { desk.notices.unclaim(made.claimed) }
                settle(changed.outcome ?? .failed("nothing was stored"), slot: slot, request, attempt: attempt, on: context)
                return
            }
            desk.install(made.draft, version: changed.version)
            desk.gate.release()
            answer(made.turn, version: version, claimed: made.claimed, draft: made.draft, desk: desk, on: slot, request,
                   on: context)
        case .failure(let error):
            desk.gate.release()
            if let made { desk.notices.unclaim(made.claimed) }
            slot.release()
            context.respond(failure(request, error))
        }
    }

    /// A session's answer with the desk's notices for it: claimed and marked delivered
    /// (`delivering`, after a resume), or only shown (`state`, which changes nothing).
    func withNotices(_ response: ProtocolResponse, delivering: Bool) -> ProtocolResponse {
        guard let desk, case .reply(let id, let session, let reply) = response else { return response }
        let notices = delivering ? desk.notices.claim(session: session) : desk.notices.peek(session: session)
        guard !notices.isEmpty else { return response }
        if delivering { desk.markDelivered(notices) }
        return .replyWithNotices(id: id, session: session, reply, notices: notices.map(\.notice))
    }
}

extension DeskTurn.Step {
    /// What the logs say about the step (no texts).
    var logName: String {
        switch self {
        case .none: "-"
        case .close: "closed"
        case .file: "filed"
        case .followUp: "follow_up"
        }
    }
}
