//! Sloppy phrases of three words or more (`"iraq kuwait invasion"~3`, and the words-together
//! bonus of a three-word query), matched the same way in every segment.
//!
//! tantivy's phrase scorer reads a phrase's words in the order of their rarity in the segment
//! and carries the slop spent from word to word in that order, so with three words or more the
//! same passage matched in one segment and not in another: `"iraq kuwait invasion"~3` found 20
//! passages in an index of the UN General Debate corpus and 5 in the same corpus split by year,
//! and counting it (which tantivy checks without carrying the slop) disagreed with the hits.
//! Here a match is defined on the words alone: one occurrence of each word, shifted back by
//! its place in the phrase, all within `slop` positions of each other — for two words exactly
//! tantivy's rule. A passage's count of matches is its phrase frequency for BM25, as tantivy's.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, TantivyError, Term,
};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::analysis::STEM_PREFIX;

/// Words at their offsets in one field, within `slop` positions of where an exact phrase
/// would put them.
#[derive(Clone, Debug)]
pub struct SloppyPhrase {
    field: Field,
    terms: Vec<(usize, Term)>,
    slop: u32,
    /// The field of the words' stems, when a term `~stem` stands for every word with that
    /// stem (see [`SloppyPhrase::with_stems`]).
    stems: Option<Field>,
}

impl SloppyPhrase {
    /// The phrase of `terms` (offset, term), all of one field, with `slop`.
    ///
    /// # Panics
    /// If `terms` is empty.
    pub fn new(terms: Vec<(usize, Term)>, slop: u32) -> SloppyPhrase {
        let field = terms[0].1.field();
        SloppyPhrase {
            field,
            terms,
            slop,
            stems: None,
        }
    }

    /// The same phrase where a term `~stem` matches every word of the field whose stem it is
    /// (the words-together bonus compares words by stem): its positions are those of the
    /// field's words with that stem, found in each segment's dictionary (see
    /// [`stem_class`]), and its document frequency for BM25 is the stem's in `stems`.
    pub fn with_stems(self, stems: Field) -> SloppyPhrase {
        SloppyPhrase {
            stems: Some(stems),
            ..self
        }
    }
}

/// The statistics of a phrase whose `~stem` terms stand for their stem in the stem field.
struct StemStatistics<'a> {
    inner: &'a dyn Bm25StatisticsProvider,
    stems: Field,
}

impl Bm25StatisticsProvider for StemStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.inner.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.inner.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        match term
            .value()
            .as_str()
            .and_then(|t| t.strip_prefix(STEM_PREFIX))
        {
            Some(stem) => self
                .inner
                .doc_freq(&Term::from_field_text(self.stems, stem)),
            None => self.inner.doc_freq(term),
        }
    }
}

/// The most dictionary terms looked at for one stem's words in a segment: a short stem's
/// prefix (`un`) covers thousands, and the bonus then keeps the words found among the first.
const STEM_CLASS_SCAN: usize = 512;

/// The most stems whose words [`stem_class`] remembers; past it, it starts afresh.
const STEM_CLASSES_KEPT: usize = 4096;

/// The words of `field` in `reader` whose stem is `stem`, in dictionary order. A word's stem
/// is, but for a final `y` stemmed to `i` or a final `e` dropped, a prefix of the word, so the
/// words starting with that prefix are stemmed and compared; the few irregular forms
/// (`dying` for `die`) are not found. A segment never changes, so each segment's words of a
/// stem are found once per process: the bonus's readings, and each search after the first,
/// look them up.
pub fn stem_class(
    reader: &SegmentReader,
    field: Field,
    stem: &str,
    stemmer: &frostem::Stemmer,
) -> tantivy::Result<Arc<[Term]>> {
    type Key = (tantivy::index::SegmentId, Field, String);
    type Classes = HashMap<Key, Arc<[Term]>>;
    static KEPT: Mutex<Option<Classes>> = Mutex::new(None);
    // A map left by a panicking thread holds only whole entries.
    let kept = || KEPT.lock().unwrap_or_else(|e| e.into_inner());
    let key = (reader.segment_id(), field, stem.to_owned());
    if let Some(class) = kept().as_ref().and_then(|map| map.get(&key).cloned()) {
        return Ok(class);
    }
    let class: Arc<[Term]> = find_stem_class(reader, field, stem, stemmer)?.into();
    let mut guard = kept();
    let map = guard.get_or_insert_with(HashMap::new);
    if map.len() >= STEM_CLASSES_KEPT {
        map.clear();
    }
    map.insert(key, class.clone());
    Ok(class)
}

/// [`stem_class`], looked for in the segment's dictionary.
fn find_stem_class(
    reader: &SegmentReader,
    field: Field,
    stem: &str,
    stemmer: &frostem::Stemmer,
) -> tantivy::Result<Vec<Term>> {
    let prefix = match stem.strip_suffix(['i', 'e']) {
        Some(p) if p.chars().count() >= 3 => p,
        _ => stem,
    };
    let index = reader.inverted_index(field)?;
    let mut upper = prefix.as_bytes().to_vec();
    upper.push(0xff);
    let mut stream = index
        .terms()
        .range()
        .ge(prefix.as_bytes())
        .lt(&upper)
        .into_stream()?;
    let mut class = Vec::new();
    let mut seen = 0;
    while seen < STEM_CLASS_SCAN && stream.advance() {
        seen += 1;
        let Ok(word) = std::str::from_utf8(stream.key()) else {
            continue;
        };
        if stemmer.stem(word) == stem {
            class.push(Term::from_field_text(field, word));
        }
    }
    Ok(class)
}

impl Query for SloppyPhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let entry = enable_scoring.schema().get_field_entry(self.field);
        let positions = entry
            .field_type()
            .get_index_record_option()
            .is_some_and(IndexRecordOption::has_positions);
        if !positions {
            return Err(TantivyError::SchemaError(format!(
                "phrase on field {:?}, which has no positions",
                entry.name()
            )));
        }
        let terms: Vec<Term> = self.terms.iter().map(|(_, t)| t.clone()).collect();
        let bm25 = match (enable_scoring, self.stems) {
            (
                EnableScoring::Enabled {
                    statistics_provider,
                    ..
                },
                Some(stems),
            ) => {
                let statistics = StemStatistics {
                    inner: statistics_provider,
                    stems,
                };
                Some(Bm25Weight::for_terms(&statistics, &terms)?)
            }
            (
                EnableScoring::Enabled {
                    statistics_provider,
                    ..
                },
                None,
            ) => Some(Bm25Weight::for_terms(statistics_provider, &terms)?),
            (EnableScoring::Disabled { .. }, _) => None,
        };
        Ok(Box::new(SloppyWeight {
            field: self.field,
            terms: self.terms.clone(),
            slop: self.slop,
            bm25,
            stems: self.stems.is_some(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

struct SloppyWeight {
    field: Field,
    terms: Vec<(usize, Term)>,
    slop: u32,
    bm25: Option<Bm25Weight>,
    /// Whether `~stem` terms stand for their stem's words.
    stems: bool,
}

impl SloppyWeight {
    /// The scorer at the first match of `reader` (with `at` `None`), or checking `at` alone
    /// and returning whether it matches there (`seek_danger`).
    fn sloppy_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
        at: Option<DocId>,
    ) -> tantivy::Result<Option<(SloppyScorer, SeekDangerResult)>> {
        let index = reader.inverted_index(self.field)?;
        let mut postings = Vec::with_capacity(self.terms.len());
        let mut stemmer = None;
        for (_, term) in &self.terms {
            let class = match term
                .value()
                .as_str()
                .and_then(|t| t.strip_prefix(STEM_PREFIX))
            {
                Some(stem) if self.stems => {
                    let stemmer = stemmer
                        .get_or_insert_with(|| frostem::Stemmer::new(frostem::Algorithm::English));
                    stem_class(reader, self.field, stem, stemmer)?.to_vec()
                }
                _ => vec![term.clone()],
            };
            let mut any = Vec::with_capacity(class.len());
            for term in &class {
                if let Some(p) =
                    index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
                {
                    any.push(p);
                }
            }
            match any.len() {
                0 => return Ok(None),
                _ => postings.push(WordPostings::new(any)),
            }
        }
        let norms = match (
            &self.bm25,
            reader.fieldnorms_readers().get_field(self.field)?,
        ) {
            (Some(_), Some(norms)) => norms,
            _ => FieldNormReader::constant(reader.max_doc(), 1),
        };
        // Rarest first, to lead the intersection; positions are read in the phrase's order.
        let mut lead: Vec<usize> = (0..postings.len()).collect();
        lead.sort_by_key(|&i| (postings[i].doc_freq(), i));
        let last = self.terms.iter().map(|(o, _)| *o).max().unwrap_or(0) as u32;
        let mut scorer = SloppyScorer {
            postings,
            shift: self.terms.iter().map(|(o, _)| last - *o as u32).collect(),
            lead,
            slop: self.slop,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            norms,
            doc: 0,
            freq: 0,
            positions: vec![Vec::new(); self.terms.len()],
        };
        let found = match at {
            // Checking one passage does not walk the matches before it.
            Some(target) => scorer.check(target),
            None => {
                scorer.settle(0);
                SeekDangerResult::Found
            }
        };
        Ok(Some((scorer, found)))
    }
}

impl Weight for SloppyWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.sloppy_scorer(reader, boost, None)? {
            Some((scorer, _)) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    /// A scorer that checks `target` alone: the default would first walk to the segment's
    /// first match, reading the positions of every passage that holds all the words on the
    /// way, for a re-ranking that looks at a few passages far apart.
    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        Ok(match self.sloppy_scorer(reader, boost, Some(target))? {
            Some((scorer, found)) => (found, Box::new(scorer)),
            None => (
                SeekDangerResult::SeekLowerBound(TERMINATED),
                Box::new(EmptyScorer),
            ),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matched =
            || TantivyError::InvalidArgument(format!("document #{doc} does not match"));
        let (mut scorer, _) = self
            .sloppy_scorer(reader, 1.0, None)?
            .ok_or_else(not_matched)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(not_matched());
        }
        let mut explanation = Explanation::new("sloppy phrase", scorer.score());
        if let Some(bm25) = &self.bm25 {
            explanation.add_detail(bm25.explain(scorer.norms.fieldnorm_id(doc), scorer.freq));
        }
        Ok(explanation)
    }
}

/// One word's postings: a word's, or the union of those of the words sharing a stem.
struct WordPostings {
    /// The postings, each at its current document.
    any: Vec<SegmentPostings>,
    /// The first of their documents.
    doc: DocId,
    /// Scratch space for merging positions.
    scratch: Vec<u32>,
}

impl WordPostings {
    fn new(any: Vec<SegmentPostings>) -> WordPostings {
        let doc = any.iter().map(DocSet::doc).min().unwrap_or(TERMINATED);
        WordPostings {
            any,
            doc,
            scratch: Vec::new(),
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut doc = TERMINATED;
        for postings in &mut self.any {
            let at = match postings.doc() < target {
                true => postings.seek(target),
                false => postings.doc(),
            };
            doc = doc.min(at);
        }
        self.doc = doc;
        doc
    }

    fn doc_freq(&self) -> u32 {
        self.any.iter().map(SegmentPostings::doc_freq).sum()
    }

    fn size_hint(&self) -> u32 {
        self.any.iter().map(DocSet::size_hint).sum()
    }

    /// The positions at the current document, sorted.
    fn positions(&mut self, out: &mut Vec<u32>) {
        out.clear();
        let doc = self.doc;
        let mut at = self.any.iter_mut().filter(|p| p.doc() == doc);
        let Some(first) = at.next() else {
            return;
        };
        first.positions(out);
        let mut more = false;
        for postings in at {
            postings.positions(&mut self.scratch);
            out.extend_from_slice(&self.scratch);
            more = true;
        }
        if more {
            out.sort_unstable();
        }
    }
}

struct SloppyScorer {
    /// Each word's postings, in the phrase's order.
    postings: Vec<WordPostings>,
    /// What brings each word's positions to where the phrase's last word would stand.
    shift: Vec<u32>,
    /// The words, rarest first.
    lead: Vec<usize>,
    slop: u32,
    bm25: Option<Bm25Weight>,
    norms: FieldNormReader,
    doc: DocId,
    /// Matches in `doc`.
    freq: u32,
    positions: Vec<Vec<u32>>,
}

impl SloppyScorer {
    /// Moves to the first passage from `target` on where the phrase matches.
    fn settle(&mut self, mut target: DocId) -> DocId {
        loop {
            let doc = self.intersect(target);
            if doc == TERMINATED {
                self.doc = TERMINATED;
                self.freq = 0;
                return TERMINATED;
            }
            let freq = self.count();
            if freq > 0 {
                self.doc = doc;
                self.freq = freq;
                return doc;
            }
            target = doc + 1;
        }
    }

    /// The first passage from `target` on that holds every word.
    fn intersect(&mut self, mut target: DocId) -> DocId {
        'again: loop {
            for &i in &self.lead {
                let postings = &mut self.postings[i];
                let doc = match postings.doc() < target {
                    true => postings.seek(target),
                    false => postings.doc(),
                };
                if doc == TERMINATED {
                    return TERMINATED;
                }
                if doc > target {
                    target = doc;
                    continue 'again;
                }
            }
            return target;
        }
    }

    /// Whether the phrase matches at `target` (the scorer then stands there), reading
    /// positions at that passage only; on a miss, the first passage it could match after.
    fn check(&mut self, target: DocId) -> SeekDangerResult {
        let doc = self.intersect(target);
        if doc != target {
            return SeekDangerResult::SeekLowerBound(doc);
        }
        match self.count() {
            0 => SeekDangerResult::SeekLowerBound(target + 1),
            freq => {
                self.doc = doc;
                self.freq = freq;
                SeekDangerResult::Found
            }
        }
    }

    /// How many matches the current passage holds (see [`matches`]).
    fn count(&mut self) -> u32 {
        for (i, postings) in self.postings.iter_mut().enumerate() {
            let positions = &mut self.positions[i];
            postings.positions(positions);
            for p in positions.iter_mut() {
                *p += self.shift[i];
            }
        }
        matches(&self.positions, self.slop)
    }
}

/// How many disjoint matches sorted position lists hold, one list per word, each shifted to
/// where the phrase's last word would stand: the lists are walked together, and a set of one
/// position per list counts when they lie within `slop` of each other; otherwise the smallest
/// is passed over (no match can use it, as every list's next position is already too far).
/// The lists' order does not matter.
fn matches(lists: &[Vec<u32>], slop: u32) -> u32 {
    let mut at = vec![0usize; lists.len()];
    let mut freq = 0;
    loop {
        let mut low = u32::MAX;
        let mut high = 0;
        for (list, &i) in lists.iter().zip(&at) {
            let Some(&p) = list.get(i) else {
                return freq;
            };
            low = low.min(p);
            high = high.max(p);
        }
        if high - low <= slop {
            freq += 1;
            at.iter_mut().for_each(|i| *i += 1);
        } else {
            for (list, i) in lists.iter().zip(at.iter_mut()) {
                if list[*i] == low {
                    *i += 1;
                }
            }
        }
    }
}

impl DocSet for SloppyScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.settle(self.doc + 1)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.settle(target)
    }

    /// Whether the phrase matches at `target`, reading positions at that passage only (the
    /// default seeks to the next match, reading the positions of every passage with all the
    /// words on the way): the re-ranking checks a few passages far apart. A miss leaves
    /// `doc` at the last match, before `target`.
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            return SeekDangerResult::SeekLowerBound(target);
        }
        if self.doc >= target {
            return match self.doc == target {
                true => SeekDangerResult::Found,
                false => SeekDangerResult::SeekLowerBound(self.doc),
            };
        }
        self.check(target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let rarest = self.postings[self.lead[0]].size_hint();
        rarest / (10 * self.postings.len() as u32)
    }
}

impl Scorer for SloppyScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.norms.fieldnorm_id(self.doc), self.freq),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether some choice of one position per list lies within `slop`, by brute force.
    fn exists(lists: &[&[u32]], slop: u32) -> bool {
        fn go(lists: &[&[u32]], low: u32, high: u32, slop: u32) -> bool {
            match lists.split_first() {
                None => high - low <= slop,
                Some((first, rest)) => first
                    .iter()
                    .any(|&p| go(rest, low.min(p), high.max(p), slop)),
            }
        }
        go(lists, u32::MAX, 0, slop)
    }

    #[test]
    fn a_passage_matches_exactly_when_some_choice_of_positions_lies_within_the_slop() {
        let mut rng = crate::generate::rng::Rng::new(7);
        let mut matched = 0;
        for _ in 0..5_000 {
            let words = 2 + (rng.next_u64() % 3) as usize;
            let slop = (rng.next_u64() % 5) as u32;
            let lists: Vec<Vec<u32>> = (0..words)
                .map(|_| {
                    let n = 1 + rng.next_u64() % 4;
                    let mut l: Vec<u32> = (0..n).map(|_| (rng.next_u64() % 20) as u32).collect();
                    l.sort_unstable();
                    l.dedup();
                    l
                })
                .collect();
            let refs: Vec<&[u32]> = lists.iter().map(Vec::as_slice).collect();
            let found = matches(&lists, slop);
            assert_eq!(found > 0, exists(&refs, slop), "{lists:?} ~{slop}");
            // The order of the words does not matter.
            let reversed: Vec<Vec<u32>> = lists.iter().rev().cloned().collect();
            assert_eq!(found, matches(&reversed, slop), "{lists:?} ~{slop}");
            matched += usize::from(found > 0);
        }
        // Both outcomes are exercised.
        assert!((500..4_500).contains(&matched), "{matched}");
    }

    #[test]
    fn checking_chosen_passages_finds_what_walking_every_match_finds() {
        use tantivy::schema::{Schema, TEXT};
        use tantivy::{Index, IndexWriter, doc};
        let mut schema = Schema::builder();
        let field = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut rng = crate::generate::rng::Rng::new(11);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for _ in 0..3_000 {
            let n = 1 + rng.next_u64() % 12;
            let words: Vec<&str> = (0..n)
                .map(|_| ["a", "b", "c", "d"][(rng.next_u64() % 4) as usize])
                .collect();
            writer.add_document(doc!(field => words.join(" "))).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| Term::from_field_text(field, w);
        let phrase = SloppyPhrase::new(vec![(0, term("a")), (1, term("b")), (2, term("c"))], 2);
        let weight = phrase
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let reader = searcher.segment_reader(0);
        let mut all = Vec::new();
        let mut walk = weight.scorer(reader, 1.0).unwrap();
        while walk.doc() != TERMINATED {
            all.push((walk.doc(), walk.score()));
            walk.advance();
        }
        assert!((100..2_900).contains(&all.len()), "{}", all.len());
        for every in [1, 2, 7, 31] {
            let (found, mut checker) = weight.scorer_danger(reader, 0, 1.0).unwrap();
            let mut seen = Vec::new();
            if found == SeekDangerResult::Found {
                seen.push((0, checker.score()));
            }
            let mut next = 1;
            for target in (1..reader.max_doc()).step_by(every) {
                if target < next {
                    continue;
                }
                match checker.seek_danger(target) {
                    SeekDangerResult::Found => {
                        seen.push((target, checker.score()));
                        next = target + 1;
                    }
                    SeekDangerResult::SeekLowerBound(bound) => next = bound,
                }
            }
            let wanted: Vec<(DocId, Score)> = all
                .iter()
                .copied()
                .filter(|(d, _)| *d == 0 || d % every as u32 == 1 % every as u32)
                .collect();
            assert_eq!(seen, wanted, "every {every}");
        }
    }

    #[test]
    fn disjoint_matches_are_counted_once_each() {
        // "iraq invasion of kuwait", shifted for the phrase iraq kuwait invasion: 0, 3-1, 1-2.
        assert_eq!(matches(&[vec![10], vec![12], vec![9]], 3), 1);
        assert_eq!(matches(&[vec![10], vec![12], vec![9]], 2), 0);
        // Two exact occurrences and one stray word.
        assert_eq!(matches(&[vec![5, 40], vec![5, 40, 70]], 0), 2);
    }
}
