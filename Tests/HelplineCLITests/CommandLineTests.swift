import Foundation
import Testing
@testable import HelplineCLI

/// The command line's own shapes: spans of time, the version.
struct CommandLineTests {
    @Test func spansOfTime() {
        #expect(Seconds(argument: "90")?.value == 90)
        #expect(Seconds(argument: "90s")?.value == 90)
        #expect(Seconds(argument: "30m")?.value == 1_800)
        #expect(Seconds(argument: "24h")?.value == 86_400)
        #expect(Seconds(argument: "1.5h")?.value == 5_400)
        #expect(Seconds(argument: "7d")?.value == 604_800)
        #expect(Seconds(argument: "36500d")?.value == Seconds.maximum)
        // Longer than a timer can count (about 106,751 days in nanoseconds): refused, not a crash later.
        for bad in ["", "h", "-5m", "10x", "1e999", "nan", "36501d", "107000d", "99999999999999999999d"] {
            #expect(Seconds(argument: bad) == nil, "\(bad)")
        }
        #expect(Seconds(86_400).description == "24h")
        #expect(Seconds(1_800).description == "30m")
        #expect(Seconds(90).description == "90s")
    }

    @Test func serveTakesSpansWithUnits() throws {
        let serve = try ServeCommand.parse(["--session-ttl", "30m", "--line-timeout", "2m", "--idle-timeout", "0"])
        #expect(serve.sessionTTL.value == 1_800)
        #expect(serve.lineTimeout.value == 120)
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--session-ttl", "soon"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--idle-timeout", "107000d"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--line-timeout", "107000d"]) }
    }

    /// `helpline bench` alone is `bench daemon`; its options reach the subcommand, the shared ones from their groups.
    @Test func benchDefaultsToDaemon() throws {
        let command = try Helpline.parseAsRoot(["bench", "--rounds", "3", "--in-flight", "8", "--json"])
        let daemon = try #require(command as? BenchDaemonCommand)
        #expect(daemon.load.rounds == 3 && daemon.load.inFlight == 8 && daemon.load.connections == 16)
        #expect(daemon.output.json)
        #expect(try Helpline.parseAsRoot(["bench", "in-process", "--samples", "10"]) is BenchInProcessCommand)
        #expect(throws: (any Error).self) { try Helpline.parseAsRoot(["bench", "daemon", "--rounds", "0"]) }
    }

    @Test func version() async throws {
        let result = try await HelplineProcess.run(["--version"], input: "")
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Helpline.version)
    }
}
