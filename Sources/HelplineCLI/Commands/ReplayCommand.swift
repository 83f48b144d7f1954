import ArgumentParser
import Foundation
import HelplineTranscripts

/// `helpline replay`: replays transcripts and Botium convos as tests.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay transcripts (*.transcript), desk transcripts (*.desk) and Botium convos (*.convo.txt) as tests.",
        discussion: """
            Each path is a file or a folder (searched recursively). Every transcript is replayed \
            in this process at its own fixed clock time, or against a running daemon with --socket. \
            Desk transcripts replay in this process, or with --socket and --desk-socket over both \
            sockets of a daemon started for the replay (one at a time, each on an emptied desk); \
            those that move the clock (`~` steps) are then skipped as needing in-process replay. \
            Each failure is printed with the transcript, the line, and expected against actual; \
            the last line is `N passed, N failed`. The exit status is 1 when any transcript fails. \
            The format is described in docs/TRANSCRIPTS.md.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("Replay against the daemon listening on this Unix socket instead of in this process.", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("With --socket: replay desk transcripts (*.desk) over this desk socket of the same daemon.", valueName: "path"))
    var deskSocket: String?

    @Flag(name: .shortAndLong, help: "Also list the transcripts that pass.")
    var verbose = false

    @Argument(help: ArgumentHelp("Transcript files and folders.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if deskSocket != nil && socket == nil {
            throw ValidationError("--desk-socket needs --socket: the customers' side of the same daemon")
        }
        if paths.isEmpty { throw ValidationError("name at least one transcript file or folder, e.g. `helpline replay Transcripts`") }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path): no such file or folder")
        }
    }

    func run() async throws {
        let files: [TranscriptFile]
        do { files = try TranscriptFile.find(paths) } catch let error as TranscriptSyntaxError {
            FileHandle.standardError.write(Data("helpline replay: \(error.location.file): \(error.message)\n".utf8))
            throw ExitCode.failure
        }
        guard !files.isEmpty else {
            let message = "helpline replay: found no transcripts (*.transcript, *.desk or *.convo.txt) in \(paths.joined(separator: ", "))\n"
            FileHandle.standardError.write(Data(message.utf8))
            throw ExitCode.failure
        }
        let bundle = try data.bundle()
        let results: [TranscriptResult]
        if let socket {
            let target: SocketTarget
            do { target = try await SocketTarget.connect(to: socket, bundle: bundle, deskSocket: deskSocket) } catch {
                FileHandle.standardError.write(Data("helpline replay: \(error)\n".utf8))
                throw ExitCode.failure
            }
            results = await TranscriptRunner(target: target).run(files)
            await target.disconnect()
        } else {
            results = await TranscriptRunner(target: InProcessTarget(engine: try data.engine(for: bundle), bundle: bundle)).run(files)
        }
        var output = ""
        for result in results {
            if result.skipped != nil {
                output += ReplayReport.renderSkipped(result)
            } else if result.passed {
                if verbose { output += "ok   \(result.location) — \(result.title)\n" }
            } else {
                output += ReplayReport.render(result) + "\n"
            }
        }
        output += ReplayReport.summary(results) + "\n"
        FileHandle.standardOutput.write(Data(output.utf8))
        if results.contains(where: { !$0.passed }) { throw ExitCode.failure }
    }
}
