import Backprop
import CKernels
import Foundation
import Testing
import TestSupport

/// Whether CI asked for proof that the OpenMP build is in use (it sets CKERNELS_EXPECT_OPENMP=1),
/// so that a build which silently fell back to the serial core fails instead of passing slowly.
private let openMPExpected = ProcessInfo.processInfo.environment["CKERNELS_EXPECT_OPENMP"] == "1"

extension SerializedCoreTests {
    @Suite("Threads and OpenMP")
    struct OpenMPTests {
        @Test("CKERNELS_EXPECT_OPENMP=1 requires the OpenMP build", .enabled(if: openMPExpected))
        func openMPRequired() {
            #expect(ck_openmp_enabled() == 1, "CKERNELS_EXPECT_OPENMP=1 but the C core was built without OpenMP")
            #expect(FastBackend.isParallel)
        }

        @Test("With OpenMP, two requested threads really run as a team of two", .enabled(if: ck_openmp_enabled() != 0))
        func teamSize() {
            withThreadCount(2) {
                #expect(ck_get_num_threads() == 2)
                #expect(FastBackend.threadCount == 2)
                #expect(ck_parallel_team_size() == 2, "this machine has 2 cores; the team was \(ck_parallel_team_size())")
            }
            withThreadCount(1) {
                #expect(ck_parallel_team_size() == 1)
            }
            withThreadCount(0) {
                // Below 1 restores OpenMP's default, which is at least one thread.
                #expect(ck_get_num_threads() >= 1)
            }
        }

        @Test("Without OpenMP everything runs on the calling thread", .enabled(if: ck_openmp_enabled() == 0))
        func serialBuild() {
            withThreadCount(2) {
                #expect(ck_get_num_threads() == 1)
                #expect(ck_parallel_team_size() == 1)
            }
            #expect(!FastBackend.isParallel)
        }

        @Test("FastBackend.threadCount sets the C core's thread bound")
        func fastBackendThreadCount() {
            withThreadCount(Int(ck_get_num_threads())) {
                FastBackend.threadCount = 1
                #expect(ck_get_num_threads() == 1)
                #expect(FastBackend.threadCount == 1)
            }
        }
    }
}
