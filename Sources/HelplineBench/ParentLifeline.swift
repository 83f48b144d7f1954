import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ends a bench's child server when the bench itself ends, however it ends.
///
/// ``ChildServer`` gives each child a pipe as its standard input and never writes to it; the
/// bench holds the pipe's other end until it stops the child. When the bench process ends —
/// even killed with SIGKILL, which it cannot handle — the kernel closes that end, the child reads
/// end-of-file, and sends itself SIGTERM, which the daemon and the echo servers take as "stop".
/// (The kernel's parent-death signal is not used: it follows the thread that started the child,
/// and the bench's threads come and go.)
public enum ParentLifeline {
    /// Set in the child's environment by ``ChildServer``.
    public static let environmentKey = "HELPLINE_BENCH_LIFELINE"

    /// In a child started by ``ChildServer``: watches standard input and sends this process
    /// SIGTERM once it ends. Elsewhere (no ``environmentKey``), does nothing.
    public static func watchIfStartedByBench(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard environment[environmentKey] == "stdin" else { return }
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count == 0 || (count < 0 && errno != EINTR) { break }
            }
            kill(getpid(), SIGTERM)
        }
        thread.name = "parent lifeline"
        thread.start()
    }
}
