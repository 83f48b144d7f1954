import Foundation
import HelplineChat
import HelplineDialogue
import HelplineTranscripts

/// One chat as the front end runs it: turns typed lines into backend calls and chat commands, shows
/// the results on a `ChatScreen`, and keeps the conversation's record for `/record`.
///
/// Independent of how lines arrive (readline or a pipe), so the same logic serves both.
final class ChatSession {
    /// What the loop does after a line.
    enum Outcome: Equatable {
        case proceed
        /// `/quit`.
        case quit
        /// A turn could not be made and the chat cannot go on (piped use stops here).
        case failed
    }

    let backend: any ChatBackend
    let screen: any ChatScreen
    let profile: Profile
    /// The `--profile` file, or `nil` for the demo profile.
    let profileFile: String?
    /// The profile file a transcript names, or `nil` to write the profile inline.
    let transcriptProfileFile: String?
    /// Whether a failed turn ends the chat (piped use) or only reports it (interactive use).
    let stopOnFailure: Bool
    private let clock: () -> Date
    /// Topic labels by id, so that `/state` shows «Доставка», not `delivery`.
    let topicTitles: [String: String]

    /// The session id the backend gave.
    private(set) var session = ""
    /// The reply on screen.
    private(set) var reply = Reply(state: .chooseTopic, text: "")
    /// The conversation so far, for a recording started midway.
    private(set) var entries: [TranscriptEntry] = []
    private(set) var startedAt = Date()
    private var recorder: TranscriptRecorder?

    init(backend: any ChatBackend, screen: any ChatScreen, profile: Profile, profileFile: String?,
         transcriptProfileFile: String?, stopOnFailure: Bool, clock: @escaping () -> Date = { Date() },
         topicTitles: [String: String] = [:]) {
        self.backend = backend
        self.screen = screen
        self.profile = profile
        self.profileFile = profileFile
        self.transcriptProfileFile = transcriptProfileFile
        self.stopOnFailure = stopOnFailure
        self.clock = clock
        self.topicTitles = topicTitles
    }

    /// The labels of the options on screen, for Tab.
    var optionLabels: [String] { reply.options.map(\.label) }

    /// The path being recorded to, if any.
    var recordingPath: String? { recorder?.path }

    /// Opens the conversation, shows the greeting, and starts recording to `recordPath` if given.
    func start(recordTo recordPath: String?) async throws {
        startedAt = clock()
        let opened = try await backend.open(profile: profile)
        session = opened.session
        reply = opened.reply
        entries = [.bot(opened.reply)]
        screen.show(reply: opened.reply, session: opened.session)
        if let recordPath {
            try startRecording(to: recordPath)
        }
    }

    /// Handles one input line: a chat command, or a message for the assistant. Blank lines do nothing.
    func handle(_ line: String) async -> Outcome {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .proceed }
        guard let command = SlashCommand(line: text) else {
            return await turn(text)
        }
        switch command {
        case .help:
            screen.show(notice: ChatStrings.help)
        case .menu:
            return await turn("/menu")
        case .back:
            return await turn("/back")
        case .cancel:
            return await turn("/cancel")
        case .state:
            await showState()
        case .profile:
            screen.show(notice: ChatStrings.profileLines(profile, source: profileFile).joined(separator: "\n"))
        case .record(let path):
            if let path {
                do {
                    try startRecording(to: path)
                    screen.show(notice: ChatStrings.recordingTo(path))
                } catch {
                    screen.show(problem: ChatStrings.recordFailed("\(error)"))
                }
            } else {
                screen.show(notice: recordingPath.map(ChatStrings.recordingTo) ?? ChatStrings.notRecording)
            }
        case .quit:
            return .quit
        case .unknown(let name):
            screen.show(problem: ChatStrings.unknownCommand(name))
        }
        return .proceed
    }

    /// Closes the recording and the conversation.
    func finish() async {
        recorder?.close()
        recorder = nil
        await backend.close()
    }

    private func turn(_ text: String) async -> Outcome {
        do {
            let answer = try await backend.say(text)
            reply = answer
            record(.user(text))
            record(.bot(answer))
            screen.show(reply: answer, session: session)
            return .proceed
        } catch let error as ChatBackendError where error.code == .sessionLost {
            return await reopen(after: error)
        } catch let error as ChatBackendError where error.code == .limit {
            // The service's own answer, not a failure: said, and the chat goes on.
            screen.show(problem: error.message)
            return .proceed
        } catch {
            screen.show(problem: "\(error)")
            return stopOnFailure ? .failed : .proceed
        }
    }

    /// The backend lost the session (the daemon forgot it): start a new one and say so.
    private func reopen(after error: ChatBackendError) async -> Outcome {
        do {
            let opened = try await backend.open(profile: profile)
            session = opened.session
            reply = opened.reply
            screen.show(problem: ChatStrings.sessionLost)
            screen.show(reply: opened.reply, session: opened.session)
            return stopOnFailure ? .failed : .proceed
        } catch {
            screen.show(problem: "\(error)")
            return stopOnFailure ? .failed : .proceed
        }
    }

    private func showState() async {
        do {
            let snapshot = try await backend.state()
            if screen is JSONScreen {
                screen.show(reply: snapshot.reply, session: snapshot.session)
                return
            }
            // Labels, not ids: the topic's menu label and the order's number with its title.
            let topic = snapshot.topic.map { topicTitles[$0] ?? $0 }
            let order = snapshot.order.map { id in
                profile.orders.first { $0.id == id }.map { ChatStrings.orderLabel(id: $0.id, title: $0.title) } ?? id
            }
            let summary = StateSummary(session: snapshot.session, state: snapshot.state, topic: topic,
                                       order: order, ticket: snapshot.ticket, intent: reply.intent)
            screen.show(notice: ChatStrings.stateLines(summary).joined(separator: "\n"))
        } catch {
            screen.show(problem: "\(error)")
        }
    }

    private func startRecording(to path: String) throws {
        recorder?.close()
        let header = TranscriptHeader(title: ChatStrings.transcriptTitle(startedAt), profile: profile,
                                      profileFile: transcriptProfileFile, time: startedAt)
        recorder = try TranscriptRecorder(path: path, header: header, entries: entries)
    }

    private func record(_ entry: TranscriptEntry) {
        entries.append(entry)
        guard let recorder else { return }
        do {
            try recorder.record(entry)
        } catch {
            screen.show(problem: ChatStrings.recordFailed("\(error)"))
            recorder.close()
            self.recorder = nil
        }
    }
}
