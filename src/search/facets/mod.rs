//! Facets: how the passages matching a query spread over a dimension — years, months or days,
//! a metadata field such as `country` or `speaker`, the source, the entities mentioned or their
//! types — with the passages and distinct articles per value (`attache facets`).
//!
//! Counting reads fast fields only (see [`count`]); no stored document is fetched, so a facet
//! over every match of a common word costs about what counting its matches costs. Dates count
//! at the precision asked for and never finer than written: a speech dated `1983` counts in
//! 1983 by year and in no month by month; [`Facets::missing`] says how many were left out.
//! Periods are listed oldest first, from the index's first period to its last (within the
//! dates asked), an empty period as a zero row: a timeline's gaps show, and the timelines of
//! two queries line up.

pub mod count;
pub mod dimension;

use std::str::FromStr;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Searcher;
use super::entities::selection;
use crate::corpus::Date;
use crate::corpus::date::Precision;
use crate::entities::Gazetteer;
use crate::error::{Error, Result};
use crate::index::document::meta_key;
use count::{Counts, FacetCollector};

/// What to count by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FacetBy {
    /// The article's year.
    Year,
    /// The article's month, for dates written to the month or day.
    Month,
    /// The article's day, for dates written to the day.
    Day,
    /// The article's source.
    Source,
    /// Entities mentioned in the passage.
    Entity,
    /// The types of the entities mentioned in the passage.
    Type,
    /// A metadata field of the article (`country`, `speaker`, `session`); a value holding
    /// `; ` counts as several (the UNGDC's two speakers of one speech).
    Meta(String),
}

/// The facets `--by` names besides metadata fields.
pub const BUILTIN_FACETS: [&str; 6] = ["year", "month", "day", "source", "entity", "type"];

impl FromStr for FacetBy {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<FacetBy, String> {
        Ok(match s {
            "year" => FacetBy::Year,
            "month" => FacetBy::Month,
            "day" => FacetBy::Day,
            "source" => FacetBy::Source,
            "entity" => FacetBy::Entity,
            "type" => FacetBy::Type,
            // `meta.type`: the metadata key a facet of the same name shadows.
            key if key
                .strip_prefix("meta.")
                .is_some_and(|k| !k.is_empty() && meta_key(k) == k) =>
            {
                FacetBy::Meta(key["meta.".len()..].to_owned())
            }
            key if !key.is_empty() && meta_key(key) == key => FacetBy::Meta(key.to_owned()),
            _ => {
                return Err(format!(
                    "'{s}' is not a facet: use {} or a metadata field such as country or speaker",
                    BUILTIN_FACETS.join(", ")
                ));
            }
        })
    }
}

impl FacetBy {
    /// The facet's name, as `--by` takes it.
    pub fn name(&self) -> &str {
        match self {
            FacetBy::Year => "year",
            FacetBy::Month => "month",
            FacetBy::Day => "day",
            FacetBy::Source => "source",
            FacetBy::Entity => "entity",
            FacetBy::Type => "type",
            FacetBy::Meta(key) => key,
        }
    }

    /// The date precision of a timeline, or `None` for other facets.
    pub fn precision(&self) -> Option<Precision> {
        match self {
            FacetBy::Year => Some(Precision::Year),
            FacetBy::Month => Some(Precision::Month),
            FacetBy::Day => Some(Precision::Day),
            _ => None,
        }
    }
}

/// The order of the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetSort {
    /// Most passages first (ties: more articles, then the value).
    Count,
    /// By value: periods oldest first, over the index's span, empty periods as zero rows;
    /// other values in byte order.
    Value,
}

/// A facet to count.
#[derive(Debug, Clone)]
pub struct FacetRequest {
    /// Only passages matching this query (attache's syntax); all passages when blank.
    pub query: String,
    /// What to count by.
    pub by: FacetBy,
    /// Only articles dated on or after this.
    pub since: Option<Date>,
    /// Only articles dated on or before this.
    pub until: Option<Date>,
    /// The order of the values.
    pub sort: FacetSort,
    /// How many values to return, in that order; `None` for all.
    pub limit: Option<usize>,
    /// Give up with [`crate::Error::Timeout`] when matching takes longer; `None` or zero waits
    /// for ever.
    pub timeout: Option<std::time::Duration>,
}

impl FacetRequest {
    /// Counts every value of `by` over the passages matching `query`, periods in date order,
    /// other values most frequent first.
    pub fn new(query: impl Into<String>, by: FacetBy) -> FacetRequest {
        let sort = match by.precision() {
            Some(_) => FacetSort::Value,
            None => FacetSort::Count,
        };
        FacetRequest {
            query: query.into(),
            by,
            since: None,
            until: None,
            sort,
            limit: None,
            timeout: None,
        }
    }
}

/// One value's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetRow {
    /// The value: a period as dates are written (`1983`, `2025-11`), a metadata value or source
    /// as written, an entity id, an entity type.
    pub value: String,
    /// For an entity, its display name (the gazetteer's, else its id).
    pub name: Option<String>,
    /// Matching passages with this value.
    pub passages: u64,
    /// Distinct articles among them.
    pub articles: u64,
}

/// Passages and the distinct articles among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Passages.
    pub passages: u64,
    /// Distinct articles among them.
    pub articles: u64,
}

/// What a facet counted.
#[derive(Debug, Clone)]
pub struct Facets {
    /// What was counted by.
    pub by: FacetBy,
    /// The values, in the order asked, up to the limit (with zero rows between periods).
    pub rows: Vec<FacetRow>,
    /// Distinct values with at least one match, before the limit.
    pub values: u64,
    /// The rows there were before the limit cut them (`rows.len()` when it cut none).
    pub rows_before_limit: usize,
    /// Whether a timeline's empty periods were left out: it would have spanned more than
    /// [`MAX_TIMELINE_ROWS`] periods (a stray date, `0001-01-01` among 2020s articles by day).
    pub zeros_left_out: bool,
    /// Every matching passage, and its articles.
    pub matched: Count,
    /// Matching passages without a value: no such field, no entity, or a date written less
    /// precisely than the facet's periods (`1983` has no month).
    pub missing: Count,
    /// Time spent.
    pub took: Duration,
}

/// Counts the passages matching `request.query` per value of `request.by`.
///
/// # Errors
/// A malformed query, dates that cannot match, a metadata field no article has (the error
/// lists those it has), or a failure reading the index.
pub fn facets(searcher: &mut Searcher, request: &FacetRequest) -> Result<Facets> {
    let started = Instant::now();
    if let FacetBy::Meta(key) = &request.by {
        let fields = searcher.index().fields;
        let keys = super::meta_keys(&searcher.reader().searcher(), fields.meta, None)?;
        if !keys.contains(key) {
            let mut known: Vec<&str> = BUILTIN_FACETS.to_vec();
            known.extend(keys.iter().map(String::as_str));
            return Err(Error::Invalid(format!(
                "no article has a '{key}' field: --by takes {}",
                known.join(", ")
            )));
        }
    }
    super::check_dates(request.since, request.until)?;
    let query = selection(searcher, &request.query, request.since, request.until)?;
    let query = super::bounded::Bounded::new(query, request.timeout);
    let dimension = request.by.dimension();
    let collector = FacetCollector {
        dimension: dimension.as_ref(),
    };
    let reader = searcher.reader().searcher();
    let mut counts = searcher.guard(|| Ok(reader.search(&query, &collector)?))?;
    query.check()?;
    if matches!(request.by, FacetBy::Meta(_) | FacetBy::Source) {
        counts.fold_case();
    }
    // A timeline spans the index's periods (within the dates asked), so that the curves of
    // two queries line up and a word's first and last years show against the corpus's.
    let span = match (request.by.precision(), request.sort) {
        // A query that matches nothing still gets its zero rows, to line up with the others.
        (Some(_), FacetSort::Value) if !request.query.trim().is_empty() => {
            let all = selection(searcher, "", request.since, request.until)?;
            let periods = searcher.guard(|| Ok(reader.search(all.as_ref(), &collector)?))?;
            let first = periods.values.keys().min().and_then(|v| v.parse().ok());
            let last = periods.values.keys().max().and_then(|v| v.parse().ok());
            first.zip(last)
        }
        _ => None,
    };
    let mut facets = arrange(request, counts, span, started);
    // An entity the gazetteer lacks is named as `attache entities` names it: by its fullest
    // spelling in the index (`George Bush`), not its id.
    if request.by == FacetBy::Entity {
        let unnamed = |row: &FacetRow| row.name.as_deref() == Some(row.value.as_str());
        let ids: Vec<String> = (facets.rows.iter())
            .filter(|row| unnamed(row))
            .map(|row| row.value.clone())
            .collect();
        let mut names = super::entities::entity_names(searcher, &ids)?;
        for row in facets.rows.iter_mut().filter(|row| unnamed(row)) {
            if let Some(name) = names.remove(&row.value) {
                row.name = Some(name);
            }
        }
        facets.took = started.elapsed();
    }
    Ok(facets)
}

/// Orders, fills (from the first to the last period of `span`, when given) and cuts the
/// counted values.
fn arrange(
    request: &FacetRequest,
    counts: Counts,
    span: Option<(Date, Date)>,
    started: Instant,
) -> Facets {
    let count = |t: &count::Tally| Count {
        passages: t.passages,
        articles: t.articles(),
    };
    let values = counts.values.len() as u64;
    let mut rows: Vec<FacetRow> = counts
        .values
        .iter()
        .map(|(value, tally)| {
            let (value, name) = match request.by {
                FacetBy::Entity => entity(value),
                _ => (value.clone(), None),
            };
            FacetRow {
                value,
                name,
                passages: tally.passages,
                articles: tally.articles(),
            }
        })
        .collect();
    // Periods are written so that byte order is date order (`0999`, `1983`, `1983-04`).
    rows.sort_by(|a, b| a.value.cmp(&b.value));
    let mut zeros_left_out = false;
    match request.sort {
        FacetSort::Count => rows.sort_by(|a, b| {
            (b.passages, b.articles)
                .cmp(&(a.passages, a.articles))
                .then_with(|| a.value.cmp(&b.value))
        }),
        FacetSort::Value => {
            if request.by.precision().is_some() {
                match fill_periods(&rows, span) {
                    Some(filled) => rows = filled,
                    None => zeros_left_out = true,
                }
            } else if let Some(numbers) = (rows.iter())
                .map(|r| r.value.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
                .collect::<Option<Vec<f64>>>()
            {
                // Numbers (a session, a count) in their order: 1, 2, 10, not 1, 10, 2.
                let mut order: Vec<(f64, FacetRow)> = numbers.into_iter().zip(rows).collect();
                order.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.value.cmp(&b.1.value)));
                rows = order.into_iter().map(|(_, row)| row).collect();
            }
        }
    }
    let rows_before_limit = rows.len();
    if let Some(limit) = request.limit {
        rows.truncate(limit);
    }
    Facets {
        by: request.by.clone(),
        rows,
        values,
        rows_before_limit,
        zeros_left_out,
        matched: count(&counts.all),
        missing: count(&counts.missing),
        took: started.elapsed(),
    }
}

/// An entity's id and display name from its indexed value `type:id`.
fn entity(value: &str) -> (String, Option<String>) {
    let id = value.split_once(':').map_or(value, |(_, id)| id);
    let name = Gazetteer::builtin()
        .by_id(id)
        .map_or_else(|| id.to_owned(), |e| e.name.to_string());
    (id.to_owned(), Some(name))
}

/// The most rows a timeline's zero rows may fill it to.
pub const MAX_TIMELINE_ROWS: usize = 100_000;

/// Periods in date order with a zero row for each empty period between the first and last,
/// or between the ends of `span`; `None` when that would make more than [`MAX_TIMELINE_ROWS`].
fn fill_periods(rows: &[FacetRow], span: Option<(Date, Date)>) -> Option<Vec<FacetRow>> {
    let zero = |date: Date| FacetRow {
        value: date.to_string(),
        name: None,
        passages: 0,
        articles: 0,
    };
    let mut filled = Vec::with_capacity(rows.len());
    let mut next: Option<Date> = span.map(|(first, _)| first);
    for row in rows {
        let Ok(date) = row.value.parse::<Date>() else {
            filled.push(row.clone());
            continue;
        };
        while let Some(gap) = next.filter(|n| *n < date && n.precision() == date.precision()) {
            filled.push(zero(gap));
            next = Some(gap.next());
            if filled.len() > MAX_TIMELINE_ROWS {
                return None;
            }
        }
        next = Some(date.next());
        filled.push(row.clone());
    }
    if let Some((_, last)) = span {
        while let Some(gap) = next.filter(|n| *n <= last && n.precision() == last.precision()) {
            filled.push(zero(gap));
            next = Some(gap.next());
            if filled.len() > MAX_TIMELINE_ROWS {
                return None;
            }
        }
    }
    Some(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: &str, passages: u64) -> FacetRow {
        FacetRow {
            value: value.to_owned(),
            name: None,
            passages,
            articles: 1,
        }
    }

    #[test]
    fn empty_periods_between_are_zero_rows() {
        let filled = fill_periods(&[row("1946", 3), row("1949", 1), row("1950", 2)], None).unwrap();
        let shown: Vec<(&str, u64)> = filled
            .iter()
            .map(|r| (r.value.as_str(), r.passages))
            .collect();
        assert_eq!(
            shown,
            [
                ("1946", 3),
                ("1947", 0),
                ("1948", 0),
                ("1949", 1),
                ("1950", 2)
            ]
        );
        let months = fill_periods(&[row("2024-11", 1), row("2025-02", 1)], None).unwrap();
        let values: Vec<&str> = months.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(values, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        let date = |s: &str| s.parse::<Date>().unwrap();
        let span = Some((date("1944"), date("1947")));
        let years = fill_periods(&[row("1946", 3)], span).unwrap();
        let values: Vec<&str> = years.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(
            values,
            ["1944", "1945", "1946", "1947"],
            "the span's ends too"
        );
    }

    #[test]
    fn facet_names_parse_and_a_bad_one_says_what_is_allowed() {
        assert_eq!("year".parse::<FacetBy>(), Ok(FacetBy::Year));
        assert_eq!(
            "speaker".parse::<FacetBy>(),
            Ok(FacetBy::Meta("speaker".into()))
        );
        assert_eq!(
            "Country!".parse::<FacetBy>().unwrap_err(),
            "'Country!' is not a facet: use year, month, day, source, entity, type or a \
             metadata field such as country or speaker"
        );
    }
}
