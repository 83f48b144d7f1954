import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard input and output as descriptors the event loop can wait on. Pipes, sockets and
/// terminals are used as they are; a regular file (`serve --stdio < requests.jsonl > answers`)
/// cannot be polled, so it is joined to the loop by a pipe and a thread copying between the two.
struct PollableDescriptors {
    let input: CInt
    let output: CInt
    /// Done once everything written to `output` has reached the file it stands for.
    private let outputCopied: DispatchSemaphore?

    init(input: CInt, output: CInt) throws {
        if Self.isPollable(input) {
            self.input = input
        } else {
            let (read, write) = try Self.makePipe()
            Self.copy(from: input, to: write, done: nil)
            self.input = read
        }
        if Self.isPollable(output) {
            self.output = output
            outputCopied = nil
        } else {
            let (read, write) = try Self.makePipe()
            let done = DispatchSemaphore(value: 0)
            Self.copy(from: read, to: output, done: done)
            self.output = write
            outputCopied = done
        }
    }

    /// Waits until the answers written so far have reached a regular output file.
    func waitForOutput() {
        outputCopied?.wait()
    }

    private static func isPollable(_ descriptor: CInt) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return true }
        let type = status.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFSOCK || type == S_IFCHR
    }

    private static func makePipe() throws -> (read: CInt, write: CInt) {
        var ends: [CInt] = [0, 0]
        guard pipe(&ends) == 0 else { throw DaemonError("cannot make a pipe: \(String(cString: strerror(errno)))") }
        return (ends[0], ends[1])
    }

    /// Copies until end of input on a thread of its own, then closes the destination if it is a
    /// pipe this made (the source is closed when it is one).
    private static func copy(from source: CInt, to destination: CInt, done: DispatchSemaphore?) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            copying: while true {
                let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                var offset = 0
                while offset < count {
                    let written = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + offset, count - offset) }
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { break copying }
                    offset += written
                }
            }
            if done == nil { close(destination) } else { close(source) }
            done?.signal()
        }
        thread.start()
    }
}
