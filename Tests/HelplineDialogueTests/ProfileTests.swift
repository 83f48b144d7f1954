import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

struct ProfileTests {
    /// The shipped demo customer has a few goods orders and one travel booking with an ISO 8601 start.
    @Test func demoProfile() throws {
        let profile = try Profile.demo()
        #expect(!profile.id.isEmpty && !profile.name.isEmpty)
        let goods = profile.orders.filter { $0.kind == .goods }
        let travel = profile.orders.filter(\.kind.isTravel)
        #expect(goods.count >= 3 && travel.count == 1)
        #expect(goods.contains { $0.title.hasPrefix("Наушники") })
        #expect(travel.first?.startsAt == ISO8601.parse("2026-09-12T14:00:00+03:00"))
        for order in profile.orders {
            #expect(order.id.wholeMatch(of: #/[0-9]{8}-[0-9]{4}/#) != nil)
        }
    }

    /// A profile loads from JSON with snake_case fields and ISO 8601 dates.
    @Test func loadsJSON() throws {
        let json = """
        {"id":"u7","name":"Олег","premium":true,"premium_seller":true,"corporate":true,
         "orders":[{"id":"12345678-0001","title":"Поезд","status":"оплачен","kind":"train",
                    "starts_at":"2026-07-01T08:30:00Z","package":"Приоритет"}]}
        """
        let profile = try Profile.load(from: Data(json.utf8))
        #expect(profile.premiumSeller && profile.corporate && profile.premium && !profile.seller)
        #expect(profile.orders.first?.kind == .train && profile.orders.first?.package == "Приоритет")
        #expect(profile.orders.first?.startsAt == Date(timeIntervalSince1970: 1_782_894_600))
    }

    /// A profile loads from YAML, dates quoted or not; missing flags default to false.
    @Test(arguments: ["2026-07-01T08:30:00Z", "\"2026-07-01T11:30:00+03:00\"", "2026-07-01T08:30:00.000Z"])
    func loadsYAML(date: String) throws {
        let yaml = """
        id: u8
        orders:
          - id: "12345678-0002"
            title: Рейс
            kind: flight
            starts_at: \(date)
        """
        let profile = try Profile.load(from: yaml)
        #expect(profile.name.isEmpty && !profile.premium && !profile.corporate)
        #expect(profile.orders.first?.startsAt == Date(timeIntervalSince1970: 1_782_894_600))
        #expect(profile.orders.first?.status == "")
    }

    /// Bad profiles are refused with a message naming the problem, never a crash.
    @Test(arguments: [
        ("", "empty"),
        ("name: Без id", "id"),
        ("id: u\norders:\n  - id: \"1\"\n    kind: boat", "orders[0].kind: must be one of goods, hotel, flight, train, tour"),
        ("id: u\nname: [1]", "name: expected"),
        ("id: u\norders:\n  - id: \"1\"\n    starts_at: завтра", "orders[0].starts_at"),
        ("{\"id\": ", "profile"),
        ("[1, 2]", "profile"),
    ])
    func badProfiles(text: String, mention: String) {
        #expect { try Profile.load(from: text) } throws: { error in
            guard let message = (error as? ProfileError)?.message else { return false }
            // Named in the profile's own terms, not Swift's.
            return message.contains(mention) && !message.contains("Cannot initialize")
        }
    }

    /// Bytes that are not UTF-8 are refused.
    @Test func notUTF8() {
        #expect(throws: ProfileError.self) { try Profile.load(from: Data([0xff, 0xfe, 0x00])) }
    }

    /// A profile survives a JSON round trip, dates included.
    @Test func jsonRoundTrip() throws {
        let profile = try Profile.demo()
        let data = try JSONEncoder().encode(profile)
        #expect(try Profile.load(from: data) == profile)
        #expect(try JSONDecoder().decode(Profile.self, from: data) == profile)
    }
}

/// The demo customer's bookings follow the clock it is loaded at.
struct DemoDatesTests {
    /// Loaded at a later date, the hotel stay is as far ahead of it as of the file's `dated_on`.
    @Test func bookingsDatedRelativeToNow() throws {
        let written = try Profile.demo()
        let datedOn = try #require(ISO8601.parse("2026-06-01T10:00:00+03:00"))
        let today = datedOn.addingTimeInterval(200 * 86_400)
        let moved = try Profile.demo(in: .embedded, now: today)
        let hotel = try #require(written.orders.first { $0.kind == .hotel }?.startsAt)
        let movedHotel = try #require(moved.orders.first { $0.kind == .hotel }?.startsAt)
        #expect(movedHotel.timeIntervalSince(today) == hotel.timeIntervalSince(datedOn))
        #expect(movedHotel > today)
    }
}
