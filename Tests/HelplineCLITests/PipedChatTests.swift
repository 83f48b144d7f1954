import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

/// `helpline chat` with standard input from a file: the scriptable mode, run as a real process.
struct PipedChatTests {
    /// The demo customer the chat runs with by default, read from the data.
    let demo: Profile
    /// The demo customer's goods orders, as the order step lists them for a goods topic.
    let goods: [Order]

    init() throws {
        demo = try Profile.demo(in: .embedded)
        goods = demo.orders.filter { !$0.kind.isTravel }
    }

    /// Replies are separated by a blank line: the greeting first, then one per input line.
    private func replies(_ stdout: String) -> [String] {
        stdout.components(separatedBy: "\n\n").filter { !$0.isEmpty }
    }

    /// Each input line gets its reply, with numbered options, no prompts, no escapes: topic by label, order by number.
    @Test func eachLineGetsItsReply() async throws {
        let result = try await HelplineProcess.run(["chat"], input: "доставка\n1\n", environment: ["TERM": "xterm-256color"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let blocks = replies(result.stdout)
        try #require(blocks.count == 3, "stdout: \(result.stdout)")
        #expect(blocks[0].contains(" 1. Доставка"))
        for order in goods { #expect(blocks[1].contains(order.title), "order \(order.id) missing from \(blocks[1])") }
        #expect(blocks[1].contains("1. \(goods[0].title)"))
        #expect(blocks[2].contains(goods[0].id))
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(!result.stdout.contains("Вы:"))
        #expect(result.stderr.isEmpty)
    }

    /// --json prints one protocol reply per line with the daemon's fields; the session stays the same.
    @Test func jsonRepliesParse() async throws {
        let result = try await HelplineProcess.run(["chat", "--json"], input: "доставка\n1\nКурьер не привёз заказ\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 4, "stdout: \(result.stdout)")
        var sessions: Set<String> = []
        var states: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["ok", "session", "state", "text", "options", "intent", "ticket"] {
                #expect(object.keys.contains(key), "\(key) missing in \(line)")
            }
            #expect(object["ok"] as? Bool == true)
            sessions.insert(try #require(object["session"] as? String))
            states.append(try #require(object["state"] as? String))
        }
        #expect(sessions.count == 1)
        #expect(states == ["choose_topic", "choose_order", "write", "submitted"])
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        let options = try #require(second["options"] as? [[String: Any]])
        #expect(options.first?["value"] as? String == goods[0].id)
        let last = try #require(try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: Any])
        let ticket = try #require(last["ticket"] as? [String: Any])
        #expect(ticket["topic"] as? String == "delivery")
        #expect(ticket["order"] as? String == goods[0].id)
        #expect(ticket["messages"] as? [String] == ["Курьер не привёз заказ"])
    }

    /// Piped output is not hard-wrapped: a long line of a reply arrives whole, for the reader to wrap.
    @Test func pipedOutputIsNotWrapped() async throws {
        let result = try await HelplineProcess.run(["chat"], input: "какой номер телефона горячей линии озон\n")
        #expect(result.status == 0)
        let line = "• +7\u{00A0}495\u{00A0}232−10−00 — для жителей Москвы и Московской области, на него же можно звонить из-за границы;"
        #expect(result.stdout.split(separator: "\n").contains { $0 == line }, "stdout: \(result.stdout)")
    }

    /// /state answers on stdout; an unknown command is reported on stderr; /quit ends the chat and later lines are not read.
    @Test func commandsInAPipe() async throws {
        let result = try await HelplineProcess.run(["chat"], input: "доставка\n/state\n/nonsense\n/quit\n1\n")
        #expect(result.status == 0)
        let blocks = replies(result.stdout)
        try #require(blocks.count == 3, "stdout: \(result.stdout)")
        #expect(blocks[2].contains("Шаг: выбор заказа"))
        #expect(blocks[2].contains("Тема: Доставка"))
        #expect(result.stderr.contains("/nonsense"))
    }

    /// --profile loads another customer: a profile with no orders skips the order step.
    @Test func profileOption() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("no-orders.json")
        try Data(#"{"id":"u-empty","name":"Борис","orders":[]}"#.utf8).write(to: file)
        let result = try await HelplineProcess.run(["chat", "--json", "--profile", file.path], input: "доставка\n/profile\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 2)
        #expect(lines[0].contains("Борис"))
        #expect(lines[1].contains(#""state":"write""#))
        #expect(result.stderr.contains("Заказов нет."))
    }

    /// A profile file that cannot be read stops the chat with status 1 and a message, not a crash.
    @Test func badProfile() async throws {
        let result = try await HelplineProcess.run(["chat", "--profile", "/nonexistent/profile.yaml"], input: "")
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/profile.yaml: no such file"))
        #expect(!result.stderr.contains("operation could not be completed"))
        #expect(result.stdout.isEmpty)
    }

    /// --record writes the conversation as it happens, every user line and bot reply in order,
    /// and `helpline replay` passes on the file right away.
    @Test func recordOption() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("chat.txt")
        let result = try await HelplineProcess.run(["chat", "--record", file.path], input: "доставка\n1\n/state\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("> ") } == ["> доставка", "> 1"])
        #expect(lines.filter { $0.hasPrefix("? state: ") }.count == 3)
        #expect(text.contains("profile: demo\n"))
        let replay = try await HelplineProcess.run(["replay", file.path], input: "")
        #expect(replay.status == 0, "stdout: \(replay.stdout)")
        #expect(replay.stdout.hasSuffix("1 passed, 0 failed\n"))
    }
}
