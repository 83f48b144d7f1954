import Foundation
import HelplineDialogue
@testable import HelplineServer
import Logging
import NIOCore
import NIOEmbedded
import HelplineTesting
import Testing

/// The connection handler alone, through an `EmbeddedChannel`: what it does while answers back up.
struct ConnectionBackpressureTests {
    private func makeChannel(_ directory: TemporaryDirectory) throws -> (EmbeddedChannel, SessionDatabase) {
        let database = try SessionDatabase(path: directory.databasePath)
        let service = try SessionService(database: database, engine: try Fixtures.engine())
        var logger = Logger(label: "test.connection")
        logger.logLevel = .critical
        let hooks = ConnectionHooks(service: service, logger: logger, maximumConnections: 10,
                                    register: { _ in 1 }, unregister: { _ in })
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ConnectionHandler(hooks: hooks))
        channel.pipeline.fireChannelActive()
        return (channel, database)
    }

    /// While the channel is not writable (its unsent answers over the high water mark), requests
    /// already read are not started, so no more answers pile up; once it drains they are all
    /// answered, in order. Before, every request read was answered into memory at once: 20 clients
    /// sending `state` for a session with a 212 KB appeal and never reading held 2.5 GB.
    @Test func startsNoRequestWhileAnswersBackUp() throws {
        let directory = try Fixtures.temporaryDirectory()
        let (channel, database) = try makeChannel(directory)
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        for index in 0..<1_000 {
            try channel.writeInbound(InboundMessage.request(ProtocolRequest(id: .integer(Int64(index)), .ping)))
        }
        // Answers are flushed at the end of the event loop's turn: let it run.
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ProtocolResponse.self) == nil, "nothing is answered while answers back up")

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        channel.embeddedEventLoop.run()
        var ids: [JSONValue?] = []
        while let answer = try channel.readOutbound(as: ProtocolResponse.self) { ids.append(answer.id) }
        #expect(ids.count == 1_000 && ids == (0..<1_000).map { JSONValue.integer(Int64($0)) }, "all answered, in order, once drained")
        _ = try? channel.finish()
        try database.close()
    }

    /// Answers to requests started before the channel became unwritable are still written, and
    /// work resumes in order: the answer that made the buffer full does not stop the others forever.
    @Test func resumesAfterEachDrain() throws {
        let directory = try Fixtures.temporaryDirectory()
        let (channel, database) = try makeChannel(directory)
        var answered = 0
        for round in 0..<3 {
            channel.isWritable = false
            channel.pipeline.fireChannelWritabilityChanged()
            for index in 0..<10 {
                try channel.writeInbound(InboundMessage.request(ProtocolRequest(id: .integer(Int64(round * 10 + index)), .ping)))
            }
            channel.embeddedEventLoop.run()
            #expect(try channel.readOutbound(as: ProtocolResponse.self) == nil)
            channel.isWritable = true
            channel.pipeline.fireChannelWritabilityChanged()
            channel.embeddedEventLoop.run()
            while let answer = try channel.readOutbound(as: ProtocolResponse.self) {
                #expect(answer.id == .integer(Int64(answered)))
                answered += 1
            }
        }
        #expect(answered == 30)
        _ = try? channel.finish()
        try database.close()
    }
}
