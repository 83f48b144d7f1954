import Foundation
import GRDB
import Testing
@testable import HelplineServer

/// The store writes dates itself: the text must be GRDB's own, to the byte, or stored dates would
/// compare and sort differently depending on which wrote them.
struct StoredDateTests {
    /// Random instants from 1970 to 2400 (with fractions of a millisecond), the edges of the range,
    /// instants just around whole milliseconds, seconds, days, leap days and years: the same text as
    /// GRDB's `Date.databaseValue`.
    @Test func writesWhatGRDBWrites() {
        var random = SystemRandomNumberGenerator()
        var seconds: [Double] = (0..<20_000).map { _ in Double.random(in: 0..<13_569_465_600, using: &random) }
        let marks: [Double] = [0, 86_400, 951_782_400, 951_868_799.999, 1_709_164_800, 4_107_542_400,
                               1_893_456_000, 1_735_689_599.9995, 253_402_300_799.999]
        for mark in marks {
            seconds += [mark, mark + 0.0001, mark + 0.0009, mark + 0.001, mark - 0.0001, mark + 0.5, mark + 59.9999]
        }
        seconds += (0..<2_000).map { Double($0) * 0.001 + 1_800_000_000 }
        var differences: [String] = []
        for value in seconds where value >= 0 {
            let date = Date(timeIntervalSince1970: value)
            let ours = StoredDate.text(date)
            let grdb = String.fromDatabaseValue(date.databaseValue)
            if ours != grdb { differences.append("\(value): \(ours) ≠ \(grdb ?? "nil")") }
        }
        #expect(differences.count == 0, "\(differences.count) differ, such as \(differences.prefix(5).joined(separator: "; "))")
    }

    /// Outside 1970–9999 the text is GRDB's too (it writes those itself).
    @Test func leavesOtherDatesToGRDB() {
        for value in [-1.5, -86_400.25, -2_208_988_800, 253_402_300_800, 300_000_000_000] {
            let date = Date(timeIntervalSince1970: value)
            #expect(StoredDate.text(date) == String.fromDatabaseValue(date.databaseValue))
        }
    }

    /// What is written reads back through GRDB as the same millisecond.
    @Test func readsBackThroughGRDB() throws {
        let date = Date(timeIntervalSince1970: 1_900_000_000.123_9)
        let read = try #require(Date.fromDatabaseValue(StoredDate.databaseValue(date)))
        #expect(abs(read.timeIntervalSince1970 - 1_900_000_000.124) < 0.000_5)
    }
}
