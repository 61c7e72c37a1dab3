//! Facet output: a terminal bar chart (one row per value or period, scaled bars, counts) and
//! JSON Lines.
//!
//! ```text
//! {"schema":1,"type":"value","by":"year","value":"1983","passages":120,"articles":64}
//! {"schema":1,"type":"summary","by":"year","values":79,"rows":79,"passages_matched":4521,"articles_matched":1932,"missing":{"passages":0,"articles":0},"took_ms":12.5}
//! ```

use std::io::{self, Write};

use serde::Serialize;

use super::json::SCHEMA;
use super::wrap::{display_width, fit};
use super::{DIM, GREEN, Painter, plural};
use crate::error::printable;
use crate::search::facets::{Count, FacetBy, FacetRow, Facets};

/// A bar's colour.
const BAR: anstyle::Style = anstyle::AnsiColor::Cyan.on_default();
/// The widest value column; longer values are cut with `…`.
const MAX_LABEL: usize = 40;
/// The narrowest bar column, however narrow the terminal.
const MIN_BAR: usize = 10;
/// Eighths of a character cell, for bars finer than a cell.
const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// Writes the facet as a bar chart `width` characters wide: a header, then per row the value,
/// its passages and articles, and a bar scaled to the most passages.
///
/// # Errors
/// When writing fails.
pub fn chart(out: &mut dyn Write, facets: &Facets, width: usize, color: bool) -> io::Result<()> {
    let p = Painter::new(color);
    let labels: Vec<String> = facets.rows.iter().map(label).collect();
    let label_width = labels
        .iter()
        .map(|l| display_width(l))
        .chain([facets.by.name().len()])
        .max()
        .unwrap_or(0);
    let digits = |n: u64| n.to_string().len();
    let most = facets.rows.iter().map(|r| r.passages).max().unwrap_or(0);
    let most_articles = facets.rows.iter().map(|r| r.articles).max().unwrap_or(0);
    let (pw, aw) = (digits(most).max(8), digits(most_articles).max(8));
    let bar_width = width.saturating_sub(label_width + pw + aw + 3).max(MIN_BAR);
    writeln!(
        out,
        "{}{:<label_width$} {:>pw$} {:>aw$}{}",
        p.on(DIM),
        facets.by.name(),
        "passages",
        "articles",
        p.off()
    )?;
    let dates = facets.by.precision().is_some();
    for (row, label) in facets.rows.iter().zip(&labels) {
        // Padded to display columns: a Chinese or Japanese character takes two.
        let pad = label_width - display_width(label);
        let (style, bar_style) = match row.passages {
            0 => (DIM, DIM),
            _ if dates => (GREEN, BAR),
            _ => (anstyle::Style::new(), BAR),
        };
        let counts = format!("{:>pw$} {:>aw$}", row.passages, row.articles);
        let counts = match row.passages {
            0 => format!("{}{counts}{}", p.on(DIM), p.off()),
            _ => counts,
        };
        write!(out, "{}{label}{}{:pad$} {counts}", p.on(style), p.off(), "")?;
        match bar(row.passages, most, bar_width) {
            bar if bar.is_empty() => writeln!(out)?,
            bar => writeln!(out, " {}{bar}{}", p.on(bar_style), p.off())?,
        }
    }
    Ok(())
}

/// A row's value as shown: an entity with its name, control characters escaped, cut to
/// [`MAX_LABEL`] display columns.
fn label(row: &FacetRow) -> String {
    let text = match &row.name {
        Some(name) => format!("{name} (@{})", row.value),
        None => row.value.clone(),
    };
    fit(&printable(&text), MAX_LABEL)
}

/// A bar of `n` out of `most` on `width` cells, in eighths of a cell; a count above zero
/// always shows.
fn bar(n: u64, most: u64, width: usize) -> String {
    if n == 0 || most == 0 {
        return String::new();
    }
    let eighths = ((n as f64 / most as f64) * (width * 8) as f64)
        .round()
        .max(1.0) as usize;
    let mut bar = "█".repeat(eighths / 8);
    let rest = eighths % 8;
    if rest > 0 {
        bar.push(EIGHTHS[rest]);
    }
    bar
}

/// What the values are called: `years`, `entities`, `speaker values`.
fn values_noun(by: &FacetBy, n: u64) -> String {
    let (one, many) = match by {
        FacetBy::Year => ("year", "years"),
        FacetBy::Month => ("month", "months"),
        FacetBy::Day => ("day", "days"),
        FacetBy::Source => ("source", "sources"),
        FacetBy::Entity => ("entity", "entities"),
        FacetBy::Type => ("entity type", "entity types"),
        FacetBy::Meta(key) => return format!("{} of {key}", plural(n, "value", "values")),
    };
    plural(n, one, many)
}

/// The one-line summary, for stderr: `79 years with matches; 4521 passages in 1932 articles
/// matched (12.5 ms)`.
pub fn summary(facets: &Facets) -> String {
    let mut line = format!(
        "{} with matches; {} in {} matched ({:.1} ms)",
        values_noun(&facets.by, facets.values),
        plural(facets.matched.passages, "passage", "passages"),
        plural(facets.matched.articles, "article", "articles"),
        facets.took.as_secs_f64() * 1000.0
    );
    if facets.rows.len() < facets.rows_before_limit {
        line += &format!(
            "; {} of {} rows shown (--limit)",
            facets.rows.len(),
            facets.rows_before_limit
        );
    }
    if facets.zeros_left_out {
        line += &format!(
            "; periods without matches left out (the timeline would hold more than {} rows)",
            crate::search::facets::MAX_TIMELINE_ROWS
        );
    }
    line
}

/// What the passages without a value are, when there are some: `12 passages in 3 articles are
/// dated only to the year: not counted by month`.
pub fn missing(facets: &Facets) -> Option<String> {
    let Count { passages, articles } = facets.missing;
    if passages == 0 {
        return None;
    }
    let counted = format!(
        "{} in {}",
        plural(passages, "passage", "passages"),
        plural(articles, "article", "articles")
    );
    let verb = if passages == 1 { "is" } else { "are" };
    let has = if passages == 1 { "has" } else { "have" };
    Some(match &facets.by {
        FacetBy::Year => format!("{counted} {has} no date"),
        FacetBy::Month => format!("{counted} {verb} dated only to the year: not counted by month"),
        FacetBy::Day => {
            format!("{counted} {verb} dated only to the month or year: not counted by day")
        }
        FacetBy::Source => format!("{counted} {has} no source"),
        FacetBy::Meta(key) => format!("{counted} {has} no {key}"),
        FacetBy::Entity | FacetBy::Type => {
            let mention = if passages == 1 { "mentions" } else { "mention" };
            format!(
                "{} {mention} no entity",
                plural(passages, "passage", "passages")
            )
        }
    })
}

/// One value on the wire.
#[derive(Serialize)]
struct ValueJson<'a> {
    schema: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    by: &'a str,
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    passages: u64,
    articles: u64,
}

/// The closing summary on the wire.
#[derive(Serialize)]
struct SummaryJson<'a> {
    schema: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    by: &'a str,
    values: u64,
    rows: usize,
    rows_before_limit: usize,
    zeros_left_out: bool,
    passages_matched: u64,
    articles_matched: u64,
    missing: Count,
    /// True when the index is partial (see [`super::json::Hints::partial`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
    took_ms: f64,
}

/// Writes the facet as JSON Lines: one `value` object per row, then a `summary` (saying
/// `"partial": true` when the index read is `partial`).
///
/// # Errors
/// When writing fails.
pub fn json(out: &mut dyn Write, facets: &Facets, partial: bool) -> io::Result<()> {
    let by = facets.by.name();
    for row in &facets.rows {
        let value = ValueJson {
            schema: SCHEMA,
            kind: "value",
            by,
            value: &row.value,
            name: row.name.as_deref(),
            passages: row.passages,
            articles: row.articles,
        };
        serde_json::to_writer(&mut *out, &value)?;
        out.write_all(b"\n")?;
    }
    let summary = SummaryJson {
        schema: SCHEMA,
        kind: "summary",
        by,
        values: facets.values,
        rows: facets.rows.len(),
        rows_before_limit: facets.rows_before_limit,
        zeros_left_out: facets.zeros_left_out,
        passages_matched: facets.matched.passages,
        articles_matched: facets.matched.articles,
        missing: facets.missing,
        partial,
        took_ms: (facets.took.as_secs_f64() * 1e6).round() / 1e3,
    };
    serde_json::to_writer(&mut *out, &summary)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_in_eighths_and_never_vanish() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(9, 16, 2), "█▏");
        assert_eq!(bar(1, 1000, 10), "▏", "a small count still shows");
        assert_eq!(bar(0, 10, 10), "");
    }
}
