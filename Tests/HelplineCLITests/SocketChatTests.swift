import Foundation
import HelplineTesting
import Testing

/// `helpline chat --socket` against a real `helpline serve` process.
struct SocketChatTests {
    /// Through the daemon the chat looks exactly as in-process: the same replies for the same lines.
    @Test func sameLookAsInProcess() async throws {
        let daemon = try await DaemonProcess.start(in: try TemporaryDirectory())
        let input = "доставка\n1\n/state\n"
        let remote = try await HelplineProcess.run(["chat", "--socket", daemon.socketPath], input: input)
        let local = try await HelplineProcess.run(["chat"], input: input)
        #expect(remote.status == 0, "stderr: \(remote.stderr)")
        // Only the session ids differ.
        func withoutSession(_ text: String) -> String {
            text.split(separator: "\n").filter { !$0.hasPrefix("Сессия:") }.joined(separator: "\n")
        }
        #expect(withoutSession(remote.stdout) == withoutSession(local.stdout))
        #expect(remote.stdout.contains("Шаг: сообщение специалисту"))
        #expect(try await daemon.stop() == 0)
    }

    /// No daemon on the socket: a clear message on stderr after a few retries, and status 1.
    @Test func unreachableDaemon() async throws {
        let result = try await HelplineProcess.run(["chat", "--socket", "/tmp/hl-none-\(UUID().uuidString.prefix(8)).sock"], input: "доставка\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("Нет связи с сервером"))
        #expect(result.stderr.contains("сервер не запущен"))
        #expect(result.stdout.isEmpty)
    }
}
