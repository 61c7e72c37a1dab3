#!/usr/bin/env bash
# The whole-process floor: `attache search` against `tantivy search` (tantivy-cli), each run as
# a fresh process on the same UNGDC bodies, alternating run by run so both see the same machine
# load. Three words: one that occurs nowhere (attache then also looks for "did you mean"
# spellings), a rare one and a common one. attache prints its top 10 as text and as JSON Lines;
# tantivy-cli prints every matching document (whole speeches, unranked), so only the no-hit
# case does the same work in both and is the one the floor is judged by. Prints medians and
# p90s in ms, attache / tantivy-cli per case, and the load average before and after.
#
#   benches/floor.sh [RUNS] [CORPUS]
#
# RUNS (200) runs of each command per word, after 5 unmeasured ones. The indexes are built in a
# temporary folder unless ATTACHE_INDEX and TANTIVY_INDEX name existing ones (an attache index
# of CORPUS; a tantivy-cli index of its bodies as benches/tantivy_cli.sh builds it, en_stem).
# WORDS="none rare common" changes the words; ATTACHE=path/to/attache times another build (say,
# the one before a change) instead of this one's release build. Needs tantivy-cli (see
# benches/tantivy_cli.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
runs=${1:-200}
corpus=${2:-../shared/corpora/ungdc}
read -r -a words <<<"${WORDS:-giraffe kangaroo sovereignty}"
need_tantivy
need_corpus "$corpus"
need_jq
if [ -z "${ATTACHE:-}" ]; then cargo build --release --quiet; fi
bin=${ATTACHE:-$PWD/target/release/attache}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Measured as installed (a copy, as `cargo install` leaves it, and as tantivy-cli is): the same
# bytes straight from the linker's output took 30 more page faults and 0.2-0.45 ms more here.
cp "$bin" "$tmp/attache"
bin=$tmp/attache
a=${ATTACHE_INDEX:-$tmp/a}
t=${TANTIVY_INDEX:-$tmp/t}
[ -n "${ATTACHE_INDEX:-}" ] || "$bin" index "$corpus" --index "$a" --quiet
if [ -z "${TANTIVY_INDEX:-}" ]; then
  mkdir "$t" && tantivy_schema en_stem > "$t/meta.json"
  tantivy_bodies "$corpus" "$tmp/bodies.json"
  "$tantivy" index -i "$t" -f "$tmp/bodies.json" > /dev/null 2>&1
fi
segments() { jq '.segments | length' "$1"; }
echo "attache $("$bin" --version | cut -d' ' -f2-) at $a ($(segments "$a/$(cat "$a/CURRENT")/meta.json") segments)," \
  "$("$tantivy" --version) at $t ($(segments "$t/meta.json") segments)"
echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A us
# Runs a command once with its output thrown away, adding its wall time (µs) to us[NAME].
clock() { # NAME COMMAND...
  local start=$EPOCHREALTIME end
  "${@:2}" > /dev/null 2>&1 || true # attache exits 1 when nothing matched
  end=$EPOCHREALTIME
  us[$1]+="$((10#${end//[.,]/} - 10#${start//[.,]/})) "
}
run_all() { # WORD
  clock "tantivy-cli $1" "$tantivy" search -i "$t" -q "$1"
  clock "attache $1" "$bin" search "$1" --index "$a" --limit 10
  clock "attache --json $1" "$bin" search "$1" --index "$a" --limit 10 --json
}
for ((i = 1; i <= 5; i++)); do
  for word in "${words[@]}"; do run_all "$word"; done
done
us=()
for ((i = 1; i <= runs; i++)); do
  for word in "${words[@]}"; do run_all "$word"; done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
ms() { echo "scale=3; $1 / 1000" | bc -l | sed 's/^\./0./'; }
printf "%-12s %-16s %8s %8s %10s\n" word command "p50 ms" "p90 ms" "/ tantivy"
for word in "${words[@]}"; do
  base=$(median "${us["tantivy-cli $word"]}")
  for name in "tantivy-cli" "attache" "attache --json"; do
    values=${us["$name $word"]}
    m=$(median "$values")
    printf "%-12s %-16s %8s %8s %10.2f\n" "$word" "$name" "$(ms "$m")" \
      "$(ms "$(percentile 90 "$values")")" "$(echo "$m / $base" | bc -l)"
  done
done
