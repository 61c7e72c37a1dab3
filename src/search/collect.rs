//! Collecting matches: the top passages in a deterministic order, and exact match counts.
//!
//! Passages are ranked by BM25 score; ties go to the newest date, then the smaller article id,
//! then the earlier passage. Every segment keeps its own top `limit` by that key (article ids
//! compared by their ordinal in the segment's sorted dictionary, which orders like the ids), so
//! the merged result never depends on how documents fell into segments.
//!
//! Cheap per match: a passage's date, number and article ordinal are read only when its score
//! can enter the top list; distinct articles are counted with a bitset over the segment's
//! article ordinals, reading an article's 64-bit key (to merge segments) once per article.
//! Article ids are turned back into text only where two segments tie on score and date; the
//! hits read their ids from the stored documents they fetch anyway.
//!
//! A search may carry a deadline. The collector drives each segment's scorer itself, checking
//! the clock once per block of [`CHECK_EVERY`] matches, and stops every segment once the deadline
//! has passed; [`Passages::timed_out`] then says so, and the counts are not to be trusted.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering as AtomicOrdering};
use std::time::Instant;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Weight;
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader,
    TERMINATED,
};

use crate::index::schema::fast;
use crate::index::segments::PerSegment;
use crate::search::topk::{Finished, Pruner, Verifier, best_at};

/// Room made up front in each segment's top list; it grows as hits come, up to the limit.
const INITIAL_HEAP: usize = 1024;

/// A passage that made the top list, before its stored fields are fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// BM25 score.
    pub score: Score,
    /// Last day of the article's date period.
    pub day: i64,
    /// The passage number.
    pub passage: u64,
    /// Where to fetch it.
    pub address: DocAddress,
    /// The ordinal of its article id in its segment's dictionary (`u64::MAX` without one):
    /// within a segment, ordinals order like the ids.
    pub article_ord: u64,
}

/// What a search collected.
#[derive(Debug, Default)]
pub struct Collected {
    /// The top passages, best first.
    pub top: Vec<Candidate>,
    /// The matching passages: all of them when `exact`, else those counted before the
    /// collector began skipping (a lower bound).
    pub passages: u64,
    /// Distinct articles among the passages counted.
    pub articles: u64,
    /// Whether every match was counted.
    pub exact: bool,
    /// How many passages were scored in full: fewer than the matches when the ranking walk
    /// skipped some (their count may still be exact: see `Passages::count_first`).
    pub scored: u64,
}

/// The fast-field columns the collector reads in one segment. Opening a column parses its
/// header (and the article ids' dictionary index), so each segment's are opened once and
/// shared by every search of a [`ColumnCache`].
#[derive(Clone)]
struct SegmentColumns {
    day: Column<i64>,
    passage: Column<u64>,
    article_key: Column<u64>,
    article_id: Option<StrColumn>,
}

impl SegmentColumns {
    fn open(reader: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        let fast_fields = reader.fast_fields();
        Ok(SegmentColumns {
            day: fast_fields.i64(fast::DAY_HI)?,
            passage: fast_fields.u64(fast::PASSAGE)?,
            article_key: fast_fields.u64(fast::ARTICLE_KEY)?,
            article_id: fast_fields.str(fast::ARTICLE_ID)?,
        })
    }
}

/// The collector's columns per segment, opened on first use; clones share them.
#[derive(Clone, Default)]
pub struct ColumnCache(PerSegment<SegmentColumns>);

impl ColumnCache {
    fn get(&self, reader: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        self.0.get(reader, SegmentColumns::open)
    }
}

/// One segment's findings. Articles are counted as a set of keys when several segments have
/// matches, since an article's passages may lie in several segments; a segment keeps the
/// first passage it counted of each article and reads the keys only then. The article ids stay
/// ordinals until a tie across segments needs them as text.
pub struct SegmentFruit {
    segment: SegmentOrdinal,
    top: Vec<Entry>,
    article_id: Option<StrColumn>,
    passages: u64,
    scored: u64,
    /// The first passage counted of each article (each article once unless `unordered`).
    firsts: Vec<DocId>,
    /// Whether `firsts` holds passages without an article id, counted by their keys alone.
    unordered: bool,
    article_key: Option<Column<u64>>,
}

impl SegmentFruit {
    /// The keys of the articles counted, each once.
    fn keys(&self) -> Vec<u64> {
        let Some(column) = &self.article_key else {
            return Vec::new();
        };
        let mut keys: Vec<u64> = self
            .firsts
            .iter()
            .map(|&doc| column.first(doc).unwrap_or(0))
            .collect();
        if self.unordered {
            keys.sort_unstable();
            keys.dedup();
        }
        keys
    }

    /// How many distinct articles the segment counted.
    fn articles(&self) -> usize {
        match self.unordered {
            false => self.firsts.len(),
            true => self.keys().len(),
        }
    }
}

impl SegmentFruit {
    /// The findings of a segment where nothing matches.
    fn empty(segment: SegmentOrdinal) -> SegmentFruit {
        SegmentFruit {
            segment,
            top: Vec::new(),
            article_id: None,
            passages: 0,
            scored: 0,
            firsts: Vec::new(),
            unordered: false,
            article_key: None,
        }
    }
}

/// How many matches are collected between two looks at the clock: one block of the scorer's
/// buffer, so the check costs one `Instant::now()` per 64 matches.
pub const CHECK_EVERY: usize = COLLECT_BLOCK_BUFFER_LEN;

/// Collects the top `limit` passages and the exact counts, or stops at a deadline.
///
/// With a [`Pruner`] ([`Passages::pruned`]), the pruner matches and scores the passages;
/// every match is counted until `count_up_to` have been; from then on, only passages that can
/// still enter the top list are read (see `topk`), and the counts are lower bounds
/// ([`Collected::exact`] is false).
pub struct Passages<'a> {
    /// How many passages to keep; 0 only counts.
    pub limit: usize,
    /// Where the segments' columns are kept between searches.
    pub columns: &'a ColumnCache,
    /// When to give up; `None` runs to the end.
    pub deadline: Option<Instant>,
    /// Set once a segment stopped at the deadline.
    timed_out: AtomicBool,
    /// The pruned driver, whether the query must check its passages, and how many matches
    /// to count before skipping.
    pruner: Option<(&'a Pruner, bool, u64)>,
    /// Matches counted so far, over all segments.
    counted: AtomicU64,
    /// Set once a segment skipped matches.
    skipped: AtomicBool,
    /// The lowest score of a full top list of a finished segment: no passage scoring below
    /// it can enter the final list.
    floor: Mutex<Score>,
    /// When the top list is re-ranked by length alone: the prior, and how many of the
    /// re-ranked passages are kept (see [`Passages::weighed`]).
    weighed: Option<(LengthPrior, usize)>,
    /// How many of the first passages will be re-ranked (see [`Passages::reranked`]).
    reranked: usize,
}

impl<'a> Passages<'a> {
    /// A collector for the top `limit` passages that gives up at `deadline`.
    pub fn new(limit: usize, columns: &'a ColumnCache, deadline: Option<Instant>) -> Passages<'a> {
        Passages {
            limit,
            columns,
            deadline,
            timed_out: AtomicBool::new(false),
            pruner: None,
            counted: AtomicU64::new(0),
            skipped: AtomicBool::new(false),
            floor: Mutex::new(Score::NEG_INFINITY),
            weighed: None,
            reranked: 0,
        }
    }

    /// The first `n` passages of the top list will be re-ranked ([`rescore`]), which puts
    /// passages tying on score and date in order by their article ids: ties among them are
    /// not spelled out here (a segment's dictionary is read for each), only a tie at the
    /// window's edge, which decides what enters it, and ties below it.
    pub fn reranked(mut self, n: usize) -> Passages<'a> {
        self.reranked = n;
        self
    }

    /// The top list will be re-ranked by `prior` alone and its best `kept` passages kept: a
    /// passage keeps at most its whole score, so one scoring below the `kept`-th best weighed
    /// score of the passages seen so far can be skipped. Either the passages above it stay in
    /// the re-ranked window, and their weighed scores beat it, or they are pushed out of the
    /// window by passages scoring higher still, and so is it. The window's re-ranking, and the
    /// passages below it in BM25's order, are unchanged; only passages that could reach
    /// neither are left unread, so a word that names an entity costs about what a top `kept`
    /// does, not a top window.
    pub fn weighed(mut self, prior: LengthPrior, kept: usize) -> Passages<'a> {
        self.weighed = Some((prior, kept));
        self
    }

    /// Matches and scores with `pruner` (checking each passage against the query when
    /// `check`), counting the first `count_up_to` matches, then skipping the passages that
    /// cannot enter the top list.
    pub fn pruned(mut self, pruner: &'a Pruner, check: bool, count_up_to: u64) -> Passages<'a> {
        self.pruner = Some((pruner, check, count_up_to));
        self
    }

    fn floor(&self) -> Score {
        *self.floor.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn raise_floor(&self, to: Score) {
        let mut floor = self.floor.lock().unwrap_or_else(|e| e.into_inner());
        *floor = floor.max(to);
    }

    /// Counts the first `cap` matches of `weight` (built without scoring: only which passages
    /// match is read, not how often their words occur), segment by segment in order, leaving
    /// out the segments `searched` rules out. This is how a pruned search counts: the walk that
    /// ranks then skips from its first full top list instead of scoring every match it counts.
    /// With more than `cap` matches the counts are lower bounds ([`Collected::exact`] false);
    /// nothing is ranked (`top` is empty). Stops at the deadline ([`Passages::timed_out`]).
    ///
    /// # Errors
    /// A failure reading a segment.
    pub fn count_first(
        &self,
        searcher: &tantivy::Searcher,
        weight: &dyn Weight,
        cap: u64,
        searched: impl Fn(&SegmentReader) -> tantivy::Result<bool>,
    ) -> tantivy::Result<Collected> {
        let mut fruits = Vec::new();
        let mut counted = 0_u64;
        let mut more = false;
        let mut buffer = [0; COLLECT_BLOCK_BUFFER_LEN];
        let mut ords = Vec::with_capacity(COLLECT_BLOCK_BUFFER_LEN);
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            if more || self.past_deadline() {
                break;
            }
            if !searched(reader)? {
                continue;
            }
            let mut child = self.for_segment(ord as SegmentOrdinal, reader)?;
            let alive = reader.alive_bitset();
            let mut scorer = weight.scorer(reader, 1.0)?;
            loop {
                let n = scorer.fill_buffer(&mut buffer);
                let mut docs = live(&mut buffer[..n], alive);
                let room = usize::try_from(cap - counted).unwrap_or(usize::MAX);
                if docs.len() > room {
                    docs = &mut docs[..room];
                    more = true;
                }
                child.count(docs, &mut ords);
                counted += docs.len() as u64;
                // A full buffer may be followed by more matches, and a full count by none.
                if more || n < buffer.len() || self.past_deadline() {
                    break;
                }
                if counted == cap {
                    more = next_alive(scorer.as_mut(), alive) != TERMINATED;
                    break;
                }
            }
            fruits.push(child.harvest());
        }
        let mut collected = self.merge_fruits(fruits)?;
        collected.exact = !more;
        Ok(collected)
    }

    /// Whether the deadline stopped the search before every match was seen.
    pub fn timed_out(&self) -> bool {
        self.timed_out.load(AtomicOrdering::Relaxed)
    }

    /// Whether the deadline has passed; remembers it for [`Passages::timed_out`].
    fn past_deadline(&self) -> bool {
        if self.timed_out() {
            return true;
        }
        let past = self.deadline.is_some_and(|d| Instant::now() >= d);
        if past {
            self.timed_out.store(true, AtomicOrdering::Relaxed);
        }
        past
    }
}

/// The live documents of `docs`, moved to its front.
fn live<'d>(
    docs: &'d mut [DocId],
    alive: Option<&tantivy::fastfield::AliveBitSet>,
) -> &'d mut [DocId] {
    let Some(set) = alive else {
        return docs;
    };
    let mut kept = 0;
    for i in 0..docs.len() {
        if set.is_alive(docs[i]) {
            docs[kept] = docs[i];
            kept += 1;
        }
    }
    &mut docs[..kept]
}

/// The first live document of `docs` from the one it stands on.
fn next_alive(docs: &mut dyn DocSet, alive: Option<&tantivy::fastfield::AliveBitSet>) -> DocId {
    let mut doc = docs.doc();
    while doc != TERMINATED && alive.is_some_and(|set| !set.is_alive(doc)) {
        doc = docs.advance();
    }
    doc
}

/// One segment's share of the work. The top list is kept by score alone, with the passages
/// that tie at its lowest score on the side: their dates, numbers and articles, which break the
/// ties, are read only once the segment is done, for the few that made it.
pub struct SegmentPassages {
    limit: usize,
    segment: SegmentOrdinal,
    columns: SegmentColumns,
    heap: BinaryHeap<Reverse<Scored>>,
    /// Passages left out of (or pushed out of) a full `heap` with a score equal to its lowest.
    tied: Vec<DocId>,
    /// The score of the `tied` passages.
    tied_score: Score,
    passages: u64,
    /// Passages offered to the top list.
    scored: u64,
    /// One bit per article ordinal of the segment: articles already counted.
    seen: Vec<u64>,
    /// The first passage counted of each article, each article once unless `unordered`.
    firsts: Vec<DocId>,
    /// Whether `firsts` holds passages without an article id.
    unordered: bool,
}

/// A passage in a segment's top list before its tie-breaking keys are read.
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: Score,
    doc: DocId,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Scored) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Scored) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    fn cmp(&self, other: &Scored) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.doc.cmp(&self.doc))
    }
}

/// Per-segment ranking key; `Ord` puts the better passage last.
#[derive(Debug, Clone, Copy)]
struct Entry {
    score: Score,
    day: i64,
    article_ord: u64,
    passage: u64,
    doc: DocId,
}

impl Entry {
    /// Orders by score, then date: the part of the key that compares across segments.
    fn cmp_score_day(&self, other: &Entry) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(self.day.cmp(&other.day))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Entry) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Entry) -> Ordering {
        self.cmp_score_day(other)
            .then(other.article_ord.cmp(&self.article_ord))
            .then(other.passage.cmp(&self.passage))
    }
}

impl Collector for Passages<'_> {
    type Fruit = Collected;
    type Child = SegmentPassages;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPassages> {
        let columns = self.columns.get(reader)?;
        let articles = columns
            .article_id
            .as_ref()
            .map_or(0, |ids| ids.dictionary().num_terms());
        Ok(SegmentPassages {
            limit: self.limit,
            segment,
            columns,
            // Grown as hits come: a large `limit` must not be allocated up front.
            heap: BinaryHeap::with_capacity(self.limit.min(INITIAL_HEAP) + 1),
            tied: Vec::new(),
            tied_score: Score::NEG_INFINITY,
            passages: 0,
            scored: 0,
            seen: vec![0; articles.div_ceil(64)],
            firsts: Vec::new(),
            unordered: false,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.limit > 0
    }

    /// Drives the scorer block by block, like tantivy's own loop, but looks at the clock
    /// between blocks so a pathological query stops at the deadline instead of running on.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFruit> {
        // A segment without the leaves' terms matches nothing: its columns are not opened
        // (most of what a search that finds nothing would spend there).
        if let Some((pruner, _, _)) = self.pruner
            && self.limit > 0
            && !pruner.may_match(reader)?
        {
            return Ok(SegmentFruit::empty(segment));
        }
        let mut child = self.for_segment(segment, reader)?;
        if self.past_deadline() {
            return Ok(child.harvest());
        }
        if let Some((pruner, check, count_up_to)) = self.pruner
            && self.limit > 0
        {
            let floor = self.floor();
            // Matches are counted while fewer than `count_up_to` are, and for as long as
            // nothing can be skipped anyway (no top list full yet, here or in a segment before).
            let mut counting = self.counted.load(AtomicOrdering::Relaxed) < count_up_to
                || floor == Score::NEG_INFINITY;
            if !counting {
                self.skipped.store(true, AtomicOrdering::Relaxed);
            }
            let mut weighed = match self.weighed {
                Some((prior, kept)) if kept > 0 && kept < self.limit => {
                    let norms = reader.get_fieldnorms_reader(prior.field())?;
                    Some((prior, norms, kept, BinaryHeap::with_capacity(kept + 1)))
                }
                _ => None,
            };
            // The `kept`-th best weighed score so far: below it, nothing can be kept.
            let weighed_floor =
                |best: &BinaryHeap<Reverse<Scored>>, kept: usize| match best.len() >= kept {
                    true => best
                        .peek()
                        .map_or(Score::NEG_INFINITY, |l| l.0.score.next_down()),
                    false => Score::NEG_INFINITY,
                };
            let threshold =
                |child: &SegmentPassages, counting: bool, at_least: Score| match counting {
                    true => Score::NEG_INFINITY,
                    false => child.threshold().max(floor).max(at_least),
                };
            let start = threshold(&child, counting, Score::NEG_INFINITY);
            let mut at_least = Score::NEG_INFINITY;
            let mut offer = |doc: DocId, score: Score| {
                if let Some((prior, norms, kept, best)) = &mut weighed {
                    let weighed = Scored {
                        score: score * prior.weight(norms.fieldnorm(doc)),
                        doc,
                    };
                    if best.len() < *kept {
                        best.push(Reverse(weighed));
                    } else if best.peek().is_some_and(|l| l.0 < weighed) {
                        best.pop();
                        best.push(Reverse(weighed));
                    }
                    at_least = weighed_floor(best, *kept);
                }
                if counting {
                    child.collect(doc, score);
                    let counted = self.counted.fetch_add(1, AtomicOrdering::Relaxed) + 1;
                    if counted >= count_up_to
                        && threshold(&child, false, at_least) > Score::NEG_INFINITY
                    {
                        counting = false;
                        self.skipped.store(true, AtomicOrdering::Relaxed);
                    }
                } else {
                    child.offer(doc, score);
                }
                threshold(&child, counting, at_least)
            };
            let check = check.then_some(weight);
            let finished = pruner.run(check, reader, start, self.deadline, &mut offer)?;
            if finished == Finished::TimedOut {
                self.timed_out.store(true, AtomicOrdering::Relaxed);
            }
            self.raise_floor(child.threshold().max(at_least));
            return Ok(child.harvest());
        }
        let alive = reader.alive_bitset();
        let is_alive = |doc: DocId| alive.is_none_or(|set| set.is_alive(doc));
        let mut scorer = weight.scorer(reader, 1.0)?;
        if self.requires_scoring() {
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                for _ in 0..CHECK_EVERY {
                    if is_alive(doc) {
                        child.collect(doc, scorer.score());
                    }
                    doc = scorer.advance();
                    if doc == TERMINATED {
                        break;
                    }
                }
                if doc != TERMINATED && self.past_deadline() {
                    break;
                }
            }
        } else {
            let mut buffer = [0; COLLECT_BLOCK_BUFFER_LEN];
            let mut ords = Vec::with_capacity(COLLECT_BLOCK_BUFFER_LEN);
            loop {
                let n = scorer.fill_buffer(&mut buffer);
                child.count(live(&mut buffer[..n], alive), &mut ords);
                if n < buffer.len() || self.past_deadline() {
                    break;
                }
            }
        }
        Ok(child.harvest())
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let passages = fruits.iter().map(|f| f.passages).sum();
        let with_matches: Vec<&SegmentFruit> = fruits.iter().filter(|f| f.passages > 0).collect();
        let articles = match with_matches.as_slice() {
            [] => 0,
            // Keys are distinct within a segment.
            [only] => only.articles(),
            several => {
                let mut keys: Vec<u64> = several.iter().flat_map(|f| f.keys()).collect();
                keys.sort_unstable();
                keys.dedup();
                keys.len()
            }
        };
        Ok(Collected {
            top: merge_top(&fruits, self.limit, self.reranked),
            passages,
            articles: articles as u64,
            exact: !self.skipped.load(AtomicOrdering::Relaxed),
            scored: fruits.iter().map(|f| f.scored).sum(),
        })
    }
}

/// The best `limit` entries of all segments, best first. Within a segment, article ordinals
/// order like the ids; entries of different segments that tie on score and date compare their
/// ids as text, looked up only for them, except in a run of ties that lies wholly within the
/// first `reranked` entries: those follow in segment order, as [`rescore`] orders them again.
fn merge_top(fruits: &[SegmentFruit], limit: usize, reranked: usize) -> Vec<Candidate> {
    let entries: Vec<(usize, Entry)> = fruits
        .iter()
        .enumerate()
        .flat_map(|(f, fruit)| fruit.top.iter().map(move |e| (f, *e)))
        .collect();
    // Entries tying on score and date sit side by side once sorted by them: a run of ties that
    // spans segments needs the ids as text, unless it starts below the first `limit`, where
    // its order cannot show. Of a run with `room` places left above the limit, only each
    // segment's first `room` entries can take them (a segment's ordinals order like its ids):
    // those are spelled out, and the rest of the run follows them.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&i, &j| entries[j].1.cmp_score_day(&entries[i].1));
    let mut wanted: Vec<Vec<u64>> = vec![Vec::new(); fruits.len()];
    let mut spelled = vec![false; entries.len()];
    let mut start = 0;
    for run in order.chunk_by(|&i, &j| entries[i].1.cmp_score_day(&entries[j].1).is_eq()) {
        let room = limit.saturating_sub(start);
        start += run.len();
        if room == 0 {
            break;
        }
        if start <= reranked {
            continue;
        }
        let first = entries[run[0]].0;
        if run.iter().all(|&i| entries[i].0 == first) {
            continue;
        }
        let mut in_run = run.to_vec();
        in_run.sort_by_key(|&i| (entries[i].0, entries[i].1.article_ord, entries[i].1.passage));
        for segment in in_run.chunk_by(|&i, &j| entries[i].0 == entries[j].0) {
            for &i in segment.iter().take(room) {
                let (f, e) = &entries[i];
                wanted[*f].push(e.article_ord);
                spelled[i] = true;
            }
        }
    }
    // One pass over each segment's dictionary for all the ids it must spell out.
    let names: Vec<HashMap<u64, String>> = wanted
        .into_iter()
        .zip(fruits)
        .map(|(ords, fruit)| article_ids(fruit.article_id.as_ref(), ords))
        .collect();
    let ids: Vec<Option<String>> = entries
        .iter()
        .zip(&spelled)
        .map(|((f, e), &spelled)| {
            spelled.then(|| names[*f].get(&e.article_ord).cloned().unwrap_or_default())
        })
        .collect();
    // Within a segment, ordinals; across segments, ids where spelled out, before the entries
    // not spelled out, which follow in segment order.
    order.sort_by(|&i, &j| {
        let ((fi, a), (fj, b)) = (&entries[i], &entries[j]);
        b.cmp_score_day(a)
            .then_with(|| match (fi == fj, &ids[i], &ids[j]) {
                (true, _, _) => a.article_ord.cmp(&b.article_ord),
                (false, Some(x), Some(y)) => x.cmp(y),
                (false, Some(_), None) => Ordering::Less,
                (false, None, Some(_)) => Ordering::Greater,
                (false, None, None) => fi.cmp(fj).then(a.article_ord.cmp(&b.article_ord)),
            })
            .then(a.passage.cmp(&b.passage))
    });
    order.truncate(limit);
    order
        .into_iter()
        .map(|i| {
            let (f, e) = entries[i];
            Candidate {
                score: e.score,
                day: e.day,
                passage: e.passage,
                address: DocAddress::new(fruits[f].segment, e.doc),
                article_ord: e.article_ord,
            }
        })
        .collect()
}

/// Weighs a passage's score by its length, for queries that name an entity: BM25 favours short
/// passages, and a 30-word greeting outscores a paragraph about the same person. A passage
/// shorter than the average keeps `(length / average) ^ EXPONENT` of its score; an average or
/// longer one keeps it all.
#[derive(Debug, Clone, Copy)]
pub struct LengthPrior {
    field: tantivy::schema::Field,
    average: f32,
}

impl LengthPrior {
    /// How strongly shortness is held against a passage.
    const EXPONENT: f32 = 0.3;

    /// The prior for `field`, with the average length over the whole index (in indexed tokens,
    /// as BM25 counts them).
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn of(
        searcher: &tantivy::Searcher,
        field: tantivy::schema::Field,
    ) -> tantivy::Result<LengthPrior> {
        let (mut tokens, mut docs) = (0_u64, 0_u64);
        for segment in searcher.segment_readers() {
            tokens += segment.inverted_index(field)?.total_num_tokens();
            docs += u64::from(segment.max_doc());
        }
        Ok(LengthPrior {
            field,
            average: (tokens as f32 / docs.max(1) as f32).max(1.0),
        })
    }

    /// The field whose lengths weigh.
    pub fn field(&self) -> tantivy::schema::Field {
        self.field
    }

    /// The share of its score a passage of `length` tokens keeps.
    pub fn weight(&self, length: u32) -> f32 {
        (length as f32 / self.average).min(1.0).powf(Self::EXPONENT)
    }
}

/// Adds the scores of the `bonuses` each candidate matches (of a bonus read several ways, the
/// best reading's) and re-sorts them, best first; equal scores and dates keep the order of
/// their scores before, and then that of their article ids and passages, spelled out (from the
/// segments' dictionaries in `columns`) only for ties among the first `shown` that span
/// segments. Each reading is checked only at the candidates, in document order, without
/// scanning the matches in between (tantivy's `seek_danger`), so the cost does not grow with
/// the number of matches. With a `prior`, each score is then weighed by the passage's length.
///
/// # Errors
/// A failure reading the index.
pub fn rescore(
    searcher: &tantivy::Searcher,
    columns: &ColumnCache,
    bonuses: &[Vec<Box<dyn tantivy::query::Query>>],
    prior: Option<LengthPrior>,
    top: &mut Vec<Candidate>,
    shown: usize,
) -> tantivy::Result<()> {
    use tantivy::query::EnableScoring;
    let mut order: Vec<(DocAddress, usize)> = top
        .iter()
        .enumerate()
        .map(|(i, c)| (c.address, i))
        .collect();
    order.sort_unstable();
    let before: Vec<Score> = top.iter().map(|c| c.score).collect();
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    for readings in bonuses {
        let weights: Vec<Box<dyn tantivy::query::Weight>> = readings
            .iter()
            .map(|reading| reading.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        for run in order.chunk_by(|(a, _), (b, _)| a.segment_ord == b.segment_ord) {
            let segment = searcher.segment_reader(run[0].0.segment_ord);
            let mut verifiers: Vec<Verifier> = weights
                .iter()
                .map(|weight| Verifier::new(weight.as_ref(), segment))
                .collect();
            for &(address, i) in run {
                if let Some(score) = best_at(&mut verifiers, address.doc_id)? {
                    top[i].score += score;
                }
            }
        }
    }
    if let Some(prior) = prior {
        for run in order.chunk_by(|(a, _), (b, _)| a.segment_ord == b.segment_ord) {
            let segment = searcher.segment_reader(run[0].0.segment_ord);
            let norms = segment.get_fieldnorms_reader(prior.field)?;
            for &(address, i) in run {
                top[i].score *= prior.weight(norms.fieldnorm(address.doc_id));
            }
        }
    }
    let mut ranked: Vec<(usize, Candidate)> = std::mem::take(top).into_iter().enumerate().collect();
    let tied = |(i, a): &(usize, Candidate), (j, b): &(usize, Candidate)| {
        b.score
            .total_cmp(&a.score)
            .then(b.day.cmp(&a.day))
            .then(before[*j].total_cmp(&before[*i]))
    };
    ranked.sort_by(|x, y| tied(x, y).then(x.0.cmp(&y.0)));
    // Runs of ties that span segments, among the first `shown`: in order of ids and passages.
    let mut start = 0;
    while start < ranked.len().min(shown) {
        let len = ranked[start..]
            .iter()
            .take_while(|x| tied(&ranked[start], x).is_eq())
            .count();
        let run = &mut ranked[start..start + len];
        start += len;
        let first = run[0].1.address.segment_ord;
        if run.iter().all(|(_, c)| c.address.segment_ord == first) {
            continue;
        }
        let mut names: HashMap<SegmentOrdinal, HashMap<u64, String>> = HashMap::new();
        for (_, c) in run.iter() {
            let segment = c.address.segment_ord;
            if names.contains_key(&segment) {
                continue;
            }
            let ords = run
                .iter()
                .filter(|(_, d)| d.address.segment_ord == segment)
                .map(|(_, d)| d.article_ord)
                .collect();
            let column = columns.get(searcher.segment_reader(segment))?;
            names.insert(segment, article_ids(column.article_id.as_ref(), ords));
        }
        run.sort_by_cached_key(|(i, c)| {
            let id = names[&c.address.segment_ord].get(&c.article_ord);
            (id.cloned().unwrap_or_default(), c.passage, *i)
        });
    }
    top.extend(ranked.into_iter().map(|(_, c)| c));
    Ok(())
}

/// The article ids of the ordinals `ords` in a segment's dictionary, read in one sorted pass
/// (looking each up alone decodes a dictionary block per id); an id that cannot be read is
/// left out, and compares as empty.
fn article_ids(column: Option<&StrColumn>, mut ords: Vec<u64>) -> HashMap<u64, String> {
    let mut names = HashMap::new();
    let Some(column) = column else {
        return names;
    };
    if ords.is_empty() {
        return names;
    }
    ords.sort_unstable();
    ords.dedup();
    let mut next = ords.iter();
    let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        if let Some(&ord) = next.next() {
            names.insert(ord, String::from_utf8_lossy(bytes).into_owned());
        }
    });
    names
}

impl SegmentPassages {
    /// Counts the article of `doc`, whose ordinal in the segment's dictionary is
    /// `article_ord` (`u64::MAX` when it has none).
    fn count_article(&mut self, doc: DocId, article_ord: u64) {
        match self.seen.get_mut((article_ord / 64) as usize) {
            Some(word) if *word & (1 << (article_ord % 64)) != 0 => {}
            Some(word) => {
                *word |= 1 << (article_ord % 64);
                self.firsts.push(doc);
            }
            // A passage without an article id: counted by its key alone, made distinct later.
            None => {
                self.firsts.push(doc);
                self.unordered = true;
            }
        }
    }

    /// Counts `docs`, matches in increasing order, with nothing to rank (as `collect` does
    /// with a limit of 0): their articles are read in one batch (`ords` is room for them).
    fn count(&mut self, docs: &[DocId], ords: &mut Vec<Option<u64>>) {
        self.passages += docs.len() as u64;
        self.scored += docs.len() as u64;
        ords.clear();
        ords.resize(docs.len(), None);
        if let Some(ids) = &self.columns.article_id {
            ids.ords().first_vals(docs, ords);
        }
        for (&doc, ord) in docs.iter().zip(ords.iter()) {
            self.count_article(doc, ord.unwrap_or(u64::MAX));
        }
    }

    /// Keeps `doc`, whose score equals the list's lowest, `score`, on the side.
    fn tie(&mut self, score: Score, doc: DocId) {
        if self.tied_score != score {
            self.tied.clear();
            self.tied_score = score;
        }
        self.tied.push(doc);
    }

    /// A passage's full ranking key.
    fn entry(&self, score: Score, doc: DocId) -> Entry {
        let article_ord = match &self.columns.article_id {
            Some(ids) => ids.ords().first(doc).unwrap_or(u64::MAX),
            None => u64::MAX,
        };
        Entry {
            score,
            day: self.columns.day.first(doc).unwrap_or(i64::MIN),
            article_ord,
            passage: self.columns.passage.first(doc).unwrap_or(0),
            doc,
        }
    }
    /// Puts a passage in the top list if it belongs there (counting nothing).
    fn offer(&mut self, doc: DocId, score: Score) {
        self.scored += 1;
        if self.limit == 0 {
            return;
        }
        let scored = Scored { score, doc };
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(scored));
            return;
        }
        let Some(threshold) = self.heap.peek().map(|l| l.0.score) else {
            return;
        };
        match score.total_cmp(&threshold) {
            Ordering::Less => {}
            Ordering::Equal => self.tie(threshold, doc),
            Ordering::Greater => {
                let out = self
                    .heap
                    .peek_mut()
                    .map(|mut l| std::mem::replace(&mut l.0, scored));
                // The passage pushed out ties with the new lowest score, or falls below it.
                if let Some(out) = out
                    && self.heap.peek().is_some_and(|l| l.0.score == threshold)
                {
                    self.tie(threshold, out.doc);
                }
            }
        }
    }

    /// The score a passage must exceed to enter the full top list: just under its lowest,
    /// since a tie may still win on date; anything while it is not full.
    fn threshold(&self) -> Score {
        match self.heap.len() >= self.limit {
            true => self
                .heap
                .peek()
                .map_or(Score::NEG_INFINITY, |l| l.0.score.next_down()),
            false => Score::NEG_INFINITY,
        }
    }
}

impl SegmentCollector for SegmentPassages {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.passages += 1;
        let article_ord = match &self.columns.article_id {
            Some(ids) => ids.ords().first(doc).unwrap_or(u64::MAX),
            None => u64::MAX,
        };
        self.count_article(doc, article_ord);
        self.offer(doc, score);
    }

    fn harvest(mut self) -> SegmentFruit {
        // The tie-breaking keys, for the passages that made the list and those tied at its end.
        let lowest = self.heap.peek().map(|l| l.0.score);
        let tied = match lowest == Some(self.tied_score) {
            true => std::mem::take(&mut self.tied),
            false => Vec::new(),
        };
        let mut top: Vec<Entry> = self
            .heap
            .iter()
            .map(|Reverse(s)| (s.score, s.doc))
            .chain(tied.into_iter().map(|doc| (self.tied_score, doc)))
            .map(|(score, doc)| self.entry(score, doc))
            .collect();
        top.sort_unstable_by(|a, b| b.cmp(a));
        top.truncate(self.limit);
        SegmentFruit {
            segment: self.segment,
            top,
            article_id: self.columns.article_id,
            passages: self.passages,
            scored: self.scored,
            firsts: self.firsts,
            unordered: self.unordered,
            article_key: Some(self.columns.article_key),
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Collector;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::TermQuery;
    use tantivy::schema::{FAST, IndexRecordOption, STORED, STRING, Schema, TEXT, Value};
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    use super::*;
    use crate::index::document::article_key;

    /// Passages as (article id, passage, day, text), one segment per slice.
    fn collect(segments: &[&[(&str, u64, i64, &str)]], limit: usize) -> (Collected, Vec<String>) {
        let mut b = Schema::builder();
        let id = b.add_text_field(fast::ARTICLE_ID, STRING | STORED | FAST);
        let key = b.add_u64_field(fast::ARTICLE_KEY, FAST);
        let passage = b.add_u64_field(fast::PASSAGE, STORED | FAST);
        let day = b.add_i64_field(fast::DAY_HI, FAST);
        let text = b.add_text_field("text", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for segment in segments {
            for &(article, number, days, words) in *segment {
                let mut doc = TantivyDocument::default();
                doc.add_text(id, article);
                doc.add_u64(key, article_key(article));
                doc.add_u64(passage, number);
                doc.add_i64(day, days);
                doc.add_text(text, words);
                writer.add_document(doc).expect("add");
            }
            writer.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), segments.len());
        let query = TermQuery::new(
            Term::from_field_text(text, "peace"),
            IndexRecordOption::WithFreqs,
        );
        let columns = ColumnCache::default();
        let collector = Passages::new(limit, &columns, None);
        let collected = searcher.search(&query, &collector).expect("search");
        // A second search reuses the cached columns and must agree.
        let again = searcher.search(&query, &collector).expect("search");
        assert_eq!(collected.top, again.top);
        let shown = collected
            .top
            .iter()
            .map(|c| {
                let doc: TantivyDocument = searcher.doc(c.address).expect("doc");
                let article = doc.get_first(id).and_then(|v| v.as_str()).unwrap_or("?");
                format!("{article}#{}", c.passage)
            })
            .collect();
        (collected, shown)
    }

    #[test]
    fn ties_across_segments_go_to_the_newer_date_then_the_smaller_id_then_the_passage() {
        let (collected, shown) = collect(
            &[
                &[
                    ("b", 0, 10, "peace now"),
                    ("d", 0, 10, "peace now"),
                    ("a", 1, 10, "peace now"),
                    ("z", 0, 11, "peace now"),
                ],
                &[
                    ("c", 0, 10, "peace now"),
                    ("a", 0, 10, "peace now"),
                    ("e", 0, 10, "war or peace maybe"),
                ],
            ],
            10,
        );
        assert_eq!(shown, ["z#0", "a#0", "a#1", "b#0", "c#0", "d#0", "e#0"]);
        assert_eq!((collected.passages, collected.articles), (7, 6));
        let (collected, shown) = collect(
            &[
                &[("b", 0, 10, "peace now"), ("a", 1, 10, "peace now")],
                &[("a", 0, 10, "peace now"), ("c", 0, 10, "no match")],
            ],
            2,
        );
        assert_eq!(shown, ["a#0", "a#1"]);
        assert_eq!((collected.passages, collected.articles), (3, 2));
    }

    #[test]
    fn counting_alone_skips_ranking_and_counts_articles_once() {
        let passages: Vec<(&str, u64, i64, &str)> = (0..200)
            .map(|i| (["x", "y", "z"][i % 3], i as u64, 1, "peace"))
            .collect();
        let (collected, shown) = collect(&[&passages[..120], &passages[120..]], 0);
        assert!(shown.is_empty());
        assert_eq!((collected.passages, collected.articles), (200, 3));
        assert!(!Passages::new(0, &ColumnCache::default(), None).requires_scoring());
    }
}
