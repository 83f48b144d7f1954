import Dispatch
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file in the background, on a connection of its
/// own, so that a turn's commit never waits for that copying and its file syncs.
///
/// SQLite's passive checkpoints run alongside the writer. The writer's own automatic checkpoint
/// stays on, with a larger threshold, in case the log outgrows what this one keeps up with.
final class Checkpointer: Sendable {
    private let connection: DatabaseQueue
    private let interval: DispatchTimeInterval
    private let stopped = Mutex(false)

    /// The writer checkpoints by itself once the log holds this many pages (about 32 MB).
    static let writerThreshold = 8_000

    init(path: String, interval: DispatchTimeInterval = .milliseconds(50)) throws {
        var configuration = Configuration()
        configuration.label = "helpline.checkpoint"
        configuration.busyMode = .timeout(1)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
        schedule()
    }

    /// Stops checkpointing and closes the connection.
    func stop() throws {
        stopped.withLock { $0 = true }
        try connection.close()
    }

    private func schedule() {
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + interval) { [weak self] in
            guard let self, !self.stopped.withLock({ $0 }) else { return }
            self.connection.asyncWriteWithoutTransaction { db in
                // Nothing to do is cheap; a failure (the database closing) is retried next time.
                _ = try? db.checkpoint(.passive)
                self.schedule()
            }
        }
    }
}
