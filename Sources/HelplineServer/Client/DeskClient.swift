import Foundation
import HelplineDesk
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A connection to a daemon's desk socket, for a specialist's program.
///
/// Each call sends one request and returns its answer, in order; the events the desk sends
/// between answers (new appeals, follow-ups, appeals the customer closed) arrive in ``events``.
///
/// ```swift
/// let desk = try await DeskClient.connect(to: "/run/user/1000/helpline-desk.sock")
/// _ = try await desk.send(.signIn(.init(id: "sp-7", name: "Мария", serves: .role("seller"))))
/// if case .appeal(let view?) = try await desk.send(.next) { … }
/// for await event in desk.events { … }
/// ```
public final class DeskClient: Sendable {
    private struct State {
        var pending: [CheckedContinuation<DeskAnswer, any Error>] = []
        var closed = false
    }

    public let path: String
    /// The desk's events on this connection, in order; ends with the connection.
    public let events: AsyncStream<DeskEvent>
    private let eventInput: AsyncStream<DeskEvent>.Continuation
    private let channel: any Channel
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let state = NIOLockedValueBox(State())
    private let onEvent: (@Sendable (DeskEvent) -> Void)?

    private init(path: String, channel: any Channel, outgoing: AsyncStream<ByteBuffer>.Continuation,
                 onEvent: (@Sendable (DeskEvent) -> Void)?) {
        self.path = path
        self.channel = channel
        self.outgoing = outgoing
        self.onEvent = onEvent
        (events, eventInput) = AsyncStream.makeStream(of: DeskEvent.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Connects to the desk socket at `path`. `onEvent`, if given, sees each event as it is read,
    /// before any answer that follows it on the connection is returned (``events`` gets it too):
    /// after an answer, every event sent before it has been seen.
    public static func connect(to path: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               connectTimeout: TimeAmount = .seconds(10),
                               maximumLineLength: Int = 16 * 1024 * 1024,
                               onEvent: (@Sendable (DeskEvent) -> Void)? = nil) async throws -> DeskClient {
        let asyncChannel = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
                    return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let client = DeskClient(path: path, channel: asyncChannel.channel, outgoing: continuation, onEvent: onEvent)
        Task { await client.pump(asyncChannel, requests: stream) }
        return client
    }

    /// Sends a request and returns its answer.
    public func send(_ request: DeskRequest) async throws -> DeskAnswer {
        var line = try JSONEncoder().encode(request)
        line.append(UInt8(ascii: "\n"))
        return try await send(bytes: line)
    }

    /// Sends one raw line (a `\n` is added) and returns the answer to it.
    public func send(rawLine: some Sequence<UInt8>) async throws -> DeskAnswer {
        try await send(bytes: Array(rawLine) + [UInt8(ascii: "\n")])
    }

    /// Closes the connection (the specialist's grace period starts if it was their last).
    public func disconnect() async {
        let waiting = state.withLockedValue { state in
            state.closed = true
            defer { state.pending = [] }
            return state.pending
        }
        outgoing.finish()
        for continuation in waiting { continuation.resume(throwing: HelplineClientError.disconnected) }
        try? await channel.close()
    }

    private func send(bytes: some Sequence<UInt8>) async throws -> DeskAnswer {
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

    private func pump(_ channel: NIOAsyncChannel<LineFrame, ByteBuffer>, requests: AsyncStream<ByteBuffer>) async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await request in requests { try await outbound.write(request) }
                    }
                    for try await frame in inbound {
                        guard case .line(let line) = frame else {
                            resumeFirst(with: .failure(HelplineClientError.badReply("an answer is longer than the client's limit")))
                            continue
                        }
                        let data = Data(line.readableBytesView)
                        if HelplineClient.isEvent(line.readableBytesView) {
                            if let event = try? JSONDecoder().decode(DeskEventLine.self, from: data) {
                                onEvent?(event.event)
                                eventInput.yield(event.event)
                            }
                            continue
                        }
                        do {
                            resumeFirst(with: .success(try JSONDecoder().decode(DeskAnswer.self, from: data)))
                        } catch {
                            resumeFirst(with: .failure(HelplineClientError.badReply(ProtocolCodec.describe(error))))
                        }
                    }
                    outgoing.finish()
                    group.cancelAll()
                }
            }
        } catch {
            // The connection failed; the waiting calls are failed below.
        }
        let waiting = state.withLockedValue { state in
            state.closed = true
            defer { state.pending = [] }
            return state.pending
        }
        outgoing.finish()
        eventInput.finish()
        for continuation in waiting { continuation.resume(throwing: HelplineClientError.disconnected) }
    }

    private func resumeFirst(with result: Result<DeskAnswer, any Error>) {
        let first = state.withLockedValue { state in state.pending.isEmpty ? nil : state.pending.removeFirst() }
        first?.resume(with: result)
    }
}
