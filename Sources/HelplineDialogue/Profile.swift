import Foundation
import HelplineIntents
import Yams

/// The customer a session speaks with: who they are and their orders.
public struct Profile: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var premium: Bool
    public var seller: Bool
    public var premiumSeller: Bool
    public var corporate: Bool
    public var orders: [Order]

    enum CodingKeys: String, CodingKey {
        case id, name, premium, seller, corporate, orders
        case premiumSeller = "premium_seller"
    }

    public init(id: String, name: String, premium: Bool = false, seller: Bool = false,
                premiumSeller: Bool = false, corporate: Bool = false, orders: [Order] = []) {
        self.id = id
        self.name = name
        self.premium = premium
        self.seller = seller
        self.premiumSeller = premiumSeller
        self.corporate = corporate
        self.orders = orders
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        premium = try c.decodeIfPresent(Bool.self, forKey: .premium) ?? false
        seller = try c.decodeIfPresent(Bool.self, forKey: .seller) ?? false
        premiumSeller = try c.decodeIfPresent(Bool.self, forKey: .premiumSeller) ?? false
        corporate = try c.decodeIfPresent(Bool.self, forKey: .corporate) ?? false
        orders = try c.decodeIfPresent([Order].self, forKey: .orders) ?? []
    }
}

/// One of the customer's orders or travel bookings.
public struct Order: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case goods, hotel, flight, train, tour

        /// Hotel, flight, train and tour bookings belong to Ozon Travel.
        public var isTravel: Bool { self != .goods }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let kind = Kind(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self = kind
        }
    }

    /// `12345678-0001`.
    public var id: String
    public var title: String
    public var status: String
    public var kind: Kind
    /// When a trip starts (travel bookings).
    public var startsAt: Date?
    /// A travel package, e.g. «Приоритет» or «Всё включено».
    public var package: String?

    enum CodingKeys: String, CodingKey {
        case id, title, status, kind, package
        case startsAt = "starts_at"
    }

    public init(id: String, title: String, status: String = "", kind: Kind = .goods,
                startsAt: Date? = nil, package: String? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.kind = kind
        self.startsAt = startsAt
        self.package = package
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decodeIfPresent(String.self, forKey: .title) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .goods
        package = try c.decodeIfPresent(String.self, forKey: .package)
        // ISO 8601 text (YAML and JSON alike), or a Date from a decoder that has its own strategy.
        if let text = try? c.decodeIfPresent(String.self, forKey: .startsAt) {
            guard let date = ISO8601.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: .startsAt, in: c,
                    debugDescription: "must be an ISO 8601 date-time, e.g. 2026-12-01T10:00:00+03:00")
            }
            startsAt = date
        } else {
            startsAt = try c.decodeIfPresent(Date.self, forKey: .startsAt)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(status, forKey: .status)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(startsAt.map(ISO8601.format), forKey: .startsAt)
        try c.encodeIfPresent(package, forKey: .package)
    }
}

/// ISO 8601 date-times with or without fractional seconds.
public enum ISO8601 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `nil` for anything else, and for dates
    /// that do not exist (Foundation alone reads 2026-02-30 as 2 March).
    public static func parse(_ text: String) -> Date? {
        guard hasValidFields(text) else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Whether the date and time fields of `text` are in range: the day in its month, hours 0–23,
    /// minutes and seconds 0–59, offsets up to ±23:59.
    static func hasValidFields(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ index: Int, is character: Character) -> Bool {
            index < bytes.count && bytes[index] == character.asciiValue
        }
        guard let year = number(0..<4), byte(4, is: "-"), let month = number(5..<7), byte(7, is: "-"),
              let day = number(8..<10), byte(10, is: "T"), let hour = number(11..<13), byte(13, is: ":"),
              let minute = number(14..<16), byte(16, is: ":"), let second = number(17..<19),
              (1...12).contains(month), hour < 24, minute < 60, second < 60 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return false }
        var index = 19
        if byte(index, is: ".") {
            index += 1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start else { return false }
        }
        if byte(index, is: "Z") { return index + 1 == bytes.count }
        guard byte(index, is: "+") || byte(index, is: "-"), let offsetHours = number(index + 1..<index + 3),
              byte(index + 3, is: ":"), let offsetMinutes = number(index + 4..<index + 6),
              index + 6 == bytes.count else { return false }
        return offsetHours < 24 && offsetMinutes < 60
    }

    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

// MARK: - Loading

extension Profile {
    /// The path of the demo customer inside a data bundle.
    public static let demoPath = "config/demo-profile.yaml"

    /// Decodes a profile from JSON or YAML text (JSON when it starts with `{`).
    ///
    /// ```swift
    /// let profile = try Profile.load(from: "id: u1\nname: Анна\norders: []")
    /// ```
    public static func load(from text: String) throws -> Profile {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ProfileError("the profile is empty") }
        do {
            if trimmed.hasPrefix("{") {
                return try JSONDecoder().decode(Profile.self, from: Data(trimmed.utf8))
            }
            return try YAMLDecoder().decode(Profile.self, from: text)
        } catch let error as DecodingError {
            throw ProfileError(ProfileError.describe(error))
        } catch {
            throw ProfileError("\(error)")
        }
    }

    /// Decodes a profile from the bytes of a JSON or YAML file.
    public static func load(from data: Data) throws -> Profile {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProfileError("the profile is not UTF-8 text")
        }
        return try load(from: text)
    }

    /// The demo customer shipped in `Intents/config/demo-profile.yaml`.
    public static func demo(in bundle: DataBundle = .embedded) throws -> Profile {
        guard let text = bundle.files[demoPath] else {
            throw DataError(file: demoPath, message: "missing from the data folder")
        }
        do { return try load(from: text) } catch let error as ProfileError {
            throw DataError(file: demoPath, message: error.message)
        }
    }

    /// The demo customer with its bookings dated relative to `now`: each `starts_at` is as far
    /// from `now` as the file puts it from its `dated_on` date, so the demo's trips are always ahead.
    public static func demo(in bundle: DataBundle = .embedded, now: Date) throws -> Profile {
        var profile = try demo(in: bundle)
        guard let text = bundle.files[demoPath],
              let header = try? YAMLDecoder().decode(DemoDates.self, from: text),
              let datedOn = header.datedOn.flatMap(ISO8601.parse) else { return profile }
        let shift = now.timeIntervalSince(datedOn)
        for index in profile.orders.indices {
            profile.orders[index].startsAt = profile.orders[index].startsAt?.addingTimeInterval(shift)
        }
        return profile
    }
}

/// The date the demo profile's `starts_at` values are written from.
private struct DemoDates: Decodable {
    var datedOn: String?

    enum CodingKeys: String, CodingKey {
        case datedOn = "dated_on"
    }
}

/// A profile that could not be read, and why.
public struct ProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// A decoding error as one line naming the field, e.g. `orders[1].starts_at: …`.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            var out = ""
            for key in context.codingPath {
                if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? "profile" : out
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "\(at == "profile" ? "" : at + ": ")missing field `\(key.stringValue)`"
        case .typeMismatch(let type, let context):
            let expected = type == String.self ? "text" : type == Bool.self ? "true or false"
                : type == Int.self ? "a whole number" : type is [Any].Type ? "a list" : "another kind of value"
            return "\(path(context)): expected \(expected)"
        case .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
