import Foundation

/// Limits and timing for the sessions a daemon serves.
public struct SessionLimits: Sendable, Hashable {
    /// The most open sessions; `open` beyond it answers `overloaded`.
    public var maximumSessions: Int
    /// A session unused for this long expires (its appeals stay).
    public var sessionTTL: TimeInterval
    /// A session unused for this long is dropped from memory (it stays in the database).
    public var memoryIdleTime: TimeInterval
    /// What customers wrote in a session that ended is kept this long for `helpline review`
    /// (0: dropped at the next sweep).
    public var reviewRetention: TimeInterval

    public init(maximumSessions: Int = 100_000, sessionTTL: TimeInterval = 24 * 3600, memoryIdleTime: TimeInterval = 600,
                reviewRetention: TimeInterval = 30 * 24 * 3600) {
        self.maximumSessions = maximumSessions
        self.sessionTTL = sessionTTL
        self.memoryIdleTime = memoryIdleTime
        self.reviewRetention = reviewRetention
    }
}
