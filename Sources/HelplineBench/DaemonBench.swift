import HelplineServer

/// `helpline bench daemon`: the daemon measured against the plain echo yardstick in the same run.
///
/// Two configurations, each round after round, the daemon and the yardstick alternately: one
/// connection with one turn in flight for the latency percentiles, and many connections with many
/// turns in flight for turns per second. The yardstick echoes a `say` line of typical size.
///
/// Daemons the bench starts itself are fresh for each configuration, so each one's processor time
/// belongs to that configuration alone; a third one only starts and stops, and its processor time
/// (loading the data, building the model, shutting down) is taken off the others'.
public struct DaemonBench: Sendable {
    /// The daemons to measure.
    public enum Daemons: Sendable {
        /// A daemon already running on this socket, measured as it is: no readiness or processor time.
        case running(socketPath: String)
        /// Daemons the bench starts: `launch(name)` starts a fresh one, waits until it is ready and
        /// returns it with its socket's path.
        case launched(@Sendable (_ name: String) async throws -> (server: ChildServer, socketPath: String))
    }

    public var generator: LoadGenerator
    public var rounds: Int
    /// The latency configuration (its socket path is set for each server).
    public var latency: LoadConfiguration
    /// The throughput configuration (its socket path is set for each server).
    public var throughput: LoadConfiguration

    public init(generator: LoadGenerator, rounds: Int, latency: LoadConfiguration, throughput: LoadConfiguration) {
        self.generator = generator
        self.rounds = rounds
        self.latency = latency
        self.throughput = throughput
    }

    /// Measures `daemons` against the plain echo server listening on `yardstickSocket`.
    public func run(_ daemons: Daemons, yardstickSocket: String) async throws -> DaemonBenchReport {
        switch daemons {
        case .running(let socketPath):
            let latency = try await compare(latency, daemonSocket: socketPath, yardstickSocket: yardstickSocket)
            let throughput = try await compare(throughput, daemonSocket: socketPath, yardstickSocket: yardstickSocket)
            return DaemonBenchReport(rounds: rounds, latency: latency, throughput: throughput, readyMilliseconds: nil,
                                     daemon: try await ServerStats.read(from: socketPath))
        case .launched(let launch):
            let idle = try await launch("idle").server
            let idleCPU = await idle.stop().cpuSeconds
            var ready = [idle.readyMilliseconds]
            var measured: [(Comparison, ServerStats)] = []
            for (name, configuration) in [("latency", latency), ("throughput", throughput)] {
                let (daemon, socketPath) = try await launch(name)
                ready.append(daemon.readyMilliseconds)
                let before = daemon.runningCPUSeconds()
                let ioBefore = daemon.runningIO()
                let statsBefore = try await ServerStats.read(from: socketPath)
                let ((comparison, stats, after, ioAfter), exit) = try await daemon.stop {
                    let comparison = try await compare(configuration, daemonSocket: socketPath, yardstickSocket: yardstickSocket)
                    let stats = try await ServerStats.read(from: socketPath)
                    return (comparison, stats, daemon.runningCPUSeconds(), daemon.runningIO())
                }
                var timed = comparison
                if let ioBefore, let ioAfter, stats.turns > statsBefore.turns {
                    // The stats request after the turns is in these too: one line each way.
                    let io = ioAfter.per(stats.turns - statsBefore.turns, since: ioBefore)
                    timed.bytesWrittenPerTurn = io.bytesWritten.rounded()
                    timed.writeCallsPerTurn = (io.writeCalls * 100).rounded() / 100
                    timed.bytesReadPerTurn = io.bytesRead.rounded()
                }
                if let before, let after, stats.turns > statsBefore.turns {
                    // Read from /proc around the measured turns: start-up and shutdown left out.
                    timed.cpuPerTurn = ((after - before) / Double(stats.turns - statsBefore.turns) * 1e7).rounded() / 10
                } else if stats.turns > 0, exit.cpuSeconds > idleCPU {
                    timed.cpuPerTurn = ((exit.cpuSeconds - idleCPU) / Double(stats.turns) * 1e7).rounded() / 10
                }
                measured.append((timed, stats))
            }
            return DaemonBenchReport(rounds: rounds, latency: measured[0].0, throughput: measured[1].0,
                                     readyMilliseconds: Rounds.median(ready), daemon: measured[1].1)
        }
    }

    private func compare(_ configuration: LoadConfiguration, daemonSocket: String, yardstickSocket: String) async throws -> Comparison {
        let generator = generator
        return try await Comparison.measure(configuration, rounds: rounds, measuredSocket: daemonSocket,
                                            yardstickSocket: yardstickSocket, line: generator.sampleSayLine()) {
            try await generator.run($0)
        }
    }
}

/// What `helpline bench daemon` measured.
public struct DaemonBenchReport: Sendable, Hashable, Codable {
    public var rounds: Int
    /// One connection, one turn in flight.
    public var latency: Comparison
    /// Many connections, many turns in flight.
    public var throughput: Comparison
    /// From launching a daemon to its "ready" line, the median of the daemons the bench started.
    public var readyMilliseconds: Double?
    /// The counters of the daemon measured last (the throughput configuration's).
    public var daemon: ServerStats

    enum CodingKeys: String, CodingKey {
        case rounds, latency, throughput, daemon
        case readyMilliseconds = "ready_ms"
    }
}
