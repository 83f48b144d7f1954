import Logging
import NIOCore

/// Asks a connection to finish: no new requests are started; it closes once the requests in
/// progress are answered.
struct DrainConnection: Sendable {}

/// What a connection needs from its daemon.
struct ConnectionHooks: Sendable {
    var service: SessionService
    var logger: Logger
    var maximumConnections: Int
    /// Registers an open connection; `nil` when the daemon is shutting down.
    var register: @Sendable (any Channel) -> Int?
    var unregister: @Sendable (Int) -> Void
}

/// Serves one connection: starts requests as they arrive, several at once when they are for
/// different sessions, and writes the answers back in request order.
///
/// Requests of one session on one connection run one after another, in order: a request whose
/// session is still busy here waits, and those behind it with it. Everything happens on the
/// channel's event loop. While the answers back up (the channel is not writable: more than its
/// high water mark, 64 KiB, unsent), no request is started and nothing is read, so a client that
/// does not read costs at most the answers to the requests already started, whatever the size of
/// its answers; both resume when the answers drain below the low water mark.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = InboundMessage
    typealias OutboundIn = Never
    typealias OutboundOut = ProtocolResponse

    /// The most requests started and unanswered at once; as many may wait behind them.
    static let maximumInProgress = 128

    private struct Started {
        var session: String?
        var response: ProtocolResponse?
    }

    private let hooks: ConnectionHooks
    private var key: Int?
    private var counted = false
    /// Started requests in arrival order; the answered prefix is written and dropped.
    private var started = CircularBuffer<Started>()
    /// The sequence number of `started.first`.
    private var firstSequence = 0
    /// Requests read but not started yet.
    private var waiting = CircularBuffer<InboundMessage>()
    /// Sessions with a started, unanswered request on this connection.
    private var busySessions: [String: Int] = [:]
    private var readHeld = false
    /// Inside ``startWaiting(context:)``: answers that complete at once must not start more from
    /// within (the loop there goes on), or a long pipelined batch would recurse deeply.
    private var starting = false
    private var draining = false
    /// A flush of the answers written is scheduled for the end of this event-loop turn.
    private var flushScheduled = false
    private var inputClosed = false
    private var closing = false
    /// Whether the desk's notices are pushed to this connection (`{"op":"events"}` turns it off).
    private var eventsEnabled = true
    /// Sessions this connection is registered for with the desk, to push their notices.
    private var eventSessions: Set<String> = []
    /// Notices were pushed here since the last request read: the next one shows they arrived.
    private var pushedSinceRead = false
    /// Notices were ever pushed here: closing tells the desk whether they were read.
    private var everPushed = false
    /// The connection ended with an error (the peer reset it: it closed with data unread).
    private var lostWithError = false

    /// The connections refused for the limit are logged at most once a second.
    static let limitLog = LogThrottle()

    init(hooks: ConnectionHooks) {
        self.hooks = hooks
    }

    // MARK: Lifecycle

    func channelActive(context: ChannelHandlerContext) {
        let open = hooks.service.counters.connections.wrappingAdd(1, ordering: .relaxed).newValue
        counted = true
        key = hooks.register(context.channel)
        hooks.logger.trace("connection opened", metadata: ["connections": "\(open)"])
        if key == nil {
            closing = true
            context.close(promise: nil)
        } else if open > hooks.maximumConnections {
            if let held = Self.limitLog.admit() {
                hooks.logger.warning("connection limit reached",
                                     metadata: ["limit": "\(hooks.maximumConnections)", "not_logged_since": "\(held)"])
            }
            draining = true
            context.write(wrapOutboundOut(.failure(id: nil, ProtocolError(.overloaded, "too many connections; try again later"))),
                          promise: nil)
            flushThenClose(context: context)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            counted = false
            hooks.service.counters.connections.wrappingSubtract(1, ordering: .relaxed)
        }
        if let key {
            hooks.unregister(key)
            self.key = nil
        }
        started.removeAll()
        waiting.removeAll()
        busySessions.removeAll()
        if !eventSessions.isEmpty {
            hooks.service.desk?.customers.remove(eventSessions, context.channel)
            eventSessions.removeAll()
        }
        // Notices pushed here were read unless the peer reset the connection (on Linux a Unix
        // socket closed with data unread resets its peer): then they are delivered again elsewhere.
        if everPushed, let desk = hooks.service.desk {
            if lostWithError {
                desk.pushedLost(by: ObjectIdentifier(context.channel))
            } else {
                desk.pushedRead(by: ObjectIdentifier(context.channel))
            }
        }
        hooks.logger.trace("connection closed")
        context.fireChannelInactive()
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
        lostWithError = true
        hooks.logger.debug("connection ended", metadata: ["error": LogText.escaped(error)])
        context.close(promise: nil)
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !draining, !closing else { return }
        if pushedSinceRead {
            pushedSinceRead = false
            hooks.service.desk?.pushedRead(by: ObjectIdentifier(context.channel))
        }
        waiting.append(unwrapInboundIn(data))
        startWaiting(context: context)
    }

    /// Starts waiting requests in order while there is room and their sessions are free here.
    private func startWaiting(context: ChannelHandlerContext) {
        guard !starting else { return }
        starting = true
        defer { starting = false }
        // Not while the answers back up: one small request (`state`) may have a large answer.
        while !draining, !closing, context.channel.isWritable, started.count < Self.maximumInProgress,
              let message = waiting.first {
            let session = Self.session(of: message)
            if let session, busySessions[session] != nil { return }
            waiting.removeFirst()
            let sequence = firstSequence + started.count
            started.append(Started(session: session))
            if let session { busySessions[session, default: 0] += 1 }
            switch message {
            case .invalid(let id, let error):
                finish(sequence, with: .failure(id: id, error), context: context)
            case .request(let request):
                // The answer comes back here directly, not through a future: on this loop at once,
                // or from the database writer's thread, then by a hop to this loop.
                let eventLoop = context.eventLoop
                let here = NIOLoopBound((handler: self, context: context), eventLoop: eventLoop)
                hooks.service.serve(request, on: RequestContext(schedule: { eventLoop.execute($0) }, respond: { response in
                    if eventLoop.inEventLoop {
                        here.value.handler.finish(sequence, with: response, context: here.value.context)
                    } else {
                        eventLoop.execute { here.value.handler.finish(sequence, with: response, context: here.value.context) }
                    }
                }))
            }
        }
    }

    /// Records an answer, writes every answer now due in order, and starts what can start.
    private func finish(_ sequence: Int, with response: ProtocolResponse, context: ChannelHandlerContext) {
        let index = sequence - firstSequence
        guard index >= 0, index < started.count, !closing else { return }
        started[started.index(started.startIndex, offsetBy: index)].response = response
        if let session = started[started.index(started.startIndex, offsetBy: index)].session {
            if let count = busySessions[session], count > 1 {
                busySessions[session] = count - 1
            } else {
                busySessions[session] = nil
            }
        }
        if case .failure(_, let error) = response {
            hooks.logger.debug("request refused", metadata: ["code": "\(error.code)"])
        }
        var wrote = false
        while let first = started.first, let answer = first.response {
            started.removeFirst()
            firstSequence += 1
            noteForEvents(answer, context: context)
            context.write(wrapOutboundOut(answer), promise: nil)
            wrote = true
        }
        if wrote { scheduleFlush(context: context) }
        if !draining { startWaiting(context: context) }
        resumeReadingIfPossible(context: context)
        closeIfDone(context: context)
    }

    /// Flushes the answers written once the event loop has finished what it is doing now: the
    /// answers of a group of turns committed together complete one after another in one go, and
    /// reach the socket in one write instead of one each.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            context.flush()
        }
    }

    // MARK: Events

    /// Keeps the desk's registry of this connection's sessions: a session answered here is pushed
    /// its notices from now on (while events are on); `close` and `events` off end that.
    private func noteForEvents(_ answer: ProtocolResponse, context: ChannelHandlerContext) {
        if case .events(_, let enabled) = answer { eventsEnabled = enabled }
        guard let desk = hooks.service.desk else { return }
        switch answer {
        case .events(_, let enabled):
            if !enabled, !eventSessions.isEmpty {
                desk.customers.remove(eventSessions, context.channel)
                eventSessions.removeAll()
            }
        case .closed(_, let session):
            if eventSessions.remove(session) != nil { desk.customers.remove([session], context.channel) }
        default:
            // Only sessions with an appeal at the desk ever get notices.
            if eventsEnabled, let session = answer.repliedSession, !eventSessions.contains(session),
               desk.hasAppeals(session: session) {
                eventSessions.insert(session)
                desk.customers.add(session, context.channel)
            }
        }
    }

    /// Writes event lines on `channel` if it is served by a connection handler with events on and
    /// is writable now; the future tells whether they were written to the socket.
    static func push(_ lines: [[UInt8]], to channel: any Channel) -> EventLoopFuture<Bool> {
        channel.eventLoop.flatSubmit {
            let pipeline = channel.pipeline.syncOperations
            guard let handler = try? pipeline.handler(type: ConnectionHandler.self),
                  let context = try? pipeline.context(handlerType: ConnectionHandler.self) else {
                return channel.eventLoop.makeSucceededFuture(false)
            }
            return handler.push(lines, context: context)
        }
    }

    private func push(_ lines: [[UInt8]], context: ChannelHandlerContext) -> EventLoopFuture<Bool> {
        guard eventsEnabled, !closing, context.channel.isActive, context.channel.isWritable,
              let head = try? context.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<LineFrameDecoder>.self)
        else { return context.eventLoop.makeSucceededFuture(false) }
        // Below the answer encoder, as whole lines between answers.
        var buffer = ByteBuffer()
        for line in lines { buffer.writeBytes(line) }
        let written = context.eventLoop.makePromise(of: Void.self)
        head.writeAndFlush(NIOAny(buffer), promise: written)
        pushedSinceRead = true
        everPushed = true
        return written.futureResult.map { true }.recover { _ in false }
    }

    private static func session(of message: InboundMessage) -> String? {
        guard case .request(let request) = message else { return nil }
        return request.session
    }

    // MARK: Reading and closing

    func read(context: ChannelHandlerContext) {
        if shouldHoldReads(context: context) {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, !draining {
            startWaiting(context: context)
        }
        resumeReadingIfPossible(context: context)
        closeIfDone(context: context)
        context.fireChannelWritabilityChanged()
    }

    private func shouldHoldReads(context: ChannelHandlerContext) -> Bool {
        waiting.count >= Self.maximumInProgress || !context.channel.isWritable
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        guard readHeld, !shouldHoldReads(context: context) else { return }
        readHeld = false
        context.read()
    }

    /// Closes once draining or half-closed and every started request is answered.
    private func closeIfDone(context: ChannelHandlerContext) {
        guard !closing, draining || inputClosed, started.isEmpty else { return }
        if inputClosed, !draining, !waiting.isEmpty { return }
        flushThenClose(context: context)
    }

    /// Closes the connection once everything written so far has reached the socket.
    private func flushThenClose(context: ChannelHandlerContext) {
        closing = true
        let promise = context.eventLoop.makePromise(of: Void.self)
        do {
            // An empty buffer written below the encoder completes after every answer before it.
            let head = try context.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<LineFrameDecoder>.self)
            head.writeAndFlush(NIOAny(ByteBuffer()), promise: promise)
        } catch {
            context.flush()
            promise.succeed()
        }
        promise.futureResult.assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
