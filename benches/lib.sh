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
