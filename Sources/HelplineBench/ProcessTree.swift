import Foundation

/// Processor time of a process and all its descendants, from `/proc` (Linux): a PostgreSQL
/// server is a postmaster and one process per connection.
public enum ProcessTree {
    /// The user and system time of `root` and the processes under it now, in seconds; `nil` when
    /// `root` is not there. (Children that already ended count only once their parent reaped them.)
    public static func cpuSeconds(root: Int32) -> Double? {
        guard let own = ProcessTimes.cpuSeconds(pid: root) else { return nil }
        var parents: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let parent = parent(of: pid) else { continue }
            parents[parent, default: []].append(pid)
        }
        var total = own
        var queue = parents[root] ?? []
        while let pid = queue.popLast() {
            total += ProcessTimes.cpuSeconds(pid: pid) ?? 0
            queue += parents[pid] ?? []
        }
        return total
    }

    private static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }
}
