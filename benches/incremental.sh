#!/usr/bin/env bash
# Bulk indexing jobs on the UN General Debate corpus, each as `attache index --json` reports it:
# a first run (an update of an empty index), a no-change run, a run after ~0.5% of the speeches
# changed, and a full rebuild; with peak resident memory and index size. Runs are repeated
# RUNS times and alternated so they see the same machine load; medians at the end.
#
#   benches/incremental.sh [RUNS] [CORPUS]
#
# RUNS defaults to 3; CORPUS to ../shared/corpora/ungdc (read, never written: the changed
# copy lives in a temporary folder). Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
runs=${1:-3}
corpus=${2:-../shared/corpora/ungdc}
need_corpus "$corpus"
need_jq
cargo build --release --quiet
bin=$PWD/target/release/attache
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus"
cp "$corpus"/*.jsonl "$tmp/corpus/"
echo "corpus $corpus, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $runs runs"

# Revises every 100th speech of each file (a word prepended to its body): ~0.5% of the corpus.
revise_some() {
  for f in "$tmp/corpus"/*.jsonl; do
    awk -v tag="$1" 'NR % 100 == 0 { sub(/"body": "/, "\"body\": \"" tag " ") } { print }' "$f" > "$f.new"
    mv "$f.new" "$f"
  done
}

declare -A secs
row() { # name json
  local s mbs rss size
  s=$(jq -r .seconds <<<"$2"); mbs=$(jq -r .megabytes_per_second <<<"$2")
  rss=$(jq -r '.peak_memory_bytes / 1e6' <<<"$2"); size=$(jq -r '.index_bytes / 1e6' <<<"$2")
  printf "%-12s %7.2f s %7.1f MB/s  peak %6.0f MB  index %6.0f MB  +%s ~%s -%s =%s\n" "$1" "$s" "$mbs" "$rss" "$size" \
    "$(jq -r .added <<<"$2")" "$(jq -r .changed <<<"$2")" "$(jq -r .removed <<<"$2")" "$(jq -r .unchanged <<<"$2")"
  secs[$1]+="$s "
}
for ((i = 1; i <= runs; i++)); do
  rm -rf "$tmp/index"
  row first "$("$bin" index "$tmp/corpus" --index "$tmp/index" --json --quiet)"
  row no-change "$("$bin" index "$tmp/corpus" --index "$tmp/index" --json --quiet)"
  revise_some "revised$i"
  row revised "$("$bin" index "$tmp/corpus" --index "$tmp/index" --json --quiet)"
  row full "$("$bin" index "$tmp/corpus" --index "$tmp/index" --json --quiet --full)"
done
echo
for name in first no-change revised full; do
  printf "median %-12s %7.2f s\n" "$name" "$(median "${secs[$name]}")"
done
