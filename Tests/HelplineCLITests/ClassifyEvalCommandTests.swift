import Foundation
import Testing

/// `helpline classify` and `helpline eval`, run as a user would.
struct ClassifyEvalCommandTests {
    /// `classify --json` prints exactly one JSON object per input line, in order, with the
    /// documented fields; an off-topic or empty line is `none`; an order number is an entity.
    @Test func classifyJSONIsOneObjectPerLine() async throws {
        let input = "где мой заказ 12345678-0001, неделю жду\n\nкакая погода будет завтра\nхочу вернуть товар\n"
        let result = try await HelplineProcess.run(["classify", "--json"], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 4)
        var objects: [[String: Any]] = []
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            objects.append(try #require(object))
        }
        #expect(objects.map { $0["text"] as? String } == ["где мой заказ 12345678-0001, неделю жду", "", "какая погода будет завтра", "хочу вернуть товар"])
        #expect(objects.map { $0["intent"] as? String } == ["order_tracking", "none", "none", "returns"])
        for object in objects {
            #expect(Set(object.keys).isSuperset(of: ["text", "intent", "confidence", "alternatives", "entities"]))
            let confidence = try #require(object["confidence"] as? Double)
            #expect((0...1).contains(confidence))
        }
        let entities = try #require(objects[0]["entities"] as? [[String: Any]])
        #expect(entities.contains { $0["kind"] as? String == "order_number" && $0["value"] as? String == "12345678-0001" })
    }

    /// Without `--json`, each argument gets one readable line starting with the intent.
    @Test func classifyArgumentsReadable() async throws {
        let result = try await HelplineProcess.run(["classify", "сколько стоит доставка", "рецепт борща"], input: "")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("delivery ") == true)
        #expect(lines.last?.hasPrefix("none ") == true)
    }

    /// `eval` names the file and the line of a malformed TSV line and fails.
    @Test func evalReportsBadLine() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("set.tsv")
        try Data("returns\tхочу вернуть товар\nтут нет табуляции\n".utf8).write(to: file)
        let result = try await HelplineProcess.run(["eval", file.path], input: "")
        #expect(result.status != 0)
        #expect(result.stderr.contains("line 2"), "\(result.stderr)")
    }

    /// `eval --json` reports the figures of a small labelled file.
    @Test func evalJSONReport() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("set.tsv")
        try Data("returns\tхочу вернуть товар\ndelivery\tсколько стоит доставка\nnone\tрецепт борща\n".utf8).write(to: file)
        let result = try await HelplineProcess.run(["eval", file.path, "--json"], input: "")
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let report = try #require(object?["test_set"] as? [String: Any])
        #expect(report["total"] as? Int == 3)
        #expect(report["in_domain"] as? Int == 2)
        #expect(report["off_topic"] as? Int == 1)
        #expect(report["in_domain_accuracy"] as? Double == 1)
        #expect(report["off_topic_rejection_rate"] as? Double == 1)
    }

    /// `eval --cross-validate K --repeats R` adds the mean, lowest and highest figures over R deals
    /// of the examples into folds, the first deal being the one reported in full; `--repeats`
    /// without cross-validation is refused.
    @Test func evalRepeatedCrossValidation() async throws {
        let result = try await HelplineProcess.run(["eval", "--cross-validate", "3", "--repeats", "2", "--json"], input: "")
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let first = try #require(object?["cross_validation"] as? [String: Any])
        let repeated = try #require(object?["cross_validation_repeats"] as? [String: Any])
        #expect(repeated["runs"] as? Int == 2)
        let accuracy = try #require(repeated["in_domain_accuracy"] as? [String: Double])
        let firstAccuracy = try #require(first["in_domain_accuracy"] as? Double)
        let lowest = try #require(accuracy["lowest"]), highest = try #require(accuracy["highest"]), mean = try #require(accuracy["mean"])
        #expect(lowest <= mean && mean <= highest)
        #expect(lowest <= firstAccuracy && firstAccuracy <= highest)
        #expect(lowest > 0.8)

        let refused = try await HelplineProcess.run(["eval", "--repeats", "2", "/dev/null"], input: "")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--repeats"), "\(refused.stderr)")
    }
}
