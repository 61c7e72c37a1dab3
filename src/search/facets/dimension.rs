//! The dimensions a facet counts by, each reading one segment's fast fields: the date columns
//! for periods, the `facet` column for metadata and sources, the `entity` column for entities
//! and their types.
//!
//! A dimension turns a passage into value codes ([`SegmentValues::codes`]) and a code back into
//! its value ([`SegmentValues::label`]) once counting is done. Codes are the segment's own; the
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
    /// The value a code stands for.
    fn label(&self, code: u64) -> Option<String>;
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

    fn label(&self, code: u64) -> Option<String> {
        self.periods.get(code as usize).map(Date::to_string)
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
    fn codes(&self, doc: DocId, out: &mut Vec<u64>, code: impl Fn(u64) -> Option<u64>) {
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

    /// The term of an ordinal.
    fn term(&self, ord: u64) -> Option<String> {
        let mut term = String::new();
        let col = self.column.as_ref()?;
        col.ord_to_str(ord, &mut term).ok()?.then_some(term)
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

    fn label(&self, code: u64) -> Option<String> {
        self.ords.term(code).map(|t| t[self.prefix..].to_owned())
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
        Ok(Box::new(SegmentEntities {
            ords: Ords::with_prefix(column, "")?,
            types,
        }))
    }
}

impl SegmentValues for SegmentEntities {
    fn codes(&mut self, doc: DocId, out: &mut Vec<u64>) {
        match &self.types {
            None => self.ords.codes(doc, out, Some),
            Some(runs) => self.ords.codes(doc, out, |ord| {
                let kind = runs.iter().position(|(lo, hi)| (*lo..*hi).contains(&ord))?;
                Some(kind as u64)
            }),
        }
    }

    fn label(&self, code: u64) -> Option<String> {
        match &self.types {
            Some(_) => Kind::ALL.get(code as usize).map(|k| k.as_str().to_owned()),
            None => self.ords.term(code),
        }
    }
}
