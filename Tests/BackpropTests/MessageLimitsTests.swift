import Backprop
import Testing

/// Issue 22: the environment the OpenMP runtime reads, and input quoted in messages.
@Suite("OpenMP environment and quoted input in messages")
struct MessageLimitsTests {
    @Test("OMP_NUM_THREADS and OMP_THREAD_LIMIT: invalid values removed, counts above the cores lowered")
    func openMPVerdicts() {
        func verdict(_ value: String, _ name: String = "OMP_NUM_THREADS") -> OpenMPEnvironment.Verdict {
            OpenMPEnvironment.verdict(name: name, value: value, coreCount: 4)
        }
        #expect(verdict("2") == .keep)
        #expect(verdict("4,2") == .keep)
        #expect(verdict("99999999999") == .replace("4"))
        #expect(verdict("999999999999999999999999") == .replace("4"))
        #expect(verdict("8,1") == .replace("4,1"))
        #expect(verdict(" 3 ") == .replace("3"))
        #expect(verdict("") == .remove(reason: "OMP_NUM_THREADS=\"\" is empty; expected a positive whole number "
                                       + "or a comma-separated list of them"))
        for invalid in ["garbage", "-1", "+2", "2.5", "1,,2", "0x10", "3 threads", "2\u{0}"] {
            guard case .remove(let reason) = verdict(invalid) else {
                Issue.record("\(invalid) was not refused")
                continue
            }
            #expect(reason.contains("is not a positive whole number"), "\(reason)")
        }
        #expect(verdict("0") == .remove(reason: "OMP_NUM_THREADS=\"0\" asks for 0 threads; expected a positive whole "
                                        + "number or a comma-separated list of them"))
        #expect(verdict("4,2", "OMP_THREAD_LIMIT") == .remove(reason: "OMP_THREAD_LIMIT=\"4,2\" is not a positive whole number"))
        #expect(verdict("64", "OMP_THREAD_LIMIT") == .replace("4"))
        // A long value is quoted cut.
        guard case .remove(let reason) = verdict(String(repeating: "x", count: 1000)) else {
            Issue.record("refused nothing")
            return
        }
        #expect(reason.count < 200 && reason.contains(String(repeating: "x", count: 80) + "…\""), "\(reason)")
    }

    @Test("quoted input is cut at 80 characters, control characters escaped, lists cut at five names")
    func excerpts() {
        #expect(MessageText.excerpt("abc") == "abc")
        #expect(MessageText.excerpt(String(repeating: "é", count: 81)) == String(repeating: "é", count: 80) + "…")
        #expect(MessageText.excerpt(String(repeating: "1", count: 80)) == String(repeating: "1", count: 80))
        #expect(MessageText.excerpt("2\u{0}abc\n") == "2\\0abc\\n")
        #expect(MessageText.list(["a", "b"]) == "'a', 'b'")
        #expect(MessageText.list((0..<25_000).map { "c\($0)" }) == "'c0', 'c1', 'c2', 'c3', 'c4' and 24995 more")
    }
}
