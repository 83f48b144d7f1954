import HelplineChat

/// Tells the user about the daemon connection: lost (with the next retry), and back.
/// Interactive use shows it in the conversation; piped and JSON use on standard error.
struct ConnectionNotices: Sendable {
    var path: String
    var style: TerminalStyle
    var interactive: Bool
    var json: Bool

    func show(_ event: SocketChatBackend.Event) {
        let text: String
        switch event {
        case .unreachable(let reason, let attempt, _):
            // Said once per outage; the retries that follow are quiet.
            guard attempt == 1 else { return }
            text = ChatStrings.connectionLost(path, reason: reason, canInterrupt: interactive)
        case .reconnected(let resumed):
            text = resumed ? ChatStrings.connectionBack : ChatStrings.connected
        }
        if interactive && !json {
            let wrapped = TextWrapper.wrap(text, width: Terminal.columns()).joined(separator: "\n")
            StandardStream.out(style.warning(wrapped) + "\n")
        } else {
            StandardStream.err(text + "\n")
        }
    }

    /// The reconnect policy for this kind of use: interactive use retries until Ctrl-C; piped use
    /// gives up after a few tries so scripts do not hang.
    var policy: ReconnectPolicy {
        interactive
            ? ReconnectPolicy(delays: [1, 2, 4, 8, 15], maximumAttempts: nil, interruptions: { SignalMonitor.interruptCount })
            : ReconnectPolicy(delays: [0.5, 1, 2], maximumAttempts: 3)
    }
}
