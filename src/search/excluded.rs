//! What an exclusion (`-"security guarantee"`, `NOT x`) is lowered to: its query, which
//! tantivy's exclusion asks "does passage `d` match?" for each passage the rest of the query
//! matches, in increasing order.
//!
//! tantivy's phrase scorer asserts that it is never asked about a passage before the one it
//! stands on, yet it stands on its first match when made, and a miss may leave it past the
//! next passage asked: a debug build stopped on the assertion (a release build answers right).
//! This scorer answers such questions itself from what it knows (the match it stands on, or
//! the first passage the last miss said could match) and asks its inner scorer only about
//! passages at or after that.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED};

/// `inner`, safe to ask about any passage at or after the last one asked.
#[derive(Debug)]
pub struct Excluded {
    inner: Box<dyn Query>,
}

impl Excluded {
    pub fn new(inner: Box<dyn Query>) -> Excluded {
        Excluded { inner }
    }
}

impl Clone for Excluded {
    fn clone(&self) -> Excluded {
        Excluded {
            inner: self.inner.box_clone(),
        }
    }
}

impl Query for Excluded {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight {
            inner: self.inner.weight(scoring)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct ExcludedWeight {
    inner: Box<dyn Weight>,
}

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ExcludedScorer {
            inner: self.inner.scorer(reader, boost)?,
            settled: true,
            floor: 0,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct ExcludedScorer {
    inner: Box<dyn Scorer>,
    /// Whether `inner` stands on a match (after creation, `advance` or `seek`); after a
    /// `seek_danger` that missed, tantivy leaves its `doc` meaningless.
    settled: bool,
    /// After a miss: the first passage that may match (what the miss answered).
    floor: DocId,
}

impl ExcludedScorer {
    /// The first passage that may match from here on.
    fn floor(&self) -> DocId {
        match self.settled {
            true => self.inner.doc(),
            false => self.floor,
        }
    }
}

impl DocSet for ExcludedScorer {
    fn advance(&mut self) -> DocId {
        match self.settled {
            true => self.inner.advance(),
            false => self.seek(self.floor),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let floor = self.floor();
        if self.settled && floor >= target {
            return floor;
        }
        self.settled = true;
        self.inner.seek(target.max(floor))
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        let floor = self.floor();
        if target < floor {
            return SeekDangerResult::SeekLowerBound(floor);
        }
        if self.settled && target == floor {
            return SeekDangerResult::Found;
        }
        let found = self.inner.seek_danger(target);
        match found {
            SeekDangerResult::Found => self.settled = true,
            SeekDangerResult::SeekLowerBound(next) => {
                self.settled = false;
                self.floor = next;
            }
        }
        found
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for ExcludedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
