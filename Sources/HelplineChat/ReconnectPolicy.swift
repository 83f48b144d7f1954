/// How a `SocketChatBackend` retries when the daemon cannot be reached.
public struct ReconnectPolicy: Sendable {
    /// The delays before each retry, in seconds; the last repeats.
    public var delays: [Double]
    /// The most retries of one call; `nil` retries until interrupted.
    public var maximumAttempts: Int?
    /// A counter that changes when the user asks to stop waiting (Ctrl-C); read between retries.
    public var interruptions: @Sendable () -> Int

    public init(delays: [Double], maximumAttempts: Int?, interruptions: @escaping @Sendable () -> Int = { 0 }) {
        self.delays = delays
        self.maximumAttempts = maximumAttempts
        self.interruptions = interruptions
    }

    /// No retries: the first failure is an error (the transcript replayer).
    public static let none = ReconnectPolicy(delays: [], maximumAttempts: 0)

    /// The delay before retry number `attempt` (from 1), or `nil` when there are no more retries.
    public func delay(beforeAttempt attempt: Int) -> Double? {
        if let maximumAttempts, attempt > maximumAttempts { return nil }
        guard let last = delays.last else { return nil }
        return attempt <= delays.count ? delays[attempt - 1] : last
    }
}
