import NIOCore

/// One line read from a connection.
public enum LineFrame: Sendable, Hashable {
    /// A line's bytes, without its `\n` or `\r\n` ending.
    case line(ByteBuffer)
    /// A line went over the length limit; the decoder discards it up to its end.
    case tooLong
}

/// Splits a byte stream into lines ended by `\n` (a `\r` before it is dropped too), with a bound
/// on a line's length.
///
/// A line longer than `maximumLineLength` bytes is reported once as ``LineFrame/tooLong`` as soon
/// as the limit is passed, and its remaining bytes are dropped up to and including the next `\n`,
/// so memory stays bounded and the stream stays usable. Empty lines are skipped. Bytes left at
/// the end of the stream without a line ending count as a last line.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    /// The protocol's limit: 64 KiB a line.
    public static let defaultMaximumLineLength = 64 * 1024

    public let maximumLineLength: Int
    /// How far the current buffer was already searched for a line ending.
    private var scanned = 0
    /// Inside an over-long line, dropping bytes until its end.
    private var discarding = false

    public init(maximumLineLength: Int = LineFrameDecoder.defaultMaximumLineLength) {
        precondition(maximumLineLength > 0, "a line length limit must be positive")
        self.maximumLineLength = maximumLineLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let searchStart = view.index(view.startIndex, offsetBy: scanned)
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding {
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                scanned = 0
            } else if buffer.readableBytes > maximumLineLength + 1 {
                // One byte of slack for a `\r` that may precede the `\n`.
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                scanned = 0
                discarding = true
                context.fireChannelRead(Self.wrapInboundOut(.tooLong))
            } else {
                scanned = buffer.readableBytes
            }
            return .needMoreData
        }
        let length = view.distance(from: view.startIndex, to: newline)
        scanned = 0
        if discarding {
            buffer.moveReaderIndex(forwardBy: length + 1)
            discarding = false
            return .continue
        }
        // `readSlice` cannot fail: `length + 1` bytes are readable.
        guard let line = buffer.readSlice(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        emit(line, context: context)
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if !discarding, buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            emit(rest, context: context)
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        scanned = 0
        discarding = false
        return .needMoreData
    }

    private func emit(_ line: ByteBuffer, context: ChannelHandlerContext) {
        var line = line
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        if line.readableBytes > maximumLineLength {
            context.fireChannelRead(Self.wrapInboundOut(.tooLong))
        } else if !line.readableBytesView.allSatisfy(Self.isBlank) {
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
        }
    }

    /// Spaces, tabs and a stray `\r`: a line of these only is skipped like an empty one.
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
