import Foundation
import Synchronization

/// Lets a repeated log line through at most once per ``interval``, counting the ones held back,
/// so that a client cannot grow the log without bound by repeating what makes the daemon log
/// (connections over the limit, turns refused while the disk is full). The first occurrence is
/// logged at once; a later one logged says how many were left out since the last.
final class LogThrottle: Sendable {
    let interval: TimeInterval
    private let clock: @Sendable () -> Date
    private let state = Mutex<(last: Date?, held: Int)>((nil, 0))

    init(interval: TimeInterval = 1, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.interval = interval
        self.clock = clock
    }

    /// Nil when this occurrence is to be left out; else how many were left out before it.
    func admit() -> Int? {
        let now = clock()
        return state.withLock { state in
            if let last = state.last, now.timeIntervalSince(last) < interval {
                state.held += 1
                return nil
            }
            let held = state.held
            state = (now, 0)
            return held
        }
    }
}
