//! The dimensions a facet counts by, each reading one segment's fast fields: the date columns
//! for periods, the `facet` column for metadata and sources, the `entity` column for entities
//! and their types.
//!
//! A dimension turns a passage into value codes ([`SegmentValues::codes`]) and a code back into
//! its value ([`SegmentValues::labels`]) once counting is done. Codes are the segment's own; the
//! values, merged across segments, are strings. Another dimension — per-passage speakers, once
//! passages carry attribution — is one more implementation of [`Dimension`], chosen in
//! [`FacetBy::dimension`].

use rustc_hash::FxHashMap;
use tantivy::columnar::{Column, StrColumn, TermOrdHit};
use tantivy::{DocId, SegmentReader};

use super::FacetBy;
use crate::corpus::Date;
use crate::corpus::date::Precision;
use crate::entities::Kind;
use crate::index::document::FACET_SEPARATOR;
use crate::index::schema::fast;
use crate::search::entities::IdSlots;

/// Where a facet's values come from.
pub trait Dimension: Sync {
    /// The values of one segment.
    ///
    /// # Errors
    /// A failure reading the segment's columns.
    fn for_segment(&self, reader: &SegmentReader) -> tantivy::Result<Box<dyn SegmentValues>>;
}

/// One segment's values.
pub trait SegmentValues {
    /// Appends the codes of `doc`'s values to `out`, each once.
    fn codes(&mut self, doc: DocId, out: &mut Vec<u64>);
    /// The values of `codes` (sorted, distinct), with their codes.
    fn labels(&self, codes: &[u64]) -> Vec<(u64, String)>;
    /// When every code is below a bound known up front (term ordinals), the bound: codes are
    /// then counted in a vector instead of a map.
    fn bound(&self) -> Option<usize> {
        None
    }
}

impl FacetBy {
    /// The dimension that reads this facet's values.
    pub fn dimension(&self) -> Box<dyn Dimension> {
        match self {
            FacetBy::Year => Box::new(Periods(Precision::Year)),
            FacetBy::Month => Box::new(Periods(Precision::Month)),
            FacetBy::Day => Box::new(Periods(Precision::Day)),
            FacetBy::Source => Box::new(Fields(crate::index::document::SOURCE_FACET.to_owned())),
            FacetBy::Meta(key) => Box::new(Fields(key.clone())),
            FacetBy::Entity => Box::new(Entities { by_type: false }),
            FacetBy::Type => Box::new(Entities { by_type: true }),
        }
    }
}

/// Article dates at one precision: a date known less precisely has no value.
struct Periods(Precision);

struct SegmentPeriods {
    precision: Precision,
    day_lo: Column<i64>,
    day_hi: Column<i64>,
    /// The periods seen, by code.
    periods: Vec<Date>,
    codes: FxHashMap<Date, u64>,
    /// The last passage's date columns and code: an article's passages lie together.
    last: Option<((i64, i64), Option<u64>)>,
}

impl Dimension for Periods {
    fn for_segment(&self, reader: &SegmentReader) -> tantivy::Result<Box<dyn SegmentValues>> {
        let ff = reader.fast_fields();
        Ok(Box::new(SegmentPeriods {
            precision: self.0,
            day_lo: ff.i64(fast::DAY_LO)?,
            day_hi: ff.i64(fast::DAY_HI)?,
            periods: Vec::new(),
            codes: FxHashMap::default(),
            last: None,
        }))
    }
}

impl SegmentValues for SegmentPeriods {
    fn codes(&mut self, doc: DocId, out: &mut Vec<u64>) {
        let (Some(lo), Some(hi)) = (self.day_lo.first(doc), self.day_hi.first(doc)) else {
            return;
        };
        let code = match self.last {
            Some((days, code)) if days == (lo, hi) => code,
            _ => {
                let period = Date::from_days(lo, hi).and_then(|d| d.at(self.precision));
                let code = period.map(|p| {
                    *self.codes.entry(p).or_insert_with(|| {
                        self.periods.push(p);
                        self.periods.len() as u64 - 1
                    })
                });
                self.last = Some(((lo, hi), code));
                code
            }
        };
        out.extend(code);
    }

    fn labels(&self, codes: &[u64]) -> Vec<(u64, String)> {
        codes
            .iter()
            .filter_map(|&c| Some((c, self.periods.get(c as usize)?.to_string())))
            .collect()
    }
}

/// The values of one key of the `facet` column: a metadata field, or the source.
struct Fields(String);

/// The term ordinals of a column that a dimension counts, `lo..hi`.
struct Ords {
    column: Option<StrColumn>,
    lo: u64,
    hi: u64,
}

impl Ords {
    /// The ordinals of the terms of `column` that start with `prefix` (all for `""`): one run,
    /// since terms are sorted.
    fn with_prefix(column: Option<StrColumn>, prefix: &str) -> tantivy::Result<Ords> {
        let Some(col) = &column else {
            return Ok(Ords {
                column,
                lo: 0,
                hi: 0,
            });
        };
        let terms = col.num_terms() as u64;
        let ord = |key: &[u8]| -> tantivy::Result<u64> {
            Ok(match col.dictionary().term_ord_or_next(key)? {
                TermOrdHit::Exact(o) | TermOrdHit::Next(o) => o.min(terms),
            })
        };
        let (lo, hi) = match prefix.as_bytes() {
            [] => (0, terms),
            bytes => {
                // The first term past the prefix: its last byte raised by one (a prefix here
                // ends in an ASCII separator, so the byte cannot overflow).
                let mut past = bytes.to_vec();
                *past.last_mut().expect("not empty") += 1;
                (ord(bytes)?, ord(&past)?)
            }
        };
        Ok(Ords { column, lo, hi })
    }

    /// Appends the codes of `doc`'s counted ordinals to `out`, each code once: `code` turns an
    /// ordinal into its code.
    fn codes(&self, doc: DocId, out: &mut Vec<u64>, mut code: impl FnMut(u64) -> Option<u64>) {
        let Some(col) = &self.column else { return };
        let start = out.len();
        for ord in col.term_ords(doc) {
            if (self.lo..self.hi).contains(&ord)
                && let Some(code) = code(ord)
                && !out[start..].contains(&code)
            {
                out.push(code);
            }
        }
    }

    /// The terms of `ords` (sorted, distinct). The dictionary is read once, in order, from the
    /// first of them: looking ordinals up one by one would decompress a block each time.
    fn terms(&self, ords: &[u64]) -> Vec<(u64, String)> {
        let (Some(col), Some(&first)) = (&self.column, ords.first()) else {
            return Vec::new();
        };
        let mut key = Vec::new();
        if !col
            .dictionary()
            .ord_to_term(first, &mut key)
            .unwrap_or(false)
        {
            return Vec::new();
        }
        let Ok(mut stream) = col.dictionary().range().ge(&key).into_stream() else {
            return Vec::new();
        };
        let mut terms = Vec::with_capacity(ords.len());
        let mut wanted = ords.iter().peekable();
        while let Some(&&ord) = wanted.peek() {
            if !stream.advance() {
                break;
            }
            if stream.term_ord() == ord {
                terms.push((ord, String::from_utf8_lossy(stream.key()).into_owned()));
                wanted.next();
            }
        }
        terms
    }
}

struct SegmentFields {
    ords: Ords,
    prefix: usize,
}

impl Dimension for Fields {
    fn for_segment(&self, reader: &SegmentReader) -> tantivy::Result<Box<dyn SegmentValues>> {
        let prefix = format!("{}{FACET_SEPARATOR}", self.0);
        let column = reader.fast_fields().str(fast::FACET)?;
        Ok(Box::new(SegmentFields {
            ords: Ords::with_prefix(column, &prefix)?,
            prefix: prefix.len(),
        }))
    }
}

impl SegmentValues for SegmentFields {
    fn codes(&mut self, doc: DocId, out: &mut Vec<u64>) {
        self.ords.codes(doc, out, Some);
    }

    fn labels(&self, codes: &[u64]) -> Vec<(u64, String)> {
        let mut terms = self.ords.terms(codes);
        for (_, term) in &mut terms {
            term.drain(..self.prefix.min(term.len()));
        }
        terms
    }

    fn bound(&self) -> Option<usize> {
        Some(self.ords.hi as usize)
    }
}

/// Entities mentioned in the passage (`person:ushakov`), or their types (`person`).
struct Entities {
    by_type: bool,
}

struct SegmentEntities {
    ords: Ords,
    /// With types: the ordinal runs of each type's terms, in [`Kind::ALL`] order.
    types: Option<Vec<(u64, u64)>>,
    /// Without types: the ids of the ordinals; a slot is a code (see [`IdSlots`]: an id
    /// recognised as two types counts a passage once, in one row).
    ids: IdSlots,
}

impl Dimension for Entities {
    fn for_segment(&self, reader: &SegmentReader) -> tantivy::Result<Box<dyn SegmentValues>> {
        let column = reader.fast_fields().str(fast::ENTITY)?;
        let types = match self.by_type {
            true => Some(
                Kind::ALL
                    .iter()
                    .map(|k| {
                        let run = Ords::with_prefix(column.clone(), &format!("{k}:"))?;
                        Ok((run.lo, run.hi))
                    })
                    .collect::<tantivy::Result<Vec<_>>>()?,
            ),
            false => None,
        };
        let ords = Ords::with_prefix(column, "")?;
        let ids = match (&types, &ords.column) {
            (None, Some(column)) => IdSlots::read(column, ords.lo, ords.hi),
            _ => IdSlots::none(),
        };
        Ok(Box::new(SegmentEntities { ords, types, ids }))
    }
}

impl SegmentValues for SegmentEntities {
    fn codes(&mut self, doc: DocId, out: &mut Vec<u64>) {
        match &self.types {
            None => {
                let ids = &mut self.ids;
                self.ords
                    .codes(doc, out, |ord| Some(u64::from(ids.slot(ord)?)))
            }
            Some(runs) => self.ords.codes(doc, out, |ord| {
                let kind = runs.iter().position(|(lo, hi)| (*lo..*hi).contains(&ord))?;
                Some(kind as u64)
            }),
        }
    }

    fn labels(&self, codes: &[u64]) -> Vec<(u64, String)> {
        match &self.types {
            Some(_) => codes
                .iter()
                .filter_map(|&c| Some((c, Kind::ALL.get(c as usize)?.as_str().to_owned())))
                .collect(),
            // The id alone: its rows from several segments, under any type, are one row.
            None => codes
                .iter()
                .filter_map(|&c| Some((c, self.ids.ids().get(c as usize)?.0.clone())))
                .collect(),
        }
    }

    fn bound(&self) -> Option<usize> {
        match &self.types {
            Some(_) => Some(Kind::ALL.len()),
            None => Some(self.ids.ids().len()),
        }
    }
}
