#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A listening Unix-domain stream socket made with plain POSIX calls (`socket`, `bind`, `listen`).
///
/// ```swift
/// let listener = try UnixListener(path: "/tmp/echo.sock")
/// let connection = accept(listener.descriptor, nil, nil)
/// listener.close()
/// ```
public final class UnixListener: Sendable {
    /// The socket file's path.
    public let path: String
    /// The listening socket's file descriptor.
    public let descriptor: Int32
    private let closed = Atomic(false)

    /// Listens on `path`, replacing a stale socket file there.
    public init(path: String, backlog: Int32 = 64) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw BenchFailure("\(path): the path is too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw BenchFailure("socket: errno \(errno)") }
        unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(descriptor, backlog) == 0 else {
            let code = errno
            closeDescriptor(descriptor)
            throw BenchFailure("\(path): cannot listen (errno \(code))")
        }
        self.path = path
        self.descriptor = descriptor
    }

    /// Stops listening (a thread blocked in `accept` returns), closes the socket and removes its file.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        closeDescriptor(descriptor)
        unlink(path)
    }

    deinit {
        close()
    }
}

/// `close(2)`, by a name that the `close()` methods of the socket types do not hide.
func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}
