import NIOCore

/// Writes answers as JSON lines.
public struct ResponseEncoder: MessageToByteEncoder {
    public typealias OutboundIn = ProtocolResponse

    private let codec: ProtocolCodec

    public init(codec: ProtocolCodec = ProtocolCodec()) {
        self.codec = codec
    }

    public func encode(data: ProtocolResponse, out: inout ByteBuffer) throws {
        if let line = ProtocolCodec.writeLine(data) {
            out.writeBytes(line)
        } else {
            out.writeBytes(codec.encodeResponse(data))
        }
    }
}
