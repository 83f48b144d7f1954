#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineServer
import HelplineTesting
import NIOConcurrencyHelpers
import Testing

/// The built `helpline serve --desk-socket` as its own process.
@Suite(.serialized)
struct DeskProcessTests {
    private static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    /// SIGHUP reloads `config/desk.yaml` with the intent data: a broken file keeps the current
    /// rules and the log names the file and the key; a good one is in force for the next request
    /// (a new role can be signed in with), and a specialist already signed in carries on.
    @Test func reloadsDeskRulesOnSighup() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let intents = directory.url.appendingPathComponent("Intents")
        try FileManager.default.copyItem(at: Fixtures.intentsDirectory, to: intents)
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--intents", intents.path,
                                                                               "--desk-socket", directory.deskSocketPath])
        let deskFile = intents.appendingPathComponent("config/desk.yaml")
        let original = try String(contentsOf: deskFile, encoding: .utf8)
        let desk = try await DeskClient.connect(to: directory.deskSocketPath)
        _ = try await desk.send(.signIn(.init(id: "sp-1", name: "Ольга", serves: .role("general"))))
        func signInAsNight() async throws -> DeskAnswer {
            let other = try await DeskClient.connect(to: directory.deskSocketPath)
            defer { Task { await other.disconnect() } }
            return try await other.send(.signIn(.init(id: "sp-2", name: "Пётр", serves: .role("night"))))
        }
        guard case .failure(let unknown) = try await signInAsNight() else { throw TestFailure("the role `night` exists already") }
        #expect(unknown.code == .unknownRole)

        // A role that serves nothing is refused, naming the file and the key.
        try original.replacingOccurrences(of: "roles:\n", with: "roles:\n  night:\n    serves: []\n")
            .write(to: deskFile, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput("reload failed")
        #expect(daemon.stderr.contains("config/desk.yaml"))
        #expect(daemon.stderr.contains("roles.night.serves"))
        guard case .failure(let still) = try await signInAsNight() else { throw TestFailure("the broken rules were taken") }
        #expect(still.code == .unknownRole)

        // The same role serving the general queue is taken.
        try original.replacingOccurrences(of: "roles:\n", with: "roles:\n  night:\n    serves:\n      - queues: [regular]\n")
            .write(to: deskFile, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput("data reloaded")
        guard case .signedIn(let night, _) = try await signInAsNight() else { throw TestFailure("the new role was not taken") }
        #expect(night.role == "night")
        #expect(try await desk.send(.next) == .appeal(nil), "the specialist signed in before carries on")

        await desk.disconnect()
        #expect(try await daemon.stop() == 0)
    }

    /// `kill -9` loses no appeal, reply or assignment: after a restart on the same database the
    /// specialist signs in again and holds the same appeals, the reply is in the conversation, the
    /// waiting appeal still waits, and the customer gets the notices not yet delivered.
    @Test func keepsTheDeskAcrossKillNine() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let arguments = ["--desk-socket", directory.deskSocketPath]
        let first = try await DaemonProcess.start(in: directory, arguments: arguments)
        #expect(first.stderr.contains("helpline: desk on \(directory.deskSocketPath)"))
        #expect(Self.mode(directory.deskSocketPath) == 0o600)
        var customer = try await HelplineClient.connect(to: first.socketPath)
        // Events off: the notices wait for the sessions' next answers, across the crash.
        _ = try await customer.setEvents(enabled: false)
        var appeals: [(session: String, ticket: Ticket)] = []
        for index in 0..<3 {
            let session = try #require(try await customer.open(profile: DeskProfiles.regular("u-\(index)")).session)
            appeals.append((session, try await fileAppeal(customer, session: session, topic: "delivery",
                                                          message: "Курьер не приехал в назначенный день.")))
        }
        let (answered, taken, waiting) = (appeals[0], appeals[1], appeals[2])
        var maria = try await DeskClient.connect(to: directory.deskSocketPath)
        _ = try await maria.send(.signIn(.init(id: "sp-1", name: "Мария", serves: .role("general"))))
        #expect(try await maria.take()?.appeal.id == answered.ticket.id)
        try await maria.must(.reply(appeal: answered.ticket.id, text: "Курьер приедет завтра с 10 до 14."))
        #expect(try await maria.take()?.appeal.id == taken.ticket.id)

        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        await customer.disconnect()
        await maria.disconnect()

        let second = try await DaemonProcess.start(in: directory, arguments: arguments)
        maria = try await DeskClient.connect(to: directory.deskSocketPath)
        guard case .signedIn(_, let holding) = try await maria.send(.signIn(.init(id: "sp-1", name: "Мария", serves: .role("general"))))
        else { throw TestFailure("sign-in failed") }
        #expect(holding.map(\.id) == [answered.ticket.id, taken.ticket.id])
        let shown = try await maria.must(.show(appeal: answered.ticket.id))
        #expect(shown.appeal.state == .answered && shown.appeal.specialist == "sp-1")
        #expect(shown.appeal.conversation.contains { $0.kind == .reply && $0.text == "Курьер приедет завтра с 10 до 14." })
        #expect(try await maria.must(.show(appeal: taken.ticket.id)).appeal.state == .taken)
        guard case .overview(let overview) = try await maria.send(.overview) else { throw TestFailure("no overview") }
        #expect(overview.queues.first { $0.queue == .regular }?.waiting == 1)
        #expect(try await maria.take()?.appeal.id == waiting.ticket.id)

        customer = try await HelplineClient.connect(to: second.socketPath)
        let resumed = try await customer.resume(session: answered.session)
        #expect(resumed.notices.map(\.kind) == [.taken, .reply])
        #expect(resumed.notices.last?.message == "Курьер приедет завтра с 10 до 14.")
        #expect(try await customer.resume(session: taken.session).notices.map(\.kind) == [.taken])

        await customer.disconnect()
        await maria.disconnect()
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.deskSocketPath))
    }

    /// `kill -9` in the middle of customers filing and specialists taking and replying: after the
    /// restart every appeal a customer was told about is at the desk, every appeal a specialist
    /// was given is still theirs, and every reply they were answered for is in its conversation.
    @Test func killNineUnderLoadLosesNothingAcknowledged() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let arguments = ["--desk-socket", directory.deskSocketPath]
        let daemon = try await DaemonProcess.start(in: directory, arguments: arguments)
        let filed = NIOLockedValueBox<[String]>([])
        let taken = NIOLockedValueBox<[String: String]>([:])
        let replied = NIOLockedValueBox<[String: String]>([:])
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for customer in 0..<3 {
                    group.addTask {
                        guard let client = try? await HelplineClient.connect(to: directory.socketPath) else { return }
                        for index in 0... {
                            guard let session = try? await client.open(profile: DeskProfiles.regular("u-\(customer)-\(index)")).session,
                                  let ticket = try? await fileAppeal(client, session: session, topic: "delivery",
                                                                     message: "Курьер не приехал в назначенный день.")
                            else { return }
                            filed.withLockedValue { $0.append(ticket.id) }
                        }
                    }
                }
                for index in 0..<3 {
                    group.addTask {
                        let id = "sp-\(index)"
                        guard let desk = try? await DeskClient.connect(to: directory.deskSocketPath),
                              case .signedIn? = try? await desk.send(.signIn(.init(id: id, name: "Специалист", serves: .role("general"))))
                        else { return }
                        while !Task.isCancelled {
                            guard case .appeal(let view)? = try? await desk.send(.next) else { return }
                            guard let appeal = view?.appeal.id else {
                                await Task.yield()
                                continue
                            }
                            taken.withLockedValue { $0[appeal] = id }
                            let text = "Ответ по обращению \(appeal)."
                            guard case .appeal? = try? await desk.send(.reply(appeal: appeal, text: text)) else { return }
                            replied.withLockedValue { $0[appeal] = text }
                        }
                    }
                }
            }
        }
        try await waitUntil("appeals were filed, taken and answered") {
            filed.withLockedValue { $0.count } >= 12 && replied.withLockedValue { $0.count } >= 6
        }
        daemon.signal(SIGKILL)
        _ = try await daemon.waitForExit()
        load.cancel()
        await load.value

        let restarted = try await DaemonProcess.start(in: directory, arguments: arguments)
        let audit = try await DeskClient.connect(to: directory.deskSocketPath)
        _ = try await audit.send(.signIn(.init(id: "sp-audit", name: "Проверка", serves: .role("general"))))
        let (filings, takes, replies) = (filed.withLockedValue { $0 }, taken.withLockedValue { $0 }, replied.withLockedValue { $0 })
        for appeal in filings {
            guard case .appeal(let view?) = try await audit.send(.show(appeal: appeal)) else {
                Issue.record("appeal \(appeal) was filed and is not at the desk")
                continue
            }
            if let specialist = takes[appeal] {
                #expect(view.appeal.specialist == specialist && view.appeal.isHeld, "\(appeal) was given to \(specialist)")
            }
            if let text = replies[appeal] {
                #expect(view.appeal.conversation.contains { $0.kind == .reply && $0.text == text }, "\(appeal)'s reply")
            }
        }
        await audit.disconnect()
        restarted.signal(SIGTERM)
        #expect(try await restarted.waitForExit() == 0)
    }

    /// `--desk-socket-mode` sets the desk socket's mode apart from the customers' socket's; the
    /// desk socket cannot be the customers' socket.
    @Test func deskSocketModeOption() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", directory.deskSocketPath,
                                                                             "--desk-socket-mode", "640"])
        #expect(Self.mode(directory.deskSocketPath) == 0o640)
        #expect(Self.mode(directory.socketPath) == 0o600)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        let same = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", directory.socketPath],
                                                 waitForReady: false)
        // Standard error is read as it arrives: wait for the message, not only for the exit.
        try await same.waitForOutput("--desk-socket must differ from --socket")
        #expect(try await same.waitForExit() != 0)
    }
}
