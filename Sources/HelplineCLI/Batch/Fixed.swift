/// Numbers with a fixed number of decimals, as `printf("%.Nf")` writes them: the exact value of the
/// `Double` rounded to the nearest unit of the last place, a tie to the even one (`0.12`, `1.000`,
/// `-0.50`, `nan`, `inf`). Used for `classify`'s and `eval`'s figures instead of `String(format:)`,
/// which formats through Foundation and allocates on every call.
enum Fixed {
    /// Appends `value` with `places` decimals (0 to 6). Magnitudes of 10¹⁸ and more, which no
    /// figure here has, are written by `String(describing:)`.
    static func append(_ value: Double, places: Int, to out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: (value.sign == .minus ? "-nan" : "nan").utf8)
            return
        }
        if value.sign == .minus { out.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        let places = min(max(places, 0), 6)
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        guard magnitude < 1e18 else {
            out.append(contentsOf: (magnitude.isInfinite ? "inf" : String(describing: magnitude)).utf8)
            return
        }
        let units = rounded(magnitude, times: scale)
        // Digits from the last one back, on the stack: at most 18 whole digits, a point, 6 decimals.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var at = buffer.count
            var fraction = units % UInt128(scale)
            for _ in 0..<places {
                at -= 1
                buffer[at] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            if places > 0 {
                at -= 1
                buffer[at] = UInt8(ascii: ".")
            }
            var whole = units / UInt128(scale)
            repeat {
                at -= 1
                buffer[at] = UInt8(ascii: "0") + UInt8(whole % 10)
                whole /= 10
            } while whole > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// `value` with `places` decimals, right-aligned in `width` characters (`%W.Nf`).
    static func string(_ value: Double, places: Int, width: Int = 0) -> String {
        var bytes: [UInt8] = []
        append(value, places: places, to: &bytes)
        return padded(String(decoding: bytes, as: UTF8.self), width: width)
    }

    /// An integer right-aligned in `width` characters (`%Wd`).
    static func string(_ value: Int, width: Int) -> String {
        padded(String(value), width: width)
    }

    private static func padded(_ text: String, width: Int) -> String {
        let count = text.count
        return count >= width ? text : String(repeating: " ", count: width - count) + text
    }

    /// `value` × `scale` rounded to the nearest integer, a tie to the even one, worked out exactly
    /// from the value's significand and exponent. `value` is finite, from 0 to 10¹⁸.
    static func rounded(_ value: Double, times scale: UInt64) -> UInt128 {
        // Below 2⁻⁶⁰ the product rounds to 0 for any scale up to 10⁶ (and the value may be subnormal).
        if value < 0x1p-60 { return 0 }
        // value = significand × 2^exponent, with an integer significand.
        let significand = value.significandBitPattern | 1 << 52
        let exponent = Int(value.exponent) - 52
        let scaled = UInt128(significand) * UInt128(scale)
        if exponent >= 0 { return scaled << exponent }
        let shift = -exponent
        if shift >= 127 { return 0 }
        let quotient = scaled >> shift
        let remainder = scaled - (quotient << shift)
        let half = UInt128(1) << (shift - 1)
        let up = remainder > half || (remainder == half && quotient & 1 == 1)
        return quotient + (up ? 1 : 0)
    }
}
