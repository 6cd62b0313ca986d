import Foundation

/// How much more memory this process can allocate, read from the system: the physical memory,
/// a container's limit (cgroup v2 `memory.max`) and the process's own limits (`ulimit -v`,
/// `ulimit -d`), each less what this process already uses. Other processes' use is not
/// subtracted: the estimate guards against runs that cannot fit, not against a busy machine. ``TrainingMemory`` is compared against it before a
/// run allocates, so that a run that cannot fit is refused instead of aborting mid-way.
public struct MachineMemory: Sendable, Equatable {
    /// The bytes still available under the tightest of the limits.
    public var availableBytes: Double
    /// Which limit that is, for messages: "physical memory", "the cgroup memory limit", …
    public var limit: String

    /// The tightest limit of this process now, or nil when none can be read.
    public static func current() -> MachineMemory? {
        var candidates: [MachineMemory] = []
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0 && pageSize > 0 {
            let resident = statusField("VmRSS") ?? 0
            candidates.append(MachineMemory(availableBytes: Double(pages) * Double(pageSize) - resident,
                                            limit: "physical memory"))
        }
        // The container's limit less this process's own use: the group's `memory.current`
        // counts page cache the kernel reclaims on demand, and would refuse runs that fit.
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            candidates.append(MachineMemory(availableBytes: bytes - (statusField("VmRSS") ?? 0),
                                            limit: "the cgroup memory limit"))
        }
        for (resource, field, name) in [(RLIMIT_AS, "VmSize", "the address-space limit (ulimit -v)"),
                                        (RLIMIT_DATA, "VmData", "the data-segment limit (ulimit -d)")] {
            var limit = rlimit()
            #if os(Linux)
            let code = __rlimit_resource_t(resource.rawValue)
            #else
            let code = resource
            #endif
            // RLIM_INFINITY is all ones (its C macro does not import as an unsigned constant).
            guard getrlimit(code, &limit) == 0, limit.rlim_cur != rlim_t.max else { continue }
            candidates.append(MachineMemory(availableBytes: Double(limit.rlim_cur) - (statusField(field) ?? 0),
                                            limit: name))
        }
        return candidates.min { $0.availableBytes < $1.availableBytes }
    }

    /// A `/proc/self/status` field such as `VmRSS`, in bytes (nil where there is no /proc).
    private static func statusField(_ name: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Double(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }
}
