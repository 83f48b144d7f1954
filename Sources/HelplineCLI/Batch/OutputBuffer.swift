import Foundation

/// Bytes on their way to a file descriptor: collected in memory and written in large pieces
/// (whenever `limit` bytes are waiting, and on ``flush()``), instead of one write per line.
struct OutputBuffer {
    private let fileDescriptor: Int32
    private let limit: Int
    private(set) var bytes: [UInt8] = []

    init(fileDescriptor: Int32, limit: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.limit = limit
        bytes.reserveCapacity(limit + 4096)
    }

    /// Adds bytes, writing the buffer out once it holds `limit` bytes or more.
    mutating func append(_ more: [UInt8]) {
        bytes.append(contentsOf: more)
        if bytes.count >= limit { flush() }
    }

    /// Writes out everything buffered.
    mutating func flush() {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
