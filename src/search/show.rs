//! Reading in context: an article's passages by number, for `attache show` (the whole article,
//! or one passage with its neighbours) and `attache search --context`.
//!
//! An article's passages are found by its id term and numbered from the `passage` fast field,
//! so only the passages shown are fetched from the store.

use std::ops::Range;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use super::{SearchRequest, Searcher, snippet};
use crate::entities::Mention;
use crate::entities::attribution::Said;
use crate::error::{Error, Result};
use crate::index::document::Info;
use crate::index::schema::{Fields, fast};

/// An article's passages by number, in order, with where to fetch them.
type Numbered = Vec<(u64, DocAddress)>;

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct ShowRequest {
    /// `ID` for the whole article, or `ID#PASSAGE` as search hits print it.
    pub location: String,
    /// With a passage: how many passages to show before and after it.
    pub context: usize,
    /// Highlight this query's matches (attache's syntax).
    pub query: Option<String>,
}

/// One passage of an article, as stored.
#[derive(Debug, Clone)]
pub struct Passage {
    /// Its number within the article, from 0.
    pub number: u64,
    /// The passage text.
    pub text: String,
    /// Byte ranges of `text` that match the query, if one was given.
    pub highlights: Vec<Range<usize>>,
    /// The entities mentioned, in text order.
    pub entities: Vec<Mention>,
    /// Who speaks in the passage, with the ranges they say.
    pub speakers: Vec<Said>,
}

/// An article, or a stretch of it.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The article id.
    pub article_id: String,
    /// Date, title, source, url and metadata.
    pub info: Info,
    /// How many passages the article has.
    pub total: u64,
    /// The passage asked for, if one was.
    pub focus: Option<u64>,
    /// The passages shown, in order.
    pub passages: Vec<Passage>,
}

impl Searcher {
    /// The passages `request` asks for, with the query's matches highlighted.
    ///
    /// # Errors
    /// An article id the index does not hold (naming ids that start alike), a passage number
    /// the article does not have (naming those it has), a malformed query, or a failure
    /// reading the index.
    pub fn show(&mut self, request: &ShowRequest) -> Result<Shown> {
        let (id, focus, numbered) = self.locate(&request.location)?;
        let total = numbered.len() as u64;
        let range = match focus {
            None => 0..total,
            Some(p) if p < total => {
                let context = request.context as u64;
                p.saturating_sub(context)..p.saturating_add(context).saturating_add(1).min(total)
            }
            Some(p) => {
                let has = match total {
                    1 => "only passage 0".to_owned(),
                    n => format!("passages 0–{}", n - 1),
                };
                // As typed: digits past any u64 were read as its largest.
                let typed = request
                    .location
                    .rsplit_once('#')
                    .map(|(_, n)| n.trim_start_matches('0'))
                    .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                let p = typed.map_or_else(|| p.to_string(), str::to_owned);
                return Err(Error::Invalid(format!("article {id} has {has}, not {p}")));
            }
        };
        let highlight = match &request.query {
            Some(q) => Some(self.plan(&SearchRequest::new(q.as_str(), 0))?.highlight),
            None => None,
        };
        let mut info = None;
        let mut passages = Vec::with_capacity((range.end - range.start) as usize);
        for (number, address) in &numbered[range.start as usize..range.end as usize] {
            let (mut passage, stored) = self.passage(&id, *number, *address)?;
            if let Some(highlight) = &highlight {
                passage.highlights = snippet::highlights(
                    &mut self.analyzer,
                    &passage.text,
                    highlight,
                    &passage.entities,
                );
            }
            info.get_or_insert(stored);
            passages.push(passage);
        }
        let info = info.ok_or_else(|| Error::Invalid(format!("article {id} has no passages")))?;
        Ok(Shown {
            article_id: id,
            info,
            total,
            focus,
            passages,
        })
    }

    /// The `context` passages before and after passage `number` of an article, in order.
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn neighbours(
        &self,
        article_id: &str,
        number: u64,
        context: usize,
    ) -> Result<Vec<Passage>> {
        let numbered = self.numbered(article_id)?;
        let context = context as u64;
        let near = number.saturating_sub(context)..=number.saturating_add(context);
        numbered
            .iter()
            .filter(|(n, _)| near.contains(n) && *n != number)
            .map(|(n, address)| Ok(self.passage(article_id, *n, *address)?.0))
            .collect()
    }

    /// Which passages of an article the index holds, by number (none for an article it
    /// lacks).
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn passage_numbers(&self, article_id: &str) -> Result<Vec<u64>> {
        Ok(self.numbered(article_id)?.iter().map(|(n, _)| *n).collect())
    }

    /// For a location that names a whole article whose id holds `#` (`report#0`), the other
    /// reading it would have had, a passage of a shorter id (`report`, 0), when that passage
    /// exists: `show` names the article, and the caller may say what else was meant.
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn passage_reading(&self, location: &str) -> Result<Option<(String, u64)>> {
        let Some((id, number)) = location.rsplit_once('#') else {
            return Ok(None);
        };
        let Ok(number) = number.parse::<u64>() else {
            return Ok(None);
        };
        if self.numbered(location)?.is_empty() {
            return Ok(None);
        }
        let passages = self.numbered(id)?;
        Ok(passages
            .iter()
            .any(|(n, _)| *n == number)
            .then(|| (id.to_owned(), number)))
    }

    /// The article id and passage of a location (`ID` or `ID#N`), and the article's passages.
    fn locate(&self, location: &str) -> Result<(String, Option<u64>, Numbered)> {
        // An id may hold `#` (`report#0`): a location that is a whole article's id names that
        // article, before it is read as a passage of a shorter id.
        if location.contains('#') {
            let numbered = self.numbered(location)?;
            if !numbered.is_empty() {
                return Ok((location.to_owned(), None, numbered));
            }
        }
        if let Some((id, number)) = location.rsplit_once('#')
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
        {
            let numbered = self.numbered(id)?;
            if !numbered.is_empty() {
                // Digits past any u64 are a passage no article has.
                let number = number.parse().unwrap_or(u64::MAX);
                return Ok((id.to_owned(), Some(number), numbered));
            }
        }
        let numbered = self.numbered(location)?;
        if numbered.is_empty() {
            // An id as search prints it, its control characters escaped (`a\u{9}b.txt`).
            if let Some(raw) = crate::error::unprintable(location)
                && let Ok(found) = self.locate(&raw)
            {
                return Ok(found);
            }
            // Ids are in Unicode form C, as queries are (but for a name kept as written beside
            // its composed twin, found above): `e\u{301}t\u{e9}` finds `été`.
            let composed = crate::corpus::clean::nfc(location);
            if composed != location
                && let Ok(found) = self.locate(&composed)
            {
                return Ok(found);
            }
            // `ID#-1`, `ID#+1`, `ID# 1`, `ID##3`, `ID#3#`: the article is there, what
            // follows its id is no passage number.
            let (last, first) = (location.rsplit_once('#'), location.split_once('#'));
            let second = first.filter(|_| first != last);
            for (id, number) in [last, second].into_iter().flatten() {
                let passages = self.numbered(id)?;
                if !passages.is_empty() {
                    let shadowed = !self.numbered(&format!("{id}#0"))?.is_empty();
                    return Err(not_a_passage_number(id, number, passages.len(), shadowed));
                }
            }
            return Err(self.no_article(location));
        }
        Ok((location.to_owned(), None, numbered))
    }

    /// The first `limit` ids in byte order that live passages hold and that `text` names as
    /// `how` says; read from the article id dictionaries (a case-insensitive match reads every
    /// id), a segment that cannot be read passed over.
    pub(crate) fn live_ids(&self, text: &str, how: IdMatch, limit: usize) -> Vec<String> {
        let searcher = self.reader.searcher();
        let lower = text.to_lowercase();
        let mut ids = std::collections::BTreeSet::new();
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.open.fields.article_id) else {
                continue;
            };
            let stream = match how {
                IdMatch::Exact | IdMatch::Prefix => inverted.terms().range().ge(text).into_stream(),
                _ => inverted.terms().stream(),
            };
            let Ok(mut stream) = stream else { continue };
            // The first `limit` of each segment: the first of all are among them.
            let mut taken = 0;
            while taken < limit
                && let Some((term, info)) = stream.next()
            {
                let fits = match how {
                    IdMatch::Exact => term == text.as_bytes(),
                    IdMatch::Prefix => term.starts_with(text.as_bytes()),
                    IdMatch::InAnyCase => String::from_utf8_lossy(term).to_lowercase() == lower,
                    IdMatch::PrefixInAnyCase => String::from_utf8_lossy(term)
                        .to_lowercase()
                        .starts_with(&lower),
                };
                match fits {
                    // The dictionary is in byte order: no later term fits either.
                    false if matches!(how, IdMatch::Exact | IdMatch::Prefix) => break,
                    false => {}
                    true if live(segment, &inverted, info) => {
                        ids.insert(String::from_utf8_lossy(term).into_owned());
                        taken += 1;
                    }
                    true => {}
                }
            }
        }
        ids.into_iter().take(limit).collect()
    }

    /// "No such article", naming up to three ids that start with what was given.
    fn no_article(&self, id: &str) -> Error {
        let prefix = id.split('#').next().unwrap_or(id);
        let shown = crate::error::printable(id);
        if prefix.is_empty() {
            return Error::Invalid(format!(
                "'{shown}' names no article (the id is empty): give an id as search prints \
                 it, like ID#PASSAGE"
            ));
        }
        // An id whose passages are all deleted (an article removed or replaced since the last
        // merge) is no suggestion: it would find nothing again. Ids are matched as written
        // (they name files); one in other capitals is named when nothing starts with what was
        // typed.
        let mut alike = self.live_ids(prefix, IdMatch::Prefix, 3);
        if alike.is_empty() {
            alike = self.live_ids(prefix, IdMatch::PrefixInAnyCase, 3);
        }
        match alike {
            ids if ids.is_empty() => Error::Invalid(format!(
                "no article '{shown}' in the index: give an id as search prints it, \
                 like ID#PASSAGE"
            )),
            // With the passage asked for (`n1#0` for `N1#0`).
            ids => {
                let passage = id.find('#').map_or("", |at| &id[at..]);
                Error::Invalid(format!(
                    "no article '{shown}' in the index: did you mean {}?",
                    ids.iter()
                        .map(|id| crate::error::printable(&format!("{id}{passage}")).into_owned())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ))
            }
        }
    }

    /// The passages of an article by number, in order; empty when the index does not hold it.
    fn numbered(&self, article_id: &str) -> Result<Numbered> {
        let term = Term::from_field_text(self.open.fields.article_id, article_id);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let searcher = self.reader.searcher();
        let mut numbered = self.guard(|| Ok(searcher.search(&query, &NumberedCollector)?))?;
        numbered.sort_unstable();
        Ok(numbered)
    }

    /// One stored passage, and its article's values.
    fn passage(&self, id: &str, number: u64, address: DocAddress) -> Result<(Passage, Info)> {
        let doc = self.guard(|| Ok(self.stores.document(&self.reader.searcher(), address)?))?;
        let info = self.info_at(address);
        let stored = stored_passage(&doc, info, &self.open.fields, id, number)?;
        let passage = Passage {
            number,
            text: stored.text,
            highlights: Vec::new(),
            entities: stored.entities,
            speakers: stored.speakers,
        };
        Ok((passage, stored.info))
    }
}

/// What is stored with a passage.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The passage text.
    pub text: String,
    /// Its article's values.
    pub info: Info,
    /// The entities mentioned, in text order.
    pub entities: Vec<Mention>,
    /// Who speaks in it.
    pub speakers: Vec<Said>,
}

/// The text, entity mentions and speakers stored with a passage (`doc`), with its article's
/// values (`info`, from the index's fast fields).
///
/// # Errors
/// Stored values this version cannot read.
pub fn stored_passage(
    doc: &TantivyDocument,
    info: Option<Info>,
    fields: &Fields,
    id: &str,
    number: u64,
) -> Result<Stored> {
    let unreadable = |what: &str| {
        Error::Invalid(format!(
            "index document for {id}#{number} has unreadable {what}: rebuild with \
             `attache index --full`"
        ))
    };
    let stored = |field| doc.get_first(field);
    let marks = stored(fields.marks).map_or(Some(&[][..]), |v| v.as_bytes());
    let (entities, speakers) = marks
        .and_then(crate::index::stored::decode)
        .ok_or_else(|| unreadable("entities"))?;
    Ok(Stored {
        text: stored(fields.body)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned(),
        info: info.ok_or_else(|| unreadable("info"))?,
        entities,
        speakers,
    })
}

/// "Not a passage number", with the passages the article `id` has (`passages` of them). When
/// `{id}#0` is another article's id (`report` beside `report#0`), the first passage is named
/// `{id}#00`, which only a passage reads as.
fn not_a_passage_number(id: &str, number: &str, passages: usize, shadowed: bool) -> Error {
    let has = match passages {
        1 => "only passage 0".to_owned(),
        n => format!("passages 0–{}", n - 1),
    };
    let id = crate::error::printable(id);
    let first = match shadowed {
        false => format!("{id}#0 is the first"),
        true => format!("{id}#00 is the first; {id}#0 is another article"),
    };
    Error::Invalid(format!(
        "'{}' is not a passage number: article {id} has {has} ({first})",
        crate::error::printable(number),
    ))
}

/// Collects the passage number and address of every matching document.
struct NumberedCollector;

struct SegmentNumbered {
    segment: SegmentOrdinal,
    passage: Column<u64>,
    found: Numbered,
}

impl Collector for NumberedCollector {
    type Fruit = Numbered;
    type Child = SegmentNumbered;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentNumbered> {
        Ok(SegmentNumbered {
            segment,
            passage: reader.fast_fields().u64(fast::PASSAGE)?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Numbered>) -> tantivy::Result<Numbered> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentNumbered {
    type Fruit = Numbered;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let number = self.passage.first(doc).unwrap_or(u64::MAX);
        self.found
            .push((number, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}

/// How [`Searcher::live_ids`] compares an id with the text given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdMatch {
    /// The id is the text.
    Exact,
    /// The id starts with the text.
    Prefix,
    /// The id is the text, in any case.
    InAnyCase,
    /// The id starts with the text, in any case.
    PrefixInAnyCase,
}

/// Whether a term of `segment` (its dictionary entry `info`) has a passage not deleted.
pub(crate) fn live(
    segment: &tantivy::SegmentReader,
    inverted: &tantivy::InvertedIndexReader,
    info: &tantivy::postings::TermInfo,
) -> bool {
    use tantivy::DocSet;
    let Some(alive) = segment.alive_bitset() else {
        return true;
    };
    let Ok(mut postings) =
        inverted.read_postings_from_terminfo(info, tantivy::schema::IndexRecordOption::Basic)
    else {
        return true;
    };
    let mut doc = postings.doc();
    while doc != tantivy::TERMINATED {
        if alive.is_alive(doc) {
            return true;
        }
        doc = postings.advance();
    }
    false
}
