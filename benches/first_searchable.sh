#!/usr/bin/env bash
# How soon a first build becomes searchable: starts `attache index` on an empty index and runs
# `attache search --count` every 0.1 s until it finds the query, RUNS times; prints the seconds
# to the first hit and to the end of the build for each run, then their medians.
#
#   benches/first_searchable.sh [RUNS] [CORPUS] [QUERY]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
runs=${1:-3}
corpus=${2:-../shared/corpora/ungdc}
query=${3:-nuclear}
need_corpus "$corpus"
cargo build --release --quiet
bin=target/release/attache
index=$(mktemp -d)/index
first=() total=()
for run in $(seq "$runs"); do
  rm -rf "$index"
  start=$(date +%s.%N)
  "$bin" index "$corpus" --index "$index" --quiet &
  pid=$!
  hit=""
  while kill -0 "$pid" 2>/dev/null; do
    if [ -z "$hit" ] && "$bin" search --index "$index" --count "$query" >/dev/null 2>&1; then
      hit=$(echo "$(date +%s.%N) - $start" | bc)
    fi
    sleep 0.1
  done
  wait "$pid"
  end=$(echo "$(date +%s.%N) - $start" | bc)
  [ -n "$hit" ] || hit=$end
  echo "run $run: first hit after ${hit} s, build done after ${end} s"
  first+=("$hit") total+=("$end")
done
echo "median: first hit after $(median "${first[@]}") s, build done after $(median "${total[@]}") s"
rm -rf "$(dirname "$index")"
