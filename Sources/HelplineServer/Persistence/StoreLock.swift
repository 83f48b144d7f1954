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
    private let descriptor: NIOLockedValueBox<Int32>

    /// Takes the lock alone, or (with `exclusive` false) shared. Throws if it is held otherwise.
    init(path: String, exclusive: Bool) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseFileError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            _ = Glibc.close(descriptor)
            throw Self.inUse
        }
        self.descriptor = NIOLockedValueBox(descriptor)
    }

    private static let inUse = DatabaseFileError(
        "another helpline process is using this database; one daemon serves a SQLite file "
            + "(several daemons share a PostgreSQL database: docs/DEPLOYMENT.md)")

    /// Lets the lock go; later calls do nothing.
    func release() {
        descriptor.withLockedValue { descriptor in
            if descriptor >= 0 { _ = Glibc.close(descriptor) }
            descriptor = -1
        }
    }

    deinit {
        release()
    }
}
