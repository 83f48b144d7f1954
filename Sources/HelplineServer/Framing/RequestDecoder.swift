import NIOCore

/// Turns lines into requests (or the errors to answer them with), on the channel's event loop.
public final class RequestDecoder: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = LineFrame
    public typealias InboundOut = InboundMessage

    private let codec: ProtocolCodec
    private let maximumLineLength: Int

    public init(codec: ProtocolCodec = ProtocolCodec(), maximumLineLength: Int = LineFrameDecoder.defaultMaximumLineLength) {
        self.codec = codec
        self.maximumLineLength = maximumLineLength
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message: InboundMessage
        switch Self.unwrapInboundIn(data) {
        case .line(let line):
            message = codec.decodeRequest(line.readableBytesView)
        case .tooLong:
            message = .invalid(id: nil, ProtocolError(.tooLong, "the line is longer than \(maximumLineLength) bytes; it was discarded"))
        }
        context.fireChannelRead(Self.wrapInboundOut(message))
    }
}
