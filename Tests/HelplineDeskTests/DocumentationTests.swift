import Foundation
import HelplineDesk
import HelplineDialogue
import Testing

/// docs/DESK.md's session and notices are what the desk produces: the same scenario is run on the
/// core and every printed line is compared with the line made (the request `id`s aside).
struct DocumentationTests {
    private static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/DESK.md")

    /// The fenced block after `<!-- marker -->`, as lines.
    private static func block(after marker: String) throws -> [String] {
        let text = try String(contentsOf: document, encoding: .utf8)
        let start = try #require(text.range(of: "<!-- \(marker) -->"), "no \(marker) block in DESK.md")
        let rest = text[start.upperBound...]
        let open = try #require(rest.range(of: "```text\n"))
        let close = try #require(rest[open.upperBound...].range(of: "\n```"))
        return rest[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    private static func object(_ line: String) throws -> NSDictionary {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary
        let dictionary = try #require(object?.mutableCopy() as? NSMutableDictionary, "not an object: \(line)")
        dictionary.removeObject(forKey: "id")
        return dictionary
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The printed scenario, on the core: the lines of the desk connection and the customer's notices.
    private static func scenario() throws -> (desk: [String], customer: [String]) {
        let t0 = try #require(ISO8601.parse("2026-11-25T13:03:40Z"))
        func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }
        let order = Order(id: "12345678-0001", title: "Электрический чайник", status: "в пути")
        let profile = Profile(id: "u-42", name: "Анна", seller: true, premiumSeller: true, orders: [order])
        let ticket = Ticket(id: "3141-5926", topic: "delivery", order: order.id, queue: .premiumSeller, etaMinutes: [1, 3],
                            messages: ["Курьер не приехал в назначенный день."], createdAt: t0)
        let chat = [DeskEntry(.customer, text: "Доставка", at: at(-30)),
                    DeskEntry(.bot, text: "Выберите заказ, о котором вопрос…", at: at(-30))]
        var desk = Desk(rules: Fixture.rules)
        var lines: [String] = []
        var notices: [String] = []
        func perform(_ outcome: DeskOutcome) throws {
            for effect in outcome.effects {
                switch effect {
                case .notify(_, let event): lines.append(try json(DeskEventLine(event)))
                case .deliver(let session, let notice): notices.append(try json(CustomerEventLine(session: session, notice: notice)))
                case .wakeUp: break
                }
            }
        }
        func request(_ request: DeskRequest, _ answer: () throws -> DeskAnswer) throws {
            lines.append(try json(request))
            do {
                lines.append(try json(try answer()))
            } catch let error as DeskError {
                lines.append(try json(DeskAnswer.failure(error)))
            }
        }
        let signIn = DeskRequest.SignIn(id: "sp-7", name: "Мария", serves: .role("seller"))
        try request(.signIn(signIn)) {
            let specialist = try desk.signIn(id: signIn.id, name: signIn.name, serves: signIn.serves, at: at(-600))
            return .signedIn(specialist, holding: desk.appeals(heldBy: specialist.id).map(AppealSummary.init))
        }
        try perform(try desk.file(DeskAppeal(ticket: ticket, session: "2fb0306c139c6f4f4da2aae4", profile: profile,
                                             before: chat), at: t0))
        try request(.overview) { .overview(desk.overview(for: "sp-7", now: at(20))) }
        var taken = DeskOutcome()
        try request(.next) {
            taken = try desk.takeNext(specialist: "sp-7", now: at(30))
            return .appeal(taken.appeal.map { AppealView($0) })
        }
        try perform(taken)
        try perform(try desk.customerWrote(appeal: ticket.id, text: "Курьер так и не позвонил.", at: at(60)))
        var replied = DeskOutcome()
        try request(.reply(appeal: ticket.id, text: "Курьер приедет завтра с 10 до 14.")) {
            replied = try desk.reply(appeal: ticket.id, specialist: "sp-7", text: "Курьер приедет завтра с 10 до 14.", now: at(90))
            return .appeal(replied.appeal.map { AppealView($0) })
        }
        try perform(replied)
        try perform(try desk.customerClosed(appeal: ticket.id, at: at(120)))
        try request(.transfer(appeal: ticket.id, topic: nil, queue: .regular)) {
            .appeal(try desk.transfer(appeal: ticket.id, specialist: "sp-7", topic: nil, queue: .regular, now: at(130))
                .appeal.map { AppealView($0) })
        }
        return (lines, notices)
    }

    /// The desk session, line by line.
    @Test func deskSessionIsWhatTheCoreProduces() throws {
        let printed = try Self.block(after: "desk-session")
        let made = try Self.scenario().desk
        #expect(printed.count == made.count)
        for (printed, made) in zip(printed, made) {
            #expect(try Self.object(printed) == Self.object(made), "\(printed)")
        }
    }

    /// The customer's notices, line by line.
    @Test func customerNoticesAreWhatTheCoreProduces() throws {
        let printed = try Self.block(after: "customer-notices")
        let made = try Self.scenario().customer
        #expect(printed.count == made.count)
        for (printed, made) in zip(printed, made) {
            #expect(try Self.object(printed) == Self.object(made), "\(printed)")
        }
    }

    /// Every printed request decodes; every answer and event reads back as what it is.
    @Test func printedLinesDecode() throws {
        for line in try Self.block(after: "desk-session") {
            let data = Data(line.utf8)
            if line.contains(#""op":"#) {
                _ = try JSONDecoder().decode(DeskRequest.self, from: data)
            } else if line.contains(#""event":"#) {
                _ = try JSONDecoder().decode(DeskEventLine.self, from: data)
            } else {
                _ = try JSONDecoder().decode(DeskAnswer.self, from: data)
            }
        }
    }
}
