import Foundation
import HelplineDialogue
@testable import HelplineServer
import Testing

/// Appeal numbers: short, unique, and no key to the session.
struct AppealNumberTests {
    /// An appeal's number is 8 digits as `DDDD-DDDD`, shown in the reply, different for each
    /// appeal and unrelated to the session id; it opens nothing: resuming, reading or closing with
    /// it finds no session. (It used to be `<session id>-1`, handing out the session's key.)
    @Test func numbersAppealsIndependentlyOfSessions() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        var numbers: [String] = []
        for _ in 0..<3 {
            let session = try #require(try await client.open(profile: Fixtures.profile).session)
            let answer = try await fileAppeal(client, session: session)
            let number = try #require(answer.ticket?.id)
            #expect(number.wholeMatch(of: #/\d{4}-\d{4}/#) != nil, "\(number)")
            #expect(!number.contains(session) && !session.contains(number.replacingOccurrences(of: "-", with: "")))
            #expect(answer.text?.contains("№ \(number)") == true, "the customer is told the number")
            #expect(try server.daemon.store.ticket(id: number)?.session == session, "stored under its number")

            #expect(try await client.resume(session: number).errorCode == .unknownSession)
            #expect(try await client.state(session: number).errorCode == .unknownSession)
            #expect(try await client.close(session: number).errorCode == .unknownSession)
            #expect(try await client.state(session: session).ok, "the session itself is untouched")
            numbers.append(number)
        }
        #expect(Set(numbers).count == 3)
        await client.disconnect()
        try await server.stop()
    }

    /// Numbers never repeat across a restart: the sequence is reserved in the database before use.
    @Test func continuesAfterARestart() throws {
        let directory = try Fixtures.temporaryDirectory()
        var seen = Set<String>()
        for _ in 0..<3 {
            let database = try SessionDatabase(path: directory.databasePath)
            let numbers = try AppealNumbers(database: database)
            for _ in 0..<5 {
                let number = try numbers.next()
                #expect(seen.insert(number).inserted, "\(number) handed out twice")
            }
            try database.close()
        }
        #expect(seen.count == 15)
    }

    /// The mixing is a bijection: distinct sequence values give distinct numbers, and consecutive
    /// appeals do not get consecutive numbers.
    @Test func mixesTheSequenceWithoutCollisions() {
        let numbers = (0..<Int64(200_000)).map(AppealNumbers.format)
        #expect(Set(numbers).count == numbers.count)
        #expect(numbers.allSatisfy { $0.count == 9 })
        #expect(numbers[0] != numbers[1] && !numbers[1].hasPrefix(String(numbers[0].prefix(4))))
    }
}
