#!/usr/bin/env python3
"""Build an attache shard set on a Dask cluster: one `attache index --shard KEY` task per shard.

    python3 contrib/dask/attache_dask.py build CORPUS... --index SET --shard-by year
        [--scheduler tcp://HOST:8786 | --workers N] [--attache PATH] [--retries N]

The driver lists the corpus with `attache shards` (which input files hold which shard's
articles), builds every shard into SET.building/ as its own task, and publishes the set (renames
SET.building/ to SET/) only when every shard is complete. A task whose worker dies is run again
by the scheduler on another worker; a task that fails is retried up to --retries times. Both
resume the shard where its last commit left it: attache's incremental runs are crash-safe. A
failed run keeps SET.building/ and running the same command again finishes it.

Without --scheduler the driver starts a local cluster of --workers processes. With it, the
workers must see the corpus, SET's parent folder and the attache binary at the same paths (a
shared filesystem), since every task reads its inputs and writes its shard in place.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time


def _die_with_parent():
    """In the child: ask Linux to kill it when the thread that started it dies (a killed worker
    must not leave an orphan build holding its shard's writer lock)."""
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def run_attache(args, capture=True):
    """Run attache; return its standard output, or raise with its last error line."""
    proc = subprocess.run(
        args,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        last = lines[-1] if lines else "no message"
        raise RuntimeError(f"{' '.join(args[:2])} exited {proc.returncode}: {last}")
    return proc.stdout


def plan(attache, paths, shard_by):
    """The shards of the corpus (`attache shards --json`: key, period, files, articles), largest
    first."""
    out = run_attache([attache, "shards", *paths, "--shard-by", shard_by, "--json"])
    shards = [json.loads(line) for line in out.splitlines() if line.strip()]
    return sorted(shards, key=lambda s: (-s["articles"], s["key"]))


def build_shard(attache, staging, shard_by, key, inputs, threads):
    """One task: build or finish the shard `key` of the set at `staging` from `inputs`."""
    start = time.monotonic()
    args = [attache, "index", *inputs, "--index", staging, "--shard-by", shard_by]
    args += ["--shard", key, "--threads", str(threads), "--json"]
    out = run_attache(args)
    summary = json.loads(out.splitlines()[-1]) if out.strip() else {}
    return {
        "key": key,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "seconds": round(time.monotonic() - start, 3),
        "summary": summary,
    }


def log(message, json_log=None, **fields):
    print(message, file=sys.stderr, flush=True)
    if json_log is not None:
        json_log.write(json.dumps({"t": round(time.time(), 3), "event": message, **fields}) + "\n")
        json_log.flush()


def build(args):
    from dask.distributed import Client, LocalCluster, as_completed

    attache = shutil.which(args.attache) or os.path.abspath(args.attache)
    paths = [os.path.abspath(p) for p in args.paths]
    target = os.path.abspath(args.index.rstrip("/"))
    staging = target + ".building"
    json_log = open(args.log, "a") if args.log else None

    shards = plan(attache, paths, args.shard_by)
    if not shards:
        sys.exit(f"error: no articles under {' '.join(paths)}")
    articles = sum(s["articles"] for s in shards)
    log(f"plan: {len(shards)} shards, {articles} articles, by {args.shard_by}", json_log,
        shards=len(shards), articles=articles)

    if args.scheduler:
        cluster = None
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    workers = len(client.scheduler_info()["workers"])
    log(f"cluster: {client.scheduler.address}, {workers} workers", json_log,
        scheduler=client.scheduler.address, workers=workers)

    started = time.monotonic()
    futures = {}
    for rank, shard in enumerate(shards):
        future = client.submit(
            build_shard, attache, staging, args.shard_by, shard["key"], shard["files"],
            args.threads, key=f"attache-shard-{shard['key']}-{started}", pure=False,
            retries=args.retries, priority=len(shards) - rank,
        )
        futures[future] = shard["key"]

    failed = []
    done = 0
    for future in as_completed(futures):
        key = futures[future]
        try:
            result = future.result()
        except Exception as error:  # the task failed after its retries, or the cluster gave up
            failed.append(key)
            log(f"shard {key} failed: {error}", json_log, shard=key, error=str(error))
            continue
        done += 1
        log(f"shard {key} built on {result['host']}:{result['pid']} in {result['seconds']} s "
            f"({done}/{len(shards)})", json_log, shard=key, **result)

    client.close()
    if cluster is not None:
        cluster.close()
    if failed:
        sys.exit(f"error: {len(failed)} of {len(shards)} shards failed ({', '.join(sorted(failed))}); "
                 f"{staging} is kept: run the same command again to finish it")

    # Publish only a complete set whose shards hold what the plan counted.
    listed = run_attache([attache, "shards", "--index", staging, "--json"])
    built = {s["key"]: s for s in map(json.loads, filter(str.strip, listed.splitlines()))}
    for shard in shards:
        got = built.get(shard["key"])
        if got is None or not got.get("complete") or got.get("articles") != shard["articles"]:
            sys.exit(f"error: shard {shard['key']} of {staging} is not complete "
                     f"(planned {shard['articles']} articles, found {got}); run the command again")
    if os.path.exists(target):
        old = f"{target}.old-{os.getpid()}"
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old)
    else:
        os.rename(staging, target)
    seconds = round(time.monotonic() - started, 3)
    log(f"published {target}: {len(shards)} shards, {articles} articles in {seconds} s", json_log,
        published=target, shards=len(shards), articles=articles, seconds=seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build a shard set, one task per shard")
    b.add_argument("paths", nargs="+", help="corpus folders or files")
    b.add_argument("--index", required=True, help="the shard set to publish")
    b.add_argument("--shard-by", default="year", choices=["year", "month", "source"])
    b.add_argument("--scheduler", help="a running scheduler's address (tcp://HOST:8786)")
    b.add_argument("--workers", type=int, default=2, help="local cluster size without --scheduler")
    b.add_argument("--threads", type=int, default=1, help="attache threads per task")
    b.add_argument("--retries", type=int, default=3, help="retries of a failed task")
    b.add_argument("--attache", default="attache", help="the attache binary (on PATH or a path)")
    b.add_argument("--log", help="append JSON Lines events to this file")
    args = parser.parse_args()
    if args.workers < 1 or args.threads < 1 or args.retries < 0:
        parser.error("--workers and --threads must be at least 1, --retries at least 0")
    build(args)


if __name__ == "__main__":
    main()
