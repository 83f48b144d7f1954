import Foundation
import HelplineDesk
import HelplineDialogue
import Logging
import NIOConcurrencyHelpers
import NIOCore


/// What a committed desk change sets going: events, pushed notices, timers, housekeeping.
extension DeskService {
    // MARK: Effects

    /// Performs a committed change's effects: events to the specialists' connections, notices
    /// pushed to the customers' live connections, the next grace period's end.
    func perform(_ effects: [DeskEffect], notices made: [PendingNotice]) {
        for effect in effects {
            switch effect {
            case .notify(let specialist, let event):
                for connection in connections(of: specialist) { connection.deliver(event) }
            case .deliver:
                break
            case .wakeUp(let at):
                schedule(at)
            }
        }
        var seen: Set<String> = []
        for notice in made where seen.insert(notice.session).inserted {
            push(session: notice.session)
        }
    }

    /// Pushes the session's undelivered notices to its live connections. Written to at least
    /// one (it had events on and was writable), they wait there until that connection shows it
    /// read them (``pushedRead(by:)``) or is lost with them unread (``pushedLost(by:)``).
    /// Otherwise they wait for the session's next answer.
    func push(session: String) {
        let channels = customers.channels(for: session)
        guard let first = channels.first else { return }
        let claimed = notices.claim(session: session)
        guard !claimed.isEmpty else { return }
        let lines = claimed.map { Self.eventLine(session: session, $0.notice) }
        let pushes = channels.map { channel in
            ConnectionHandler.push(lines, to: channel).map { written in written ? channel : nil }
        }
        EventLoopFuture.whenAllComplete(pushes, on: first.eventLoop).whenComplete { [self] result in
            // A connection gone since is not waited for: whether it read them is not known.
            let written = ((try? result.get()) ?? []).compactMap { (try? $0.get()) ?? nil }
            let taken = Set(written.filter(\.isActive).map { ObjectIdentifier($0) })
            guard !taken.isEmpty else {
                notices.unclaim(claimed)
                return
            }
            notices.markPushed(claimed, to: taken)
            // Notices made while these were being written waited for them.
            if notices.hasUnclaimed(session: session) { push(session: session) }
        }
    }

    /// A connection that was pushed notices sent a request, or closed with everything read: the
    /// notices count as delivered and are deleted from the store.
    func pushedRead(by connection: ObjectIdentifier) {
        let delivered = notices.takePushed(connection: connection)
        guard !delivered.isEmpty else { return }
        store.commit(.desk(DeskWrite(delivered: delivered.map(\.id))), schedule: Self.background) { [self] stored in
            if case .success(.applied) = stored {
                notices.confirm(delivered)
                // Notices made while these were on their way waited for them.
                for session in Set(delivered.map(\.session)) where notices.hasUnclaimed(session: session) {
                    push(session: session)
                }
            } else {
                notices.unclaim(delivered)
            }
        }
    }

    /// A connection that was pushed notices was lost with data unread: the notices pushed only
    /// to it wait again, for the session's other connections or its next answer.
    func pushedLost(by connection: ObjectIdentifier) {
        for session in notices.givePushedBack(connection: connection) { push(session: session) }
    }

    /// Marks notices delivered with an answer that stored nothing else (a resume): deleted from
    /// the store, or given back to be delivered again if that fails.
    func markDelivered(_ delivered: [PendingNotice]) {
        guard !delivered.isEmpty else { return }
        store.commit(.desk(DeskWrite(delivered: delivered.map(\.id))), schedule: Self.background) { [self] stored in
            if case .success(.applied) = stored {
                notices.confirm(delivered)
            } else {
                notices.unclaim(delivered)
            }
        }
    }

    /// A notice as the event line pushed to a customer's connection, `\n` included.
    static func eventLine(session: String, _ notice: CustomerNotice) -> [UInt8] {
        var bytes = (try? ProtocolCodec.makeEncoder().encode(CustomerEventLine(session: session, notice: notice)))
            .map { Array($0) } ?? []
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    // MARK: Time

    /// Ends the grace periods that are over now: those specialists' appeals go back to the queue.
    /// The timer calls it when the next one ends; tests that move the clock call it themselves.
    public func tick() async {
        let result = await change { desk, now in (desk.tick(now: now), ()) }
        if case .failure(let error) = result {
            logger.error("could not end the grace periods", metadata: ["error": LogText.escaped(error)])
        }
        if let next = desk.nextWakeUp { schedule(next) }
    }

    /// Calls ``tick()`` when the desk's clock passed the end of a grace period (the timer may
    /// have slept on another clock).
    func tickIfDue() async {
        guard let next = desk.nextWakeUp, next <= clock() else { return }
        await tick()
    }

    /// Wakes up at `at` (by the desk's clock) to end grace periods, unless an earlier wake-up is set.
    func schedule(_ at: Date) {
        timer.withLockedValue { current in
            if let current, current.at <= at, !current.task.isCancelled { return }
            current?.task.cancel()
            let delay = max(0, at.timeIntervalSince(clock()))
            let task = Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(Int64(min(delay, 86_400) * 1000)))
                guard !Task.isCancelled, let self else { return }
                self.timer.withLockedValue { if $0?.at == at { $0 = nil } }
                await self.tick()
            }
            current = WakeUp(at: at, task: task)
        }
    }

    // MARK: Housekeeping

    /// Ends grace periods that are due, drops long-closed appeals from memory, and forgets the
    /// notices of sessions that ended (`ended`, and those no longer stored). Run by the daemon's sweep.
    func sweep(ended: [String]) async {
        await tickIfDue()
        if !ended.isEmpty {
            notices.drop(sessions: ended)
            customers.removeSessions(ended)
        }
        for session in notices.sessions where (try? await store.storedVersion(session)) == .some(nil) {
            // Made for a session that was already closed: it can never be delivered.
            let gone = notices.peek(session: session)
            notices.drop(sessions: [session])
            if !gone.isEmpty { _ = await commit(.desk(DeskWrite(delivered: gone.map(\.id)))) }
        }
        let cutoff = clock().addingTimeInterval(-Self.closedRetention)
        guard desk.appeals.values.contains(where: { $0.state == .closed && ($0.closedAt ?? .distantPast) < cutoff }) else {
            return
        }
        await gate.acquire()
        committed.withLockedValue { committed in
            let sessions = committed.desk.appeals.mapValues(\.session)
            for id in committed.desk.removeClosed(before: cutoff) {
                guard let session = sessions[id] else { continue }
                committed.bySession[session]?.remove(id)
                if committed.bySession[session]?.isEmpty == true { committed.bySession[session] = nil }
            }
        }
        gate.release()
    }

    /// Stops the timer and, on a shared desk, the lease's heartbeat and the watch (the daemon is stopping).
    package func stop() {
        timer.withLockedValue { current in
            current?.task.cancel()
            current = nil
        }
        sharing.withLockedValue { tasks in
            for task in tasks { task.cancel() }
        }
    }
}
