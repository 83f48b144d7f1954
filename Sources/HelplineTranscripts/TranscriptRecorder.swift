import Foundation
import HelplineDialogue
import Yams

/// What a transcript says before its first line: a title, the profile and the conversation's time.
public struct TranscriptHeader: Sendable, Hashable {
    public var title: String
    /// The profile the conversation ran with.
    public var profile: Profile
    /// The profile file's path when it came from one; `demo` or `demo-profile.yaml` for the demo
    /// profile of the data; `nil` writes the profile inline.
    public var profileFile: String?
    /// When the conversation started; a replay runs at this fixed time.
    public var time: Date

    /// The `profileFile` that writes `profile: demo`.
    public static let demoProfile = "demo"

    /// Whether `profileFile` names the data's demo profile rather than a file of its own.
    static func namesDemo(_ file: String) -> Bool {
        file == demoProfile || file == Profile.demoPath || file == (Profile.demoPath as NSString).lastPathComponent
    }

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

/// Writes a conversation to a file as it happens, in the transcript format (`docs/TRANSCRIPTS.md`),
/// so that replaying the file passes.
///
/// ```
/// title: Разговор в чате
/// profile: demo
/// now: 2026-06-01T07:00:00Z
///
/// < Здравствуйте, Анна! Чем можем помочь?
/// < Выберите тему обращения — номер или название из списка — или опишите вопрос своими словами.
/// [1] Доставка
/// [2] Отслеживание заказа
/// ? state: choose_topic
///
/// > где мой заказ
/// …
/// ```
/// Each bot reply is written with its text (the appeal's id replaced by `*`, since a replay makes
/// another), its options, and assertions on its state, intent and appeal. Each entry is written
/// through at once, so the file is complete up to the last answered turn even if the chat is killed.
public final class TranscriptRecorder {
    public let path: String
    private let handle: FileHandle
    /// The appeal id of the last reply that carried one (for `id=same` / `id=new`).
    private var lastTicketID: String?

    /// Creates (or replaces) the file and writes the header and the entries so far.
    public init(path: String, header: TranscriptHeader, entries: [TranscriptEntry] = []) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw TranscriptRecorderError(path: path, message: "cannot create the file")
        }
        do {
            handle = try FileHandle(forWritingTo: url)
        } catch {
            throw TranscriptRecorderError(path: path, message: "cannot open the file for writing: \(error.localizedDescription)")
        }
        try write(Self.render(header, transcriptPath: path))
        for entry in entries { try record(entry) }
    }

    deinit {
        try? handle.close()
    }

    /// Appends one entry.
    public func record(_ entry: TranscriptEntry) throws {
        try write(Self.render(entry, lastTicketID: lastTicketID))
        if case .bot(let reply) = entry, let ticket = reply.ticket { lastTicketID = ticket.id }
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

    // MARK: - Rendering

    /// The header's text, ending with a blank line. A profile file is named relative to the
    /// transcript's folder (`transcriptPath`), so the pair can move together.
    public static func render(_ header: TranscriptHeader, transcriptPath: String? = nil) -> String {
        var lines = ["title: \(oneLine(header.title))"]
        switch header.profileFile {
        case let file? where TranscriptHeader.namesDemo(file):
            lines.append("profile: demo")
        case let file?:
            lines.append("profile: \(relativePath(file, from: transcriptPath))")
        case nil:
            lines.append("profile:")
            lines.append(contentsOf: inlineProfile(header.profile).map { "  " + $0 })
        }
        lines.append("now: \(ISO8601.format(header.time))")
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// One entry's lines: `> text`, or the reply's `<` lines, `[key] label` options and `?` assertions.
    /// `lastTicketID` is the appeal of the previous reply that had one.
    public static func render(_ entry: TranscriptEntry, lastTicketID: String? = nil) -> String {
        switch entry {
        case .user(let text):
            return "\n> \(oneLine(text))\n"
        case .bot(let reply):
            var lines: [String] = []
            for line in reply.text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
                let text = String(line).trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                lines.append("< " + escapeText(text, ticketID: reply.ticket?.id))
            }
            for option in reply.options {
                lines.append("[\(option.key)] \(TextPattern.escape(oneLine(option.label)))")
            }
            lines.append("? state: \(reply.state.rawValue)")
            if let intent = reply.intent {
                lines.append("? intent: \(intent.id.wireValue)")
            }
            if let ticket = reply.ticket {
                var fields: [String] = []
                if let lastTicketID { fields.append(ticket.id == lastTicketID ? "id=same" : "id=new") }
                fields.append("topic=\(ticket.topic)")
                fields.append("order=\(ticket.order ?? "none")")
                fields.append("queue=\(ticket.queue.rawValue)")
                fields.append("eta=\(ticket.etaMinutes.map(String.init).joined(separator: "-"))")
                lines.append("? ticket: " + fields.joined(separator: " "))
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// Escapes a reply line for a `<` line, writing `*` where the appeal's id was.
    static func escapeText(_ text: String, ticketID: String?) -> String {
        guard let ticketID, !ticketID.isEmpty else { return TextPattern.escape(text) }
        return text.components(separatedBy: ticketID).map(TextPattern.escape).joined(separator: "*")
    }

    /// The profile as YAML lines (Cyrillic kept as is).
    static func inlineProfile(_ profile: Profile) -> [String] {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        encoder.options.sortKeys = false
        let text: String
        do { text = try encoder.encode(profile) } catch {
            // Profile's fields are plain strings, numbers and dates; JSON text is YAML too.
            let json = JSONEncoder()
            json.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            text = (try? json.encode(profile)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// `file` relative to the folder of `transcriptPath` when both are known and it helps.
    static func relativePath(_ file: String, from transcriptPath: String?) -> String {
        guard let transcriptPath else { return file }
        let target = URL(fileURLWithPath: file).standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: transcriptPath).standardizedFileURL.deletingLastPathComponent().pathComponents
        var common = 0
        while common < target.count - 1, common < base.count, target[common] == base[common] { common += 1 }
        guard common > 1 else { return URL(fileURLWithPath: file).standardizedFileURL.path }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }

    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
    }
}

/// A transcript file that could not be written.
public struct TranscriptRecorderError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}
