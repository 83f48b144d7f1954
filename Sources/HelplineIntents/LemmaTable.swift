import Foundation

/// Word forms mapped to their dictionary lemma, for the forms whose Snowball stem differs from the
/// lemma's («пришёл» → «прийти», «дошла» → «дойти», «людей» → «человек»): with it, the matcher
/// counts every form of a word as one stem, where suffix stripping alone leaves suppletive and
/// alternating forms apart.
///
/// Built from the OpenCorpora dictionary (CC BY-SA 3.0, as packaged in PyPI's pymorphy3-dicts-ru)
/// by `scripts/build-lemmas.py` for the words the intents use and every form of their lemmas; stored
/// as `config/lemmas.json`: `{"source": …, "forms": {"form": "lemma", …}}`, forms lower-case with
/// «ё» written «е».
public struct LemmaTable: Sendable, Hashable {
    /// The file in the data bundle.
    public static let file = "config/lemmas.json"

    /// Form → lemma.
    public var forms: [String: String]

    public init(forms: [String: String] = [:]) {
        self.forms = forms
    }

    private struct File: Decodable {
        var forms: [String: String]
    }

    /// Decodes the file's JSON; throws a `DataError` naming the file.
    public init(json: String) throws {
        do {
            forms = try JSONDecoder().decode(File.self, from: Data(json.utf8)).forms
        } catch {
            throw DataError(file: Self.file, message: "\(error)")
        }
        for (form, lemma) in forms where form.isEmpty || lemma.isEmpty {
            throw DataError(file: Self.file, message: "forms: an empty form or lemma ('\(form)': '\(lemma)')")
        }
    }

    public var isEmpty: Bool { forms.isEmpty }
}
