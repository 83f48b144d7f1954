import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The SQLite file's owner lock (`PATH-turns.lock`, `flock`): a daemon that journals turns holds
/// it alone; other openers of the file share it, so neither can open the file while the other has it.
/// The system releases it when the process ends, however it ends.
final class StoreLock: Sendable {
    /// The lock file's descriptors: the current one last (earlier ones were of a file deleted or
    /// replaced while held, kept until release).
    private let descriptors: NIOLockedValueBox<[Int32]>
    private let path: String
    private let operation: Int32
    private let patience: DispatchTimeInterval

    /// Takes the lock alone, or (with `exclusive` false) shared. Throws if it is held otherwise
    /// for longer than `patience` (see ``take(_:_:patience:)``).
    init(path: String, exclusive: Bool, patience: DispatchTimeInterval = defaultPatience) throws {
        self.path = path
        self.patience = patience
        operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        descriptors = NIOLockedValueBox([try Self.take(path, operation, patience: patience)])
    }

    /// Opens and locks the file at `path`. A file deleted between opening and locking it (by a
    /// process that released it) is not the lock: the one now at the path is taken instead.
    ///
    /// A lock held otherwise is asked for again for up to `patience`: a process that has just
    /// let it go may not have released it yet (a child process started at that moment holds the
    /// lock's descriptor until it runs its program), while a daemon that serves the file holds it
    /// for as long as it runs.
    private static func take(_ path: String, _ operation: Int32, patience: DispatchTimeInterval) throws -> Int32 {
        let deadline = DispatchTime.now() + patience
        var replaced = 0
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw DatabaseFileError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
            }
            guard flock(descriptor, operation) == 0 else {
                let busy = errno == EWOULDBLOCK
                _ = Glibc.close(descriptor)
                guard busy, DispatchTime.now() < deadline else { throw inUse }
                usleep(10_000)
                continue
            }
            if isAtPath(descriptor, path) { return descriptor }
            _ = Glibc.close(descriptor)
            replaced += 1
            guard replaced < 8 else {
                throw DatabaseFileError("the lock file \(path) keeps being replaced; is another program deleting it?")
            }
        }
    }

    /// How long a lock held otherwise is asked for again before the file is said to be in use.
    static let defaultPatience: DispatchTimeInterval = .seconds(1)

    /// Whether `descriptor` is the file now at `path`.
    private static func isAtPath(_ descriptor: Int32, _ path: String) -> Bool {
        var held = stat()
        var current = stat()
        return fstat(descriptor, &held) == 0 && stat(path, &current) == 0
            && held.st_ino == current.st_ino && held.st_dev == current.st_dev
    }

    private static let inUse = DatabaseFileError(
        "another helpline process is using this database; one daemon serves a SQLite file "
            + "(several daemons share a PostgreSQL database: docs/DEPLOYMENT.md)")

    /// Makes sure the lock file at the path is still the one held. If it was deleted or replaced
    /// (a cleaner of old files, say), the file now at the path is made and taken too, so that
    /// another process opening the database still finds it in use; throws if another process
    /// holds that one already.
    func keep() throws {
        try descriptors.withLockedValue { descriptors in
            guard let current = descriptors.last, current >= 0, !Self.isAtPath(current, path) else { return }
            do {
                descriptors.append(try Self.take(path, operation, patience: patience))
            } catch {
                throw DatabaseFileError(
                    "the lock file \(path) was deleted while this process held it, and another helpline process "
                        + "has the database now; stop one of them (\(error))")
            }
        }
    }

    /// A new descriptor of the lock file held now (`dup`), which holds the lock with it: as a
    /// child process started while the lock is held has one until it runs its program.
    func duplicateDescriptor() -> Int32? {
        descriptors.withLockedValue { descriptors in
            guard let current = descriptors.last else { return nil }
            let copy = dup(current)
            return copy >= 0 ? copy : nil
        }
    }

    /// Lets the lock go; later calls do nothing.
    func release() {
        descriptors.withLockedValue { descriptors in
            for descriptor in descriptors where descriptor >= 0 { _ = Glibc.close(descriptor) }
            descriptors = []
        }
    }

    deinit {
        release()
    }
}
