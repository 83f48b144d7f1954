import Foundation
import HelplineFiles
import HelplineIntents
import Testing

struct MatcherCacheTests {
    /// A small data bundle: two intents and off-topic examples.
    static let bundle = DataBundle(files: [
        "returns.yaml": """
            id: returns
            kind: topic
            title: Возвраты
            examples: [хочу вернуть товар, как оформить возврат, верните деньги за заказ, товар не подошел]
            keywords: [возврат]
            """,
        "delivery.yaml": """
            id: delivery
            kind: topic
            title: Доставка
            examples: [сколько стоит доставка, когда привезут заказ, поменять адрес доставки, доставка курьером]
            """,
        "config/offtopic.yaml": """
            examples: [какая погода завтра, рецепт борща, расскажи анекдот]
            """,
    ])

    static let texts = ["хочу вернуть товар", "когда привезут", "rfr jajhvbnm djpdhfn", "погода", "доставка и возврат", ""]

    /// A cache in a fresh temporary folder, for the build `build`.
    static func cache(build: String = "build 1", format: UInt32 = MatcherSnapshot.formatVersion) -> (MatcherCache, URL) {
        let folder = FileManager.default.temporaryDirectory.appending(path: "helpline-cache-\(UUID().uuidString)")
        return (MatcherCache(folder: folder, build: build, executable: "/bin/helpline", format: format), folder)
    }

    static func snapshotFiles(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// The first start builds the matcher and saves its snapshot (one file, no temporary file
    /// left); the next reads it, and both classify alike.
    @Test func savesThenLoads() throws {
        let (cache, folder) = Self.cache()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (built, first) = try cache.matcher(for: Self.bundle, source: "built-in")
        #expect(first == .built(reason: "no snapshot", saved: true))
        #expect(Self.snapshotFiles(folder).count == 1)
        #expect(Self.snapshotFiles(folder).allSatisfy { $0.hasPrefix("matcher-") && $0.hasSuffix(".snapshot") })
        let (loaded, second) = try cache.matcher(for: Self.bundle, source: "built-in")
        #expect(second == .loaded)
        for text in Self.texts { #expect(built.classify(text) == loaded.classify(text)) }
    }

    /// A changed data file, another build of the program or another snapshot format each make
    /// the matcher be built again (and the snapshot replaced, so the next start loads it).
    @Test(arguments: ["data", "build", "format"])
    func anyChangeOfKeyRebuilds(change: String) throws {
        let (cache, folder) = Self.cache()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try cache.matcher(for: Self.bundle, source: "built-in")
        var other = cache
        var bundle = Self.bundle
        switch change {
        case "data": bundle.files["delivery.yaml"]! += "\nkeywords: [курьер]\n"
        case "build": other.build = "build 2"
        default: other.format += 1
        }
        let (rebuilt, outcome) = try other.matcher(for: bundle, source: "built-in")
        guard case .built(let reason, saved: true) = outcome else {
            Issue.record("\(change): \(outcome)")
            return
        }
        #expect(reason.contains(change == "data" ? "other data" : change))
        #expect(Self.snapshotFiles(folder).count == 1)
        #expect(try other.matcher(for: bundle, source: "built-in").1 == .loaded)
        let fresh = IntentMatcher(catalog: try IntentCatalog(bundle: bundle))
        for text in Self.texts { #expect(rebuilt.classify(text) == fresh.classify(text)) }
    }

    /// A truncated, corrupted, empty or garbage snapshot file is ignored: the matcher is built and
    /// the file rewritten, never a crash.
    @Test(arguments: ["truncated", "flipped", "empty", "garbage", "folder"])
    func brokenFileRebuilds(damage: String) throws {
        let (cache, folder) = Self.cache()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try cache.matcher(for: Self.bundle, source: "s")
        let file = cache.file(in: folder, source: "s")
        var bytes = [UInt8](try Data(contentsOf: file))
        switch damage {
        case "truncated": bytes.removeLast(bytes.count / 3)
        case "flipped": bytes[bytes.count * 2 / 3] ^= 0x40
        case "empty": bytes = []
        case "garbage": bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        default: bytes = []
        }
        if damage == "folder" {
            try FileManager.default.removeItem(at: file)
            try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false)
        } else {
            try Data(bytes).write(to: file)
        }
        let (matcher, outcome) = try cache.matcher(for: Self.bundle, source: "s")
        guard case .built(_, let saved) = outcome else {
            Issue.record("\(damage): \(outcome)")
            return
        }
        #expect(saved == (damage != "folder"))
        let fresh = IntentMatcher(catalog: try IntentCatalog(bundle: Self.bundle))
        for text in Self.texts { #expect(matcher.classify(text) == fresh.classify(text)) }
        if damage != "folder" { #expect(try cache.matcher(for: Self.bundle, source: "s").1 == .loaded) }
    }

    /// A folder that cannot be created (its parent is a file) only means building: nothing is saved,
    /// nothing thrown. With no folder or no known build the cache is off.
    @Test func unusableFolderOrNoBuildBuilds() throws {
        let parent = FileManager.default.temporaryDirectory.appending(path: "helpline-cache-file-\(UUID().uuidString)")
        try Data("not a folder".utf8).write(to: parent)
        defer { try? FileManager.default.removeItem(at: parent) }
        let blocked = MatcherCache(folder: parent.appending(path: "cache"), build: "b")
        #expect(try blocked.matcher(for: Self.bundle).1 == .built(reason: "no snapshot", saved: false))
        #expect(try MatcherCache(folder: nil, build: "b").matcher(for: Self.bundle).1 == .off)
        #expect(try MatcherCache(folder: parent, build: nil).matcher(for: Self.bundle).1 == .off)
    }

    /// Each data source and each executable has its own file.
    @Test func filesPerSourceAndExecutable() {
        let folder = URL(fileURLWithPath: "/tmp/c")
        let a = MatcherCache(folder: folder, build: "b", executable: "/x/helpline")
        let b = MatcherCache(folder: folder, build: "b", executable: "/y/helpline")
        #expect(a.file(in: folder, source: "built-in") != a.file(in: folder, source: "/data/intents"))
        #expect(a.file(in: folder, source: "built-in") != b.file(in: folder, source: "built-in"))
        #expect(a.file(in: folder, source: "built-in") == a.file(in: folder, source: "built-in"))
    }

    /// The folder: `$HELPLINE_MODEL_CACHE` (`off` turns the cache off), else `$XDG_CACHE_HOME/helpline`,
    /// else `~/.cache/helpline`.
    @Test func folderFromTheEnvironment() {
        #expect(MatcherCache.folder(environment: ["HELPLINE_MODEL_CACHE": "/m", "XDG_CACHE_HOME": "/x", "HOME": "/h"])?.path == "/m")
        #expect(MatcherCache.folder(environment: ["HELPLINE_MODEL_CACHE": "off", "HOME": "/h"]) == nil)
        #expect(MatcherCache.folder(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"])?.path == "/x/helpline")
        #expect(MatcherCache.folder(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"])?.path == "/h/.cache/helpline")
        #expect(MatcherCache.folder(environment: [:]) == nil)
    }

    /// The running test binary has an identity, and it stays the same within the process.
    @Test func buildIdentityIsKnown() throws {
        let identity = try #require(MatcherCache.buildIdentity())
        #expect(identity.contains("size") && identity == MatcherCache.buildIdentity())
    }
}

struct MatcherCachePruningTests {
    /// Saving a snapshot keeps the most recently used snapshot files (the new one among them)
    /// and removes the rest; other files in the folder stay.
    @Test func savingKeepsTheMostRecentlyUsed() throws {
        let (cache, folder) = MatcherCacheTests.cache()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var old: [String] = []
        for day in 1...10 {
            let name = "matcher-old\(day).snapshot"
            let path = folder.appending(path: name).path
            try Data("old".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(day) * 86_400)],
                                                  ofItemAtPath: path)
            old.append(name)
        }
        try Data("notes".utf8).write(to: folder.appending(path: "README"))
        _ = try cache.matcher(for: MatcherCacheTests.bundle, source: "new")
        let kept = MatcherCacheTests.snapshotFiles(folder)
        let newest = cache.file(in: folder, source: "new").lastPathComponent
        #expect(Set(kept) == Set(old.suffix(MatcherCache.keptFiles - 1) + [newest, "README"]))
    }

    /// A temporary file left by a write that never finished goes once it is an hour old; one
    /// being written now stays.
    @Test func removesAbandonedTemporaryFiles() throws {
        let (cache, folder) = MatcherCacheTests.cache()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let abandoned = folder.appending(path: ".matcher-x.snapshot.1.2.tmp").path
        let writing = folder.appending(path: ".matcher-x.snapshot.3.4.tmp").path
        for path in [abandoned, writing] { try Data("part".utf8).write(to: URL(fileURLWithPath: path)) }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-2 * MatcherCache.abandonedAfter)],
                                              ofItemAtPath: abandoned)
        _ = try cache.matcher(for: MatcherCacheTests.bundle, source: "new")
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: writing))
    }

    /// Reading a snapshot marks it used, so it outlives files used less recently.
    @Test func readingMarksTheSnapshotUsed() throws {
        let (cache, folder) = MatcherCacheTests.cache()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try cache.matcher(for: MatcherCacheTests.bundle, source: "a")
        let file = cache.file(in: folder, source: "a")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 86_400)], ofItemAtPath: file.path)
        #expect(try cache.matcher(for: MatcherCacheTests.bundle, source: "a").1 == .loaded)
        let used = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date)
        #expect(used > Date(timeIntervalSince1970: 86_400 * 365))
    }
}
