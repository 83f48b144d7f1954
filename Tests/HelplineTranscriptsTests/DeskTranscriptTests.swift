import Foundation
import Testing
@testable import HelplineTranscripts

struct DeskTranscriptTests {
    /// `Transcripts/desk/` holds the desk transcripts, and each passes in-process.
    @Test func deskFolderPassesInProcess() async throws {
        let files = try Fixtures.transcriptFiles().filter(\.isDesk)
        let transcripts = try files.flatMap { try $0.parseDesk().get() }
        #expect(transcripts.count >= 12)
        let results = await TranscriptRunner(target: try Fixtures.target()).run(files)
        #expect(results.count == transcripts.count)
        for result in results where !result.passed {
            Issue.record(Comment(rawValue: ReplayReport.render(result)))
        }
    }

    static let filing = """
    title: Продавец Premium впереди
    customer мария: ../profiles/buyer.yaml
    customer игорь: ../profiles/premium-seller.yaml

    мария> 3
    мария> кроссовки
    мария> Не подошёл размер, бирки на месте. Как оформить возврат?
    ~ 2m
    игорь> Поддержка продавцов
    игорь> Не проходит выплата за прошлую неделю.
    @ ольга: /signin general
    @ ольга: /next
    """

    /// A transcript that expects the wrong customer to be taken fails at that line, naming both.
    @Test func wrongServingOrderFails() async throws {
        let file = Fixtures.transcripts.appendingPathComponent("desk/inline.desk").path
        let transcripts = try DeskTranscriptParser.parse(Self.filing + "\n  ? took: мария\n", file: file)
        let replayer = try #require(try Fixtures.target().deskReplayer())
        let result = await replayer.run(transcripts[0])
        let failure = try #require(result.failure)
        #expect(failure.userLine?.line == 12)
        #expect(failure.mismatches.map(\.location.line) == [13])
        #expect(failure.mismatches.first?.detail == ["- мария", "+ игорь"])
        #expect(ReplayReport.render(result).contains("after \(file):12  @ ольга: /next\n"))
    }

    /// The clock moves only at `~` steps: after 2 minutes of 120 the specialist still holds the appeal.
    @Test func clockStepsDriveTheGracePeriod() async throws {
        let file = Fixtures.transcripts.appendingPathComponent("desk/inline.desk").path
        let text = Self.filing + """

        @ ольга: /leave
        ~ 119s
          ? wait игорь: state=taken specialist=ольга
        ~ 1s
          ? wait игорь: state=waiting position=1
        """
        let transcripts = try DeskTranscriptParser.parse(text, file: file)
        let replayer = try #require(try Fixtures.target().deskReplayer())
        let result = await replayer.run(transcripts[0])
        #expect(result.passed, "\(result.failure.map { ReplayReport.render(TranscriptResult(title: "", location: result.location, failure: $0)) } ?? "")")
    }

    @Test(arguments: [
        ("анна> привет\n", 1, "no customer `анна`"),
        ("customer анна: demo\nанна> привет\n~ 5 минут\n", 3, "the clock moves by"),
        ("customer анна: demo\nанна> привет\n? wait анна: place=1\n", 3, "fields are written `key=value`"),
        ("customer анна: demo\nанна> привет\n? event ольга: taken\n", 3, "an event is one of"),
        ("customer анна: demo\nанна> привет\ncustomer олег: demo\n", 3, "belongs in the header"),
        ("@ ольга /next\n", 1, "a specialist's line is written"),
    ])
    func syntaxErrorsNameTheLine(text: String, line: Int, message: String) throws {
        do {
            _ = try DeskTranscriptParser.parse(text, file: "bad.desk")
            Issue.record("parsed: \(text)")
        } catch let error as TranscriptSyntaxError {
            #expect(error.location.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func stepsAndChecksAreRead() throws {
        let transcripts = try DeskTranscriptParser.parse(Self.filing + "\n  ? took: игорь\n  ? appeal: queue=premium_seller\n", file: "x.desk")
        let steps = transcripts[0].steps
        #expect(transcripts[0].customers.map(\.name) == ["мария", "игорь"])
        #expect(steps.count == 8)
        #expect(steps[3].action == .wait(120))
        #expect(steps[7].action == .specialist(name: "ольга", text: "/next"))
        #expect(steps[7].checks.count == 2)
    }
}
