//! Snippets: where a passage matched, and the best short window of it to show.
//!
//! The passage is re-analysed with the same [`Analyzer`] that indexed it, so a highlight is
//! exactly a word the query matched: a stem match (`guarantees` for `guarantee`), an exact word,
//! or a whole phrase occurrence (`security guarantee`, marked as one range).

use std::ops::Range;

use super::plan::Highlight;
use crate::analysis::{Analyzer, stem_token};
use crate::entities::Mention;

/// Passages up to this many bytes are shown whole.
const MAX_SNIPPET: usize = 280;
/// Context kept before the first highlight of a window.
const LEAD: usize = 60;

/// A window of a passage with its highlights.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The window, with `…` where the passage was cut.
    pub text: String,
    /// Byte ranges of `text` to highlight.
    pub highlights: Vec<Range<usize>>,
    /// The window's byte range in the passage.
    pub window: Range<usize>,
    /// Bytes of `…` before the window in `text`.
    pub lead: usize,
}

impl Snippet {
    /// Where a byte range of the passage lies in the snippet text, if inside the window.
    pub fn locate(&self, range: &Range<usize>) -> Option<Range<usize>> {
        (range.start >= self.window.start && range.end <= self.window.end).then(|| {
            range.start - self.window.start + self.lead..range.end - self.window.start + self.lead
        })
    }
}

struct WordInfo {
    span: Range<usize>,
    exact: String,
    stem: Option<String>,
}

/// Byte ranges of `text` that match `highlight`, sorted and non-overlapping; `mentions` are
/// the passage's entity mentions, marked when the query names their entity.
pub fn highlights(
    analyzer: &mut Analyzer,
    text: &str,
    highlight: &Highlight,
    mentions: &[Mention],
) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    analyzer.for_each_word(text, |w| {
        words.push(WordInfo {
            span: w.span,
            exact: w.exact.to_owned(),
            stem: w.stem.map(stem_token),
        })
    });
    let mut ranges = Vec::new();
    for word in &words {
        let hit = highlight.words.iter().any(|forms| {
            forms
                .iter()
                .any(|f| *f == word.exact || Some(f) == word.stem.as_ref())
        });
        if hit {
            ranges.push(word.span.clone());
        }
    }
    for (phrase, slop) in &highlight.phrases {
        for start in 0..words.len() {
            if let Some(matched) = match_phrase(&words[start..], phrase, *slop) {
                let first = words[start].span.start;
                if *slop == 0 {
                    ranges.push(first..words[start + matched[matched.len() - 1]].span.end);
                } else {
                    ranges.extend(matched.iter().map(|&i| words[start + i].span.clone()));
                }
            }
        }
    }
    // A mention of a queried entity is marked whole, unless a word the query spelled out
    // already marks its part of it: `Ushakov` marks "Ushakov" in "Yuri Ushakov", `@ushakov`
    // marks the whole name, and `Kiev` marks "Kyiv".
    let spelled = ranges.clone();
    ranges.extend(
        mentions
            .iter()
            .filter(|m| highlight.entities.iter().any(|id| **id == *m.id))
            .filter(|m| {
                !spelled
                    .iter()
                    .any(|r| r.start >= m.span.start && r.end <= m.span.end)
            })
            .map(|m| m.span.clone()),
    );
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Offsets (into `words`) of an occurrence of `phrase` starting at `words[0]`, allowing `slop`
/// extra words in between.
fn match_phrase(words: &[WordInfo], phrase: &[String], slop: u32) -> Option<Vec<usize>> {
    if words.first()?.exact != phrase[0] {
        return None;
    }
    let mut matched = vec![0];
    let mut budget = slop as usize;
    let mut at = 0;
    for term in &phrase[1..] {
        let found = (at + 1..=at + 1 + budget)
            .take_while(|&i| i < words.len())
            .find(|&i| words[i].exact == *term)?;
        budget -= found - at - 1;
        at = found;
        matched.push(found);
    }
    Some(matched)
}

/// The best window of `text` around `highlights`: the one holding the most of them.
pub fn snippet(text: &str, highlights: &[Range<usize>]) -> Snippet {
    if text.len() <= MAX_SNIPPET {
        return Snippet {
            text: text.to_owned(),
            highlights: highlights.to_vec(),
            window: 0..text.len(),
            lead: 0,
        };
    }
    let mut best = (0, 0);
    for (i, h) in highlights.iter().enumerate() {
        let start = h.start.saturating_sub(LEAD);
        let count = highlights[i..]
            .iter()
            .take_while(|r| r.end <= start + MAX_SNIPPET)
            .count();
        if count > best.1 {
            best = (start, count);
        }
    }
    let start = if best.0 == 0 {
        0
    } else {
        word_boundary_after(text, best.0)
    };
    let end = word_boundary_before(text, (start + MAX_SNIPPET).min(text.len()));
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < text.len() { "…" } else { "" };
    let mut snippet = Snippet {
        text: format!("{prefix}{}{suffix}", &text[start..end]),
        highlights: Vec::new(),
        window: start..end,
        lead: prefix.len(),
    };
    snippet.highlights = highlights
        .iter()
        .filter_map(|r| snippet.locate(r))
        .collect();
    snippet
}

/// The start of the first word at or after byte `at`.
fn word_boundary_after(text: &str, at: usize) -> usize {
    let mut i = at;
    while !text.is_char_boundary(i) {
        i += 1;
    }
    match text[i..].find(' ') {
        Some(space) if at > 0 => i + space + 1,
        _ => i,
    }
}

/// The end of the last whole word before byte `at`.
fn word_boundary_before(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    let mut i = at;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    text[..i].rfind(' ').unwrap_or(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked<'a>(text: &'a str, hl: &Highlight) -> Vec<&'a str> {
        highlights(&mut Analyzer::new(), text, hl, &[])
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn marks_stem_matches_and_whole_phrases() {
        let text = "Security guarantees matter; the security guarantee architecture holds.";
        let hl = Highlight {
            words: vec![vec!["~guarante".into()]],
            ..Highlight::default()
        };
        assert_eq!(marked(text, &hl), ["guarantees", "guarantee"]);
        let hl = Highlight {
            phrases: vec![(vec!["security".into(), "guarantee".into()], 0)],
            ..Highlight::default()
        };
        assert_eq!(marked(text, &hl), ["security guarantee"]);
    }

    #[test]
    fn sloppy_phrases_mark_their_words() {
        let text = "Kremlin aide Yuri Ushakov said";
        let hl = Highlight {
            phrases: vec![(vec!["kremlin".into(), "ushakov".into()], 3)],
            ..Highlight::default()
        };
        assert_eq!(marked(text, &hl), ["Kremlin", "Ushakov"]);
    }

    #[test]
    fn long_passages_are_cut_around_the_highlights() {
        let text = format!(
            "{} Ushakov said so. {}",
            "word ".repeat(100),
            "tail ".repeat(100)
        );
        let at = text.find("Ushakov").unwrap();
        let s = snippet(
            &text,
            &[Range {
                start: at,
                end: at + 7,
            }],
        );
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        assert!(s.text.len() <= MAX_SNIPPET + 6);
        assert_eq!(&s.text[s.highlights[0].clone()], "Ushakov");
    }
}
