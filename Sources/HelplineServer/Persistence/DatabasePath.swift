import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one name of a SQLite file however it is reached: its path with symbolic links resolved (of
/// the file, or of its folder when the file does not exist yet). The lock and the turn journal
/// beside the file are named from it, so a file opened through a link is still one file with one
/// lock and one journal.
enum DatabasePath {
    static func resolved(_ path: String) -> String {
        if let real = realPath(path) { return real }
        let url = URL(fileURLWithPath: path)
        guard let folder = realPath(url.deletingLastPathComponent().path) else { return url.standardizedFileURL.path }
        return URL(fileURLWithPath: folder).appendingPathComponent(url.lastPathComponent).path
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
