import ArgumentParser
import Foundation
import HelplineChat
import HelplineDesk
import HelplineDialogue
import HelplineIntents
import HelplineServer
import Synchronization

/// `helpline desk`: the specialists' terminal — take appeals from the queues, read the
/// conversation, answer, ask, pass on, close (docs/DESK.md).
struct DeskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk",
        abstract: "Work the specialists' desk: take appeals from the queues and answer customers.",
        discussion: """
            Connects to the desk socket of a running `helpline serve --desk-socket PATH`. On a \
            terminal: line editing, history, Tab completion, new appeals and customers' messages \
            shown the moment they arrive; /help lists the commands. With standard input from a pipe: \
            one command or reply per line, events printed as they come.
            """
    )

    @Option(help: ArgumentHelp("The desk socket (default: helpline-desk.sock beside the daemon's default socket).", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("The specialist's id (default: the login name).", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("The name customers see (default: the id).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("What the specialist serves: a role of config/desk.yaml (seller, travel, general).", valueName: "role"))
    var role: String = "general"

    @OptionGroup var data: DataOptions

    /// `helpline-desk.sock` in the folder of the daemon's default socket.
    static func defaultSocketPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return URL(fileURLWithPath: runtime).appendingPathComponent("helpline-desk.sock").path
        }
        return "/tmp/helpline-desk-\(getuid()).sock"
    }

    /// The topics an appeal can be passed to: the menu's, in menu order, and the general one.
    static func topics(_ bundle: DataBundle) -> [String] {
        let menu = (try? IntentCatalog(bundle: bundle))?.topics.map(\.id.rawValue) ?? []
        let general = (try? DialogueRules(bundle: bundle))?.generalTopic
        return menu + (general.map { [$0] } ?? [])
    }

    /// Interactive use retries until the daemon is back; piped use gives up after about five
    /// minutes (a daemon restarting on a busy machine may take a while).
    static func policy(interactive: Bool) -> ReconnectPolicy {
        interactive
            ? ReconnectPolicy(delays: [1, 2, 4, 8, 15], maximumAttempts: nil)
            : ReconnectPolicy(delays: [0.5, 1, 2, 4, 8], maximumAttempts: 40)
    }

    func run() async throws {
        Terminal.ensureUTF8Locale()
        let environment = ProcessInfo.processInfo.environment
        let interactive = Terminal.inputIsTerminal
        let style = TerminalStyle(enabled: Terminal.wantsColour(outputIsTerminal: Terminal.outputIsTerminal,
                                                                environment: environment))
        let bundle = try data.bundle()
        let titles = ChatCommand.topicTitles(bundle)
        let topics = Self.topics(bundle)
        let path = socket ?? Self.defaultSocketPath()
        let specialistID = id ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "specialist"

        let live = LiveOutput(throughEditor: interactive)
        let wraps = Terminal.outputIsTerminal
        let output: @Sendable (String) -> Void = { text in
            let width = wraps ? Terminal.columns() : Int.max / 2
            // Customers' messages and profiles are in it: their control characters are shown, not obeyed.
            let laid = TerminalText.visible(text).split(separator: "\n", omittingEmptySubsequences: false)
                .flatMap { TextWrapper.wrap(String($0), width: width).ifEmpty([""]) }
                .joined(separator: "\n")
            live.post(interactive ? "\n" + laid + "\n" : laid + "\n")
        }
        let problem: @Sendable (String) -> Void = { text in
            if interactive {
                live.post("\n" + style.warning(text) + "\n")
            } else {
                StandardStream.err(text + "\n")
            }
        }
        // The session answers events; the link exists before it, so events reach it through a box.
        let events = EventRelay()
        let link = DeskLink(path: path, policy: Self.policy(interactive: interactive),
                            events: { events.deliver($0) },
                            notices: { notice in
                                switch notice {
                                // Said at the start, before any prompt: printed at once.
                                case .unreachable(let outage):
                                    StandardStream.out(style.warning(DeskStrings.waiting(path, outage)) + "\n")
                                case .connected: StandardStream.out(DeskStrings.connected + "\n")
                                case .lost: problem(DeskStrings.connectionLost)
                                case .back: output(DeskStrings.connectionBack)
                                case .gaveUp: problem(DeskStrings.connectionGaveUp)
                                }
                            })
        if interactive { StandardStream.out(style.dim(DeskStrings.welcome) + "\n") }
        do {
            // A terminal waits for the daemon to start (Ctrl-C leaves); a script fails at once.
            try await link.connect(retrying: interactive)
        } catch {
            StandardStream.err(DeskStrings.unreachable(path, SocketChatBackend.outage(error, path: path)) + "\n")
            throw ExitCode.failure
        }
        let session = DeskSession(send: { try await link.send($0) }, topicTitles: titles,
                                  output: output, problem: problem)
        events.target = session
        // From here on Ctrl-C is the terminal's: it clears the line, never ends the shift.
        if interactive { SignalMonitor.install() }
        do {
            try await session.start(.init(id: specialistID, name: name ?? specialistID, serves: .role(role)))
        } catch {
            live.flush()
            StandardStream.err("\(error)\n")
            await link.close()
            throw ExitCode.failure
        }

        if interactive {
            await runInteractive(session, live: live, style: style, topics: topics)
        } else {
            await runPiped(session)
        }
        await link.close()
        live.flush()
    }

    private func runInteractive(_ session: DeskSession, live: LiveOutput, style: TerminalStyle, topics: [String]) async {
        let editor = LineEditor(historyPath: LineEditor.defaultHistoryPath().map { $0 + "-desk" })
        defer { editor.finish() }
        editor.setCompletions(commands: DeskStrings.commands,
                              arguments: ["/transfer": DeskSession.transferTargets(topics: topics)])
        let prompt = style.prompt(DeskStrings.prompt)
        while true {
            switch editor.read(prompt: prompt, live: live) {
            case .endOfInput:
                live.flush()
                StandardStream.out("\n" + DeskStrings.goodbye + "\n")
                return
            case .line(let line):
                editor.remember(line)
                if await session.handle(line) == .quit {
                    live.flush()
                    StandardStream.out(DeskStrings.goodbye + "\n")
                    return
                }
            }
        }
    }

    private func runPiped(_ session: DeskSession) async {
        while let line = readLine(strippingNewline: true) {
            if await session.handle(line) == .quit { return }
        }
    }
}

/// Hands the link's events to the session made after it.
private final class EventRelay: Sendable {
    private let box = Mutex<DeskSession?>(nil)

    var target: DeskSession? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }

    func deliver(_ event: DeskEvent) {
        target?.show(event: event)
    }
}

private extension Array {
    func ifEmpty(_ replacement: Self) -> Self { isEmpty ? replacement : self }
}
