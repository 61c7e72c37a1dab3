#!/usr/bin/env bash
# Whether two indexes (each searched by its own attache binary) rank alike: the top 100 of
# every query of QUERIES, as passages (`--per-article 0 --no-collapse`) and as the default
# grouped page, compared by article id, passage number and score to 4 decimals, and by
# everything else a hit's JSON holds (the article's values, text, snippet, highlights,
# entities, speakers, duplicates). Prints the first differences and exits 1 if there are any.
#
#   benches/same_results.sh OLD_BINARY OLD_INDEX NEW_BINARY NEW_INDEX [QUERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
old=$1 old_index=$2 new=$3 new_index=$4 queries=${5:-../shared/queries/public.txt}
need_jq
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
top() { # BINARY INDEX OUT
  while IFS= read -r query; do
    [ -z "$query" ] && continue
    for grouping in "--per-article 0 --no-collapse" ""; do
      # shellcheck disable=SC2086 # the grouping flags split on purpose
      "$1" search --index "$2" -n 100 --json $grouping -- "$query" 2>/dev/null |
        jq -r --arg q "$query" --arg g "${grouping:-grouped}" 'select(.type == "hit") |
          [$q, $g, .rank, "\(.article_id)#\(.passage)", (.score * 10000 | round / 10000),
           (del(.score) | tojson)] | @tsv' || true
    done
  done <"$queries" >"$3"
}
top "$old" "$old_index" "$tmp/old"
top "$new" "$new_index" "$tmp/new"
echo "$(wc -l <"$tmp/old") hits from the old index, $(wc -l <"$tmp/new") from the new"
if diff "$tmp/old" "$tmp/new" >"$tmp/diff"; then
  echo "identical: every query's top 100, ids, scores to 4 decimals and all else a hit shows"
else
  echo "differences (old <, new >):"
  head -20 "$tmp/diff"
  exit 1
fi
