import Foundation
@testable import HelplineServer
import Synchronization
import Testing

/// A repeated log line goes through at most once per interval, and says how many were held back.
struct LogThrottleTests {
    @Test func letsOneThroughPerIntervalAndCountsTheRest() {
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let throttle = LogThrottle(interval: 1, clock: { now.withLock { $0 } })
        #expect(throttle.admit() == 0)
        #expect(throttle.admit() == nil)
        now.withLock { $0 += 0.5 }
        #expect(throttle.admit() == nil)
        now.withLock { $0 += 0.6 }
        #expect(throttle.admit() == 2, "two were held back since the last one logged")
        #expect(throttle.admit() == nil)
        now.withLock { $0 += 5 }
        #expect(throttle.admit() == 1)
    }
}
