#!/usr/bin/env bash
# The distributed build's test: a real local Dask cluster (a scheduler and two worker processes
# on localhost) builds the UNGDC as a shard set by year through contrib/dask/attache_dask.py; one
# worker is killed with SIGKILL while it runs a shard; the published set must equal a
# single-machine build (articles, passages, and the exact counts of a dozen queries).
#
#   pip install -r contrib/dask/requirements.txt     # once
#   contrib/dask/cluster_test.sh [WORKDIR]           # about 2 minutes on 2 cores
#
# ATTACHE (default target/release/attache) and CORPUS (default ../shared/corpora/ungdc) may be
# set. Exit 0 when everything matches, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
ATTACHE=$(realpath "${ATTACHE:-target/release/attache}")
CORPUS=$(realpath "${CORPUS:-../shared/corpora/ungdc}")
WORK=$(realpath -m "${1:-$(mktemp -d /tmp/attache-dask.XXXXXX)}")
mkdir -p "$WORK"
[ -x "$ATTACHE" ] || { echo "error: no attache binary at $ATTACHE; run cargo build --release" >&2; exit 1; }
python3 -c "import dask.distributed" 2>/dev/null ||
  { echo "error: dask is not installed; run pip install -r contrib/dask/requirements.txt" >&2; exit 1; }

PORT=$((20000 + RANDOM % 20000))
PIDS=()
# SIGKILL: a worker whose scheduler is gone may wait for it forever after a SIGTERM.
cleanup() { kill -9 "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "== single-machine build"
rm -rf "$WORK/single" "$WORK/set" "$WORK/set.building" "$WORK/events.jsonl"
"$ATTACHE" index "$CORPUS" --index "$WORK/single" --quiet

echo "== cluster: scheduler on port $PORT, two workers"
dask scheduler --host 127.0.0.1 --port "$PORT" --no-dashboard >"$WORK/scheduler.log" 2>&1 &
PIDS+=($!)
sleep 3
for name in w1 w2; do
  dask worker "tcp://127.0.0.1:$PORT" --name "$name" --nthreads 1 --no-nanny --no-dashboard \
    >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
done
W1=${PIDS[1]}
sleep 3

echo "== distributed build"
python3 contrib/dask/attache_dask.py build "$CORPUS" --index "$WORK/set" --shard-by year \
  --scheduler "tcp://127.0.0.1:$PORT" --attache "$ATTACHE" --log "$WORK/events.jsonl" &
DRIVER=$!

# Kill worker w1 while it runs a shard, once a few shards are done.
killed=""
for _ in $(seq 1 600); do
  built=$(grep -c '"shard"' "$WORK/events.jsonl" 2>/dev/null || true)
  child=$(pgrep -P "$W1" -f "attache index" | head -1 || true)
  if [ "${built:-0}" -ge 5 ] && [ -n "$child" ]; then
    shard=$(tr '\0' ' ' <"/proc/$child/cmdline" | sed -E 's/.*--shard ([^ ]+).*/\1/')
    kill -9 "$W1"
    killed="$shard"
    echo "killed worker w1 (pid $W1) while it built shard $shard, after $built shards"
    break
  fi
  sleep 0.1
done
status=0
wait "$DRIVER" || status=$?
[ -n "$killed" ] || { echo "FAIL: no worker was killed mid-shard" >&2; exit 1; }
[ "$status" = 0 ] || { echo "FAIL: the driver exited $status" >&2; exit 1; }
# The killed shard must have been built after the kill, by the other worker.
rebuilt=$(grep "\"shard\": \"$killed\"" "$WORK/events.jsonl" | tail -1 |
  python3 -c "import json,sys; e=json.load(sys.stdin); print(e['pid'], e['summary']['articles'])")
echo "shard $killed was built again by pid ${rebuilt% *} (${rebuilt#* } articles)"
[ "${rebuilt% *}" != "$W1" ] || { echo "FAIL: the killed worker reported shard $killed" >&2; exit 1; }

echo "== compare"
fail=0
same() { # label, then the two values
  if [ "$2" = "$3" ]; then echo "same  $1: $2"; else echo "DIFF  $1: single $2, set $3"; fail=1; fi
}
stat() { "$ATTACHE" stats --index "$1" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['articles'], d['passages'])"; }
same "articles passages" "$(stat "$WORK/single")" "$(stat "$WORK/set")"
while IFS= read -r query; do
  a=$("$ATTACHE" search --index "$WORK/single" --count -- "$query")
  b=$("$ATTACHE" search --index "$WORK/set" --count -- "$query")
  same "$query" "$a" "$b"
done <<'QUERIES'
sovereignty
"security guarantee"
nuclear disarmament
@Gorbachev
"law of the sea"
apartheid sanctions
@Cambodia
decolonization
"two-State solution"
climate change
terrorism date:[1990 TO 1999]
Hammarskjold
QUERIES
[ "$fail" = 0 ] && echo "ok: the distributed build equals the single-machine build" || exit 1
