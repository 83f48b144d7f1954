import Foundation
import Synchronization

/// A server run as a child process for a benchmark: started, awaited until it says it is ready,
/// and stopped with SIGTERM.
public final class ChildServer: Sendable {
    private let process: Process
    /// The write end of the child's standard input, held until the child is stopped
    /// (``ParentLifeline``); closing it tells the child to stop.
    private let lifeline: FileHandle
    /// The time from launching the process to its "ready" line.
    public let readyAfter: Duration

    /// The processor time (user + system) the running child has used so far, in seconds, read
    /// from `/proc/PID/stat`; nil where there is no `/proc`, or once it has exited.
    public func runningCPUSeconds() -> Double? {
        guard process.isRunning else { return nil }
        return ProcessTimes.cpuSeconds(pid: process.processIdentifier)
    }

    /// The child's reads and writes so far while it runs (``ProcessTimes/io(pid:)``).
    public func runningIO() -> ProcessIO? {
        guard process.isRunning else { return nil }
        return ProcessTimes.io(pid: process.processIdentifier)
    }

    private init(process: Process, lifeline: FileHandle, readyAfter: Duration) {
        self.process = process
        self.lifeline = lifeline
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
        // The child stops by itself once this process is gone (ParentLifeline).
        let lifeline = Pipe()
        process.standardInput = lifeline
        process.environment = ProcessInfo.processInfo.environment.merging([ParentLifeline.environmentKey: "stdin"]) { _, new in new }
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
            throw BenchFailure("the server did not become ready: \(watch.output.suffix(2_000))")
        }
        return ChildServer(process: process, lifeline: lifeline.fileHandleForWriting, readyAfter: readyAfter)
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// ``readyAfter`` in milliseconds, to a tenth.
    public var readyMilliseconds: Double {
        let (seconds, attoseconds) = readyAfter.components
        return (Double(seconds) * 1_000 + Double(attoseconds) / 1e15 * 10).rounded() / 10
    }

    /// How a child ended.
    public struct Exit: Sendable {
        /// Its exit status.
        public var status: Int32
        /// The processor time, user and system, it used in its whole life, in seconds.
        ///
        /// Read with getrusage(2) as what this process's waited-for children used after the child
        /// was waited for, less what they had used before: right while no other child of this
        /// process ends at the same time, as in `helpline bench`, which stops its children one by one.
        public var cpuSeconds: Double
    }

    /// Runs `body`, then stops the child, whether `body` succeeds or throws; returns what `body`
    /// returned and how the child ended.
    public func stop<Result>(after body: () async throws -> Result) async throws -> (result: Result, exit: Exit) {
        let result: Result
        do {
            result = try await body()
        } catch {
            await stop()
            throw error
        }
        return (result, await stop())
    }

    /// Closes the child's standard input, as this process ending would, and waits for the child
    /// to exit (``ParentLifeline``).
    @discardableResult
    public func dropLifeline() async -> Exit {
        try? lifeline.close()
        return await stop(signal: false)
    }

    /// Sends SIGTERM and waits for the child to exit.
    @discardableResult
    public func stop() async -> Exit {
        await stop(signal: true)
    }

    private func stop(signal: Bool) async -> Exit {
        let before = ProcessTimes.exitedChildrenCPUSeconds()
        if signal && process.isRunning { process.terminate() }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [process, lifeline] in
                process.waitUntilExit()
                try? lifeline.close()
                let cpu = ProcessTimes.exitedChildrenCPUSeconds() - before
                continuation.resume(returning: Exit(status: process.terminationStatus, cpuSeconds: cpu))
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

/// Processor time (user and system) of this process and of its children, from getrusage(2).
public enum ProcessTimes {
    /// This process's processor time so far, in seconds.
    public static func ownCPUSeconds() -> Double {
        #if canImport(Glibc)
        usage(RUSAGE_SELF.rawValue)
        #else
        usage(RUSAGE_SELF)
        #endif
    }

    /// The processor time of this process's children that have ended and been waited for, in seconds.
    public static func exitedChildrenCPUSeconds() -> Double {
        #if canImport(Glibc)
        usage(RUSAGE_CHILDREN.rawValue)
        #else
        usage(RUSAGE_CHILDREN)
        #endif
    }

    /// The processor time (user + system) process `pid` has used so far, in seconds, read from
    /// `/proc/PID/stat`; nil where there is no `/proc` or no such process.
    public static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks > 0 ? (user + system) / ticks : nil
    }

    /// What process `pid` has written and read through system calls so far (files and sockets
    /// alike), from `/proc/PID/io`; nil where there is none.
    public static func io(pid: Int32) -> ProcessIO? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8) else { return nil }
        var fields: [Substring: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)) { fields[parts[0]] = value }
        }
        guard let written = fields["wchar"], let writes = fields["syscw"], let read = fields["rchar"], let reads = fields["syscr"]
        else { return nil }
        return ProcessIO(bytesWritten: written, writeCalls: writes, bytesRead: read, readCalls: reads)
    }

    private static func usage(_ who: Int32) -> Double {
        var usage = rusage()
        guard getrusage(who, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// A process's reads and writes through system calls (`/proc/PID/io`: `rchar`, `syscr`, `wchar`,
/// `syscw`): what it handed the kernel, whether or not it reached a disk.
public struct ProcessIO: Sendable, Hashable {
    public var bytesWritten: Double
    public var writeCalls: Double
    public var bytesRead: Double
    public var readCalls: Double

    /// The difference from `earlier` divided by `count`.
    public func per(_ count: Int, since earlier: ProcessIO) -> ProcessIO {
        let n = Double(max(1, count))
        return ProcessIO(bytesWritten: (bytesWritten - earlier.bytesWritten) / n, writeCalls: (writeCalls - earlier.writeCalls) / n,
                         bytesRead: (bytesRead - earlier.bytesRead) / n, readCalls: (readCalls - earlier.readCalls) / n)
    }
}
