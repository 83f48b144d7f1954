import CReadline
import Foundation

/// Facts about the terminal the chat runs in, read once or on demand.
enum Terminal {
    /// Whether standard input is a terminal (a person typing) rather than a pipe or a file.
    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Whether standard output is a terminal.
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// The width of standard output in columns: the terminal's (TIOCGWINSZ), else `$COLUMNS`,
    /// else 80. Never below 20.
    static func columns(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        var columns = Int(hl_terminal_columns(STDOUT_FILENO))
        if columns <= 0, let text = environment["COLUMNS"], let value = Int(text) {
            columns = value
        }
        if columns <= 0 { columns = 80 }
        return max(20, columns)
    }

    /// Whether to colour output: only on a terminal, and never with `NO_COLOR` set (to anything
    /// non-empty, as no-color.org asks) or `TERM=dumb`.
    static func wantsColour(outputIsTerminal: Bool, environment: [String: String]) -> Bool {
        guard outputIsTerminal else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    /// Makes the C library (and so readline) read and write UTF-8 even when the environment sets
    /// no locale: `setlocale(LC_ALL, "")`, then `C.UTF-8` for characters if that left the plain
    /// C locale. Without this, readline drops every Cyrillic keystroke.
    static func ensureUTF8Locale() {
        let chosen = setlocale(LC_ALL, "").map { String(cString: $0) }
        let ctype = setlocale(LC_CTYPE, nil).map { String(cString: $0) } ?? "C"
        if chosen == nil || ctype == "C" || ctype == "POSIX" {
            if setlocale(LC_CTYPE, "C.UTF-8") == nil {
                _ = setlocale(LC_CTYPE, "C.utf8")
            }
        }
    }
}

/// ANSI styles for the chat's text, or none at all when colour is off.
struct TerminalStyle: Sendable {
    var enabled: Bool

    static let plain = TerminalStyle(enabled: false)

    func bold(_ text: String) -> String { apply("1", text) }
    func dim(_ text: String) -> String { apply("2", text) }
    func botName(_ text: String) -> String { apply("1;36", text) }
    func userName(_ text: String) -> String { apply("1;32", text) }
    func optionKey(_ text: String) -> String { apply("1;33", text) }
    func warning(_ text: String) -> String { apply("33", text) }
    func error(_ text: String) -> String { apply("1;31", text) }

    /// A readline prompt: the escape sequences are wrapped in \001…\002 so readline does not count
    /// them as columns.
    func prompt(_ text: String) -> String {
        guard enabled else { return text }
        return "\u{1}\u{1B}[1;32m\u{2}\(text)\u{1}\u{1B}[0m\u{2}"
    }

    private func apply(_ code: String, _ text: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
