import Foundation
import HelplineDesk
import HelplineServer
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A connection to the daemon's desk socket (`helpline serve --desk-socket PATH`): the
/// specialists' side of docs/DESK.md.
///
/// Each call sends one ``DeskRequest`` and returns its ``DeskAnswer``; the daemon answers in
/// order, so calls from several tasks get their own answers. Event lines (`event`, no `ok`) —
/// new appeals, follow-ups, appeals closed by customers — arrive in ``events`` as they happen.
///
/// ```swift
/// let desk = try await DeskClient.connect(to: "/run/user/1000/helpline-desk.sock")
/// _ = try await desk.send(.signIn(.init(id: "sp-7", name: "Мария", serves: .role("seller"))))
/// if case .appeal(let view?) = try await desk.send(.next) { … }
/// for await event in desk.events { … }
/// ```
public final class DeskClient: Sendable {
    private struct State: Sendable {
        var pending: [CheckedContinuation<DeskAnswer, any Error>] = []
        var closed = false
    }

    /// The socket path connected to.
    public let path: String
    /// What happens at the desk for the signed-in specialist, in order; ends with the connection.
    public let events: AsyncStream<DeskEvent>
    private let eventInput: AsyncStream<DeskEvent>.Continuation
    private let channel: any Channel
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let state = NIOLockedValueBox(State())

    private init(path: String, channel: any Channel, outgoing: AsyncStream<ByteBuffer>.Continuation) {
        self.path = path
        self.channel = channel
        self.outgoing = outgoing
        (events, eventInput) = AsyncStream.makeStream(of: DeskEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    /// Connects to the desk socket at `path`.
    public static func connect(to path: String,
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               maximumLineLength: Int = 16 * 1024 * 1024) async throws -> DeskClient {
        let asyncChannel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
                    return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let client = DeskClient(path: path, channel: asyncChannel.channel, outgoing: continuation)
        Task { await client.pump(asyncChannel, requests: stream) }
        return client
    }

    /// Sends one request and returns its answer. Throws ``HelplineClientError`` when the
    /// connection is gone or the answer cannot be read.
    public func send(_ request: DeskRequest) async throws -> DeskAnswer {
        var line = try JSONEncoder().encode(request)
        line.append(UInt8(ascii: "\n"))
        let buffer = ByteBuffer(bytes: line)
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

    /// Closes the connection; calls waiting for answers fail with ``HelplineClientError/disconnected``.
    public func disconnect() async {
        finish()
        try? await channel.close()
    }

    private func finish() {
        let waiting = state.withLockedValue { state in
            state.closed = true
            defer { state.pending = [] }
            return state.pending
        }
        outgoing.finish()
        eventInput.finish()
        for continuation in waiting { continuation.resume(throwing: HelplineClientError.disconnected) }
    }

    /// Writes requests and reads answers and events until the connection ends.
    private func pump(_ channel: NIOAsyncChannel<LineFrame, ByteBuffer>, requests: AsyncStream<ByteBuffer>) async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await request in requests { try await outbound.write(request) }
                    }
                    for try await frame in inbound {
                        let result: Result<DeskAnswer, any Error>
                        switch frame {
                        case .line(let line):
                            let data = Data(line.readableBytesView)
                            if Self.isEvent(data) {
                                if let event = try? JSONDecoder().decode(DeskEventLine.self, from: data) {
                                    eventInput.yield(event.event)
                                }
                                continue
                            }
                            do {
                                result = .success(try JSONDecoder().decode(DeskAnswer.self, from: data))
                            } catch {
                                result = .failure(HelplineClientError.badReply("an answer of the desk could not be read"))
                            }
                        case .tooLong:
                            result = .failure(HelplineClientError.badReply("an answer is longer than the client's limit"))
                        }
                        let waiting: CheckedContinuation<DeskAnswer, any Error>? = state.withLockedValue { state in
                            state.pending.isEmpty ? nil : state.pending.removeFirst()
                        }
                        waiting?.resume(with: result)
                    }
                    outgoing.finish()
                    group.cancelAll()
                }
            }
        } catch {
            // The connection failed; the waiting calls fail below.
        }
        finish()
    }

    /// Whether a line is an event (`event` and no `ok`) rather than an answer.
    static func isEvent(_ line: Data) -> Bool {
        guard let shape = try? JSONDecoder().decode(LineShape.self, from: line) else { return false }
        return shape.ok == nil && shape.event != nil
    }
}

/// What tells an event line from an answer.
private struct LineShape: Decodable {
    var ok: Bool?
    var event: String?
}
