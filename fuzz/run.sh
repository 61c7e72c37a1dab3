#!/usr/bin/env bash
# Runs each fuzz target in turn for SECONDS (default 600), one process at a time, seeding the
# corpora from the repository's own inputs. Crashes land in fuzz/artifacts/TARGET/.
#   fuzz/run.sh [SECONDS] [TARGET ...]      targets: query text jsonl date search
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(query text jsonl date search)
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O >/dev/null

seed() {
    local dir=corpus/$1
    mkdir -p "$dir"
    case $1 in
    query | search)
        local i=0
        while IFS= read -r line; do
            printf '%s' "$line" >"$dir/seed-$i"
            i=$((i + 1))
        done < <(grep -v '^#' ../../shared/queries/public.txt 2>/dev/null; printf '%s\n' \
            'title:(a OR b) -"peace plan"~2 date:[2025-11 TO *] @zelensky^2' \
            'country:UKR type:person NOT (Kiev OR Kyiv)' 'date:{2020 TO 2021-02-28]')
        ;;
    text) cp ../corpus/*.txt ../tests/fixtures/*/*.txt "$dir/" ;;
    jsonl) cp ../tests/fixtures/*/*.jsonl "$dir/" ;;
    date) for d in 2025 2025-11 2025-11-24 2024-02-29 0001 9999-12-31; do printf '%s' "$d" >"$dir/$d"; done ;;
    esac
}

for target in "${targets[@]}"; do
    seed "$target"
    mkdir -p "artifacts/$target"
    echo "== $target: ${seconds}s"
    cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -jobs=1 -workers=1 \
        -artifact_prefix="artifacts/$target/" -print_final_stats=1 2>&1 | tail -25
    # With -jobs, libFuzzer logs to fuzz-0.log; keep each target's.
    mkdir -p logs && [ -f fuzz-0.log ] && mv fuzz-0.log "logs/$target.log"
done
