#!/usr/bin/env python3
"""Writes qrels.txt (TREC format) from pool.tsv and judgments.txt, and prints the statistics.

judgments.txt lists, as `NEED PASSAGE GRADE`, the pooled passages the judge graded 1 or 2;
every other pooled passage was read and graded 0. A judgment of a passage that is not in
the pool is an error (a typo, or a pool built differently), so the two files stay in step.

    python3 tests/relevance/qrels.py
"""

import os
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    pool = defaultdict(dict)  # need -> passage -> sources
    for line in open(os.path.join(HERE, "pool.tsv"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        need, doc, sources = line.rstrip("\n").split("\t")
        pool[need][doc] = sources.split(",")
    grades = defaultdict(dict)
    for n, line in enumerate(open(os.path.join(HERE, "judgments.txt"), encoding="utf-8"), 1):
        if line.startswith("#") or not line.strip():
            continue
        need, doc, grade = line.split()
        if doc not in pool[need]:
            sys.exit(f"judgments.txt: line {n}: {need} {doc} is not in pool.tsv")
        if doc in grades[need] and grades[need][doc] != int(grade):
            sys.exit(f"judgments.txt: line {n}: {need} {doc} graded twice, differently")
        grades[need][doc] = int(grade)
    key = lambda d: (d.rsplit("#", 1)[0], int(d.rsplit("#", 1)[1]))
    counts, sources = Counter(), Counter()
    per_need = []
    with open(os.path.join(HERE, "qrels.txt"), "w", encoding="utf-8") as out:
        for need in pool:
            for doc in sorted(pool[need], key=key):
                g = grades[need].get(doc, 0)
                out.write(f"{need} 0 {doc} {g}\n")
                counts[g] += 1
                for s in pool[need][doc]:
                    sources[s] += 1
            per_need.append((need, len(pool[need]),
                             sum(1 for g in grades[need].values() if g == 2),
                             sum(1 for g in grades[need].values() if g == 1)))
    total = sum(counts.values())
    print(f"{len(pool)} needs, {total} judged passages: "
          f"grade 2 {counts[2]}, grade 1 {counts[1]}, grade 0 {counts[0]}")
    print("pooled by: " + ", ".join(f"{s} {c}" for s, c in sources.most_common()))
    for need, judged, two, one in per_need:
        print(f"{need}\t{judged} judged\t{two} × 2\t{one} × 1")


if __name__ == "__main__":
    main()
