#!/usr/bin/env bash
# What a change to the index's storage costs a search, old and new binaries side by side, each
# on its own fresh build of CORPUS, alternating so both see the same machine load:
#  - warm: `attache bench` over QUERIES (top 10 with snippets), RUNS times each: overall p50
#    and p99, and the fetch stage (stored passages, snippets, entities) as the median and the
#    largest of the per-query fetch medians;
#  - cold: every query as the first search of a fresh process (`attache search --json`, its
#    `took_ms`: the document store's block cache is empty, the page cache is not), RUNS rounds:
#    p50 and p99 over all queries and rounds.
# Also prints each index's size and the load average before and after.
#
#   benches/store_cost.sh OLD_BINARY NEW_BINARY [RUNS] [CORPUS] [QUERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
old=$1 new=$2 runs=${3:-3} corpus=${4:-../shared/corpora/ungdc}
queries=${5:-../shared/queries/public.txt}
need_corpus "$corpus"
need_jq
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
percentile() { # P NUMBERS…
  local p=$1
  shift
  printf '%s\n' "$@" | sort -g | awk -v p="$p" '{a[NR] = $1} END {i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print a[i]}'
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $runs runs each"
for which in old new; do
  "${!which}" index "$corpus" --index "$tmp/$which" --full --quiet >/dev/null 2>&1
  echo "$which index: $(du -sb "$tmp/$which" | cut -f1) bytes"
done
declare -A p50 p99 fetch50 fetchmax cold
for ((i = 1; i <= runs; i++)); do
  for which in old new; do
    report=$("${!which}" bench --index "$tmp/$which" --queries "$queries" --runs 10 --warmup 2 --json 2>/dev/null)
    p50[$which]+="$(jq .overall.p50 <<<"$report") " p99[$which]+="$(jq .overall.p99 <<<"$report") "
    fetches=$(jq '[.queries[].fetch.p50] | sort | .[length / 2 | floor]' <<<"$report")
    fetchmax[$which]+="$(jq '[.queries[].fetch.p50] | max' <<<"$report") " fetch50[$which]+="$fetches "
  done
  while IFS= read -r query; do
    [ -z "$query" ] && continue
    for which in old new; do
      took=$("${!which}" search --index "$tmp/$which" --json -n 10 -- "$query" 2>/dev/null |
        jq -r 'select(.type == "summary") | .took_ms' || true)
      cold[$which]+="${took:-0} "
    done
  done <"$queries"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-4s %12s %12s %16s %16s %14s %14s\n" "" "warm p50" "warm p99" "fetch p50 (med)" "fetch p50 (max)" "cold p50" "cold p99"
for which in old new; do
  # shellcheck disable=SC2086 # the lists split on purpose
  printf "%-4s %9.3f ms %9.3f ms %13.3f ms %13.3f ms %11.3f ms %11.3f ms\n" "$which" \
    "$(median "${p50[$which]}")" "$(median "${p99[$which]}")" \
    "$(median "${fetch50[$which]}")" "$(median "${fetchmax[$which]}")" \
    "$(percentile 50 ${cold[$which]})" "$(percentile 99 ${cold[$which]})"
done
