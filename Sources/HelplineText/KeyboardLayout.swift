/// The two layouts of a Russian keyboard: what a key types in the Latin (QWERTY) layout and in the
/// Russian (ЙЦУКЕН) layout. Converting between them undoes text typed in the wrong layout.
///
/// Beyond the letters, the keys `[ ] ; ' , .` and `` ` `` type х ъ ж э б ю ё in the Russian layout, and
/// their shifted forms `{ } : " < > ~` type the capitals (lowercased here).
enum KeyboardLayout {
    /// Latin-layout character (ASCII) → the Russian letter on the same key; 0 where none.
    private static let russianForKey: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 128)
        let pairs: [(Character, Character)] = [
            ("q", "й"), ("w", "ц"), ("e", "у"), ("r", "к"), ("t", "е"), ("y", "н"), ("u", "г"), ("i", "ш"),
            ("o", "щ"), ("p", "з"), ("[", "х"), ("]", "ъ"), ("a", "ф"), ("s", "ы"), ("d", "в"), ("f", "а"),
            ("g", "п"), ("h", "р"), ("j", "о"), ("k", "л"), ("l", "д"), (";", "ж"), ("'", "э"), ("z", "я"),
            ("x", "ч"), ("c", "с"), ("v", "м"), ("b", "и"), ("n", "т"), ("m", "ь"), (",", "б"), (".", "ю"),
            ("`", "е"), ("{", "х"), ("}", "ъ"), (":", "ж"), ("\"", "э"), ("<", "б"), (">", "ю"), ("~", "е"),
            ("-", "-"),
        ]
        for (latin, russian) in pairs {
            guard let key = latin.unicodeScalars.first?.value, let letter = russian.unicodeScalars.first?.value else { continue }
            table[Int(key)] = letter
        }
        return table
    }()

    /// Russian letter (а…я as 0…31) → the Latin-layout character on the same key.
    private static let keyForRussian: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 32)
        for key in 0..<128 {
            let letter = russianForKey[key]
            // Prefer the unshifted key where two keys type the same letter.
            if Chars.isCyrillic(letter) && table[Int(letter - 0x430)] == 0 {
                table[Int(letter - 0x430)] = UInt32(key)
            }
        }
        // The unshifted keys for х ъ ж э б ю come first in ASCII order except these.
        table[Int(0x445 - 0x430)] = 0x5B  // х [
        table[Int(0x44A - 0x430)] = 0x5D  // ъ ]
        table[Int(0x436 - 0x430)] = 0x3B  // ж ;
        table[Int(0x44D - 0x430)] = 0x27  // э '
        table[Int(0x431 - 0x430)] = 0x2C  // б ,
        table[Int(0x44E - 0x430)] = 0x2E  // ю .
        table[Int(0x435 - 0x430)] = 0x74  // е t
        return table
    }()

    /// The Russian letters typed by the given Latin-layout keys, with emphasis squeezed as the
    /// normalizer does it, or false when some character is not on a letter key.
    static func russian(from keys: UnsafeBufferPointer<UInt32>, into out: inout [UInt32]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var run = 0
        for c in keys {
            guard c < 128 else { return false }
            let letter = russianForKey[Int(c)]
            guard letter != 0 else { return false }
            if let last = out.last, last == letter, letter != Chars.hyphen {
                run += 1
                if run == 3 { out.removeLast() }
                if run >= 3 { continue }
            } else {
                run = 1
            }
            out.append(letter)
        }
        return true
    }

    /// The Russian letter on a Latin-layout key (ASCII), for display: the `` ` `` and `~` key's
    /// letter is ё. Nil for a key without a letter.
    static func russianLetter(forKey key: UInt32) -> UInt32? {
        guard key < 128 else { return nil }
        if key == 0x60 || key == 0x7E { return 0x451 }
        let letter = russianForKey[Int(key)]
        return letter == 0 || letter == Chars.hyphen ? nil : letter
    }

    /// The Latin-layout key that types a Russian letter (a hyphen stays a hyphen).
    @inline(__always)
    static func key(for c: UInt32) -> UInt32? {
        if c == Chars.hyphen { return c }
        guard Chars.isCyrillic(c) else { return nil }
        return keyForRussian[Int(c - 0x430)]
    }

    /// The Latin-layout keys that type the given Russian letters, or false for other characters.
    static func latin(from letters: UnsafeBufferPointer<UInt32>, into out: inout [UInt32]) -> Bool {
        out.removeAll(keepingCapacity: true)
        for c in letters {
            if c == Chars.hyphen {
                out.append(c)
                continue
            }
            guard Chars.isCyrillic(c) else { return false }
            out.append(keyForRussian[Int(c - 0x430)])
        }
        return true
    }
}

/// Text typed in the Latin layout while meaning Russian, as it would read typed in the Russian
/// layout, for people to read. Only the words the analyzer read as typed in the wrong layout are
/// converted (their `from` spellings, ``Repair/Reason/layout``): capitals stay capitals and the
/// letters on punctuation keys are letters (`[` х, `,` б, `.` ю, `` ` `` ё). Punctuation after such
/// a word stays punctuation, the Russian layout's where its key differs (`&` ?, `^` :, `$` ;), and
/// a `?` with more words after it is the Russian layout's comma on that key («ghbdtn? rehmth» is
/// «привет, курьер»; a `?` that ends the message is left a question mark).
/// Everything else — other words, digits, spaces and line breaks — is left as typed.
public enum LayoutConversion {
    public static func russian(_ text: String, repaired: Set<String>) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count * 2)
        var word = ""
        // Where the message's last word ends: a `?` before it is a comma.
        let lastEnd = text.lastIndex { !$0.isWhitespace }.map { text.index(after: $0) } ?? text.startIndex
        func flush(last: Bool) {
            defer { word = "" }
            guard !word.isEmpty else { return }
            // The longest start of the word the analyzer converted; what follows is punctuation.
            var end = word.endIndex
            while end > word.startIndex {
                if repaired.contains(word[..<end].lowercased()) {
                    for scalar in word[..<end].unicodeScalars { out.unicodeScalars.append(letter(scalar)) }
                    for scalar in word[end...].unicodeScalars {
                        out.unicodeScalars.append(scalar == "?" && !last ? "," : punctuation[scalar.value] ?? scalar)
                    }
                    return
                }
                end = word.index(before: end)
            }
            out += word
        }
        for index in text.indices {
            let character = text[index]
            if character.isWhitespace {
                flush(last: index >= lastEnd)
                out.append(character)
            } else {
                word.append(character)
            }
        }
        flush(last: true)
        return out
    }

    private static func letter(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        let isCapital = (0x41...0x5A).contains(value)
        guard let letter = KeyboardLayout.russianLetter(forKey: isCapital ? value + 0x20 : value) else { return scalar }
        let shifted = isCapital || shiftedLetterKeys.contains(value)
        return Unicode.Scalar(shifted ? (letter == 0x451 ? 0x401 : letter - 0x20) : letter) ?? scalar
    }

    /// Shifted keys of the Russian layout's letters on punctuation keys: `{ } : " < > ~`.
    private static let shiftedLetterKeys: Set<UInt32> = [0x7B, 0x7D, 0x3A, 0x22, 0x3C, 0x3E, 0x7E]

    /// The Russian layout's punctuation on the Latin layout's keys, after a converted word.
    private static let punctuation: [UInt32: Unicode.Scalar] = [0x26: "?", 0x5E: ":", 0x24: ";"]
}
