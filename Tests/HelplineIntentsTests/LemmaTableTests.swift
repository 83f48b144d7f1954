import Foundation
import HelplineText
import Testing
@testable import HelplineIntents

/// The optional lemma table: a form it lists counts by its lemma's stem, in messages and keywords alike.
struct LemmaTableTests {
    @Test func formsCountByTheirLemmasStem() throws {
        let table = try LemmaTable(json: #"{"source": "test", "forms": {"пришел": "прийти", "людей": "человек"}}"#)
        let map = FeatureExtractor.lemmaStems(table)
        let hashes = FeatureExtractor.stemHashes(words: ["курьер", "пришел", "людей"],
                                                 stems: ["курьер", "пришел", "люд"], lemmaStems: map)
        #expect(hashes == [FeatureExtractor.stemHash("курьер"),
                           FeatureExtractor.stemHash(RussianStemmer.stem("прийти")),
                           FeatureExtractor.stemHash(RussianStemmer.stem("человек"))])
        // Without the table each word keeps its own stem.
        #expect(FeatureExtractor.stemHashes(words: ["пришел"], stems: ["пришел"], lemmaStems: [:])
                == [FeatureExtractor.stemHash("пришел")])
    }

    @Test func brokenTableNamesTheFile() {
        #expect { try LemmaTable(json: #"{"forms": {"пришел": ""}}"#) } throws: { error in
            (error as? DataError)?.file == LemmaTable.file
        }
        #expect { try LemmaTable(json: "[1, 2]") } throws: { error in
            (error as? DataError)?.file == LemmaTable.file
        }
    }

    /// The table is read only when the setting asks for it.
    @Test func loadedOnlyWhenSwitchedOn() throws {
        var files = DataBundle.embedded.files
        files[LemmaTable.file] = #"{"forms": {"пришел": "прийти"}}"#
        #expect(try IntentCatalog(bundle: DataBundle(files: files)).lemmas.isEmpty)
        let settings = files["config/matcher.yaml", default: ""].replacingOccurrences(of: "\nmodel:\n", with: "\nmodel:\n  lemmas: true\n")
        files["config/matcher.yaml"] = settings
        #expect(try IntentCatalog(bundle: DataBundle(files: files)).lemmas.forms == ["пришел": "прийти"])
    }
}
