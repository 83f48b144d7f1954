import HelplineServer
import NIOCore
import NIOEmbedded
import HelplineTesting
import Testing

struct LineFrameDecoderTests {
    private func makeChannel(limit: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: limit)))
        return channel
    }

    /// Feeds bytes one at a time, as a slow client would send them.
    private func feedOneByteAtATime(_ bytes: some Sequence<UInt8>, to channel: EmbeddedChannel) throws {
        for byte in bytes {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
    }

    private func frames(_ channel: EmbeddedChannel) throws -> [String] {
        var result: [String] = []
        while let frame = try channel.readInbound(as: LineFrame.self) {
            switch frame {
            case .line(let line): result.append(String(buffer: line))
            case .tooLong: result.append("<too long>")
            }
        }
        return result
    }

    /// Lines end at `\n` or `\r\n`, arrive whole however the bytes are split, and empty lines
    /// (or of spaces and tabs only) are skipped.
    @Test func splitsLinesFedOneByteAtATime() throws {
        let channel = try makeChannel()
        try feedOneByteAtATime(Array("один\nдва\r\n\n\r\n  \t \r\n\r\r\n three \n".utf8), to: channel)
        #expect(try frames(channel) == ["один", "два", " three "])
        #expect(try channel.finish().isClean)
    }

    /// A line of exactly the limit passes, with either line ending.
    @Test func acceptsALineOfExactlyTheLimit() throws {
        let channel = try makeChannel(limit: 8)
        try feedOneByteAtATime(Array("12345678\n12345678\r\n".utf8), to: channel)
        #expect(try frames(channel) == ["12345678", "12345678"])
        #expect(try channel.finish().isClean)
    }

    /// An over-long line is reported once, as soon as it passes the limit, its rest is dropped,
    /// and the next line is read normally.
    @Test func reportsAnOverlongLineOnceAndRecovers() throws {
        let channel = try makeChannel(limit: 8)
        try feedOneByteAtATime(Array("123456789A".utf8), to: channel)
        #expect(try frames(channel) == ["<too long>"], "reported before the line ends")
        try feedOneByteAtATime(Array(String(repeating: "x", count: 100).utf8), to: channel)
        try feedOneByteAtATime(Array("\nok\n".utf8), to: channel)
        #expect(try frames(channel) == ["ok"])
        #expect(try channel.finish().isClean)
    }

    /// An over-long line that arrives in one piece, newline included, is reported and skipped too.
    @Test func reportsAnOverlongLineArrivingWhole() throws {
        let channel = try makeChannel(limit: 4)
        try channel.writeInbound(ByteBuffer(string: "abcdefg\r\nabc\n"))
        #expect(try frames(channel) == ["<too long>", "abc"])
        #expect(try channel.finish().isClean)
    }

    /// Memory stays bounded inside an over-long line: the decoder keeps no more than the limit.
    @Test func dropsTheBytesOfAnOverlongLine() throws {
        let channel = EmbeddedChannel()
        let handler = ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 64), maximumBufferSize: 128)
        try channel.pipeline.syncOperations.addHandler(handler)
        for _ in 0..<1_000 {
            try channel.writeInbound(ByteBuffer(repeating: UInt8(ascii: "z"), count: 100))
        }
        try channel.writeInbound(ByteBuffer(string: "\nfine\n"))
        #expect(try frames(channel) == ["<too long>", "fine"])
        #expect(try channel.finish().isClean)
    }

    /// Bytes left without a line ending when the stream ends count as a last line.
    @Test func treatsTrailingBytesAsALastLine() throws {
        let channel = try makeChannel()
        try feedOneByteAtATime(Array("first\nlast".utf8), to: channel)
        #expect(try frames(channel) == ["first"])
        channel.pipeline.fireChannelInactive()
        #expect(try frames(channel) == ["last"])
        _ = try channel.finish()
    }
}
