import Foundation
import GRDB
import HelplineTesting
import Testing

/// `helpline serve --stdio`: the customers' protocol on standard input and output, for a product
/// that runs Helpline as a subprocess.
struct StdioServeTests {
    /// Requests from a file, answers to a file: every answer in order, stored, and a clean exit at
    /// the end of the input.
    @Test func servesRequestsFromAFile() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("h.sqlite").path
        let input = """
            {"op":"ping","id":1}
            {"op":"open","id":2,"user":{"id":"u1","name":"Анна"}}
            not json
            {"op":"stats","id":3}

            """
        let result = try await HelplineProcess.run(["serve", "--stdio", "--db", database], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let answers = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(answers.count == 4)
        #expect(answers.map { $0["id"] as? Int } == [1, 2, nil, 3])
        #expect(answers.map { $0["ok"] as? Bool } == [true, true, false, true])
        let session = try #require(answers[1]["session"] as? String)
        let stored = try await DatabaseQueue(path: database).read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?)", arguments: [session])
        }
        #expect(stored == true)
        #expect(!result.stdout.contains("serving"), "logs stay on standard error")
    }

    /// Over pipes, as a parent process talks to it: each answer arrives before the next request is
    /// written, and closing the input ends the daemon.
    @Test func answersEachLineOverPipes() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = try HelplineExecutable.url()
        process.arguments = ["serve", "--stdio", "--db", folder.appendingPathComponent("h.sqlite").path]
        process.environment = HelplineProcess.baseEnvironment(stateHome: folder.path)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let exited = Task { try await HelplineProcess.runToExit(process) }
        let lines = LineReader(output.fileHandleForReading)

        input.fileHandleForWriting.write(Data(#"{"op":"open","id":1,"user":{"id":"u1","name":"Анна"}}"#.utf8 + [10]))
        let opened = try await lines.next()
        let session = try #require(opened["session"] as? String)
        input.fileHandleForWriting.write(Data(#"{"op":"say","id":2,"session":"\#(session)","text":"где мой заказ"}"#.utf8 + [10]))
        let said = try await lines.next()
        #expect(said["id"] as? Int == 2 && said["ok"] as? Bool == true)
        #expect(said["state"] as? String != "choose_topic")
        try input.fileHandleForWriting.close()
        try await exited.value
        #expect(process.terminationStatus == 0)
    }

    /// A product may run one `serve --stdio` per client on one database: both serve at once, each
    /// continuing its own session; a daemon on a socket is refused the file meanwhile.
    @Test func severalShareADatabase() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("h.sqlite").path
        let first = try StdioClient(database: database, folder: folder)
        let second = try StdioClient(database: database, folder: folder)
        let one = try #require(try await first.request(#"{"op":"open","id":1,"user":{"id":"u1","name":"Анна"}}"#)["session"] as? String)
        let two = try #require(try await second.request(#"{"op":"open","id":1,"user":{"id":"u2","name":"Олег"}}"#)["session"] as? String)
        let said = try await first.request(#"{"op":"say","id":2,"session":"\#(one)","text":"где мой заказ"}"#)
        #expect(said["ok"] as? Bool == true)
        let other = try await second.request(#"{"op":"say","id":2,"session":"\#(two)","text":"доставка"}"#)
        #expect(other["ok"] as? Bool == true)

        let socket = folder.appendingPathComponent("s.sock").path
        let refused = try await HelplineProcess.run(["serve", "--socket", socket, "--db", database], input: "")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("another helpline process is using this database"))

        #expect(try await first.finish() == 0)
        #expect(try await second.finish() == 0)
    }
}

/// A `serve --stdio` process talked to over pipes, one request at a time.
private final class StdioClient: @unchecked Sendable {
    private let process: Process
    private let input: Pipe
    private let lines: LineReader
    private let exited: Task<Void, any Error>

    init(database: String, folder: URL) throws {
        process = Process()
        process.executableURL = try HelplineExecutable.url()
        process.arguments = ["serve", "--stdio", "--db", database]
        process.environment = HelplineProcess.baseEnvironment(stateHome: folder.path)
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let process = process
        exited = Task { try await HelplineProcess.runToExit(process) }
        lines = LineReader(output.fileHandleForReading)
    }

    /// Writes a request line and reads its answer.
    func request(_ line: String) async throws -> [String: Any] {
        input.fileHandleForWriting.write(Data(line.utf8 + [10]))
        return try await lines.next()
    }

    /// Closes the input and waits for the exit; its status.
    func finish() async throws -> Int32 {
        try input.fileHandleForWriting.close()
        try await exited.value
        return process.terminationStatus
    }
}

/// Reads JSON lines from a pipe as they arrive.
private final class LineReader: @unchecked Sendable {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    /// The next line as a JSON object; fails at the end of the output.
    func next() async throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 10) {
                let line = Data(buffer[..<end])
                buffer.removeFirst(end + 1)
                return try JSONSerialization.jsonObject(with: line) as? [String: Any] ?? [:]
            }
            let chunk = try await Self.read(handle)
            guard !chunk.isEmpty else { throw TestFailure("the output ended before a whole line") }
            buffer += chunk
        }
    }

    /// Blocks a dispatch thread, not a concurrency-pool thread, while waiting for output.
    private static func read(_ handle: FileHandle) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { [UInt8](handle.availableData) })
            }
        }
    }
}
