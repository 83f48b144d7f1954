import Foundation
import HelplineDialogue
import HelplineIntents
@testable import HelplineServer
import NIOConcurrencyHelpers
import NIOPosix
import HelplineTesting
import Testing

/// Where a turn's CPU work runs: short turns on the event loop, long ones off the I/O threads.
struct TurnPlacementTests {
    /// Wraps the real classifier and records, per text length, whether it ran on an event loop.
    final class RecordingClassifier: IntentClassifying {
        let inner: any IntentClassifying
        let calls = NIOLockedValueBox<[(length: Int, onEventLoop: Bool)]>([])

        init(_ inner: any IntentClassifying) {
            self.inner = inner
        }

        func classify(_ text: String) -> Classification {
            calls.withLockedValue { $0.append((text.unicodeScalars.count, MultiThreadedEventLoopGroup.currentEventLoop != nil)) }
            return inner.classify(text)
        }
    }

    /// A 4,000-character turn is classified off the event loops; a short one on its loop.
    @Test func runsLongTurnsOffTheEventLoop() async throws {
        let real = try Fixtures.engine()
        let classifier = RecordingClassifier(real.classifier)
        let engine = DialogueEngine(catalog: real.catalog, classifier: classifier, prompts: real.prompts, rules: real.rules)
        let server = try await RunningDaemon.start(engine: engine)
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)

        let long = String(repeating: "qwertyuiop", count: 400)
        #expect(try await client.say(session: session, text: long).ok)
        #expect(try await client.say(session: session, text: "меню").ok)
        #expect(try await client.say(session: session, text: "где мой заказ").ok)

        let calls = classifier.calls.withLockedValue { $0 }
        let longCalls = calls.filter { $0.length > SessionService.inlineTurnTextLimit }
        let shortCalls = calls.filter { $0.length <= SessionService.inlineTurnTextLimit }
        #expect(!longCalls.isEmpty && longCalls.allSatisfy { !$0.onEventLoop }, "the long text was classified off the I/O threads")
        #expect(!shortCalls.isEmpty && shortCalls.allSatisfy(\.onEventLoop), "short turns stay on the loop (no hop)")
        await client.disconnect()
        try await server.stop()
    }
}
