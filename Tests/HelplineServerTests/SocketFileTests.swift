import Foundation
import Glibc
@testable import HelplineServer
import HelplineTesting
import Testing

/// A daemon removes only the socket file it made: not another daemon's, made later at the same
/// path, even on the same inode.
struct SocketFileTests {
    /// Binds a Unix socket at `path` and closes the descriptor; the file stays.
    private func makeSocketFile(_ path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
    }

    @Test func aFileMadeLaterAtThePathIsNotRemoved() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sock")
        try makeSocketFile(path)
        let mine = try #require(SocketFile.identity(path))
        unlink(path)
        // Another daemon's socket at the same path (often on the same inode).
        try makeSocketFile(path)
        let theirs = try #require(SocketFile.identity(path))
        #expect(mine != theirs)
        SocketFile.remove(path, ifStill: mine)
        #expect(FileManager.default.fileExists(atPath: path), "the other daemon's socket stays")
        SocketFile.remove(path, ifStill: theirs)
        #expect(!FileManager.default.fileExists(atPath: path), "its own is removed")
    }
}
