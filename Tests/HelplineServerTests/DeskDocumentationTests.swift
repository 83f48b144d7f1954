import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineServer
import HelplineTesting
import Testing

/// The desk's printed lines — docs/DESK.md's desk session, docs/PROTOCOL.md's event line, answer
/// with notices and `stats` — have the shape the daemon produces over its real sockets: the same
/// keys, and the same values where they do not depend on the data, the clock or the ids.
struct DeskDocumentationTests {
    /// The customer of docs/DESK.md's session: a Premium seller with one order.
    static let profile = Profile(id: "u-42", name: "Анна", seller: true, premiumSeller: true,
                                 orders: [Order(id: "12345678-0001", title: "Электрический чайник", status: "в пути")])
    static let printedAppeal = "3141-5926"

    /// docs/DESK.md's desk session over the desk socket: the printed requests are sent, the
    /// printed events are caused by the customer on the customers' socket, and each printed line
    /// matches the line the daemon sends.
    @Test func deskSessionWorksOverTheSocket() async throws {
        let lines = try Self.block("docs/DESK.md", after: "desk-session")
        #expect(lines.count >= 12)
        let world = try await DeskWorld.start()
        let desk = try RawConnection(path: try #require(world.daemon.deskSocketPath))
        let customer = try await world.daemon.client()
        var session = ""
        var appeal = Self.printedAppeal
        for line in lines {
            let printed = try Self.object(line)
            world.clock.advance(by: 30)
            if printed["op"] != nil {
                try await desk.write(line.replacingOccurrences(of: Self.printedAppeal, with: appeal) + "\n")
                continue
            }
            switch printed["event"] as? String {
            case "new_appeal":
                session = try #require(try await customer.open(profile: Self.profile).session)
                appeal = try await fileAppeal(customer, session: session, topic: "delivery",
                                              message: "Курьер не приехал в назначенный день.").id
            case "follow_up":
                #expect(try await customer.say(session: session, text: "Курьер так и не позвонил.").ticket?.messages.count == 2)
            case "closed_by_customer":
                _ = try await customer.say(session: session, text: "Спасибо, вопрос решён")
            default:
                break
            }
            let actual = try await desk.readObject()
            let mismatches = Self.differences(printed, actual, path: "")
            #expect(mismatches.isEmpty, "printed \(line)\n  got \(actual)\n  \(mismatches)")
        }
        await customer.disconnect()
        try await world.stop()
    }

    /// docs/PROTOCOL.md's event line, answer with notices and desk figures in `stats`.
    @Test func customerSideAsPrinted() async throws {
        let event = try Self.object(try #require(Self.block("docs/PROTOCOL.md", after: "notice-event").first))
        let answer = try Self.object(try #require(Self.block("docs/PROTOCOL.md", after: "notices-answer").first))
        let world = try await DeskWorld.start()
        let live = try RawConnection(path: world.daemon.socketPath)
        let customer = try await world.daemon.client()
        let regular = Profile(id: "u-42", name: "Анна", orders: Self.profile.orders)
        let (session, ticket) = try await world.file(customer, profile: regular)
        try await live.write(#"{"op":"state","id":1,"session":"\#(session)"}"# + "\n")
        _ = try await live.readObject()

        let maria = try await world.specialist("sp-7", name: "Мария", role: "general")
        _ = try #require(try await maria.take())
        let taken = try await live.readObject()
        #expect(taken["kind"] as? String == "taken" && taken["session"] as? String == session)
        try await maria.must(.reply(appeal: ticket.id, text: "Курьер приедет завтра с 10 до 14."))
        let pushed = try await live.readObject()
        #expect(Self.differences(event, pushed, path: "").isEmpty, "\(pushed)")

        // Neither earlier connection takes the notice to come: with events off (answered, so in
        // force) nothing is pushed to them, however late the daemon sees the disconnect.
        _ = try await customer.setEvents(enabled: false)
        await customer.disconnect()
        try await live.write(#"{"op":"events","enabled":false}"# + "\n")
        // Its answer, after any event line pushed before it was read.
        while try await live.readObject()["ok"] == nil {}
        let back = try RawConnection(path: world.daemon.socketPath)
        try await maria.must(.close(appeal: ticket.id))
        try await back.write(#"{"op":"open","id":7,"session":"\#(session)"}"# + "\n")
        let resumed = try await back.readObject()
        let keys = Set(answer.keys)
        #expect(Set(resumed.keys) == keys, "\(resumed.keys.sorted()) vs \(keys.sorted())")
        let notices = try #require(resumed["notices"] as? [[String: Any]])
        #expect(notices.map { $0["kind"] as? String } == ["closed"])
        #expect(Set(notices[0].keys) == Set(try #require((answer["notices"] as? [[String: Any]])?.first).keys))

        let stats = try #require(Self.block("docs/PROTOCOL.md", after: nil, containing: #""desk":{"#).first)
        let printedStats = try Self.object("{" + stats + "}")
        try await back.write(#"{"op":"stats"}"# + "\n")
        let actualStats = try #require(try await back.readObject()["stats"] as? [String: Any])
        let mismatches = Self.differences(try #require(printedStats["desk"]), try #require(actualStats["desk"]), path: "desk",
                                          comparingValues: false)
        #expect(mismatches.isEmpty, "\(mismatches)")

        await maria.disconnect()
        try await world.stop()
    }

    // MARK: Reading the documents

    /// The lines of the fenced block after `<!-- marker -->` in `document`; with no marker, of
    /// the first fenced block holding `containing`.
    static func block(_ document: String, after marker: String?, containing: String? = nil) throws -> [String] {
        let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(document), encoding: .utf8)
        var rest = text[...]
        if let marker {
            let start = try #require(text.range(of: "<!-- \(marker) -->"), "no \(marker) block in \(document)")
            rest = text[start.upperBound...]
        } else if let containing {
            let found = try #require(text.range(of: containing), "nothing like \(containing) in \(document)")
            let open = try #require(text[..<found.lowerBound].range(of: "```", options: .backwards))
            rest = text[open.lowerBound...]
        }
        let open = try #require(rest.range(of: "```"))
        let lineEnd = try #require(rest[open.upperBound...].firstIndex(of: "\n"))
        let close = try #require(rest[lineEnd...].range(of: "\n```"))
        return rest[rest.index(after: lineEnd)..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
    }

    /// Values compared exactly: the protocol's words. Everything else (texts, times, ids,
    /// counts) is compared by its kind (null, string, number, object, array) only.
    static let exactKeys: Set<String> = ["ok", "event", "reason", "state", "code", "queue", "topic", "role", "kind",
                                         "awaiting_customer", "specialist", "name", "premium_seller", "seller"]

    /// Where `actual` differs from `printed`: keys of objects, kinds of values, the exact keys'
    /// values (with `comparingValues`). Each item of an actual array must have the shape of some
    /// printed item (arrays' lengths depend on the data).
    static func differences(_ printed: Any, _ actual: Any, path: String, comparingValues: Bool = true) -> [String] {
        let key = path.split(separator: ".").last.map(String.init) ?? ""
        switch (printed, actual) {
        case (let p as [String: Any], let a as [String: Any]):
            guard Set(p.keys) == Set(a.keys) else { return ["\(path): keys \(p.keys.sorted()) vs \(a.keys.sorted())"] }
            return p.keys.sorted().flatMap { differences(p[$0]!, a[$0]!, path: path + "." + $0, comparingValues: comparingValues) }
        case (let p as [Any], let a as [Any]):
            guard !p.isEmpty else { return [] }
            return a.enumerated().compactMap { index, item in
                p.contains { differences($0, item, path: path, comparingValues: false).isEmpty } ? nil
                    : "\(path)[\(index)]: no printed item of this shape: \(item)"
            }
        case (is NSNull, is NSNull):
            return []
        case (is NSNull, _), (_, is NSNull):
            return ["\(path): \(printed) vs \(actual)"]
        default:
            guard type(of: printed) == type(of: actual) || (printed is NSNumber && actual is NSNumber) else {
                return ["\(path): \(printed) vs \(actual) (a different kind of value)"]
            }
            if comparingValues, exactKeys.contains(key), "\(printed)" != "\(actual)" {
                return ["\(path): \(printed) vs \(actual)"]
            }
            return []
        }
    }
}
