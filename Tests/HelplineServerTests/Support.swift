#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineServer
import Logging
import NIOConcurrencyHelpers
import Testing
import HelplineTesting

/// Paths and data the tests share.
enum Fixtures {
    /// The package's root, found from this file.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The intent data in the working tree.
    static let intentsDirectory = packageRoot.appendingPathComponent("Intents")

    /// The engine on the working tree's data, built once and shared.
    static func engine() throws -> DialogueEngine {
        try WorkingTree.engine()
    }

    /// A customer with goods orders and a travel booking.
    static let profile = Profile(
        id: "customer-1", name: "Анна",
        orders: [
            Order(id: "12345678-0001", title: "Электрический чайник", status: "в пути"),
            Order(id: "12345678-0002", title: "Книга", status: "доставлен"),
            Order(id: "87654321-0001", title: "Отель «Волна», Сочи", status: "подтверждено", kind: .hotel,
                  startsAt: Date(timeIntervalSince1970: 1_900_000_000)),
        ]
    )

    /// A short-lived directory with a short path (Unix socket paths are limited to ~100 bytes).
    static func temporaryDirectory() throws -> TemporaryDirectory {
        try TemporaryDirectory()
    }

    /// Whether a program is on the PATH.
    static func which(_ program: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(program) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// True in CI, where every optional tool is installed and tests needing them must run.
    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" } ?? false }
}

/// The in-process daemon of `HelplineTesting`, by the name these tests use.
typealias RunningDaemon = InProcessDaemon

/// Walks a session through the dialogue to an appeal: picks the first topic that asks for an
/// order, the first order, and writes the message. Returns the answer with the appeal.
func fileAppeal(_ client: HelplineClient, session: String, message: String = "Заказ не пришёл, прошу разобраться") async throws -> ProtocolReply {
    var answer = try await client.state(session: session)
    for _ in 0..<8 {
        guard answer.ok, let state = answer.state else { throw TestFailure("dialogue failed: \(answer)") }
        switch state {
        case .chooseTopic:
            let option = answer.options.first { $0.value == "delivery" } ?? answer.options.first
            guard let option else { throw TestFailure("no topic options offered: \(answer)") }
            answer = try await client.say(session: session, text: option.key)
        case .chooseOrder:
            guard let option = answer.options.first else { throw TestFailure("no order options offered: \(answer)") }
            answer = try await client.say(session: session, text: option.key)
        case .write:
            answer = try await client.say(session: session, text: message)
        case .submitted:
            return answer
        }
    }
    throw TestFailure("no appeal after several turns: \(answer)")
}

/// A log handler that keeps every line, for tests that check what the logs say.
struct CapturingLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.withLockedValue { $0.append("\(event.level) \(event.message) \(fields)") }
    }

    /// A logger at `trace` whose lines end up in `lines`.
    static func logger(_ lines: NIOLockedValueBox<[String]>) -> Logger {
        Logger(label: "test.captured") { _ in CapturingLogHandler(lines: lines) }
    }
}
