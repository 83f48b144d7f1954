#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDialogue
import HelplineServer
import HelplineTesting
import Testing

/// The built `helpline serve` as its own process: crashes, signals, and the socket file.
@Suite(.serialized)
struct DaemonProcessTests {
    /// `kill -9` loses no answered turn and no appeal: after a restart on the same database (over
    /// the dead daemon's stale socket) every session resumes where its last answer left it.
    @Test func keepsAnsweredTurnsAndAppealsAcrossKillNine() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let first = try await DaemonProcess.start(in: directory)
        var client = try await HelplineClient.connect(to: first.socketPath)

        let appealed = try #require(try await client.open(profile: Fixtures.profile).session)
        let appeal = try await fileAppeal(client, session: appealed, message: "Курьер не привёз заказ")
        let ticket = try #require(appeal.ticket)
        let midway = try #require(try await client.open(profile: Fixtures.profile).session)
        let midwayOpened = try await client.state(session: midway)
        let midwayAnswer = try await client.say(session: midway, text: try #require(midwayOpened.options.first).key)

        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        await client.disconnect()
        #expect(FileManager.default.fileExists(atPath: directory.socketPath), "kill -9 leaves the socket file behind")

        let second = try await DaemonProcess.start(in: directory)
        client = try await HelplineClient.connect(to: second.socketPath)
        let resumedAppeal = try await client.resume(session: appealed)
        #expect(resumedAppeal.state == .submitted)
        #expect(resumedAppeal.ticket?.id == ticket.id)
        #expect(resumedAppeal.ticket?.topic == ticket.topic)
        #expect(resumedAppeal.ticket?.order == ticket.order)
        #expect(resumedAppeal.ticket?.queue == ticket.queue)
        let resumedMidway = try await client.resume(session: midway)
        #expect(resumedMidway.reply == midwayAnswer.reply)

        await client.disconnect()
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)

        // The file is the daemon's while it runs: read once it has stopped.
        let store = try SessionDatabase(path: directory.databasePath)
        let stored = try #require(try store.ticket(id: ticket.id))
        #expect(stored.session == appealed)
        #expect(stored.ticket.messages.contains("Курьер не привёз заказ"))
        try store.close()
    }

    /// The ready line names the allocator that serves `malloc`: jemalloc exactly when the daemon
    /// has jemalloc's library loaded (the build links it where it is installed), else the system's.
    @Test func readyLineNamesTheAllocator() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try await DaemonProcess.start(in: directory)
        let ready = try #require(daemon.stderr.firstMatch(of: #/ready on .* \(pid (\d+);.*; allocator (\w+)\)/#))
        let maps = try String(contentsOfFile: "/proc/\(ready.output.1)/maps", encoding: .utf8)
        #expect(ready.output.2 == (maps.contains("libjemalloc") ? "jemalloc" : "system"))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// SIGTERM stops the daemon cleanly: exit status 0, socket file removed, sessions kept.
    @Test func stopsCleanlyOnSigterm() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try await DaemonProcess.start(in: directory)
        #expect(daemon.stderr.contains("ready on \(directory.socketPath)"))
        let client = try await HelplineClient.connect(to: daemon.socketPath)
        let session = try #require(try await client.open(profile: Fixtures.profile).session)

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.socketPath))
        await #expect(throws: HelplineClientError.self) { try await client.ping() }
        await client.disconnect()

        let store = try SessionDatabase(path: directory.databasePath)
        #expect(try store.hasSession(session))
        try store.close()
    }

    /// The first start on a model cache builds the model and saves its snapshot; the next reads
    /// it; each says so in the log.
    @Test func logsWhereItsModelCameFrom() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let cache = ["HELPLINE_MODEL_CACHE": directory.url.appendingPathComponent("models").path]
        let first = try await DaemonProcess.start(in: directory, environment: cache)
        #expect(try await first.stop() == 0)
        #expect(first.stderr.contains("model built from the data") && first.stderr.contains("snapshot=saved"), "\(first.stderr)")
        let second = try await DaemonProcess.start(in: directory, environment: cache)
        #expect(try await second.stop() == 0)
        #expect(second.stderr.contains("model read from its snapshot"), "\(second.stderr)")
        #expect(!second.stderr.contains("model built"))
    }

    /// On SIGINT the turn in progress finishes and is answered; requests not yet started are
    /// dropped unstored; so exactly the answered turns are in the database.
    @Test func finishesTheTurnInProgressOnSigint() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try await DaemonProcess.start(in: directory)
        let client = try await HelplineClient.connect(to: daemon.socketPath)
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        await client.disconnect()

        let connection = try RawConnection(path: daemon.socketPath)
        var batch = ""
        for index in 0..<2_000 {
            batch += #"{"op":"say","session":"\#(session)","text":"сообщение \#(index)","id":\#(index)}"# + "\n"
        }
        try await connection.write(batch)
        _ = try await connection.readObject()
        daemon.signal(SIGINT)
        var answered = 1
        while let line = try await connection.readLine() {
            #expect(line.contains(#""ok":true"#))
            answered += 1
        }
        #expect(try await daemon.waitForExit() == 0)
        #expect(answered < 2_000, "the daemon stopped before working through the whole batch")

        let store = try SessionDatabase(path: directory.databasePath)
        let incoming = try store.messages(session: session).filter { $0.direction == .incoming }
        #expect(incoming.map(\.text) == (0..<answered).map { "сообщение \($0)" })
        try store.close()
    }

    /// A second daemon on a live socket says so and exits non-zero; the first keeps serving.
    @Test func refusesToStartOnALiveSocket() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let first = try await DaemonProcess.start(in: directory)
        let otherState = try Fixtures.temporaryDirectory()
        let second = try await DaemonProcess.start(in: directory, arguments: ["--db", otherState.databasePath], waitForReady: false)
        let status = try await second.waitForExit()
        #expect(status != 0)
        #expect(second.stderr.contains("already serving on \(directory.socketPath)"))
        #expect(!second.stderr.contains("ready on"))

        let client = try await HelplineClient.connect(to: first.socketPath)
        #expect(try await client.ping().pong)
        await client.disconnect()
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
    }

    /// `--socket-mode 660` widens the socket to the group; the database stays private.
    @Test func appliesTheSocketModeOption() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--socket-mode", "660"])
        let socketMode = try FileManager.default.attributesOfItem(atPath: directory.socketPath)[.posixPermissions] as? Int
        #expect(socketMode == 0o660)
        let databaseMode = try FileManager.default.attributesOfItem(atPath: directory.databasePath)[.posixPermissions] as? Int
        #expect(databaseMode == 0o600)
        #expect(!daemon.stderr.contains("every local user"), "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// A socket mode that lets every local user connect is applied, with a warning naming it.
    @Test func warnsOfAWorldConnectableSocket() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--socket-mode", "666"])
        let socketMode = try FileManager.default.attributesOfItem(atPath: directory.socketPath)[.posixPermissions] as? Int
        #expect(socketMode == 0o666)
        #expect(daemon.stderr.contains("the socket lets every local user connect") && daemon.stderr.contains("mode=666"),
                "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// SIGHUP refuses data that loads but cannot serve — a folder with no intent files, a prompt
    /// with a placeholder nothing fills (`{nmae}`), an intent with `examples: []` — naming the
    /// file, and keeps the old data.
    @Test func refusesBrokenDataOnSighup() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let intents = directory.url.appendingPathComponent("Intents")
        try FileManager.default.copyItem(at: Fixtures.intentsDirectory, to: intents)
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--intents", intents.path])
        let client = try await HelplineClient.connect(to: daemon.socketPath)
        let before = try await client.open(profile: Fixtures.profile)
        let files = FileManager.default

        // 1. No intent files at the folder's top level.
        let aside = directory.url.appendingPathComponent("aside")
        try files.createDirectory(at: aside, withIntermediateDirectories: true)
        let intentFiles = try files.contentsOfDirectory(atPath: intents.path).filter { $0.hasSuffix(".yaml") }
        for name in intentFiles {
            try files.moveItem(at: intents.appendingPathComponent(name), to: aside.appendingPathComponent(name))
        }
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput("has no intent files")
        #expect(try await client.open(profile: Fixtures.profile).options == before.options, "the old data stays")
        for name in intentFiles {
            try files.moveItem(at: aside.appendingPathComponent(name), to: intents.appendingPathComponent(name))
        }

        // 2. A prompt with a misspelt placeholder.
        let prompts = intents.appendingPathComponent("config/prompts.yaml")
        let promptsText = try String(contentsOf: prompts, encoding: .utf8)
        try promptsText.replacingOccurrences(of: "{name}", with: "{nmae}").write(to: prompts, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput("{nmae}")
        #expect(daemon.stderr.contains("config/prompts.yaml"))
        #expect(try await client.open(profile: Fixtures.profile).text == before.text, "the greeting is the old one")
        try promptsText.write(to: prompts, atomically: true, encoding: .utf8)

        // 3. An intent with no examples.
        let delivery = intents.appendingPathComponent("delivery.yaml")
        let deliveryText = try String(contentsOf: delivery, encoding: .utf8)
        var kept: [Substring] = []
        var inExamples = false
        for line in deliveryText.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "examples:" {
                kept.append("examples: []")
                inExamples = true
            } else if inExamples, line.hasPrefix(" ") || line.hasPrefix("#") || line.isEmpty {
                continue
            } else {
                inExamples = false
                kept.append(line)
            }
        }
        try kept.joined(separator: "\n").write(to: delivery, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput("`examples` is empty")
        #expect(daemon.stderr.contains("delivery.yaml"))
        #expect(try await client.open(profile: Fixtures.profile).options == before.options, "the old data stays")
        #expect(!daemon.stderr.contains("data reloaded"))

        await client.disconnect()
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// After SIGTERM the database file alone holds every session and appeal: the write-ahead log
    /// is checkpointed and emptied on a clean shutdown (it used to keep everything, with the
    /// database file holding not even the schema).
    @Test func leavesEverythingInTheDatabaseFileAfterSigterm() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try await DaemonProcess.start(in: directory)
        let client = try await HelplineClient.connect(to: daemon.socketPath)
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        let ticket = try #require(try await fileAppeal(client, session: session).ticket)
        await client.disconnect()
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        let wal = directory.databasePath + "-wal"
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? NSNumber)?.intValue ?? 0
        #expect(walSize == 0, "the write-ahead log is empty or gone")
        // The database file alone, copied without its log, has everything.
        let copy = try Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: copy.path("state"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: directory.databasePath, toPath: copy.databasePath)
        let store = try SessionDatabase(path: copy.databasePath)
        #expect(try store.hasSession(session))
        #expect(try store.ticket(id: ticket.id) != nil)
        try store.close()
    }

    /// A write-ahead log without its database file is reported, and left alone, instead of being
    /// deleted by SQLite with the changes in it while the daemon starts empty.
    @Test func refusesAWriteAheadLogWithoutItsDatabase() async throws {
        let directory = try Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path("state"), withIntermediateDirectories: true)
        let wal = directory.databasePath + "-wal"
        let log = Data(repeating: 7, count: 4_096)
        try log.write(to: URL(fileURLWithPath: wal))
        let daemon = try await DaemonProcess.start(in: directory, waitForReady: false)
        #expect(try await daemon.waitForExit() != 0)
        #expect(daemon.stderr.contains("helpline.sqlite-wal"))
        #expect(daemon.stderr.contains("missing or empty"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: wal)) == log, "the log is left as it was")
    }

    /// SIGHUP reloads the data without dropping sessions; a broken file keeps the old data and
    /// the log says which file.
    @Test func reloadsDataOnSighup() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let intents = directory.url.appendingPathComponent("Intents")
        try FileManager.default.copyItem(at: Fixtures.intentsDirectory, to: intents)
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--intents", intents.path])
        let client = try await HelplineClient.connect(to: daemon.socketPath)
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        let before = try await client.state(session: session)

        let broken = intents.appendingPathComponent("delivery.yaml")
        let original = try Data(contentsOf: broken)
        try Data("id: [unclosed\n".utf8).write(to: broken)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput("reload failed")
        #expect(daemon.stderr.contains("delivery.yaml"))
        #expect(try await client.state(session: session).reply == before.reply, "the session is untouched")
        let opened = try await client.open(profile: Fixtures.profile)
        #expect(opened.options == before.options, "new sessions still get the old data's menu")

        try original.write(to: broken)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput("data reloaded")
        #expect(try await client.say(session: session, text: "1").ok, "sessions carry on after a reload")

        await client.disconnect()
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
