#!/usr/bin/env bash
# Data-parallel training over Open MPI (the package trait MPI, off by default): builds
# `backprop` with the trait into .build-mpi and runs the DistributedTrainingTests suite against
# it, which starts `mpirun -np 1` to `-np 4` on this machine (loopback, --oversubscribe): the
# ring exchange's traffic and reproducibility, the split validation set, failing and killed ranks.
#
# Without Open MPI the step is skipped with a message; under CI=true it installs Open MPI
# (Debian's libopenmpi-dev and openmpi-bin) instead, so CI never skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

if ! command -v mpirun >/dev/null || ! pkg-config --exists ompi-c 2>/dev/null; then
    if [ "${CI:-}" = "true" ]; then
        echo "test-mpi: installing Open MPI"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenmpi-dev openmpi-bin pkg-config >/dev/null
    else
        echo "test-mpi: SKIPPED: Open MPI is not installed (apt-get install libopenmpi-dev openmpi-bin; brew install open-mpi)"
        exit 0
    fi
fi

build=(swift build -c release --traits OpenMP,MPI --scratch-path .build-mpi --product backprop)
"${build[@]}"
executable="$("${build[@]}" --show-bin-path)/backprop"
echo "test-mpi: running DistributedTrainingTests with $executable under $(mpirun --version | head -1)"
BACKPROP_MPI_EXECUTABLE="$executable" swift test --filter DistributedTrainingTests
