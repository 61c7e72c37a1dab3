#!/usr/bin/env bash
# Where the index's bytes go: builds the corpus fresh with a release attache
# (`attache index CORPUS --index TMP --full`) and prints the bytes per segment file kind, per field
# (term dictionary, postings, positions, fast fields, field norms) and per stored field (raw,
# before compression), the index size against the text (the sum of the articles' bodies, in
# UTF-8 bytes), the build's wall clock and the load average around it.
#
#   benches/index_size.sh [BINARY] [CORPUS]
#
# BINARY defaults to target/release/attache (built first); give an older build to measure it.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
bin=${1:-} corpus=${2:-../shared/corpora/ungdc}
need_corpus "$corpus"
need_jq
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin=target/release/attache
fi
cargo build --release --quiet --example index_size
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
text=$(cat "$corpus"/*.jsonl | jq -j '.body // ""' | wc -c)
echo "binary: $bin ($("$bin" --version))"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
start=$(date +%s.%N)
"$bin" index "$corpus" --index "$tmp/index" --full --quiet
echo "build: $(echo "$(date +%s.%N) - $start" | bc -l | xargs printf '%.2f') s wall clock"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
target/release/examples/index_size "$tmp/index" "$text"
