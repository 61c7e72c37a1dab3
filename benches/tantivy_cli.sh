#!/usr/bin/env bash
# The bare-engine floor: tantivy-cli indexing the UNGDC speeches' bodies as whole documents
# (one text field, stored, with positions), with the `en_stem` and the `default` tokenizers,
# against `attache index --full` (passages, stems, exact forms, entities, metadata), run
# alternately so all see the same machine load. Prints each run, then medians.
#
#   benches/tantivy_cli.sh [RUNS] [CORPUS]
#
# Needs tantivy-cli: `cargo install tantivy-cli --root /tmp/tcli` (or TANTIVY=path/to/tantivy).
# tantivy-cli runs with its defaults (one indexing thread, 1 GB); attache with its own (all
# cores, 512 MB). Wall times include each tool's merges.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
runs=${1:-3}
corpus=${2:-../shared/corpora/ungdc}
need_tantivy
need_corpus "$corpus"
need_jq
cargo build --release --quiet
bin=$PWD/target/release/attache
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tantivy_bodies "$corpus" "$tmp/bodies.json"
mb=$(du -sb --apparent-size "$corpus"/*.jsonl | awk '{s += $1} END {printf "%.1f", s / 1e6}')
echo "corpus $corpus ($mb MB of files, $(wc -l < "$tmp/bodies.json") bodies), $(nproc) cores, $("$tantivy" --version)"

declare -A secs
time_it() { # name command...
  local start end s
  start=$(date +%s.%N)
  "${@:2}" > /dev/null 2>&1
  end=$(date +%s.%N)
  s=$(echo "$end - $start" | bc -l)
  printf "run %d %-20s %6.2f s  %5.1f MB/s\n" "$i" "$1" "$s" "$(echo "$mb / $s" | bc -l)"
  secs[$1]+="$s "
}
for ((i = 1; i <= runs; i++)); do
  for tokenizer in en_stem default; do
    rm -rf "$tmp/t" && mkdir "$tmp/t" && tantivy_schema "$tokenizer" > "$tmp/t/meta.json"
    time_it "tantivy-cli $tokenizer" "$tantivy" index -i "$tmp/t" -f "$tmp/bodies.json"
  done
  rm -rf "$tmp/a"
  time_it "attache" "$bin" index "$corpus" --index "$tmp/a" --full --quiet
done
echo
for name in "tantivy-cli en_stem" "tantivy-cli default" "attache"; do
  m=$(median "${secs[$name]}")
  printf "median %-20s %6.2f s  %5.1f MB/s\n" "$name" "$m" "$(echo "$mb / $m" | bc -l)"
done
printf "attache / tantivy-cli en_stem wall time: %.2f\n" \
  "$(echo "$(median "${secs[attache]}") / $(median "${secs["tantivy-cli en_stem"]}")" | bc -l)"
