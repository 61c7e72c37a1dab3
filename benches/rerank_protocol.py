#!/usr/bin/env python3
"""Simulates two candidate ranking changes for attache on the engine's own JSON output, before
anyone builds them:

1. a protocol prior: score × (1 − w·protocol) for passages of Assembly formality
   (congratulations, tributes, salutations, condolences, thanks);
2. a bounded words-together bonus: the bonus capped at c × the passage's BM25 sum, or scaled;
3. their combination.

    python3 benches/rerank_protocol.py INDEX [--refresh]

INDEX holds the sample corpus and the UNGDC (`attache index corpus ../shared/corpora/ungdc
--index INDEX`); the binary is $ATTACHE, else target/release/attache. The judged sets are A
(tests/relevance), B (tests/relevance/heldout) and C (tests/relevance/analyst).

Reuses the approach of benches/rerank_experiments.py (windows from
`attache search --queries - --json -n 200 --per-article 0 --no-collapse`, nDCG@10 from qrels,
paired randomisation test, unjudged counted as not relevant), adds `--explain` to take each
score apart, and re-implements the default grouping (2 passages per article, near-duplicates
collapsed: src/search/group.rs) so a variant can be scored grouped, as `attache search` shows it.

Runs are cached in a temporary folder per index (pass --refresh after re-indexing). Queries run
sequentially (one attache process per set and ranking).
"""
import collections, json, math, os, random, re, subprocess, sys, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ATTACHE = os.environ.get('ATTACHE', os.path.join(ROOT, 'target/release/attache'))
if len(sys.argv) < 2 or sys.argv[1].startswith('-'):
    sys.exit('usage: rerank_protocol.py INDEX [--refresh]')
INDEX = sys.argv[1]
import tempfile
HERE = os.path.join(tempfile.gettempdir(),
                    'attache-rerank-protocol-' + re.sub(r'[^A-Za-z0-9]', '_', os.path.abspath(INDEX)))
CACHE = os.path.join(HERE, 'cache')
REL = os.path.join(ROOT, 'tests/relevance/')
WINDOW = 200


# --------------------------------------------------------------------------- judged sets

def read_needs(path):
    out = []
    for line in open(path):
        if not line.strip() or line.startswith('#') or line.startswith('id\tquery'):
            continue
        parts = line.rstrip('\n').split('\t')
        out.append((parts[0], parts[1]))
    return out


def read_qrels(path):
    q = collections.defaultdict(dict)
    for line in open(path):
        if line.strip():
            need, _, doc, grade = line.split()
            q[need][doc] = int(grade)
    return q


def read_grades_c(path):
    """A grades file: need, ranking, rank, passage id, grade. A passage graded in both
    top 10s keeps one grade (they agree; checked). Also returns the judged top 10s."""
    q, tops = collections.defaultdict(dict), collections.defaultdict(dict)
    conflicts = []
    for line in open(path):
        need, ranking, rank, doc, grade = line.rstrip('\n').split('\t')
        if need == 'need':
            continue
        grade = int(grade)
        if doc in q[need] and q[need][doc] != grade:
            conflicts.append((need, doc, q[need][doc], grade))
            grade = max(grade, q[need][doc])
        q[need][doc] = grade
        tops[need].setdefault(ranking, []).append((int(rank), doc))
    tops = {n: {r: [d for _, d in sorted(v)] for r, v in rs.items()} for n, rs in tops.items()}
    return q, tops, conflicts


SETS = {
    'A': (REL + 'needs.tsv', lambda: read_qrels(REL + 'qrels.txt')),
    'B': (REL + 'heldout/needs.tsv', lambda: read_qrels(REL + 'heldout/qrels.txt')),
    'C': (REL + 'analyst/needs.tsv', lambda: read_qrels(REL + 'analyst/qrels.txt')),
}


# --------------------------------------------------------------------------- engine runs

def run(set_name, queries, ranking, grouped=False, refresh=False):
    """Per query: (hits, summary). Ungrouped: the best WINDOW passages with --explain. Grouped:
    the engine's own default grouping, top 10 (only to check the Python grouper)."""
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, f"{set_name}.{ranking}.{'grouped' if grouped else 'window'}.jsonl")
    if refresh or not os.path.exists(path):
        args = [ATTACHE, 'search', '--queries', '-', '--index', INDEX, '--json',
                '--ranking', ranking]
        args += ['-n', '10'] if grouped else ['-n', str(WINDOW), '--per-article', '0',
                                             '--no-collapse', '--explain']
        proc = subprocess.run(args, input='\n'.join(queries) + '\n', capture_output=True,
                              text=True)
        if proc.returncode == 2:
            sys.exit(f'attache failed: {proc.stderr}')
        with open(path, 'w') as f:
            f.write(proc.stdout)
    hits, summaries = collections.defaultdict(list), {}
    for line in open(path):
        obj = json.loads(line)
        if obj.get('type') == 'hit':
            hits[obj['line']].append(obj)
        elif obj.get('type') == 'summary':
            summaries[obj['line']] = obj
    return [(hits[i + 1], summaries.get(i + 1, {})) for i in range(len(queries))]


def pid(h):
    return f"{h['article_id']}#{h['passage']}"


# --------------------------------------------------------------------------- grouping
# src/search/group.rs: words (alphanumeric runs, an apostrophe inside a word kept), lowercased,
# diacritics folded, cut in runs of 3; near-duplicate when the shorter has >= 8 runs and >= 4/5
# of them are the longer's, or, shorter than that, both have the same runs. A passage is first
# checked against the kept hits (collapse), then against its article's cap (2).

WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def fold(word):
    return ''.join(c for c in unicodedata.normalize('NFKD', word.lower())
                   if not unicodedata.combining(c))


def fingerprint(text):
    words = [fold(w) for w in WORDS.findall(text)]
    if not words:
        return frozenset()
    if len(words) < 3:
        return frozenset([tuple(words)])
    return frozenset(tuple(words[i:i + 3]) for i in range(len(words) - 2))


def repeats(a, b):
    shorter = min(len(a), len(b))
    if shorter == 0:
        return False
    shared = len(a & b)
    if shorter < 8:
        return shared == len(a) and shared == len(b)
    return shared * 5 >= shorter * 4


def group(hits, per_article=2, collapse=True):
    kept, prints, shown = [], [], collections.Counter()
    for h in hits:
        if collapse:
            fp = h.setdefault('_fp', fingerprint(h['text']))
            if any(repeats(fp, other) for other in prints):
                continue
        if per_article and shown[h['article_id']] >= per_article:
            continue
        shown[h['article_id']] += 1
        kept.append(h)
        if collapse:
            prints.append(fp)
    return kept


# --------------------------------------------------------------------------- scores

def ndcg(ids, judged):
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ids[:10]))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg and any(g > 0 for g in judged.values()) else None


_SIGNS = {}


def ndcg_upper(ids, judged):
    """nDCG@10 if every unjudged passage of the top 10 were graded 2 (and joined the ideal)."""
    extra = {d: 2 for d in ids[:10] if d not in judged}
    return ndcg(ids, {**judged, **extra}) if any(g > 0 for g in judged.values()) else None


def randomisation_p(a, b, rounds=10000):
    """Two-sided paired randomisation test on the sum of differences, as
    benches/rerank_experiments.py (seed 1, 10,000 rounds; the sign draws are cached per size)."""
    d = [x - y for x, y in zip(a, b)]
    if len(d) not in _SIGNS:
        rnd = random.Random(1)
        _SIGNS[len(d)] = [[rnd.random() < .5 for _ in d] for _ in range(rounds)]
    observed, extreme = abs(sum(d)), 0
    if observed < 1e-12:
        return 1.0
    for signs in _SIGNS[len(d)]:
        extreme += abs(sum(x if s else -x for x, s in zip(d, signs))) >= observed - 1e-12
    return extreme / rounds


def parts(h):
    e = h['explain']
    bm25 = sum(p['score'] for p in e['bm25'])
    bonus = sum(p['score'] for p in e['bonuses'])
    lw = e['length_weight'] if e['length_weight'] is not None else 1.0
    return bm25, bonus, lw


# --------------------------------------------------------------------------- candidate 1: protocol

# Strong cues: a sentence holding one is protocol. Weak cues count only with an address word in
# the same sentence (the President, the Secretary-General, the Assembly, Sir, the session).
STRONG = [r'congratulat\w*', r'felicitat\w*', r'predecessors?', r'pay(?:s|ing)? (?:a |my |our )?'
          r'(?:warm |sincere |special |high )?tributes?', r'tributes? to', r'excellenc\w*',
          r'condolences?', r'thank\w*', r'gratitude',
          r'welcome\w*\b[^.]{0,120}\b(?:new )?(?:member|membership)', r'ladies and gentlemen',
          r'distinguished delegates?']
WEAK = [r'election', r'elected', r'presidency', r'allow me', r'i wish to', r'permit me',
        r'outgoing', r'i should like to', r"i would like to"]
ADDRESS = r'\b(?:president|secretary-general|secretary general|assembly|sir|session)\b'
STRONG_RE = re.compile(r'\b(?:' + '|'.join(STRONG) + r')', re.I)
WEAK_RE = re.compile(r'\b(?:' + '|'.join(WEAK) + r')\b', re.I)
ADDRESS_RE = re.compile(ADDRESS, re.I)
SENTENCES = re.compile(r'(?<=[.!?;:])\s+|\n+|\s+[•·▪-]\s+')
# Query words that ask for protocol: the prior is off when the query holds one.
QUERY_LEXICON = re.compile(r'congratulat|felicitat|election|elect\b|presidency|predecessor|'
                           r'tribute|excellenc|thank|condolence|gratitude|welcome', re.I)


def sentence_is_protocol(s):
    return bool(STRONG_RE.search(s) or (WEAK_RE.search(s) and ADDRESS_RE.search(s)))


# v2: a tighter lexicon (election only as "your/his/her election", no bare "I wish to"), a
# share that counts only from a third of the sentences on, and, optionally, sentences that name
# what the query matched (its highlights) not counted: a tribute *to* the query's subject
# (Hammarskjöld's death, Allende's) is about it; one to the Assembly's President that names it
# in passing is not.
STRONG2 = [r'congratulat\w*', r'felicitat\w*', r'(?:my|his|her|your|our|its) predecessors?',
           r'pay(?:s|ing)? (?:a |my |our )?(?:warm |sincere |special |high |well-deserved )?'
           r'tributes?', r'excellenc\w*', r'condolences?', r'(?:thank|thanks)\b',
           r'(?:my|our) (?:deep |sincere |profound )?gratitude',
           r'welcome\w*\b[^.]{0,120}\b(?:new )?members?\b', r'ladies and gentlemen',
           r'distinguished delegates?', r'(?:your|his|her) (?:unanimous |well-deserved |deserved )?'
           r'election', r'presidency of the (?:general )?assembly', r'outgoing president']
STRONG2_RE = re.compile(r'\b(?:' + '|'.join(STRONG2) + r')', re.I)
SENTENCE_SPANS = re.compile(r'[^.!?;\n]+(?:[.!?;]+|$)')


def protocol_v2(h, first_weight=0.25, exempt_topic=False, floor=1 / 3):
    key = ('_proto2', exempt_topic)
    if key not in h:
        marks = [tuple(x) for x in h.get('highlights', [])] if exempt_topic else []
        n = hit = 0
        for m in SENTENCE_SPANS.finditer(h['text']):
            if len(WORDS.findall(m.group())) < 2:
                continue
            n += 1
            if STRONG2_RE.search(m.group()) and not any(
                    a < m.end() and b > m.start() for a, b in marks):
                hit += 1
        h[key] = hit / n if n else 0.0
    share = h[key]
    if share == 0:
        return 0.0
    share += first_weight if h['passage'] == 0 else 0.0
    return max(0.0, min(1.0, (share - floor) / (1 - floor)))


def protocol_score(h, first_weight=0.25):
    """v1, the brief's literal design: the share of the passage's sentences holding a formula,
    raised by `first_weight` (capped at 1) when it is the article's first passage and holds
    one."""
    if '_proto' not in h:
        sents = [s for s in SENTENCES.split(h['text']) if len(WORDS.findall(s)) >= 2]
        share = sum(map(sentence_is_protocol, sents)) / len(sents) if sents else 0.0
        h['_proto'] = share
    share = h['_proto']
    if share == 0:
        return 0.0
    return min(1.0, share + (first_weight if h['passage'] == 0 else 0.0))


def is_entity_query(query, summary):
    return '@' in query or '@' in summary.get('plan', {}).get('logical', '')


def engine_window(hits, summary):
    """How many of the best passages the engine's corrections re-ranked: with bonuses, its
    RESCORE_WINDOW (200, all we fetch); with the length prior alone, its PRIOR_WINDOW (about 50:
    the passages whose explain carries a length weight, a prefix; below it the hits keep BM25's
    order with raw BM25 scores, which can exceed the weighed ones, so they must not be mixed
    in); without corrections, BM25's order, all comparable."""
    plan = summary.get('plan', {})
    if plan.get('length_prior') and not plan.get('bonuses'):
        for i, h in enumerate(hits):
            if h['explain']['length_weight'] is None:
                return i
    return min(WINDOW, len(hits))


def rerank(hits, key, window):
    """The first `window` passages re-ranked by `key(hit)` (higher first), the rest after them
    in the engine's order; ties keep the engine's order."""
    scored = sorted(((-key(h), i, h) for i, h in enumerate(hits[:window])), key=lambda s: s[:2])
    return [h for _, _, h in scored] + hits[window:]


def bonus_score(h, cap=None, scale=1.0):
    bm25, bonus, lw = parts(h)
    if not h['explain']['bonuses']:
        return h['score']  # below the engine's re-ranked window, or no bonus: unchanged
    bonus *= scale
    if cap is not None:
        bonus = min(bonus, cap * bm25)
    return (bm25 + bonus) * lw


def make_variant(w=0.0, entity_only=False, cap=None, scale=1.0, first_weight=0.25, v2=False,
                 exempt_topic=False):
    def apply(hits, query, summary):
        use_prior = w > 0 and not QUERY_LEXICON.search(query) and (
            not entity_only or is_entity_query(query, summary))

        def key(h):
            s = bonus_score(h, cap, scale) if (cap is not None or scale != 1.0) else h['score']
            if use_prior:
                proto = (protocol_v2(h, first_weight, exempt_topic) if v2
                         else protocol_score(h, first_weight))
                s *= 1 - w * proto
            return s
        return rerank(hits, key, engine_window(hits, summary))
    return apply


# --------------------------------------------------------------------------- diagnostics

# The analyst's review (benches/RESULTS.md, "An analyst's review"): queries where protocol
# swamps the top 10.
PROTOCOL_QUERIES = ['@Guterres', '@"Perez de Cuellar"', '@"Ban Ki-moon"', '@Waldheim',
                    '@"Boutros-Ghali"', '@"Kofi Annan"', '@Namibia date:[1999 TO 2000]',
                    'Antarctica country:ATG']
FORMALITY = re.compile(r'congratulat|felicitat|tribute|(?:his|your|her) (?:unanimous )?election|'
                       r'excellenc|condolence', re.I)


# Variants whose per-need deltas are printed.
DETAIL = ['bonus scale 0.75', 'combo: protocol v2 w=0.5 entity + scale 0.75', 'protocol w=0.5 all']


# --------------------------------------------------------------------------- main

def main():
    refresh = '--refresh' in sys.argv
    data = {}
    for name, (needs_path, load) in SETS.items():
        ns = read_needs(needs_path)
        queries = [q for _, q in ns]
        data[name] = dict(needs=ns, judged=load(), runs={
            r: run(name, queries, r, refresh=refresh) for r in ('full', 'bm25')},
            engine_grouped={r: run(name, queries, r, grouped=True, refresh=refresh)
                            for r in ('full', 'bm25')})
    out = []
    p = lambda *a: out.append(' '.join(str(x) for x in a))

    # --- 1. reproduce attache eval (ungrouped) and the engine's grouping
    p('## Checks\n')
    for name in 'AB':
        for r in ('full', 'bm25'):
            evpath = os.path.join(HERE, f'eval_{name}_{r}.json')
            if refresh or not os.path.exists(evpath):
                base = REL if name == 'A' else REL + 'heldout/'
                with open(evpath, 'w') as f:
                    subprocess.run([ATTACHE, 'eval', base + 'needs.tsv', base + 'qrels.txt',
                                    '--index', INDEX, '--json', '--ranking', r], stdout=f,
                                   check=True)
            ev = json.load(open(evpath))
            d = data[name]
            vals = [ndcg([pid(h) for h in hits], d['judged'][n])
                    for (n, _), (hits, _) in zip(d['needs'], d['runs'][r])]
            vg = [ndcg([pid(h) for h in group(hits)], d['judged'][n])
                  for (n, _), (hits, _) in zip(d['needs'], d['runs'][r])]
            m = lambda v: sum(x for x in v if x is not None) / len([x for x in v if x is not None])
            evm = ev['overall']['scores']['ndcg10'] if ev else float('nan')
            p(f'- set {name} `{r}`: simulator ungrouped {m(vals):.4f}, `attache eval` {evm:.4f} '
              f'(diff {m(vals) - evm:+.4f}); grouped {m(vg):.4f}')
    mism = 0
    total = 0
    for name in 'ABC':
        d = data[name]
        for r in ('full', 'bm25'):
            for (hits, _), (eng, _) in zip(d['runs'][r], d['engine_grouped'][r]):
                total += 1
                mism += [pid(h) for h in group(hits)][:10] != [pid(h) for h in eng][:10]
    p(f'- Python grouping vs the engine\'s default grouping (`-n 10`): {total - mism}/{total} '
      'top 10s identical')
    p()

    # --- 2. variants
    V = collections.OrderedDict()
    V['BM25'] = ('bm25', None)
    V['full (today)'] = ('full', None)
    for w in (0.2, 0.35, 0.5, 0.7):
        V[f'protocol w={w} all'] = ('full', make_variant(w=w))
        V[f'protocol w={w} entity'] = ('full', make_variant(w=w, entity_only=True))
    V['protocol w=0.5 entity, no passage-0 boost'] = ('full', make_variant(w=0.5, entity_only=True,
                                                                           first_weight=0))
    V['protocol w=0.5 all, passage-0 boost 0.5'] = ('full', make_variant(w=0.5, first_weight=0.5))
    for w in (0.5, 0.8):
        for eo in (False, True):
            for ex in (False, True):
                V[f'protocol v2 w={w} {"entity" if eo else "all"}{" topic-exempt" if ex else ""}'] = (
                    'full', make_variant(w=w, entity_only=eo, v2=True, exempt_topic=ex))
    for c in (0.25, 0.5, 0.75, 1.0):
        V[f'bonus cap {c}×BM25'] = ('full', make_variant(cap=c))
    for s in (0.5, 0.75):
        V[f'bonus scale {s}'] = ('full', make_variant(scale=s))
    V['protocol w=0.5 on BM25 (all)'] = ('bm25', make_variant(w=0.5))
    combos = [(w, eo, c) for w in (0.35, 0.5) for eo in (False, True) for c in (0.5, 0.75, 1.0)]
    for w, eo, c in combos:
        V[f'combo: protocol w={w} {"entity" if eo else "all"} + cap {c}'] = (
            'full', make_variant(w=w, entity_only=eo, cap=c))
    V['combo: protocol w=0.5 all + scale 0.75'] = ('full', make_variant(w=0.5, scale=0.75))
    for sc in (0.5, 0.75):
        V[f'combo: protocol v2 w=0.5 all topic-exempt + scale {sc}'] = (
            'full', make_variant(w=0.5, v2=True, exempt_topic=True, scale=sc))
        V[f'combo: protocol v2 w=0.5 entity + scale {sc}'] = (
            'full', make_variant(w=0.5, v2=True, entity_only=True, scale=sc))
    V['combo: protocol v2 w=0.5 all topic-exempt + cap 1.0'] = (
        'full', make_variant(w=0.5, v2=True, exempt_topic=True, cap=1.0))

    results = {}
    for label, (ranking, fn) in V.items():
        for name in 'ABC':
            d = data[name]
            per, unj, tops10, grouped_per, grouped_unj, grouped_tops = {}, 0, {}, {}, 0, {}
            upper, unjudged_ids = {}, {'grouped': {}, 'ungrouped': {}}
            for (n, q), (hits, summ) in zip(d['needs'], d['runs'][ranking]):
                ranked = fn(list(hits), q, summ) if fn else hits
                judged = d['judged'][n]
                ids = [pid(h) for h in ranked]
                gids = [pid(h) for h in group(ranked)]
                per[n] = ndcg(ids, judged)
                grouped_per[n] = ndcg(gids, judged)
                upper.setdefault('ungrouped', {})[n] = ndcg_upper(ids, judged)
                upper.setdefault('grouped', {})[n] = ndcg_upper(gids, judged)
                unjudged_ids['ungrouped'][n] = [x for x in ids[:10] if x not in judged]
                unjudged_ids['grouped'][n] = [x for x in gids[:10] if x not in judged]
                unj += sum(x not in judged for x in ids[:10])
                grouped_unj += sum(x not in judged for x in gids[:10])
                tops10[n], grouped_tops[n] = ids[:10], gids[:10]
            results[label, name] = dict(ungrouped=(per, unj, tops10),
                                        grouped=(grouped_per, grouped_unj, grouped_tops),
                                        upper=upper, unjudged_ids=unjudged_ids)

    def mean(per):
        v = [x for x in per.values() if x is not None]
        return sum(v) / len(v)

    def pval(label, base, name, mode):
        a, b = results[label, name][mode][0], results[base, name][mode][0]
        keys = [k for k in a if a[k] is not None and b[k] is not None]
        return randomisation_p([a[k] for k in keys], [b[k] for k in keys])

    for mode, title in (('grouped', 'grouped as `attache search` shows it (2 per article, '
                                     'near-duplicates collapsed)'),
                        ('ungrouped', 'ungrouped, as `attache eval` scores it')):
        p(f'## nDCG@10, {title}\n')
        p('| variant | A | p vs BM25 | p vs full | unj A | ΔA if unj=2 | B | p vs BM25 | p vs full '
          '| unj B | C | p vs full | unj C | ΔC if unj=2 | Δ vs full (A / B / C) | sets up |')
        p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
        for label in V:
            row = [label]
            deltas, signs = [], []
            for name in 'ABC':
                d = data[name]
                per, unj, _ = results[label, name][mode]
                m = mean(per)
                delta = m - mean(results['full (today)', name][mode][0])
                deltas.append(delta)
                signs.append('+' if delta > 0.0005 else '−' if delta < -0.0005 else '=')
                # Fair optimistic delta: the variant with its unjudged passages graded 2 against
                # today's ranking scored on the same extended judgements.
                extra_j = {n: {**d['judged'][n], **{x: 2 for x in ids}}
                           for n, ids in results[label, name]['unjudged_ids'][mode].items()}
                today_top = results['full (today)', name][mode][2]
                today_ext = {n: ndcg(today_top[n], extra_j[n]) for n in today_top}
                upper = results[label, name]['upper'][mode]
                keys = [n for n in per if per[n] is not None]
                up_delta = sum(upper[n] - today_ext[n] for n in keys) / len(keys)
                up = f'{up_delta:+.3f}'
                if name == 'A':
                    row += [f'{m:.3f}', f'{pval(label, "BM25", name, mode):.3f}',
                            f'{pval(label, "full (today)", name, mode):.3f}', str(unj), up]
                elif name == 'B':
                    row += [f'{m:.3f}', f'{pval(label, "BM25", name, mode):.3f}',
                            f'{pval(label, "full (today)", name, mode):.3f}', str(unj)]
                else:
                    row += [f'{m:.3f}', f'{pval(label, "full (today)", name, mode):.3f}',
                            str(unj), up]
            row += [' / '.join(f'{x:+.3f}' for x in deltas), ''.join(signs)]
            p('| ' + ' | '.join(row) + ' |')
        p()

    # --- per-need deltas of the chosen variants, and the unjudged passages they bring in
    for best in DETAIL:
        p(f'## Per-need nDCG@10 (grouped) on A: `{best}` vs today\'s full ranking\n')
        p('| need | query | BM25 | full | variant | Δ vs full | unjudged in top 10 |')
        p('|---|---|---:|---:|---:|---:|---|')
        a, f_, b = (results[l, 'A']['grouped'][0] for l in (best, 'full (today)', 'BM25'))
        uj = results[best, 'A']['unjudged_ids']['grouped']
        for n, q in data['A']['needs']:
            if a[n] is None:
                continue
            d = a[n] - f_[n]
            p(f'| {n} | `{q}` | {b[n]:.3f} | {f_[n]:.3f} | {a[n]:.3f} | '
              f'{"**" if abs(d) > 1e-9 else ""}{d:+.3f}{"**" if abs(d) > 1e-9 else ""} | '
              f'{", ".join(uj[n])} |')
        ups = sum(a[n] - f_[n] > 1e-9 for n in a if a[n] is not None)
        downs = sum(a[n] - f_[n] < -1e-9 for n in a if a[n] is not None)
        p(f'\n{ups} up, {downs} down, the rest unchanged.\n')
        for name in 'BC':
            a, f_ = (results[l, name]['grouped'][0] for l in (best, 'full (today)'))
            ch = [f'{n} {a[n] - f_[n]:+.3f}' for n, _ in data[name]['needs']
                  if a[n] is not None and abs(a[n] - f_[n]) > 1e-9]
            p(f'- set {name}, needs that move: {", ".join(ch) or "none"}')
        p()
    p('## Set C: unjudged passages in the grouped top 10s (to judge before trusting a change)\n')
    for label in V:
        uj = results[label, 'C']['unjudged_ids']['grouped']
        items = [f'{n}: {" ".join(ids)}' for n, ids in uj.items() if ids]
        if items:
            p(f'- `{label}` ({sum(len(v) for v in uj.values())}): ' + '; '.join(items))
    p()

    # --- 3. protocol-prone queries (unjudged): how many top-10 passages are formality
    p('## Protocol-prone queries (no judgements): top-10 passages (grouped) that an independent '
      'rough regex flags as formality\n')
    p(f'Regex: `{FORMALITY.pattern}` (close to the audit\'s "tribute or congratulation '
      'wording"). This measures what the prior does, not relevance.\n')
    diag = [('protocol v1 w=0.5 all', make_variant(w=0.5)),
            ('protocol v2 w=0.5 all', make_variant(w=0.5, v2=True)),
            ('protocol v2 w=0.8 all', make_variant(w=0.8, v2=True)),
            ('protocol v2 w=0.5 all topic-exempt', make_variant(w=0.5, v2=True, exempt_topic=True)),
            ('bonus scale 0.75', make_variant(scale=0.75))]
    runs = run('P', PROTOCOL_QUERIES, 'full', refresh=refresh)
    p('| query | today | ' + ' | '.join(l for l, _ in diag) + ' |')
    p('|---|---:|' + '---:|' * len(diag))
    totals = [0] * (len(diag) + 1)
    with open(os.path.join(HERE, 'protocol_queries.txt'), 'w') as f:
        for q, (hits, summ) in zip(PROTOCOL_QUERIES, runs):
            cells = []
            for j, (l, fn) in enumerate([('today', None)] + diag):
                top = group(fn(list(hits), q, summ) if fn else hits)[:10]
                k = sum(bool(FORMALITY.search(h['text'])) for h in top)
                totals[j] += k
                cells.append(str(k))
                if l in ('today', 'protocol v2 w=0.5 all', 'protocol v2 w=0.5 all topic-exempt'):
                    f.write(f'\n=== {q} — {l}\n')
                    for r, h in enumerate(top):
                        f.write(f'{r + 1:2} {pid(h):22} v1={protocol_score(h):.2f} '
                                f'v2={protocol_v2(h):.2f} {h["text"][:220]!r}\n')
            p(f'| `{q}` | ' + ' | '.join(cells) + ' |')
    p('| total | ' + ' | '.join(map(str, totals)) + ' |')
    p()

    json.dump({f'{l}|{n}': {m: {'ndcg': results[l, n][m][0], 'unjudged': results[l, n][m][1],
                                'top10': results[l, n][m][2],
                                'upper': results[l, n]['upper'][m],
                                'unjudged_ids': results[l, n]['unjudged_ids'][m]}
                            for m in ('grouped', 'ungrouped')}
               for (l, n) in results}, open(os.path.join(HERE, 'results.json'), 'w'), indent=1)
    text = '\n'.join(out)
    print(text)
    with open(os.path.join(HERE, 'tables.md'), 'w') as f:
        f.write(text + '\n')


if __name__ == '__main__':
    main()
