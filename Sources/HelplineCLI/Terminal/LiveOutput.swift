import CReadline
import Foundation
import Synchronization

/// Text that arrives on its own while the user may be typing — a specialist's reply in the chat,
/// a new appeal or a customer's follow-up at the desk — shown without breaking the line being
/// typed.
///
/// Any thread may ``post(_:)`` text. On a terminal it waits in a queue and one byte goes down a
/// pipe; the ``LineEditor`` polls the pipe beside standard input and prints the text above the
/// prompt between keystrokes, with the typed line and cursor restored (readline is not
/// thread-safe, so only the editor's thread touches it). Text posted while no prompt is shown is
/// printed by the next ``flush()`` or the next prompt. Without a terminal (a pipe) text is
/// written at once.
final class LiveOutput: Sendable {
    /// Whether the text goes through the line editor (a terminal) or straight out (a pipe).
    let throughEditor: Bool
    private let pending = Mutex<[String]>([])
    private let readEnd: Int32
    private let writeEnd: Int32

    init(throughEditor: Bool) {
        self.throughEditor = throughEditor
        var fds: [Int32] = [-1, -1]
        if throughEditor, pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        if readEnd >= 0 { close(readEnd) }
        if writeEnd >= 0 { close(writeEnd) }
    }

    /// The descriptor the line editor polls; -1 without a terminal.
    var descriptor: Int32 { readEnd }

    /// Shows `text` (whole lines, each ending in a newline) as soon as it can be.
    func post(_ text: String) {
        guard throughEditor, writeEnd >= 0 else {
            StandardStream.out(text)
            return
        }
        pending.withLock { $0.append(text) }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// The texts posted and not shown yet, oldest first; empties the queue and the pipe.
    func take() -> [String] {
        drainPipe()
        return pending.withLock { texts in
            defer { texts = [] }
            return texts
        }
    }

    /// Whether texts wait to be shown.
    var hasPending: Bool { pending.withLock { !$0.isEmpty } }

    private func drainPipe() {
        guard readEnd >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while buffer.withUnsafeMutableBytes({ read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Prints what waits, when no prompt is on screen (before a reply, before the next prompt).
    func flush() {
        for text in take() { StandardStream.out(text) }
    }

    /// Prints what waits above the line being edited. Only while the line editor's prompt is
    /// installed, from its thread.
    /// During a history search (Ctrl-R) the texts wait: the editor calls again after each key.
    func showAboveLine() {
        drainPipe()
        guard hasPending, hl_can_print_above_line() != 0 else { return }
        for text in take() { hl_print_above_line(text) }
    }
}
