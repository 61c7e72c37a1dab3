//! Date pruning over a shard set: a query that keeps only some dates (`--since`/`--until`, a
//! required `date:` clause) searches only the shards whose period overlaps them.
//!
//! The set is open as one index (see `index::shards::union`), so the weights of a query are
//! computed once, from every shard's statistics, and pruning only decides which segments are
//! searched: the segments of the other shards cannot hold a match, since every article of a
//! shard lies within its period, and skipping them changes nothing but the time taken.

use std::collections::HashSet;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::query::Weight;
use tantivy::{SegmentOrdinal, SegmentReader};

use super::logical::Logical;
use super::parse::Occur;
use crate::index::OpenIndex;

/// Which shards of a set a search reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardsSearched {
    /// The keys of the shards searched, in key order.
    pub searched: Vec<String>,
    /// The shards of the set.
    pub total: usize,
}

/// The days every match of `logical` must overlap: the intersection of its required date
/// clauses, each end open when none bounds it. `None` when no clause is required.
pub fn required_days(logical: &Logical) -> Option<(Option<i64>, Option<i64>)> {
    match logical {
        Logical::Days { first, last, .. } => Some((*first, *last)),
        Logical::Constant(inner, _) | Logical::Boost(inner, _) => required_days(inner),
        Logical::Bool(clauses) => clauses
            .iter()
            .filter(|(occur, _)| *occur == Occur::Must)
            .filter_map(|(_, clause)| required_days(clause))
            .reduce(|(a_lo, a_hi), (b_lo, b_hi)| {
                let lo = a_lo.max(b_lo);
                let hi = match (a_hi, b_hi) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                (lo, hi)
            }),
        _ => None,
    }
}

/// The segments a search of `logical` may skip in the set `open`, and which shards it reads.
/// `None` for a plain index.
pub fn pruning(
    open: &OpenIndex,
    logical: &Logical,
) -> Option<(HashSet<SegmentId>, ShardsSearched)> {
    if open.shards.is_empty() {
        return None;
    }
    let (first, last) = required_days(logical).unwrap_or((None, None));
    let mut skip = HashSet::new();
    let mut searched = Vec::new();
    for shard in &open.shards {
        let overlaps = shard
            .period
            .as_ref()
            .is_none_or(|period| period.overlaps(first, last));
        match overlaps {
            true => searched.push(shard.key.clone()),
            false => skip.extend(shard.segments.iter().copied()),
        }
    }
    let total = open.shards.len();
    Some((skip, ShardsSearched { searched, total }))
}

/// A collector that leaves some segments out: they are harvested empty, never scored.
pub struct Within<'a, C> {
    /// The collector of the segments searched.
    pub inner: &'a C,
    /// The segments left out.
    pub skip: &'a HashSet<SegmentId>,
}

impl<C: Collector> Collector for Within<'_, C> {
    type Fruit = C::Fruit;
    type Child = C::Child;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<C::Child> {
        self.inner.for_segment(segment, reader)
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<C::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<C::Fruit> {
        self.inner.merge_fruits(fruits)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
        match self.skip.contains(&reader.segment_id()) {
            true => Ok(self.inner.for_segment(segment, reader)?.harvest()),
            false => self.inner.collect_segment(weight, segment, reader),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(first: Option<i64>, last: Option<i64>) -> Logical {
        Logical::Days {
            first,
            last,
            label: String::new(),
        }
    }

    #[test]
    fn required_dates_intersect_and_optional_ones_do_not_count() {
        let both = Logical::Bool(vec![
            (Occur::Must, Logical::All),
            (Occur::Must, days(Some(10), Some(100))),
            (Occur::Must, days(Some(50), None)),
        ]);
        assert_eq!(required_days(&both), Some((Some(50), Some(100))));
        let optional = Logical::Bool(vec![
            (Occur::Must, Logical::All),
            (Occur::Should, days(Some(10), Some(100))),
        ]);
        assert_eq!(required_days(&optional), None);
        let excluded = Logical::Bool(vec![
            (Occur::Must, Logical::All),
            (Occur::MustNot, days(Some(10), Some(100))),
        ]);
        assert_eq!(required_days(&excluded), None);
        let nested = Logical::Bool(vec![(
            Occur::Must,
            Logical::Bool(vec![(Occur::Must, days(None, Some(7)))]),
        )]);
        assert_eq!(required_days(&nested), Some((None, Some(7))));
    }
}
