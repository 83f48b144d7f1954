import Foundation

/// Reads a file descriptor's lines in large chunks, the way `readLine(strippingNewline: true)`
/// reads them one at a time: a line ends at `\n`, and a `\r` just before it goes too; the last
/// line may have no `\n`; bytes that are not UTF-8 become U+FFFD.
///
/// ```swift
/// var reader = LineReader(fileDescriptor: STDIN_FILENO)
/// while let batch = reader.next(upTo: 4096) { for line in batch { … } }
/// ```
struct LineReader {
    private let fileDescriptor: Int32
    private var buffer: [UInt8] = []
    /// Where the unread part of `buffer` starts.
    private var start = 0
    private var atEnd = false
    private let chunkSize: Int

    init(fileDescriptor: Int32, chunkSize: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.chunkSize = max(1, chunkSize)
    }

    /// The next lines, at most `limit` of them; nil when the input is over.
    mutating func next(upTo limit: Int) -> [String]? {
        var lines: [String] = []
        lines.reserveCapacity(min(limit, 1024))
        while lines.count < limit {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                lines.append(buffer.withUnsafeBufferPointer { String(decoding: $0[start..<end], as: UTF8.self) })
                start = newline + 1
                continue
            }
            if atEnd {
                if start < buffer.count {
                    lines.append(buffer.withUnsafeBufferPointer { String(decoding: $0[start...], as: UTF8.self) })
                    start = buffer.count
                }
                break
            }
            fill()
        }
        return lines.isEmpty && atEnd ? nil : lines
    }

    /// Moves the unread bytes to the front and reads one more chunk after them.
    private mutating func fill() {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunkSize))
        var count = 0
        repeat {
            count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress! + old, chunkSize) }
        } while count < 0 && errno == EINTR
        buffer.removeLast(chunkSize - max(0, count))
        if count <= 0 { atEnd = true }
    }
}
