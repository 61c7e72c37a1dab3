//! Entity statistics over the index: which entities the matching passages mention most
//! (`attache entities`), and what the index knows of one entity (`attache entity`).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::{SearchRequest, Searcher, plan};
use crate::corpus::Date;
use crate::entities::{Gazetteer, Kind};
use crate::error::Result;
use crate::index::schema::fast;

/// How often an entity is mentioned in a set of passages.
#[derive(Debug, Clone, Serialize)]
pub struct EntityCount {
    /// Canonical id.
    pub id: String,
    /// What it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Display name: the gazetteer's, or the spelling most often seen.
    pub name: String,
    /// Passages mentioning it.
    pub passages: u64,
    /// Distinct articles mentioning it.
    pub articles: u64,
    /// Mentions in all.
    pub mentions: u64,
}

/// What the index knows of one entity.
#[derive(Debug, Clone, Serialize)]
pub struct EntityProfile {
    /// How often, and its names.
    #[serde(flatten)]
    pub count: EntityCount,
    /// Spellings seen, most frequent first, with their mention counts.
    pub aliases: Vec<(String, u64)>,
    /// Date of the earliest article mentioning it, as written.
    pub first_date: Option<String>,
    /// Date of the latest article mentioning it, as written.
    pub last_date: Option<String>,
    /// Where it speaks (see [`crate::entities::attribution`]), when it does.
    pub said: Option<super::speakers::Speaking>,
}

/// Which passages to count entities in.
#[derive(Debug, Clone, Default)]
pub struct EntitiesRequest {
    /// Only passages matching this query; all passages when `None`.
    pub query: Option<String>,
    /// Only passages mentioning this entity (id or alias); it is left out of the result.
    pub with: Option<String>,
    /// Only entities of this type.
    pub kind: Option<Kind>,
    /// Only articles dated on or after this.
    pub since: Option<Date>,
    /// Only articles dated on or before this.
    pub until: Option<Date>,
    /// How many entities to list.
    pub limit: usize,
    /// Give up with [`crate::Error::Timeout`] when matching takes longer; `None` or zero waits
    /// for ever.
    pub timeout: Option<std::time::Duration>,
}

/// The entities most mentioned in the passages `request` selects, most passages first (ties:
/// more mentions, then id).
///
/// # Errors
/// A malformed query or a failure reading the index.
pub fn top_entities(
    searcher: &mut Searcher,
    request: &EntitiesRequest,
) -> Result<Vec<EntityCount>> {
    // Each part is planned on its own, so an error's column is that of the query as typed.
    let with = request.with.as_ref().map(|w| resolve(searcher, w));
    let (since, until) = (request.since, request.until);
    let mut parts = vec![selection(
        searcher,
        request.query.as_deref().unwrap_or(""),
        since,
        until,
    )?];
    if let Some(id) = &with {
        parts.push(mentions(searcher, id));
    }
    let query: Box<dyn Query> = match parts.len() {
        1 => parts.remove(0),
        _ => Box::new(BooleanQuery::new(
            parts.into_iter().map(|q| (Occur::Must, q)).collect(),
        )),
    };
    let query = super::bounded::Bounded::new(query, request.timeout);
    let reader = searcher.reader().searcher();
    let tally = searcher.guard(|| Ok(reader.search(&query, &Tally { only: None })?))?;
    query.check()?;
    let mut counts: Vec<EntityCount> = tally
        .into_iter()
        .filter(|(id, t)| Some(id) != with.as_ref() && request.kind.is_none_or(|k| k == t.kind))
        .map(|(id, t)| t.count(id))
        .collect();
    counts.sort_by(|a, b| {
        b.passages
            .cmp(&a.passages)
            .then(b.mentions.cmp(&a.mentions))
            .then_with(|| a.id.cmp(&b.id))
    });
    counts.truncate(request.limit);
    Ok(counts)
}

/// What the index knows of the entity named by `name` (id or alias), or `None` if it is never
/// mentioned.
///
/// # Errors
/// A failure reading the index.
pub fn entity_profile(searcher: &mut Searcher, name: &str) -> Result<Option<EntityProfile>> {
    let id = resolve(searcher, name);
    let query = mentions(searcher, &id);
    let tsearcher = searcher.reader().searcher();
    let only = Some(id.clone());
    let mut tally = searcher.guard(|| Ok(tsearcher.search(query.as_ref(), &Tally { only })?))?;
    let said = super::speakers::speaking(searcher, &id)?;
    let Some(t) = tally.remove(&id) else {
        // Never mentioned, but a speaker (a delegate the speeches name, and no text does).
        return Ok(said.map(|said| EntityProfile {
            count: EntityCount {
                kind: said.kind.parse::<Kind>().unwrap_or(Kind::Unknown).as_str(),
                name: Gazetteer::builtin()
                    .by_id(&id)
                    .map_or_else(|| said.name.clone(), |e| e.name.to_string()),
                id,
                passages: 0,
                articles: 0,
                mentions: 0,
            },
            aliases: Vec::new(),
            first_date: None,
            last_date: None,
            said: Some(said),
        }));
    };
    let mut aliases: Vec<(String, u64)> = t.aliases.iter().map(|(a, n)| (a.clone(), *n)).collect();
    aliases.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut count = t.count(id);
    if let Some(said) = &said {
        as_said(searcher, &mut count, said);
    }
    let date_of = |found: Option<(i64, DocAddress)>| -> Result<Option<String>> {
        found.map_or(Ok(None), |(_, address)| searcher.stored_date(address))
    };
    Ok(Some(EntityProfile {
        first_date: date_of(t.first)?,
        last_date: date_of(t.last)?,
        aliases,
        count,
        said,
    }))
}

/// A delegate the text names only in capitals (`MBON IMPA`), with no type, is the person the
/// speech's record names: the card says so, in the record's case (`Mbon Impa`).
fn as_said(searcher: &mut Searcher, count: &mut EntityCount, said: &super::speakers::Speaking) {
    if Gazetteer::builtin().by_id(&count.id).is_some() {
        return;
    }
    if count.kind == Kind::Unknown.as_str() {
        count.kind = said.kind.parse::<Kind>().unwrap_or(Kind::Unknown).as_str();
    }
    let capitals = !count.name.chars().any(char::is_lowercase);
    let analyzer = &mut searcher.analyzer;
    let same = analyzer.exact_words(&count.name) == analyzer.exact_words(&said.name);
    if capitals && same {
        count.name = said.name.clone();
    }
}

/// The names [`entity_profile`] gives the entities `ids` (the gazetteer's, else the fullest
/// spelling in the index, or the speech record's for a delegate named only in capitals), read
/// in one pass over the index's mentions when there are more than a few (a profile a name took
/// 0.6 ms each: 6 s for 10,000 rows).
///
/// # Errors
/// A failure reading the index.
pub fn entity_names(searcher: &mut Searcher, ids: &[String]) -> Result<HashMap<String, String>> {
    /// Up to this many, one profile each is quicker than a tally of every entity.
    const ONE_BY_ONE: usize = 16;
    let mut names = HashMap::new();
    fn profile(
        searcher: &mut Searcher,
        names: &mut HashMap<String, String>,
        id: &str,
    ) -> Result<()> {
        if let Some(p) = entity_profile(searcher, id)? {
            names.insert(id.to_owned(), p.count.name);
        }
        Ok(())
    }
    if ids.len() <= ONE_BY_ONE {
        for id in ids {
            profile(searcher, &mut names, id)?;
        }
        return Ok(names);
    }
    let reader = searcher.reader().searcher();
    let mut tally = searcher.guard(|| Ok(reader.search(&AllQuery, &Tally { only: None })?))?;
    for id in ids {
        // An id a name resolves otherwise, or no text mentions, is profiled as it would be.
        let Some(t) = tally.remove(id).filter(|_| resolve(searcher, id) == *id) else {
            profile(searcher, &mut names, id)?;
            continue;
        };
        let mut count = t.count(id.clone());
        let capitals = !count.name.chars().any(char::is_lowercase);
        if capitals
            && Gazetteer::builtin().by_id(id).is_none()
            && let Some(said) = super::speakers::speaking(searcher, id)?
        {
            as_said(searcher, &mut count, &said);
        }
        names.insert(count.id, count.name);
    }
    Ok(names)
}

/// An entity's id from an id, an alias, or `@`-prefixed either.
fn resolve(searcher: &mut Searcher, name: &str) -> String {
    let name = name.trim().trim_start_matches('@').trim_matches('"');
    Gazetteer::builtin()
        .resolve_id(&mut searcher.analyzer, name)
        .unwrap_or_default()
}

/// The passages that mention the entity `id`, planned directly (no query text to parse).
fn mentions(searcher: &Searcher, id: &str) -> Box<dyn Query> {
    let fields = &searcher.index().fields;
    plan::entity_mentions(fields, id).lower(plan::DayFields::of(fields))
}

/// The passages matching `query` (all when empty) within the dates.
pub(super) fn selection(
    searcher: &mut Searcher,
    query: &str,
    since: Option<Date>,
    until: Option<Date>,
) -> Result<Box<dyn Query>> {
    super::check_dates(since, until)?;
    if query.trim().is_empty() {
        if since.is_none() && until.is_none() {
            return Ok(Box::new(AllQuery));
        }
        let days = plan::DayFields::of(&searcher.index().fields);
        return Ok(plan::date_filter(since, until).lower(days));
    }
    let mut request = SearchRequest::new(query, 0);
    request.since = since;
    request.until = until;
    Ok(searcher.plan(&request)?.query)
}

/// Counts for one entity while collecting.
#[derive(Debug, Default)]
struct EntityTally {
    kind: Option<Kind>,
    passages: u64,
    mentions: u64,
    articles: HashSet<u64>,
    aliases: HashMap<String, u64>,
    first: Option<(i64, DocAddress)>,
    last: Option<(i64, DocAddress)>,
}

/// The type of an entity recognised with two: a known type (a title made it a person in one
/// passage, nothing did in another) over `unknown`; of two known ones, the first by name, so
/// that the answer does not depend on the order segments or shards are read in.
fn surer(a: Option<Kind>, b: Option<Kind>) -> Option<Kind> {
    match (a, b) {
        (Some(Kind::Unknown), Some(b)) | (None, Some(b)) => Some(b),
        (Some(a), Some(b)) if b != Kind::Unknown && b.as_str() < a.as_str() => Some(b),
        (a, _) => a,
    }
}

/// A segment's `entity` column (`kind:id` terms) read as ids: each term ordinal's slot, one
/// slot per id. An id recognised as two types ("Ian Smith" a person after "Mr.", of no known
/// type elsewhere) has a term, so an ordinal, for each, and one slot: a passage naming it both
/// ways counts once. Read whole in one pass over the dictionary ([`IdSlots::read`], for
/// tallies of every entity: ordinal by ordinal, a lookup reads a block of the dictionary each
/// time), or ordinal by ordinal as met ([`IdSlots::lazy`], for one entity's passages).
pub(crate) struct IdSlots {
    /// Per ordinal from `lo`: its id's slot, [`UNREAD`] or [`NO_ID`].
    slot_of: Vec<u32>,
    lo: u64,
    /// The column read lazily, when it is.
    column: Option<StrColumn>,
    /// Per slot: the id and its surer type.
    ids: Vec<(String, Option<Kind>)>,
    by_id: rustc_hash::FxHashMap<String, u32>,
}

/// An ordinal not read yet (lazily read slots).
const UNREAD: u32 = u32::MAX;
/// An ordinal whose term is no `kind:id`.
const NO_ID: u32 = u32::MAX - 1;

impl IdSlots {
    /// The ids of the ordinals `lo..hi` of `column`, read now.
    pub(crate) fn read(column: &StrColumn, lo: u64, hi: u64) -> IdSlots {
        let mut slots = IdSlots::sized(None, lo, hi);
        let Ok(mut stream) = column.dictionary().stream() else {
            return slots;
        };
        while stream.advance() {
            let ord = stream.term_ord();
            if (lo..hi).contains(&ord) {
                let term = String::from_utf8_lossy(stream.key());
                slots.slot_of[(ord - lo) as usize] = slots.place(&term);
            }
        }
        // An ordinal the stream did not give stays unread, and without a column to read it
        // from, `slot` takes it for no id.
        slots
    }

    /// The ids of every ordinal of `column`, each read when first asked for.
    pub(crate) fn lazy(column: StrColumn) -> IdSlots {
        let terms = column.num_terms() as u64;
        IdSlots::sized(Some(column), 0, terms)
    }

    /// No ids: a segment without the column.
    pub(crate) fn none() -> IdSlots {
        IdSlots::sized(None, 0, 0)
    }

    fn sized(column: Option<StrColumn>, lo: u64, hi: u64) -> IdSlots {
        IdSlots {
            slot_of: vec![UNREAD; hi.saturating_sub(lo) as usize],
            lo,
            column,
            ids: Vec::new(),
            by_id: rustc_hash::FxHashMap::default(),
        }
    }

    /// The slot of the term `kind:id`, made when new.
    fn place(&mut self, term: &str) -> u32 {
        let Some((kind, id)) = term.split_once(':') else {
            return NO_ID;
        };
        let slot = match self.by_id.get(id) {
            Some(&slot) => slot,
            None => {
                self.by_id.insert(id.to_owned(), self.ids.len() as u32);
                self.ids.push((id.to_owned(), None));
                self.ids.len() as u32 - 1
            }
        };
        let known = &mut self.ids[slot as usize].1;
        *known = surer(*known, kind.parse().ok());
        slot
    }

    /// The slot of ordinal `ord`.
    pub(crate) fn slot(&mut self, ord: u64) -> Option<u32> {
        let at = ord.checked_sub(self.lo)? as usize;
        let slot = match *self.slot_of.get(at)? {
            UNREAD => {
                let mut term = String::new();
                let read = self
                    .column
                    .as_ref()
                    .is_some_and(|c| c.ord_to_str(ord, &mut term).unwrap_or(false));
                let slot = if read { self.place(&term) } else { NO_ID };
                self.slot_of[at] = slot;
                slot
            }
            slot => slot,
        };
        (slot != NO_ID).then_some(slot)
    }

    /// Per slot: the id and its surer type.
    pub(crate) fn ids(&self) -> &[(String, Option<Kind>)] {
        &self.ids
    }
}

/// Merged tallies; kind resolved.
struct Merged {
    kind: Kind,
    passages: u64,
    mentions: u64,
    articles: u64,
    aliases: HashMap<String, u64>,
    first: Option<(i64, DocAddress)>,
    last: Option<(i64, DocAddress)>,
}

impl Merged {
    fn count(&self, id: String) -> EntityCount {
        let name = Gazetteer::builtin()
            .by_id(&id)
            .map(|e| e.name.to_string())
            .or_else(|| {
                // A proposed entity is named by its fullest spelling ("Donald Trump", not
                // the later "Trump"), then its most frequent.
                let words = |a: &str| a.split_whitespace().count();
                self.aliases
                    .iter()
                    .max_by(|a, b| {
                        words(a.0)
                            .cmp(&words(b.0))
                            .then(a.1.cmp(b.1))
                            .then_with(|| b.0.cmp(a.0))
                    })
                    .map(|(a, _)| a.clone())
            })
            .unwrap_or_else(|| id.clone());
        EntityCount {
            id,
            kind: self.kind.as_str(),
            name,
            passages: self.passages,
            articles: self.articles,
            mentions: self.mentions,
        }
    }
}

/// Collects entity tallies from the `entity` and `entity_alias` fast fields.
struct Tally {
    /// Only tally this id (for a profile).
    only: Option<String>,
}

/// The earliest and latest (day, doc) seen for an entity in a segment.
type FirstLast = (Option<(i64, DocId)>, Option<(i64, DocId)>);

struct SegmentTally {
    segment: SegmentOrdinal,
    entity: Option<StrColumn>,
    alias: Option<StrColumn>,
    key: Column<u64>,
    day_lo: Column<i64>,
    day_hi: Column<i64>,
    /// The ids of the entity ordinals.
    slots: IdSlots,
    /// Per slot: passages, mentions, and the per-doc "seen" stamp.
    per_slot: Vec<(u64, u64, DocId)>,
    per_alias: Vec<u64>,
    pairs: HashSet<(u32, u64)>,
    dates: HashMap<u32, FirstLast>,
    track_dates: bool,
}

impl Collector for Tally {
    type Fruit = HashMap<String, Merged>;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let ff = reader.fast_fields();
        let entity = ff.str(fast::ENTITY)?;
        let alias = ff.str(fast::ENTITY_ALIAS)?;
        // One entity's profile meets few of the ids: read as met. A tally of all meets most.
        let slots = match (&entity, &self.only) {
            (Some(column), Some(_)) => IdSlots::lazy(column.clone()),
            (Some(column), None) => IdSlots::read(column, 0, column.num_terms() as u64),
            (None, _) => IdSlots::none(),
        };
        let alias_ords = alias.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentTally {
            segment,
            entity,
            alias,
            key: ff.u64(fast::ARTICLE_KEY)?,
            day_lo: ff.i64(fast::DAY_LO)?,
            day_hi: ff.i64(fast::DAY_HI)?,
            slots,
            per_slot: Vec::new(),
            per_alias: vec![0; alias_ords],
            pairs: HashSet::new(),
            dates: HashMap::new(),
            track_dates: self.only.is_some(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<String, EntityTally>>,
    ) -> tantivy::Result<HashMap<String, Merged>> {
        let mut merged: HashMap<String, EntityTally> = HashMap::new();
        for fruit in fruits {
            for (id, t) in fruit {
                if self.only.as_ref().is_some_and(|only| *only != id) {
                    continue;
                }
                let m = merged.entry(id).or_default();
                m.kind = surer(m.kind, t.kind);
                m.passages += t.passages;
                m.mentions += t.mentions;
                m.articles.extend(t.articles);
                for (alias, n) in t.aliases {
                    *m.aliases.entry(alias).or_default() += n;
                }
                m.first = earliest(m.first, t.first, |a, b| a < b);
                m.last = earliest(m.last, t.last, |a, b| a > b);
            }
        }
        Ok(merged
            .into_iter()
            .filter_map(|(id, t)| {
                Some((
                    id,
                    Merged {
                        kind: t.kind?,
                        passages: t.passages,
                        mentions: t.mentions,
                        articles: t.articles.len() as u64,
                        aliases: t.aliases,
                        first: t.first,
                        last: t.last,
                    },
                ))
            })
            .collect())
    }
}

/// Of a (day, passage) kept and one found, the one whose day is `better` (the kept one on a
/// tie): the earliest or the latest.
pub(super) fn earliest(
    a: Option<(i64, DocAddress)>,
    b: Option<(i64, DocAddress)>,
    better: impl Fn(i64, i64) -> bool,
) -> Option<(i64, DocAddress)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if better(y.0, x.0) { y } else { x }),
        (x, y) => x.or(y),
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = HashMap<String, EntityTally>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(entity) = self.entity.take() else {
            return;
        };
        let key = self.key.first(doc).unwrap_or(0);
        for ord in entity.term_ords(doc) {
            let Some(slot) = self.slots.slot(ord) else {
                continue;
            };
            if slot as usize >= self.per_slot.len() {
                self.per_slot
                    .resize(self.slots.ids().len(), (0, 0, DocId::MAX));
            }
            let tally = &mut self.per_slot[slot as usize];
            tally.1 += 1;
            if tally.2 != doc {
                tally.2 = doc;
                tally.0 += 1;
                self.pairs.insert((slot, key));
                if self.track_dates {
                    let lo = self.day_lo.first(doc).unwrap_or(i64::MAX);
                    let hi = self.day_hi.first(doc).unwrap_or(i64::MIN);
                    let dates = self.dates.entry(slot).or_default();
                    if dates.0.is_none_or(|(d, _)| lo < d) {
                        dates.0 = Some((lo, doc));
                    }
                    if dates.1.is_none_or(|(d, _)| hi > d) {
                        dates.1 = Some((hi, doc));
                    }
                }
            }
        }
        self.entity = Some(entity);
        if let Some(alias) = &self.alias {
            for ord in alias.term_ords(doc) {
                self.per_alias[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> HashMap<String, EntityTally> {
        let mut out: HashMap<String, EntityTally> = HashMap::new();
        // Only the ids met (a slot read but never counted in is no entity of the passages).
        for (slot, ((id, kind), &(passages, mentions, _))) in
            self.slots.ids().iter().zip(&self.per_slot).enumerate()
        {
            if passages == 0 {
                continue;
            }
            let t = out.entry(id.clone()).or_default();
            t.kind = *kind;
            t.passages = passages;
            t.mentions = mentions;
            if let Some((first, last)) = self.dates.get(&(slot as u32)) {
                let address = |(d, doc): (i64, DocId)| (d, DocAddress::new(self.segment, doc));
                t.first = first.map(address);
                t.last = last.map(address);
            }
        }
        for (slot, key) in self.pairs {
            let id = &self.slots.ids()[slot as usize].0;
            out.get_mut(id).expect("tallied").articles.insert(key);
        }
        let mut value = String::new();
        if let Some(alias) = &self.alias {
            for (ord, &n) in self.per_alias.iter().enumerate() {
                value.clear();
                if n == 0 || !alias.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                    continue;
                }
                if let Some((id, spelling)) = value.split_once('\t')
                    && let Some(t) = out.get_mut(id)
                {
                    *t.aliases.entry(spelling.to_owned()).or_default() += n;
                }
            }
        }
        out
    }
}
