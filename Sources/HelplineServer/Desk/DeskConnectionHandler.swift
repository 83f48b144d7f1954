import HelplineDesk
import Logging
import NIOCore

/// Serves one connection of the desk socket: reads request lines, answers them one at a time in
/// order (the desk does one change at a time anyway), and writes the specialist's events between
/// answers as they happen.
///
/// Bad lines (not UTF-8, not JSON, not a request, over-long) are answered with an error in their
/// place and the connection goes on. While answers back up (the channel is not writable) or many
/// requests wait, nothing more is read; events that find the channel not writable are dropped
/// (the specialist sees the same in `overview` and `show`).
final class DeskConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    typealias OutboundOut = ByteBuffer

    /// The most requests read and not answered yet before reading pauses.
    static let maximumWaiting = 128

    private let desk: DeskService
    private let logger: Logger
    private let maximumLineLength: Int
    private var connection: DeskConnection?
    private var waiting = CircularBuffer<DeskInbound>()
    /// A request is being answered.
    private var busy = false
    private var readHeld = false
    private var inputClosed = false
    private var draining = false
    private var closing = false

    init(desk: DeskService, logger: Logger, maximumLineLength: Int) {
        self.desk = desk
        self.logger = logger
        self.maximumLineLength = maximumLineLength
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let logger = logger
        connection = desk.connect { event in
            guard let line = DeskCodec.encode(event) else { return }
            channel.eventLoop.execute {
                guard channel.isActive else { return }
                guard channel.isWritable else {
                    logger.debug("desk event dropped: the connection is not reading")
                    return
                }
                channel.writeAndFlush(ByteBuffer(bytes: line), promise: nil)
            }
        }
        logger.trace("desk connection opened")
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        waiting.removeAll()
        if let connection {
            self.connection = nil
            desk.leave(connection)
        }
        logger.trace("desk connection closed")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !draining, !closing else { return }
        switch unwrapInboundIn(data) {
        case .line(let line):
            waiting.append(DeskCodec.decode(Array(line.readableBytesView)))
        case .tooLong:
            waiting.append(.invalid(id: nil, DeskCodec.error(
                .tooLong, "the line is longer than \(maximumLineLength) bytes; it was discarded")))
        }
        answerNext(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainConnection {
            draining = true
            waiting.removeAll()
            closeIfDone(context: context)
        } else if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            closeIfDone(context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("desk connection ended", metadata: ["error": LogText.escaped(error)])
        context.close(promise: nil)
    }

    /// Answers waiting lines in order: errors at once, requests one at a time.
    private func answerNext(context: ChannelHandlerContext) {
        while !busy, !closing, let next = waiting.popFirst() {
            switch next {
            case .invalid(let id, let error):
                logger.debug("desk request refused", metadata: ["code": "\(error.code)"])
                write(DeskCodec.encode(.failure(error), id: id), context: context)
            case .request(let id, let request):
                guard let connection else { return }
                busy = true
                let promise = context.eventLoop.makePromise(of: DeskAnswer.self)
                promise.completeWithTask { await connection.send(request) }
                promise.futureResult.assumeIsolated().whenSuccess { answer in
                    self.busy = false
                    if case .failure(let error) = answer {
                        self.logger.debug("desk request refused", metadata: ["op": "\(request.op)", "code": "\(error.code)"])
                    }
                    guard !self.closing, context.channel.isActive else { return }
                    self.write(DeskCodec.encode(answer, id: id), context: context)
                    self.answerNext(context: context)
                    self.resumeReadingIfPossible(context: context)
                    self.closeIfDone(context: context)
                }
            }
        }
        resumeReadingIfPossible(context: context)
        closeIfDone(context: context)
    }

    private func write(_ line: [UInt8], context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line)), promise: nil)
    }

    // MARK: Reading and closing

    func read(context: ChannelHandlerContext) {
        if waiting.count >= Self.maximumWaiting || !context.channel.isWritable {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReadingIfPossible(context: context)
        context.fireChannelWritabilityChanged()
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        guard readHeld, waiting.count < Self.maximumWaiting, context.channel.isWritable else { return }
        readHeld = false
        context.read()
    }

    /// Closes once draining or half-closed and every request read is answered.
    private func closeIfDone(context: ChannelHandlerContext) {
        guard !closing, draining || inputClosed, !busy, waiting.isEmpty else { return }
        closing = true
        // The empty write completes after every answer before it has reached the socket.
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
