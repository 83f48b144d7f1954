import Foundation
import HelplineDesk
import Logging
import NIOConcurrencyHelpers

/// A desk shared by several daemons on one store: keeping this daemon's copy up to date with the
/// others' changes, doing what they owe locally, and the lease that tells them this daemon lives.
extension DeskService {
    /// Takes in what other daemons changed (`refresh`), and does what they owe here: events to
    /// this daemon's specialists, notices pushed to its customers' connections, the next grace
    /// period's end. The caller holds the gate.
    func absorb(_ refresh: DeskRefresh) {
        guard shared, !refresh.isEmpty else { return }
        let desk = committed.withLockedValue { committed -> Desk in
            if refresh.whole {
                committed.desk = Desk(rules: committed.desk.rules, state: DeskState(
                    appeals: refresh.appeals, specialists: refresh.specialists ?? [], history: refresh.history ?? DeskHistory()))
                committed.bySession = [:]
                committed.index(committed.desk.appeals.values)
            } else {
                committed.desk.update(appeals: refresh.appeals, specialists: refresh.specialists, history: refresh.history)
                committed.index(refresh.appeals)
            }
            committed.version = max(committed.version, refresh.version)
            return committed.desk
        }
        nextNoticeID.withLockedValue { $0 = max($0, refresh.nextNotice) }
        for logged in refresh.events {
            for connection in connections(of: logged.specialist) { connection.deliver(logged.event) }
        }
        if refresh.specialists != nil {
            // Signed out on another daemon (or forgotten when a grace period ended there).
            let signedIn = connections.withLockedValue { Array($0.keys) }
            for specialist in signedIn where desk.specialists[specialist] == nil { signedOut(specialist) }
        }
        if let stored = refresh.notices {
            for session in notices.replace(with: stored) { push(session: session) }
        }
        if let next = desk.nextWakeUp { schedule(next) }
    }

    /// Starts the lease's heartbeat and the watch for other daemons' changes.
    func startSharing() {
        guard let lease = store.deskLease else { return }
        let beat = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(max(0.05, lease / 3) * 1000)))
                guard !Task.isCancelled, let self else { return }
                await self.heartbeat()
            }
        }
        let changed: @Sendable (Int64?) -> Void = { [weak self] version in self?.refreshSoon(version) }
        let watch = Task { [store] in
            await store.watchDesk(changed)
        }
        sharing.withLockedValue { $0 = [beat, watch] }
    }

    /// Brings the copy up to date soon, unless it is at `version` already; refreshes asked for
    /// while one runs are done by one more.
    func refreshSoon(_ version: Int64?) {
        if let version, let current = self.version, version <= current { return }
        let start = refreshing.withLockedValue { state -> Bool in
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        guard start else { return }
        Task {
            repeat {
                refreshing.withLockedValue { $0.again = false }
                await refresh()
            } while refreshing.withLockedValue({ state in
                if state.again { return true }
                state.running = false
                return false
            })
        }
    }

    /// Brings the copy up to date with the store now.
    func refresh() async {
        guard let version else { return }
        await gate.acquire()
        do {
            absorb(try await store.deskChanges(since: version, closedSince: closedSince))
        } catch {
            logger.warning("could not read the desk's changes; trying again later", metadata: ["error": LogText.escaped(error)])
        }
        gate.release()
    }

    /// Renews the lease; counts the connections of daemons whose lease ran out as gone; catches
    /// up with changes whose notification was missed; signs this daemon's specialists in again
    /// when another daemon took it for dead.
    func heartbeat() async {
        let beat: DeskHeartbeat
        do {
            beat = try await store.deskHeartbeat()
        } catch {
            logger.warning("could not renew the desk lease", metadata: ["error": LogText.escaped(error)])
            return
        }
        if beat.registered {
            logger.warning("this daemon was taken for dead at the desk (its lease ran out); its specialists sign in again")
            await rejoin()
        }
        if beat.lapsed { await reap() }
        if let version, beat.version > version { await refresh() }
    }

    /// Counts the connections of daemons whose lease ran out as gone: their specialists' grace
    /// periods start (and end on whichever daemon is alive then).
    func reap() async {
        let result = await change(reap: true) { _, _ in (DeskOutcome(), ()) }
        if case .failure(let error) = result {
            logger.error("could not count a lapsed daemon's connections as gone", metadata: ["error": LogText.escaped(error)])
        }
    }

    /// Signs this daemon's specialists in again on their open connections, after another daemon
    /// took this one for dead; those the desk forgot meanwhile are signed out here.
    func rejoin() async {
        let held = connections.withLockedValue { $0.mapValues(\.count) }
        for (specialist, count) in held.sorted(by: { $0.key < $1.key }) {
            _ = await change(presence: (specialist, count)) { desk, now throws(DeskError) in
                guard let known = desk.specialists[specialist] else { return (DeskOutcome(), ()) }
                let serves: Serves = known.role.map(Serves.role) ?? .scope(known.scope)
                for _ in 0..<count { try desk.signIn(id: specialist, name: known.name, serves: serves, at: now) }
                return (DeskOutcome(), ())
            }
        }
    }

    /// Stops keeping the lease and watching (the daemon is stopping, its connections closed) and
    /// gives the lease up, so that whatever it leaves is reaped at once.
    package func leave() async {
        let tasks = sharing.withLockedValue { tasks in
            defer { tasks = [] }
            return tasks
        }
        guard !tasks.isEmpty else { return }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        await store.leaveDesk()
    }
}
