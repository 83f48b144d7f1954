import Foundation
import GRDB

/// Dates as the SQLite store keeps them: text, `yyyy-MM-dd HH:mm:ss.SSS` in UTC — what GRDB's own
/// `Date.databaseValue` writes, so that the columns compare and sort the same whichever wrote them,
/// and GRDB reads them back as it always did.
///
/// GRDB formats through a `DateFormatter` (ICU), which costs several microseconds a date; a stored
/// turn writes two or three. This writes the same text by arithmetic for dates from 1970 to 9999
/// (to the nearest millisecond, as the formatter rounds) and leaves any other date to GRDB.
enum StoredDate {
    /// The stored text of `date`.
    static func text(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        // 1970-01-01 to 9999-12-31 23:59:59.999 UTC.
        guard milliseconds >= 0, milliseconds < 253_402_300_800_000 else {
            return String.fromDatabaseValue(date.databaseValue) ?? ""
        }
        let total = Int64(milliseconds)
        let days = total / 86_400_000
        let inDay = total % 86_400_000
        let (year, month, day) = civil(daysSince1970: days)
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int64, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 0, digits: 4)
        bytes[4] = UInt8(ascii: "-")
        put(month, at: 5, digits: 2)
        bytes[7] = UInt8(ascii: "-")
        put(day, at: 8, digits: 2)
        bytes[10] = UInt8(ascii: " ")
        put(inDay / 3_600_000, at: 11, digits: 2)
        bytes[13] = UInt8(ascii: ":")
        put(inDay / 60_000 % 60, at: 14, digits: 2)
        bytes[16] = UInt8(ascii: ":")
        put(inDay / 1_000 % 60, at: 17, digits: 2)
        bytes[19] = UInt8(ascii: ".")
        put(inDay % 1_000, at: 20, digits: 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The stored value of `date`, for statement arguments.
    static func databaseValue(_ date: Date) -> DatabaseValue {
        text(date).databaseValue
    }

    /// The proleptic Gregorian date `days` days after 1970-01-01 (days ≥ 0), by Howard Hinnant's
    /// `civil_from_days`.
    private static func civil(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

/// The records' dates are written by ``StoredDate``.
extension SessionRecord {
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { .custom { StoredDate.text($0) } }
}

extension MessageRecord {
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { .custom { StoredDate.text($0) } }
}

extension TicketRecord {
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { .custom { StoredDate.text($0) } }
}
