#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOCore
import NIOPosix

/// The socket file on disk: checking what is already there, setting its mode, removing it.
enum SocketFile {
    /// Which file a path named when it was checked. The change time tells apart a file made later
    /// on the same inode (a file system reuses a deleted file's inode at once); a file changed
    /// since (its mode set by hand) counts as another, so it is left in place, and replaced as
    /// stale at the next start.
    struct Identity: Sendable, Hashable {
        var device: UInt64
        var inode: UInt64
        var changedSeconds: Int64
        var changedNanoseconds: Int64
    }

    /// The longest socket path, in bytes: SwiftNIO takes at most 103 on every system (macOS'
    /// `sun_path` less its NUL), below Linux's own 107.
    static let maximumPathBytes = min(103, MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1)

    /// Makes `path` free to bind: nothing there is fine; a socket nobody listens on (left by a
    /// daemon that died) is removed; a socket something answers on is left alone and reported.
    /// `option` names the command-line option that gave the path, for the messages.
    static func prepare(_ path: String, option: String = "--socket", group: any EventLoopGroup) async throws {
        let length = path.utf8.count
        guard length <= maximumPathBytes else {
            throw DaemonError("the socket path is \(length) bytes long; the daemon takes Unix socket paths of at most "
                + "\(maximumPathBytes) bytes. Choose a shorter \(option)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT {
                // Nothing there: the folder must be, or binding fails with a less helpful error.
                let folder = (path as NSString).deletingLastPathComponent
                var folderInfo = stat()
                guard folder.isEmpty || (stat(folder, &folderInfo) == 0 && (folderInfo.st_mode & S_IFMT) == S_IFDIR) else {
                    throw DaemonError("the folder of \(option) \(path) does not exist; create it or choose another \(option)")
                }
                return
            }
            throw DaemonError("cannot check \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw DaemonError("\(path) exists and is not a socket; remove it or choose another \(option)")
        }
        switch await probe(path, group: group) {
        case .answered:
            throw DaemonError("another helpline daemon is already serving on \(path) (it answered a ping); stop it first or choose another \(option)")
        case .listening:
            throw DaemonError("something is listening on \(path) (it accepted a connection but did not answer a ping); leaving it alone, choose another \(option)")
        case .refused:
            guard unlink(path) == 0 || errno == ENOENT else {
                throw DaemonError("cannot remove the stale socket \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    private enum Probe {
        case answered, listening, refused
    }

    /// Whether a daemon answers on `path`. A daemon answers a ping at once when idle; the wait is
    /// long so that one busy with other clients on a loaded machine is still recognised.
    private static func probe(_ path: String, group: any EventLoopGroup) async -> Probe {
        let client: HelplineClient
        do {
            client = try await HelplineClient.connect(to: path, group: group, connectTimeout: .seconds(2))
        } catch {
            return .refused
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(15))
            await client.disconnect()
        }
        let reply = try? await client.ping()
        timeout.cancel()
        await client.disconnect()
        return reply?.pong == true ? .answered : .listening
    }

    /// The device, inode and change time of what `path` names now.
    static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino),
                        changedSeconds: Int64(info.st_ctim.tv_sec), changedNanoseconds: Int64(info.st_ctim.tv_nsec))
    }

    /// Sets the socket file's permission bits.
    static func setMode(_ path: String, _ mode: UInt16) throws {
        guard chmod(path, mode_t(mode)) == 0 else {
            throw DaemonError("cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes `path` if it is still the file this daemon created.
    static func remove(_ path: String, ifStill identity: Identity?) {
        guard let identity, self.identity(path) == identity else { return }
        unlink(path)
    }
}
