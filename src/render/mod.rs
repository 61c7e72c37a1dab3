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
    if let Some(plan) = &results.plan {
        writeln!(
            out,
            "{}plan: {}{}",
            paint(DIM),
            printable(&plan.logical),
            reset
        )?;
        if !plan.bonuses.is_empty() {
            writeln!(
                out,
                "{}re-ranked by: {}{}",
                paint(DIM),
                printable(&plan.bonuses.join(", ")),
                reset
            )?;
        }
        let mut how = Vec::new();
        if plan.length_prior {
            how.push("scores weighed by passage length");
        }
        how.push(match plan.pruned {
            true => "matches that cannot reach the top are skipped (block-max)",
            false => "every match is scored",
        });
        writeln!(out, "{}{}{}\n", paint(DIM), how.join("; "), reset)?;
    }
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
        if let Some(explained) = &hit.explanation {
            writeln!(
                out,
                "   {}{}{}",
                paint(DIM),
                printable(&explanation(explained)),
                reset
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A hit's score taken apart, on one line:
/// `score 7.214 = bm25 6.103 (~secur 2.3 + security^0.25 0.6 + …) + together 1.111 × length 0.93`.
pub fn explanation(e: &crate::search::explain::Explanation) -> String {
    let parts = |parts: &[crate::search::explain::Part]| {
        parts
            .iter()
            .map(|p| format!("{} {:.3}", p.label, p.score))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let bm25: f32 = e.bm25.iter().map(|p| p.score).sum();
    let mut line = format!("score {:.3} = bm25 {bm25:.3}", e.score);
    if !e.bm25.is_empty() {
        line.push_str(&format!(" ({})", parts(&e.bm25)));
    }
    if !e.bonuses.is_empty() {
        let bonus: f32 = e.bonuses.iter().map(|p| p.score).sum();
        line.push_str(&format!(" + together {bonus:.3} ({})", parts(&e.bonuses)));
    }
    if let Some(weight) = e.length_weight {
        line.push_str(&format!(" × length {weight:.3}"));
    }
    line
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

    #[test]
    fn marks_ranges_with_their_codes() {
        let marks = [(5..12, "<", ">"), (13..17, "_", "_")];
        assert_eq!(mark("said Ushakov here", &marks), "said <Ushakov> _here_");
        assert_eq!(mark("said Ushakov here", &[]), "said Ushakov here");
        let escaped = mark("a\x1b[2Jb", &[(0..1, "<", ">")]);
        assert_eq!(escaped, "<a>\\u{1b}[2Jb");
    }
}
