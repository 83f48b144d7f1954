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

    /// Takes the lock alone, or (with `exclusive` false) shared. Throws if it is held otherwise.
    init(path: String, exclusive: Bool) throws {
        self.path = path
        operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        descriptors = NIOLockedValueBox([try Self.take(path, operation)])
    }

    /// Opens and locks the file at `path`. A file deleted between opening and locking it (by a
    /// process that released it) is not the lock: the one now at the path is taken instead.
    private static func take(_ path: String, _ operation: Int32) throws -> Int32 {
        for _ in 0..<8 {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw DatabaseFileError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
            }
            guard flock(descriptor, operation) == 0 else {
                _ = Glibc.close(descriptor)
                throw inUse
            }
            if isAtPath(descriptor, path) { return descriptor }
            _ = Glibc.close(descriptor)
        }
        throw DatabaseFileError("the lock file \(path) keeps being replaced; is another program deleting it?")
    }

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
                descriptors.append(try Self.take(path, operation))
            } catch {
                throw DatabaseFileError(
                    "the lock file \(path) was deleted while this process held it, and another helpline process "
                        + "has the database now; stop one of them (\(error))")
            }
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
