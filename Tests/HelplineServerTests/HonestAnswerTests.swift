import Foundation
import HelplineDialogue
import HelplineServer
import HelplineTesting
import Testing

/// Over the socket: an answer never contradicts what was stored, and ids are exact.
struct HonestAnswerTests {
    /// A turn whose `id` could not be encoded into the answer (nested 511 deep: the encoder's depth
    /// limit) used to be committed and then answered `internal` ("nothing changed"), so a retry
    /// stored the message twice. Now the request is refused before anything is stored.
    @Test func neverStoresATurnItCannotAnswer() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        let before = try server.daemon.store.messages(session: session).count

        let connection = try RawConnection(path: server.socketPath)
        let deep = String(repeating: "[", count: 511) + "1" + String(repeating: "]", count: 511)
        try await connection.write(#"{"op":"say","session":"\#(session)","text":"Доставка","id":\#(deep)}"# + "\n")
        let answer = try await connection.readObject()
        let error = try #require(answer["error"] as? [String: Any])
        #expect(error["code"] as? String == "bad_request")
        #expect(try server.daemon.store.messages(session: session).count == before, "nothing was stored")
        #expect(try await client.state(session: session).state == .chooseTopic)

        await client.disconnect()
        try await server.stop()
    }

    /// `"<session>\u0000anything"` does not reach the session for `state`, `say` or `close`.
    @Test func sessionIdsAreExact() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        await client.disconnect()

        let connection = try RawConnection(path: server.socketPath)
        for line in [
            #"{"op":"state","session":"\#(session)\u0000x"}"#,
            #"{"op":"say","session":"\#(session)\u0000x","text":"Доставка"}"#,
            #"{"op":"close","session":"\#(session)\u0000x"}"#,
        ] {
            try await connection.write(line + "\n")
            #expect(try await connection.readErrorCode() == "bad_request")
        }
        #expect(try server.daemon.store.hasSession(session), "the session was not closed")
        #expect(try server.daemon.store.messages(session: session).count == 1, "only the greeting: no turn was taken")
        try await server.stop()
    }

    /// Integer ids come back exactly as written, up to 64 bits.
    @Test func echoesIntegerIdsExactly() async throws {
        let server = try await RunningDaemon.start()
        let connection = try RawConnection(path: server.socketPath)
        try await connection.write(#"{"op":"ping","id":9223372036854775807}"# + "\n")
        #expect(try await connection.readLine() == #"{"id":9223372036854775807,"ok":true,"pong":true}"#)
        try await connection.write(#"{"op":"ping","id":12345678901234567890}"# + "\n")
        let refused = try #require(try await connection.readLine())
        #expect(refused.contains("bad_request") && !refused.contains("\"id\":"), "refused, with no id rather than a changed one")
        try await server.stop()
    }
}
