import Foundation
import HelplineDesk
import HelplineDialogue
import Synchronization
import Testing
@testable import HelplineCLI

/// A desk that answers from a script and keeps the requests it was sent.
private final class ScriptedDesk: Sendable {
    let sent = Mutex<[DeskRequest]>([])
    let answers: Mutex<[DeskAnswer]>

    init(_ answers: [DeskAnswer]) {
        self.answers = Mutex(answers)
    }

    func send(_ request: DeskRequest) async throws -> DeskAnswer {
        sent.withLock { $0.append(request) }
        return answers.withLock { $0.isEmpty ? .failure(DeskError(.notSignedIn, "no more answers")) : $0.removeFirst() }
    }
}

/// What the terminal printed, in order.
private final class Printed: Sendable {
    let lines = Mutex<[String]>([])
    let problems = Mutex<[String]>([])
    var all: String { lines.withLock { $0.joined(separator: "\n") } }
}

struct DeskSessionTests {
    static let now = Date(timeIntervalSince1970: 1_900_000_000)
    static let maria = Specialist(id: "sp-7", name: "Мария", role: "general", scope: .everything)
    static let overview = DeskOverview(
        queues: Queue.allCases.map { .init(queue: $0, waiting: 0, overdue: 0, oldestWaitSeconds: nil, topics: [:]) },
        taken: 0, answered: 0, onDuty: 1, mine: [])

    static func appeal(_ state: AppealState = .taken, specialist: String? = "sp-7") -> AppealView {
        var appeal = DeskAppeal(
            id: "3141-5926", session: "secret-session", topic: "delivery", queue: .regular,
            customer: CustomerSummary(id: "u-42", name: "Анна", premium: true, orders: 2),
            order: Order(id: "12345678-0001", title: "Электрический чайник", status: "в пути", kind: .goods),
            createdAt: now.addingTimeInterval(-300),
            conversation: [
                DeskEntry(.customer, text: "Доставка", at: now.addingTimeInterval(-330)),
                DeskEntry(.bot, text: "Выберите заказ…\nИли напишите номер.", at: now.addingTimeInterval(-330)),
                DeskEntry(.customer, text: "Курьер не приехал.", at: now.addingTimeInterval(-300)),
                DeskEntry(.taken, at: now, specialist: "sp-7"),
            ])
        appeal.state = state
        appeal.specialist = specialist
        return AppealView(appeal)
    }

    private func session(_ desk: ScriptedDesk, _ printed: Printed) -> DeskSession {
        DeskSession(send: { try await desk.send($0) }, topicTitles: ["delivery": "Доставка"],
                    output: { text in printed.lines.withLock { $0.append(text) } },
                    problem: { text in printed.problems.withLock { $0.append(text) } },
                    clock: { Self.now })
    }

    /// Signing in shows who, and the queues; /next shows the customer, the order and the whole
    /// conversation (never the session id); a plain line then answers that appeal.
    @Test func takeAndReply() async throws {
        let desk = ScriptedDesk([.signedIn(Self.maria, holding: []), .overview(Self.overview), .appeal(Self.appeal()),
                                 .appeal(Self.appeal(.answered))])
        let printed = Printed()
        let session = session(desk, printed)
        try await session.start(.init(id: "sp-7", name: "Мария", serves: .role("general")))
        #expect(await session.handle("/next") == .proceed)
        #expect(await session.handle("  Курьер приедет завтра.  ") == .proceed)
        #expect(desk.sent.withLock { $0 }.dropFirst(2) == [.next, .reply(appeal: "3141-5926", text: "Курьер приедет завтра.")])
        let text = printed.all
        for expected in ["Вы вошли как Мария (sp-7, роль «general»).", "Очереди:", "общая: пусто",
                         "Обращение № 3141-5926 · Доставка · очередь: общая · ждёт вашего ответа",
                         "Клиент: Анна (u-42) · Premium · заказов: 2",
                         "Заказ: № 12345678-0001 — Электрический чайник (в пути)",
                         "Клиент: Курьер не приехал.", "Бот: Выберите заказ…\n      Или напишите номер.",
                         "Взято в работу (вы).", DeskStrings.replied("3141-5926")] {
            #expect(text.contains(expected), "«\(expected)» missing from:\n\(text)")
        }
        #expect(!text.contains("secret-session"))
        #expect(printed.problems.withLock { $0 }.isEmpty)
    }

    /// After /close, /release or /transfer the appeal is no longer the one lines answer; a line
    /// then asks to take one instead of sending anything.
    @Test(arguments: ["/close", "/release", "/transfer travel"]) func appealLeavesAfter(_ command: String) async throws {
        let desk = ScriptedDesk([.signedIn(Self.maria, holding: []), .overview(Self.overview), .appeal(Self.appeal()),
                                 .appeal(Self.appeal(.waiting, specialist: nil))])
        let printed = Printed()
        let session = session(desk, printed)
        try await session.start(.init(id: "sp-7", name: "Мария", serves: .role("general")))
        _ = await session.handle("/next")
        #expect(session.current == "3141-5926")
        _ = await session.handle(command)
        #expect(session.current == nil)
        _ = await session.handle("ещё ответ")
        #expect(printed.problems.withLock { $0 } == [DeskStrings.noCurrent])
        #expect(desk.sent.withLock { $0.count } == 4)
        if command.hasPrefix("/transfer") {
            #expect(desk.sent.withLock { $0.last } == .transfer(appeal: "3141-5926", topic: "travel", queue: nil))
        }
    }

    /// `/transfer` with a queue's name moves the queue; with anything else, the topic.
    @Test func transferToAQueue() async throws {
        let desk = ScriptedDesk([.signedIn(Self.maria, holding: [AppealSummary(Self.appeal().appeal)]),
                                 .overview(Self.overview), .appeal(Self.appeal(.waiting, specialist: nil))])
        let printed = Printed()
        let session = session(desk, printed)
        try await session.start(.init(id: "sp-7", name: "Мария", serves: .role("general")))
        // The one appeal still held after a reconnect is the current one.
        #expect(session.current == "3141-5926")
        #expect(printed.all.contains("За вами остались обращения: № 3141-5926."))
        _ = await session.handle("/transfer premium_seller")
        #expect(desk.sent.withLock { $0.last } == .transfer(appeal: "3141-5926", topic: nil, queue: .premiumSeller))
    }

    /// Events are told in words; the customer closing the current appeal makes it no longer current.
    @Test func eventsAreTold() async throws {
        let desk = ScriptedDesk([.signedIn(Self.maria, holding: []), .overview(Self.overview), .appeal(Self.appeal())])
        let printed = Printed()
        let session = session(desk, printed)
        try await session.start(.init(id: "sp-7", name: "Мария", serves: .role("general")))
        _ = await session.handle("/next")
        session.show(event: .newAppeal(AppealSummary(Self.appeal(.waiting, specialist: nil).appeal), reason: .released))
        session.show(event: .followUp(appeal: "3141-5926", DeskEntry(.customer, text: "Жду.", at: Self.now)))
        #expect(session.current == "3141-5926")
        session.show(event: .closedByCustomer(appeal: "3141-5926", at: Self.now))
        #expect(session.current == nil)
        let text = printed.all
        #expect(text.contains("Возвращено в очередь обращение № 3141-5926 (очередь: общая, тема: Доставка), клиент Анна:\n«Курьер не приехал.»"))
        #expect(text.contains("Клиент написал по обращению № 3141-5926: «Жду.»"))
        #expect(text.contains("Клиент закрыл обращение № 3141-5926: вопрос решён."))
    }

    /// The desk's refusals are explained in Russian; the session goes on.
    @Test func refusalsAreExplained() async throws {
        let desk = ScriptedDesk([.signedIn(Self.maria, holding: []), .overview(Self.overview),
                                 .failure(DeskError(.notYours, "the appeal is not yours"))])
        let printed = Printed()
        let session = session(desk, printed)
        try await session.start(.init(id: "sp-7", name: "Мария", serves: .role("general")))
        #expect(await session.handle("/show 3141-5926") == .proceed)
        #expect(printed.problems.withLock { $0 } == [DeskStrings.failure(DeskError(.notYours, ""))])
        #expect(await session.handle("/quit") == .quit)
    }
}
