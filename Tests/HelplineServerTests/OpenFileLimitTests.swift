import Glibc
import HelplineServer
import Testing

/// The daemon's connections fit under the open-file limit, so every connection past its limit is
/// answered `overloaded` by the daemon rather than refused by the kernel unanswered.
struct OpenFileLimitTests {
    @Test func connectionsFitUnderTheLimit() {
        #expect(OpenFileLimit.connections(1_024, sockets: 1, limit: 1_048_576) == 1_024)
        #expect(OpenFileLimit.connections(1_024, sockets: 2, limit: 1_024) == (1_024 - OpenFileLimit.reserve) / 2)
        #expect(OpenFileLimit.connections(1_024, sockets: 1, limit: 1_024) == 1_024 - OpenFileLimit.reserve)
        #expect(OpenFileLimit.connections(10, sockets: 2, limit: 1_024) == 10)
        #expect(OpenFileLimit.connections(1_024, sockets: 1, limit: 10) == 1, "always at least one")
    }

    @Test func raisingKeepsOrRaisesTheSoftLimit() {
        var before = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &before) == 0)
        let now = OpenFileLimit.raise()
        #expect(now >= Int(clamping: before.rlim_cur))
        var after = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &after) == 0)
        #expect(after.rlim_cur == after.rlim_max, "the soft limit is the hard one")
    }
}
