import NIOCore

/// Closes connections that hold the daemon without completing requests: a line begun and not
/// ended within `lineTimeout` (a client trickling one byte a second), and, with an `idleTimeout`,
/// a connection that completes no line for that long.
///
/// Time is counted in whole lines, not bytes: `IdleStateHandler` counts any byte read as
/// activity, so a trickle kept a connection and its buffers forever. The handler sits before the
/// line decoder and only looks for `\n` in what is read. While the channel is not writable (the
/// daemon holds the client's reads back because its answers are not read), the line timer is
/// paused: the write-stall timeout deals with that case.
final class LineTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = NIOAny

    private let lineTimeout: TimeAmount
    private let idleTimeout: TimeAmount?
    /// Bytes of an unfinished line were read.
    private var partialLine = false
    private var lineTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?

    init(lineTimeout: TimeAmount, idleTimeout: TimeAmount?) {
        self.lineTimeout = lineTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { restartIdleTimer(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        restartIdleTimer(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let view = buffer.readableBytesView
        if let lastNewline = view.lastIndex(of: UInt8(ascii: "\n")) {
            restartIdleTimer(context: context)
            partialLine = lastNewline != view.index(before: view.endIndex)
            cancelLineTimer()
            if partialLine { startLineTimer(context: context) }
        } else if !view.isEmpty, !partialLine {
            partialLine = true
            startLineTimer(context: context)
        }
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable {
            cancelLineTimer()
        } else if partialLine, lineTimer == nil {
            startLineTimer(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelLineTimer()
        idleTimer?.cancel()
        idleTimer = nil
        context.fireChannelInactive()
    }

    private func startLineTimer(context: ChannelHandlerContext) {
        guard lineTimer == nil, context.channel.isWritable else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        lineTimer = context.eventLoop.scheduleTask(in: lineTimeout) {
            loopBound.value.close(promise: nil)
        }
    }

    private func cancelLineTimer() {
        lineTimer?.cancel()
        lineTimer = nil
    }

    private func restartIdleTimer(context: ChannelHandlerContext) {
        guard let idleTimeout else { return }
        idleTimer?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(in: idleTimeout) {
            loopBound.value.close(promise: nil)
        }
    }
}
