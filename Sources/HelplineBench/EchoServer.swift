import Foundation
import HelplineServer
import NIOCore
import NIOPosix

/// A bare Unix-socket echo server on SwiftNIO: every byte read is written back. A second yardstick
/// beside ``PlainEchoServer``: the daemon's sockets and event loops with no protocol work at all.
public final class EchoServer: Sendable {
    private let channel: any Channel
    public let socketPath: String

    private init(channel: any Channel, socketPath: String) {
        self.channel = channel
        self.socketPath = socketPath
    }

    /// Listens on `socketPath` (a stale file there is replaced).
    public static func start(socketPath: String,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> EchoServer {
        try? FileManager.default.removeItem(atPath: socketPath)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(unixDomainSocketPath: socketPath)
            .get()
        return EchoServer(channel: channel, socketPath: socketPath)
    }

    /// Stops listening and removes the socket file.
    public func stop() async {
        try? await channel.close()
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// Resolves when the server stops.
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }
}

/// Writes back whatever it reads, flushing once per read burst.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
