import Foundation
import HelplineDialogue

/// What a transcript says before its first line: a title, the profile and the conversation's time.
public struct TranscriptHeader: Sendable, Hashable {
    public var title: String
    /// The profile the conversation ran with.
    public var profile: Profile
    /// The profile file's name when it came from one (`demo-profile.yaml`); `nil` writes it inline.
    public var profileFile: String?
    /// When the conversation started; a replay runs at this fixed time.
    public var time: Date

    public init(title: String, profile: Profile, profileFile: String?, time: Date) {
        self.title = title
        self.profile = profile
        self.profileFile = profileFile
        self.time = time
    }
}

/// One line of a conversation, in order.
public enum TranscriptEntry: Sendable, Hashable {
    case user(String)
    case bot(Reply)
}

/// Writes a conversation to a file as it happens, as plain UTF-8 text that reads as the dialogue.
///
/// ```
/// title: Разговор в чате
/// profile: demo-profile.yaml
/// time: 2026-11-20T07:00:00Z
///
/// bot: Здравствуйте! Выберите тему обращения.
///   1. Доставка
///   2. Возвраты
/// state: choose_topic
/// user: где мой заказ
/// bot: …
/// ```
/// Each entry is flushed when written, so the file is complete up to the last answered turn even
/// if the chat is killed.
public final class TranscriptRecorder {
    public let path: String
    private let handle: FileHandle

    /// Creates (or replaces) the file and writes the header and the entries so far.
    public init(path: String, header: TranscriptHeader, entries: [TranscriptEntry] = []) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw TranscriptRecorderError(path: path, message: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: url)
        try write(Self.render(header))
        for entry in entries { try record(entry) }
    }

    deinit {
        try? handle.close()
    }

    /// Appends one entry.
    public func record(_ entry: TranscriptEntry) throws {
        try write(Self.render(entry))
    }

    /// Closes the file; later entries are not written.
    public func close() {
        try? handle.close()
    }

    private func write(_ text: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw TranscriptRecorderError(path: path, message: "\(error)")
        }
    }

    /// The header's text, ending with a blank line.
    public static func render(_ header: TranscriptHeader) -> String {
        var lines = ["title: \(oneLine(header.title))"]
        if let file = header.profileFile {
            lines.append("profile: \(file)")
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let json = (try? encoder.encode(header.profile)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
            lines.append("profile: \(json)")
        }
        lines.append("time: \(ISO8601.format(header.time))")
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// One entry's lines: `user:` with the text, or `bot:` with the text, the options and the state.
    public static func render(_ entry: TranscriptEntry) -> String {
        switch entry {
        case .user(let text):
            return "user: \(oneLine(text))\n"
        case .bot(let reply):
            var lines: [String] = []
            let paragraphs = reply.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, paragraph) in paragraphs.enumerated() {
                lines.append(index == 0 ? "bot: \(paragraph)" : "  \(paragraph)")
            }
            for option in reply.options {
                lines.append("  \(option.key). \(oneLine(option.label))")
            }
            lines.append("state: \(reply.state.rawValue)")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}

/// A transcript file that could not be written.
public struct TranscriptRecorderError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}
