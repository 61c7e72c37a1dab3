#!/usr/bin/env bash
# The scale curve: generate synthetic corpora of growing size with `attache gen`, index each
# from scratch, and measure query latency with `attache bench` over the public queries.
#
#   benches/scale.sh [ARTICLES...]          default: 10000 100000 1000000
#
# Environment: SCALE_DIR (work folder, default /tmp/attache-scale), SEED (default 1), RUNS
# (measured runs per query, default 10), KEEP=1 keeps the generated corpora (by default each is
# deleted once indexed; the indexes are kept for further measurement).
#
# Writes SCALE_DIR/scale.tsv and SCALE_DIR/scale.md (a markdown table), and, when the plot
# example builds, SCALE_DIR/scale.png (`cargo run --release --features plot --example
# scale_plot`). Builds the release binary first. Needs about 7.5 kB of disk per article.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
work=${SCALE_DIR:-/tmp/attache-scale}
seed=${SEED:-1}
runs=${RUNS:-10}
queries=../shared/queries/public.txt
[ -f "$queries" ] || { echo "no queries at $queries" >&2; exit 2; }

mkdir -p "$work"
need=0
for n in "${sizes[@]}"; do need=$((need + n * 7500)); done
free=$(df -B1 --output=avail "$work" | tail -1)
if [ "$free" -lt "$need" ]; then
  echo "not enough disk under $work: $((free / 1000000)) MB free, about $((need / 1000000)) MB needed" >&2
  exit 2
fi

cargo build --release --quiet
bin=target/release/attache
now() { date +%s.%N; }
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes')"
} | tee "$work/machine.txt"
printf 'articles\tcorpus_bytes\tpassages\tindex_bytes\tindex_seconds\tpeak_rss_kb\tp50_ms\tp99_ms\tqps_1\tsovereignty_ms\tterrorism_ms\n' >"$work/scale.tsv"
for n in "${sizes[@]}"; do
  corpus="$work/gen-s$seed-n$n.jsonl"
  index="$work/index-$n"
  echo "== $n articles"
  "$bin" gen --articles "$n" --seed "$seed" --out "$corpus"
  bytes=$(stat -c %s "$corpus")
  rm -rf "$index"
  start=$(now)
  /usr/bin/time -f '%M' -o "$work/rss-$n.txt" "$bin" index "$corpus" --index "$index" --quiet
  secs=$(echo "$(now) - $start" | bc -l)
  rss=$(tail -1 "$work/rss-$n.txt")
  size=$(du -sb "$index" | cut -f1)
  [ "${KEEP:-0}" = 1 ] || rm -f "$corpus"
  "$bin" bench --index "$index" --queries "$queries" --runs "$runs" --json >"$work/bench-$n.json"
  read -r passages p50 p99 qps < <(jq -r '[.index.passages, .overall.p50, .overall.p99, .qps_single] | @tsv' "$work/bench-$n.json")
  # The common words: their median total per search.
  common() { jq -r --arg q "$1" '.queries[] | select(.query == $q) | .total.p50' "$work/bench-$n.json"; }
  printf '%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%.0f\t%s\t%s\n' "$n" "$bytes" "$passages" "$size" "$secs" "$rss" "$p50" "$p99" "$qps" \
    "$(common sovereignty)" "$(common terrorism)" | tee -a "$work/scale.tsv"
done

{
  echo "| articles | corpus | passages | index size | indexing | MB/s | peak RSS | query p50 | query p99 | qps (1 thread) | sovereignty | terrorism |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  tail -n +2 "$work/scale.tsv" | while IFS=$'\t' read -r n bytes passages size secs rss p50 p99 qps sov ter; do
    printf '| %s | %.0f MB | %s | %.0f MB | %.1f s | %.1f | %.0f MB | %.2f ms | %.2f ms | %s | %.2f ms | %.2f ms |\n' \
      "$n" "$(echo "$bytes / 1000000" | bc -l)" "$passages" "$(echo "$size / 1000000" | bc -l)" \
      "$secs" "$(echo "$bytes / 1000000 / $secs" | bc -l)" "$(echo "$rss / 1000" | bc -l)" "$p50" "$p99" "$qps" "$sov" "$ter"
  done
} | tee "$work/scale.md"

if cargo run --release --quiet --features plot --example scale_plot -- "$work/scale.tsv" "$work/scale.png"; then
  echo "plot: $work/scale.png"
fi
