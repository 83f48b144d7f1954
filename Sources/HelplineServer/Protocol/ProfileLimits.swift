import HelplineDialogue
import HelplineText

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
        guard !isBlank(profile.id) else { throw refuse("id is empty") }
        guard profile.name.unicodeScalars.count <= maximumTextLength else {
            throw refuse("name is longer than \(maximumTextLength) characters")
        }
        // Names and titles are shown in the chat and on the specialists' terminals: a control
        // character (an escape sequence, a line break) or a direction override would let a
        // profile rewrite what those screens show.
        guard !hasHiddenCharacter(profile.id) else { throw refuse("id contains a control character") }
        guard !hasHiddenCharacter(profile.name) else { throw refuse("name contains a control character") }
        guard profile.orders.count <= maximumOrders else {
            throw refuse("orders has more than \(maximumOrders) orders")
        }
        var seen = Set<String>()
        for (index, order) in profile.orders.enumerated() {
            guard order.id.unicodeScalars.count <= maximumIDLength else {
                throw refuse("orders[\(index)].id is longer than \(maximumIDLength) characters")
            }
            guard !isBlank(order.id) else { throw refuse("orders[\(index)].id is empty") }
            for (field, text) in [("id", order.id), ("title", order.title), ("status", order.status), ("package", order.package ?? "")] {
                guard text.unicodeScalars.count <= maximumTextLength else {
                    throw refuse("orders[\(index)].\(field) is longer than \(maximumTextLength) characters")
                }
                guard !hasHiddenCharacter(text) else {
                    throw refuse("orders[\(index)].\(field) contains a control character")
                }
            }
            guard seen.insert(order.id).inserted else {
                throw refuse("orders[\(index)].id repeats an earlier order's id")
            }
        }
    }

    /// Empty or only spaces.
    private static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }

    /// Whether `text` has a control character (C0, DEL, C1), or a character that is not seen but
    /// changes the text around it: the bidirectional marks, embeddings, overrides and isolates
    /// (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph separators (U+2028,
    /// U+2029), and the zero-width space and word joiner (U+200B, U+2060, U+FEFF), which would make
    /// two ids that read the same different. The zero-width joiner of emoji sequences is allowed.
    static func hasHiddenCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            ScreenControl.isControl(scalar) || ScreenControl.isLayoutControl(scalar) || ScreenControl.isDirectionMark(scalar)
                || [0x200B, 0x200C, 0x2060, 0xFEFF].contains(scalar.value)
        }
    }
}
