#!/usr/bin/env python3
"""Builds the judging pool of attache's judged set, and the sheets to judge it from.

For every need of needs.tsv, the pool is the union of these rankings (see README.md):

  attache   the need's query as `attache search` runs it, top 20
  phrase    its words as one exact phrase, top 5 (needs of two words or more)
  or        its words joined by OR, top 5 (needs of two words or more)
  plain     its words without quotes, `@` or OR, top 5 (when that differs from the query)
  era       the query with --until 1979, --since 1980 --until 1999, --since 2000, top 3 each
            (UNGDC needs without a date filter)
  bm25      an independent BM25 (k1 1.2, b 0.75, OR of the words, crude plural stemming)
            computed here over every line-paragraph of both corpora, with the need's
            country and date filters, top 5, mapped to the attache passage holding it
  sample    every passage of the sample corpus (S needs: the corpus is judged in full)

Field filters (`country:CHN`) and dates (`date:[…]`) are kept in every variant. The rankings
are attache's current ones, run by the binary given (the ranking is not changed here).

    python3 tests/relevance/pool.py --attache target/release/attache --index /tmp/eval-ungdc \
        [--ungdc ../shared/corpora/ungdc] [--corpus corpus] [--sheets /tmp/attache-judge]

writes tests/relevance/pool.tsv (need, passage, sources) and, per need, a sheet
SHEETS/NEED.txt listing the pooled passages in article order (not rank order, so the judge
does not see which ranking found them) with date, title, speaker and the whole text.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ERAS = [(None, "1979"), ("1980", "1999"), ("2000", None)]
DEPTH = {"attache": 20, "phrase": 5, "or": 5, "plain": 5, "era": 3, "bm25": 5}


def read_needs(path):
    needs = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        need, query, description = line.split("\t")
        needs.append((need, query, description))
    return needs


TOKEN = re.compile(
    r'date:\[[^\]]*\]|date:\S+|\w+:"[^"]*"|\w+:\S+|@"[^"]*"|@\S+|"[^"]*"|\S+'
)


def split_query(query):
    """The query's filters (field and date clauses) and its words."""
    filters, words = [], []
    for token in TOKEN.findall(query):
        if re.match(r"\w+:", token) and not token.startswith("@"):
            filters.append(token)
        elif token == "OR":
            continue
        else:
            words.extend(token.strip("@").strip('"').split())
    return filters, words


def fold(text):
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


WORD = re.compile(r"[a-z0-9]+")


def stem(word):
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text):
    return [stem(w) for w in WORD.findall(fold(text))]


def attache(args, query, limit, since=None, until=None):
    command = [args.attache, "search", "--index", args.index, "--json", "-n", str(limit)]
    if since:
        command += ["--since", since]
    if until:
        command += ["--until", until]
    command += ["--", query]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"attache failed on {query!r}: {run.stderr.strip()}")
    hits = []
    for line in run.stdout.splitlines():
        hit = json.loads(line)
        if hit["type"] == "hit":
            hits.append(hit)
    return hits


def variants(need, query):
    """(source, query, since, until) of every attache ranking pooled for a need."""
    filters, words = split_query(query)
    out = [("attache", query, None, None)]
    f = " ".join(filters)
    if len(words) >= 2:
        out.append(("phrase", f'"{" ".join(words)}" {f}'.strip(), None, None))
        out.append(("or", " OR ".join(words) + (f" {f}" if f else ""), None, None))
    plain = " ".join(words + filters)
    if plain != query:
        out.append(("plain", plain, None, None))
    if need.startswith("U") and not any(x.startswith("date:") for x in filters):
        for since, until in ERAS:
            out.append(("era", query, since, until))
    return out


def paragraphs(args):
    """(article id, date, country, paragraph) of both corpora, paragraph = a non-empty line."""
    for name in sorted(os.listdir(args.ungdc)):
        if not name.endswith(".jsonl"):
            continue
        for line in open(os.path.join(args.ungdc, name), encoding="utf-8"):
            o = json.loads(line)
            for para in o["body"].splitlines():
                if para.strip():
                    yield o["id"], o["date"], o.get("country"), para
    for name in sorted(os.listdir(args.corpus)):
        text = open(os.path.join(args.corpus, name), encoding="utf-8-sig").read()
        m = re.match(r"\s*date\s+(\d{4}(?:-\d\d){0,2})\s*", text)
        date, body = (m.group(1), text[m.end():]) if m else ("", text)
        for para in re.split(r"\n\s*\n", body):
            if para.strip():
                yield name, date, None, para


def year_range(filters):
    lo, hi = 0, 9999
    for f in filters:
        m = re.match(r"date:\[(\S+) TO (\S+)\]", f) or re.match(r"date:(\S+)()", f)
        if m:
            a, b = m.group(1), m.group(2) or m.group(1)
            lo = int(a[:4]) if a != "*" else 0
            hi = int(b[:4]) if b != "*" else 9999
    return lo, hi


def bm25(args, needs, k=DEPTH["bm25"]):
    """Top paragraphs per need under an independent BM25, in one pass over the corpora."""
    wanted = {}
    for need, query, _ in needs:
        filters, words = split_query(query)
        country = next((f.split(":", 1)[1] for f in filters if f.startswith("country:")), None)
        wanted[need] = (sorted(set(terms(" ".join(words)))), country, year_range(filters))
    vocabulary = {t for ts, _, _ in wanted.values() for t in ts}
    df, n, total = defaultdict(int), 0, 0
    kept = []  # (id, date, country, para, length, counts) of paragraphs holding a wanted term
    for article, date, country, para in paragraphs(args):
        ts = terms(para)
        n += 1
        total += len(ts)
        counts = defaultdict(int)
        for t in ts:
            if t in vocabulary:
                counts[t] += 1
        for t in counts:
            df[t] += 1
        if counts:
            kept.append((article, date, country, para, len(ts), counts))
    avg = total / n
    top = {}
    for need, (ts, country, (lo, hi)) in wanted.items():
        scored = []
        for article, date, c, para, length, counts in kept:
            if country and c != country:
                continue
            year = int(date[:4]) if date else 0
            if not lo <= year <= hi:
                continue
            s = 0.0
            for t in ts:
                tf = counts.get(t, 0)
                if tf:
                    idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                    s += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / avg))
            if s > 0:
                scored.append((-s, article, para))
        scored.sort()
        top[need] = [(a, p) for _, a, p in scored[:k]]
    return top


def norm(text):
    return " ".join(WORD.findall(fold(text)))


def article_passages(args, article, cache={}):
    if article not in cache:
        quoted = article.replace("\\", "\\\\").replace('"', '\\"')
        cache[article] = attache(args, f'id:"{quoted}"', 10000)
    return cache[article]


def locate(args, article, para):
    """The attache passage of `article` that holds the paragraph (or most of it)."""
    p = norm(para)
    best, best_overlap = None, -1
    words = set(p.split())
    for hit in article_passages(args, article):
        t = norm(hit["text"])
        if p in t or t in p or p[:80] == t[:80]:
            overlap = len(set(t.split()) & words) + 10**6
        else:
            overlap = len(set(t.split()) & words)
        if overlap > best_overlap:
            best, best_overlap = hit, overlap
    return f'{best["article_id"]}#{best["passage"]}' if best else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attache", default="target/release/attache")
    parser.add_argument("--index", default="/tmp/eval-ungdc")
    parser.add_argument("--ungdc", default="../shared/corpora/ungdc")
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--needs", default=os.path.join(HERE, "needs.tsv"))
    parser.add_argument("--out", default=os.path.join(HERE, "pool.tsv"))
    parser.add_argument("--sheets", default="/tmp/attache-judge")
    args = parser.parse_args()
    needs = read_needs(args.needs)
    pool = defaultdict(lambda: defaultdict(set))  # need -> passage -> sources
    texts = {}
    for need, query, _ in needs:
        for source, q, since, until in variants(need, query):
            for hit in attache(args, q, DEPTH[source], since, until):
                doc = f'{hit["article_id"]}#{hit["passage"]}'
                pool[need][doc].add(source)
                texts[doc] = hit
        if need.startswith("S"):
            for name in sorted(os.listdir(args.corpus)):
                for hit in article_passages(args, name):
                    doc = f'{hit["article_id"]}#{hit["passage"]}'
                    pool[need][doc].add("sample")
                    texts[doc] = hit
    print("bm25 over both corpora …", file=sys.stderr)
    for need, top in bm25(args, needs).items():
        for article, para in top:
            doc = locate(args, article, para)
            if doc:
                pool[need][doc].add("bm25")
                for hit in article_passages(args, article):
                    if f'{hit["article_id"]}#{hit["passage"]}' == doc:
                        texts[doc] = hit
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("# need\tpassage\tsources (rankings that pooled it; see pool.py)\n")
        for need, _, _ in needs:
            for doc in sorted(pool[need], key=doc_key):
                out.write(f"{need}\t{doc}\t{','.join(sorted(pool[need][doc]))}\n")
    os.makedirs(args.sheets, exist_ok=True)
    for need, query, description in needs:
        with open(os.path.join(args.sheets, f"{need}.txt"), "w", encoding="utf-8") as sheet:
            sheet.write(f"{need}  {query}\nNEED: {description}\n\n")
            for doc in sorted(pool[need], key=doc_key):
                hit = texts[doc]
                meta = hit.get("meta", {})
                who = meta.get("speaker") or ""
                sheet.write(f"== {doc}  {hit['date']}  {meta.get('country', '')}  {who}\n")
                sheet.write(hit["text"].strip() + "\n\n")
    sizes = [len(pool[n]) for n, _, _ in needs]
    print(f"{sum(sizes)} pooled passages for {len(needs)} needs "
          f"({min(sizes)} to {max(sizes)} per need)", file=sys.stderr)


def doc_key(doc):
    article, passage = doc.rsplit("#", 1)
    return article, int(passage)


if __name__ == "__main__":
    main()
