import Foundation
import HelplineChat
import HelplineDialogue
import HelplineFiles
import HelplineIntents

/// Where transcripts are replayed: an engine in this process, or a daemon behind a socket.
public protocol ReplayTarget: Sendable {
    /// The data the demo profile comes from.
    var bundle: DataBundle { get }
    /// A fresh conversation backend for one transcript: its `open` starts the transcript's session.
    func backend(for transcript: Transcript) async throws -> any ChatBackend
    /// The profile to open the session with, given the transcript's (a target that cannot fix the
    /// clock moves the travel dates instead).
    func profile(_ profile: Profile, for transcript: Transcript) -> Profile
    /// What replays desk transcripts (`*.desk`) on this target; `nil` when it cannot, and they are
    /// left out.
    func deskReplayer() throws -> (any DeskReplaying)?
}

extension ReplayTarget {
    public func profile(_ profile: Profile, for transcript: Transcript) -> Profile { profile }
    public func deskReplayer() throws -> (any DeskReplaying)? { nil }
}

/// Replays against a ``DialogueEngine`` in this process, at each transcript's fixed clock time.
public struct InProcessTarget: ReplayTarget {
    public let engine: DialogueEngine
    public let bundle: DataBundle

    public init(engine: DialogueEngine, bundle: DataBundle) {
        self.engine = engine
        self.bundle = bundle
    }

    /// An engine over `bundle` (prompts, intents and rules all from it).
    public init(bundle: DataBundle) throws {
        self.init(engine: try DialogueEngine(bundle: bundle), bundle: bundle)
    }

    /// The session id of an in-process replay when the transcript names none.
    public static let defaultSession = "transcript"

    public func backend(for transcript: Transcript) async throws -> any ChatBackend {
        let now = transcript.now
        let session = transcript.session ?? Self.defaultSession
        return InProcessChatBackend(engine: engine, clock: { now }, sessionID: { session })
    }

    /// Desk transcripts replay on the same engine and data, with a desk of their own each.
    public func deskReplayer() throws -> (any DeskReplaying)? {
        try DeskReplayer(engine: engine, bundle: bundle)
    }
}

extension ProfileSource {
    /// Loads the profile. A file path is resolved against the folder of `transcriptFile`.
    public func load(relativeTo transcriptFile: String, bundle: DataBundle) throws -> Profile {
        switch self {
        case .demo:
            return try Profile.demo(in: bundle)
        case .inline(let text):
            return try Profile.load(from: text)
        case .file(let path):
            return try Profile.load(contentsOf: resolve(path, relativeTo: transcriptFile))
        }
    }

    /// The URL of a profile file named in a transcript.
    public func resolve(_ path: String, relativeTo transcriptFile: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        let folder = URL(fileURLWithPath: transcriptFile).deletingLastPathComponent()
        return folder.appendingPathComponent(path).standardizedFileURL
    }
}

extension Profile {
    /// The same customer with every travel date moved by `interval`: replaying a transcript at a
    /// later real time keeps each trip as far ahead of "now" as it was in the transcript.
    public func shifted(by interval: TimeInterval) -> Profile {
        var copy = self
        copy.orders = orders.map { order in
            var moved = order
            moved.startsAt = order.startsAt.map { $0.addingTimeInterval(interval) }
            return moved
        }
        return copy
    }
}
