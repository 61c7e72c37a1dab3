#!/usr/bin/env python3
"""Carries the judgments over to a new passage splitting.

Judgments name passages as `ARTICLE#N`. When the way articles are split into passages changes,
the numbers move: this maps every pooled passage to the passage of the new index that holds
most of its text, rewrites pool.tsv and judgments.txt (a new passage that now holds several
judged ones keeps the highest grade), and prints what moved. Then run qrels.py.

    python3 tests/relevance/remap.py OLD_BINARY OLD_INDEX NEW_BINARY NEW_INDEX

Each binary reads its own index (the index format may differ between them).
"""

import json
import os
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def passages(binary, index, article):
    out = subprocess.run(
        [binary, "search", "--index", index, f'id:"{article}"', "--limit", "10000", "--json"],
        capture_output=True, text=True, check=False,
    ).stdout
    texts = {}
    for line in out.splitlines():
        hit = json.loads(line)
        if hit["type"] == "hit":
            texts[hit["passage"]] = " ".join(hit["text"].split())
    return texts


def words(text):
    return set(text.split())


def main():
    old_bin, old_index, new_bin, new_index = sys.argv[1:5]
    pool_lines = open(os.path.join(HERE, "pool.tsv"), encoding="utf-8").read().splitlines()
    articles = set()
    for line in pool_lines:
        if line.startswith("#") or not line.strip():
            continue
        articles.add(line.split("\t")[1].split("#")[0])
    mapping = {}
    for article in sorted(articles):
        old = passages(old_bin, old_index, article)
        new = passages(new_bin, new_index, article)
        for n, text in old.items():
            best = max(new, key=lambda m: (text in new[m], len(words(text) & words(new[m])), -m))
            mapping[f"{article}#{n}"] = f"{article}#{best}"
    moved = {k: v for k, v in mapping.items() if k != v}
    # pool.tsv: one row per need and new passage, sources merged.
    rows = defaultdict(dict)
    header = [l for l in pool_lines if l.startswith("#")]
    for line in pool_lines:
        if line.startswith("#") or not line.strip():
            continue
        need, doc, sources = line.split("\t")
        target = mapping.get(doc, doc)
        merged = rows[need].setdefault(target, [])
        merged.extend(s for s in sources.split(",") if s not in merged)
    with open(os.path.join(HERE, "pool.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(header) + "\n")
        for need in rows:
            for doc, sources in rows[need].items():
                f.write(f"{need}\t{doc}\t{','.join(sources)}\n")
    # judgments.txt: highest grade per need and new passage, first place kept.
    lines = open(os.path.join(HERE, "judgments.txt"), encoding="utf-8").read().splitlines()
    best, order, out = {}, [], []
    for line in lines:
        if line.startswith("#") or not line.strip():
            order.append(line)
            continue
        need, doc, grade = line.split()
        key = (need, mapping.get(doc, doc))
        if key not in best:
            order.append(key)
        best[key] = max(best.get(key, 0), int(grade))
    for item in order:
        out.append(item if isinstance(item, str) else f"{item[0]} {item[1]} {best[item]}")
    with open(os.path.join(HERE, "judgments.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"{len(mapping)} pooled passages in {len(articles)} articles; {len(moved)} renumbered")


if __name__ == "__main__":
    main()
