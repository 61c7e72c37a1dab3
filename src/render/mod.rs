//! Output: search results as terminal text or JSON Lines, written to any `Write`.
//!
//! The JSON Lines wire types live here, apart from the library's own types, so the documented
//! schema changes only on purpose.

pub mod facets;
pub mod json;
pub mod show;
pub mod svg;
pub mod wrap;

use std::io::{self, Write};
use std::ops::Range;

use anstyle::{AnsiColor, Effects, Style};

use crate::entities::Mention;
use crate::entities::attribution::Said;
use crate::error::printable;
use crate::search::show::Passage;
use crate::search::{Hit, SearchResults};

/// The styles of the text output (anstyle writes their SGR codes).
const BOLD_RED: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
const GREEN: Style = AnsiColor::Green.on_default();
const BOLD: Style = Style::new().effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);
const UNDERLINE: Style = Style::new().effects(Effects::UNDERLINE);

/// A style's opening and closing codes, or nothing without colour.
struct Painter {
    color: bool,
}

impl Painter {
    fn new(color: bool) -> Painter {
        Painter { color }
    }

    /// The codes that open `style`.
    fn on(&self, style: Style) -> String {
        match self.color {
            true => style.render().to_string(),
            false => String::new(),
        }
    }

    /// The codes that close any style.
    fn off(&self) -> String {
        match self.color {
            true => BOLD.render_reset().to_string(),
            false => String::new(),
        }
    }
}

/// The neighbouring passages of hit number `i` of a list, in order (`None` when the list is
/// written without them), asked for as each hit is written: a list of thousands of hits with a
/// wide context never holds every hit's neighbours at once.
pub type Around<'a> = &'a mut dyn FnMut(usize) -> io::Result<Option<Vec<Passage>>>;

/// No neighbours for any hit.
pub fn no_context(_: usize) -> io::Result<Option<Vec<Passage>>> {
    Ok(None)
}

/// Writes hits as readable text: a header line, the location line, the highlighted snippet;
/// with `context` (per hit, its neighbouring passages in order), the passages before and after
/// the snippet, dimmed. Control characters from the corpus are written as escapes (see
/// [`printable`]), so an article cannot send codes to the terminal.
///
/// # Errors
/// When writing fails (a closed pipe, say).
pub fn text(
    out: &mut dyn Write,
    results: &SearchResults,
    context: Around<'_>,
    color: bool,
) -> io::Result<()> {
    let p = Painter::new(color);
    let reset = p.off();
    let reset = reset.as_str();
    if let Some(plan) = &results.plan {
        writeln!(
            out,
            "{}plan: {}{}",
            p.on(DIM),
            printable(&plan.logical),
            reset
        )?;
        if !plan.bonuses.is_empty() {
            writeln!(
                out,
                "{}re-ranked by: {}{}",
                p.on(DIM),
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
        let shards = plan.shards.as_ref().map(|s| {
            format!(
                "; shards searched: {} of {}{}",
                s.searched.len(),
                s.total,
                match s.searched.as_slice() {
                    [] => String::new(),
                    keys if keys.len() <= 12 => format!(" ({})", printable(&keys.join(", "))),
                    keys => format!(
                        " ({} to {})",
                        printable(&keys[0]),
                        printable(&keys[keys.len() - 1])
                    ),
                }
            )
        });
        writeln!(
            out,
            "{}{}{}{}\n",
            p.on(DIM),
            how.join("; "),
            shards.unwrap_or_default(),
            reset
        )?;
    }
    for (i, hit) in results.hits.iter().enumerate() {
        writeln!(
            out,
            "{}{}.{} {}{}{}  {}{}{}",
            p.on(DIM),
            hit.rank,
            reset,
            p.on(GREEN),
            hit.info.date,
            reset,
            p.on(BOLD),
            printable(&heading(hit)),
            reset
        )?;
        write!(
            out,
            "   {}{}#{}{}",
            p.on(DIM),
            printable(&hit.article_id),
            hit.passage,
            reset
        )?;
        for (key, value) in &hit.info.meta {
            let (key, value) = (printable(key), printable(value));
            write!(out, "  {}{key}={value}{}", p.on(DIM), reset)?;
        }
        writeln!(out)?;
        let names = entity_names(&hit.entities);
        if !names.is_empty() {
            writeln!(out, "   {}entities: {names}{}", p.on(DIM), reset)?;
        }
        if let Some(names) = speaker_names(&hit.speakers) {
            writeln!(out, "   {}said by: {names}{}", p.on(DIM), reset)?;
        }
        let around = context(i)?.unwrap_or_default();
        let around = around.as_slice();
        let (before, after) = around.split_at(around.partition_point(|n| n.number < hit.passage));
        let neighbour = |out: &mut dyn Write, n: &Passage| {
            writeln!(
                out,
                "   {}#{} {}{}",
                p.on(DIM),
                n.number,
                printable(&n.text),
                reset
            )
        };
        for n in before {
            neighbour(out, n)?;
        }
        let mentions = hit
            .entities
            .iter()
            .filter_map(|m| hit.snippet.locate(&m.span));
        let marks = marks(&hit.snippet.highlights, mentions);
        let number = match around.is_empty() {
            true => String::new(),
            false => format!("{}#{}{} ", p.on(BOLD), hit.passage, reset),
        };
        writeln!(out, "   {number}{}", painted(&hit.snippet.text, &marks, &p))?;
        for line in grouping(hit) {
            writeln!(out, "   {}{}{}", p.on(DIM), printable(&line), reset)?;
        }
        if let Some(explained) = &hit.explanation {
            writeln!(
                out,
                "   {}{}{}",
                p.on(DIM),
                printable(&explanation(explained)),
                reset
            )?;
        }
        for n in after {
            neighbour(out, n)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The distinct names of a passage's entities, in text order, comma-separated.
fn entity_names(mentions: &[Mention]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for m in mentions {
        if !names.contains(&&*m.name) {
            names.push(&m.name);
        }
    }
    printable(&names.join(", ")).into_owned()
}

/// The names of a passage's speakers, comma-separated, if it has any.
fn speaker_names(said: &[Said]) -> Option<String> {
    let names: Vec<&str> = said.iter().map(|s| &*s.speaker.name).collect();
    (!names.is_empty()).then(|| printable(&names.join(", ")).into_owned())
}

/// What a marked range of text is. (The ranges a speaker says could join these as their own
/// kind of mark.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkKind {
    /// A match of the query: bold red.
    Match,
    /// An entity mention: underlined.
    Entity,
}

/// A text's marks in order: the query's matches, and the entity mentions that overlap none.
fn marks(
    highlights: &[Range<usize>],
    mentions: impl IntoIterator<Item = Range<usize>>,
) -> Vec<(Range<usize>, MarkKind)> {
    let mut marks: Vec<(Range<usize>, MarkKind)> = highlights
        .iter()
        .map(|r| (r.clone(), MarkKind::Match))
        .collect();
    for r in mentions {
        if !highlights
            .iter()
            .any(|h| h.start < r.end && r.start < h.end)
        {
            marks.push((r, MarkKind::Entity));
        }
    }
    marks.sort_by_key(|(r, _)| r.start);
    marks
}

/// `text` escaped, with its marks painted (plain without colour).
fn painted(text: &str, marks: &[(Range<usize>, MarkKind)], p: &Painter) -> String {
    let (matched, entity, off) = (p.on(BOLD_RED), p.on(UNDERLINE), p.off());
    let coded: Vec<(Range<usize>, &str, &str)> = marks
        .iter()
        .map(|(r, kind)| {
            let on = match kind {
                MarkKind::Match => matched.as_str(),
                MarkKind::Entity => entity.as_str(),
            };
            (r.clone(), on, off.as_str())
        })
        .collect();
    mark(text, &coded)
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
pub fn plural(n: u64, one: &str, many: &str) -> String {
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
    let stopped = match results.grouping_stopped {
        true => format!(
            "; grouping stopped after {} passages, so later hits are missing: --per-article 0 \
             --no-collapse shows every match",
            crate::search::MAX_GROUPING_WINDOW
        ),
        false => String::new(),
    };
    format!(
        "{} of {at_least}{} in {at_least}{} ({:.1} ms{hint}){stopped}",
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
            address: tantivy::DocAddress::new(0, 0),
            explanation: None,
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
