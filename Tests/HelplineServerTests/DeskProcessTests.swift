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
import Testing

/// The built `helpline serve --desk-socket` as its own process.
@Suite(.serialized)
struct DeskProcessTests {
    private static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
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
        #expect(try await same.waitForExit() != 0)
        #expect(same.stderr.contains("--desk-socket must differ from --socket"))
    }
}
