#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import HelplineDesk
import HelplineDialogue

/// Routes the daemon's signals: SIGTERM and SIGINT shut it down gracefully (a second one closes
/// every connection at once), SIGHUP reloads its data. Keep the watcher alive while the daemon runs.
public final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    /// Starts handling SIGTERM, SIGINT and SIGHUP for `daemon`; `reload` builds the new engine, and
    /// `reloadDesk` (for a daemon with a desk) the desk's rules for it.
    public init(daemon: HelplineDaemon, reload: @escaping @Sendable () throws -> DialogueEngine,
                reloadDesk: (@Sendable (DialogueEngine) throws -> DeskRules)? = nil) {
        let queue = DispatchQueue(label: "helpline.signals")
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { daemon.shutdown() }
            source.resume()
            sources.append(source)
        }
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler {
            // Building the new matcher frees what it used on the way: give that back afterwards.
            defer { ProcessMemory.releaseFreedMemory() }
            guard let reloadDesk else {
                daemon.reload(reload)
                return
            }
            // One reload at a time: this queue waits until the desk has its new rules.
            let done = DispatchSemaphore(value: 0)
            Task {
                await daemon.reload(reload, deskRules: reloadDesk)
                done.signal()
            }
            done.wait()
        }
        hangup.resume()
        sources.append(hangup)
        self.sources = sources
    }

    /// Stops handling the signals (they are ignored afterwards).
    public func cancel() {
        for source in sources { source.cancel() }
    }
}
