import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineTranscripts
import Testing

struct TranscriptRecorderTests {
    let time = Date(timeIntervalSince1970: 1_800_000_000)

    /// The header names the demo profile as `demo`, a file relative to the transcript, or writes
    /// the profile inline as YAML; the clock is `now:` in ISO 8601.
    @Test func header() {
        let profile = Profile(id: "u1", name: "Анна", premium: true)
        let demo = TranscriptRecorder.render(TranscriptHeader(title: "Тест", profile: profile, profileFile: "demo-profile.yaml", time: time))
        #expect(demo == "title: Тест\nprofile: demo\nnow: \(ISO8601.format(time))\n\n")
        let file = TranscriptRecorder.render(TranscriptHeader(title: "Т", profile: profile, profileFile: "/work/x/profiles/p.yaml", time: time),
                                             transcriptPath: "/work/x/chats/t.transcript")
        #expect(file.contains("\nprofile: ../profiles/p.yaml\n"))
        let inline = TranscriptRecorder.render(TranscriptHeader(title: "Тест", profile: profile, profileFile: nil, time: time))
        #expect(inline.contains("\nprofile:\n  id: u1\n  name: Анна\n  premium: true\n"))
    }

    /// A bot entry writes its text lines, options and state; a user entry is one line even if typed with newlines.
    @Test func entries() {
        let reply = Reply(state: .chooseOrder, text: "Выберите заказ.\nИли напишите номер.", options: [
            ReplyOption(key: "1", label: "Наушники", value: "31415926-0001"),
        ], intent: IntentScore(id: "returns", confidence: 0.8))
        #expect(TranscriptRecorder.render(.bot(reply)) == "< Выберите заказ.\n< Или напишите номер.\n[1] Наушники\n? state: choose_order\n? intent: returns\n")
        #expect(TranscriptRecorder.render(.user("два\nслова")) == "\n> два слова\n")
    }

    /// The file holds the header, the entries given at creation and those recorded later, in order.
    @Test func writesAsItGoes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).transcript").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = TranscriptHeader(title: "Т", profile: Profile(id: "u", name: ""), profileFile: "demo", time: time)
        let recorder = try TranscriptRecorder(path: path, header: header, entries: [.bot(Reply(state: .chooseTopic, text: "Привет"))])
        try recorder.record(.user("1"))
        let partial = try String(contentsOfFile: path, encoding: .utf8)
        #expect(partial.hasSuffix("< Привет\n? state: choose_topic\n\n> 1\n"))
        recorder.close()
    }

    /// A file that cannot be created is an error, not a crash.
    @Test func unwritablePath() {
        let header = TranscriptHeader(title: "Т", profile: Profile(id: "u", name: ""), profileFile: nil, time: time)
        #expect(throws: TranscriptRecorderError.self) {
            _ = try TranscriptRecorder(path: "/nonexistent-folder/x/t.transcript", header: header)
        }
    }
}
