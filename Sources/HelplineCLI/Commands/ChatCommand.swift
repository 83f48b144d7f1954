import ArgumentParser
import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineChat
import HelplineDesk

/// `helpline chat`: talk to the assistant in the terminal, in-process or through a running daemon.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with the assistant in the terminal.",
        discussion: """
            Runs the dialogue engine in this process with the demo profile, or talks to a running \
            daemon with --socket. In this process, --desk-socket serves the specialists' desk from \
            the chat, so that `helpline desk --socket PATH` can take and answer its appeals. On a terminal: line editing, history, Tab completion, /help for \
            commands. With standard input from a pipe or a file: one reply per input line, no prompts.
            """
    )

    @Option(help: ArgumentHelp("Talk to the daemon on this Unix socket instead of running the engine here.", valueName: "path"))
    var socket: String?

    @Option(name: .customLong("desk-socket"), help: ArgumentHelp("Without --socket: serve the specialists' desk on this Unix socket from this chat (see docs/DESK.md).", valueName: "path"))
    var deskSocket: String?

    @Option(help: ArgumentHelp("The customer profile (YAML or JSON; default: the demo profile).", valueName: "file"))
    var profile: String?

    @Option(help: ArgumentHelp("Record the conversation as a transcript to this file.", valueName: "file"))
    var record: String?

    @Flag(help: "Print each reply as a line of protocol JSON.")
    var json = false

    @OptionGroup var data: DataOptions

    /// The width replies are laid out at when standard output is not a terminal: no wrapping.
    static let unwrappedWidth = 1_000_000

    /// The intents' labels by id, and the general topic's, for `/state`.
    static func topicTitles(_ bundle: DataBundle) -> [String: String] {
        var titles: [String: String] = [:]
        for intent in (try? IntentCatalog(bundle: bundle))?.intents ?? [] { titles[intent.id.rawValue] = intent.title }
        if let prompts = try? Prompts(bundle: bundle), let rules = try? DialogueRules(bundle: bundle) {
            titles[rules.generalTopic] = prompts.text(.generalTopicTitle)
        }
        return titles
    }

    func validate() throws {
        if deskSocket != nil, socket != nil {
            throw ValidationError("--desk-socket is for the chat in this process; a daemon's desk is `helpline serve --desk-socket`")
        }
    }

    func run() async throws {
        Terminal.ensureUTF8Locale()
        let environment = ProcessInfo.processInfo.environment
        let interactive = Terminal.inputIsTerminal
        let bundle = try data.bundle()
        let choice = try ProfileChoice.resolve(path: profile, bundle: bundle)
        let style = TerminalStyle(enabled: Terminal.wantsColour(outputIsTerminal: Terminal.outputIsTerminal,
                                                                environment: environment))
        // The desk's notices arrive on their own: above the line being typed, or at once in a pipe.
        let live = LiveOutput(throughEditor: interactive)
        let screen: any ChatScreen & Sendable = json
            ? JSONScreen()
            : TextScreen(style: style, interactive: interactive,
                         // A pipe or a file gets whole lines: its reader wraps them, if at all.
                         columns: { Terminal.outputIsTerminal ? Terminal.columns() : Self.unwrappedWidth },
                         live: live)

        let backend: any ChatBackend
        var desk: ChatDesk?
        if let deskSocket {
            // The desk's notices reach the chat as on a daemon: pushed on the chat's connection.
            do {
                signal(SIGPIPE, SIG_IGN)
                let started = try await ChatDesk.start(deskSocket: deskSocket, engine: try data.engine(for: bundle), bundle: bundle)
                desk = started
                backend = SocketChatBackend(path: started.customerSocket, notices: { live.post(screen.text(for: $0)) })
            } catch {
                throw ChatError("cannot serve the desk on \(deskSocket): \(error)")
            }
        } else if let socket {
            let notices = ConnectionNotices(path: socket, style: style, interactive: interactive, json: json)
            backend = SocketChatBackend(path: socket, policy: notices.policy, events: { notices.show($0) },
                                        notices: { live.post(screen.text(for: $0)) })
        } else {
            // Without --desk-socket there is no desk: no specialist can reach the conversation.
            do {
                backend = InProcessChatBackend(engine: try data.engine(for: bundle))
            } catch {
                throw ChatError("cannot load intent data: \(error)")
            }
        }

        let session = ChatSession(backend: backend, screen: screen, profile: choice.profile,
                                  profileFile: choice.path, transcriptProfileFile: choice.transcriptFile,
                                  stopOnFailure: !interactive, topicTitles: Self.topicTitles(bundle))
        if interactive {
            // From here on Ctrl-C is the chat's: it clears the line or stops a wait, never the process.
            SignalMonitor.install()
            if !json { StandardStream.out(style.dim(ChatStrings.welcome) + "\n") }
        }
        do {
            try await session.start(recordTo: record)
        } catch {
            screen.show(problem: "\(error)")
            await session.finish()
            await desk?.stop()
            throw ExitCode.failure
        }
        if let deskSocket, interactive, !json { StandardStream.out(style.dim(ChatStrings.servingDesk(deskSocket)) + "\n") }

        let outcome = interactive
            ? await runInteractive(session, style: style, live: live)
            : await runPiped(session)
        live.flush()
        await session.finish()
        await desk?.stop()
        if outcome == .failed { throw ExitCode.failure }
    }

    /// The terminal loop: readline prompt, history, completion; ends on `/quit` or Ctrl-D.
    private func runInteractive(_ session: ChatSession, style: TerminalStyle, live: LiveOutput) async -> ChatSession.Outcome {
        let editor = LineEditor(historyPath: LineEditor.defaultHistoryPath())
        defer { editor.finish() }
        let prompt = style.prompt(ChatStrings.userPrompt)
        while true {
            editor.setCompletions(labels: session.optionLabels)
            switch editor.read(prompt: prompt, live: live) {
            case .endOfInput:
                StandardStream.out("\n" + ChatStrings.goodbye + "\n")
                return .quit
            case .line(let line):
                editor.remember(line)
                if await session.handle(line) == .quit {
                    StandardStream.out(ChatStrings.goodbye + "\n")
                    return .quit
                }
            }
        }
    }

    /// The pipe loop: each input line, its reply; stops at the end of input, `/quit`, or a turn
    /// that cannot be made.
    private func runPiped(_ session: ChatSession) async -> ChatSession.Outcome {
        while let line = readLine(strippingNewline: true) {
            let outcome = await session.handle(line)
            if outcome != .proceed { return outcome }
        }
        return .quit
    }
}
