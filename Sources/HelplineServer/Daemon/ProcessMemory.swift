#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The process's memory use, for `stats`, and giving back what start-up used and freed.
public enum ProcessMemory {
    /// Resident set size in bytes, from `/proc/self/statm`; `nil` where there is no `/proc`.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The allocator behind `malloc`: `jemalloc` where the binary is linked with it (Package.swift
    /// links it where its library is installed), else `system`.
    public static var allocator: String {
        mallctl == nil ? "system" : "jemalloc"
    }

    /// jemalloc's control function, when jemalloc serves `malloc`.
    private typealias Control = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?,
                                                UnsafeMutableRawPointer?, Int) -> Int32
    private static var mallctl: Control? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctl").map { unsafeBitCast($0, to: Control.self) }
    }

    /// Returns the heap's free pages to the system. Building the matcher allocates and frees far
    /// more than it keeps (examples, their analyses, the training's vectors); the C allocator keeps
    /// such freed memory for later by default, so without this it stays resident all the
    /// daemon's life.
    public static func releaseFreedMemory() {
        if let mallctl {
            // Every arena (`MALLCTL_ARENAS_ALL`) gives its unused dirty pages back.
            _ = mallctl("arena.4096.purge", nil, nil, nil, 0)
            return
        }
        #if canImport(Glibc)
        // glibc's `malloc_trim` (in <malloc.h>, which the Glibc module leaves out).
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
