# Shared by the benchmark scripts: `source "$(dirname "$0")/lib.sh"`.

# The median of the numbers given as arguments (or as one space-separated argument).
median() {
  printf '%s\n' $* | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

# Exits 2 unless the corpus folder $1 exists.
need_corpus() {
  [ -d "$1" ] || { echo "no corpus at $1" >&2; exit 2; }
}

# Exits 2 unless jq is installed.
need_jq() {
  command -v jq >/dev/null || { echo "needs jq (apt-get install -y jq)" >&2; exit 2; }
}

# The P-th percentile (nearest rank) of the numbers given after P.
percentile() {
  local p=$1
  shift
  printf '%s\n' $* | sort -g | awk -v p="$p" '{a[NR] = $1} END {r = int((p * NR + 99) / 100); print a[r < 1 ? 1 : r]}'
}

# The tantivy-cli meta.json of a one-field index of bodies (stored, with positions) tokenized
# by $1 (`en_stem`, `default`): the bare-engine index the benchmarks compare attache with.
tantivy_schema() {
  cat <<JSON
{"index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384}, "segments": [],
 "schema": [{"name": "body", "type": "text", "options": {"indexing": {"record": "position",
   "fieldnorms": true, "tokenizer": "$1"}, "stored": true, "fast": false}}], "opstamp": 0}
JSON
}

# Writes the bodies of the JSON Lines corpus $1 to $2 as tantivy-cli documents (`{"body": …}`).
tantivy_bodies() {
  cat "$1"/*.jsonl | jq -c '{body: .body}' > "$2"
}

# The tantivy-cli binary (TANTIVY, the PATH, or /tmp/tcli/bin/tantivy); exits 2 without one.
need_tantivy() {
  tantivy=${TANTIVY:-$(command -v tantivy || echo /tmp/tcli/bin/tantivy)}
  [ -x "$tantivy" ] || { echo "no tantivy-cli at $tantivy: cargo install tantivy-cli --root /tmp/tcli" >&2; exit 2; }
}
