#!/usr/bin/env bash
# Peak memory of `attache index` on generated corpora of growing size: the kernel's peak resident
# set (VmHWM, which also counts the index files tantivy maps while merging) and the peak of
# anonymous memory (RssAnon, sampled every 0.2 s: what the process itself allocates).
#
#   benches/memory.sh [ARTICLES ...]      (default: 10000 100000 1000000)
#
# Data and indexes go under ${TMPDIR:-/tmp}/attache-memory (removed at the end); 10^6 articles
# take ~3 GB of corpus and ~4 GB of index. Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
cargo build --release --quiet
bin=$PWD/target/release/attache
work=${TMPDIR:-/tmp}/attache-memory
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status" 2>/dev/null || true; }
echo "$(nproc) cores, --memory 512 (default)"
printf "| articles | corpus | seconds | MB/s | peak RssAnon | peak VmHWM |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n"
for n in "${sizes[@]}"; do
  "$bin" gen --articles "$n" --seed 1 --out "$work/corpus.jsonl" 2>/dev/null
  "$bin" index "$work/corpus.jsonl" --index "$work/index" --quiet --json > "$work/run.json" &
  pid=$!
  anon=0
  while kill -0 "$pid" 2>/dev/null; do
    a=$(kb RssAnon "$pid"); [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
    sleep 0.2
  done
  wait "$pid"
  printf "| %s | %.0f MB | %.1f | %.1f | %.0f MB | %.0f MB |\n" "$n" \
    "$(jq .bytes/1e6 "$work/run.json")" "$(jq .seconds "$work/run.json")" \
    "$(jq .megabytes_per_second "$work/run.json")" "$(echo "$anon / 1000" | bc -l)" \
    "$(jq .peak_memory_bytes/1e6 "$work/run.json")"
  rm -rf "$work/index" "$work/corpus.jsonl"
done
