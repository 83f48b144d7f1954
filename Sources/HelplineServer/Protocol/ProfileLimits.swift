import HelplineDialogue

/// The bounds on a profile sent with `open`: every turn of the session looks through its orders,
/// so their number and the length of their texts are limited, and order ids must be unique.
enum ProfileLimits {
    /// The most orders a profile may carry.
    static let maximumOrders = 100
    /// The longest `id` (the customer's or an order's), in Unicode scalars.
    static let maximumIDLength = 64
    /// The longest `name`, order `title`, `status` or `package`, in Unicode scalars.
    static let maximumTextLength = 200

    /// Throws `bad_request` naming the limit a profile goes over; the values are not repeated.
    static func check(_ profile: Profile) throws {
        func refuse(_ message: String) -> ProtocolError {
            ProtocolError(.badRequest, "\"user\" is not a valid profile: \(message)")
        }
        guard profile.id.unicodeScalars.count <= maximumIDLength else {
            throw refuse("id is longer than \(maximumIDLength) characters")
        }
        guard profile.name.unicodeScalars.count <= maximumTextLength else {
            throw refuse("name is longer than \(maximumTextLength) characters")
        }
        guard profile.orders.count <= maximumOrders else {
            throw refuse("orders has more than \(maximumOrders) orders")
        }
        var seen = Set<String>()
        for (index, order) in profile.orders.enumerated() {
            guard order.id.unicodeScalars.count <= maximumIDLength else {
                throw refuse("orders[\(index)].id is longer than \(maximumIDLength) characters")
            }
            for (field, text) in [("title", order.title), ("status", order.status), ("package", order.package ?? "")]
            where text.unicodeScalars.count > maximumTextLength {
                throw refuse("orders[\(index)].\(field) is longer than \(maximumTextLength) characters")
            }
            guard seen.insert(order.id).inserted else {
                throw refuse("orders[\(index)].id repeats an earlier order's id")
            }
        }
    }
}
