import Foundation

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
    public enum Kind: String, Sendable, Hashable, Codable {
        case goods, hotel, flight, train, tour

        /// Hotel, flight, train and tour bookings belong to Ozon Travel.
        public var isTravel: Bool { self != .goods }
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
                    debugDescription: "starts_at must be an ISO 8601 date-time, e.g. 2026-12-01T10:00:00+03:00")
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
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
