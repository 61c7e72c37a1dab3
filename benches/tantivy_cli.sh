#!/usr/bin/env bash
# The bare-engine floor at equal threads: tantivy-cli indexing the UNGDC speeches' bodies as
# whole documents (one text field, stored, with positions), with the `en_stem` and the
# `default` tokenizers, against `attache index --full` (passages, stems, exact forms,
# entities, attribution, metadata), each at the same number of indexing threads and the same
# memory budget. Runs alternate engine by engine so all see the same machine load. Prints each
# run (wall time, CPU time = user + system of the whole process, MB/s), then per thread count
# the medians and the ratios attache / tantivy-cli en_stem, and the load average before and
# after.
#
#   benches/tantivy_cli.sh [RUNS] [CORPUS]
#
# THREADS="1 2" (the default) sets the thread counts compared: tantivy-cli `index -t N`
# (N indexing threads; its reader thread and max(1, N/4) JSON-parsing threads come on top),
# attache `index --threads N` (N analysing threads and N tantivy indexing threads; its reading
# thread on top). MEMORY_MB=512 (the default, attache's own default) is the writer budget
# of both (tantivy-cli `-m`, in bytes; attache `--memory`). Wall times include process start,
# each tool's final commit and merges; CPU time counts every thread of the process.
#
# Needs tantivy-cli: `cargo install tantivy-cli --root /tmp/tcli` (or TANTIVY=path/to/tantivy)
# and GNU time (/usr/bin/time). ATTACHE=path/to/attache measures that binary instead of
# building target/release/attache.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
runs=${1:-3}
corpus=${2:-../shared/corpora/ungdc}
threads=${THREADS:-1 2}
memory_mb=${MEMORY_MB:-512}
need_tantivy
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time (apt-get install -y time)" >&2; exit 2; }
need_corpus "$corpus"
need_jq
if [ -n "${ATTACHE:-}" ]; then
  bin=$ATTACHE
else
  cargo build --release --quiet
  bin=$PWD/target/release/attache
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tantivy_bodies "$corpus" "$tmp/bodies.json"
mb=$(du -sb --apparent-size "$corpus"/*.jsonl | awk '{s += $1} END {printf "%.1f", s / 1e6}')
echo "corpus $corpus ($mb MB of files, $(wc -l < "$tmp/bodies.json") bodies), $(nproc) cores, $("$tantivy" --version)"
echo "threads: $threads; memory budget $memory_mb MB each; $runs runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A wall cpu
time_it() { # name command...
  local w user sys c
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "${@:2}" > /dev/null 2>&1
  read -r w user sys < "$tmp/time"
  c=$(echo "$user + $sys" | bc -l)
  printf "run %d %-28s wall %6.2f s  cpu %6.2f s  %5.1f MB/s  load %s\n" "$i" "$1" "$w" "$c" \
    "$(echo "$mb / $w" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
  wall[$1]+="$w "
  cpu[$1]+="$c "
}
for ((i = 1; i <= runs; i++)); do
  for t in $threads; do
    for tokenizer in en_stem default; do
      rm -rf "$tmp/t" && mkdir "$tmp/t" && tantivy_schema "$tokenizer" > "$tmp/t/meta.json"
      time_it "tantivy-cli $tokenizer -t $t" "$tantivy" index -i "$tmp/t" -f "$tmp/bodies.json" \
        -t "$t" -m $((memory_mb << 20))
    done
    rm -rf "$tmp/a"
    time_it "attache --threads $t" "$bin" index "$corpus" --index "$tmp/a" --full --quiet \
      --threads "$t" --memory "$memory_mb"
  done
done
echo
for t in $threads; do
  for name in "tantivy-cli en_stem -t $t" "tantivy-cli default -t $t" "attache --threads $t"; do
    w=$(median "${wall[$name]}")
    printf "median %-28s wall %6.2f s  cpu %6.2f s  %5.1f MB/s\n" "$name" "$w" \
      "$(median "${cpu[$name]}")" "$(echo "$mb / $w" | bc -l)"
  done
  a="attache --threads $t" e="tantivy-cli en_stem -t $t"
  printf "attache / tantivy-cli en_stem at %d thread(s): cpu %.2f, wall %.2f\n" "$t" \
    "$(echo "$(median "${cpu[$a]}") / $(median "${cpu[$e]}")" | bc -l)" \
    "$(echo "$(median "${wall[$a]}") / $(median "${wall[$e]}")" | bc -l)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
