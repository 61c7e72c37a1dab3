//! Top-k without scoring every match: block-max pruning over a conjunction of words and
//! phrases.
//!
//! A query the planner can describe as *leaves that must all match* — a word (one or more
//! index terms, any of which matches, their scores summed: the stem, the exact spelling's
//! bonus, an entity's mentions) or an exact phrase — is matched and scored here rather than by
//! tantivy's boolean scorer. A passage's score is the sum of its leaves' scores, in the
//! query's order; a word's score is the sum of its terms' BM25 scores, in order; a phrase's is
//! tantivy's phrase score. That is BM25 as tantivy's boolean query computes it, added up in a
//! fixed order, so a passage scores the same in every segment and in every mode.
//!
//! Each leaf also gives an upper bound of its score:
//!
//! * a word: its exact score for a passage, and the sum of its terms' *block maxima* (the best
//!   score in each block of 128 postings, which tantivy stores beside the postings) for a
//!   block;
//! * a phrase: BM25 with the phrase's weight at the frequency of its rarest word in the
//!   passage (a phrase occurs no more often than any of its words), and the rarest word's
//!   block maximum, with the phrase's weight, for a block.
//!
//! A window of documents whose bounds add up to no more than the threshold (the lowest score
//! of a full top list) is skipped without reading it; a passage whose bound falls short is
//! skipped before positions are read. With no threshold (while matches are being counted)
//! every match is visited: pruning changes what is read, never what is found or how it
//! scores. This is block-max WAND for conjunctions (Ding & Suel 2011), with phrases bounded
//! from their words' blocks. Filters and exclusions (`date:`, `-word`) are checked with the
//! whole query's tantivy scorer, only at the passages that would enter the top list.

use std::time::Instant;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::{BlockSegmentPostings, Postings, SegmentPostings};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, BoostQuery, EnableScoring, PhraseQuery, Query, Scorer,
    Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

use crate::search::plan::Leaf as LeafSpec;

/// How many windows are processed between two looks at the clock.
const CHECK_EVERY: u32 = 64;

/// The leaves' weights for one search, shared by its segments.
pub struct Pruner {
    leaves: Vec<LeafWeight>,
    /// For a query of one unquoted word of the passage text, its one posting list and its
    /// spelling's bonus (see [`OneWord`]).
    one_word: Option<OneWord>,
    /// For a query of several unquoted words of the passage text, their stems' posting lists
    /// and their spellings' bonuses (see [`AllWords`]).
    all_words: Option<AllWords>,
    /// The segments [`Pruner::may_match`] has answered for (a search asks once to count and
    /// once to rank).
    seen: std::sync::Mutex<Vec<(SegmentId, bool)>>,
}

/// A query of several unquoted words that must all match (no alias among them): their stems'
/// posting lists intersected by tantivy's block-max WAND for a conjunction of terms (which
/// skips a window by its blocks' best scores without decoding them), each word's spelling's
/// bonus added at each passage the walk yields. Each bonus is at most its share of its stem's
/// score (see [`OneWord`]), so a passage can beat a threshold only if its stems together score
/// above the threshold divided by the largest `1 + bonus's best / stem's best`. At each such
/// passage every term is read again and the words' scores added in the query's order, as
/// attache's own walk adds them.
struct AllWords {
    /// tantivy's weight of the boolean query requiring every stem.
    stems: Box<dyn Weight>,
    /// Each word's stem and its spelling, with their weights, in the query's order.
    words: Vec<(Weighted, Option<Weighted>)>,
    /// The largest `1 + bonus's best / stem's best`.
    factor: Score,
}

/// A query of one unquoted word, walked by tantivy's block-max WAND for a single term (which
/// skips a block by its best score without decoding it): its leading term's posting list (the
/// stem's, in the stem field, or an alias's entity), with the word's other term (the exact
/// spelling's bonus, or the alias's letters under its entity) added at each passage the walk
/// yields. How much the other term can add bounds what the leading term must score:
///
/// * The spelling's bonus never outgrows its share of the stem's score: a passage holds its
///   spelling no more often than words with its stem, and has as many tokens in the stem field
///   as in the text (`index::schema`), so with BM25's term-frequency factor the same increasing
///   function in both fields, `bonus ≤ stem score × bonus's best / stem's best`. A passage can
///   beat a threshold only if its stem scores above the threshold divided by
///   `1 + bonus's best / stem's best`.
/// * Any other term adds at most its best score; the passages it matches without the leading
///   term are walked after, with the threshold reached by then (for an alias's letters, at a
///   twentieth of their weight, usually no block at all).
struct OneWord {
    /// tantivy's weight of the leading term's query.
    lead: Box<dyn Weight>,
    /// The leading term, to leave its passages out of the second walk.
    lead_term: Term,
    /// The word's other term, if it has one.
    other: Option<OtherTerm>,
}

/// The other term of a [`OneWord`].
struct OtherTerm {
    /// The term and its weight, with its boost.
    term: Weighted,
    /// How its score is bounded by the leading term's.
    bound: Bound,
}

/// See [`OneWord`].
enum Bound {
    /// At most this times the leading term's score, less the leading term's: the spelling.
    Share(Score),
    /// At most this much, whatever the leading term scores; its passages without the leading
    /// term are walked with `walk` (unboosted, its scores multiplied by `boost` to compare).
    Add {
        best: Score,
        walk: Box<dyn Weight>,
        boost: Score,
    },
}

/// A term and its BM25 weight (with its boost).
type Weighted = (Term, Bm25Weight);

/// A leaf's terms, each with the BM25 weight its score or bound is computed with.
struct LeafWeight {
    terms: Vec<(Term, Bm25Weight)>,
    /// For a phrase, tantivy's phrase query (with its boost), which checks the words' positions
    /// and scores the phrase; `None` for a word.
    phrase: Option<Box<dyn Weight>>,
    /// The most passages the leaf can match: a word's terms' passages summed, a phrase's
    /// rarest word's.
    most: u64,
}

/// Whether a run went to the end or stopped at the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Every document that could enter the top list was seen.
    Done,
    /// The deadline passed first.
    TimedOut,
}

impl Pruner {
    /// The weights of `leaves`, with the searcher's statistics: a word's terms each with its
    /// own BM25 weight (as tantivy's term query computes it) times its boost, a phrase's terms
    /// all with the phrase's weight.
    ///
    /// # Errors
    /// A failure reading the index's statistics.
    pub fn new(leaves: &[LeafSpec], searcher: &tantivy::Searcher) -> tantivy::Result<Pruner> {
        // Each statistic is read once: the walk's own term queries ask for them again.
        let statistics = Statistics::new(searcher);
        let scoring = EnableScoring::enabled_from_statistics_provider(&statistics, searcher);
        let leaves = leaves
            .iter()
            .map(|leaf| {
                Ok(match leaf {
                    LeafSpec::Any(terms) => LeafWeight {
                        terms: terms
                            .iter()
                            .map(|(term, boost)| {
                                let one = std::slice::from_ref(term);
                                let weight = Bm25Weight::for_terms(&statistics, one)?;
                                Ok((term.clone(), weight.boost_by(*boost)))
                            })
                            .collect::<tantivy::Result<_>>()?,
                        phrase: None,
                        most: terms.iter().try_fold(0, |sum, (term, _)| {
                            Ok::<_, tantivy::TantivyError>(sum + statistics.doc_freq(term)?)
                        })?,
                    },
                    LeafSpec::Phrase { terms, boost } => {
                        let words: Vec<Term> = terms.iter().map(|(_, t)| t.clone()).collect();
                        let weight = Bm25Weight::for_terms(&statistics, &words)?.boost_by(*boost);
                        let query = PhraseQuery::new_with_offset_and_slop(terms.clone(), 0);
                        let query = BoostQuery::new(Box::new(query), *boost);
                        let most = words.iter().try_fold(u64::MAX, |least, term| {
                            Ok::<_, tantivy::TantivyError>(least.min(statistics.doc_freq(term)?))
                        })?;
                        LeafWeight {
                            terms: words.into_iter().map(|t| (t, weight.clone())).collect(),
                            phrase: Some(query.weight(scoring)?),
                            most,
                        }
                    }
                })
            })
            .collect::<tantivy::Result<Vec<LeafWeight>>>()?;
        let one_word = OneWord::of(&leaves, searcher, &statistics)?;
        let all_words = AllWords::of(&leaves, searcher, &statistics)?;
        Ok(Pruner {
            leaves,
            one_word,
            all_words,
            seen: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The most passages the query can match (its leaves' least).
    pub fn most_matches(&self) -> u64 {
        self.leaves.iter().map(|l| l.most).min().unwrap_or(0)
    }

    /// Whether reading which passages match costs little beside ranking them: the leaves'
    /// own postings say ([`Pruner::matches`]), or the query is one word (its terms' union). A
    /// phrase's passages must each have their positions read, by a count as by the ranking.
    pub fn counts_cheaply(&self) -> bool {
        match self.leaves.as_slice() {
            [leaf] if leaf.phrase.is_none() => true,
            _ => self.matches().is_some(),
        }
    }

    /// A weight matching exactly the passages the leaves match, cheaper to walk than the
    /// whole query's when there is one: a word's stem alone (its spelling only ever occurs
    /// where its stem does), or the words' stems intersected. `None` for an alias's letters
    /// (which match without their entity), phrases, and anything else.
    pub fn matches(&self) -> Option<&dyn Weight> {
        if let Some(one_word) = &self.one_word {
            return match one_word.other.as_ref().map(|o| &o.bound) {
                None | Some(Bound::Share(_)) => Some(one_word.lead.as_ref()),
                Some(Bound::Add { .. }) => None,
            };
        }
        self.all_words.as_ref().map(|all| all.stems.as_ref())
    }

    /// Whether `reader` holds, for every leaf, a term it matches by (a phrase: all its
    /// words): when not, nothing matches there.
    ///
    /// # Errors
    /// A failure reading the segment's dictionaries.
    pub fn may_match(&self, reader: &SegmentReader) -> tantivy::Result<bool> {
        let id = reader.segment_id();
        let known = |seen: &[(SegmentId, bool)]| seen.iter().find(|(s, _)| *s == id).map(|s| s.1);
        if let Some(answer) = known(&self.seen.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(answer);
        }
        let answer = self.holds_every_leaf(reader)?;
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.push((id, answer));
        Ok(answer)
    }

    /// [`Pruner::may_match`], looked up in the segment's dictionaries.
    fn holds_every_leaf(&self, reader: &SegmentReader) -> tantivy::Result<bool> {
        let has = |term: &Term| -> tantivy::Result<bool> {
            Ok(reader
                .inverted_index(term.field())?
                .get_term_info(term)?
                .is_some())
        };
        for leaf in &self.leaves {
            let mut found = leaf.phrase.is_some();
            for (term, _) in &leaf.terms {
                match (leaf.phrase.is_some(), has(term)?) {
                    (true, false) => return Ok(false),
                    (false, true) => {
                        found = true;
                        break;
                    }
                    _ => {}
                }
            }
            if !found {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Calls `callback` with every document of `reader` that matches the leaves (and `check`,
    /// the whole query, when it has filters or exclusions) and scores above the threshold,
    /// which starts at `threshold` and is what `callback` returns; a threshold of minus
    /// infinity visits every match. Deleted documents are left out. Stops at `deadline`.
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn run(
        &self,
        check: Option<&dyn Weight>,
        reader: &SegmentReader,
        mut threshold: Score,
        deadline: Option<Instant>,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<Finished> {
        if let (Some(one_word), None) = (&self.one_word, check) {
            return one_word.run(reader, threshold, deadline, callback);
        }
        if let (Some(all_words), None) = (&self.all_words, check) {
            return all_words.run(reader, threshold, deadline, callback);
        }
        let Some(leaves) = self.open(reader)? else {
            return Ok(Finished::Done);
        };
        // The rarest leaf proposes the candidates; scores add up in the query's order.
        let mut order: Vec<usize> = (0..leaves.len()).collect();
        order.sort_by_key(|&i| leaves[i].cost());
        let leader = order[0];
        let mut segment = Segment {
            exact: vec![0.0; leaves.len()],
            bounds: vec![0.0; leaves.len()],
            leaves,
            order,
            alive: reader.alive_bitset(),
            check: check.map(|weight| Verifier::new(weight, reader)),
            phrases: self
                .leaves
                .iter()
                .map(|leaf| leaf.phrase.as_deref().map(|w| Verifier::new(w, reader)))
                .collect(),
        };
        // While every match is wanted, a leading phrase finds its matches with tantivy's
        // phrase scorer, which reads positions only where all its words are; once there is a
        // threshold, its rarest word proposes passages and only those whose bound may beat it
        // are checked, as other phrases are.
        if let Some(weight) = &self.leaves[leader].phrase {
            segment.leaves[leader].matcher = Some(weight.scorer(reader, 1.0)?);
        }
        let others_max: Score = segment.order[1..]
            .iter()
            .map(|&i| segment.leaves[i].max())
            .sum();
        segment.leaves[leader].update(threshold, others_max);
        let mut target = 0;
        let mut windows = 0_u32;
        loop {
            windows = windows.wrapping_add(1);
            if windows.is_multiple_of(CHECK_EVERY) && deadline.is_some_and(|d| Instant::now() >= d)
            {
                return Ok(Finished::TimedOut);
            }
            let Some((doc, end, others_bound)) = segment.window(target) else {
                return Ok(Finished::Done);
            };
            if !above(others_bound.0 + others_bound.1, threshold) {
                target = end.saturating_add(1);
                continue;
            }
            let mut doc = segment.next(doc, threshold);
            while doc <= end && doc != TERMINATED {
                if let Some(score) = segment.score(doc, threshold, others_bound.1)?
                    && score > threshold
                {
                    let raised = callback(doc, score);
                    if raised != threshold {
                        segment.leaves[leader].update(raised, others_max);
                    }
                    threshold = raised;
                }
                doc = segment.next(doc + 1, threshold);
            }
            target = doc;
        }
    }

    /// Each leaf's cursors in `reader`; `None` when a leaf cannot match there.
    fn open(&self, reader: &SegmentReader) -> tantivy::Result<Option<Vec<Leaf>>> {
        let mut leaves = Vec::with_capacity(self.leaves.len());
        for leaf in &self.leaves {
            let phrase = leaf.phrase.is_some();
            let mut cursors = Vec::with_capacity(leaf.terms.len());
            for (term, weight) in &leaf.terms {
                let field = term.field();
                let postings = reader
                    .inverted_index(field)?
                    .read_block_postings(term, IndexRecordOption::WithFreqs)?;
                match postings {
                    Some(postings) => {
                        let norms = reader.get_fieldnorms_reader(field)?;
                        cursors.push(Cursor::new(postings, norms, weight.clone()));
                    }
                    // A phrase needs all its words; a word's other terms may be there.
                    None if phrase => return Ok(None),
                    None => {}
                }
            }
            if cursors.is_empty() {
                return Ok(None);
            }
            if phrase {
                // The rarest word alone bounds the phrase: walking the common words too
                // (`of`, `the`) would cost more than the positions check that tantivy's
                // phrase scorer makes anyway.
                cursors.sort_by_key(|c| c.postings.doc_freq());
                cursors.truncate(1);
            }
            leaves.push(Leaf {
                cursors,
                matcher: None,
                words: match phrase {
                    true => leaf.terms.len(),
                    false => 1,
                },
            });
        }
        Ok(Some(leaves))
    }
}

impl OneWord {
    /// The one-word walk of `leaves`, when they are one word whose leading term is unboosted
    /// (see [`OneWord`]).
    fn of(
        leaves: &[LeafWeight],
        searcher: &tantivy::Searcher,
        statistics: &Statistics<'_>,
    ) -> tantivy::Result<Option<OneWord>> {
        let [leaf] = leaves else {
            return Ok(None);
        };
        if leaf.phrase.is_some() {
            return Ok(None);
        }
        let (lead, other) = match leaf.terms.as_slice() {
            [lead] => (lead, None),
            [lead, other] => (lead, Some(other)),
            _ => return Ok(None),
        };
        let Some(lead_best) = unboosted_best(statistics, lead)? else {
            return Ok(None);
        };
        let scoring = EnableScoring::enabled_from_statistics_provider(statistics, searcher);
        let walk = |term: &Term| {
            tantivy::query::TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)
                .weight(scoring)
        };
        let schema = searcher.schema();
        let other = match other {
            None => None,
            Some((term, weight)) => {
                let best = weight.max_score();
                let bound =
                    match in_field(schema, &lead.0, "stem") && in_field(schema, term, "text") {
                        true => Bound::Share(1.0 + best / lead_best),
                        false => Bound::Add {
                            best,
                            walk: walk(term)?,
                            boost: best
                                / Bm25Weight::for_terms(statistics, std::slice::from_ref(term))?
                                    .max_score(),
                        },
                    };
                Some(OtherTerm {
                    term: (term.clone(), weight.clone()),
                    bound,
                })
            }
        };
        Ok(Some(OneWord {
            lead: walk(&lead.0)?,
            lead_term: lead.0.clone(),
            other,
        }))
    }

    /// [`Pruner::run`] for one word.
    fn run(
        &self,
        reader: &SegmentReader,
        mut threshold: Score,
        deadline: Option<Instant>,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<Finished> {
        let mut other = match &self.other {
            Some(o) => TermAt::open(reader, &o.term)?,
            None => None,
        };
        let alive = reader.alive_bitset();
        // What the leading term must score above for the passage to beat `threshold`.
        let lower = |threshold: Score| match self.other.as_ref().map(|o| &o.bound) {
            None => threshold,
            Some(Bound::Share(factor)) => divided(threshold, *factor),
            Some(Bound::Add { best, .. }) => lessened(threshold, *best),
        };
        let mut clock = Clock::new(deadline);
        self.lead
            .for_each_pruning(lower(threshold), reader, &mut |doc, lead| {
                if clock.stopped() {
                    return Score::INFINITY;
                }
                if alive.is_some_and(|set| !set.is_alive(doc)) {
                    return lower(threshold);
                }
                let mut score = lead;
                if let Some(more) = other.as_mut().and_then(|o| o.score(doc)) {
                    score += more;
                }
                if score > threshold {
                    threshold = callback(doc, score);
                }
                lower(threshold)
            })?;
        // The other term's passages without the leading term, when it may match alone and
        // score above the threshold reached (for an alias's letters, seldom once the list is
        // full).
        if let (Some(o), false) = (&self.other, clock.stopped())
            && let Bound::Add { walk, boost, best } = &o.bound
            && above(*best, threshold)
            && let Some(mut alone) = TermAt::open(reader, &o.term)?
        {
            let mut lead =
                postings_of(reader, &self.lead_term)?.unwrap_or_else(SegmentPostings::empty);
            let unboosted = |threshold: Score| divided(threshold, *boost);
            walk.for_each_pruning(unboosted(threshold), reader, &mut |doc, _| {
                if clock.stopped() {
                    return Score::INFINITY;
                }
                if lead.doc() < doc {
                    lead.seek(doc);
                }
                if lead.doc() == doc || alive.is_some_and(|set| !set.is_alive(doc)) {
                    return unboosted(threshold);
                }
                if let Some(score) = alone.score(doc)
                    && score > threshold
                {
                    threshold = callback(doc, score);
                }
                unboosted(threshold)
            })?;
        }
        Ok(clock.finished())
    }
}

/// A term's postings in one segment, scored at passages taken in increasing order.
struct TermAt<'w> {
    postings: SegmentPostings,
    norms: FieldNormReader,
    weight: &'w Bm25Weight,
}

impl<'w> TermAt<'w> {
    /// The term's postings in `reader`; `None` when the segment lacks it.
    fn open(reader: &SegmentReader, (term, weight): &'w Weighted) -> tantivy::Result<Option<Self>> {
        let Some(postings) = postings_of(reader, term)? else {
            return Ok(None);
        };
        let norms = reader.get_fieldnorms_reader(term.field())?;
        Ok(Some(TermAt {
            postings,
            norms,
            weight,
        }))
    }

    /// The term's score at `doc` (at or after the last passage asked), if it is there.
    fn score(&mut self, doc: DocId) -> Option<Score> {
        if self.postings.doc() < doc {
            self.postings.seek(doc);
        }
        (self.postings.doc() == doc).then(|| {
            self.weight
                .score(self.norms.fieldnorm_id(doc), self.postings.term_freq())
        })
    }
}

/// What a part of a score must exceed for the whole, at most `factor` times the part, to
/// exceed `threshold`, with room for rounding.
fn divided(threshold: Score, factor: Score) -> Score {
    match threshold {
        Score::NEG_INFINITY => Score::NEG_INFINITY,
        t => t / (factor * (1.0 + 1e-5)) - 1e-6,
    }
}

/// What a part of a score must exceed for the whole, at most `more` above the part, to exceed
/// `threshold`, with room for rounding.
fn lessened(threshold: Score, more: Score) -> Score {
    match threshold {
        Score::NEG_INFINITY => Score::NEG_INFINITY,
        t => t - more * (1.0 + 1e-5) - 1e-6,
    }
}

/// The best score of a term's weight when it carries no boost; `None` when it does.
fn unboosted_best(
    statistics: &Statistics<'_>,
    (term, weight): &Weighted,
) -> tantivy::Result<Option<Score>> {
    let best = Bm25Weight::for_terms(statistics, std::slice::from_ref(term))?.max_score();
    Ok((best == weight.max_score()).then_some(best))
}

/// Whether `term` is of the field named `name`.
fn in_field(schema: &tantivy::schema::Schema, term: &Term, name: &str) -> bool {
    schema.get_field_name(term.field()) == name
}

impl AllWords {
    /// The walk of `leaves`, when they are two words or more, each an unboosted stem with or
    /// without its spelling (see [`AllWords`]).
    fn of(
        leaves: &[LeafWeight],
        searcher: &tantivy::Searcher,
        statistics: &Statistics<'_>,
    ) -> tantivy::Result<Option<AllWords>> {
        if leaves.len() < 2 {
            return Ok(None);
        }
        let schema = searcher.schema();
        let mut words = Vec::with_capacity(leaves.len());
        let mut factor: Score = 1.0;
        for leaf in leaves {
            let (stem, spelling) = match (&leaf.phrase, leaf.terms.as_slice()) {
                (None, [stem]) => (stem, None),
                (None, [stem, spelling]) if in_field(schema, &spelling.0, "text") => {
                    (stem, Some(spelling))
                }
                _ => return Ok(None),
            };
            let best = match in_field(schema, &stem.0, "stem") {
                true => unboosted_best(statistics, stem)?,
                false => None,
            };
            let Some(best) = best else {
                return Ok(None);
            };
            if let Some((_, weight)) = spelling {
                factor = factor.max(1.0 + weight.max_score() / best);
            }
            words.push((stem.clone(), spelling.cloned()));
        }
        let scoring = EnableScoring::enabled_from_statistics_provider(statistics, searcher);
        let clauses = words
            .iter()
            .map(|((term, _), _)| {
                let query =
                    tantivy::query::TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                (
                    tantivy::query::Occur::Must,
                    Box::new(query) as Box<dyn Query>,
                )
            })
            .collect();
        Ok(Some(AllWords {
            stems: tantivy::query::BooleanQuery::new(clauses).weight(scoring)?,
            words,
            factor,
        }))
    }

    /// [`Pruner::run`] for several words.
    fn run(
        &self,
        reader: &SegmentReader,
        mut threshold: Score,
        deadline: Option<Instant>,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<Finished> {
        // Each word's stem and spelling (`None` for a spelling the segment lacks).
        let mut words = Vec::with_capacity(self.words.len());
        for (stem, spelling) in &self.words {
            let Some(stem) = TermAt::open(reader, stem)? else {
                return Ok(Finished::Done);
            };
            let spelling = match spelling {
                Some(spelling) => TermAt::open(reader, spelling)?,
                None => None,
            };
            words.push((stem, spelling));
        }
        let alive = reader.alive_bitset();
        let lower = |threshold: Score| divided(threshold, self.factor);
        let mut clock = Clock::new(deadline);
        self.stems
            .for_each_pruning(lower(threshold), reader, &mut |doc, _| {
                if clock.stopped() {
                    return Score::INFINITY;
                }
                if alive.is_some_and(|set| !set.is_alive(doc)) {
                    return lower(threshold);
                }
                let mut total = 0.0;
                for (stem, spelling) in &mut words {
                    let mut word = stem.score(doc).unwrap_or(0.0);
                    if let Some(bonus) = spelling.as_mut().and_then(|s| s.score(doc)) {
                        word += bonus;
                    }
                    total += word;
                }
                if total > threshold {
                    threshold = callback(doc, total);
                }
                lower(threshold)
            })?;
        Ok(clock.finished())
    }
}

/// The searcher's statistics for BM25, each read once (a term's passages are summed over the
/// segments' dictionaries at each read).
struct Statistics<'a> {
    searcher: &'a tantivy::Searcher,
    doc_freqs: std::cell::RefCell<std::collections::HashMap<Term, u64>>,
}

impl<'a> Statistics<'a> {
    fn new(searcher: &'a tantivy::Searcher) -> Statistics<'a> {
        Statistics {
            searcher,
            doc_freqs: Default::default(),
        }
    }
}

impl tantivy::query::Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = self.doc_freqs.borrow().get(term) {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.doc_freqs.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}

/// A term's postings in a segment, with frequencies; `None` when the segment lacks it.
fn postings_of(reader: &SegmentReader, term: &Term) -> tantivy::Result<Option<SegmentPostings>> {
    Ok(reader
        .inverted_index(term.field())?
        .read_postings(term, IndexRecordOption::WithFreqs)?)
}

/// Looks at the clock every few calls, and remembers when the deadline has passed.
struct Clock {
    deadline: Option<Instant>,
    calls: u32,
    stopped: bool,
}

impl Clock {
    fn new(deadline: Option<Instant>) -> Clock {
        Clock {
            deadline,
            calls: 0,
            stopped: false,
        }
    }

    /// How the walk ended.
    fn finished(&self) -> Finished {
        match self.stopped {
            true => Finished::TimedOut,
            false => Finished::Done,
        }
    }

    /// Whether the deadline has passed, by the last look.
    fn stopped(&mut self) -> bool {
        self.calls = self.calls.wrapping_add(1);
        if !self.stopped && self.calls.is_multiple_of(CHECK_EVERY * 16) {
            self.stopped = self.deadline.is_some_and(|d| Instant::now() >= d);
        }
        self.stopped
    }
}

/// Whether a bound can still beat the threshold, allowing for the rounding of sums taken in
/// another order.
fn above(bound: Score, threshold: Score) -> bool {
    bound + bound.abs() * 1e-5 + 1e-6 > threshold
}

/// One segment's leaves during a run.
struct Segment<'a> {
    leaves: Vec<Leaf>,
    /// The leaves, the leader (the cheapest) first.
    order: Vec<usize>,
    /// Each leaf's score at the passage being scored.
    exact: Vec<Score>,
    /// Each leaf's bound over the current window.
    bounds: Vec<Score>,
    alive: Option<&'a tantivy::fastfield::AliveBitSet>,
    /// The whole query, when it narrows the leaves' matches.
    check: Option<Verifier<'a>>,
    /// Each phrase leaf's scorer, to check positions at a passage.
    phrases: Vec<Option<Verifier<'a>>>,
}

impl Segment<'_> {
    /// The window from the leader's first document from `target` on: that document, the
    /// window's last, and the bounds of the leader and of the other leaves over it; `None`
    /// when a leaf has no more documents.
    fn window(&mut self, target: DocId) -> Option<(DocId, DocId, (Score, Score))> {
        let (leader, others) = self.order.split_first()?;
        let doc = self.leaves[*leader].seek(target);
        if doc == TERMINATED {
            return None;
        }
        let (leader_bound, mut end) = self.leaves[*leader].block(doc);
        let mut others_bound = 0.0;
        for &i in others {
            if self.leaves[i].seek(doc) == TERMINATED {
                return None;
            }
            let (bound, last) = self.leaves[i].block(doc);
            self.bounds[i] = bound;
            others_bound += bound;
            end = end.min(last);
        }
        Some((doc, end, (leader_bound, others_bound)))
    }

    /// The leader's next candidate from `target` on: its next match while every match is
    /// wanted, else its next posting.
    fn next(&mut self, target: DocId, threshold: Score) -> DocId {
        let leader = &mut self.leaves[self.order[0]];
        match threshold {
            Score::NEG_INFINITY => leader.next_match(target),
            _ => leader.seek(target),
        }
    }

    /// The score of `doc`, where the leader stands, if it matches and may beat `threshold`;
    /// `others_bound` is the other leaves' bound over the window.
    fn score(
        &mut self,
        doc: DocId,
        threshold: Score,
        others_bound: Score,
    ) -> tantivy::Result<Option<Score>> {
        let (leader, others) = self.order.split_first().expect("a pruned query has leaves");
        let Some((first, scored)) = self.leaves[*leader].bound_at(doc) else {
            return Ok(None);
        };
        // Each leaf's bound at the passage replaces its block bound, leaf by leaf.
        let mut bound = first + others_bound;
        self.exact[*leader] = first;
        for &i in others {
            if !above(bound, threshold) || self.leaves[i].seek(doc) != doc {
                return Ok(None);
            }
            let Some((at, _)) = self.leaves[i].bound_at(doc) else {
                return Ok(None);
            };
            bound += at - self.bounds[i];
            self.exact[i] = at;
        }
        if !above(bound, threshold) || self.alive.is_some_and(|set| !set.is_alive(doc)) {
            return Ok(None);
        }
        // A phrase's bound becomes its score once its positions are checked.
        for &i in &self.order {
            if i == *leader && scored {
                continue;
            }
            if let Some(verifier) = &mut self.phrases[i] {
                let Some(score) = verifier.score(doc)? else {
                    return Ok(None);
                };
                bound += score - self.exact[i];
                self.exact[i] = score;
                if !above(bound, threshold) {
                    return Ok(None);
                }
            }
        }
        if let Some(check) = &mut self.check
            && check.score(doc)?.is_none()
        {
            return Ok(None);
        }
        Ok(Some(self.exact.iter().sum()))
    }
}

/// A term's postings, block by block, with the term's BM25 weight.
struct Cursor {
    postings: BlockSegmentPostings,
    /// The current document's index in the loaded block.
    index: usize,
    doc: DocId,
    norms: FieldNormReader,
    weight: Bm25Weight,
    /// The best score the term can give any passage.
    max: Score,
    /// Whether the cursor only adds to passages others propose (see `Leaf::update`).
    lazy: bool,
}

impl Cursor {
    fn new(
        mut postings: BlockSegmentPostings,
        norms: FieldNormReader,
        weight: Bm25Weight,
    ) -> Cursor {
        let index = postings.seek(0);
        let mut cursor = Cursor {
            postings,
            index,
            doc: TERMINATED,
            norms,
            max: weight.max_score(),
            weight,
            lazy: false,
        };
        cursor.doc = cursor.current();
        cursor
    }

    fn current(&self) -> DocId {
        match self.index < self.postings.block_len() {
            true => self.postings.doc(self.index),
            false => TERMINATED,
        }
    }

    /// The first document from `target` on.
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        // Within the loaded block (the common case, often the next posting), step there
        // without going through the skip list.
        let docs = self.postings.docs();
        if docs.last().is_some_and(|&last| last >= target) {
            let next = self.index + 1;
            self.index = match docs.get(next) {
                Some(&doc) if doc >= target => next,
                _ => next + docs[next..].partition_point(|&d| d < target),
            };
            self.doc = docs[self.index];
            return self.doc;
        }
        self.index = self.postings.seek(target);
        self.doc = self.current();
        self.doc
    }

    /// The last document of the current block.
    fn last_in_block(&self) -> DocId {
        match self.postings.block_len() {
            0 => TERMINATED,
            n => self.postings.doc(n - 1),
        }
    }

    /// The best score in the current block (an upper bound).
    fn block_max(&mut self) -> Score {
        self.postings.block_max_score(&self.norms, &self.weight)
    }

    /// The score at the current document.
    fn score(&self) -> Score {
        let freq = self.postings.freq(self.index);
        self.weight.score(self.norms.fieldnorm_id(self.doc), freq)
    }
}

/// One leaf's cursors in a segment: a word's terms, or a phrase's rarest word.
struct Leaf {
    cursors: Vec<Cursor>,
    /// For a phrase that leads the search, tantivy's phrase scorer, which finds its matches
    /// and scores them.
    matcher: Option<Box<dyn Scorer>>,
    /// How many words the leaf's phrase has (1 for a word).
    words: usize,
}

impl Leaf {
    /// What leading costs: a word reads a posting per passage that holds it; a phrase, while
    /// matches are counted, has tantivy's phrase scorer read the positions of each of its words
    /// in every passage that holds its rarest word and the others, so its rarest word's
    /// passages count once per word. A word leads a phrase of words about as common as it
    /// (`"international law" aggression`: 0.84 against 1.68 ms when the phrase led, and
    /// `"South Africa" sanctions` 0.57 against 1.52), and a phrase of rarer words leads a
    /// common word (`"Middle East" peace`).
    fn cost(&self) -> u64 {
        let postings: u64 = self
            .cursors
            .iter()
            .map(|c| u64::from(c.postings.doc_freq()))
            .sum();
        match self.words {
            1 => postings,
            words => postings * words as u64,
        }
    }

    /// The best score the leaf can give any passage.
    fn max(&self) -> Score {
        self.cursors.iter().map(|c| c.max).sum()
    }

    /// Lets the terms that cannot lift a passage above `threshold` on their own, with
    /// `others` (the other leaves' best) and the weaker terms, stop proposing passages: they
    /// are read only at the passages the others propose (MaxScore, Turtle & Flood 1995). A
    /// word's exact spelling's bonus and an alias's letters under its entity usually go lazy
    /// as soon as the top list fills.
    fn update(&mut self, threshold: Score, others: Score) {
        let mut order: Vec<usize> = (0..self.cursors.len()).collect();
        order.sort_by(|&a, &b| self.cursors[a].max.total_cmp(&self.cursors[b].max));
        let mut sum = others;
        for (rank, &i) in order.iter().enumerate() {
            sum += self.cursors[i].max;
            // The strongest term always proposes.
            self.cursors[i].lazy = rank + 1 < order.len() && !above(sum, threshold);
        }
    }

    /// The first document from `target` on where the leaf may match, by its cursors that
    /// propose passages.
    fn seek(&mut self, target: DocId) -> DocId {
        self.cursors
            .iter_mut()
            .filter(|c| !c.lazy)
            .map(|c| c.seek(target))
            .min()
            .unwrap_or(TERMINATED)
    }

    /// The first document from `target` on where the leaf matches, for the leader: a phrase's
    /// next match, a word's next posting.
    fn next_match(&mut self, target: DocId) -> DocId {
        match &mut self.matcher {
            Some(matcher) if matcher.doc() < target => matcher.seek(target),
            Some(matcher) => matcher.doc(),
            None => self.seek(target),
        }
    }

    /// The leaf's bound over its cursors' blocks from `start` on, and the last document they
    /// cover.
    fn block(&mut self, start: DocId) -> (Score, DocId) {
        let mut end = TERMINATED;
        let mut bound: Score = 0.0;
        for cursor in &mut self.cursors {
            if cursor.lazy {
                // A lazy term is not walked: brought to the window to bound it.
                cursor.seek(start);
            }
            if cursor.doc == TERMINATED {
                continue;
            }
            end = end.min(cursor.last_in_block());
            bound += cursor.block_max();
        }
        (bound, end)
    }

    /// The leaf's bound at `doc`, where its cursors stand at `doc` or after, and whether a
    /// phrase's matcher has scored it there; `None` when it does not match there. A word's
    /// bound is its score.
    fn bound_at(&mut self, doc: DocId) -> Option<(Score, bool)> {
        if let Some(matcher) = &mut self.matcher
            && matcher.doc() == doc
        {
            return Some((matcher.score(), true));
        }
        let mut bound: Option<Score> = None;
        for cursor in &mut self.cursors {
            if cursor.lazy {
                cursor.seek(doc);
            }
            if cursor.doc == doc {
                let score = cursor.score();
                bound = Some(bound.map_or(score, |b| b + score));
            }
        }
        bound.map(|b| (b, false))
    }
}

/// Checks candidates with a tantivy scorer, in increasing document order, without moving it
/// past them (`seek_danger`).
pub(crate) struct Verifier<'a> {
    weight: &'a dyn Weight,
    reader: &'a SegmentReader,
    scorer: Option<Box<dyn Scorer>>,
    /// No match below this document (from the last miss).
    bound: DocId,
}

/// The best score at `doc` among the verifiers that match there (the readings of one bonus),
/// if any does.
pub(crate) fn best_at(
    verifiers: &mut [Verifier<'_>],
    doc: DocId,
) -> tantivy::Result<Option<Score>> {
    let mut best: Option<Score> = None;
    for verifier in verifiers {
        if let Some(score) = verifier.score(doc)? {
            best = Some(best.map_or(score, |b| b.max(score)));
        }
    }
    Ok(best)
}

impl<'a> Verifier<'a> {
    pub(crate) fn new(weight: &'a dyn Weight, reader: &'a SegmentReader) -> Verifier<'a> {
        Verifier {
            weight,
            reader,
            scorer: None,
            bound: 0,
        }
    }

    /// The scorer's score at `doc`, if it matches.
    pub(crate) fn score(&mut self, doc: DocId) -> tantivy::Result<Option<Score>> {
        if doc < self.bound {
            return Ok(None);
        }
        let found = match &mut self.scorer {
            Some(scorer) => scorer.seek_danger(doc),
            None => {
                let (found, scorer) = self.weight.scorer_danger(self.reader, doc, 1.0)?;
                self.scorer = Some(scorer);
                found
            }
        };
        match found {
            SeekDangerResult::Found => Ok(self.scorer.as_mut().map(|s| s.score())),
            SeekDangerResult::SeekLowerBound(bound) => {
                self.bound = bound;
                Ok(None)
            }
        }
    }
}
