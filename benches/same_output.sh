#!/usr/bin/env bash
# Whether two attache binaries print the same for the same index: every query of QUERIES, and
# words that match nothing (so "did you mean" runs), searched as JSON Lines (less `took_ms`)
# and as text (standard output, and standard error less the time it took), compared byte for
# byte. Prints the first differences and exits 1 if there are any.
#
#   benches/same_output.sh OLD_BINARY NEW_BINARY INDEX [QUERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
old=$1 new=$2 index=$3 queries=${4:-../shared/queries/public.txt}
need_jq
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No hits, misspelt (one and two edits, other scripts, inside longer queries), or too short.
no_hits=(giraffe xqzvbnm secrity kremlim genva Ushakof "ushakof AND kremlim" "nuclear disarmamnet"
  "\"secrity council\"" київа Türkiy qx secritycouncil secuirty kangaro sovreignity putn giraffes
  sovereigntysovereigntysovereigntysovereigntysovereigntysovereigntysovereignty)
run() { # BINARY OUT
  {
    grep -v '^\s*#' "$queries" | grep -v '^\s*$'
    printf '%s\n' "${no_hits[@]}"
  } | while IFS= read -r query; do
    echo "== $query"
    "$1" search --index "$index" --json -- "$query" 2>&1 | jq -c 'del(.took_ms)' || true
    "$1" search --index "$index" --color never -- "$query" 2>&1 |
      sed -E 's/ \([0-9.]+ ms(;|\))/ (… ms\1/' || true
  done >"$2"
}
run "$old" "$tmp/old"
run "$new" "$tmp/new"
echo "$(grep -c '^== ' "$tmp/old") queries, $(wc -l <"$tmp/old") lines from the old binary, $(wc -l <"$tmp/new") from the new"
if diff "$tmp/old" "$tmp/new" >"$tmp/diff"; then
  echo "identical: JSON (less took_ms), text and messages of every query"
else
  echo "differences (old <, new >):"
  head -20 "$tmp/diff"
  exit 1
fi
