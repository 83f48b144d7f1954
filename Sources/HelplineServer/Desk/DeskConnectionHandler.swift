import HelplineDesk
import Logging
import NIOCore

/// Serves one connection of the desk socket: reads request lines, answers them one at a time in
/// order (the desk does one change at a time anyway), and writes the specialist's events between
/// answers as they happen.
///
/// Bad lines (not UTF-8, not JSON, not a request, over-long) are answered with an error in their
/// place and the connection goes on. While answers back up (the channel is not writable) or many
/// requests wait, nothing more is read.
///
/// Events are never dropped. Those that find the channel not writable wait here, in order, with
/// the answers written after them; when the waiting events pass `maximumUnsentEventBytes` the
/// specialist has stopped reading: the connection is closed with a logged reason, and their
/// appeals follow the grace-period rule like any connection that went. (Memory per connection
/// is bounded by the socket's buffers, the channel's high water mark and that limit.)
final class DeskConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    /// The most requests read and not answered yet before reading pauses.
    static let maximumWaiting = 128
    /// The most bytes of events waiting for an unwritable channel before it is closed.
    static let defaultMaximumUnsentEventBytes = 1 << 20

    private let desk: DeskService
    private let logger: Logger
    private let maximumLineLength: Int
    private let maximumUnsentEventBytes: Int
    private var connection: DeskConnection?
    /// Lines waiting for the channel to become writable: events, and what came after them.
    private var unsent = CircularBuffer<ByteBuffer>()
    private var unsentEvents = 0
    private var unsentEventBytes = 0
    private var waiting = CircularBuffer<DeskInbound>()
    /// A request is being answered.
    private var busy = false
    private var readHeld = false
    private var inputClosed = false
    private var draining = false
    private var closing = false

    /// The most desk connections open at once (the customers' limit, counted apart in
    /// ``DeskService/connectionCount``: specialists never crowd customers out, nor the reverse).
    private let maximumConnections: Int?
    private var counted = false
    /// A connection not signed in this long after it opened is closed (`--idle-timeout`): signed-in
    /// specialists wait for appeals as long as they like, but a silent connection cannot hold one
    /// of the desk's `--max-connections`.
    private let signInTimeout: TimeAmount?
    private var signInTimer: Scheduled<Void>?

    init(desk: DeskService, logger: Logger, maximumLineLength: Int,
         maximumUnsentEventBytes: Int = DeskConnectionHandler.defaultMaximumUnsentEventBytes,
         maximumConnections: Int? = nil, signInTimeout: TimeAmount? = nil) {
        self.signInTimeout = signInTimeout
        self.desk = desk
        self.logger = logger
        self.maximumLineLength = maximumLineLength
        self.maximumUnsentEventBytes = maximumUnsentEventBytes
        self.maximumConnections = maximumConnections
    }

    func channelActive(context: ChannelHandlerContext) {
        if let maximumConnections {
            counted = true
            let open = desk.connectionCount.wrappingAdd(1, ordering: .relaxed).newValue
            if open > maximumConnections {
                if let held = ConnectionHandler.limitLog.admit() {
                    logger.warning("desk connection limit reached",
                                   metadata: ["limit": "\(maximumConnections)", "not_logged_since": "\(held)"])
                }
                closing = true
                let line = DeskCodec.encode(.failure(DeskCodec.error(.overloaded, "too many desk connections; try again later")), id: nil)
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
                context.fireChannelActive()
                return
            }
        }
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        let boundContext = NIOLoopBound(context, eventLoop: loop)
        connection = desk.connect { event in
            guard let line = DeskCodec.encode(event) else { return }
            loop.execute { handler.value.deliver(line, context: boundContext.value) }
        }
        if let signInTimeout {
            signInTimer = loop.scheduleTask(in: signInTimeout) {
                handler.value.closeUnlessSignedIn(context: boundContext.value)
            }
        }
        logger.trace("desk connection opened")
        context.fireChannelActive()
    }

    /// The sign-in deadline passed: a connection that is still not signed in is told so and closed.
    private func closeUnlessSignedIn(context: ChannelHandlerContext) {
        signInTimer = nil
        guard let connection, connection.specialist == nil, !closing, context.channel.isActive else { return }
        closing = true
        let line = DeskCodec.encode(.failure(DeskError(.notSignedIn, "not signed in within the idle timeout; the connection is closed")), id: nil)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        signInTimer?.cancel()
        signInTimer = nil
        if counted {
            counted = false
            desk.connectionCount.wrappingSubtract(1, ordering: .relaxed)
        }
        waiting.removeAll()
        unsent.removeAll()
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

    /// Answers waiting lines in order: errors at once, requests one at a time, none while the
    /// answers before them wait to be read (the client reads them, or the stall guard closes it).
    private func answerNext(context: ChannelHandlerContext) {
        while !busy, !closing, context.channel.isWritable, let next = waiting.popFirst() {
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
        if unsent.isEmpty {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line)), promise: nil)
        } else {
            // Behind the events still waiting, so that an answer never overtakes them.
            unsent.append(ByteBuffer(bytes: line))
        }
    }

    /// An event for the specialist: written now, or kept until the channel is writable; too much
    /// kept closes the connection.
    private func deliver(_ line: [UInt8], context: ChannelHandlerContext) {
        guard context.channel.isActive, !closing else { return }
        if unsent.isEmpty, context.channel.isWritable {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line)), promise: nil)
            return
        }
        unsent.append(ByteBuffer(bytes: line))
        unsentEvents += 1
        unsentEventBytes += line.count
        guard unsentEventBytes > maximumUnsentEventBytes else { return }
        logger.warning("closing a desk connection that stopped reading; the specialist's appeals follow the grace period",
                       metadata: ["unsent_events": "\(unsentEvents)", "unsent_bytes": "\(unsentEventBytes)"])
        closing = true
        unsent.removeAll()
        context.close(promise: nil)
    }

    /// Writes what waited for the channel, once it is writable again.
    private func writeUnsent(context: ChannelHandlerContext) {
        guard !unsent.isEmpty, context.channel.isWritable, context.channel.isActive else { return }
        while let line = unsent.popFirst() {
            context.write(wrapOutboundOut(line), promise: nil)
        }
        unsentEvents = 0
        unsentEventBytes = 0
        context.flush()
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
        writeUnsent(context: context)
        if !busy { answerNext(context: context) }
        resumeReadingIfPossible(context: context)
        closeIfDone(context: context)
        context.fireChannelWritabilityChanged()
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        guard readHeld, waiting.count < Self.maximumWaiting, context.channel.isWritable else { return }
        readHeld = false
        context.read()
    }

    /// Closes once draining or half-closed and every request read is answered.
    private func closeIfDone(context: ChannelHandlerContext) {
        guard !closing, draining || inputClosed, !busy, waiting.isEmpty, unsent.isEmpty else { return }
        closing = true
        // The empty write completes after every answer before it has reached the socket.
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
