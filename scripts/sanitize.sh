#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer (with LeakSanitizer) and then under
# UndefinedBehaviorSanitizer, and fails on any report.
#
#   scripts/sanitize.sh [filter]     filter: a `swift test --filter` value, e.g. CKernelsTests
#   SANITIZERS=address scripts/sanitize.sh    runs only the sanitizers listed (address, undefined)
#
# ASan instruments the Swift code and the C core. UBSan instruments the C core only: swiftc
# has no -sanitize=undefined on Linux, and Swift traps on overflow and out-of-bounds access
# by itself. Each sanitizer builds in its own scratch directory (.build-asan, .build-ubsan),
# so the normal .build stays valid.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

filter=()
if [ $# -gt 0 ]; then filter=(--filter "$1"); fi
read -r -a sanitizers <<<"${SANITIZERS:-address undefined}"

# detect_leaks is the default on Linux, spelled out because the suppressions go with it; they
# name functions inside the toolchain's Foundation only (see the file).
export ASAN_OPTIONS="detect_leaks=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-toolchain.supp:print_suppressions=0"
# UBSan only prints by default; a finding must fail the run.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# As in CI: a build that fell back to the serial core fails, so that libomp runs under ASan.
export CKERNELS_EXPECT_OPENMP=1

for sanitizer in "${sanitizers[@]}"; do
    case $sanitizer in
        address) flags=(--sanitize=address --scratch-path .build-asan) ;;
        undefined)
            # -Xclang-linker: swiftc links through clang, which then adds the UBSan runtime.
            flags=(--scratch-path .build-ubsan -Xcc -fsanitize=undefined
                   -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined) ;;
        *) echo "sanitize: unknown sanitizer '$sanitizer' (address or undefined)" >&2; exit 2 ;;
    esac
    start=$SECONDS
    swift build --build-tests "${flags[@]}"
    built=$SECONDS
    # Swift Testing only: the package has no XCTest tests, and XCTest's runner leaks its own
    # suite objects at exit, which LeakSanitizer would report.
    swift test --skip-build --disable-xctest "${flags[@]}" "${filter[@]}"
    echo "sanitize: $sanitizer: built in $((built - start)) s, tested in $((SECONDS - built)) s"
done
