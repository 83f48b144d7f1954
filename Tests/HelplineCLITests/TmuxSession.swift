import Foundation
import HelplineTesting

/// A terminal for tests: a detached tmux session on its own server, running one command, driven by
/// `send-keys` and read by `capture-pane`.
final class TmuxSession {
    /// Whether tmux is installed.
    static var available: Bool { executable != nil }

    static let executable: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let server = "helpline-test-\(UUID().uuidString.prefix(8))"
    let name = "chat"

    /// Starts `command` (a shell command line) in a new `columns`×`rows` terminal.
    init(command: String, columns: Int = 120, rows: Int = 40) throws {
        try tmux(["new-session", "-d", "-s", name, "-x", String(columns), "-y", String(rows), command])
    }

    deinit {
        _ = try? tmux(["kill-server"])
    }

    /// Types `text` literally (no key names).
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    /// Presses keys by tmux name: `Enter`, `Up`, `Tab`, `C-c`, `C-d`, `C-u`.
    func press(_ keys: String...) throws {
        try tmux(["send-keys", "-t", name] + keys)
    }

    /// The screen's text now; with `escapes`, with its colours and attributes as escape sequences.
    func screen(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", name] + (escapes ? ["-e"] : []))
    }

    /// The last non-blank line on screen.
    func lastLine() throws -> String {
        try screen().split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
    }

    /// Waits until `condition` holds for the screen, polling; fails after `timeout` seconds with the
    /// screen in the message. The timeout is generous: this checks liveness, not speed. The screen is
    /// always read once more after the deadline, so a test whose thread was held up past it by a
    /// busy machine still sees what the program printed meanwhile.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 120, _ condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let expired = ContinuousClock.now >= deadline
            let last = try screen()
            if condition(last) { return last }
            if expired { throw TestFailure("timed out waiting for \(what); the screen was:\n\(last)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    func waitFor(text: String, timeout: Double = 120) async throws -> String {
        try await waitFor("«\(text)»", timeout: timeout) { $0.contains(text) }
    }

    /// Waits until the last non-blank line is exactly `line` (trailing spaces ignored).
    func waitForLastLine(_ line: String, timeout: Double = 120) async throws {
        try await waitFor("last line «\(line)»", timeout: timeout) { screen in
            let last = screen.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } ?? ""
            return last.trimmingCharacters(in: .whitespaces) == line.trimmingCharacters(in: .whitespaces)
        }
    }

    /// The server's configuration: panes stay on screen after their command ends, so the test can
    /// read the last words and the exit status.
    private static let configuration: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("helpline-test-tmux.conf").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("set -g remain-on-exit on\n".utf8))
        return path
    }()

    /// Runs one tmux command and returns what it printed.
    ///
    /// Spawned with `posix_spawn` rather than Foundation's `Process`: `Process` hands its child a
    /// descriptor whose closing tells it the child ended, and the tmux server that `new-session`
    /// starts inherits that descriptor and keeps it open, so waiting on it would never end.
    /// Output goes through a file for the same reason.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        guard let executable = Self.executable else { throw TestFailure("tmux is not installed") }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let status = try Self.spawnAndWait(executable, ["tmux", "-L", server, "-f", Self.configuration] + arguments,
                                           output: output)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TestFailure("tmux \(arguments.first ?? "") failed (status \(status)): \(text)")
        }
        return text
    }

    /// Runs a program with standard input from /dev/null and standard output and error to `output`,
    /// waits for it, and returns its exit status.
    private static func spawnAndWait(_ path: String, _ arguments: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The tmux server started here lives on: give it a clean signal mask and default handlers,
        // not this test thread's (which blocks most signals, SIGCHLD and SIGTERM among them).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw TestFailure("cannot start \(path): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TestFailure("waiting for \(path) failed: errno \(errno)") }
        }
        // WIFEXITED / WEXITSTATUS: the low 7 bits are the signal, the next 8 the exit code.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
