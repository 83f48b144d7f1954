import Foundation
import HelplineDesk
import HelplineServer

/// The next value of `stream`. The timeout is for liveness only: a test waits for the event, and
/// fails rather than hangs if it never comes.
public func nextValue<T: Sendable>(_ stream: AsyncStream<T>, timeout: Duration = .seconds(90)) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TestFailure("nothing arrived within \(timeout)")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TestFailure("the stream ended") }
        return value
    }
}

extension DeskClient {
    /// Waits for the first event that `matches`, skipping others.
    public func event(where matches: (DeskEvent) -> Bool) async throws -> DeskEvent {
        while true {
            let event = try await nextValue(events)
            if matches(event) { return event }
        }
    }
}

extension HelplineClient {
    /// Waits for the next event line pushed on this connection.
    public func nextEvent() async throws -> CustomerEventLine {
        try await nextValue(events)
    }
}
