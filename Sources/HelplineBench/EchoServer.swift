import Foundation
import HelplineServer
import NIOCore
import NIOPosix

/// A bare Unix-socket echo server: every byte read is written back. The yardstick for the daemon's
/// round trip: the same sockets, event loops and client, with no protocol work at all.
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

/// Sends one fixed line at a time and times its echo.
final class EchoDriver: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    private let line: [UInt8]
    private var phase: (budget: TurnBudget, record: Bool, done: EventLoopPromise<PhaseResult>)?
    private var sentAt: UInt64?
    private var result = PhaseResult()

    init(line: [UInt8]) {
        self.line = line
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let command = event as? LoadCommand else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed()
        switch command {
        case .open(let done):
            done.succeed(PhaseResult())
        case .run(let budget, let record, let done):
            result = PhaseResult()
            phase = (budget, record, done)
            sendNext(context: context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let received = NIODeadline.now().uptimeNanoseconds
        guard let sent = sentAt, let phase else { return }
        sentAt = nil
        result.requests += 1
        if phase.record { result.latency.record(received &- sent) }
        sendNext(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let phase {
            result.lost += sentAt == nil ? 0 : 1
            self.phase = nil
            phase.done.succeed(result)
        }
        context.fireChannelInactive()
    }

    private func sendNext(context: ChannelHandlerContext) {
        guard let phase else { return }
        guard phase.budget.take() else {
            self.phase = nil
            phase.done.succeed(result)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: line.count)
        buffer.writeBytes(line)
        sentAt = NIODeadline.now().uptimeNanoseconds
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
    }
}
