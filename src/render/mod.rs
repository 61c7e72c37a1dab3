//! Output: search results as terminal text or JSON Lines, written to any `Write`.
//!
//! The JSON Lines wire types live here, apart from the library's own types, so the documented
//! schema changes only on purpose.

pub mod json;
pub mod wrap;

use std::io::{self, Write};
use std::ops::Range;

use anstyle::{AnsiColor, Effects, Style};

use crate::error::printable;
use crate::search::{Hit, SearchResults};

/// The styles of the text output (anstyle writes their SGR codes).
const BOLD_RED: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
const GREEN: Style = AnsiColor::Green.on_default();
const BOLD: Style = Style::new().effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);
const UNDERLINE: Style = Style::new().effects(Effects::UNDERLINE);

/// Writes hits as readable text: a header line, the location line, the highlighted snippet.
/// Control characters from the corpus are written as escapes (see [`printable`]), so an article
/// cannot send codes to the terminal.
///
/// # Errors
/// When writing fails (a closed pipe, say).
pub fn text(out: &mut dyn Write, results: &SearchResults, color: bool) -> io::Result<()> {
    // A style's opening codes, or nothing without colour; `reset` closes any of them.
    let paint = |style: Style| {
        if color {
            style.render().to_string()
        } else {
            String::new()
        }
    };
    let reset = if color {
        BOLD.render_reset().to_string()
    } else {
        String::new()
    };
    let reset = reset.as_str();
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
            printable(&heading(hit)),
            reset
        )?;
        write!(
            out,
            "   {}{}#{}{}",
            paint(DIM),
            printable(&hit.article_id),
            hit.passage,
            reset
        )?;
        for (key, value) in &hit.info.meta {
            let (key, value) = (printable(key), printable(value));
            write!(out, "  {}{key}={value}{}", paint(DIM), reset)?;
        }
        writeln!(out)?;
        let mut names: Vec<&str> = Vec::new();
        for m in &hit.entities {
            if !names.contains(&&*m.name) {
                names.push(&m.name);
            }
        }
        if !names.is_empty() {
            writeln!(
                out,
                "   {}entities: {}{}",
                paint(DIM),
                names.join(", "),
                reset
            )?;
        }
        if !hit.speakers.is_empty() {
            let names: Vec<&str> = hit.speakers.iter().map(|s| &*s.speaker.name).collect();
            writeln!(
                out,
                "   {}said by: {}{}",
                paint(DIM),
                printable(&names.join(", ")),
                reset
            )?;
        }
        let highlight = paint(BOLD_RED);
        let underline = paint(UNDERLINE);
        let mut marks: Vec<(Range<usize>, &str, &str)> = hit
            .snippet
            .highlights
            .iter()
            .map(|r| (r.clone(), highlight.as_str(), reset))
            .collect();
        if color {
            // Entity mentions are underlined, unless already highlighted.
            for m in &hit.entities {
                if let Some(r) = hit.snippet.locate(&m.span)
                    && !marks
                        .iter()
                        .any(|(h, _, _)| h.start < r.end && r.start < h.end)
                {
                    marks.push((r, underline.as_str(), reset));
                }
            }
        }
        marks.sort_by_key(|(r, _, _)| r.start);
        writeln!(out, "   {}", mark(&hit.snippet.text, &marks))?;
        for line in grouping(hit) {
            writeln!(out, "   {}{}{}", paint(DIM), printable(&line), reset)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// How many duplicates a hit's text names; `--json` lists them all.
const NAMED_DUPLICATES: usize = 3;

/// The lines under a grouped hit: `+2 more passages in this article`, `also in:
/// 000_f6c3.txt#1 (2025-11-24), … and 2 more`.
fn grouping(hit: &Hit) -> Vec<String> {
    let mut lines = Vec::new();
    if hit.more_in_article > 0 {
        let passages = plural(hit.more_in_article, "more passage", "more passages");
        lines.push(format!("+{passages} in this article"));
    }
    if !hit.duplicates.is_empty() {
        let mut named: Vec<String> = hit
            .duplicates
            .iter()
            .take(NAMED_DUPLICATES)
            .map(|d| match &d.info.source {
                Some(source) => {
                    format!("{}#{} ({}, {source})", d.article_id, d.passage, d.info.date)
                }
                None => format!("{}#{} ({})", d.article_id, d.passage, d.info.date),
            })
            .collect();
        let rest = hit.duplicates.len().saturating_sub(NAMED_DUPLICATES);
        if rest > 0 {
            named.push(format!("and {rest} more"));
        }
        lines.push(format!("also in: {}", named.join(", ")));
    }
    lines
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

/// `text` with each sorted, non-overlapping range wrapped in its `on` … `off` codes.
fn mark(text: &str, marks: &[(Range<usize>, &str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 12);
    let mut at = 0;
    for (r, on, off) in marks {
        out.push_str(&printable(&text[at..r.start]));
        out.push_str(on);
        out.push_str(&printable(&text[r.clone()]));
        out.push_str(off);
        at = r.end;
    }
    out.push_str(&printable(&text[at..]));
    out
}

/// `n` and the word for one or for many.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The answer of `search --count`: `12 passages in 9 articles`, `1 passage in 1 article`.
pub fn count(results: &SearchResults) -> String {
    format!(
        "{} in {}",
        plural(results.passages_matched, "passage", "passages"),
        plural(results.articles_matched, "article", "articles")
    )
}

/// The one-line summary of a search, for stderr. Counts that stopped early read `≥ 1000`.
pub fn summary(results: &SearchResults) -> String {
    let at_least = if results.counts_exact { "" } else { "≥ " };
    let hint = if results.counts_exact {
        ""
    } else {
        "; --exact-count counts them all"
    };
    format!(
        "{} of {at_least}{} in {at_least}{} ({:.1} ms{hint})",
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

    fn info(date: &str, source: Option<&str>) -> crate::index::document::Info {
        crate::index::document::Info {
            date: date.into(),
            title: "Talks in Geneva".into(),
            source: source.map(Into::into),
            url: None,
            meta: Vec::new(),
        }
    }

    #[test]
    fn a_grouped_hit_says_what_more_matches_and_where_else_it_is() {
        let duplicate = |id: &str, passage, date, source| crate::search::Duplicate {
            article_id: id.into(),
            passage,
            info: info(date, source),
        };
        let mut hit = Hit {
            rank: 1,
            score: 1.0,
            article_id: "a.txt".into(),
            passage: 2,
            info: info("2025-11-24", None),
            text: "Talks went on.".into(),
            highlights: Vec::new(),
            snippet: crate::search::Snippet::default(),
            entities: Vec::new(),
            speakers: Vec::new(),
            more_in_article: 0,
            duplicates: Vec::new(),
        };
        assert!(grouping(&hit).is_empty());
        hit.more_in_article = 1;
        hit.duplicates = vec![duplicate("b.txt", 0, "2025-11-25", Some("Reuters"))];
        assert_eq!(
            grouping(&hit),
            [
                "+1 more passage in this article",
                "also in: b.txt#0 (2025-11-25, Reuters)"
            ]
        );
        hit.more_in_article = 7;
        hit.duplicates = (0..5)
            .map(|n| duplicate(&format!("c{n}.txt"), n, "2025", None))
            .collect();
        assert_eq!(
            grouping(&hit),
            [
                "+7 more passages in this article",
                "also in: c0.txt#0 (2025), c1.txt#1 (2025), c2.txt#2 (2025), and 2 more"
            ]
        );
    }

    #[test]
    fn marks_ranges_with_their_codes() {
        let marks = [(5..12, "<", ">"), (13..17, "_", "_")];
        assert_eq!(mark("said Ushakov here", &marks), "said <Ushakov> _here_");
        assert_eq!(mark("said Ushakov here", &[]), "said Ushakov here");
        let escaped = mark("a\x1b[2Jb", &[(0..1, "<", ">")]);
        assert_eq!(escaped, "<a>\\u{1b}[2Jb");
    }
}
