import CReadline
import Foundation
import Synchronization

/// The interactive prompt on GNU readline: line editing, history kept in a file, Ctrl-R search,
/// Tab completion of slash commands and option labels, and Ctrl-C that clears the line without
/// ending anything.
///
/// Readline runs through its callback interface: this editor polls standard input beside the
/// `SignalMonitor` pipe, feeds readline one character at a time, and handles Ctrl-C and terminal
/// resizes between characters, where readline's state is consistent. Readline is a global
/// C library, so there is at most one editor at a time, used from one thread.
final class LineEditor {
    /// What the user did at the prompt.
    enum Input: Equatable, Sendable {
        case line(String)
        /// Ctrl-D on an empty line, or the terminal went away.
        case endOfInput
    }

    let historyPath: String?
    let historyLimit: Int

    /// - Parameters:
    ///   - historyPath: the history file, created (with its folder) if missing; `nil` keeps
    ///     history for this run only.
    ///   - historyLimit: the most entries kept, in memory and in the file.
    init(historyPath: String?, historyLimit: Int = 1000) {
        self.historyLimit = historyLimit
        hl_set_readline_name()
        hl_disable_readline_signals()
        hl_complete_whole_line()
        // One Tab lists the choices when there are several.
        hl_bind_variable("show-all-if-ambiguous", "on")
        hl_set_attempted_completion(completeLine)
        using_history()
        hl_stifle_history(Int32(historyLimit))
        self.historyPath = historyPath.flatMap(Self.prepareHistoryFile)
        if let path = self.historyPath {
            _ = read_history(path)
        }
        SignalMonitor.install()
    }

    /// The option labels Tab completes, from the reply on screen.
    func setCompletions(labels: [String]) {
        completionWords.withLock { $0.labels = labels }
    }

    /// The slash commands Tab completes (the chat's by default), and the words it completes after
    /// some of them (`/transfer ` → topics and queues).
    func setCompletions(commands: [String], arguments: [String: [String]]) {
        completionWords.withLock {
            $0.commands = commands
            $0.arguments = arguments
        }
    }

    /// Shows `prompt` and returns the line typed, once Enter is pressed. Ctrl-C clears the line
    /// and keeps waiting. Text posted to `live` meanwhile is printed above the line being typed.
    func read(prompt: String, live: LiveOutput? = nil) -> Input {
        _ = SignalMonitor.drain()
        live?.flush()
        pendingInput.withLock { $0 = nil }
        rl_callback_handler_install(prompt, lineHandler)
        while true {
            var fds = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: SignalMonitor.descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: live?.descriptor ?? -1, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .endOfInput
            }
            // Keys typed before a Ctrl-C are read before the Ctrl-C is handled.
            let input = fds[0].revents
            if input & Int16(POLLNVAL) != 0 {
                rl_callback_handler_remove()
                return .endOfInput
            }
            if input & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                rl_callback_read_char()
                if let result = pendingInput.withLock({ $0 }) {
                    return result
                }
                // Text held back during a history search is shown once the search ends.
                if let live, live.hasPending { live.showAboveLine() }
                if Self.inputIsWaiting() { continue }
            }
            if fds[2].revents & Int16(POLLIN) != 0 {
                live?.showAboveLine()
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                for event in SignalMonitor.drain() {
                    switch event {
                    case .interrupt: hl_abandon_line()
                    case .resize: rl_resize_terminal()
                    }
                }
            }
        }
    }

    /// Whether standard input has more bytes to read right now.
    private static func inputIsWaiting() -> Bool {
        var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) > 0 && fd.revents & Int16(POLLIN) != 0
    }

    /// Adds a line to the history (not blank lines, nor a repeat of the newest entry) and appends
    /// it to the history file.
    func remember(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace) else { return }
        if let last = hl_last_history_line(), String(cString: last) == line { return }
        add_history(line)
        if let historyPath {
            _ = append_history(1, historyPath)
        }
    }

    /// Trims the history file to the limit. Call once, when the chat ends.
    func finish() {
        if let historyPath {
            _ = history_truncate_file(historyPath, Int32(historyLimit))
        }
    }

    /// `$XDG_STATE_HOME/helpline/history`, else `~/.local/state/helpline/history`; `nil` with
    /// neither variable set.
    static func defaultHistoryPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/helpline/history"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.local/state/helpline/history"
        }
        return nil
    }

    /// Makes the history file's folder (mode 0700) and the file (mode 0600) if missing. Returns
    /// the path, or `nil` when it cannot be written, and history stays in memory.
    private static func prepareHistoryFile(_ path: String) -> String? {
        let manager = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
        } catch {
            return nil
        }
        if !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                return nil
            }
        }
        return manager.isWritableFile(atPath: path) ? path : nil
    }
}

/// The words Tab completes, read by the completion callback.
private struct CompletionWords: Sendable {
    var commands = SlashCommand.names
    var arguments: [String: [String]] = [:]
    var labels: [String] = []
}

private let completionWords = Mutex(CompletionWords())

/// The line the callback interface delivered, picked up by `LineEditor.read`.
private let pendingInput = Mutex<LineEditor.Input?>(nil)

/// Readline's line callback: stores the line (or the end of input) and removes the handler, which
/// puts the terminal back the way it was until the next prompt.
private let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { raw in
    let input: LineEditor.Input
    if let raw {
        input = .line(String(cString: raw))
        free(raw)
    } else {
        input = .endOfInput
    }
    pendingInput.withLock { $0 = input }
    rl_callback_handler_remove()
}

/// Readline's completion callback: the matches for the whole line before the cursor, as a
/// malloc'd, NULL-terminated array whose first entry replaces the typed text.
private let completeLine: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, _ in
    hl_set_attempted_completion_over(1)
    let typed = text.map { String(cString: $0) } ?? ""
    let words = completionWords.withLock { $0 }
    guard let completion = Completion.complete(typed, commands: words.commands, arguments: words.arguments, labels: words.labels) else {
        return nil
    }
    hl_set_completion_append_character(completion.appendSpace ? 32 : 0)
    let entries = [completion.replacement] + (completion.candidates.count > 1 ? completion.candidates : [])
    guard let memory = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1)) else {
        return nil
    }
    let array = memory.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    for (index, entry) in entries.enumerated() {
        array[index] = strdup(entry)
    }
    array[entries.count] = nil
    return array
}
