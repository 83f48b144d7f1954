import Foundation
import HelplineChat
import HelplineDesk
import HelplineDialogue
import HelplineServer
import HelplineTesting
import Synchronization
import Testing
@testable import HelplineCLI

/// `helpline desk` with standard input from a file, and `helpline chat --socket` from a pipe
/// while a specialist answers: the scriptable modes, run as real processes against a real daemon.
struct PipedDeskTests {
    /// A daemon with a desk, and a customer of the demo profile who filed a delivery appeal.
    private struct Setting {
        var directory: TemporaryDirectory
        var daemon: DaemonProcess
        var deskSocket: String
        var customer: HelplineClient
        var session: String
        var ticket: String
    }

    private func fileAppeal() async throws -> Setting {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.path("desk.sock")
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", deskSocket])
        let customer = try await HelplineClient.connect(to: daemon.socketPath)
        // The notices come with the session's next answer, where the test reads them.
        _ = try await customer.setEvents(enabled: false)
        let opened = try await customer.open(profile: try Profile.demo(in: .embedded))
        let session = try #require(opened.session)
        _ = try await customer.say(session: session, text: "доставка")
        _ = try await customer.say(session: session, text: "1")
        let filed = try await customer.say(session: session, text: "Курьер не приехал в назначенный день.")
        let ticket = try #require(filed.reply?.ticket?.id)
        return Setting(directory: directory, daemon: daemon, deskSocket: deskSocket, customer: customer,
                       session: session, ticket: ticket)
    }

    /// A whole piped shift: the queues, the appeal taken and shown with its conversation, a reply,
    /// a question, closing it, an empty queue; the customer gets every notice in order.
    @Test func pipedShift() async throws {
        let setting = try await fileAppeal()
        let ticket = setting.ticket
        let input = "/queue\n/next\nКурьер приедет завтра с 10 до 14.\n/ask Уточните, пожалуйста, номер подъезда.\n/close\n/next\n/quit\n"
        let result = try await HelplineProcess.run(
            ["desk", "--socket", setting.deskSocket, "--id", "sp-2", "--name", "Олег", "--role", "general"], input: input)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
        let out = result.stdout
        for expected in ["Вы вошли как Олег (sp-2, роль «general»).", "Очереди:", "ждут 1", "Обращение № \(ticket)",
                         "Клиент: Курьер не приехал в назначенный день.", "Бот: ", "Клиент: Анна",
                         DeskStrings.replied(ticket), DeskStrings.asked(ticket), DeskStrings.closed(ticket),
                         DeskStrings.nothingWaiting] {
            #expect(out.contains(expected), "«\(expected)» missing from:\n\(out)")
        }
        #expect(!out.contains("\u{1B}"))
        #expect(!out.contains(DeskStrings.prompt))

        let state = try await setting.customer.state(session: setting.session)
        #expect(state.notices.map(\.kind) == [.taken, .reply, .question, .closed])
        #expect(state.notices.first { $0.kind == .reply }?.message == "Курьер приедет завтра с 10 до 14.")
        #expect(state.notices.allSatisfy { $0.specialist == "Олег" })
        await setting.customer.disconnect()
        #expect(try await setting.daemon.stop() == 0)
    }

    /// Lines that cannot be done are explained on standard error, in Russian, and the shift goes on.
    @Test func mistakesAreExplained() async throws {
        let setting = try await fileAppeal()
        let input = "Ответ без обращения\n/transfer\n/ask\n/foo\n/show 0000-0000\n/next\n/transfer travel\n"
        let result = try await HelplineProcess.run(
            ["desk", "--socket", setting.deskSocket, "--id", "sp-3", "--name", "Ира", "--role", "general"], input: input)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        for expected in [DeskStrings.noCurrent, DeskStrings.transferNeedsTarget, DeskStrings.askNeedsText,
                         DeskStrings.unknownCommand("/foo"), "Обращения с таким номером нет."] {
            #expect(result.stderr.contains(expected), "«\(expected)» missing from:\n\(result.stderr)")
        }
        #expect(result.stdout.contains("Обращение № \(setting.ticket) передано: тема «Ozon Travel»")
                || result.stdout.contains("Обращение № \(setting.ticket) передано: тема «travel»"), "\(result.stdout)")
        let state = try await setting.customer.state(session: setting.session)
        #expect(state.notices.map(\.kind) == [.taken, .transferred])
        await setting.customer.disconnect()
        #expect(try await setting.daemon.stop() == 0)
    }

    /// A piped desk prints the desk's events as they come, while its input waits: a new appeal,
    /// the customer's follow-up after a reply, and the customer closing it.
    @Test func pipedDeskPrintsEventsAsTheyCome() async throws {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.path("desk.sock")
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", deskSocket])
        let desk = try LiveProcess(["desk", "--socket", deskSocket, "--id", "sp-4", "--name", "Вера", "--role", "general"],
                                   stateHome: directory.path("state"))
        try await desk.waitForOutput("Вы вошли как Вера")

        let customer = try await HelplineClient.connect(to: daemon.socketPath)
        let session = try #require(try await customer.open(profile: try Profile.demo(in: .embedded)).session)
        _ = try await customer.say(session: session, text: "доставка")
        _ = try await customer.say(session: session, text: "1")
        let filed = try await customer.say(session: session, text: "Курьер не приехал в назначенный день.")
        let ticket = try #require(filed.reply?.ticket?.id)
        try await desk.waitForOutput("Новое обращение № \(ticket)")
        try await desk.waitForOutput("«Курьер не приехал в назначенный день.»")

        desk.write("/next\nКурьер приедет завтра с 10 до 14.\n")
        try await desk.waitForOutput(DeskStrings.replied(ticket))
        _ = try await customer.say(session: session, text: "Курьер так и не позвонил.")
        try await desk.waitForOutput("Клиент написал по обращению № \(ticket): «Курьер так и не позвонил.»")
        _ = try await customer.say(session: session, text: "Спасибо, вопрос решён")
        try await desk.waitForOutput("Клиент закрыл обращение № \(ticket): вопрос решён.")

        desk.closeInput()
        #expect(try await desk.exitStatus() == 0)
        await customer.disconnect()
        #expect(try await daemon.stop() == 0)
    }

    /// When the daemon restarts under the desk, the desk says so, connects and signs in again,
    /// and goes on getting events.
    @Test func deskReconnectsAfterARestart() async throws {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.path("desk.sock")
        let first = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", deskSocket])
        let desk = try LiveProcess(["desk", "--socket", deskSocket, "--id", "sp-5", "--name", "Лев", "--role", "general"],
                                   stateHome: directory.path("state"))
        try await desk.waitForOutput("Вы вошли как Лев")
        #expect(try await first.stop() == 0)
        let second = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", deskSocket])
        try await desk.waitForOutput(DeskStrings.connectionBack)

        let customer = try await HelplineClient.connect(to: second.socketPath)
        let session = try #require(try await customer.open(profile: try Profile.demo(in: .embedded)).session)
        for text in ["доставка", "1", "Курьер не приехал в назначенный день."] {
            _ = try await customer.say(session: session, text: text)
        }
        try await desk.waitForOutput("Новое обращение №")
        desk.closeInput()
        #expect(try await desk.exitStatus() == 0)
        await customer.disconnect()
        #expect(try await second.stop() == 0)
    }

    /// Without a desk on the socket the terminal says so and exits with status 1.
    @Test func noDesk() async throws {
        let path = "/tmp/hl-nodesk-\(UUID().uuidString.prefix(8)).sock"
        let result = try await HelplineProcess.run(["desk", "--socket", path, "--id", "sp-1"], input: "/next\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("Нет связи со столом специалистов"))
        #expect(result.stdout.isEmpty)
    }

    /// `helpline chat` reading from a pipe prints a specialist's reply the moment it arrives, as
    /// text or (with --json) as the daemon's event line, before any more input comes.
    @Test(arguments: [false, true]) func pipedChatShowsRepliesAsTheyCome(json: Bool) async throws {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.path("desk.sock")
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", deskSocket])
        let chat = try LiveProcess(["chat", "--socket", daemon.socketPath] + (json ? ["--json"] : []),
                                   stateHome: directory.path("state"))
        chat.write("доставка\n1\nКурьер не приехал в назначенный день.\n")
        try await chat.waitForOutput(json ? "\"state\":\"submitted\"" : "передано специалисту")

        let desk = try await DeskClient.connect(to: deskSocket)
        _ = try await desk.send(.signIn(.init(id: "sp-9", name: "Мария", serves: .role("general"))))
        guard case .appeal(let view?) = try await desk.send(.next) else { throw TestFailure("nothing to take") }
        _ = try await desk.send(.reply(appeal: view.appeal.id, text: "Курьер приедет завтра с 10 до 14."))
        if json {
            try await chat.waitForOutput("\"event\":\"notice\"")
            try await chat.waitForOutput("\"message\":\"Курьер приедет завтра с 10 до 14.\"")
        } else {
            try await chat.waitForOutput("Ответ специалиста (Мария) по обращению № \(view.appeal.id):\nКурьер приедет завтра с 10 до 14.")
        }
        chat.closeInput()
        #expect(try await chat.exitStatus() == 0)
        await desk.disconnect()
        #expect(try await daemon.stop() == 0)
    }
}

extension PipedDeskTests {
    /// `helpline chat --desk-socket` in this process serves the desk itself: a specialist on that
    /// socket takes the appeal the chat filed, sees its conversation, and the reply is printed in
    /// the chat the moment it arrives, before any more input comes. When the chat ends, so does the desk.
    @Test(arguments: [false, true]) func inProcessChatServesTheDesk(json: Bool) async throws {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.path("desk.sock")
        let chat = try LiveProcess(["chat", "--desk-socket", deskSocket] + (json ? ["--json"] : []),
                                   stateHome: directory.path("state"))
        chat.write("доставка\n1\nКурьер не приехал в назначенный день.\n")
        try await chat.waitForOutput(json ? "\"state\":\"submitted\"" : "передано специалисту")

        let desk = try await DeskClient.connect(to: deskSocket)
        _ = try await desk.send(.signIn(.init(id: "sp-9", name: "Мария", serves: .role("general"))))
        guard case .appeal(let view?) = try await desk.send(.next) else { throw TestFailure("nothing to take") }
        #expect(view.appeal.conversation.contains { $0.text == "Курьер не приехал в назначенный день." })
        _ = try await desk.send(.reply(appeal: view.appeal.id, text: "Курьер приедет завтра с 10 до 14."))
        if json {
            try await chat.waitForOutput("\"message\":\"Курьер приедет завтра с 10 до 14.\"")
        } else {
            try await chat.waitForOutput("Ответ специалиста (Мария) по обращению № \(view.appeal.id):\nКурьер приедет завтра с 10 до 14.")
        }
        // The customer's follow-up reaches the specialist at once.
        let events = desk.events
        chat.write("Курьер так и не позвонил.\n")
        var followUp = false
        for await event in events {
            if case .followUp(let appeal, let entry) = event, appeal == view.appeal.id, entry.text == "Курьер так и не позвонил." {
                followUp = true
                break
            }
        }
        #expect(followUp)
        chat.closeInput()
        #expect(try await chat.exitStatus() == 0)
        #expect(!FileManager.default.fileExists(atPath: deskSocket))
        await desk.disconnect()
    }

    /// `--desk-socket` is the in-process chat's: with `--socket` it is a usage error.
    @Test func deskSocketWithSocketIsRefused() async throws {
        let result = try await HelplineProcess.run(["chat", "--socket", "/tmp/x.sock", "--desk-socket", "/tmp/y.sock"], input: "")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--desk-socket is for the chat in this process"))
    }
}

/// `helpline` running with a pipe for standard input, kept open, and its standard output read as
/// it comes.
final class LiveProcess: Sendable {
    let process: Process
    private let input: Pipe
    private let output = OutputBuffer()
    private let errors = OutputBuffer()

    init(_ arguments: [String], stateHome: String) throws {
        process = Process()
        process.executableURL = try HelplineExecutable.url()
        process.arguments = arguments
        process.environment = HelplineProcess.baseEnvironment(stateHome: stateHome)
        input = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = input
        process.standardOutput = stdout
        process.standardError = stderr
        for (pipe, buffer) in [(stdout, output), (stderr, errors)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                } else {
                    buffer.data.withLock { $0.append(data) }
                }
            }
        }
        try process.run()
    }

    var stdout: String { String(decoding: output.data.withLock { $0 }, as: UTF8.self) }
    var stderr: String { String(decoding: errors.data.withLock { $0 }, as: UTF8.self) }

    func write(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Waits until standard output contains `text` (generous timeout; for liveness only).
    func waitForOutput(_ text: String, timeout: Duration = .seconds(300)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !stdout.contains(text) {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("timed out waiting for «\(text)»; the output was:\n\(stdout)\nstandard error:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for the exit and returns the status.
    func exitStatus(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw TestFailure("the process did not exit") }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }
}

/// What a process wrote so far, filled from the pipe's handler.
private final class OutputBuffer: Sendable {
    let data = Mutex(Data())
}
