#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOConcurrencyHelpers
import HelplineTesting

/// A plain Unix-socket connection, for sending exactly the bytes a test wants (partial lines,
/// invalid UTF-8, half-closes) and reading raw answer lines.
///
/// The socket calls block, so they run on the connection's own dispatch queue, never on the
/// concurrency pool the in-process daemon needs.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32
    /// Touched only on `queue`.
    private var buffer: [UInt8] = []
    private let queue = DispatchQueue(label: "test.raw-connection")

    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw TestFailure("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("connect to \(path) failed: \(String(cString: strerror(errno)))")
        }
        setReceiveTimeout(seconds: 60)
    }

    /// Closed already by ``closeNow()``.
    private let closedEarly = NIOLockedValueBox(false)

    deinit {
        if !closedEarly.withLockedValue({ $0 }) { close(fd) }
    }

    /// Closes the socket now, whatever is unread in it (on Linux, unread data resets the daemon's end).
    func closeNow() {
        let already = closedEarly.withLockedValue { closed in
            defer { closed = true }
            return closed
        }
        if !already { close(fd) }
    }

    /// Waits until the daemon has written something to this connection, reading none of it.
    func waitForData() async throws {
        try await blocking {
            var byte: UInt8 = 0
            guard recv(self.fd, &byte, 1, Int32(MSG_PEEK)) == 1 else { throw TestFailure("nothing arrived") }
        }
    }

    /// Gives up on a blocked read or write after this long (for liveness; generous).
    func setReceiveTimeout(seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) async throws {
        try await blocking { try self.writeNow(bytes) }
    }

    func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    private func writeNow(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw TestFailure("send failed: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    /// Writes without blocking; returns how many bytes the socket took (0 when its buffer is full).
    func writeWithoutBlocking(_ bytes: [UInt8]) -> Int {
        let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        return max(0, written)
    }

    /// Sends `request` again and again until the socket has refused it 20 times in a row (the
    /// daemon stopped reading: its answers have backed up) or 64 Mi requests went out.
    /// Returns how many whole requests were sent and whether the sending ended blocked.
    func sendUntilBlocked(_ request: [UInt8]) async throws -> (sent: Int, blocked: Bool) {
        var sent = 0
        var blocked = 0
        while blocked < 20, sent < 64 * 1024 * 1024 {
            let written = writeWithoutBlocking(request)
            if written == 0 {
                blocked += 1
                try await Task.sleep(for: .milliseconds(10))
            } else {
                if written < request.count { try await write(Array(request[written...])) }
                sent += 1
                blocked = 0
            }
        }
        return (sent, blocked >= 20)
    }

    /// Says no more will be sent (the daemon still answers what it got).
    func halfClose() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// The next answer line, without its `\n`; `nil` at the end of the stream.
    func readLine() async throws -> String? {
        try await blocking { try self.readLineNow() }
    }

    private func readLineNow() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return String(decoding: line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            // A reset (the daemon closed with requests of ours unread) ends the stream like a close.
            if count == 0 || (count < 0 && errno == ECONNRESET) {
                defer { buffer = [] }
                return buffer.isEmpty ? nil : String(decoding: buffer, as: UTF8.self)
            }
            guard count > 0 else { throw TestFailure("recv failed: \(String(cString: strerror(errno)))") }
            buffer += chunk[..<count]
        }
    }

    /// The next answer line as a JSON object.
    func readObject() async throws -> [String: Any] {
        guard let line = try await readLine() else { throw TestFailure("the connection ended") }
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(line)")
        }
        return object
    }

    /// The error code of the next answer, `nil` if it is not an error.
    func readErrorCode() async throws -> String? {
        (try await readObject()["error"] as? [String: Any])?["code"] as? String
    }
}
