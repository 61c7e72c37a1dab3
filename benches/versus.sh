#!/usr/bin/env bash
# Two attache binaries side by side on the UNGDC, alternating so both see the same machine load:
# a first build from scratch, a no-change update, and `attache bench` query latency (overall
# p50 and p99 over the public queries) on each binary's own freshly built index.
#
#   benches/versus.sh OLD_BINARY NEW_BINARY [RUNS] [CORPUS]
#
# Build the old binary from a worktree: git worktree add ../old COMMIT && (cd ../old && cargo
# build --release); then benches/versus.sh ../old/target/release/attache target/release/attache
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
old=$1 new=$2 runs=${3:-3} corpus=${4:-../shared/corpora/ungdc}
need_corpus "$corpus"
need_jq
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A build nochange p50 p99
seconds() { local start; start=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc -l; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $runs runs each"
for ((i = 1; i <= runs; i++)); do
  for which in old new; do
    bin=${!which}
    rm -rf "$tmp/$which"
    b=$(seconds "$bin" index "$corpus" --index "$tmp/$which" --quiet)
    n=$(seconds "$bin" index "$corpus" --index "$tmp/$which" --quiet)
    report=$("$bin" bench --index "$tmp/$which" --queries ../shared/queries/public.txt --runs 10 --warmup 2 --json 2>/dev/null)
    build[$which]+="$b " nochange[$which]+="$n "
    p50[$which]+="$(jq .overall.p50 <<<"$report") " p99[$which]+="$(jq .overall.p99 <<<"$report") "
    printf "run %d %-3s build %6.2f s  no-change %5.2f s  p50 %6.3f ms  p99 %6.3f ms\n" "$i" "$which" \
      "$b" "$n" "$(jq .overall.p50 <<<"$report")" "$(jq .overall.p99 <<<"$report")"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for which in old new; do
  printf "median %-3s build %6.2f s  no-change %5.2f s  p50 %6.3f ms  p99 %6.3f ms\n" "$which" \
    "$(median "${build[$which]}")" "$(median "${nochange[$which]}")" \
    "$(median "${p50[$which]}")" "$(median "${p99[$which]}")"
done
