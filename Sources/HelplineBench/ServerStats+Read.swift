import HelplineServer

extension ServerStats {
    /// Asks the daemon on `socketPath` for its counters (`{"op":"stats"}`) on a connection of its own.
    public static func read(from socketPath: String) async throws -> ServerStats {
        let client = try await HelplineClient.connect(to: socketPath)
        let reply: ProtocolReply
        do {
            reply = try await client.stats()
        } catch {
            await client.disconnect()
            throw error
        }
        await client.disconnect()
        guard let stats = reply.stats else {
            throw BenchFailure("the daemon did not answer stats: \(reply.error?.message ?? "no stats")")
        }
        return stats
    }
}
