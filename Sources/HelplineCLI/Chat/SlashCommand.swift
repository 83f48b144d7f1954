import Foundation

/// A chat command typed at the prompt: a line that starts with `/`.
enum SlashCommand: Equatable, Sendable {
    case help
    /// Back to the topic menu (the engine's `/menu`).
    case menu
    /// One step back (the engine's `/back`).
    case back
    /// Drop the draft (the engine's `/cancel`).
    case cancel
    /// State, topic, order and appeal.
    case state
    /// The profile the session runs with.
    case profile
    /// Start recording to a file; `nil` asks where recording goes now.
    case record(String?)
    case quit
    /// A `/word` that is not a command.
    case unknown(String)

    /// Every command's name as typed, in the order `/help` lists them; Tab completes these.
    static let names = ["/help", "/menu", "/back", "/cancel", "/state", "/profile", "/record", "/quit"]

    /// The command a line holds, or `nil` when the line is a message (it does not start with `/`).
    init?(line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("/") else { return nil }
        let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let name = parts.first.map { $0.lowercased() } ?? "/"
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        switch name {
        case "/help", "/?": self = .help
        case "/menu": self = .menu
        case "/back": self = .back
        case "/cancel": self = .cancel
        case "/state": self = .state
        case "/profile": self = .profile
        case "/record": self = .record(argument.flatMap { $0.isEmpty ? nil : $0 })
        case "/quit", "/exit": self = .quit
        default: self = .unknown(String(name))
        }
    }
}
