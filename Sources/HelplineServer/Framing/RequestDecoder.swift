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

/// Writes answers as JSON lines.
public struct ResponseEncoder: MessageToByteEncoder {
    public typealias OutboundIn = ProtocolResponse

    private let codec: ProtocolCodec

    public init(codec: ProtocolCodec = ProtocolCodec()) {
        self.codec = codec
    }

    public func encode(data: ProtocolResponse, out: inout ByteBuffer) throws {
        out.writeBytes(codec.encodeResponse(data))
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the server side of the protocol: line framing, request decoding, answer encoding.
    public func addProtocolServerHandlers(codec: ProtocolCodec = ProtocolCodec(),
                                          maximumLineLength: Int = LineFrameDecoder.defaultMaximumLineLength) throws {
        try addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
        try addHandler(RequestDecoder(codec: codec, maximumLineLength: maximumLineLength))
        try addHandler(MessageToByteHandler(ResponseEncoder(codec: codec)))
    }
}
