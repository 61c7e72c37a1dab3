//! Exact phrases typed with their punctuation (`"security, guarantee"`), checked against the
//! passage's own text.
//!
//! The index keeps a clause break as one empty position and a sentence end as 96 (see
//! `analysis::sentences`), so the phrase's words stand at the distance its punctuation puts
//! them. An empty position is no token, though: tantivy's phrase query matches any word standing
//! there as well, and `"security, guarantee"` found "security and guarantee" and "security will
//! guarantee". A phrase with such a gap therefore keeps only the passages where, read again from
//! the stored text with the analysis that indexed it, the phrase's words stand at their places
//! and no word stands in its gaps. Such phrases are rare and each candidate costs a stored-text
//! read: the check is made only for them. A passage's score is the phrase's BM25 with the
//! weight tantivy's phrase query gives it, over the occurrences the check finds (not every
//! occurrence of the words at those distances).
//!
//! A search's deadline reaches the scorer through [`deadline_scope`]: the collector looks at
//! the clock between the matches it is given, but a long run of candidates that fail the check
//! gives it none, so the scorer looks too. Past the deadline it ends its walk, and
//! [`deadline_scope`] says so: the search is then timed out, never answered from a partial
//! walk.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, Value};
use tantivy::store::StoreReader;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::analysis::Analyzer;
use crate::entities::ENTITY_PREFIX;

/// Stored blocks kept decompressed per segment while checking: candidates come in document
/// order, so the next one is usually in the block just read.
const CACHED_BLOCKS: usize = 4;

/// Candidates checked between two looks at the clock.
const CHECK_EVERY: u32 = 64;

/// A search's deadline, and whether a scorer stopped at it: shared by the weights a search
/// creates and their scorers, which may run on other threads (`--threads`).
#[derive(Debug, Clone)]
struct Deadline {
    at: Instant,
    stopped: Arc<AtomicBool>,
}

thread_local! {
    /// The deadline of the search running on this thread, for the weights it creates.
    static DEADLINE: RefCell<Option<Deadline>> = const { RefCell::new(None) };
}

/// Runs `f` with `deadline` as the deadline of the gapped phrases whose weights it creates;
/// also returns whether one of their scorers stopped at it (its matches are then incomplete).
pub fn deadline_scope<T>(deadline: Option<Instant>, f: impl FnOnce() -> T) -> (T, bool) {
    let stopped = Arc::new(AtomicBool::new(false));
    let scope = deadline.map(|at| Deadline {
        at,
        stopped: Arc::clone(&stopped),
    });
    let before = DEADLINE.replace(scope);
    let out = f();
    DEADLINE.set(before);
    (out, stopped.load(Ordering::Relaxed))
}

/// An exact phrase of the passage text whose words are not all adjacent: `inner` matches the
/// words at their distances, and each passage it finds is checked against its stored text.
#[derive(Debug)]
pub struct GappedPhrase {
    inner: Box<dyn Query>,
    /// The phrase's tokens at their positions: exact words, or `@id` at an entity's first word.
    words: Vec<(usize, String)>,
    /// The phrase's terms, for its BM25 weight.
    terms: Vec<Term>,
}

impl GappedPhrase {
    /// The phrase `words` (positions as the index has them) of the terms `terms`, matched by
    /// `inner`.
    pub fn new(inner: Box<dyn Query>, words: &[(usize, String)], terms: Vec<Term>) -> GappedPhrase {
        let mut words = words.to_vec();
        words.sort_by_key(|(position, _)| *position);
        GappedPhrase {
            inner,
            words,
            terms,
        }
    }

    /// Whether the positions of `words` leave a gap: a position between the first and the last
    /// that no word holds.
    pub fn has_gap(words: &[(usize, String)]) -> bool {
        let mut positions: Vec<usize> = words.iter().map(|(p, _)| *p).collect();
        positions.sort_unstable();
        positions.dedup();
        positions.windows(2).any(|w| w[1] > w[0] + 1)
    }
}

impl Clone for GappedPhrase {
    fn clone(&self) -> GappedPhrase {
        GappedPhrase {
            inner: self.inner.box_clone(),
            words: self.words.clone(),
            terms: self.terms.clone(),
        }
    }
}

impl Query for GappedPhrase {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let body = scoring.schema().get_field("body")?;
        // The weight tantivy's phrase query computes for the same terms.
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } if !self.terms.is_empty() => {
                Some(Bm25Weight::for_terms(statistics_provider, &self.terms)?)
            }
            _ => None,
        };
        Ok(Box::new(GappedWeight {
            inner: self.inner.weight(scoring)?,
            words: self.words.clone(),
            body,
            bm25,
            field: self.terms.first().map(Term::field),
            deadline: DEADLINE.with_borrow(Clone::clone),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct GappedWeight {
    inner: Box<dyn Weight>,
    words: Vec<(usize, String)>,
    body: Field,
    /// The phrase's BM25 weight, when scoring.
    bm25: Option<Bm25Weight>,
    /// The field of the phrase's terms, whose lengths BM25 reads.
    field: Option<Field>,
    deadline: Option<Deadline>,
}

impl GappedWeight {
    fn gapped_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<GappedScorer> {
        let fieldnorms = match (&self.bm25, self.field) {
            (Some(_), Some(field)) => reader.fieldnorms_readers().get_field(field)?,
            _ => None,
        };
        let mut scorer = GappedScorer {
            inner: self.inner.scorer(reader, boost)?,
            store: reader.get_store_reader(CACHED_BLOCKS)?,
            check: Check {
                words: self.words.clone(),
                body: self.body,
                analyzer: Analyzer::new(),
            },
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            fieldnorms: fieldnorms
                .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)),
            occurrences: 0,
            deadline: self.deadline.clone(),
            checked: 0,
            stopped: false,
        };
        let doc = scorer.inner.doc();
        if doc != TERMINATED && !scorer.passes(doc) {
            scorer.advance();
        }
        Ok(scorer)
    }
}

impl Weight for GappedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.gapped_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.gapped_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let score = scorer.score();
        let Some(bm25) = &scorer.bm25 else {
            return self.inner.explain(reader, doc);
        };
        let fieldnorm_id = scorer.fieldnorms.fieldnorm_id(doc);
        let mut explanation = Explanation::new("Phrase Scorer", score);
        explanation.add_detail(bm25.explain(fieldnorm_id, scorer.occurrences));
        Ok(explanation)
    }
}

/// What a passage must hold: the phrase's words at their places and nothing in its gaps.
struct Check {
    /// The phrase's tokens at their positions, sorted by position.
    words: Vec<(usize, String)>,
    body: Field,
    analyzer: Analyzer,
}

impl Check {
    /// Whether `text` holds the phrase with its gaps empty.
    #[cfg(test)]
    fn holds(&mut self, text: &str) -> bool {
        self.occurrences(text) > 0
    }

    /// How many times `text` holds the phrase with its gaps empty.
    fn occurrences(&mut self, text: &str) -> u32 {
        let Some(&(first, _)) = self.words.first() else {
            return 0;
        };
        let last = self.words.last().map_or(first, |(p, _)| *p);
        let mut at: Vec<(usize, String)> = Vec::new();
        self.analyzer
            .for_each_word(text, |w| at.push((w.position, w.exact.to_owned())));
        let word_at = |position: usize| -> Option<&str> {
            at.binary_search_by_key(&position, |(p, _)| *p)
                .ok()
                .map(|i| at[i].1.as_str())
        };
        let found = at.iter().filter(|&&(start, _)| {
            // The phrase placed with its first word at this one.
            let place = |p: usize| start + (p - first);
            let words_there = self.words.iter().all(|(p, token)| {
                match (word_at(place(*p)), token.starts_with(ENTITY_PREFIX)) {
                    (Some(_), true) => true,
                    (Some(word), false) => word == token,
                    (None, _) => false,
                }
            });
            let gaps_empty = (first..=last)
                .filter(|p| !self.words.iter().any(|(q, _)| q == p))
                .all(|p| word_at(place(p)).is_none());
            words_there && gaps_empty
        });
        u32::try_from(found.count()).unwrap_or(u32::MAX)
    }
}

struct GappedScorer {
    inner: Box<dyn Scorer>,
    store: StoreReader,
    check: Check,
    /// The phrase's weight with the boost, when scoring.
    bm25: Option<Bm25Weight>,
    fieldnorms: FieldNormReader,
    /// The current passage's occurrences of the phrase.
    occurrences: u32,
    deadline: Option<Deadline>,
    /// Candidates checked since the clock was last read.
    checked: u32,
    /// Whether the walk ended at the deadline.
    stopped: bool,
}

impl GappedScorer {
    /// Whether the deadline has passed, looked at once every [`CHECK_EVERY`] candidates.
    fn past_deadline(&mut self) -> bool {
        self.checked += 1;
        if self.checked < CHECK_EVERY {
            return false;
        }
        self.checked = 0;
        let Some(deadline) = &self.deadline else {
            return false;
        };
        let past = Instant::now() >= deadline.at;
        if past {
            deadline.stopped.store(true, Ordering::Relaxed);
        }
        past
    }

    /// Whether passage `doc` holds the phrase with its gaps empty, remembering how often; a
    /// passage whose text cannot be read does not.
    fn passes(&mut self, doc: DocId) -> bool {
        let Ok(stored) = crate::index::documents::stored_document(&self.store, doc) else {
            return false;
        };
        let text = stored
            .get_first(self.check.body)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        self.occurrences = self.check.occurrences(&text);
        self.occurrences > 0
    }
}

impl DocSet for GappedScorer {
    fn advance(&mut self) -> DocId {
        loop {
            let doc = self.inner.advance();
            if doc == TERMINATED || self.passes(doc) {
                return doc;
            }
            if self.past_deadline() {
                self.stopped = true;
                return TERMINATED;
            }
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        let doc = self.inner.seek(target);
        if doc == TERMINATED || self.passes(doc) {
            return doc;
        }
        self.advance()
    }

    fn doc(&self) -> DocId {
        match self.stopped {
            true => TERMINATED,
            false => self.inner.doc(),
        }
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for GappedScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => {
                let doc = self.inner.doc();
                bm25.score(self.fieldnorms.fieldnorm_id(doc), self.occurrences)
            }
            None => self.inner.score(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(words: &[(usize, &str)]) -> Check {
        Check {
            words: words.iter().map(|(p, w)| (*p, (*w).to_owned())).collect(),
            body: Field::from_field_id(0),
            analyzer: Analyzer::new(),
        }
    }

    #[test]
    fn a_gap_holds_the_punctuation_typed_and_no_word() {
        // "security, guarantee": a clause break leaves one empty position.
        let mut comma = check(&[(0, "security"), (2, "guarantee")]);
        assert!(comma.holds("peace and security, guarantee justice"));
        assert!(comma.holds("security; guarantee"));
        assert!(!comma.holds("security and guarantee"));
        assert!(!comma.holds("security will guarantee, security"));
        assert!(!comma.holds("security guarantee"));
        // A sentence end leaves 96.
        let mut sentence = check(&[(0, "war"), (97, "the")]);
        assert!(sentence.holds("It was war. The end came."));
        assert!(!sentence.holds("It was war, the end came."));
    }

    /// Past its deadline, a walk through candidates that fail the check ends, and says so.
    #[test]
    fn past_the_deadline_the_walk_stops_and_says_so() {
        use crate::index::IndexDir;
        use crate::search::{SearchRequest, Searcher};
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        // 200 passages where a word stands between two "of", then one with a comma there.
        let mut lines: Vec<String> = (0..200)
            .map(|i| {
                serde_json::json!({"id": format!("n{i:03}"), "date": "2020",
                    "body": format!("A cup of tea of town {i} was cold and sweet.")})
                .to_string()
            })
            .collect();
        lines.push(
            serde_json::json!({"id": "z", "date": "2020",
                "body": "The question is one of, of all things, patience."})
            .to_string(),
        );
        std::fs::write(corpus.join("many.jsonl"), lines.join("\n") + "\n").unwrap();
        let dir = IndexDir::new(tmp.path().join("index"));
        crate::index::build::testing::index(&dir, &corpus);
        let mut searcher = Searcher::open(&dir).unwrap();
        let plan = searcher
            .plan(&SearchRequest::new("\"of, of\"", 10))
            .unwrap();
        let tantivy = searcher.reader().searcher();
        let count = |deadline| {
            deadline_scope(deadline, || {
                tantivy
                    .search(plan.query.as_ref(), &tantivy::collector::Count)
                    .unwrap()
            })
        };
        assert_eq!(count(None), (1, false));
        let far = Instant::now() + std::time::Duration::from_secs(3600);
        assert_eq!(count(Some(far)), (1, false));
        let past = Instant::now();
        std::thread::sleep(std::time::Duration::from_millis(1));
        assert_eq!(count(Some(past)), (0, true));
        // A scorer walking on another thread (`--threads`) reports its stop too.
        let (_, stopped) = deadline_scope(Some(past), || {
            let scoring = EnableScoring::enabled_from_searcher(&tantivy);
            let weight = plan.query.weight(scoring).unwrap();
            std::thread::scope(|s| {
                s.spawn(|| {
                    let mut scorer = weight.scorer(tantivy.segment_reader(0), 1.0).unwrap();
                    while scorer.doc() != TERMINATED {
                        scorer.advance();
                    }
                });
            });
        });
        assert!(stopped);
    }

    #[test]
    fn gaps_are_positions_no_word_holds() {
        let words = |ps: &[usize]| ps.iter().map(|p| (*p, "w".to_owned())).collect::<Vec<_>>();
        assert!(GappedPhrase::has_gap(&words(&[0, 2])));
        assert!(GappedPhrase::has_gap(&words(&[3, 0, 1])));
        assert!(!GappedPhrase::has_gap(&words(&[0, 1, 2])));
        assert!(!GappedPhrase::has_gap(&words(&[0, 0, 1])));
    }
}
