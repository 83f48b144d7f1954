import Foundation
import HelplineDialogue
@testable import HelplineServer
import Logging
import NIOCore
import NIOEmbedded
import HelplineTesting
import Testing

/// The daemon's connection pipeline in virtual time: clients that hold a connection without
/// completing requests are closed.
struct LineTimeoutTests {
    private final class Connection {
        let channel = EmbeddedChannel()
        let loop: EmbeddedEventLoop
        let database: SessionDatabase
        let directory: TemporaryDirectory

        init(configure: (inout ServerConfiguration) -> Void) throws {
            directory = try Fixtures.temporaryDirectory()
            var configuration = ServerConfiguration(socketPath: directory.socketPath, databasePath: directory.databasePath)
            configure(&configuration)
            database = try SessionDatabase(path: directory.databasePath)
            let service = try SessionService(database: database, engine: try Fixtures.engine())
            var logger = Logger(label: "test.connection")
            logger.logLevel = .critical
            let hooks = ConnectionHooks(service: service, logger: logger, maximumConnections: 10,
                                        register: { _ in 1 }, unregister: { _ in })
            loop = channel.embeddedEventLoop
            try HelplineDaemon.addConnectionHandlers(to: channel.pipeline.syncOperations, configuration: configuration, hooks: hooks)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        /// Sends `text` one byte a (virtual) second; returns how many seconds passed while open.
        func trickle(_ text: String) throws -> Int {
            var seconds = 0
            for byte in text.utf8 {
                guard channel.isActive else { break }
                try channel.writeInbound(ByteBuffer(bytes: [byte]))
                loop.advanceTime(by: .seconds(1))
                seconds += 1
                while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
            }
            return seconds
        }

        func finish() throws {
            _ = try? channel.finish()
            try database.close()
        }
    }

    /// One byte a second never finishes a line: closed after the line timeout (60 s by default),
    /// even with a long idle timeout. `IdleStateHandler` counted each byte as activity, so such a
    /// client was kept for ever.
    @Test func closesAClientTricklingOneByteASecond() throws {
        let connection = try Connection { $0.idleTimeout = 3_600 }
        let line = String(repeating: #"{"op":"ping"}"#, count: 20)
        let open = try connection.trickle(line)
        #expect(!connection.channel.isActive, "closed while the line was still unfinished")
        #expect(open == 60)
        try connection.finish()
    }

    /// With an idle timeout, bytes without a completed line do not count as activity.
    @Test func idleTimeoutCountsLinesNotBytes() throws {
        let connection = try Connection {
            $0.idleTimeout = 30
            $0.lineTimeout = 3_600
        }
        let open = try connection.trickle(String(repeating: "x", count: 100))
        #expect(!connection.channel.isActive)
        #expect(open == 30)
        try connection.finish()
    }

    /// A slow client that does finish its lines is served and kept, however long it takes overall.
    @Test func keepsAClientThatFinishesItsLines() throws {
        let connection = try Connection { $0.idleTimeout = 30 }
        for _ in 0..<10 {
            _ = try connection.trickle(#"{"op":"ping"}"# + "\n")
            #expect(connection.channel.isActive)
        }
        try connection.finish()
    }
}
