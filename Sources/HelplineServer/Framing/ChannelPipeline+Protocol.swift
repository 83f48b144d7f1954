import NIOCore

extension ChannelPipeline.SynchronousOperations {
    /// Adds the server side of the protocol: line framing, request decoding, answer encoding.
    public func addProtocolServerHandlers(codec: ProtocolCodec = ProtocolCodec(),
                                          maximumLineLength: Int = LineFrameDecoder.defaultMaximumLineLength) throws {
        try addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
        try addHandler(RequestDecoder(codec: codec, maximumLineLength: maximumLineLength))
        try addHandler(MessageToByteHandler(ResponseEncoder(codec: codec)))
    }
}
