import Foundation

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
    /// screen in the message. The timeout is generous: this checks liveness, not speed.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 30, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HelplineProcessError("timed out waiting for \(what); the screen was:\n\(last)")
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    func waitFor(text: String, timeout: Double = 30) async throws -> String {
        try await waitFor("«\(text)»", timeout: timeout) { $0.contains(text) }
    }

    /// Waits until the last non-blank line is exactly `line` (trailing spaces ignored).
    func waitForLastLine(_ line: String, timeout: Double = 30) async throws {
        try await waitFor("last line «\(line)»", timeout: timeout) { screen in
            let last = screen.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } ?? ""
            return last.trimmingCharacters(in: .whitespaces) == line.trimmingCharacters(in: .whitespaces)
        }
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        guard let executable = Self.executable else { throw HelplineProcessError("tmux is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-L", server, "-f", "/dev/null"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw HelplineProcessError("tmux \(arguments.first ?? "") failed: \(text)")
        }
        return text
    }
}
