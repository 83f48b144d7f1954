import Foundation
import HelplineDialogue
import Logging

/// Where a request runs and how its answer leaves.
struct RequestContext: Sendable {
    /// Runs the rest of the request's work after it waited (for its session or the store): on the
    /// connection's event loop for socket requests, on a task otherwise.
    var schedule: @Sendable (@escaping @Sendable () -> Void) -> Void
    /// Delivers the answer; called exactly once.
    var respond: @Sendable (ProtocolResponse) -> Void
}

/// The change a request makes to its session, worked out while holding it.
enum Preparation: Sendable {
    /// Nothing to store: answer at once.
    case answer(ProtocolResponse)
    /// Store `write`; once applied (at the session's new version), `applied` records the change
    /// on the held slot and gives the answer.
    case write(SessionWrite, applied: @Sendable (_ slot: SessionSlot, _ version: Int) -> ProtocolResponse)
    /// Answer `response` if the stored version is still the one in memory (another daemon on the
    /// same store may have moved the session on or closed it).
    case verify(version: Int, ProtocolResponse)
    /// A turn that changes the desk or delivers its notices (``SessionService/carryOut(_:on:_:attempt:on:)``).
    case desk(DeskTurn)
}

extension SessionService {
    /// The longest `say` text whose turn runs on the event loop, in Unicode scalars. The engine's
    /// work grows with the text (in a debug build, 4,000 characters of one unbroken Latin word took
    /// 60 ms), so turns on longer texts run off the event loops and do not hold up the other
    /// connections of the loop.
    public static let inlineTurnTextLimit = 256

    /// How many times a request is tried on a session that keeps changing elsewhere.
    static let maximumAttempts = 4

    static let unknownSession = ProtocolError(.unknownSession, "no open session with this id (it may have been closed or expired)")
    static let internalError = ProtocolError(.internal, "the request could not be completed; try again")
    static let keptChanging = ProtocolError(
        .conflict, "the session kept changing elsewhere (another daemon on the same database); nothing was changed here, try again")
    static let storeUnavailable = ProtocolError(
        .unavailable, "the database cannot be reached just now; the request was wholly done or not at all (state tells), try again")

    /// Answers one request.
    func serve(_ request: ProtocolRequest, on context: RequestContext) {
        switch request.command {
        case .ping:
            context.respond(.pong(id: request.id))
        case .stats:
            guard store.isShared else {
                context.respond(.stats(id: request.id, stats()))
                return
            }
            Task {
                do {
                    context.respond(.stats(id: request.id, try await self.currentStats()))
                } catch {
                    context.respond(self.failure(request, error))
                }
            }
        case .events(let enabled):
            // The connection handler takes the setting from this answer.
            context.respond(.events(id: request.id, enabled: enabled))
        case .open(let profile):
            open(profile, request: request, on: context)
        case .say(let session, _) where appealNumbers.isLow:
            // Too few appeal numbers left for this turn to be sure of one: fetch more first.
            Task {
                do {
                    try await self.appealNumbers.replenish()
                    context.schedule { self.serve(request, session: session, attempt: 1, on: context) }
                } catch {
                    context.respond(self.failure(request, error))
                }
            }
        case .resume(let session), .say(let session, _), .state(let session), .close(let session):
            serve(request, session: session, attempt: 1, on: context)
        }
    }

    // MARK: The session path

    /// Takes the session (loading it if needed), prepares the change, commits it, answers. A write
    /// that finds the session changed in the store reloads it and starts again.
    private func serve(_ request: ProtocolRequest, session: String, attempt: Int, on context: RequestContext) {
        guard attempt <= Self.maximumAttempts else {
            context.respond(.failure(id: request.id, Self.keptChanging))
            return
        }
        if let slot = registry.slot(session) {
            hold(slot, request, attempt: attempt, on: context)
            return
        }
        Task {
            do {
                let slot = try await self.load(session)
                context.schedule { self.hold(slot, request, attempt: attempt, on: context) }
            } catch {
                context.respond(self.failure(request, error))
            }
        }
    }

    /// Waits for the session to be free, then works on it.
    private func hold(_ slot: SessionSlot, _ request: ProtocolRequest, attempt: Int, on context: RequestContext) {
        let work: @Sendable () -> Void = { self.work(on: slot, request, attempt: attempt, on: context) }
        if slot.tryAcquire(orWait: { context.schedule(work) }) { work() }
    }

    /// Works on a held session; every path out releases it exactly once.
    private func work(on slot: SessionSlot, _ request: ProtocolRequest, attempt: Int, on context: RequestContext) {
        let entry = slot.entry
        switch entry.status {
        case .closed:
            slot.release()
            context.respond(.failure(id: request.id, Self.unknownSession))
        case .evicted:
            // Dropped from memory meanwhile: look it up again.
            slot.release()
            serve(request, session: slot.id, attempt: attempt, on: context)
        case .live:
            guard entry.updatedAt >= clock().addingTimeInterval(-limits.sessionTTL) else {
                slot.release()
                context.respond(.failure(id: request.id, Self.unknownSession))
                return
            }
            if case .say(_, let text) = request.command, text.unicodeScalars.count > Self.inlineTurnTextLimit {
                DispatchQueue.global().async {
                    self.carryOut(self.prepare(request, entry), on: slot, request, attempt: attempt, on: context)
                }
            } else {
                carryOut(prepare(request, entry), on: slot, request, attempt: attempt, on: context)
            }
        }
    }

    /// The change `request` makes to the session `entry`.
    private func prepare(_ request: ProtocolRequest, _ entry: SessionSlot.Entry) -> Preparation {
        let now = clock()
        let current = currentEngine
        switch request.command {
        case .say(let session, let text):
            if let full = limits.refusal(atVersion: entry.version) {
                return .answer(.failure(id: request.id, full))
            }
            if let desk {
                return prepareDeskTurn(request, entry, session: session, text: text, desk: desk, engine: current, now: now)
            }
            var conversation = entry.conversation
            let turn = current.engine.handle(text, in: &conversation, now: now)
            if let refusal = limits.refusal(of: turn, over: entry.conversation) {
                return .answer(.failure(id: request.id, refusal))
            }
            if AppealNumbers.isUnavailable(turn) {
                return .answer(.failure(id: request.id, Self.storeUnavailable))
            }
            let stored: String
            do {
                stored = try SessionDatabase.conversationColumn(conversation)
            } catch {
                logger.error("could not encode a conversation", metadata: ["error": LogText.escaped(error)])
                return .answer(.failure(id: request.id, Self.internalError))
            }
            let write = TurnWrite(
                conversation: conversation, expectedVersion: entry.version, incoming: text, outgoing: turn.reply.text,
                effects: turn.effects, at: now, profileChanged: conversation.profile != entry.conversation.profile, stored: stored)
            // The slot takes the conversation from the write's box: one reference, not a copy.
            return .write(.turn(write)) { slot, version in
                slot.update { entry in
                    entry.conversation = write.conversation
                    entry.version = version
                    entry.updatedAt = now
                }
                self.counters.countTurn(turn)
                self.logger.debug("turn", metadata: [
                    "session": LogText.session(session), "length": "\(text.unicodeScalars.count)",
                    "state": "\(turn.reply.state.rawValue)", "intent": "\(turn.reply.intent?.id ?? "-")",
                ])
                return .reply(id: request.id, session: session, turn.reply)
            }
        case .resume(let session):
            let reply = current.engine.currentReply(of: entry.conversation)
            return .write(.touch(session: session, at: now)) { slot, _ in
                slot.update { $0.updatedAt = now }
                self.logger.debug("session resumed", metadata: ["session": LogText.session(session)])
                return self.withNotices(.reply(id: request.id, session: session, reply), delivering: true)
            }
        case .state(let session):
            let reply = ProtocolResponse.reply(id: request.id, session: session, current.engine.currentReply(of: entry.conversation))
            // Asking for the state uses the session: a client that polls it keeps it alive. The
            // session is marked used only once an eighth of its lifetime has passed, not on every poll.
            if now.timeIntervalSince(entry.updatedAt) > limits.sessionTTL / 8 {
                return .write(.touch(session: session, at: now)) { slot, _ in
                    slot.update { $0.updatedAt = now }
                    return self.withNotices(reply, delivering: false)
                }
            }
            return .verify(version: entry.version, withNotices(reply, delivering: false))
        case .close(let session):
            return .write(.delete(session: session, at: now)) { slot, _ in
                self.counters.sessionEnded()
                slot.markClosed()
                self.registry.remove(slot)
                self.desk?.notices.drop(sessions: [session])
                self.desk?.customers.removeSessions([session])
                self.logger.debug("session closed", metadata: ["session": LogText.session(session)])
                return .closed(id: request.id, session: session)
            }
        case .open, .ping, .stats, .events:
            return .answer(.failure(id: request.id, Self.internalError))
        }
    }

    /// Stores the prepared change and answers with what became of it; releases the slot.
    private func carryOut(_ preparation: Preparation, on slot: SessionSlot, _ request: ProtocolRequest, attempt: Int,
                          on context: RequestContext) {
        switch preparation {
        case .answer(let response):
            slot.release()
            context.respond(response)
        case .write(let write, let applied):
            store.commit(write, schedule: context.schedule) { result in
                switch result {
                case .success(.applied(let version)):
                    let response = applied(slot, version)
                    slot.release()
                    context.respond(response)
                case .success(let outcome):
                    self.settle(outcome, slot: slot, request, attempt: attempt, on: context)
                case .failure(let error):
                    slot.release()
                    context.respond(self.failure(request, error))
                }
            }
        case .desk(let turn):
            carryOut(turn, on: slot, request, attempt: attempt, on: context)
        case .verify(_, let response) where store.isExclusive:
            // Nothing else writes to the store: the session in memory is the stored one.
            slot.release()
            context.respond(response)
        case .verify(let version, let response):
            let session = slot.id
            Task {
                let stored: Int?
                do {
                    stored = try await self.store.storedVersion(session)
                } catch {
                    slot.release()
                    context.respond(self.failure(request, error))
                    return
                }
                switch stored {
                case version?:
                    slot.release()
                    context.respond(response)
                case nil:
                    self.settle(.missing, slot: slot, request, attempt: attempt, on: context)
                case _?:
                    self.settle(.conflict, slot: slot, request, attempt: attempt, on: context)
                }
            }
        }
    }

    /// Handles a write that did not apply; releases the slot.
    func settle(_ outcome: WriteOutcome, slot: SessionSlot, _ request: ProtocolRequest, attempt: Int,
                        on context: RequestContext) {
        switch outcome {
        case .missing:
            slot.markClosed()
            registry.remove(slot)
            slot.release()
            context.respond(.failure(id: request.id, Self.unknownSession))
        case .conflict:
            // Changed in the store behind this slot's back: load it afresh and start again.
            logger.warning("session changed in the database; reloading", metadata: ["session": LogText.session(slot.id)])
            slot.update { $0.status = .evicted }
            registry.remove(slot)
            slot.release()
            serve(request, session: slot.id, attempt: attempt + 1, on: context)
        case .failed(let reason):
            slot.release()
            context.respond(failure(request, StorageError(reason: reason)))
        case .applied:
            slot.release()
            context.respond(failure(request, StorageError(reason: "unexpected outcome \(outcome)")))
        }
    }

    /// The session's slot from the store.
    private func load(_ session: String) async throws -> SessionSlot {
        let notBefore = clock().addingTimeInterval(-limits.sessionTTL)
        guard let loaded = try await store.loadSession(session, notBefore: notBefore) else {
            throw Self.unknownSession
        }
        logger.debug("session loaded", metadata: ["session": LogText.session(session)])
        return registry.insert(SessionSlot(SessionSlot.Entry(
            conversation: loaded.conversation, version: loaded.version, updatedAt: loaded.updatedAt
        )))
    }

    // MARK: Opening

    /// Starts a session: reserves room for it, stores it with its greeting, answers the greeting.
    private func open(_ profile: Profile, request: ProtocolRequest, on context: RequestContext) {
        if !store.isShared, counters.reserveSession(limit: limits.maximumSessions, stored: { nil }) {
            create(profile, request: request, on: context)
            return
        }
        // At the limit by this daemon's count (other daemons may have closed sessions), or other
        // daemons open sessions too: the store's count decides.
        Task {
            let stored = try? await self.store.counts().sessions
            context.schedule {
                let reserved = if let stored {
                    self.counters.reserveSession(limit: self.limits.maximumSessions, stored: stored)
                } else {
                    self.counters.reserveSession(limit: self.limits.maximumSessions, stored: { nil })
                }
                guard reserved else {
                    self.logger.warning("session limit reached", metadata: ["limit": "\(self.limits.maximumSessions)"])
                    context.respond(.failure(id: request.id, ProtocolError(.overloaded, "too many open sessions; try again later")))
                    return
                }
                self.create(profile, request: request, on: context)
            }
        }
    }

    /// Stores a new session, its place reserved, and answers its greeting.
    private func create(_ profile: Profile, request: ProtocolRequest, on context: RequestContext) {
        let id = SessionID.mint()
        let now = clock()
        let (conversation, reply) = currentEngine.engine.start(id: id, profile: profile, now: now)
        store.commit(.create(conversation, greeting: reply.text, at: now), schedule: context.schedule) { result in
            switch result {
            case .success(.applied(let version)):
                _ = self.registry.insert(SessionSlot(SessionSlot.Entry(conversation: conversation, version: version, updatedAt: now)))
                self.logger.debug("session opened", metadata: ["session": LogText.session(id)])
                context.respond(.reply(id: request.id, session: id, reply))
            case .success(let outcome):
                self.counters.sessionEnded()
                context.respond(self.failure(request, StorageError(reason: "unexpected outcome \(outcome)")))
            case .failure(let error):
                self.counters.sessionEnded()
                context.respond(self.failure(request, error))
            }
        }
    }

    /// The answer to a request that failed with `error`: protocol errors as they are, anything
    /// else logged and answered as a retryable internal error.
    func failure(_ request: ProtocolRequest, _ error: any Error) -> ProtocolResponse {
        if let error = error as? ProtocolError {
            return .failure(id: request.id, error)
        }
        // Logged at most once a second: a client retrying while the disk is full must not fill
        // it further with log lines.
        guard let held = failureLog.admit() else {
            return .failure(id: request.id, error is StoreUnavailableError ? Self.storeUnavailable : Self.internalError)
        }
        if let error = error as? StoreUnavailableError {
            logger.warning("request failed: the store is unavailable",
                           metadata: ["op": "\(request.op)", "error": LogText.escaped(error), "not_logged_since": "\(held)"])
            return .failure(id: request.id, Self.storeUnavailable)
        }
        logger.error("request failed", metadata: ["op": "\(request.op)", "error": LogText.escaped(error), "not_logged_since": "\(held)"])
        return .failure(id: request.id, Self.internalError)
    }
}

/// Session ids: minted here and nowhere else.
enum SessionID {
    /// A new unguessable session id: 24 hex digits.
    static func mint() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt32
        return hex(high, digits: 16) + hex(UInt64(low), digits: 8)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }
}
