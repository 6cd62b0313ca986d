#!/usr/bin/env bash
# Cross-compiles the C core and its self-test (Tests/CKernelsC) for arm64 and runs them under
# qemu user-mode emulation, so the NEON kernels are checked bit for bit against the scalar
# definition on an x86 machine. Installs the cross toolchain and qemu with apt-get when they
# are missing. Builds: gcc serial, gcc + OpenMP (2 threads), and, when a clang is available
# (Swift's is), clang -O3 as SwiftPM compiles the package.
#
#   scripts/test-arm64.sh                    build into .build/ckernels-arm64 and run
#   CC_ARM64=... scripts/test-arm64.sh       use another aarch64 gcc
set -euo pipefail
cd "$(dirname "$0")/.."

gcc_arm64="${CC_ARM64:-aarch64-linux-gnu-gcc}"
missing=()
command -v "$gcc_arm64" >/dev/null || missing+=(gcc-aarch64-linux-gnu)
[ -f /usr/aarch64-linux-gnu/include/stdio.h ] || missing+=(libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user)
if ((${#missing[@]})); then
    echo "test-arm64: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
qemu="$(command -v qemu-aarch64 || command -v qemu-aarch64-static)"

out=.build/ckernels-arm64
mkdir -p "$out"
sources=(CKernels/*.c CKernels/microkernels/*.c Tests/CKernelsC/ckernels_selftest.c)
# -ffp-contract=off as in Package.swift: every fused multiply-add is written out, and gcc
# would otherwise fuse a * b + c on its own (arm64 has FMA in the base ISA). -static lets
# qemu run the binary without an arm64 dynamic loader.
flags=(-std=c11 -ffp-contract=off -Wall -Wextra -ICKernels/include -ICKernels -static)

run() {
    local name="$1" cc="$2"; shift 2
    echo "test-arm64: $cc $* -o $out/$name"
    "$cc" "$@" -o "$out/$name" "${sources[@]}" -lm
    echo "test-arm64: $qemu $out/$name"
    "$qemu" "$out/$name"
}

run selftest "$gcc_arm64" -O2 "${flags[@]}"
# (libgomp.a's dlopen makes the static link print a harmless glibc warning.)
OMP_NUM_THREADS=2 run selftest-omp "$gcc_arm64" -O2 -fopenmp "${flags[@]}"

clang="$(command -v clang || true)"
[ -n "$clang" ] || [ ! -x /opt/swift/usr/bin/clang ] || clang=/opt/swift/usr/bin/clang
if [ -n "$clang" ] && command -v "$(dirname "$clang")/ld.lld" >/dev/null; then
    run selftest-clang "$clang" --target=aarch64-linux-gnu -fuse-ld=lld -O3 "${flags[@]}"
else
    echo "test-arm64: no clang with ld.lld found; skipping the clang build"
fi
