import Foundation
import HelplineIntents

/// A folder of model snapshots (`MatcherSnapshot`), so a process starts by reading the matcher it
/// built last time instead of building it again.
///
/// A snapshot is used only when its key matches: the same data files byte for byte, the same
/// snapshot format and the same executable (its device, inode, size and modification time, as
/// `/proc/self/exe` names it: a rebuilt binary never reads its predecessor's model). Anything else —
/// no file, another key, a truncated or corrupt file, a folder that cannot be read — means the
/// matcher is built from the data as before, and then saved for next time when the folder is
/// writable: to a temporary file renamed into place, so a reader sees the old file or the whole
/// new one. Failing to save is silent; the cache only ever costs a rebuild.
///
/// The folder: `$HELPLINE_MODEL_CACHE` (`off` turns the cache off), else
/// `$XDG_CACHE_HOME/helpline`, else `~/.cache/helpline`. One file per executable and data source
/// (`matcher-<hash>.snapshot`), replaced when either's key changes. A snapshot read is marked used
/// (its modification time set to now); saving one removes all but the ``keptFiles`` most recently
/// used, so folders of test data that come and go do not pile up.
public struct MatcherCache: Sendable {
    /// Where snapshots are kept; nil turns the cache off.
    public var folder: URL?
    /// The identity of the program reading and writing snapshots (see ``buildIdentity()``); nil
    /// (unknown) turns the cache off, since a snapshot of another build must never be used.
    public var build: String?
    /// The path of the executable, which names the snapshot file with the data source.
    public var executable: String
    /// The snapshot format written and accepted (`MatcherSnapshot.formatVersion`).
    public var format: UInt32

    public init(folder: URL?, build: String?, executable: String = "", format: UInt32 = MatcherSnapshot.formatVersion) {
        self.folder = folder
        self.build = build
        self.executable = executable
        self.format = format
    }

    /// How many snapshot files a folder keeps (each executable and data source has one).
    public static let keptFiles = 6

    /// What happened when a matcher was asked for.
    public enum Outcome: Sendable, Hashable {
        /// Read from a snapshot.
        case loaded
        /// Built from the data: no usable snapshot (`reason`); `saved` says whether one was written.
        case built(reason: String, saved: Bool)
        /// Built from the data; the cache is off.
        case off
    }

    /// The cache this process uses, from the environment (see the type's description).
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> MatcherCache {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? ""
        return MatcherCache(folder: folder(environment: environment), build: buildIdentity(), executable: executable)
    }

    /// The folder the environment names, or nil when the cache is off or no folder is known.
    public static func folder(environment: [String: String]) -> URL? {
        if let explicit = environment["HELPLINE_MODEL_CACHE"] {
            if explicit.isEmpty || explicit == "off" { return nil }
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("helpline", isDirectory: true)
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/helpline", isDirectory: true)
        }
        return nil
    }

    /// The running executable's identity: device, inode, size and modification time (to the
    /// nanosecond) of the file `/proc/self/exe` (else `Bundle.main.executablePath`) names. Every
    /// link of a new build writes a new file, so this changes with the training code. Nil when
    /// the executable cannot be found.
    public static func buildIdentity() -> String? {
        var info = stat()
        if stat("/proc/self/exe", &info) != 0 {
            guard let path = Bundle.main.executablePath, stat(path, &info) == 0 else { return nil }
        }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return "exe dev \(info.st_dev) ino \(info.st_ino) size \(info.st_size) mtime \(modified.tv_sec).\(modified.tv_nsec)"
    }

    /// The matcher for `bundle`: read from its snapshot when there is a usable one, else built
    /// from the data (and saved). `source` names where the data came from (a folder, or the
    /// built-in copy), so each source keeps its own file. Throws only what decoding the data
    /// throws (a `DataError`).
    public func matcher(for bundle: DataBundle, source: String = "") throws -> (IntentMatcher, Outcome) {
        matcher(for: bundle, catalog: try IntentCatalog(bundle: bundle), source: source)
    }

    /// Like ``matcher(for:source:)``, with the catalog already decoded from `bundle`.
    public func matcher(for bundle: DataBundle, catalog: IntentCatalog, source: String = "") -> (IntentMatcher, Outcome) {
        guard let folder, let build else { return (IntentMatcher(catalog: catalog), .off) }
        let key = MatcherSnapshot.Key(format: format, data: MatcherSnapshot.DataFingerprint(bundle), build: build)
        let file = self.file(in: folder, source: source)
        let reason: String
        if let bytes = Self.read(file) {
            do {
                let matcher = try MatcherSnapshot.decode(bytes, key: key, catalog: catalog)
                utimes(file.path, nil)
                return (matcher, .loaded)
            } catch {
                reason = error.reason
            }
        } else {
            reason = "no snapshot"
        }
        let matcher = IntentMatcher(catalog: catalog)
        let saved = Self.write(MatcherSnapshot.encode(matcher, key: key), to: file)
        if saved { Self.prune(folder, keeping: Self.keptFiles) }
        return (matcher, .built(reason: reason, saved: saved))
    }

    /// Removes all but the `keeping` most recently used snapshot files of `folder`, and the
    /// temporary files of writes that never finished (a process killed while writing) once they
    /// are an hour old; other files are left alone, and failures are ignored.
    static func prune(_ folder: URL, keeping: Int, now: Double = Date().timeIntervalSince1970) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        var files: [(path: String, used: Double)] = []
        for name in names where name.hasPrefix("matcher-") && name.hasSuffix(".snapshot")
            || name.hasPrefix(".matcher-") && name.hasSuffix(".tmp") {
            let path = folder.appendingPathComponent(name).path
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            #if canImport(Darwin)
            let modified = info.st_mtimespec
            #else
            let modified = info.st_mtim
            #endif
            let used = Double(modified.tv_sec) + Double(modified.tv_nsec) / 1e9
            if name.hasSuffix(".tmp") {
                if now - used > Self.abandonedAfter { unlink(path) }
                continue
            }
            files.append((path, used))
        }
        guard files.count > keeping else { return }
        for file in files.sorted(by: { $0.used > $1.used }).dropFirst(keeping) { unlink(file.path) }
    }

    /// The snapshot file of this executable and data source.
    public func file(in folder: URL, source: String) -> URL {
        var name = MatcherSnapshot.DataFingerprint(DataBundle(files: ["executable": executable, "source": source])).description
        name.removeLast(16)
        return folder.appendingPathComponent("matcher-\(name).snapshot")
    }

    /// The whole file, or nil when it cannot be read.
    static func read(_ file: URL) -> [UInt8]? {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0, info.st_size < Int64(1) << 32 else { return nil }
        let size = Int(info.st_size)
        var ok = true
        // Read straight into the array's storage: no zero-filling of a large buffer first.
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let n = Foundation.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                done += n
            }
            ok = done == size
            // A short read keeps only what was read (every byte of the array is initialized).
            initialized = done
        }
        return ok ? bytes : nil
    }

    /// Writes `bytes` to a temporary file beside `file` and renames it into place; false when any
    /// step fails (the temporary file is removed).
    /// How old a temporary file of a snapshot being written is when it counts as abandoned, in
    /// seconds (a write takes well under one).
    public static let abandonedAfter: Double = 3_600

    static func write(_ bytes: [UInt8], to file: URL) -> Bool {
        let folder = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            return false
        }
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                written += n
            }
            return true
        }
        guard close(fd) == 0, ok, rename(temporary.path, file.path) == 0 else {
            unlink(temporary.path)
            return false
        }
        return true
    }
}
