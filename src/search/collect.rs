//! Collecting matches: the top passages in a deterministic order, and exact match counts.
//!
//! Passages are ranked by BM25 score; ties go to the newest date, then the smaller article id,
//! then the earlier passage. Every segment keeps its own top `limit` by that key (article ids
//! compared by their ordinal in the segment's sorted dictionary, which orders like the ids), so
//! the merged result never depends on how documents fell into segments.
//!
//! A search may carry a deadline. The collector drives each segment's scorer itself, checking
//! the clock once per block of [`CHECK_EVERY`] matches, and stops every segment once the deadline
//! has passed; [`Passages::timed_out`] then says so, and the counts are not to be trusted.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::time::Instant;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Weight;
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader,
    TERMINATED,
};

use crate::index::schema::fast;

/// A passage that made the top list, before its stored fields are fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// BM25 score.
    pub score: Score,
    /// Last day of the article's date period.
    pub day: i64,
    /// The article id.
    pub article_id: String,
    /// The passage number.
    pub passage: u64,
    /// Where to fetch it.
    pub address: DocAddress,
}

/// What a search collected.
#[derive(Debug, Default)]
pub struct Collected {
    /// The top passages, best first.
    pub top: Vec<Candidate>,
    /// Every matching passage, counted exactly.
    pub passages: u64,
    /// Distinct articles among them.
    pub articles: u64,
}

/// One segment's findings; the article keys are merged as a set, since an article's passages
/// may lie in several segments.
pub struct SegmentFruit {
    top: Vec<Candidate>,
    passages: u64,
    keys: HashSet<u64>,
}

/// How many matches are collected between two looks at the clock: one block of the scorer's
/// buffer, so the check costs one `Instant::now()` per 64 matches.
pub const CHECK_EVERY: usize = COLLECT_BLOCK_BUFFER_LEN;

/// Collects the top `limit` passages and the exact counts, or stops at a deadline.
pub struct Passages {
    /// How many passages to keep; 0 only counts.
    pub limit: usize,
    /// When to give up; `None` runs to the end.
    pub deadline: Option<Instant>,
    /// Set once a segment stopped at the deadline.
    timed_out: AtomicBool,
}

impl Passages {
    /// A collector for the top `limit` passages that gives up at `deadline`.
    pub fn new(limit: usize, deadline: Option<Instant>) -> Passages {
        Passages {
            limit,
            deadline,
            timed_out: AtomicBool::new(false),
        }
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

/// One segment's share of the work.
pub struct SegmentPassages {
    limit: usize,
    segment: SegmentOrdinal,
    day: Column<i64>,
    passage: Column<u64>,
    article_key: Column<u64>,
    article_id: Option<StrColumn>,
    heap: BinaryHeap<Reverse<Entry>>,
    passages: u64,
    keys: HashSet<u64>,
    last_key: Option<u64>,
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
    fn cmp_key(&self, other: &Entry) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(self.day.cmp(&other.day))
            .then(other.article_ord.cmp(&self.article_ord))
            .then(other.passage.cmp(&self.passage))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.cmp_key(other) == Ordering::Equal
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
        self.cmp_key(other)
    }
}

impl Collector for Passages {
    type Fruit = Collected;
    type Child = SegmentPassages;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPassages> {
        let fast_fields = reader.fast_fields();
        Ok(SegmentPassages {
            limit: self.limit,
            segment,
            day: fast_fields.i64(fast::DAY_HI)?,
            passage: fast_fields.u64(fast::PASSAGE)?,
            article_key: fast_fields.u64(fast::ARTICLE_KEY)?,
            article_id: fast_fields.str(fast::ARTICLE_ID)?,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            passages: 0,
            keys: HashSet::new(),
            last_key: None,
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
        let mut child = self.for_segment(segment, reader)?;
        if self.past_deadline() {
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
            loop {
                let n = scorer.fill_buffer(&mut buffer);
                for &doc in &buffer[..n] {
                    if is_alive(doc) {
                        child.collect(doc, 0.0);
                    }
                }
                if n < buffer.len() || self.past_deadline() {
                    break;
                }
            }
        }
        Ok(child.harvest())
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut merged = Collected::default();
        let mut keys = HashSet::new();
        for fruit in fruits {
            merged.passages += fruit.passages;
            keys.extend(fruit.keys);
            merged.top.extend(fruit.top);
        }
        merged.top.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.day.cmp(&a.day))
                .then_with(|| a.article_id.cmp(&b.article_id))
                .then(a.passage.cmp(&b.passage))
        });
        merged.top.truncate(self.limit);
        merged.articles = keys.len() as u64;
        Ok(merged)
    }
}

impl SegmentCollector for SegmentPassages {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.passages += 1;
        let key = self.article_key.first(doc).unwrap_or(0);
        if self.last_key != Some(key) {
            self.keys.insert(key);
            self.last_key = Some(key);
        }
        if self.limit == 0 {
            return;
        }
        if let Some(Reverse(worst)) = self.heap.peek()
            && self.heap.len() >= self.limit
            && score < worst.score
        {
            return;
        }
        let entry = Entry {
            score,
            day: self.day.first(doc).unwrap_or(i64::MIN),
            article_ord: self
                .article_id
                .as_ref()
                .and_then(|c| c.term_ords(doc).next())
                .unwrap_or(u64::MAX),
            passage: self.passage.first(doc).unwrap_or(0),
            doc,
        };
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(entry));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && entry > worst.0
        {
            *worst = Reverse(entry);
        }
    }

    fn harvest(self) -> SegmentFruit {
        let mut id = String::new();
        let top = self
            .heap
            .into_iter()
            .map(|Reverse(e)| {
                id.clear();
                if let Some(column) = &self.article_id {
                    let _ = column.ord_to_str(e.article_ord, &mut id);
                }
                Candidate {
                    score: e.score,
                    day: e.day,
                    article_id: id.clone(),
                    passage: e.passage,
                    address: DocAddress::new(self.segment, e.doc),
                }
            })
            .collect();
        SegmentFruit {
            top,
            passages: self.passages,
            keys: self.keys,
        }
    }
}
