#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A plain Unix-socket line echo server: blocking POSIX calls, one thread per connection, every
/// newline-terminated line written back as it came.
///
/// The yardstick `helpline bench daemon` measures the daemon against: the least any line-based
/// server can do on this machine, with no event loop, no framing library and no protocol. Each
/// connection's thread calls read(2) into a buffer and write(2)s back every complete line the
/// buffer holds (lines that arrive together go back in one write); a partial line waits for the
/// rest. Starting a server makes the process ignore SIGPIPE, so a client that goes away ends its
/// connection, not the process.
///
/// ```swift
/// let server = try PlainEchoServer.start(socketPath: "/tmp/echo.sock")
/// // … connect, write "ping\n", read "ping\n" …
/// server.stop()
/// ```
public final class PlainEchoServer: Sendable {
    private struct State {
        var connections: Set<Int32> = []
        var stopping = false
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let listener: UnixListener
    private let state = Mutex(State())

    /// The socket file's path.
    public var socketPath: String { listener.path }

    private init(listener: UnixListener) {
        self.listener = listener
    }

    /// Listens on `socketPath` (a stale socket file there is replaced) and serves on threads of its own.
    public static func start(socketPath: String) throws -> PlainEchoServer {
        signal(SIGPIPE, SIG_IGN)
        let server = PlainEchoServer(listener: try UnixListener(path: socketPath))
        Thread.detachNewThread { server.acceptConnections() }
        return server
    }

    /// Stops accepting, ends every connection and removes the socket file.
    public func stop() {
        state.withLock { state in
            state.stopping = true
            // Wakes the thread in accept(2), which then closes the listener; and every connection's read(2).
            if !state.stopped { shutdown(listener.descriptor, Int32(SHUT_RDWR)) }
            for descriptor in state.connections { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    /// Returns when the server has stopped accepting connections.
    public func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            let stopped = state.withLock { state -> Bool in
                if !state.stopped { state.waiters.append(continuation) }
                return state.stopped
            }
            if stopped { continuation.resume() }
        }
    }

    // MARK: Threads

    private func acceptConnections() {
        while true {
            let descriptor = accept(listener.descriptor, nil, nil)
            if descriptor < 0 {
                if errno == EINTR { continue }
                break
            }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopping else { return false }
                state.connections.insert(descriptor)
                return true
            }
            guard accepted else {
                closeDescriptor(descriptor)
                break
            }
            Thread.detachNewThread { [self] in
                Self.echoLines(on: descriptor)
                state.withLock { _ = $0.connections.remove(descriptor) }
                closeDescriptor(descriptor)
            }
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            listener.close()
            state.stopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Reads until the client closes, writing back each complete line; a line longer than the
    /// buffer grows it.
    static func echoLines(on descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var held = 0
        while true {
            if held == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + held, raw.count - held)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            let end = held + count
            guard let lastNewline = buffer[held..<end].lastIndex(of: UInt8(ascii: "\n")) else {
                held = end
                continue
            }
            let written = buffer.withUnsafeBytes { raw in
                writeAll(descriptor, UnsafeRawBufferPointer(rebasing: raw[..<(lastNewline + 1)]))
            }
            guard written else { return }
            held = end - lastNewline - 1
            if held > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + lastNewline + 1, held)
                }
            }
        }
    }

    /// Writes all of `bytes`, as many write(2) calls as it takes; false when the connection failed.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}
