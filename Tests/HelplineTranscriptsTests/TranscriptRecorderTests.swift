import Foundation
import HelplineDialogue
import HelplineTranscripts
import Testing

struct TranscriptRecorderTests {
    let time = Date(timeIntervalSince1970: 1_800_000_000)

    /// The header names the profile file and the fixed time; without a file the profile is inline JSON.
    @Test func header() {
        let profile = Profile(id: "u1", name: "Анна", premium: true)
        let named = TranscriptRecorder.render(TranscriptHeader(title: "Тест", profile: profile, profileFile: "demo-profile.yaml", time: time))
        #expect(named == "title: Тест\nprofile: demo-profile.yaml\ntime: \(ISO8601.format(time))\n\n")
        let inline = TranscriptRecorder.render(TranscriptHeader(title: "Тест", profile: profile, profileFile: nil, time: time))
        #expect(inline.contains(#"profile: {"corporate":false,"id":"u1","name":"Анна""#))
    }

    /// A bot entry writes its text, numbered options and state; a user entry is one line even if typed with newlines.
    @Test func entries() {
        let reply = Reply(state: .chooseOrder, text: "Выберите заказ.\nИли напишите номер.", options: [
            ReplyOption(key: "1", label: "Наушники", value: "31415926-0001"),
        ])
        #expect(TranscriptRecorder.render(.bot(reply)) == "bot: Выберите заказ.\n  Или напишите номер.\n  1. Наушники\nstate: choose_order\n")
        #expect(TranscriptRecorder.render(.user("два\nслова")) == "user: два слова\n")
    }

    /// The file holds the header, the entries given at creation and those recorded later, in order.
    @Test func writesAsItGoes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = TranscriptHeader(title: "Т", profile: Profile(id: "u", name: ""), profileFile: "p.yaml", time: time)
        let recorder = try TranscriptRecorder(path: path, header: header, entries: [.bot(Reply(state: .chooseTopic, text: "Привет"))])
        try recorder.record(.user("1"))
        let partial = try String(contentsOfFile: path, encoding: .utf8)
        #expect(partial.hasSuffix("bot: Привет\nstate: choose_topic\nuser: 1\n"))
        recorder.close()
    }

    /// A file that cannot be created is an error, not a crash.
    @Test func unwritablePath() {
        let header = TranscriptHeader(title: "Т", profile: Profile(id: "u", name: ""), profileFile: nil, time: time)
        #expect(throws: TranscriptRecorderError.self) {
            _ = try TranscriptRecorder(path: "/nonexistent-folder/x/t.txt", header: header)
        }
    }
}
