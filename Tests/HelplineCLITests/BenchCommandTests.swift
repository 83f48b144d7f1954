import Foundation
import Testing

/// `helpline bench`, run as a real process: it starts its own daemon, drives it and reports.
struct BenchCommandTests {
    private func bench(_ arguments: [String]) async throws -> [String: Any] {
        let result = try await HelplineProcess.run(["bench", "--json"] + arguments, input: "")
        try #require(result.status == 0, "stderr: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// A load run against the daemon it starts: every timed turn answered without error, latency
    /// percentiles in order, the daemon's counters and readiness reported.
    @Test func loadRunAgainstItsOwnDaemon() async throws {
        let report = try await bench(["--connections", "2", "--in-flight", "2", "--turns", "200", "--warmup", "20"])
        let load = try #require(report["load"] as? [String: Any])
        #expect(load["turns"] as? Int == 200)
        #expect(load["errors"] as? Int == 0)
        #expect(load["sessions"] as? Int == 4)
        let latency = try #require(load["latency"] as? [String: Any])
        let p50 = try #require(latency["p50"] as? Double)
        let p99 = try #require(latency["p99"] as? Double)
        #expect(p50 > 0 && p50 <= p99)
        let daemon = try #require(report["daemon"] as? [String: Any])
        #expect(daemon["turns"] as? Int == 220)
        #expect(daemon["sessions"] as? Int == 4)
        #expect((daemon["rss_bytes"] as? Int ?? 0) > 0)
        #expect((report["ready_ms"] as? Double ?? 0) > 0)
    }

    /// The echo, ping, memory and in-process modes each report their own figures.
    @Test func otherModes() async throws {
        let echo = try #require(try await bench(["--echo", "--turns", "100"])["echo"] as? [String: Any])
        #expect(echo["turns"] as? Int == 100)
        let ping = try #require(try await bench(["--ping", "--turns", "100"])["ping"] as? [String: Any])
        #expect(ping["turns"] as? Int == 100)
        let memory = try #require(try await bench(["--memory", "--sessions", "50"])["memory"] as? [String: Any])
        #expect(memory["sessions_opened"] as? Int == 50)
        let inProcess = try await bench(["--in-process", "--turns", "100", "--connections", "2"])
        let classification = try #require(inProcess["classification"] as? [String: Any])
        #expect(classification["count"] as? Int == 100)
        #expect((inProcess["stored_turns_per_second"] as? Double ?? 0) > 0)
    }

    /// Choosing two modes at once is a usage error.
    @Test func refusesTwoModes() async throws {
        let result = try await HelplineProcess.run(["bench", "--echo", "--memory"], input: "")
        #expect(result.status != 0)
        #expect(result.stderr.contains("choose one of"))
    }
}
