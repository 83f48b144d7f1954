/// Decoding errors in the terms of the file or line being read: the key path at fault
/// (`roles.seller.serves[1].queues[0]`) and what was wrong, never the value.
enum DecodingPath {
    /// Any key of a keyed container.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?

        init(_ string: String) {
            stringValue = string
            intValue = nil
        }

        init?(stringValue: String) { self.init(stringValue) }

        init?(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }

    /// Throws for the first key (in sorted order) of the object being decoded that is not in `known`.
    static func refuseUnknownKeys(_ decoder: any Decoder, known: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let keys = container.allKeys.map(\.stringValue).sorted()
        if let unknown = keys.first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [AnyKey(unknown)],
                debugDescription: "unknown key; known: \(known.joined(separator: ", "))"))
        }
    }

    /// «`path`: what was wrong», or «missing key `path`».
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key `\(render(context.codingPath + [key]))`"
        case .valueNotFound(_, let context):
            return "`\(render(context.codingPath))` has no value"
        case .typeMismatch(let type, let context):
            return "`\(render(context.codingPath))` must be \(expected(type))"
        case .dataCorrupted(let context):
            let path = render(context.codingPath)
            return path.isEmpty ? context.debugDescription : "`\(path)`: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `a.b[2].c`: keys joined by dots, array positions in brackets.
    static func render(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out
    }

    /// A type's name as a reader of the file knows it.
    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            "\(type)".hasPrefix("Array") ? "a list" : "\(type)".hasPrefix("Dictionary") ? "a mapping" : "\(type)"
        }
    }
}
