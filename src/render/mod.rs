//! Output: search results as terminal text or JSON Lines, written to any `Write`.
//!
//! The JSON Lines wire types live here, apart from the library's own types, so the documented
//! schema changes only on purpose.

pub mod json;

use std::io::{self, Write};
use std::ops::Range;

use crate::search::{Hit, SearchResults};

const BOLD_RED: &str = "\x1b[1;31m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Writes hits as readable text: a header line, the location line, the highlighted snippet.
///
/// # Errors
/// When writing fails (a closed pipe, say).
pub fn text(out: &mut dyn Write, results: &SearchResults, color: bool) -> io::Result<()> {
    let paint = |code: &'static str| if color { code } else { "" };
    let reset = paint(RESET);
    for hit in &results.hits {
        writeln!(
            out,
            "{}{}.{} {}{}{}  {}{}{}",
            paint(DIM),
            hit.rank,
            reset,
            paint(GREEN),
            hit.info.date,
            reset,
            paint(BOLD),
            heading(hit),
            reset
        )?;
        write!(
            out,
            "   {}{}#{}{}",
            paint(DIM),
            hit.article_id,
            hit.passage,
            reset
        )?;
        for (key, value) in &hit.info.meta {
            write!(out, "  {}{key}={value}{}", paint(DIM), reset)?;
        }
        writeln!(out)?;
        let marked = mark(
            &hit.snippet.text,
            &hit.snippet.highlights,
            paint(BOLD_RED),
            reset,
        );
        writeln!(out, "   {marked}")?;
        writeln!(out)?;
    }
    Ok(())
}

/// The title, with the source when it adds something.
fn heading(hit: &Hit) -> String {
    match &hit.info.source {
        Some(source) if !hit.info.title.contains(source.as_str()) => {
            format!("{} · {source}", hit.info.title)
        }
        _ => hit.info.title.clone(),
    }
}

/// `text` with `ranges` wrapped in `on` … `off`.
fn mark(text: &str, ranges: &[Range<usize>], on: &str, off: &str) -> String {
    if on.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + ranges.len() * 12);
    let mut at = 0;
    for r in ranges {
        out.push_str(&text[at..r.start]);
        out.push_str(on);
        out.push_str(&text[r.clone()]);
        out.push_str(off);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The one-line summary of a search, for stderr.
pub fn summary(results: &SearchResults) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} of {} in {} ({:.1} ms)",
        plural(results.hits.len() as u64, "hit shown", "hits shown"),
        plural(
            results.passages_matched,
            "matching passage",
            "matching passages"
        ),
        plural(results.articles_matched, "article", "articles"),
        results.took.as_secs_f64() * 1000.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_ranges_only_with_colour() {
        let ushakov = [Range { start: 5, end: 12 }];
        assert_eq!(
            mark("said Ushakov here", &ushakov, "<", ">"),
            "said <Ushakov> here"
        );
        assert_eq!(
            mark("said Ushakov here", &ushakov, "", ""),
            "said Ushakov here"
        );
    }
}
