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
//! read: the check is made only for them. A passage's score is the phrase's BM25 as tantivy
//! computes it, which counts the passage's occurrences of the words at those distances.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, Value};
use tantivy::store::StoreReader;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyDocument, Term};

use crate::analysis::Analyzer;
use crate::entities::ENTITY_PREFIX;

/// Stored blocks kept decompressed per segment while checking: candidates come in document
/// order, so the next one is usually in the block just read.
const CACHED_BLOCKS: usize = 4;

/// An exact phrase of the passage text whose words are not all adjacent: `inner` matches the
/// words at their distances, and each passage it finds is checked against its stored text.
#[derive(Debug)]
pub struct GappedPhrase {
    inner: Box<dyn Query>,
    /// The phrase's tokens at their positions: exact words, or `@id` at an entity's first word.
    words: Vec<(usize, String)>,
}

impl GappedPhrase {
    /// The phrase `words` (positions as the index has them), matched by `inner`.
    pub fn new(inner: Box<dyn Query>, words: &[(usize, String)]) -> GappedPhrase {
        let mut words = words.to_vec();
        words.sort_by_key(|(position, _)| *position);
        GappedPhrase { inner, words }
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
        }
    }
}

impl Query for GappedPhrase {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let body = scoring.schema().get_field("body")?;
        Ok(Box::new(GappedWeight {
            inner: self.inner.weight(scoring)?,
            words: self.words.clone(),
            body,
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
}

impl Weight for GappedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorer = GappedScorer {
            inner: self.inner.scorer(reader, boost)?,
            store: reader.get_store_reader(CACHED_BLOCKS)?,
            check: Check {
                words: self.words.clone(),
                body: self.body,
                analyzer: Analyzer::new(),
            },
        };
        let doc = scorer.inner.doc();
        if doc != TERMINATED && !scorer.passes(doc) {
            scorer.advance();
        }
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        self.inner.explain(reader, doc)
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
    fn holds(&mut self, text: &str) -> bool {
        let Some(&(first, _)) = self.words.first() else {
            return false;
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
        at.iter().any(|&(start, _)| {
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
        })
    }
}

struct GappedScorer {
    inner: Box<dyn Scorer>,
    store: StoreReader,
    check: Check,
}

impl GappedScorer {
    /// Whether passage `doc` holds the phrase with its gaps empty; a passage whose text cannot
    /// be read does not.
    fn passes(&mut self, doc: DocId) -> bool {
        let Ok(stored) = self.store.get::<TantivyDocument>(doc) else {
            return false;
        };
        let text = stored
            .get_first(self.check.body)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        self.check.holds(&text)
    }
}

impl DocSet for GappedScorer {
    fn advance(&mut self) -> DocId {
        loop {
            let doc = self.inner.advance();
            if doc == TERMINATED || self.passes(doc) {
                return doc;
            }
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.inner.seek(target);
        if doc == TERMINATED || self.passes(doc) {
            return doc;
        }
        self.advance()
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for GappedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
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

    #[test]
    fn gaps_are_positions_no_word_holds() {
        let words = |ps: &[usize]| ps.iter().map(|p| (*p, "w".to_owned())).collect::<Vec<_>>();
        assert!(GappedPhrase::has_gap(&words(&[0, 2])));
        assert!(GappedPhrase::has_gap(&words(&[3, 0, 1])));
        assert!(!GappedPhrase::has_gap(&words(&[0, 1, 2])));
        assert!(!GappedPhrase::has_gap(&words(&[0, 0, 1])));
    }
}
