import Foundation
import HelplineDesk
import HelplineDialogue
import Synchronization

/// The specialists' terminal as the front end runs it: typed lines become desk requests, answers
/// and events become readable Russian text. Independent of how lines arrive (readline or a pipe).
///
/// Events come from another task (the connection's), so what they change — the appeal being
/// worked on — is kept behind a lock.
final class DeskSession: Sendable {
    /// What the loop does after a line.
    enum Outcome: Equatable {
        case proceed
        case quit
    }

    /// A desk request and its answer, whatever carries them (the socket, or a desk in process).
    typealias Send = @Sendable (DeskRequest) async throws -> DeskAnswer

    private struct State: Sendable {
        /// The appeal plain lines answer.
        var current: String?
        var specialist: String?
    }

    private let send: Send
    /// Where text goes: printed, or shown above the line being typed.
    private let output: @Sendable (String) -> Void
    private let problem: @Sendable (String) -> Void
    private let topicTitles: [String: String]
    private let clock: @Sendable () -> Date
    private let state = Mutex(State())

    init(send: @escaping Send, topicTitles: [String: String], output: @escaping @Sendable (String) -> Void,
         problem: @escaping @Sendable (String) -> Void, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.send = send
        self.topicTitles = topicTitles
        self.output = output
        self.problem = problem
        self.clock = clock
    }

    /// The appeal being worked on.
    var current: String? { state.withLock { $0.current } }

    /// Words Tab completes after `/transfer`: topics, then queues.
    static func transferTargets(topics: [String]) -> [String] {
        topics + Queue.allCases.map(\.rawValue)
    }

    private func topicTitle(_ topic: String) -> String { topicTitles[topic] ?? topic }

    /// Signs in and shows the queues. Throws when the connection fails or the desk refuses.
    func start(_ signIn: DeskRequest.SignIn) async throws {
        switch try await send(.signIn(signIn)) {
        case .signedIn(let specialist, let holding):
            state.withLock {
                $0.specialist = specialist.id
                $0.current = holding.count == 1 ? holding[0].id : nil
            }
            output(DeskStrings.signedIn(specialist))
            if !holding.isEmpty { output(DeskStrings.holding(holding)) }
        case .failure(let error):
            throw DeskSessionError(DeskStrings.failure(error))
        default:
            throw DeskSessionError("the desk answered sign_in with something else")
        }
        await queue()
    }

    /// Handles one typed line.
    func handle(_ line: String) async -> Outcome {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .proceed }
        guard text.hasPrefix("/") else {
            await withCurrent { appeal in await self.change(.reply(appeal: appeal, text: text), done: DeskStrings.replied) }
            return .proceed
        }
        let name = String(text.prefix { $0 != " " })
        let argument = text.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        switch name {
        case "/next": await next()
        case "/ask":
            guard !argument.isEmpty else { problem(DeskStrings.askNeedsText); break }
            await withCurrent { appeal in await self.change(.ask(appeal: appeal, text: argument), done: DeskStrings.asked) }
        case "/close":
            await withCurrent { appeal in await self.change(.close(appeal: appeal), done: DeskStrings.closed, drop: true) }
        case "/release":
            await withCurrent { appeal in await self.change(.release(appeal: appeal), done: DeskStrings.released, drop: true) }
        case "/transfer":
            guard !argument.isEmpty else { problem(DeskStrings.transferNeedsTarget); break }
            let queue = Queue(rawValue: argument)
            let topic = queue == nil ? argument : nil
            await withCurrent { appeal in
                await self.change(.transfer(appeal: appeal, topic: topic, queue: queue), done: nil, drop: true)
            }
        case "/show": await show(argument.isEmpty ? nil : argument)
        case "/queue": await queue()
        case "/help": output(DeskStrings.help)
        case "/quit", "/exit": return .quit
        default: problem(DeskStrings.unknownCommand(name))
        }
        return .proceed
    }

    /// Shows an event from the desk and follows what it changes.
    func show(event: DeskEvent) {
        if case .closedByCustomer(let appeal, _) = event {
            state.withLock { if $0.current == appeal { $0.current = nil } }
        }
        output(DeskStrings.event(event, topicTitle: topicTitle))
    }

    // MARK: Requests

    private func next() async {
        guard let answer = await request(.next) else { return }
        switch answer {
        case .appeal(let view?):
            state.withLock { $0.current = view.appeal.id }
            output(render(view) + "\n" + DeskStrings.afterTaking)
        case .appeal(nil):
            output(DeskStrings.nothingWaiting)
        default:
            unexpected(answer)
        }
    }

    private func show(_ appeal: String?) async {
        guard let id = appeal.map({ $0.hasPrefix("№") ? String($0.dropFirst()).trimmingCharacters(in: .whitespaces) : $0 }) ?? current else {
            problem(DeskStrings.noCurrent)
            return
        }
        guard let answer = await request(.show(appeal: id)) else { return }
        if case .appeal(let view?) = answer {
            let mine = view.appeal.specialist == state.withLock({ $0.specialist }) && view.appeal.state != .closed
            if mine { state.withLock { $0.current = view.appeal.id } }
            output(render(view))
        } else {
            unexpected(answer)
        }
    }

    private func queue() async {
        guard let answer = await request(.overview) else { return }
        if case .overview(let overview) = answer {
            output(DeskStrings.overview(overview, topicTitle: topicTitle))
        } else {
            unexpected(answer)
        }
    }

    /// A change to the current appeal; `drop` when the appeal is no longer this specialist's after it.
    private func change(_ change: DeskRequest, done: ((String) -> String)?, drop: Bool = false) async {
        guard let answer = await request(change) else { return }
        guard case .appeal(let view?) = answer else { return unexpected(answer) }
        let appeal = view.appeal
        if drop { state.withLock { if $0.current == appeal.id { $0.current = nil } } }
        if let done {
            output(done(appeal.id))
        } else {
            output(DeskStrings.transferred(appeal.id, topic: topicTitle(appeal.topic), queue: appeal.queue))
        }
    }

    private func withCurrent(_ body: (String) async -> Void) async {
        guard let appeal = current else {
            problem(DeskStrings.noCurrent)
            return
        }
        await body(appeal)
    }

    /// The answer, or `nil` after saying what went wrong.
    private func request(_ request: DeskRequest) async -> DeskAnswer? {
        do {
            let answer = try await send(request)
            if case .failure(let error) = answer {
                problem(DeskStrings.failure(error))
                return nil
            }
            return answer
        } catch {
            problem(DeskStrings.notSent)
            return nil
        }
    }

    private func unexpected(_ answer: DeskAnswer) {
        problem("Неожиданный ответ сервера.")
    }

    private func render(_ view: AppealView) -> String {
        DeskStrings.appeal(view, me: state.withLock { $0.specialist }, topicTitle: topicTitle, now: clock())
    }
}

/// The desk terminal cannot start or go on.
struct DeskSessionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
