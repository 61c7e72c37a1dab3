#!/usr/bin/env python3
"""Two more re-rankings of attache's top passages tried for the ranking issue, simulated outside
the engine on its JSON output and scored with the three judged sets' qrels:

* article: a passage gains from its article's other passages among the first W of the ranking
  (passage retrieval with document evidence): score * (1 + w * evidence), evidence one of
  `count` (log(1 + other passages)), `max` (the best other passage's score over the first
  hit's), `sum` (the other passages' scores over the first hit's), `frac` (others / (others +
  1)); the first 50 re-ranked;
* phrase-length: a query of quoted phrases only gets the length prior a word naming an entity
  gets, score * min(1, chars / 514) ** e (514: the UNGDC's mean passage length in characters),
  over the first 50.

    benches/rerank_article.py INDEX [ATTACHE]

INDEX holds the sample corpus and the UNGDC (`attache index corpus ../shared/corpora/ungdc
--index INDEX`). Prints nDCG@10 per variant and set, the paired randomisation p against BM25,
and the top-10 passages never judged (counted as not relevant, so a variant that brings many in
is scored pessimistically).
"""
import collections, math, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rerank_experiments import ndcg, needs, qrels, randomisation_p, search  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETS = {'judged': 'tests/relevance/', 'held-out': 'tests/relevance/heldout/',
        'analyst': 'tests/relevance/analyst/'}
MEAN_CHARS = 514.0


def doc(hit):
    return f"{hit['article_id']}#{hit['passage']}"


def resort(scored, hits, window):
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [t[2] for t in scored] + hits[window:]


def article(hits, _query, mode, first, weight, window=50):
    by_article = collections.defaultdict(list)
    for h in hits[:first]:
        by_article[h['article_id']].append(h['score'])
    top = hits[0]['score'] if hits else 1.0
    scored = []
    for i, h in enumerate(hits[:window]):
        others = sorted(by_article[h['article_id']], reverse=True)
        others.remove(h['score'])
        evidence = {
            'count': math.log1p(len(others)),
            'max': others[0] / top if others else 0.0,
            'sum': sum(others) / top,
            'frac': len(others) / (len(others) + 1),
        }[mode]
        scored.append((h['score'] * (1 + weight * evidence), -i, h))
    return resort(scored, hits, window)


def phrases_only(query):
    return re.fullmatch(r'(\s*"[^"]+"\s*(OR)?)+(\s*date:\S+)?\s*', query) is not None


def phrase_length(hits, query, exponent, window=50):
    if not phrases_only(query):
        return hits
    scored = [(h['score'] * min(1.0, len(h['text']) / MEAN_CHARS) ** exponent, -i, h)
              for i, h in enumerate(hits[:window])]
    return resort(scored, hits, window)


def main():
    index = sys.argv[1]
    attache = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, 'target/release/attache')
    os.chdir(ROOT)
    data = {}
    for name, folder in SETS.items():
        listed = needs(folder + 'needs.tsv')
        judged = qrels(folder + 'qrels.txt')
        queries = [q for _, q in listed]
        data[name] = (listed, judged, search(attache, index, queries, 'bm25', 10),
                      search(attache, index, queries, 'full', 1000))

    def evaluate(rerank):
        cells = []
        for listed, judged, bm25, full in data.values():
            now, before, unjudged = [], [], 0
            for (need, query), b, f in zip(listed, bm25, full):
                grades = judged.get(need, {})
                if not any(g > 0 for g in grades.values()):
                    continue
                ranking = [doc(h) for h in rerank(f, query)]
                unjudged += sum(1 for d in ranking[:10] if d not in grades)
                now.append(ndcg(ranking, grades))
                before.append(ndcg([doc(h) for h in b], grades))
            p = randomisation_p(now, before, 2000)
            cells.append(f"{sum(now) / len(now):.3f} (p {p:.3f}, {unjudged} unjudged)")
        return cells

    print('| variant | ' + ' | '.join(SETS) + ' |')
    print('| --- |' + ' ---: |' * len(SETS))
    print('| full ranking | ' + ' | '.join(evaluate(lambda h, q: h)) + ' |')
    for mode in ['count', 'max', 'sum', 'frac']:
        for first in [50, 200, 1000]:
            for weight in [0.05, 0.1, 0.2]:
                cells = evaluate(lambda h, q: article(h, q, mode, first, weight))
                print(f'| article {mode}, W {first}, w {weight} | ' + ' | '.join(cells) + ' |')
    for exponent in [0.15, 0.3, 0.5]:
        cells = evaluate(lambda h, q: phrase_length(h, q, exponent))
        print(f'| phrase-length, e {exponent} | ' + ' | '.join(cells) + ' |')


if __name__ == '__main__':
    main()
