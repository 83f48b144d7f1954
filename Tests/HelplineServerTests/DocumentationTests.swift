import Foundation
import HelplineServer
import NIOConcurrencyHelpers
import HelplineTesting
import Testing

/// docs/PROTOCOL.md's examples, run against a fresh daemon as printed.
struct DocumentationTests {
    static let protocolDocument = Fixtures.packageRoot.appendingPathComponent("docs/PROTOCOL.md")

    /// The fenced block that follows `<!-- marker -->` in the document.
    static func block(after marker: String) throws -> String {
        let text = try String(contentsOf: protocolDocument, encoding: .utf8)
        guard let start = text.range(of: "<!-- \(marker) -->") else { throw TestFailure("no \(marker) block in PROTOCOL.md") }
        let rest = text[start.upperBound...]
        guard let open = rest.range(of: "```"), let lineEnd = rest[open.upperBound...].firstIndex(of: "\n"),
              let close = rest[lineEnd...].range(of: "\n```") else {
            throw TestFailure("the \(marker) block is not fenced")
        }
        return String(rest[rest.index(after: lineEnd)..<close.lowerBound])
    }

    /// The socat session: each printed request, sent through socat to a fresh daemon, gets an answer
    /// of the printed shape — same keys, ids, states, option values, appeal fields, error codes and
    /// counters (texts, labels, times and memory may differ). Without socat outside CI, the same
    /// lines go through a plain socket.
    @Test func socatSessionWorksAsPrinted() async throws {
        let lines = try Self.block(after: "socat-session").split(separator: "\n").map(String.init)
        let requests = lines.filter { $0.contains(#""op":"#) }
        let answers = lines.filter { !$0.contains(#""op":"#) }
        #expect(requests.count == answers.count && requests.count >= 8)

        let server = try await RunningDaemon.start()
        let exchange: @Sendable (String) async throws -> String
        let socatProcess: LineProcess?
        if let socat = Fixtures.which("socat") {
            let process = try LineProcess(executable: socat, arguments: ["-", "UNIX-CONNECT:\(server.socketPath)"])
            socatProcess = process
            exchange = { line in
                try process.send(line)
                return try await process.nextLine()
            }
        } else {
            #expect(!Fixtures.inCI, "socat must be installed in CI")
            socatProcess = nil
            let connection = try RawConnection(path: server.socketPath)
            exchange = { line in
                try await connection.write(line + "\n")
                return try await connection.readLine() ?? ""
            }
        }

        var printedSession: String?
        var actualSession: String?
        // Appeal numbers start at a random point for each database: the printed one stands for it.
        var printedAppeal: String?
        var actualAppeal: String?
        for (request, printed) in zip(requests, answers) {
            var line = request
            if let printedSession, let actualSession { line = line.replacingOccurrences(of: printedSession, with: actualSession) }
            let actual = try await exchange(line)
            let printedObject = try Self.object(printed)
            let actualObject = try Self.object(actual)
            if printedSession == nil, let session = printedObject["session"] as? String {
                printedSession = session
                actualSession = actualObject["session"] as? String
            }
            if printedAppeal == nil, let ticket = printedObject["ticket"] as? [String: Any], let id = ticket["id"] as? String {
                printedAppeal = id
                actualAppeal = (actualObject["ticket"] as? [String: Any])?["id"] as? String
            }
            let expected = Self.substituting(printedAppeal, with: actualAppeal,
                                             in: Self.substituting(printedSession, with: actualSession, in: printedObject))
            let mismatches = Self.differences(expected, actualObject, path: "")
            #expect(mismatches.isEmpty, "request \(request)\n  printed \(printed)\n  got     \(actual)\n  \(mismatches)")
        }
        socatProcess?.finish()
        try await server.stop()
    }

    /// The Python client runs against a fresh daemon and prints what the document shows.
    @Test func pythonClientWorksAsPrinted() async throws {
        let python = try #require(Fixtures.which("python3"), "python3 is needed to run the documented client")
        let directory = try Fixtures.temporaryDirectory()
        let script = directory.url.appendingPathComponent("helpline_client.py")
        try Self.block(after: "python-client").write(to: script, atomically: true, encoding: .utf8)
        let expected = try Self.block(after: "python-output")

        let server = try await RunningDaemon.start()
        let process = try LineProcess(executable: python, arguments: [script.path, server.socketPath])
        let status = try await process.waitForExit()
        #expect(status == 0, "the client failed: \(process.errorText)")
        #expect(Self.normalizingSessionIDs(process.outputText) == Self.normalizingSessionIDs(expected + "\n"))
        try await server.stop()
    }

    // MARK: Comparing answers

    /// Keys whose values depend on data files, the clock or the machine; only their type is compared.
    static let variableKeys: Set<String> = ["text", "label", "message", "created_at", "rss_bytes", "uptime_seconds", "transactions"]

    static func object(_ line: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(line)")
        }
        return object
    }

    static func substituting(_ printed: String?, with actual: String?, in value: Any) -> Any {
        guard let printed, let actual else { return value }
        switch value {
        case let string as String: return string.replacingOccurrences(of: printed, with: actual)
        case let array as [Any]: return array.map { substituting(printed, with: actual, in: $0) }
        case let object as [String: Any]: return object.mapValues { substituting(printed, with: actual, in: $0) }
        default: return value
        }
    }

    static func differences(_ expected: Any, _ actual: Any, path: String) -> [String] {
        let key = path.split(separator: ".").last.map(String.init) ?? ""
        switch (expected, actual) {
        case (let e as [String: Any], let a as [String: Any]):
            guard Set(e.keys) == Set(a.keys) else { return ["\(path): keys \(e.keys.sorted()) vs \(a.keys.sorted())"] }
            return e.keys.sorted().flatMap { differences(e[$0]!, a[$0]!, path: path + "." + $0) }
        case (let e as [Any], let a as [Any]):
            guard e.count == a.count else { return ["\(path): \(e.count) items vs \(a.count)"] }
            return zip(e, a).enumerated().flatMap { differences($1.0, $1.1, path: path + ".\($0)") }
        default:
            if variableKeys.contains(key) {
                return type(of: expected) == type(of: actual) || (expected is NSNumber && actual is NSNumber) ? [] : ["\(path): type differs"]
            }
            return "\(expected)" == "\(actual)" ? [] : ["\(path): \(expected) vs \(actual)"]
        }
    }

    static func normalizingSessionIDs(_ text: String) -> String {
        text.replacingOccurrences(of: "[0-9a-f]{24}", with: "<session>", options: .regularExpression)
            .replacingOccurrences(of: "(?<![0-9])[0-9]{4}-[0-9]{4}(?![0-9])", with: "<appeal>", options: .regularExpression)
    }
}

/// A child process fed lines on standard input, its output read line by line.
final class LineProcess: Sendable {
    private let process: Process
    private let input: Pipe
    private let output = NIOLockedValueBox(Data())
    private let errors = NIOLockedValueBox(Data())

    init(executable: URL, arguments: [String]) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        input = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = input
        process.standardOutput = stdout
        process.standardError = stderr
        for (pipe, box) in [(stdout, output), (stderr, errors)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil } else { box.withLockedValue { $0.append(data) } }
            }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    var outputText: String { String(decoding: output.withLockedValue { $0 }, as: UTF8.self) }
    var errorText: String { String(decoding: errors.withLockedValue { $0 }, as: UTF8.self) }

    func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes the process's standard input.
    func finish() {
        try? input.fileHandleForWriting.close()
    }

    /// The next line of output (generous timeout; for liveness only).
    func nextLine(timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let line: String? = output.withLockedValue { data in
                guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                let line = String(decoding: data[data.startIndex..<newline], as: UTF8.self)
                data.removeSubrange(data.startIndex...newline)
                return line
            }
            if let line { return line }
            guard ContinuousClock.now < deadline else { throw TestFailure("no output line in time; stderr: \(errorText)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func waitForExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let status = try await HelplineTesting.waitForExit(process, timeout: timeout, describe: "stderr: \(self.errorText)")
        // Let the readability handlers take the last bytes.
        try await Task.sleep(for: .milliseconds(50))
        return status
    }
}
