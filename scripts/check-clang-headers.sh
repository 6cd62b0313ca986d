#!/usr/bin/env bash
# The package builds on a machine that also has Debian's clang: its package libclang-common-N-dev
# fills /usr/lib/llvm-N/lib/clang/<version>/include, the folder where libomp-dev puts omp.h, with
# that clang's own stdint.h, stdatomic.h, … (issue 22). A build that put that folder on the
# include path took them in place of the Swift toolchain's and failed.
#
# Debian's clang is not installed for this: the package is downloaded and extracted, its
# headers are merged with what the folder holds, and the result is bind-mounted over the
# folder in a private mount namespace (unshare --mount), for this one build only. The build
# uses its own scratch path, .build-clangheaders.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

# The LLVM whose libomp the build uses: the newest with libomp.so, as Package.swift picks it.
llvm=$(ls -d /usr/lib/llvm-*/ 2>/dev/null | sed 's:/$::' | sort -t- -k2 -n -r |
       while read -r dir; do [ -e "$dir/lib/libomp.so" ] && { echo "$dir"; break; }; done || true)
if [ -z "$llvm" ]; then
    echo "check-clang-headers: no /usr/lib/llvm-*/lib/libomp.so (libomp-dev): nothing to check" >&2
    exit 1
fi
major=${llvm##*-}
resource=$(ls -d "$llvm"/lib/clang/*/include | head -1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && { apt-get download "libclang-common-$major-dev" >/dev/null 2>&1 ||
                 { apt-get update -qq && apt-get download "libclang-common-$major-dev" >/dev/null; }; })
dpkg-deb -x "$work"/libclang-common-"$major"-dev_*.deb "$work/root"
headers="$work/root$resource"
[ -f "$headers/stdint.h" ] || { echo "check-clang-headers: the package has no $resource/stdint.h" >&2; exit 1; }
# What the machine's folder holds already (omp.h from libomp-dev), as both packages installed would leave it.
cp -a "$resource"/. "$headers"/

echo "check-clang-headers: swift build with libclang-common-$major-dev's headers over $resource"
unshare --mount --propagation private bash -c '
    mount --bind "$1" "$2"
    swift build --scratch-path .build-clangheaders
' bash "$headers" "$resource"
echo "check-clang-headers: OK"
