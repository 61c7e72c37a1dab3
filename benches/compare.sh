#!/usr/bin/env bash
# Whole-process `attache search` against ripgrep over the same speeches as plain text files,
# for the public queries, timed with hyperfine (medians). Writes a markdown table to stdout.
#
#   benches/compare.sh [INDEX] [QUERIES]
#
# INDEX defaults to /tmp/ungdc (built from ../shared/corpora/ungdc when missing); QUERIES to
# ../shared/queries/public.txt. Needs hyperfine and rg (`apt-get install hyperfine ripgrep`).
#
# ripgrep is given the easier job: one case-insensitive fixed string per query (the first
# phrase or word; `rg -i -l -F`), listing matching files. attache parses the whole query,
# ranks passages, counts every match exactly and prints ten snippets with entities.
set -euo pipefail
cd "$(dirname "$0")/.."
index=${1:-/tmp/ungdc}
queries=${2:-../shared/queries/public.txt}
corpus=../shared/corpora/ungdc
for tool in hyperfine rg python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install hyperfine ripgrep" >&2; exit 2; }
done
cargo build --release --quiet
bin=$PWD/target/release/attache
if [ ! -e "$index/CURRENT" ]; then
  "$bin" index "$corpus" --index "$index" --quiet
fi
text=$(mktemp -d)
trap 'rm -rf "$text"' EXIT
# One plain text file per speech.
python3 - "$corpus" "$text" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    if name.endswith(".jsonl"):
        with open(os.path.join(src, name), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                with open(os.path.join(dst, r["id"] + ".txt"), "w", encoding="utf-8") as out:
                    out.write(r["body"])
PY
echo "| query | attache median (ms) | rg median (ms) | rg / attache |"
echo "| --- | --- | --- | --- |"
grep -v '^\s*#' "$queries" | grep -v '^\s*$' | while IFS= read -r query; do
  pattern=$(python3 -c 'import re,sys; q=sys.argv[1]; m=re.search(r"\"([^\"]+)\"", q); print(m.group(1) if m else re.split(r"\s+", q.strip())[0])' "$query")
  json=$(mktemp)
  hyperfine -N -i --warmup 2 --runs 10 --export-json "$json" \
    "$bin search --index $index --color never -- $(printf '%q' "$query")" \
    "rg -i -l -F -- $(printf '%q' "$pattern") $text" >/dev/null 2>&1 || true
  python3 - "$json" "$query" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, g = (x["median"] * 1000 for x in r)
print(f"| `{sys.argv[2]}` | {a:.1f} | {g:.1f} | {g / a:.1f}x |")
PY
  rm -f "$json"
done
