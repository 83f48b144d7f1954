import Foundation
import HelplineDesk
@testable import HelplineServer
import HelplineTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// A specialist's desk connection that stops reading: its events are kept in order, not dropped,
/// up to a limit; past it the connection is closed with a logged reason and the specialist's
/// grace period starts.
struct DeskBackpressureTests {
    struct Setting {
        let channel: NIOAsyncTestingChannel
        let desk: DeskService
        let database: SessionDatabase
        let log: NIOLockedValueBox<[String]>
    }

    static func setting(_ directory: TemporaryDirectory, limit: Int) async throws -> Setting {
        let database = try SessionDatabase(path: directory.databasePath)
        let desk = try DeskService(database: database, rules: try WorkingTree.deskRules())
        let log = NIOLockedValueBox<[String]>([])
        let channel = NIOAsyncTestingChannel()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(DeskConnectionHandler(
                desk: desk, logger: CapturingLogHandler.logger(log), maximumLineLength: 1 << 16, maximumUnsentEventBytes: limit))
        }
        try await channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/hl-desk-embedded.sock"))
        let signIn = #"{"op":"sign_in","id":1,"specialist":{"id":"sp-1","name":"Ольга","role":"general"}}"#
        try await channel.writeInbound(LineFrame.line(ByteBuffer(string: signIn)))
        let answer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        #expect(String(buffer: answer).contains(#""ok":true"#))
        return Setting(channel: channel, desk: desk, database: database, log: log)
    }

    static func event(_ index: Int) -> DeskEvent {
        .closedByCustomer(appeal: "0000-\(1000 + index)", at: Date(timeIntervalSince1970: 1_900_000_000))
    }

    /// Sends `count` events to the specialist and lets the channel's loop deliver them.
    static func send(_ count: Int, from start: Int = 0, in setting: Setting) async {
        setting.desk.perform((start..<start + count).map { .notify(specialist: "sp-1", Self.event($0)) }, notices: [])
        await setting.channel.testingEventLoop.run()
    }

    static func lines(_ channel: NIOAsyncTestingChannel) async throws -> [String] {
        var lines: [String] = []
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) { lines.append(String(buffer: buffer)) }
        return lines
    }

    /// While the channel is not writable, events wait in order, and an answer written meanwhile
    /// comes after them; once writable, everything arrives, nothing dropped.
    @Test func eventsWaitInOrderWhileTheChannelIsFull() async throws {
        let directory = try TemporaryDirectory()
        let setting = try await Self.setting(directory, limit: 100_000)
        let channel = setting.channel
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        await Self.send(20, in: setting)
        try await channel.writeInbound(LineFrame.line(ByteBuffer(string: #"{"op":"ping","id":"p"}"#)))
        await channel.testingEventLoop.run()
        #expect(try await Self.lines(channel).isEmpty, "nothing written while the channel is full")

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        await channel.testingEventLoop.run()
        var lines = try await Self.lines(channel)
        // The ping's answer may still be on its way when the channel drains; it comes last anyway.
        if lines.count == 20 { lines.append(String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))) }
        #expect(lines.count == 21)
        #expect(lines.prefix(20).enumerated().allSatisfy { $1.contains("0000-\(1000 + $0)") }, "\(lines)")
        #expect(lines.last?.contains(#""pong":true"#) == true)
        #expect(channel.isActive)
        try await channel.close()
        await setting.desk.settle()
        try setting.database.close()
    }

    /// Past the limit the connection is closed, the log says why (no appeal numbers or texts),
    /// and the specialist is away: their grace period runs.
    @Test func stoppedReaderIsClosedPastTheLimit() async throws {
        let directory = try TemporaryDirectory()
        let setting = try await Self.setting(directory, limit: 2_000)
        let channel = setting.channel
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        await Self.send(10, in: setting)
        #expect(channel.isActive, "under the limit the connection stays")
        await Self.send(100, from: 10, in: setting)
        await channel.testingEventLoop.run()
        #expect(!channel.isActive, "closed past the limit")
        let warning = try #require(setting.log.withLockedValue { $0 }.first { $0.contains("stopped reading") })
        #expect(warning.hasPrefix("warning"))
        #expect(!warning.contains("0000-"))
        await setting.desk.settle()
        let specialist = try #require(setting.desk.desk.specialists["sp-1"])
        #expect(specialist.connections == 0)
        #expect(specialist.leftAt != nil, "the grace period started")
        try setting.database.close()
    }
}
