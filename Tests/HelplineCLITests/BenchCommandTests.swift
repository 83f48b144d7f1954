import Foundation
import Testing

/// `helpline bench`, run as a real process: it starts its own daemons and echo servers, drives
/// them and reports.
struct BenchCommandTests {
    private func bench(_ arguments: [String]) async throws -> [String: Any] {
        let result = try await HelplineProcess.run(["bench"] + arguments + ["--json"], input: "")
        try #require(result.status == 0, "stderr: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// A load run against the daemons it starts, beside the echo yardstick: every timed turn
    /// answered without error, latency percentiles in order, the ratios and the daemon's processor
    /// time, writes and reads per turn, its counters and readiness reported.
    @Test func loadRunAgainstItsOwnDaemon() async throws {
        let report = try await bench(["daemon", "--rounds", "1", "--latency-turns", "50", "--connections", "2",
                                      "--in-flight", "2", "--turns", "200", "--warmup", "20"])
        let throughput = try #require(report["throughput"] as? [String: Any])
        let measured = try #require(throughput["measured"] as? [String: Any])
        let load = try #require((measured["runs"] as? [[String: Any]])?.first)
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

        let echo = try #require((throughput["yardstick"] as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(echo.first?["turns"] as? Int == 200)
        #expect(echo.first?["errors"] as? Int == 0)
        #expect((throughput["per_second_ratio"] as? Double ?? 0) > 0)
        #expect((throughput["cpu_us_per_turn"] as? Double ?? 0) > 0)
        // Each stored turn at least writes its answer line (hundreds of bytes) and reads its request.
        #expect((throughput["bytes_written_per_turn"] as? Double ?? 0) > 100)
        #expect((throughput["write_calls_per_turn"] as? Double ?? 0) > 0)
        #expect((throughput["bytes_read_per_turn"] as? Double ?? 0) > 20)
        let oneByOne = try #require(report["latency"] as? [String: Any])
        #expect(oneByOne["connections"] as? Int == 1 && oneByOne["in_flight"] as? Int == 1)
        #expect(((oneByOne["measured"] as? [String: Any])?["runs"] as? [[String: Any]])?.first?["turns"] as? Int == 50)
        #expect((oneByOne["p50_ratio"] as? Double ?? 0) > 0)
    }

    /// The echo, ping, memory and in-process subcommands each report their own figures.
    @Test func otherSubcommands() async throws {
        let echo = try #require(try await bench(["echo", "--rounds", "1", "--latency-turns", "100", "--turns", "100"])["latency"] as? [String: Any])
        let nio = try #require((echo["measured"] as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(nio.first?["turns"] as? Int == 100)
        let ping = try #require(try await bench(["ping", "--turns", "100"])["ping"] as? [String: Any])
        #expect(ping["turns"] as? Int == 100)
        let memory = try #require(try await bench(["memory", "--sessions", "50"])["memory"] as? [String: Any])
        #expect(memory["sessions_opened"] as? Int == 50)
        let inProcess = try await bench(["in-process", "--samples", "100", "--concurrency", "2"])
        let classification = try #require(inProcess["classification"] as? [String: Any])
        #expect(classification["count"] as? Int == 100)
        #expect((inProcess["stored_turns_per_second"] as? Double ?? 0) > 0)
    }

    /// `bench daemons` on SQLite: one daemon of its own, every timed turn stored, the daemons' and
    /// the load generator's processor time a turn reported; several daemons need PostgreSQL.
    @Test func daemonsOnOneDatabase() async throws {
        let report = try await bench(["daemons", "--connections", "2", "--in-flight", "2", "--turns", "200", "--warmup", "20"])
        #expect(report["daemons"] as? Int == 1)
        #expect(report["database"] as? String == "sqlite")
        let load = try #require(report["load"] as? [String: Any])
        #expect(load["turns"] as? Int == 200)
        #expect(load["errors"] as? Int == 0)
        let cpu = try #require(load["process_cpu_us_per_turn"] as? [String: Any])
        #expect((cpu["daemons"] as? Double ?? 0) > 0)
        #expect(cpu["database"] == nil, "no database server was named")
        #expect((report["stored"] as? [String: Any])?["sessions"] as? Int == 4)

        let refused = try await HelplineProcess.run(["bench", "daemons", "--count", "2"], input: "")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("postgres://"))
    }

    /// Choosing two measurements at once is a usage error.
    @Test func refusesTwoModes() async throws {
        let result = try await HelplineProcess.run(["bench", "echo", "memory"], input: "")
        #expect(result.status != 0)
        #expect(result.stderr.contains("Unexpected argument 'memory'"))
    }
}
