#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import HelplineDialogue

/// Routes the daemon's signals: SIGTERM and SIGINT shut it down gracefully (a second one closes
/// every connection at once), SIGHUP reloads its data. Keep the watcher alive while the daemon runs.
public final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    /// Starts handling SIGTERM, SIGINT and SIGHUP for `daemon`; `reload` builds the new engine.
    public init(daemon: HelplineDaemon, reload: @escaping @Sendable () throws -> DialogueEngine) {
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
        hangup.setEventHandler { daemon.reload(reload) }
        hangup.resume()
        sources.append(hangup)
        self.sources = sources
    }

    /// Stops handling the signals (they are ignored afterwards).
    public func cancel() {
        for source in sources { source.cancel() }
    }
}
