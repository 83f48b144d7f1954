import Foundation
import HelplineDesk
import HelplineDialogue
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Why a client call failed (the daemon's own errors come back as ``ProtocolReply/error``).
public struct HelplineClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The connection is closed (by ``HelplineClient/disconnect()`` or by the daemon).
    public static let disconnected = HelplineClientError(code: "disconnected", message: "the connection to the daemon is closed")

    /// The daemon sent a line that is not a protocol answer.
    public static func badReply(_ detail: String) -> HelplineClientError {
        HelplineClientError(code: "bad_reply", message: "the daemon's answer could not be read: \(detail)")
    }
}

/// A connection to a Helpline daemon's Unix socket.
///
/// Each call sends one request and returns its answer. Calls may be made from many tasks at once:
/// requests are written in call order and the daemon answers in the same order. Event lines the
/// daemon pushes between answers (the specialists' notices for sessions used on this connection)
/// arrive in ``events``; ``setEvents(enabled:)`` turns them off.
///
/// ```swift
/// let client = try await HelplineClient.connect(to: "/run/user/1000/helpline.sock")
/// let greeting = try await client.open(profile: profile)
/// let reply = try await client.say(session: greeting.session!, text: "где мой заказ")
/// await client.disconnect()
/// ```
public final class HelplineClient: Sendable {
    private struct State {
        var pending: [CheckedContinuation<ProtocolReply, any Error>] = []
        var head = 0
        var closed = false

        mutating func popFirst() -> CheckedContinuation<ProtocolReply, any Error>? {
            guard head < pending.count else { return nil }
            let first = pending[head]
            head += 1
            if head == pending.count {
                pending.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64, head * 2 > pending.count {
                pending.removeFirst(head)
                head = 0
            }
            return first
        }

        mutating func takeAll() -> [CheckedContinuation<ProtocolReply, any Error>] {
            let all = Array(pending[head...])
            pending = []
            head = 0
            return all
        }
    }

    /// The socket path connected to.
    public let path: String
    private let channel: any Channel
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let state = NIOLockedValueBox(State())
    private let codec = ProtocolCodec()
    /// The event lines pushed on this connection, in order; the most recent 1,024 are kept while
    /// nobody reads them. Ends when the connection does.
    public let events: AsyncStream<CustomerEventLine>
    private let eventInput: AsyncStream<CustomerEventLine>.Continuation

    private init(path: String, channel: any Channel, outgoing: AsyncStream<ByteBuffer>.Continuation) {
        self.path = path
        self.channel = channel
        self.outgoing = outgoing
        (events, eventInput) = AsyncStream.makeStream(of: CustomerEventLine.self, bufferingPolicy: .bufferingNewest(1024))
    }

    /// Connects to the daemon listening on `path`.
    /// - Parameter maximumReplyLength: the longest answer line accepted, in bytes.
    public static func connect(to path: String,
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               connectTimeout: TimeAmount = .seconds(10),
                               maximumReplyLength: Int = 16 * 1024 * 1024) async throws -> HelplineClient {
        let asyncChannel = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumReplyLength)))
                    return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let client = HelplineClient(path: path, channel: asyncChannel.channel, outgoing: continuation)
        Task { await client.pump(asyncChannel, requests: stream) }
        return client
    }

    // MARK: Operations

    /// Opens a new session for a customer: the answer carries the session id and the greeting.
    public func open(profile: Profile, id: JSONValue? = nil) async throws -> ProtocolReply {
        try await send(ProtocolRequest(id: id, .open(profile)))
    }

    /// Continues a session (after a reconnect or a daemon restart): repeats its current prompt.
    public func resume(session: String, id: JSONValue? = nil) async throws -> ProtocolReply {
        try await send(ProtocolRequest(id: id, .resume(session: session)))
    }

    /// One user turn.
    public func say(session: String, text: String, id: JSONValue? = nil) async throws -> ProtocolReply {
        try await send(ProtocolRequest(id: id, .say(session: session, text: text)))
    }

    /// The session's current reply, changing nothing.
    public func state(session: String, id: JSONValue? = nil) async throws -> ProtocolReply {
        try await send(ProtocolRequest(id: id, .state(session: session)))
    }

    /// Ends a session (its appeals stay).
    public func close(session: String, id: JSONValue? = nil) async throws -> ProtocolReply {
        try await send(ProtocolRequest(id: id, .close(session: session)))
    }

    /// The daemon's counters.
    public func stats(id: JSONValue? = nil) async throws -> ProtocolReply {
        try await send(ProtocolRequest(id: id, .stats))
    }

    /// Checks the daemon answers.
    public func ping(id: JSONValue? = nil) async throws -> ProtocolReply {
        try await send(ProtocolRequest(id: id, .ping))
    }

    /// Turns the daemon's event lines on this connection on or off (on by default).
    public func setEvents(enabled: Bool, id: JSONValue? = nil) async throws -> ProtocolReply {
        try await send(ProtocolRequest(id: id, .events(enabled: enabled)))
    }

    /// Sends any request and returns its answer.
    public func send(_ request: ProtocolRequest) async throws -> ProtocolReply {
        try await send(bytes: codec.encodeRequest(request))
    }

    /// Sends one raw line (a `\n` is added) and returns the answer to it. The line must not contain
    /// a line break and must not be empty (the daemon skips empty lines without answering).
    public func send(rawLine: some Sequence<UInt8>) async throws -> ProtocolReply {
        var bytes = Array(rawLine)
        bytes.append(UInt8(ascii: "\n"))
        return try await send(bytes: bytes)
    }

    /// Closes the connection. Calls waiting for answers fail with ``HelplineClientError/disconnected``.
    public func disconnect() async {
        let waiting = state.withLockedValue { state in
            state.closed = true
            return state.takeAll()
        }
        outgoing.finish()
        for continuation in waiting { continuation.resume(throwing: HelplineClientError.disconnected) }
        try? await channel.close()
    }

    // MARK: Plumbing

    private func send(bytes: some Sequence<UInt8>) async throws -> ProtocolReply {
        let buffer = ByteBuffer(bytes: bytes)
        return try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLockedValue { state in
                guard !state.closed else { return false }
                state.pending.append(continuation)
                outgoing.yield(buffer)
                return true
            }
            if !accepted { continuation.resume(throwing: HelplineClientError.disconnected) }
        }
    }

    /// Writes requests and reads answers until the connection ends.
    private func pump(_ channel: NIOAsyncChannel<LineFrame, ByteBuffer>, requests: AsyncStream<ByteBuffer>) async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await request in requests {
                            try await outbound.write(request)
                        }
                    }
                    for try await frame in inbound {
                        let result: Result<ProtocolReply, any Error>
                        switch frame {
                        case .line(let line) where Self.isEvent(line.readableBytesView):
                            if let event = try? JSONDecoder().decode(CustomerEventLine.self, from: Data(line.readableBytesView)) {
                                eventInput.yield(event)
                            }
                            continue
                        case .line(let line):
                            do {
                                result = .success(try codec.decodeReply(line.readableBytesView))
                            } catch {
                                result = .failure(HelplineClientError.badReply(ProtocolCodec.describe(error)))
                            }
                        case .tooLong:
                            result = .failure(HelplineClientError.badReply("an answer is longer than the client's limit"))
                        }
                        guard let waiting = state.withLockedValue({ $0.popFirst() }) else { continue }
                        waiting.resume(with: result)
                    }
                    // The daemon closed the connection: stop writing too.
                    outgoing.finish()
                    group.cancelAll()
                }
            }
        } catch {
            // The connection failed; the waiting calls are failed below.
        }
        let waiting = state.withLockedValue { state in
            state.closed = true
            return state.takeAll()
        }
        outgoing.finish()
        eventInput.finish()
        for continuation in waiting { continuation.resume(throwing: HelplineClientError.disconnected) }
    }

    /// Whether a line is an event (`event` and no `ok`) rather than an answer.
    static func isEvent(_ line: some Collection<UInt8>) -> Bool {
        // Look closer only at lines that mention an event.
        guard String(decoding: line, as: UTF8.self).contains(#""event":"#) else { return false }
        guard let shape = try? JSONDecoder().decode(LineShape.self, from: Data(line)) else { return false }
        return shape.ok == nil && shape.event != nil
    }
}

/// What tells an event line from an answer.
private struct LineShape: Decodable {
    var ok: Bool?
    var event: String?
}
