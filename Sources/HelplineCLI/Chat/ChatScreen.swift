import CReadline
import Foundation
import HelplineDesk
import HelplineDialogue

/// Where the chat shows replies, command output and problems.
protocol ChatScreen: AnyObject {
    /// A reply of the assistant.
    func show(reply: Reply, session: String)
    /// Output of a chat command (`/state`, `/help`…) or a notice about the connection.
    func show(notice: String)
    /// Something went wrong; the chat goes on.
    func show(problem: String)
    /// What the specialists' desk sent the session (a specialist's reply or question, the appeal
    /// taken or closed), as whole lines to print whenever it arrives.
    func text(for notice: CustomerEventLine) -> String
}

/// Writes text to a stream and flushes it at once, so the terminal and pipes see each reply as
/// soon as it is made.
enum StandardStream {
    static func out(_ text: String) {
        hl_write_stdout(text)
    }

    static func err(_ text: String) {
        hl_write_stderr(text)
    }
}

/// Replies as text: wrapped, options numbered, coloured on a terminal. Interactive use labels
/// the assistant and leaves a blank line after each reply; piped use prints only the replies,
/// each followed by a blank line, and sends problems to standard error.
final class TextScreen: ChatScreen, Sendable {
    let style: TerminalStyle
    let interactive: Bool
    /// The width to wrap at; read again before every reply so a resized terminal is followed.
    let columns: @Sendable () -> Int
    /// Text that arrived on its own (the desk's notices) and waits to be shown; printed before a
    /// reply, so that it comes in the order it happened.
    let live: LiveOutput?

    init(style: TerminalStyle, interactive: Bool, columns: @escaping @Sendable () -> Int, live: LiveOutput? = nil) {
        self.style = style
        self.interactive = interactive
        self.columns = columns
        self.live = live
    }

    private var formatter: ReplyFormatter {
        ReplyFormatter(style: style, width: columns(), label: interactive ? ChatStrings.botLabel : nil)
    }

    func show(reply: Reply, session: String) {
        // Interactive: a blank line between the user's line and the reply, and after the reply.
        // Notices that came meanwhile go first, each followed by a blank line too.
        let waiting = live?.take().joined() ?? ""
        StandardStream.out((interactive ? "\n" : "") + waiting + formatter.format(reply) + "\n")
    }

    func show(notice: String) {
        let text = formatter.notice(notice)
        StandardStream.out(interactive ? "\n" + style.dim(text.dropLastNewline) + "\n\n" : text + "\n")
    }

    func text(for notice: CustomerEventLine) -> String {
        // Labelled with the specialist's name when there is one, laid out as the bot's replies are.
        let label = interactive ? notice.notice.specialist.map { "\($0):" } ?? ChatStrings.botLabel : nil
        let formatter = ReplyFormatter(style: style, width: columns(), label: label)
        // Followed by a blank line, as replies are; above the prompt it takes the prompt's line.
        return formatter.format(Reply(state: .submitted, text: notice.notice.text)) + "\n"
    }

    func show(problem: String) {
        let text = formatter.notice(problem)
        if interactive {
            StandardStream.out("\n" + style.warning(text.dropLastNewline) + "\n\n")
        } else {
            StandardStream.err(text)
        }
    }
}

/// Replies as protocol JSON, one object a line on standard output; everything else goes to
/// standard error, so the output stays a clean stream of replies.
final class JSONScreen: ChatScreen, Sendable {
    func show(reply: Reply, session: String) {
        StandardStream.out(ProtocolJSON.line(session: session, reply: reply) + "\n")
    }

    func show(notice: String) {
        StandardStream.err(notice + "\n")
    }

    /// The event line as the daemon sends it.
    func text(for notice: CustomerEventLine) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(notice) else { return "" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func show(problem: String) {
        StandardStream.err(problem + "\n")
    }
}

private extension String {
    var dropLastNewline: String {
        hasSuffix("\n") ? String(dropLast()) : self
    }
}
