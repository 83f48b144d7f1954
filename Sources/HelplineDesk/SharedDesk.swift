import Foundation

/// A ``Desk`` shared by concurrent callers: every operation runs alone on the actor, so taking
/// an appeal is atomic across connections — no appeal goes to two specialists.
///
/// A host that keeps the desk in a database does the same with one transaction per operation;
/// this actor is the in-memory form (tests, a single-process daemon).
public actor SharedDesk {
    public private(set) var desk: Desk

    public init(_ desk: Desk) {
        self.desk = desk
    }

    /// Runs one operation on the desk, alone.
    public func perform<T: Sendable>(_ operation: @Sendable (inout Desk) throws -> T) rethrows -> T {
        try operation(&desk)
    }

    /// ``Desk/takeNext(specialist:now:)``, alone.
    public func takeNext(specialist: String, now: Date) throws(DeskError) -> DeskOutcome {
        try desk.takeNext(specialist: specialist, now: now)
    }
}
