import Foundation
import HelplineChat
import HelplineDialogue

/// How one transcript went.
public struct TranscriptResult: Sendable {
    public var title: String
    /// Where the transcript starts.
    public var location: SourceLocation
    /// `nil` when it passed.
    public var failure: ReplayFailure?
    /// Why it was not replayed here, when it was not (a desk transcript that moves the clock,
    /// against a daemon on the real clock). It neither passed nor failed.
    public var skipped: String?

    public init(title: String, location: SourceLocation, failure: ReplayFailure? = nil, skipped: String? = nil) {
        self.title = title
        self.location = location
        self.failure = failure
        self.skipped = skipped
    }

    /// Nothing went wrong (a skipped transcript did not fail either).
    public var passed: Bool { failure == nil }
}

/// The first step of a transcript that went wrong, with every mismatch of that step.
public struct ReplayFailure: Sendable, Hashable {
    /// The user line of the failing step; `nil` for the greeting or when the transcript could not run.
    public var userLine: SourceLocation?
    public var userText: String?
    public var mismatches: [Mismatch]
    /// The failing step as written, when it is not a customer's `>` line (a desk transcript's
    /// `мария> …`, `@ ольга: …` or `~ 5m`).
    public var step: String?

    public init(userLine: SourceLocation?, userText: String?, mismatches: [Mismatch], step: String? = nil) {
        self.userLine = userLine
        self.userText = userText
        self.mismatches = mismatches
        self.step = step
    }

    /// Where to look first: the first mismatching line.
    public var location: SourceLocation? { mismatches.first?.location ?? userLine }
}

/// Replays transcripts against a target and checks every reply.
///
/// A transcript stops at its first step with a mismatch (later steps would only repeat the
/// consequences); all mismatches of that step are reported.
public struct TranscriptRunner: Sendable {
    public let target: any ReplayTarget

    public init(target: any ReplayTarget) {
        self.target = target
    }

    /// Replays one transcript.
    public func run(_ transcript: Transcript) async -> TranscriptResult {
        var result = TranscriptResult(title: transcript.title, location: transcript.location)
        let profile: Profile
        do {
            let loaded = try transcript.profile.load(relativeTo: transcript.location.file, bundle: target.bundle)
            profile = target.profile(loaded, for: transcript)
        } catch {
            result.failure = ReplayFailure(userLine: nil, userText: nil, mismatches: [
                Mismatch(kind: .error, location: transcript.location, summary: "cannot load the profile: \(error)"),
            ])
            return result
        }

        let backend: any ChatBackend
        do {
            backend = try await target.backend(for: transcript)
        } catch {
            result.failure = ReplayFailure(userLine: nil, userText: nil, mismatches: [
                Mismatch(kind: .error, location: transcript.location, summary: "cannot start the conversation: \(error)"),
            ])
            return result
        }
        result.failure = await play(transcript, profile: profile, on: backend)
        await backend.close()
        return result
    }

    /// Opens the session and says every user line; the first failing step, if any.
    private func play(_ transcript: Transcript, profile: Profile, on backend: any ChatBackend) async -> ReplayFailure? {
        var checker = ReplyChecker()
        do {
            let opened = try await backend.open(profile: profile)
            let mismatches = checker.check(opened.reply, against: transcript.opening)
            if !mismatches.isEmpty {
                return ReplayFailure(userLine: nil, userText: nil, mismatches: mismatches)
            }
        } catch {
            return ReplayFailure(userLine: nil, userText: nil, mismatches: [
                Mismatch(kind: .error, location: transcript.location, summary: "cannot open the session: \(error)"),
            ])
        }
        for turn in transcript.turns {
            let reply: Reply
            do {
                reply = try await backend.say(turn.text)
            } catch {
                return ReplayFailure(userLine: turn.location, userText: turn.text, mismatches: [
                    Mismatch(kind: .error, location: turn.location, summary: "the turn failed: \(error)"),
                ])
            }
            let mismatches = checker.check(reply, against: turn.expectation)
            if !mismatches.isEmpty {
                return ReplayFailure(userLine: turn.location, userText: turn.text, mismatches: mismatches)
            }
        }
        return nil
    }

    /// Replays every transcript of every file, a few at a time; results keep the files' order.
    /// A file that cannot be parsed is one failed result.
    /// Desk transcripts (`*.desk`) run when the target has a desk replayer (``DeskReplaying``)
    /// and are left out otherwise; a replayer that ``DeskReplaying/runsAlone`` gets them one at a
    /// time after everything else.
    public func run(_ files: [TranscriptFile], concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) async -> [TranscriptResult] {
        var jobs: [Job] = []
        var desk: Result<(any DeskReplaying)?, TranscriptSyntaxError>?
        for file in files {
            if file.isDesk {
                if desk == nil {
                    desk = Result { try target.deskReplayer() }.mapError {
                        TranscriptSyntaxError(SourceLocation(file: file.displayPath, line: 0), "cannot set up the desk: \($0)")
                    }
                }
                switch (desk, file.parseDesk()) {
                case (.success(let replayer?)?, .success(let transcripts)):
                    jobs.append(contentsOf: transcripts.map { Job.desk($0, replayer) })
                case (.success(nil)?, _):
                    continue
                case (.failure(let error)?, _), (_, .failure(let error)):
                    jobs.append(.broken(file, error))
                case (nil, _):
                    continue
                }
                continue
            }
            switch file.parse() {
            case .success(let transcripts):
                jobs.append(contentsOf: transcripts.map(Job.transcript))
            case .failure(let error):
                jobs.append(.broken(file, error))
            }
        }
        return await run(jobs, concurrency: concurrency)
    }

    /// Replays parsed transcripts, a few at a time; results keep their order.
    public func run(_ transcripts: [Transcript], concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) async -> [TranscriptResult] {
        await run(transcripts.map(Job.transcript), concurrency: concurrency)
    }

    private enum Job: Sendable {
        case transcript(Transcript)
        case desk(DeskTranscript, any DeskReplaying)
        case broken(TranscriptFile, TranscriptSyntaxError)
    }

    private func run(_ jobs: [Job], concurrency: Int) async -> [TranscriptResult] {
        let alone = jobs.indices.filter { if case .desk(_, let replayer) = jobs[$0] { replayer.runsAlone } else { false } }
        guard !alone.isEmpty else { return await runTogether(jobs, concurrency: concurrency) }
        let together = jobs.indices.filter { !alone.contains($0) }
        var results = [TranscriptResult?](repeating: nil, count: jobs.count)
        for (index, result) in zip(together, await runTogether(together.map { jobs[$0] }, concurrency: concurrency)) {
            results[index] = result
        }
        for index in alone {
            results[index] = (await runTogether([jobs[index]], concurrency: 1)).first
        }
        return results.compactMap { $0 }
    }

    private func runTogether(_ jobs: [Job], concurrency: Int) async -> [TranscriptResult] {
        var results = [TranscriptResult?](repeating: nil, count: jobs.count)
        await withTaskGroup(of: (Int, TranscriptResult).self) { group in
            var next = 0
            func start(_ index: Int) {
                let job = jobs[index]
                group.addTask {
                    switch job {
                    case .transcript(let transcript):
                        return (index, await run(transcript))
                    case .desk(let transcript, let replayer):
                        return (index, await replayer.run(transcript))
                    case .broken(let file, let error):
                        return (index, TranscriptResult(
                            title: file.displayPath, location: SourceLocation(file: file.displayPath, line: error.location.line),
                            failure: ReplayFailure(userLine: nil, userText: nil, mismatches: [
                                Mismatch(kind: .error, location: error.location, summary: error.message),
                            ])))
                    }
                }
            }
            while next < min(max(concurrency, 1), jobs.count) {
                start(next)
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < jobs.count {
                    start(next)
                    next += 1
                }
            }
        }
        return results.compactMap { $0 }
    }
}

/// A transcript file to replay: native (`*.transcript`) or Botium (`*.convo.txt`).
public struct TranscriptFile: Sendable, Hashable {
    public var url: URL
    /// The path shown in reports.
    public var displayPath: String

    public init(url: URL, displayPath: String? = nil) {
        self.url = url
        self.displayPath = displayPath ?? url.path
    }

    /// The native format's file extension.
    public static let nativeExtension = "transcript"
    /// BotiumScript's convo file suffix.
    public static let botiumSuffix = ".convo.txt"

    public var isBotium: Bool { url.lastPathComponent.lowercased().hasSuffix(Self.botiumSuffix) }

    /// The extension of transcripts with both sides of the desk.
    public static let deskExtension = "desk"

    public var isDesk: Bool { url.pathExtension.lowercased() == Self.deskExtension }

    /// Whether a file found in a folder is a transcript.
    public static func isTranscript(_ url: URL) -> Bool {
        let name = url.lastPathComponent.lowercased()
        let ext = url.pathExtension.lowercased()
        return !name.hasPrefix(".") && (ext == nativeExtension || ext == deskExtension || name.hasSuffix(botiumSuffix))
    }

    /// The customer-only transcripts in the file (none in a desk file: ``parseDesk()`` reads those).
    public func parse() -> Result<[Transcript], TranscriptSyntaxError> {
        if isDesk { return .success([]) }
        let location = SourceLocation(file: displayPath, line: 0)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return .failure(TranscriptSyntaxError(location, "cannot read the file"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(TranscriptSyntaxError(location, "the file is not UTF-8 text"))
        }
        do {
            if isBotium { return .success([try BotiumParser.parse(text, file: displayPath)]) }
            return .success(try TranscriptParser.parse(text, file: displayPath))
        } catch let error as TranscriptSyntaxError {
            return .failure(error)
        } catch {
            return .failure(TranscriptSyntaxError(location, "\(error)"))
        }
    }

    /// The desk transcripts in a `*.desk` file.
    public func parseDesk() -> Result<[DeskTranscript], TranscriptSyntaxError> {
        let location = SourceLocation(file: displayPath, line: 0)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            return .failure(TranscriptSyntaxError(location, "cannot read the file as UTF-8 text"))
        }
        do {
            return .success(try DeskTranscriptParser.parse(text, file: displayPath))
        } catch let error as TranscriptSyntaxError {
            return .failure(error)
        } catch {
            return .failure(TranscriptSyntaxError(location, "\(error)"))
        }
    }

    /// The transcript files named by `paths`: files as given, folders searched recursively for
    /// `*.transcript` and `*.convo.txt`, each folder's files in name order. A path that does not
    /// exist is an error.
    public static func find(_ paths: [String]) throws -> [TranscriptFile] {
        var files: [TranscriptFile] = []
        var seen: Set<String> = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw TranscriptSyntaxError(SourceLocation(file: path, line: 0), "no such file or folder")
            }
            let root = URL(fileURLWithPath: path)
            var found: [TranscriptFile] = []
            if isDirectory.boolValue {
                let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                            options: [.skipsHiddenFiles])
                while let url = walker?.nextObject() as? URL {
                    guard isTranscript(url) else { continue }
                    let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count))
                    let display = (path.hasSuffix("/") ? String(path.dropLast()) : path) + relative
                    found.append(TranscriptFile(url: url, displayPath: display))
                }
                found.sort { $0.displayPath.compare($1.displayPath, options: [.numeric]) == .orderedAscending }
            } else {
                found = [TranscriptFile(url: root, displayPath: path)]
            }
            for file in found where seen.insert(file.url.standardizedFileURL.path).inserted {
                files.append(file)
            }
        }
        return files
    }
}
