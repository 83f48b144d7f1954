#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files, which bounds how many connections the daemon can hold: each
/// is a descriptor, and past the limit the kernel refuses new connections before the daemon can
/// answer them `overloaded`.
public enum OpenFileLimit {
    /// Descriptors kept for everything but connections: the database and its journal, the
    /// listening sockets, the event loops' own, a reload reading its files.
    public static let reserve = 64

    /// The soft limit now, raised to the hard limit first when it is lower (a service manager's
    /// default of 1,024 is below what `--max-connections` allows by default).
    public static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return Int(FOPEN_MAX) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        // RLIM_INFINITY is the largest value: clamped to Int.max.
        return Int(clamping: limit.rlim_cur)
    }

    /// How many connections of each socket fit under `limit` descriptors with `sockets` sockets
    /// (the customers' and the desk's) each allowed `wanted`: `wanted`, or less when they do not fit.
    public static func connections(_ wanted: Int, sockets: Int, limit: Int) -> Int {
        let room = max(0, limit - reserve) / max(1, sockets)
        return min(wanted, max(1, room))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
