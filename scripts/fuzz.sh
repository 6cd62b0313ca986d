#!/usr/bin/env bash
# Fuzzes the parsers of untrusted files (IDX, safetensors, gzip) with libFuzzer and
# AddressSanitizer, each for a bounded number of executions, and fails if any of them crashes.
#
#   scripts/fuzz.sh [executions]    default 1,000,000 per fuzzer; 20,000 when CI=true
#
# Each fuzzer starts from a scratch copy of its seeds in Fuzz/Corpus/<Fuzzer>/, so a run never
# changes the committed corpus; FUZZ_MERGE=1 merges what a clean run found back into it
# (libFuzzer's -merge=1 keeps only inputs that add coverage). A crashing input is saved as
# Fuzz/.build/crashes/<Fuzzer>-crash-<sha1>; replay it with Fuzz/.build/release/<Fuzzer> <file>.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

if [ $# -gt 0 ]; then
    executions=$1
elif [ "${CI:-}" = true ]; then
    executions=20000
else
    executions=1000000
fi

# The largest input worth trying per format: an IDX header of up to 255 dimensions is 1 KB; a
# safetensors header with a few tensors and their data, and a gzip member, fit in 4 KB
# (deflate expands 4 KB to at most 4 MB).
fuzzers=(IDXFuzzer:2048 SafetensorsFuzzer:4096 GzipFuzzer:4096)

build=(swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address)
start=$SECONDS
"${build[@]}"
bin=$("${build[@]}" --show-bin-path)
echo "fuzz: built in $((SECONDS - start)) s"

artifacts=Fuzz/.build/crashes
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Let libFuzzer's own handler report a Swift trap and save the input: Swift's backtracer would
# otherwise take the signal first (and, under ASan, report its own reads of the stack).
export SWIFT_BACKTRACE=enable=no

failed=()
for entry in "${fuzzers[@]}"; do
    name=${entry%%:*}
    maxLength=${entry##*:}
    cp -R "Fuzz/Corpus/$name" "$scratch/$name"
    log="$scratch/$name.log"
    start=$SECONDS
    status=0
    "$bin/$name" -runs="$executions" -max_len="$maxLength" -timeout=10 -rss_limit_mb=2048 \
        -dict="Fuzz/Dictionaries/$name.dict" -artifact_prefix="$artifacts/$name-" \
        -print_final_stats=1 "$scratch/$name" >"$log" 2>&1 || status=$?
    done_line=$(grep -E '^Done [0-9]+ runs' "$log" || true)
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$log"
        echo "fuzz: $name FAILED (exit $status) after $((SECONDS - start)) s; input saved under $artifacts/"
        failed+=("$name")
        continue
    fi
    coverage=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1)
    echo "fuzz: $name: ${done_line:-no summary}, $((SECONDS - start)) s wall ($coverage," \
        "corpus $(ls "$scratch/$name" | wc -l) files)"
    if [ "${FUZZ_MERGE:-}" = 1 ]; then
        "$bin/$name" -merge=1 -max_len="$maxLength" "Fuzz/Corpus/$name" "$scratch/$name" >"$log.merge" 2>&1
        echo "fuzz: merged into Fuzz/Corpus/$name: $(ls "Fuzz/Corpus/$name" | wc -l) files"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#fuzzers[@]} passed, 0 failed"
