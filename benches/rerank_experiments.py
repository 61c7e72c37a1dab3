#!/usr/bin/env python3
"""Two re-rankings of attache's top passages tried for the ranking issue, simulated outside the
engine on its JSON output and scored with the judged sets' qrels:

* feedback: the passages of the top window re-ranked by their likeness (cosine of idf-weighted
  word vectors) to the best K passages' centroid (pseudo-relevance feedback, Rocchio-style);
* time: the passages re-ranked by how many of the window's best passages share their year (a
  score-weighted, Gaussian-smoothed density of years: the years the subject was news).

    benches/rerank_experiments.py INDEX [ATTACHE]

INDEX holds the sample corpus and the UNGDC (`attache index corpus ../shared/corpora/ungdc
--index INDEX`). Prints nDCG@10 per variant for both judged sets, against BM25 and the full
ranking on the same index, with the paired randomisation p against BM25 and the number of top-10
passages never judged (counted as not relevant, so a variant that brings many in is scored
pessimistically).
"""
import collections, glob, json, math, os, random, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETS = {'judged': 'tests/relevance/', 'held-out': 'tests/relevance/heldout/'}
WORD = re.compile(r"[a-z0-9]+")
STOP = set("""the of and to in a is that for on with as by be this it are its we have has our which
from at not an will all their been was were or they but these also must can us his he would there
should more other those such than into any who them one only so no had may what i you""".split())


def needs(path):
    return [l.rstrip('\n').split('\t')[:2] for l in open(path) if l.strip() and not l.startswith('#')]


def qrels(path):
    q = collections.defaultdict(dict)
    for l in open(path):
        need, _, doc, grade = l.split()
        q[need][doc] = int(grade)
    return q


def ndcg(ranking, judged):
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:10]))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else None


def randomisation_p(a, b, rounds=10000):
    d = [x - y for x, y in zip(a, b)]
    observed, rnd, extreme = abs(sum(d)), random.Random(1), 0
    for _ in range(rounds):
        extreme += abs(sum(x if rnd.random() < .5 else -x for x in d)) >= observed - 1e-12
    return extreme / rounds


def search(attache, index, queries, ranking, n=200):
    proc = subprocess.run([attache, 'search', '--queries', '-', '--index', index, '-n', str(n),
                           '--per-article', '0', '--no-collapse', '--json', '--ranking', ranking],
                          input='\n'.join(queries) + '\n', capture_output=True, text=True)
    by = collections.defaultdict(list)
    for line in proc.stdout.splitlines():
        hit = json.loads(line)
        if hit.get('type') == 'hit':
            by[hit['line']].append(hit)
    return [by[i + 1] for i in range(len(queries))]


def document_frequencies():
    df, n = collections.Counter(), 0
    for path in sorted(glob.glob(os.path.join(ROOT, '..', 'shared', 'corpora', 'ungdc', '*.jsonl'))):
        for line in open(path):
            for para in json.loads(line)['body'].split('\n'):
                words = set(WORD.findall(para.lower()))
                if len(words) >= 5:
                    n += 1
                    df.update(words)
    return n, df


def feedback(hits, query, idf, k=10, lam=0.1, window=20):
    win = hits[:window]
    if len(win) < 3:
        return hits
    qwords = set(WORD.findall(query.lower()))
    vectors = []
    for h in win:
        counts = collections.Counter(w for w in WORD.findall(h['text'].lower())
                                     if w not in STOP and len(w) > 2)
        total = sum(counts.values()) or 1
        vectors.append({w: c / total * idf(w) for w, c in counts.items()})
    best = max(h['score'] for h in win)
    centroid = collections.Counter()
    for h, v in zip(win[:k], vectors[:k]):
        for w, x in v.items():
            if w not in qwords:
                centroid[w] += h['score'] / best * x
    top = dict(centroid.most_common(30))
    norm = math.sqrt(sum(x * x for x in top.values())) or 1
    scored = []
    for i, (h, v) in enumerate(zip(win, vectors)):
        vn = math.sqrt(sum(x * x for x in v.values())) or 1
        cos = sum(top.get(w, 0) * x for w, x in v.items()) / (norm * vn)
        scored.append((-(h['score'] / best + lam * cos), i, h))
    scored.sort(key=lambda s: s[:2])
    return [h for _, _, h in scored] + hits[window:]


def by_time(hits, beta=0.1, bandwidth=4.0, window=100):
    win = hits[:window]
    years = [int(h['date'][:4]) if h.get('date') else None for h in win]
    if len(win) < 5 or len({y for y in years if y}) < 2:
        return hits
    best = max(h['score'] for h in win)
    mass = collections.Counter()
    for h, y in zip(win, years):
        if y:
            mass[y] += h['score'] / best
    density = lambda y: sum(m * math.exp(-((y - x) / bandwidth) ** 2 / 2) for x, m in mass.items())
    peak = max(density(y) for y in years if y)
    scored = sorted(((-(h['score'] * (1 + beta * (density(y) / peak if y else 0))), i, h)
                     for i, (h, y) in enumerate(zip(win, years))), key=lambda s: s[:2])
    return [h for _, _, h in scored] + hits[window:]


def main():
    index = sys.argv[1]
    attache = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, 'target/release/attache')
    n, df = document_frequencies()
    idf = lambda w: math.log((n + 1) / (df.get(w, 0) + 0.5))
    variants = [('feedback k=10 λ=0.1 window 20', 'full', lambda h, q: feedback(h, q, idf)),
                ('feedback k=3 λ=0.2 window 20', 'full', lambda h, q: feedback(h, q, idf, 3, 0.2)),
                ('feedback k=10 λ=0.1, on BM25', 'bm25', lambda h, q: feedback(h, q, idf)),
                ('time β=0.1 bandwidth 4 years window 100', 'full', lambda h, q: by_time(h)),
                ('time β=0.2 bandwidth 2 years window 100', 'full',
                 lambda h, q: by_time(h, 0.2, 2.0)),
                ('time β=0.1 bandwidth 4 years, on BM25', 'bm25', lambda h, q: by_time(h))]
    print(f"{'variant':44} {'set':9} {'nDCG@10':>8} {'vs BM25':>8} {'p':>6} {'unjudged':>8}")
    for name, folder in SETS.items():
        base = os.path.join(ROOT, folder)
        ns, q = needs(base + 'needs.tsv'), qrels(base + 'qrels.txt')
        queries = [query for _, query in ns]
        runs = {r: search(attache, index, queries, r) for r in ('bm25', 'full')}

        def score(ranked):
            out, unjudged = {}, 0
            for (need, _), hits in zip(ns, ranked):
                ids = [f"{h['article_id']}#{h['passage']}" for h in hits]
                unjudged += sum(d not in q[need] for d in ids[:10])
                out[need] = ndcg(ids, q[need])
            return out, unjudged
        bm25, _ = score(runs['bm25'])
        keys = [k for k, v in bm25.items() if v is not None]
        mean = lambda s: sum(s[k] for k in keys) / len(keys)
        rows = [('BM25', score(runs['bm25'])), ('full ranking', score(runs['full']))]
        for label, ranking, rerank in variants:
            reranked = [rerank(h, query) for h, query in zip(runs[ranking], queries)]
            rows.append((label, score(reranked)))
        for label, (s, unjudged) in rows:
            p = randomisation_p([s[k] for k in keys], [bm25[k] for k in keys])
            print(f"{label:44} {name:9} {mean(s):8.3f} {mean(s) - mean(bm25):+8.3f} {p:6.3f} {unjudged:8}")


if __name__ == '__main__':
    main()
