//! Who said the matching passages (`attache who`): their speakers, most passages first.
//!
//! Counted from the `said_as` fast field over the match set, so no stored document is read: one
//! pass over the matching passages, one column lookup each.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::Searcher;
use super::entities::{earliest, selection};
use crate::corpus::Date;
use crate::entities::Gazetteer;
use crate::error::Result;
use crate::index::schema::fast;

/// How often a speaker speaks in a set of passages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerCount {
    /// The speaker's entity id.
    pub id: String,
    /// What it is: `person`, `state`, `org`, `place` or `unknown`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Display name: the gazetteer's, or the one most often seen.
    pub name: String,
    /// Passages where it speaks.
    pub passages: u64,
    /// Distinct articles among them.
    pub articles: u64,
}

/// Which passages to count speakers in.
#[derive(Debug, Clone, Default)]
pub struct WhoRequest {
    /// Only passages matching this query; all passages when `None`.
    pub query: Option<String>,
    /// Only articles dated on or after this.
    pub since: Option<Date>,
    /// Only articles dated on or before this.
    pub until: Option<Date>,
    /// How many speakers to list.
    pub limit: usize,
    /// Give up with [`crate::Error::Timeout`] when matching takes longer; `None` or zero waits
    /// for ever.
    pub timeout: Option<std::time::Duration>,
}

/// The speakers of the passages `request` selects, most passages first (ties: by name, then
/// id).
///
/// # Errors
/// A malformed query or a failure reading the index.
pub fn top_speakers(searcher: &mut Searcher, request: &WhoRequest) -> Result<Vec<SpeakerCount>> {
    let query = request.query.as_deref().unwrap_or("");
    let query = selection(searcher, query, request.since, request.until)?;
    let query = super::bounded::Bounded::new(query, request.timeout);
    let reader = searcher.reader().searcher();
    let tally = searcher.guard(|| Ok(reader.search(&query, &Tally)?))?;
    query.check()?;
    let gazetteer = Gazetteer::builtin();
    let mut counts: Vec<SpeakerCount> = tally
        .into_iter()
        .map(|(id, t)| {
            // The gazetteer's name, or the most frequent spelling (ties: the first in order).
            let name = gazetteer
                .by_id(&id)
                .map(|e| e.name.to_string())
                .or_else(|| {
                    t.names
                        .iter()
                        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                        .map(|(n, _)| n.clone())
                })
                .unwrap_or_else(|| id.clone());
            SpeakerCount {
                id,
                kind: t.kind,
                name,
                passages: t.passages,
                articles: t.articles.len() as u64,
            }
        })
        .collect();
    counts.sort_by(|a, b| {
        b.passages
            .cmp(&a.passages)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    counts.truncate(request.limit);
    Ok(counts)
}

/// Where one entity speaks (`attache entity` of a speaker): how often, its name and type as
/// the speeches give them, and the first and last dates.
#[derive(Debug, Clone, Serialize)]
pub struct Speaking {
    /// Passages where it speaks.
    pub passages: u64,
    /// Distinct articles among them.
    pub articles: u64,
    /// Date of the earliest of them, as written.
    pub first_date: Option<String>,
    /// Date of the latest, as written.
    pub last_date: Option<String>,
    /// What it is, as the speakers' values say: `person`, `state`…
    #[serde(skip)]
    pub kind: String,
    /// The name most often written.
    #[serde(skip)]
    pub name: String,
}

/// Where the entity `id` speaks, `None` when it never does.
///
/// # Errors
/// A failure reading the index.
pub fn speaking(searcher: &mut Searcher, id: &str) -> Result<Option<Speaking>> {
    let fields = &searcher.index().fields;
    let query = super::plan::said_by(fields, id).lower(super::plan::DayFields::of(fields));
    let reader = searcher.reader().searcher();
    let (mut tally, (first, last)) =
        searcher.guard(|| Ok(reader.search(query.as_ref(), &(Tally, DaySpan))?))?;
    let Some(c) = tally.remove(id) else {
        return Ok(None);
    };
    let date_of = |found: Option<(i64, DocAddress)>| -> Result<Option<String>> {
        found.map_or(Ok(None), |(_, address)| searcher.stored_date(address))
    };
    let name = c
        .names
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map_or_else(|| id.to_owned(), |(n, _)| n.clone());
    Ok(Some(Speaking {
        passages: c.passages,
        articles: c.articles.len() as u64,
        first_date: date_of(first)?,
        last_date: date_of(last)?,
        kind: c.kind,
        name,
    }))
}

/// The earliest and latest passage matched, by their date's first and last day (ties: the
/// first in index order).
struct DaySpan;

type Span = (Option<(i64, DocAddress)>, Option<(i64, DocAddress)>);

struct SegmentSpan {
    segment: SegmentOrdinal,
    day_lo: Column<i64>,
    day_hi: Column<i64>,
    span: Span,
}

impl Collector for DaySpan {
    type Fruit = Span;
    type Child = SegmentSpan;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentSpan> {
        let ff = reader.fast_fields();
        Ok(SegmentSpan {
            segment,
            day_lo: ff.i64(fast::DAY_LO)?,
            day_hi: ff.i64(fast::DAY_HI)?,
            span: (None, None),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Span>) -> tantivy::Result<Span> {
        let mut span: Span = (None, None);
        for (first, last) in fruits {
            span.0 = earliest(span.0, first, |new, old| new < old);
            span.1 = earliest(span.1, last, |new, old| new > old);
        }
        Ok(span)
    }
}

impl SegmentCollector for SegmentSpan {
    type Fruit = Span;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let address = DocAddress::new(self.segment, doc);
        if let Some(lo) = self.day_lo.first(doc) {
            self.span.0 = earliest(self.span.0, Some((lo, address)), |new, old| new < old);
        }
        if let Some(hi) = self.day_hi.first(doc) {
            self.span.1 = earliest(self.span.1, Some((hi, address)), |new, old| new > old);
        }
    }

    fn harvest(self) -> Span {
        self.span
    }
}

/// Counts for one speaker.
#[derive(Debug, Default)]
struct Counted {
    kind: String,
    passages: u64,
    articles: HashSet<u64>,
    /// Names written, with the passages of each.
    names: HashMap<String, u64>,
}

/// Counts speakers from the `said_as` fast field.
struct Tally;

struct SegmentTally {
    said: Option<StrColumn>,
    key: Column<u64>,
    /// Per `said_as` ordinal: passages, and the articles they belong to.
    per_ord: Vec<(u64, HashSet<u64>)>,
}

impl Collector for Tally {
    type Fruit = HashMap<String, Counted>;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let ff = reader.fast_fields();
        let said = ff.str(fast::SAID_AS)?;
        let ords = said.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentTally {
            said,
            key: ff.u64(fast::ARTICLE_KEY)?,
            per_ord: vec![(0, HashSet::new()); ords],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<String, Counted>>) -> tantivy::Result<Self::Fruit> {
        let mut merged: HashMap<String, Counted> = HashMap::new();
        for fruit in fruits {
            for (id, c) in fruit {
                let m = merged.entry(id).or_default();
                if m.kind.is_empty() {
                    m.kind = c.kind;
                }
                m.passages += c.passages;
                m.articles.extend(c.articles);
                for (name, n) in c.names {
                    *m.names.entry(name).or_default() += n;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = HashMap<String, Counted>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(said) = &self.said else { return };
        let key = self.key.first(doc).unwrap_or(0);
        for ord in said.term_ords(doc) {
            let slot = &mut self.per_ord[ord as usize];
            slot.0 += 1;
            slot.1.insert(key);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out: HashMap<String, Counted> = HashMap::new();
        let Some(said) = &self.said else { return out };
        let mut value = String::new();
        for (ord, (passages, articles)) in self.per_ord.into_iter().enumerate() {
            value.clear();
            if passages == 0 || !said.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                continue;
            }
            let mut parts = value.splitn(3, '\t');
            let (Some(id), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let c = out.entry(id.to_owned()).or_default();
            // The same id under several names is one speaker; so is it for a passage.
            if c.kind.is_empty() {
                c.kind = kind.to_owned();
            }
            c.passages += passages;
            c.articles.extend(articles);
            *c.names.entry(name.to_owned()).or_default() += passages;
        }
        out
    }
}
