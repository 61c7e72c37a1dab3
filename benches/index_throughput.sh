#!/usr/bin/env bash
# Indexing throughput on the UN General Debate corpus, with and without entity recognition,
# run alternately so both see the same machine load. Prints each run, then medians.
#
#   benches/index_throughput.sh [RUNS] [CORPUS]
#
# RUNS defaults to 5; CORPUS to ../shared/corpora/ungdc. Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
runs=${1:-5}
corpus=${2:-../shared/corpora/ungdc}
need_corpus "$corpus"
cargo build --release --quiet
bin=target/release/attache
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mb=$(du -sb --apparent-size "$corpus"/*.jsonl | awk '{s += $1} END {printf "%.1f", s / 1e6}')
echo "corpus $corpus ($mb MB of files), $(nproc) cores, $runs runs each"
declare -a with without
for ((i = 1; i <= runs; i++)); do
  for mode in without with; do
    flag=""; [ "$mode" = without ] && flag="--no-entities"
    rm -rf "$tmp/index"
    start=$(date +%s.%N)
    "$bin" index "$corpus" --index "$tmp/index" --quiet $flag 2>/dev/null
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc -l)
    printf "run %d %-8s %6.2f s\n" "$i" "$mode" "$secs"
    if [ "$mode" = with ]; then with+=("$secs"); else without+=("$secs"); fi
  done
done
w=$(median "${with[@]}"); wo=$(median "${without[@]}")
echo
printf "median without entities %6.2f s  %5.1f MB/s\n" "$wo" "$(echo "$mb / $wo" | bc -l)"
printf "median with entities    %6.2f s  %5.1f MB/s\n" "$w" "$(echo "$mb / $w" | bc -l)"
printf "recognition share of indexing time: %.0f%%\n" "$(echo "100 * ($w - $wo) / $w" | bc -l)"
