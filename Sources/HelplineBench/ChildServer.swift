import Foundation
import Synchronization

/// A server run as a child process for a benchmark: started, awaited until it says it is ready,
/// and stopped with SIGTERM.
public final class ChildServer: Sendable {
    /// Why a child server could not be used.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let process: Process
    /// The time from launching the process to its "ready" line.
    public let readyAfter: Duration

    private init(process: Process, readyAfter: Duration) {
        self.process = process
        self.readyAfter = readyAfter
    }

    /// Launches `executable` and waits until a line of its standard error contains `marker`.
    ///
    /// The rest of its standard error is read and dropped so the child never blocks on it.
    public static func launch(executable: String, arguments: [String], readyMarker marker: String = "ready",
                              timeout: Duration = .seconds(30)) async throws -> ChildServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors

        let watch = ReadyWatch(marker: marker)
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                watch.finish(ready: false)
            } else {
                watch.append(data)
            }
        }
        let started = ContinuousClock.now
        try process.run()
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { watch.finish(ready: false) }
        }
        let ready = await watch.wait()
        timer.cancel()
        let readyAfter = ContinuousClock.now - started
        guard ready else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw Failure(description: "the server did not become ready: \(watch.output.suffix(2_000))")
        }
        return ChildServer(process: process, readyAfter: readyAfter)
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// The processor time the child has used so far, user and system, in seconds (Linux only).
    public var cpuSeconds: Double? {
        ProcessTimes.cpuSeconds(pid: pid)
    }

    /// Sends SIGTERM and waits for the child to exit; returns its exit status.
    @discardableResult
    public func stop() async -> Int32 {
        if process.isRunning { process.terminate() }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [process] in
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }
}

/// Collects a child's standard error until a marker shows up.
private final class ReadyWatch: Sendable {
    private struct State {
        var output = ""
        var result: Bool?
        var waiter: CheckedContinuation<Bool, Never>?
    }

    private let marker: String
    private let state = Mutex(State())

    init(marker: String) {
        self.marker = marker
    }

    var output: String { state.withLock { $0.output } }

    func append(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let found = state.withLock { state -> Bool in
            guard state.result == nil else { return false }
            state.output += text
            if state.output.count > 64 * 1024 { state.output = String(state.output.suffix(16 * 1024)) }
            return state.output.contains(marker)
        }
        if found { finish(ready: true) }
    }

    func finish(ready: Bool) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard state.result == nil else { return nil }
            state.result = ready
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: ready)
    }

    func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            let result = state.withLock { state -> Bool? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let result { continuation.resume(returning: result) }
        }
    }
}

/// Processor time of processes, from `/proc` (Linux).
public enum ProcessTimes {
    /// The user and system time of process `pid`, in seconds; `nil` where `/proc` is not there.
    public static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks > 0 ? (user + system) / ticks : nil
    }

    /// This process's processor time so far, in seconds.
    public static func ownCPUSeconds() -> Double? {
        cpuSeconds(pid: getpid())
    }
}
