import ArgumentParser

/// A span of time given on the command line: seconds as a number (`90`), or with a unit —
/// `s`, `m`, `h` or `d` (`90s`, `30m`, `24h`, `7d`; fractions allowed, `1.5h`).
struct Seconds: ExpressibleByArgument, Hashable, Sendable, CustomStringConvertible {
    var value: Double

    init(_ value: Double) {
        self.value = value
    }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var number = Substring(text)
        var scale = 1.0
        if let last = text.last, let unit = units[last] {
            number = number.dropLast()
            scale = unit
        }
        guard let amount = Double(number), amount.isFinite, amount >= 0, amount * scale <= Self.maximum else { return nil }
        value = amount * scale
    }

    /// The longest span taken: 100 years. Timers count nanoseconds in 64 bits (about 292 years),
    /// so a longer span could not be set at all.
    static let maximum: Double = 100 * 365 * 86_400

    /// The span in hours, minutes or seconds, the largest that divides it: `24h`, `30m`, `90s`.
    var description: String {
        for (unit, size) in [("h", 3600.0), ("m", 60)] where value >= size && value.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int(value / size))\(unit)"
        }
        return value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }

    var defaultValueDescription: String { description }
}
