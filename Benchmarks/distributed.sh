#!/usr/bin/env bash
# Throughput of data-parallel training on this machine: `mpirun -np 2 --threads 1` against one
# process with 1 thread and one process with 2 threads, for the book's 784-50-10 network
# (batch 100) and a larger 784-1024-1024-10 one (batch 512, He initialization).
#
# Each configuration runs twice, with A and B iterations (both inside the first epoch, so both
# do the same two evaluations); (time_B - time_A) / (B - A) is the time of one training step,
# evaluations excluded. The distributed runs also report the time per step spent summing the
# gradients. Needs a build with the MPI trait (scripts/test-mpi.sh makes one in .build-mpi).
#
#   Benchmarks/distributed.sh [path/to/backprop]
set -euo pipefail
cd "$(dirname "$0")/.."
backprop="${1:-.build-mpi/release/backprop}"
mpirun=(mpirun --allow-run-as-root --oversubscribe --bind-to none)
echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

seconds() {  # the "seconds" of the run's JSON summary (its last stdout line)
    "$@" --json 2>/tmp/distributed-bench.err | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'
}

bench() {  # name, A, B, options...
    local name="$1" a="$2" b="$3"; shift 3
    for setup in "1 process, 1 thread" "1 process, 2 threads" "2 processes, 1 thread each"; do
        local run=("$backprop" train "$@")
        case "$setup" in
            "1 process, 1 thread") run+=(--threads 1) ;;
            "1 process, 2 threads") run+=(--threads 2) ;;
            *) run=("${mpirun[@]}" -np 2 "$backprop" train "$@" --threads 1 --distributed) ;;
        esac
        local ta tb reduction
        ta=$(seconds "${run[@]}" --iterations "$a")
        tb=$(seconds "${run[@]}" --iterations "$b")
        reduction=$(sed -n 's/.*: \([0-9.]*\) µs per step summing gradients/\1/p' /tmp/distributed-bench.err)
        python3 -c "
a, b, ta, tb = $a, $b, $ta, $tb
step = (tb - ta) / (b - a)
print(f'$name | $setup | {step * 1e6:8.0f} us per step | {1 / step:7.0f} steps/s | gradient sum ${reduction:-n/a} us per step')"
    done
}

bench "784-50-10, batch 100" 200 500
bench "784-1024-1024-10, batch 512" 20 60 --hidden 1024 1024 --batch-size 512 --weight-init he
