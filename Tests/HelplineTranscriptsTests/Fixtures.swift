import Foundation
import HelplineDialogue
import HelplineFiles
import HelplineIntents
@testable import HelplineTranscripts

/// The package's own data and transcripts, found from this file's path.
enum Fixtures {
    /// The package root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `Transcripts/`.
    static let transcripts = root.appendingPathComponent("Transcripts")
    /// `Intents/`.
    static let intents = root.appendingPathComponent("Intents")

    /// The intent data as it is in the working tree.
    static func bundle() throws -> DataBundle {
        try DataBundle.directory(intents)
    }

    /// An in-process replay target over the working tree's data (built once: the matcher takes a while).
    static func target() throws -> InProcessTarget {
        try shared.get()
    }

    private static let shared: Result<InProcessTarget, any Error> = Result { try InProcessTarget(bundle: try bundle()) }

    /// Every transcript file under `Transcripts/`, shown relative to the package root.
    static func transcriptFiles() throws -> [TranscriptFile] {
        try TranscriptFile.find([transcripts.path]).map { file in
            TranscriptFile(url: file.url, displayPath: "Transcripts" + file.displayPath.dropFirst(transcripts.path.count))
        }
    }
}
