#!/usr/bin/env bash
# Builds the C core and its self-test natively (no Swift) in four configurations and runs
# each: serial, OpenMP (gcc's libgomp: only the test driver, the package itself uses LLVM's
# libomp), and both again under AddressSanitizer + UndefinedBehaviorSanitizer; the OpenMP
# build also runs with another CPU's caches (CKERNELS_CACHES). On x86-64 the self-test
# compares avx2 and avx512 (where the CPU has them) with the scalar kernels.
#
#   scripts/test-c-core.sh           uses gcc (CC=clang to use clang)
set -euo pipefail
cd "$(dirname "$0")/.."

cc="${CC:-gcc}"
out=.build/ckernels-native
mkdir -p "$out"
sources=(CKernels/*.c CKernels/microkernels/*.c Tests/CKernelsC/ckernels_selftest.c)
# -ffp-contract=off as in Package.swift: every fused multiply-add is written out.
flags=(-std=c11 -ffp-contract=off -Wall -Wextra -ICKernels/include -ICKernels)

run() {
    local name="$1"; shift
    echo "test-c-core: $cc $* -o $out/$name"
    "$cc" "$@" -o "$out/$name" "${sources[@]}" -lm
    echo "test-c-core: $out/$name"
    "$out/$name"
}

run selftest "${flags[@]}" -O2
OMP_NUM_THREADS=2 run selftest-omp "${flags[@]}" -O2 -fopenmp
# Another CPU's caches through the environment (Intel Haswell: a 256 KiB L2 gives the smallest
# blocks): every product spans more MC and NC blocks, and must still match scalar bit for bit.
echo "test-c-core: CKERNELS_CACHES=l1d=32K,l2=256K,l3=8M/8 $out/selftest-omp"
CKERNELS_CACHES=l1d=32K,l2=256K,l3=8M/8 OMP_NUM_THREADS=2 "$out/selftest-omp"
# Sanitizers: halt on the first report, so a finding fails the script. Serial and with
# OpenMP: the parallel paths size and share buffers differently.
sanitize=(-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run selftest-asan "${flags[@]}" "${sanitize[@]}"
OMP_NUM_THREADS=2 run selftest-asan-omp "${flags[@]}" "${sanitize[@]}" -fopenmp
