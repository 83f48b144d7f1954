/// Finds order numbers, phone numbers, e-mail addresses, money amounts and URLs in raw text.
///
/// Values are canonical: an order number as `NNNNNNNN-NNNN`, a phone as `+7XXXXXXXXXX`, an
/// e-mail lowercased, money as the amount in roubles as a decimal string («2 490 ₽» → `2490`,
/// «1,5 тыс. руб» → `1500`, «99,90 р» → `99.90`). `Entity.text` is the span as the user wrote it.
///
/// ```swift
/// EntityExtractor.extract(from: "Заказ 12345678 0001, верните 1 990 рублей")
/// // [order_number "12345678 0001" → 12345678-0001, money "1 990 рублей" → 1990]
/// ```
public enum EntityExtractor {
    public static func extract(from text: String) -> [Entity] {
        let prepared = PreparedText(text)
        return extract(prepared, tokens: Tokenizer.scan(prepared.scalars))
    }

    static func extract(_ text: PreparedText, tokens: [RawToken]) -> [Entity] {
        var entities: [Entity] = []
        var k = 0
        while k < tokens.count {
            let token = tokens[k]
            switch token.kind {
            case .orderNumber:
                let digits = text.scalars[token.start..<token.end].filter(Chars.isDigit)
                let value = Chars.string(digits.prefix(8)) + "-" + Chars.string(digits.suffix(4))
                entities.append(Entity(kind: .orderNumber, text: text.original(token.start..<token.end), value: value))
            case .phone:
                let digits = text.scalars[token.start..<token.end].filter(Chars.isDigit)
                entities.append(Entity(kind: .phone, text: text.original(token.start..<token.end),
                                       value: "+7" + Chars.string(digits.suffix(10))))
            case .email:
                entities.append(Entity(kind: .email, text: text.original(token.start..<token.end), value: text.text(token)))
            case .url:
                let original = text.original(token.start..<token.end)
                entities.append(Entity(kind: .url, text: original, value: original))
            case .number:
                if let (entity, next) = money(text, tokens, at: k) {
                    entities.append(entity)
                    k = next
                    continue
                }
            case .word, .symbol:
                break
            }
            k += 1
        }
        return entities
    }

    /// A money amount starting at number token `k`: the entity and the index after its last token.
    private static func money(_ text: PreparedText, _ tokens: [RawToken], at k: Int) -> (Entity, Int)? {
        let s = text.scalars
        var integer: [UInt32] = []
        var fraction: [UInt32] = []
        /// Splits a number token into integer and fraction digits.
        func parts(_ token: RawToken) -> ([UInt32], [UInt32]) {
            var whole: [UInt32] = []
            var frac: [UInt32] = []
            var inFraction = false
            for c in s[token.start..<token.end] {
                if Chars.isDigit(c) {
                    if inFraction { frac.append(c) } else { whole.append(c) }
                } else {
                    inFraction = true
                }
            }
            return (whole, frac)
        }
        (integer, fraction) = parts(tokens[k])
        var last = k
        // Thousands written apart: «2 490», «1 250 000».
        if fraction.isEmpty && integer.count <= 3 {
            var m = k + 1
            while m < tokens.count, tokens[m].kind == .number, tokens[m].start == tokens[m - 1].end + 1 {
                let (whole, frac) = parts(tokens[m])
                guard whole.count == 3 else { break }
                integer += whole
                fraction = frac
                last = m
                m += 1
                if !frac.isEmpty { break }
            }
        }
        var next = last + 1
        var multiplier = false
        if next < tokens.count, tokens[next].kind == .word, thousands.contains(Array(s[tokens[next].start..<tokens[next].end])) {
            multiplier = true
            next += 1
        }
        guard next < tokens.count else { return nil }
        let currency = tokens[next]
        let isCurrency = (currency.kind == .symbol && s[currency.start] == Chars.rouble)
            || (currency.kind == .word && currencyWords.contains(Array(s[currency.start..<currency.end])))
        guard isCurrency else { return nil }

        if multiplier {
            var shifted = fraction.prefix(3).map { $0 }
            while shifted.count < 3 { shifted.append(0x30) }
            integer += shifted
            fraction = Array(fraction.dropFirst(3))
        }
        while integer.count > 1 && integer[0] == 0x30 { integer.removeFirst() }
        if fraction.allSatisfy({ $0 == 0x30 }) { fraction = [] }
        var value = Chars.string(integer)
        if !fraction.isEmpty { value += "." + Chars.string(fraction) }
        let entity = Entity(kind: .money, text: text.original(tokens[k].start..<currency.end), value: value)
        return (entity, next + 1)
    }

    private static let currencyWords: Set<[UInt32]> = Set(
        ["р", "руб", "рубль", "рубля", "рублей", "рублю", "рублем", "рублям", "рублями", "рублях",
         "rub", "rur"].map(Chars.scalars)
    )
    private static let thousands: Set<[UInt32]> = Set(
        ["тыс", "тысяч", "тысячи", "тысяча", "тысячу", "тыщ", "тыщи"].map(Chars.scalars)
    )
}
