import Foundation
import HelplineDesk
import NIOConcurrencyHelpers

/// One specialist's connection to the desk: what a desk socket connection is, usable in-process
/// without a socket. It signs in once; every request but `ping` needs that (`not_signed_in`).
/// Closing it (the socket dropping) starts the specialist's grace period when it was their last
/// connection.
///
/// ```swift
/// let connection = desk.connect()
/// let answer = await connection.send(.signIn(.init(id: "sp-1", name: "Олег", serves: .role("travel"))))
/// let next = await connection.send(.next)       // .appeal(view) or .appeal(nil)
/// await connection.close()
/// ```
public final class DeskConnection: Sendable {
    private struct State: Sendable {
        var specialist: String?
        var closed = false
    }

    public let desk: DeskService
    /// What happens at the desk for this specialist, as it happens (without a sink given to
    /// ``DeskService/connect(sink:)``); ends when the connection closes.
    public let events: AsyncStream<DeskEvent>
    private let continuation: AsyncStream<DeskEvent>.Continuation
    private let sink: (@Sendable (DeskEvent) -> Void)?
    private let state = NIOLockedValueBox(State())

    /// A second `sign_in` on one connection.
    static let alreadySignedIn = DeskError(DeskErrorCode(rawValue: "bad_request"),
                                           "this connection is signed in already; sign out first")
    static let notSignedIn = DeskError(.notSignedIn, "sign in first")
    static let customerGone = DeskError(.customerGone, "the customer's chat has ended (closed, or expired unused): "
        + "a reply or question cannot reach them; close the appeal")

    init(desk: DeskService, sink: (@Sendable (DeskEvent) -> Void)?) {
        self.desk = desk
        self.sink = sink
        (events, continuation) = AsyncStream.makeStream(of: DeskEvent.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// The specialist signed in on this connection.
    public var specialist: String? {
        state.withLockedValue { $0.specialist }
    }

    /// Answers one request.
    public func send(_ request: DeskRequest) async -> DeskAnswer {
        switch request {
        case .ping:
            return .pong
        case .signIn(let signIn):
            return await self.signIn(signIn)
        default:
            break
        }
        guard let specialist else { return .failure(Self.notSignedIn) }
        switch request {
        case .overview:
            return .overview(desk.desk.overview(for: specialist, now: desk.clock()))
        case .show(let appeal):
            do {
                let current = desk.desk
                let shown = try current.show(appeal: appeal)
                let position = shown.state == .waiting ? current.position(of: shown, now: desk.clock()) : nil
                return .appeal(AppealView(shown, position: position))
            } catch {
                return .failure(error)
            }
        case .next:
            return Self.appeal(await desk.change { desk, now throws(DeskError) in
                (try desk.takeNext(specialist: specialist, now: now), ())
            })
        case .reply(let appeal, _) where await customerIsGone(appeal), .ask(let appeal, _) where await customerIsGone(appeal):
            return .failure(Self.customerGone)
        case .reply(let appeal, let text):
            return Self.appeal(await desk.change { desk, now throws(DeskError) in
                (try desk.reply(appeal: appeal, specialist: specialist, text: text, now: now), ())
            })
        case .ask(let appeal, let text):
            return Self.appeal(await desk.change { desk, now throws(DeskError) in
                (try desk.ask(appeal: appeal, specialist: specialist, text: text, now: now), ())
            })
        case .transfer(let appeal, let topic, let queue):
            return Self.appeal(await desk.change { desk, now throws(DeskError) in
                (try desk.transfer(appeal: appeal, specialist: specialist, topic: topic, queue: queue, now: now), ())
            })
        case .release(let appeal):
            return Self.appeal(await desk.change { desk, now throws(DeskError) in
                (try desk.release(appeal: appeal, specialist: specialist, now: now), ())
            })
        case .close(let appeal):
            return Self.appeal(await desk.change { desk, now throws(DeskError) in
                (try desk.close(appeal: appeal, specialist: specialist, now: now), ())
            })
        case .signOut:
            let result = await desk.change({ desk, now in (desk.signOut(specialist, at: now), ()) },
                                           whileHeld: { _ in self.desk.signedOut(specialist) })
            switch result {
            case .success: return .signedOut
            case .failure(let error): return .failure(error)
            }
        case .ping, .signIn:
            return .pong
        }
    }

    /// Whether the appeal's chat session is no longer stored: a reply could never be delivered.
    /// A store that cannot be asked counts as not gone (the reply is kept as before).
    private func customerIsGone(_ appeal: String) async -> Bool {
        guard let session = desk.desk.appeals[appeal]?.session else { return false }
        do {
            return try await desk.store.storedVersion(session) == nil
        } catch {
            return false
        }
    }

    /// The connection went: if it was the specialist's last, their grace period starts.
    public func close() async {
        let specialist: String? = state.withLockedValue { state in
            guard !state.closed else { return nil }
            state.closed = true
            defer { state.specialist = nil }
            return state.specialist
        }
        continuation.finish()
        guard let specialist else { return }
        let result = await desk.change(presence: (specialist, -1),
                                       { desk, now in (DeskOutcome(effects: desk.specialistLeft(specialist, at: now)), ()) },
                                       whileHeld: { _ in self.desk.unregister(self, as: specialist) })
        if case .failure(let error) = result {
            desk.unregister(self, as: specialist)
            desk.logger.error("could not record a specialist leaving", metadata: ["error": LogText.escaped(error)])
        }
    }

    /// An event for this specialist.
    func deliver(_ event: DeskEvent) {
        if let sink {
            sink(event)
        } else {
            continuation.yield(event)
        }
    }

    /// The specialist signed out on another of their connections.
    func forgetSignIn() {
        state.withLockedValue { $0.specialist = nil }
    }

    private func signIn(_ signIn: DeskRequest.SignIn) async -> DeskAnswer {
        let refusal: DeskError? = state.withLockedValue { state in
            if state.closed { return Self.notSignedIn }
            return state.specialist == nil ? nil : Self.alreadySignedIn
        }
        if let refusal { return .failure(refusal) }
        var holding: [AppealSummary] = []
        var closedMeanwhile = false
        let result = await desk.change(presence: (signIn.id, 1), { desk, now throws(DeskError) in
            (DeskOutcome(), try desk.signIn(id: signIn.id, name: signIn.name, serves: signIn.serves, at: now))
        }, whileHeld: { desk in
            holding = desk.appeals(heldBy: signIn.id).map(AppealSummary.init)
            closedMeanwhile = self.state.withLockedValue { state in
                if state.closed { return true }
                state.specialist = signIn.id
                return false
            }
            if !closedMeanwhile { self.desk.register(self, as: signIn.id) }
        })
        if closedMeanwhile {
            // The connection went while signing in: it leaves at once.
            _ = await desk.change(presence: (signIn.id, -1)) { desk, now in
                (DeskOutcome(effects: desk.specialistLeft(signIn.id, at: now)), ())
            }
            return .failure(Self.notSignedIn)
        }
        switch result {
        case .success((_, let specialist)):
            return .signedIn(specialist, holding: holding)
        case .failure(let error):
            return .failure(error)
        }
    }

    private static func appeal(_ result: Result<(DeskOutcome, Void), DeskError>) -> DeskAnswer {
        switch result {
        case .success((let outcome, _)): .appeal(outcome.appeal.map { AppealView($0) })
        case .failure(let error): .failure(error)
        }
    }
}
