#!/usr/bin/env bash
# Data-parallel training on this machine (loopback, Open MPI over shared memory): `mpirun -np N
# --threads 1` for N = 1, 2, 3, 4, for the book's 784-50-10 network (batch 100) and a larger
# 784-1024-1024-10 one (batch 512, He initialization), with each exchange algorithm for N >= 2
# (BACKPROP_MPI_EXCHANGE=ring, the default, or allgather, the baseline).
#
# Each configuration runs twice, with A and B iterations (both inside the first epoch, so both
# do the same two evaluations); (time_B - time_A) / (B - A) is the time of one training step,
# evaluations excluded. The run with B iterations reports, from its --json summary, the
# exchange's time per step and the bytes sent and received per step (each the largest over the
# processes) against the gradient's bytes. Needs a build with the MPI trait (scripts/test-mpi.sh
# makes one in .build-mpi).
#
#   Benchmarks/distributed.sh [path/to/backprop]              the table (REPEATS=3 runs of each,
#                                                             the minima kept)
#   Benchmarks/distributed.sh --crossover [path/to/backprop]  the exchange's time against the
#                                                             gradient's size, ring and all-gather
set -euo pipefail
cd "$(dirname "$0")/.."
crossover=false
if [ "${1:-}" = "--crossover" ]; then crossover=true; shift; fi
backprop="${1:-.build-mpi/release/backprop}"
repeats="${REPEATS:-3}"
mpirun=(mpirun --allow-run-as-root --oversubscribe --bind-to none)
echo "# $(lscpu | sed -n 's/^Model name: *//p') (family $(lscpu | sed -n 's/^CPU family: *//p') model $(lscpu | sed -n 's/^Model: *//p')), $(nproc) cores, $(mpirun --version | head -1); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

summary() {  # the run's JSON summary (its last stdout line), one field per line: name value
    "$@" --json 2>/tmp/distributed-bench.err | tail -1 | python3 -c '
import json, sys
for key, value in json.load(sys.stdin).items(): print(key, value)'
}

field() { sed -n "s/^$1 //p" <<<"$2"; }

run() {  # processes, algorithm, iterations, options...: the JSON summary of one run
    local processes="$1" algorithm="$2" iterations="$3"; shift 3
    BACKPROP_MPI_EXCHANGE="$algorithm" summary "${mpirun[@]}" -x BACKPROP_MPI_EXCHANGE -np "$processes" \
        "$backprop" train "$@" --threads 1 --distributed --iterations "$iterations"
}

bench() {  # name, A, B, options...: each run $repeats times, the minima kept (the machine is shared)
    local name="$1" a="$2" b="$3"; shift 3
    for processes in 1 2 3 4; do
        local algorithms=(ring allgather)
        [ "$processes" = 1 ] && algorithms=(ring)
        for algorithm in "${algorithms[@]}"; do
            local ta="" tb="" exchange="" second
            for _ in $(seq "$repeats"); do
                ta+="$(field seconds "$(run "$processes" "$algorithm" "$a" "$@")"),"
                second=$(run "$processes" "$algorithm" "$b" "$@")
                tb+="$(field seconds "$second"),"
                exchange+="$(field exchange_seconds_per_step "$second"),"
            done
            python3 -c "
a, b, ta, tb, exchange = $a, $b, min([$ta]), min([$tb]), min([$exchange])
sent, received, gradient = $(field exchange_bytes_sent_per_step "$second"), $(field exchange_bytes_received_per_step "$second"), $(field gradient_bytes "$second")
step = (tb - ta) / (b - a)
name = '$algorithm' if $processes > 1 else '-'
print(f'$name | $processes | {name:9} | {step * 1e6:8.0f} us/step | {exchange * 1e6:7.0f} us exchange | '
      f'{sent:9.0f} B sent, {received:9.0f} B received per step | gradient {gradient} B ({sent / gradient:.2f}x)')"
        done
    done
}

if $crossover; then
    # 784-h-10 for small h: gradients of 3 KB to 200 KB; 300 steps each, the exchange's mean.
    for processes in 2 3 4; do
        for hidden in 1 2 4 8 16 64; do
            line="$processes processes, 784-$hidden-10"
            for algorithm in ring allgather; do
                best=""
                for repeat in 1 2 3; do
                    s=$(run "$processes" "$algorithm" 300 --hidden "$hidden")
                    t=$(field exchange_seconds_per_step "$s")
                    best=$(python3 -c "print(min(x for x in [$t, ${best:-$t}]))")
                done
                line+=" | $algorithm $(python3 -c "print(f'{$best * 1e6:6.1f}')") us ($(field gradient_bytes "$s") B)"
            done
            echo "$line"
        done
    done
    exit 0
fi

bench "784-50-10, batch 100" 100 600
bench "784-1024-1024-10, batch 512" 20 60 --hidden 1024 1024 --batch-size 512 --weight-init he
