import Testing
@testable import HelplineText

/// Byte-level comparison of plain texts gives what `String`'s canonical comparison gives.
struct PlainTextTests {
    /// Words of every kind: Russian and Latin in both cases, digits and signs, letters with
    /// accents composed and decomposed, singletons with an equivalent spelling, other scripts.
    private static let words: [String] = {
        let base = ["наушники", "наушников", "наушн", "Наушники", "ёлка", "елка", "е\u{308}лка", "й", "и\u{306}",
                    "чайник", "электрочайник", "samsung", "самсунг", "wh-1000xm5", "café", "cafe\u{301}", "Å", "\u{212B}",
                    "\u{37E}", ";", "Ω", "\u{2126}", "k", "\u{212A}", "ǅ", "ﬁ", "한", "\u{1112}\u{1161}\u{11AB}", "क", "कि",
                    "a\r\nb", "\u{200D}", "🙂", "", " ", "безобраз", "безобразие", "без", "₽", "№", "а-б", "ӏ", "Ӏ",
                    "привет мир", "привет  мир", "мир", "ир", "\u{483}", "ж\u{483}", "ªº×÷ß", "Ǆ1_²½"]
        var out = base
        for a in base.prefix(20) { for b in base.prefix(12) { out.append(a + b) } }
        return out
    }()

    @Test func equalityHashingAndAffixesAgreeWithString() {
        let plainWords = Self.words.filter(PlainText.isPlain)
        let set = Set(plainWords)
        let bytes = Set(plainWords.map(ByteKey.init))
        for a in Self.words {
            let aPlain = PlainText.isPlain(a)
            if aPlain {
                #expect(PlainText.scalarCount(a) == a.count, "\(a.debugDescription)")
                #expect(PlainText.scalars(a).count == a.count)
                #expect(PlainText.letterCount(a[...]) == a.count { $0.isLetter }, "\(a.debugDescription)")
                // A plain text is in a set of plain texts by its bytes exactly when it is by `==`.
                #expect(bytes.contains(ByteKey(a)) == set.contains(a), "\(a.debugDescription)")
            }
            for b in Self.words {
                let bPlain = PlainText.isPlain(b)
                #expect(PlainText.equal(a, b) == (a == b), "\(a.debugDescription) \(b.debugDescription)")
                #expect(PlainText.equal(a, plain: aPlain, b, plain: bPlain) == (a == b))
                guard aPlain && bPlain else { continue }
                #expect(PlainText.sameBytes(a, b) == (a == b))
                #expect(PlainText.bytesEnd(a, with: b) == a.hasSuffix(b), "\(a.debugDescription) \(b.debugDescription)")
                #expect(PlainText.sharedPrefix(a, b) == zip(a, b).prefix { $0 == $1 }.count)
                #expect(PlainText.bytesStart(a, with: b) == a.hasPrefix(b), "\(a.debugDescription) \(b.debugDescription)")
                if !b.isEmpty && !b.contains(" ") {
                    let words = a.split(separator: " ")
                    #expect(PlainText.hasWord(in: a, startingWithOneOf: PlainText.WordStarts([b])) == words.contains { $0.hasPrefix(b) },
                            "\(a.debugDescription) \(b.debugDescription)")
                }
            }
        }
    }

    /// Several word starts looked for in one pass are found exactly when a word of the text starts
    /// with one of them (starts that are empty or hold a space never are).
    @Test func wordStartsTogetherAgreeWithStringPrefixes() {
        let plainWords = Self.words.filter(PlainText.isPlain)
        let groups: [[String]] = [[], [""], [" "], ["без", "мир"], ["наушн", "привет мир", "ир"], ["безобраз", "достал", "бесит"],
                                  Array(plainWords.prefix(40)), Array(plainWords.suffix(25)), plainWords.filter { $0.count <= 2 }]
        for starts in groups {
            let together = PlainText.WordStarts(starts)
            for text in plainWords {
                let words = text.split(separator: " ")
                let alone = starts.contains { start in !start.isEmpty && !start.contains(" ") && words.contains { $0.hasPrefix(start) } }
                #expect(PlainText.hasWord(in: text, startingWithOneOf: together) == alone, "\(text.debugDescription) \(starts)")
            }
        }
    }

    /// A normalized text's words found from its bytes are the words `split(separator: " ")` finds,
    /// spaces at either end and several together included.
    @Test func spaceSeparatedWordsAgreeWithSplit() {
        var texts = Self.words + ["  привет  мир ", " ", "   ", "a", " a", "a ", "Заказ № 12345678-0001 пришёл 🙂"]
        for a in Self.words.prefix(30) { for b in Self.words.suffix(30) { texts.append(a + " " + b + "  ") } }
        for text in texts {
            let normalized = Normalizer.normalize(text)
            #expect(PlainText.spaceSeparated(normalized) == normalized.split(separator: " "), "\(normalized.debugDescription)")
            if !text.contains("\u{0301}"), !text.contains("\u{0308}"), !text.contains("\u{0306}"), !text.contains("\u{0483}"),
               !text.contains("\r\n") {
                #expect(PlainText.spaceSeparated(text) == text.split(separator: " "), "\(text.debugDescription)")
            }
        }
    }

    /// `containsBytes` agrees with a search of the UTF-8 bytes for every pair of normalized texts:
    /// at the start, the end, inside, across word boundaries, longer than the text, empty.
    @Test func containsBytesAgreesWithAByteSearch() {
        let texts = Self.words.prefix(40).map(Normalizer.normalize) + ["", " ", "не та тема", " не та тема ", "ой не та тема мне нужна доставка"]
        for text in texts {
            let bytes = Array(text.utf8)
            var parts = texts.map { Array($0.utf8) }
            if bytes.count > 2 {
                parts += [Array(bytes.prefix(2)), Array(bytes.suffix(2)), Array(bytes.dropFirst().dropLast()), bytes + [0x20]]
            }
            for part in parts {
                let expected = part.isEmpty || (bytes.count >= part.count
                    && (0...(bytes.count - part.count)).contains { bytes[$0..<($0 + part.count)].elementsEqual(part) })
                #expect(PlainText.containsBytes(text, part) == expected, "\(text.debugDescription) ∋ \(part)")
            }
        }
        #expect(PlainText.containsBytes(" ой не та тема мне ", Array(" не та тема ".utf8)))
        #expect(!PlainText.containsBytes(" не та темах ", Array(" не та тема ".utf8)))
    }

    /// `Readings.layout` says nil at once for text with a Cyrillic letter, as reading it key by key does.
    @Test func layoutOfCyrillicTextIsNil() {
        for text in Self.words + ["yfpfl", "vty.", "Vty.", "yjdjt j,hfotybt", "nazad ж", "ж", "qwerty Ё", "\u{212A}", "K"] {
            #expect(Readings.layout(text) == Self.referenceLayout(text), "\(text.debugDescription)")
        }
    }

    /// `Readings.layout` without the Cyrillic shortcut.
    private static func referenceLayout(_ text: String) -> String? {
        var out: [UInt32] = []
        var words: [String] = []
        var sawLetter = false
        for part in text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            let keys = Chars.scalars(String(part))
            let ok = keys.withUnsafeBufferPointer { KeyboardLayout.russian(from: $0, into: &out) }
            guard ok else { return nil }
            if keys.contains(where: Chars.isLatin) { sawLetter = true }
            words.append(Chars.string(out))
        }
        return sawLetter ? words.joined(separator: " ") : nil
    }

    /// Word forms compare by bytes as they compare as strings.
    @Test func wordFormsCompareAsStrings() {
        let forms = Self.words.filter { !$0.isEmpty }.map(WordForm.init)
            + ["наушники", "наушников", "электрочайник", "чайник", "чайника", "авиабилет", "билет", "билеты",
               "пылесос", "роботпылесос", "маргарита", "маргариты", "samsung", "самсунг", "ё\u{301}лка",
               "доставка", "доставки", "доставлен", "доставщик", "достать", "возврат", "возвратить", "возвращение",
               "samsungs", "samsunggalaxy", "sams", "пылесосы", "пылесосом", "пылесосик"].map(WordForm.init)
        let genericWords = ["заказ", "товар", "для", "чайник", "пылесосы", "доставка", "samsung", "ё\u{301}лка"]
        let generic = GenericWords(genericWords.flatMap(WordForms.forms))
        for a in forms {
            #expect(generic.contains(a) == Self.referenceContains(generic: genericWords, a), "\(a.word)")
            for b in forms {
                #expect(WordForms.same(a, b) == Self.referenceSame(a, b), "\(a.word) \(b.word)")
                #expect(WordForms.names(a, b) == Self.referenceNames(a, b), "\(a.word) \(b.word)")
            }
        }
    }

    private static func referenceSame(_ a: WordForm, _ b: WordForm) -> Bool {
        if a.word == b.word || a.stem == b.stem { return true }
        let shared = zip(a.word, b.word).prefix { $0 == $1 }.count
        return shared >= 5 && a.word.count - shared <= 3 && b.word.count - shared <= 3
    }

    private static func referenceNames(_ title: WordForm, _ said: WordForm) -> Bool {
        if referenceSame(title, said) { return true }
        return said.word.count >= 5 && title.word.count >= said.word.count + 3 && title.word.hasSuffix(said.stem)
            && said.stem.count >= 4
    }

    private static func referenceContains(generic words: [String], _ word: WordForm) -> Bool {
        let forms = words.flatMap(WordForms.forms)
        if Set(forms.map(\.word)).contains(word.word) || Set(forms.map(\.stem)).contains(word.stem) { return true }
        guard word.word.count >= 5 else { return false }
        return forms.filter { $0.word.count >= 5 }.contains { referenceSame($0, word) }
    }
}
