import Foundation
import Synchronization

/// Turns SIGINT (Ctrl-C) and SIGWINCH (a resized terminal) into events the chat loop reads at a
/// safe point, instead of letting Ctrl-C end the process.
///
/// The signal handler only counts the signal and writes one byte to a pipe (both
/// async-signal-safe); the line editor polls the pipe beside standard input and does the real work
/// — clearing the line, re-reading the width — outside the handler.
enum SignalMonitor {
    /// A signal that arrived since the last `drain()`.
    enum Event: Sendable, Equatable {
        case interrupt
        case resize
    }

    /// Installs the handlers (once). Returns false if the pipe could not be made.
    @discardableResult
    static func install() -> Bool {
        if pipeRead.load(ordering: .acquiring) >= 0 { return true }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return false }
        for fd in fds {
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        pipeWrite.store(fds[1], ordering: .releasing)
        pipeRead.store(fds[0], ordering: .releasing)
        _ = signal(SIGINT, signalHandler)
        _ = signal(SIGWINCH, signalHandler)
        return true
    }

    /// The descriptor to poll for pending signals, or -1 before `install()`.
    static var descriptor: Int32 { pipeRead.load(ordering: .acquiring) }

    /// How many Ctrl-C presses have arrived since `install()`; compare two readings to tell whether
    /// the user interrupted in between.
    static var interruptCount: Int { interrupts.load(ordering: .acquiring) }

    /// Reads the pending events off the pipe, oldest first.
    static func drain() -> [Event] {
        let fd = descriptor
        guard fd >= 0 else { return [] }
        var events: [Event] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            for byte in buffer[..<count] {
                events.append(byte == interruptByte ? .interrupt : .resize)
            }
        }
        return events
    }
}

private let pipeRead = Atomic<Int32>(-1)
private let pipeWrite = Atomic<Int32>(-1)
private let interrupts = Atomic<Int>(0)
private let interruptByte: UInt8 = 1
private let resizeByte: UInt8 = 2

/// The handler for SIGINT and SIGWINCH: a counter and one byte down the pipe, nothing else.
private let signalHandler: @convention(c) (Int32) -> Void = { signo in
    let savedErrno = errno
    defer { errno = savedErrno }
    var byte = signo == SIGINT ? interruptByte : resizeByte
    if signo == SIGINT { interrupts.add(1, ordering: .relaxed) }
    let fd = pipeWrite.load(ordering: .relaxed)
    if fd >= 0 { _ = write(fd, &byte, 1) }
}
