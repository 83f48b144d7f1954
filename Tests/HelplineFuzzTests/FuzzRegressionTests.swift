import Foundation
import HelplineIntents
import HelplineServer
import Testing

/// Inputs that once broke or slowed a reader of untrusted text, kept as cases of their own.
struct FuzzRegressionTests {
    /// One letter carrying thousands of combining marks is one Character; it is analyzed and
    /// classified (within the matcher's length cut) like any other text.
    @Test func combiningMarkFlood() throws {
        let matcher = try FuzzTests.matcher.get()
        let known = Set(matcher.intentIds.map(\.rawValue) + [IntentID.noneValue])
        for marks in [1, 40, 5_000, 30_000] {
            let text = "а" + String(repeating: "\u{0301}", count: marks) + " где мой заказ"
            let analysis = matcher.analyzer.analyze(text)
            #expect(analysis.words.count == analysis.stems.count)
            #expect(known.contains(matcher.classify(text).intent.wireValue))
        }
    }

    /// NUL, other controls and lone line separators inside a message are spaces to the analyzer.
    @Test func controlCharactersInsideWords() throws {
        let matcher = try FuzzTests.matcher.get()
        let analysis = matcher.analyzer.analyze("где\u{0000}мой\u{0007}заказ\u{2028}")
        #expect(analysis.words.count == analysis.stems.count)
        #expect(!analysis.words.contains { $0.unicodeScalars.contains { $0.value < 0x20 } })
    }

    /// A request nested deep inside its own id is answered as an error, not a crash.
    @Test func deeplyNestedRequest() {
        let line = #"{"op":"ping","id":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        switch ProtocolCodec().decodeRequest(Array(line.utf8)) {
        case .request, .invalid: break
        }
        let unclosed = String(repeating: "{\"a\":", count: 2_000)
        guard case .invalid = ProtocolCodec().decodeRequest(Array(unclosed.utf8)) else {
            Issue.record("an unclosed line decoded as a request")
            return
        }
    }
}
