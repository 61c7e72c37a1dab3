//! A query that stops matching at a deadline, for the commands that count every match
//! (`facets`, `entities`, `who`): their collectors are tantivy's, which cannot stop, so the
//! query's scorers end early instead and the command reports the timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use crate::error::{Error, Result};

/// How many documents a scorer yields between two looks at the clock.
const CHECK_EVERY: u32 = 64;

/// `inner`, matching until `timeout` has passed (`None`: for ever).
#[derive(Debug)]
pub struct Bounded {
    inner: Box<dyn Query>,
    deadline: Option<(Instant, Duration)>,
    stopped: Arc<AtomicBool>,
}

impl Bounded {
    /// `inner` bounded by `timeout` from now; a zero timeout waits for ever.
    pub fn new(inner: Box<dyn Query>, timeout: Option<Duration>) -> Bounded {
        Bounded {
            inner,
            deadline: timeout
                .filter(|t| !t.is_zero())
                .map(|t| (Instant::now() + t, t)),
            stopped: Arc::new(AtomicBool::new(false)),
        }
    }

    /// [`Error::Timeout`] when a scorer stopped at the deadline: what was counted is partial.
    ///
    /// # Errors
    /// As said.
    pub fn check(&self) -> Result<()> {
        match (self.deadline, self.stopped.load(Ordering::Relaxed)) {
            (Some((_, timeout)), true) => Err(Error::Timeout { timeout }),
            _ => Ok(()),
        }
    }
}

impl Clone for Bounded {
    fn clone(&self) -> Bounded {
        Bounded {
            inner: self.inner.box_clone(),
            deadline: self.deadline,
            stopped: self.stopped.clone(),
        }
    }
}

impl Query for Bounded {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(scoring)?;
        Ok(match self.deadline {
            None => inner,
            Some((at, _)) => Box::new(BoundedWeight {
                inner,
                at,
                stopped: self.stopped.clone(),
            }),
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct BoundedWeight {
    inner: Box<dyn Weight>,
    at: Instant,
    stopped: Arc<AtomicBool>,
}

impl Weight for BoundedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        Ok(Box::new(BoundedScorer {
            inner,
            at: self.at,
            stopped: self.stopped.clone(),
            steps: 0,
            done: self.stopped.load(Ordering::Relaxed),
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct BoundedScorer {
    inner: Box<dyn Scorer>,
    at: Instant,
    stopped: Arc<AtomicBool>,
    steps: u32,
    done: bool,
}

impl BoundedScorer {
    /// Whether the deadline has passed (looked at on the first step, then every
    /// [`CHECK_EVERY`]).
    fn expired(&mut self) -> bool {
        let look = self.steps.is_multiple_of(CHECK_EVERY);
        self.steps = self.steps.wrapping_add(1);
        if !self.done && look && Instant::now() >= self.at {
            self.stopped.store(true, Ordering::Relaxed);
            self.done = true;
        }
        self.done
    }
}

impl DocSet for BoundedScorer {
    fn advance(&mut self) -> DocId {
        match self.expired() {
            true => TERMINATED,
            false => self.inner.advance(),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        match self.expired() {
            true => TERMINATED,
            false => self.inner.seek(target),
        }
    }

    fn doc(&self) -> DocId {
        match self.done {
            true => TERMINATED,
            false => self.inner.doc(),
        }
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for BoundedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
