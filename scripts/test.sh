#!/usr/bin/env bash
# Every check of the project, in the order of cost; the README's test command and what CI runs.
#
#   1. swift test                 the Swift suites: C core vs reference, layers, training, CLI
#   1b. scripts/test-mpi.sh       train --distributed under mpirun (the MPI trait's build)
#   2. scripts/test-c-core.sh     the C self-test natively, with OpenMP, and under ASan + UBSan
#   3. scripts/test-arm64.sh      the NEON kernels cross-compiled and run under qemu-aarch64
#   4. scripts/sanitize.sh        the whole Swift test suite under ASan and UBSan
#   5. scripts/fuzz.sh            the IDX, gzip and safetensors parsers under libFuzzer
#   6. scripts/check-docs.sh      documentation snippets compile, DocC builds without warnings
#   7. scripts/check-example.sh   a consumer package builds against a local version tag
#
# Steps 3 and 5 install what they need with apt-get when it is missing. Set CI=true for the
# short fuzzing run. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
    echo
    echo "=== test.sh: $* ==="
}

step "swift test"
swift test

step "data-parallel training under mpirun"
bash scripts/test-mpi.sh

step "C core self-test (native, OpenMP, sanitizers)"
bash scripts/test-c-core.sh

step "arm64 NEON kernels under qemu"
bash scripts/test-arm64.sh

step "sanitizers on the whole test suite"
SANITIZERS="address undefined" bash scripts/sanitize.sh

step "fuzzing the data parsers"
bash scripts/fuzz.sh

step "documentation"
bash scripts/check-docs.sh

step "consumer package"
bash scripts/check-example.sh

echo
echo "test.sh: every check passed"
