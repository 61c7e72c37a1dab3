//! The facet collector: per value, the matching passages and the distinct articles among them,
//! read from fast fields without fetching a document.
//!
//! Passages are counted per value code as they come. Articles are counted by their 64-bit key
//! (the `article_key` column): an article's passages mostly lie together in a segment, so a
//! value remembers the last article it counted and records a key only when it changes; the
//! keys are sorted and deduplicated when the segment is done, and again across segments (an
//! article's passages may lie in several).

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::dimension::{Dimension, SegmentValues};
use crate::index::schema::fast;

/// Passages counted, and the keys of their articles (sorted and distinct once merged).
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Matching passages.
    pub passages: u64,
    /// Keys of their articles.
    keys: Vec<u64>,
    /// The key last recorded, to skip the next passages of the same article.
    last: Option<u64>,
}

impl Tally {
    fn add(&mut self, key: u64) {
        self.passages += 1;
        if self.last != Some(key) {
            self.keys.push(key);
            self.last = Some(key);
        }
    }

    fn absorb(&mut self, other: Tally) {
        self.passages += other.passages;
        self.keys.extend(other.keys);
        self.last = None;
    }

    fn settle(&mut self) {
        self.keys.sort_unstable();
        self.keys.dedup();
    }

    /// Distinct articles, once settled.
    pub fn articles(&self) -> u64 {
        self.keys.len() as u64
    }
}

/// What the collector found: every match, the matches without a value, and each value's.
#[derive(Debug, Default)]
pub struct Counts {
    /// Every matching passage.
    pub all: Tally,
    /// Matching passages without a value in the dimension.
    pub missing: Tally,
    /// Per value.
    pub values: HashMap<String, Tally>,
}

/// Counts matches per value of a dimension.
pub struct FacetCollector<'a> {
    /// The values counted.
    pub dimension: &'a dyn Dimension,
}

/// One segment's counting.
pub struct SegmentCounter {
    values: Box<dyn SegmentValues>,
    key: Column<u64>,
    codes: Vec<u64>,
    all: Tally,
    missing: Tally,
    per_code: FxHashMap<u64, Tally>,
}

impl Collector for FacetCollector<'_> {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        Ok(SegmentCounter {
            values: self.dimension.for_segment(reader)?,
            key: reader.fast_fields().u64(fast::ARTICLE_KEY)?,
            codes: Vec::new(),
            all: Tally::default(),
            missing: Tally::default(),
            per_code: FxHashMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut merged = Counts::default();
        for fruit in fruits {
            merged.all.absorb(fruit.all);
            merged.missing.absorb(fruit.missing);
            for (value, tally) in fruit.values {
                merged.values.entry(value).or_default().absorb(tally);
            }
        }
        merged.all.settle();
        merged.missing.settle();
        merged.values.values_mut().for_each(Tally::settle);
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let key = self.key.first(doc).unwrap_or(0);
        self.all.add(key);
        self.codes.clear();
        self.values.codes(doc, &mut self.codes);
        if self.codes.is_empty() {
            self.missing.add(key);
        }
        for &code in &self.codes {
            self.per_code.entry(code).or_default().add(key);
        }
    }

    fn harvest(self) -> Counts {
        let mut values: HashMap<String, Tally> = HashMap::with_capacity(self.per_code.len());
        for (code, tally) in self.per_code {
            if let Some(value) = self.values.label(code) {
                values.entry(value).or_default().absorb(tally);
            }
        }
        Counts {
            all: self.all,
            missing: self.missing,
            values,
        }
    }
}
