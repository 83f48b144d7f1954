import Foundation
import HelplineChat
import HelplineDialogue
import HelplineFiles
import HelplineIntents
import Testing
@testable import HelplineTranscripts

struct RecorderRoundTripTests {
    let time = ISO8601.parse("2026-06-01T10:00:00+03:00") ?? Date(timeIntervalSince1970: 0)

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    /// Records a conversation the way the chat does (every text and reply as it happens), then
    /// replays the file: it passes. `session` is the chat's own session id, unlike the replay's.
    func recordAndReplay(profile: Profile, profileFile: String?, says: [String], path: String) async throws -> (String, TranscriptResult) {
        let target = try Fixtures.target()
        let fixed = time
        let backend = InProcessChatBackend(engine: target.engine, clock: { fixed }, sessionID: { "chat-7f3a" })
        let header = TranscriptHeader(title: "Запись из чата", profile: profile, profileFile: profileFile, time: time)
        let opened = try await backend.open(profile: profile)
        let recorder = try TranscriptRecorder(path: path, header: header, entries: [.bot(opened.reply)])
        for text in says {
            try recorder.record(.user(text))
            try recorder.record(.bot(try await backend.say(text)))
        }
        recorder.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let file = TranscriptFile(url: URL(fileURLWithPath: path))
        let results = await TranscriptRunner(target: target).run([file])
        return (text, try #require(results.first))
    }

    /// A recorded conversation through topic, order, message and a follow-up replays right away,
    /// with the appeal's id written as `*` and the follow-up asserted on the same appeal.
    @Test func demoConversationReplays() async throws {
        let path = temporaryPath("demo.transcript")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let profile = try Profile.demo(in: try Fixtures.bundle())
        let (text, result) = try await recordAndReplay(profile: profile, profileFile: "demo-profile.yaml",
                                                       says: ["3", "1", "Не заряжается левый наушник.", "Коробка сохранилась."],
                                                       path: path)
        #expect(result.passed, "\(ReplayReport.render(result))")
        #expect(text.hasPrefix("title: Запись из чата\nprofile: demo\nnow: 2026-06-01T07:00:00Z\n\n< Здравствуйте, Анна!"))
        #expect(text.contains("\n> 3\n< Тема: Возвраты и возврат денег.\n< Выберите заказ"))
        #expect(text.contains("[4] Без заказа\n? state: choose_order\n"))
        #expect(text.contains("< Обращение № * передано специалисту.\n"))
        #expect(!text.contains("chat-7f3a"))
        #expect(text.contains("? ticket: topic=returns order=31415926-0001 queue=regular eta=5-10\n"))
        #expect(text.contains("? ticket: id=same topic=returns order=31415926-0001 queue=regular eta=5-10\n"))
    }

    /// A profile given without a file is written inline as YAML and replays the same.
    @Test func inlineProfileReplays() async throws {
        let path = temporaryPath("inline.transcript")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let profile = Profile(id: "u-inline", name: "Олег", premiumSeller: true,
                              orders: [Order(id: "11112222-0001", title: "Плёнка упаковочная", status: "доставлен")])
        let (text, result) = try await recordAndReplay(profile: profile, profileFile: nil,
                                                       says: ["14", "Не проходит выплата."], path: path)
        #expect(result.passed, "\(ReplayReport.render(result))")
        #expect(text.contains("profile:\n  id: u-inline\n  name: Олег\n"))
        #expect(text.contains("? ticket: topic=seller order=none queue=premium_seller eta=1-3\n"))
    }

    /// A profile file is named relative to the transcript, and the replay finds it there.
    @Test func profileFileRelativeToTranscript() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("profiles"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let profilePath = folder.appendingPathComponent("profiles/p.yaml").path
        try "id: p1\nname: Пётр\norders: []\n".write(toFile: profilePath, atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("t.transcript").path
        let (text, result) = try await recordAndReplay(profile: try Profile.load(contentsOf: URL(fileURLWithPath: profilePath)),
                                                       profileFile: profilePath, says: ["1", "Где курьер?"], path: path)
        #expect(result.passed, "\(ReplayReport.render(result))")
        #expect(text.contains("\nprofile: profiles/p.yaml\n"))
    }

    /// Stars and braces in a reply are escaped, so the recorded line matches the reply literally.
    @Test func specialCharactersAreEscaped() throws {
        let reply = Reply(state: .chooseTopic, text: "Оценка * из {/5/}\n\nОбращение № s-1 готово.",
                          options: [ReplyOption(key: "1", label: "Звезда *", value: "x")],
                          ticket: Ticket(id: "s-1", topic: "general", order: nil, queue: .regular, etaMinutes: [5, 10],
                                         messages: [], createdAt: time))
        let rendered = TranscriptRecorder.render(.bot(reply))
        #expect(rendered == """
            < Оценка \\* из \\{/5/}
            < Обращение № * готово.
            [1] Звезда \\*
            ? state: choose_topic
            ? ticket: topic=general order=none queue=regular eta=5-10

            """)
        let parsed = try TranscriptParser.parse("title: T\n" + rendered, file: "r.transcript")
        var checker = ReplyChecker()
        #expect(checker.check(reply, against: parsed[0].opening).isEmpty)
    }
}
