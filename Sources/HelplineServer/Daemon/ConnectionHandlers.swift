import NIOCore

/// Closes a connection whose answers go unread: when the channel stays unwritable (its buffer of
/// answers full) for longer than the timeout.
final class WriteStallGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            timer?.cancel()
            timer = nil
        } else if timer == nil {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: timeout) {
                loopBound.value.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}

/// Closes a connection when `IdleStateHandler` reports it idle.
final class IdleConnectionCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

extension Channel {
    /// Completes once everything written to the channel so far has been handed to the socket.
    func writesCompleted() async throws {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            do {
                let head = try self.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<LineFrameDecoder>.self)
                let promise = self.eventLoop.makePromise(of: Void.self)
                head.writeAndFlush(NIOAny(ByteBuffer()), promise: promise)
                return promise.futureResult
            } catch {
                return self.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }
}
