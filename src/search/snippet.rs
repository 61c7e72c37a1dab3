//! Snippets: where a passage matched, and the best short window of it to show.
//!
//! The passage is re-analysed with the same [`Analyzer`] that indexed it, so a highlight is
//! exactly a word the query matched: a stem match (`guarantees` for `guarantee`), an exact word,
//! or a whole phrase occurrence (`security guarantee`, marked as one range). Phrases are matched
//! on the words' positions, with the index's gaps at clause and sentence breaks, so a phrase is
//! marked only where the index matched it: never across a comma or a full stop.

use std::ops::Range;

use super::plan::Highlight;
use crate::analysis::{Analyzer, Initials, STEM_PREFIX};
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

/// A phrase's words as (offset, index among all the phrases' words).
type IndexedPhrase = Vec<(usize, Option<usize>)>;

/// A word of the passage as phrase marking reads it: where it is, and which of the phrases'
/// words it is (its index among them), if any.
struct WordInfo {
    span: Range<usize>,
    term: Option<usize>,
    position: usize,
}

/// Byte ranges of `text` that match `highlight`, sorted and non-overlapping; `mentions` are
/// the passage's entity mentions, marked when the query names their entity.
pub fn highlights(
    analyzer: &mut Analyzer,
    text: &str,
    highlight: &Highlight,
    mentions: &[Mention],
) -> Vec<Range<usize>> {
    let mut ranges = marked(analyzer, text, highlight);
    // `quote:` words and phrases inside quotation marks only, as the index has them.
    if let Some(quote) = &highlight.quote {
        let quotes = crate::entities::attribution::quote_spans(text);
        ranges.extend(
            marked(analyzer, text, quote)
                .into_iter()
                .filter(|r| quotes.iter().any(|q| q.start <= r.start && r.end <= q.end)),
        );
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

/// The ranges of `text` that `highlight`'s words and phrases match, unsorted.
fn marked(analyzer: &mut Analyzer, text: &str, highlight: &Highlight) -> Vec<Range<usize>> {
    // The phrases' distinct words, and each phrase as (offset, index among them): the passage's
    // words are compared by index, and nothing is copied per word.
    let mut terms: Vec<&str> = highlight
        .phrases
        .iter()
        .flat_map(|(phrase, _)| phrase.iter().map(|(_, word)| word.as_str()))
        .collect();
    terms.sort_unstable();
    terms.dedup();
    let index = |word: &str| terms.binary_search(&word).ok();
    let phrases: Vec<(IndexedPhrase, u32)> = highlight
        .phrases
        .iter()
        .map(|(phrase, slop)| {
            let phrase = phrase.iter().map(|(at, w)| (*at, index(w))).collect();
            (phrase, *slop)
        })
        .collect();
    let mut words = Vec::new();
    let mut ranges = Vec::new();
    // Only words that start as a query word does can be one: the others are not looked up.
    let initials = Initials::of(
        highlight
            .words
            .iter()
            .flatten()
            .map(String::as_str)
            .chain(terms.iter().copied()),
    );
    analyzer.for_each_word_of(text, &initials, |w| {
        // A word matches as its exact form, or as its stem's index token (`~stem`).
        let stem_is = |form: &str| {
            form.strip_prefix(STEM_PREFIX)
                .is_some_and(|stem| w.stem == Some(stem))
        };
        // A word not looked up (its `exact` empty) is no query word.
        let looked_up = !w.exact.is_empty();
        let hit = looked_up
            && highlight
                .words
                .iter()
                .any(|forms| forms.iter().any(|f| f == w.exact || stem_is(f)));
        if hit {
            ranges.push(w.span.clone());
        }
        if !terms.is_empty() {
            words.push(WordInfo {
                term: index(w.exact).filter(|_| looked_up),
                span: w.span,
                position: w.position,
            });
        }
    });
    for (phrase, slop) in &phrases {
        if *slop > 0 {
            ranges.extend(sloppy_matches(&words, phrase, *slop).map(|i| words[i].span.clone()));
            continue;
        }
        for start in 0..words.len() {
            if let Some(last) = exact_phrase_end(&words[start..], phrase) {
                ranges.push(words[start].span.start..words[start + last].span.end);
            }
        }
    }
    ranges
}

/// Indices (into `words`) of the words of every occurrence of a sloppy `phrase`, as the search
/// defines one (`super::sloppy`): one occurrence of each of its words, each shifted back by its
/// offset in the phrase, all within `slop` positions of each other, in any order
/// (`"iraq kuwait invasion"~3` matches *Iraq invasion of Kuwait*). A word is marked when some
/// window of `slop` positions holds it and an occurrence of every other word of the phrase.
fn sloppy_matches(
    words: &[WordInfo],
    phrase: &[(usize, Option<usize>)],
    slop: u32,
) -> impl Iterator<Item = usize> {
    // Each occurrence of a phrase word: (its shifted position, which of the phrase's words,
    // index into `words`), sorted by shifted position.
    let mut shifted: Vec<(isize, usize, usize)> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(term) = word.term else { continue };
        for (k, (offset, t)) in phrase.iter().enumerate() {
            if *t == Some(term) {
                shifted.push((word.position as isize - *offset as isize, k, i));
            }
        }
    }
    shifted.sort_unstable();
    let slop = slop as isize;
    let covers = |from: isize| {
        let mut seen = vec![false; phrase.len()];
        for &(_, k, _) in shifted.iter().filter(|e| e.0 >= from && e.0 <= from + slop) {
            seen[k] = true;
        }
        seen.iter().all(|&b| b)
    };
    // A window starts at an occurrence: the windows that cover every word.
    let windows: Vec<isize> = shifted
        .iter()
        .map(|e| e.0)
        .filter(|&from| covers(from))
        .collect();
    let mut marked: Vec<usize> = shifted
        .iter()
        .filter(|e| {
            windows
                .iter()
                .any(|&from| e.0 >= from && e.0 <= from + slop)
        })
        .map(|e| e.2)
        .collect();
    marked.sort_unstable();
    marked.dedup();
    marked.into_iter()
}

/// The index (into `words`) of the last word of an occurrence of the exact `phrase` starting
/// at `words[0]`. Each term of the phrase is `(offset, word)`; a match puts each term at its
/// offset from the first (sloppy phrases are matched by [`sloppy_matches`]).
fn exact_phrase_end(words: &[WordInfo], phrase: &[(usize, Option<usize>)]) -> Option<usize> {
    let (first_offset, first) = phrase.first()?;
    if first.is_none() || words.first()?.term != *first {
        return None;
    }
    // The position of the phrase's start.
    let anchor = words[0].position as isize - *first_offset as isize;
    let mut at = 0;
    for (offset, term) in &phrase[1..] {
        let want = anchor + *offset as isize;
        let found = (at + 1..words.len())
            .take_while(|&i| words[i].position as isize <= want)
            .find(|&i| {
                term.is_some() && words[i].term == *term && words[i].position as isize == want
            })?;
        // An exact phrase's gap (a clause break typed as punctuation) holds no word: a word
        // standing there makes this no occurrence, as the search reads it (`super::gapped`).
        let previous = words[at].position;
        if words[at + 1..found]
            .iter()
            .any(|w| w.position > previous && w.position < words[found].position)
        {
            return None;
        }
        at = found;
    }
    Some(at)
}

/// [`snippet_keyed`] with each highlight's text, lowercased, as its key.
#[cfg(test)]
pub fn snippet(text: &str, highlights: &[Range<usize>]) -> Snippet {
    let words: Vec<String> = highlights
        .iter()
        .map(|r| text[r.clone()].to_lowercase())
        .collect();
    snippet_keyed(text, highlights, &words)
}

/// The best window of `text` around `highlights`: the one holding the most distinct words of
/// them, each highlight's word given by `keys` (one per highlight, the forms a query word
/// matches under one key: `security`, `secure`), then the most highlights.
///
/// The window starts at a word boundary up to 60 bytes before its first highlight and ends at
/// the last word boundary that keeps its highlights, at most 280 bytes later. A run without
/// spaces (a long URL, a word in a script written without spaces) may leave no boundary where
/// one is wanted: the window is then cut inside the run, on a character boundary, so it always
/// holds its first highlight (when one fits) and never slices a character.
pub fn snippet_keyed(text: &str, highlights: &[Range<usize>], keys: &[String]) -> Snippet {
    if text.len() <= MAX_SNIPPET {
        return Snippet {
            text: text.to_owned(),
            highlights: highlights.to_vec(),
            window: 0..text.len(),
            lead: 0,
        };
    }
    // The window holding the most distinct highlighted words, then the most highlights: a
    // query's rarer word, met once, is not crowded out by its commoner one repeated
    // (`piracy Somalia`: "Somalia … Somalia … Somalia" against "piracy off the Somali coast").
    // (lead start, first highlight's start, last highlight's end, (distinct words, highlights))
    let mut best = (0, 0, 0, (0, 0));
    let words = keys;
    let mut distinct: Vec<&str> = Vec::new();
    for (i, h) in highlights.iter().enumerate() {
        // Less context before a highlight too long to fit with all of it.
        let from = h
            .start
            .saturating_sub(LEAD.min(MAX_SNIPPET.saturating_sub(h.len())));
        let held = &highlights[i..];
        let count = held
            .iter()
            .take_while(|r| r.end <= from + MAX_SNIPPET)
            .count();
        distinct.clear();
        for word in &words[i..i + count] {
            if !distinct.contains(&word.as_str()) {
                distinct.push(word);
            }
        }
        let score = (distinct.len(), count);
        if score > best.3 {
            best = (from, h.start, held[count - 1].end, score);
        }
    }
    let (from, first, last, _) = best;
    let start = if from == 0 {
        0
    } else {
        word_start(text, from, first)
    };
    let end = word_end(text, last.max(start), start + MAX_SNIPPET);
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

/// Where a window wanting to start at byte `from` starts: after the first space in
/// `from..keep`, or at `from` itself (on a character boundary) when a run without spaces
/// covers that stretch. Never after `keep`.
fn word_start(text: &str, from: usize, keep: usize) -> usize {
    let from = floor_char_boundary(text, from.min(keep));
    match text[from..keep].find(' ') {
        Some(space) => from + space + 1,
        // Not inside a letter and its marks (`ค` `ุ`: Thai, Lao, Khmer, Myanmar).
        None => crate::corpus::cluster_start(text, from),
    }
}

/// Where a window that must hold `..keep` and may run to byte `limit` ends: at the last space
/// in `keep..limit`, or at `limit` (on a character boundary) when a run without spaces covers
/// that stretch. Never before `keep`.
fn word_end(text: &str, keep: usize, limit: usize) -> usize {
    if limit >= text.len() {
        return text.len();
    }
    let limit = crate::corpus::cluster_start(text, floor_char_boundary(text, limit)).max(keep);
    match text[keep..limit].rfind(' ') {
        Some(space) => keep + space,
        None => limit,
    }
}

/// The largest character boundary of `text` at or before byte `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
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
            phrases: vec![(vec![(0, "security".into()), (1, "guarantee".into())], 0)],
            ..Highlight::default()
        };
        assert_eq!(marked(text, &hl), ["security guarantee"]);
    }

    /// The index does not match a phrase across a clause or a sentence: neither does the snippet.
    #[test]
    fn phrases_are_not_marked_across_clauses_or_sentences() {
        let phrase = |slop| Highlight {
            phrases: vec![(vec![(0, "security".into()), (1, "guarantee".into())], slop)],
            ..Highlight::default()
        };
        let text = "maintain international peace and security, guarantee justice";
        assert_eq!(marked(text, &phrase(0)), Vec::<&str>::new());
        assert_eq!(marked(text, &phrase(5)), ["security", "guarantee"]);
        let text = "We need security. Guarantee it.";
        assert_eq!(marked(text, &phrase(0)), Vec::<&str>::new());
        assert_eq!(marked(text, &phrase(32)), Vec::<&str>::new());
        // A phrase typed with its comma carries the gap in its offsets.
        let typed = Highlight {
            phrases: vec![(vec![(0, "security".into()), (2, "guarantee".into())], 0)],
            ..Highlight::default()
        };
        let text = "peace and security, guarantee justice";
        assert_eq!(marked(text, &typed), ["security, guarantee"]);
        // Its gap holds no word: "security and guarantee" stands at the same distance.
        let text = "security and guarantee; then security, guarantee";
        assert_eq!(marked(text, &typed), ["security, guarantee"]);
        let two_state = Highlight {
            phrases: vec![(vec![(0, "two".into()), (1, "state".into())], 0)],
            ..Highlight::default()
        };
        assert_eq!(marked("the two-State solution", &two_state), ["two-State"]);
    }

    #[test]
    fn sloppy_phrases_mark_their_words() {
        let text = "Kremlin aide Yuri Ushakov said";
        let hl = Highlight {
            phrases: vec![(vec![(0, "kremlin".into()), (1, "ushakov".into())], 3)],
            ..Highlight::default()
        };
        assert_eq!(marked(text, &hl), ["Kremlin", "Ushakov"]);
    }

    /// `"iraq kuwait invasion"~3` found *Iraq invasion of Kuwait* and marked none of it: the
    /// marking read a sloppy phrase's words in order only.
    #[test]
    fn sloppy_phrases_mark_their_words_out_of_order_too() {
        let hl = |slop| Highlight {
            phrases: vec![(
                vec![
                    (0, "iraq".into()),
                    (1, "kuwait".into()),
                    (2, "invasion".into()),
                ],
                slop,
            )],
            ..Highlight::default()
        };
        let text = "lessons of the Iraq invasion of Kuwait, and of Kuwait again";
        assert_eq!(marked(text, &hl(3)), ["Iraq", "invasion", "Kuwait"]);
        // Beyond the slop (offsets 0, 2, -1: a spread of 3), or across a sentence: nothing.
        assert!(marked(text, &hl(2)).is_empty());
        assert!(marked("Iraq invaded. Kuwait invasion", &hl(3)).is_empty());
    }

    /// A snippet of Thai, Lao, Myanmar or Khmer cut a vowel sign or tone mark from its
    /// letter (`…รองค…`, the `ุ` left out), and a Khmer subscript from its coeng.
    #[test]
    fn runs_without_spaces_are_cut_between_letters_and_their_marks() {
        use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
        for (run, word) in [
            ("คุ้มครอง", "สันติภาพ"),
            ("ຄຸ້ມຄອງ", "ສັນຕິພາບ"),
            ("ကာကွယ်စောင့်ရှောက်", "ငြိမ်းချမ်းရေး"),
            ("ការពារប្រក្រតី", "សន្តិភាព"),
        ] {
            let text = format!("{}{word}{}", run.repeat(30), run.repeat(30));
            let at = text.find(word).unwrap();
            let hit = Range {
                start: at,
                end: at + word.len(),
            };
            let s = snippet(&text, std::slice::from_ref(&hit));
            let inner = s.text.trim_start_matches('…').trim_end_matches('…');
            let first = inner.chars().next().unwrap();
            assert!(
                !is_combining_mark(first),
                "{word}: starts {first:?}: {}",
                s.text
            );
            let end = s.window.end;
            let next = text[end..].chars().next().unwrap();
            assert!(
                !is_combining_mark(next),
                "{word}: cut before {next:?}: {}",
                s.text
            );
            let last = text[..end].chars().next_back().unwrap();
            assert_ne!(canonical_combining_class(last), 9, "{word}: {}", s.text);
            assert_eq!(&s.text[s.highlights[0].clone()], word);
        }
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

    #[test]
    fn the_window_with_more_of_the_querys_words_wins_over_one_word_repeated() {
        let text = format!(
            "Somalia is at a crossroads. Somalia needs donors; Somalia asks much. {} We face \
             terrorism and piracy off the Somali coast, and Somalia again.",
            "filler ".repeat(60)
        );
        let mut highlights: Vec<Range<usize>> = text
            .match_indices("Somali")
            .map(|(i, w)| i..i + w.len() + usize::from(text[i + w.len()..].starts_with('a')))
            .collect();
        highlights.push(at(&text, "piracy"));
        highlights.sort_by_key(|r| r.start);
        let s = assert_sound(&text, &highlights);
        assert!(s.text.contains("piracy off the Somali coast"), "{}", s.text);
    }

    /// Checks what every snippet of `text` must be: its text is the window with `…` where cut,
    /// the window lies on character boundaries and is not much longer than [`MAX_SNIPPET`],
    /// each highlight it marks is the passage's, and it holds a highlight when one fits.
    fn assert_sound(text: &str, highlights: &[Range<usize>]) -> Snippet {
        let s = snippet(text, highlights);
        let w = s.window.clone();
        assert!(
            w.start <= w.end && w.end <= text.len(),
            "{w:?} in {}",
            text.len()
        );
        assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
        assert!(w.len() <= MAX_SNIPPET + 3, "a window of {} bytes", w.len());
        let prefix = if w.start > 0 { "…" } else { "" };
        let suffix = if w.end < text.len() { "…" } else { "" };
        assert_eq!(s.text, format!("{prefix}{}{suffix}", &text[w.clone()]));
        let inside: Vec<&Range<usize>> = highlights
            .iter()
            .filter(|r| r.start >= w.start && r.end <= w.end)
            .collect();
        assert_eq!(s.highlights.len(), inside.len());
        for (located, original) in s.highlights.iter().zip(inside) {
            assert_eq!(&s.text[located.clone()], &text[original.clone()]);
        }
        if highlights.iter().any(|r| r.len() <= MAX_SNIPPET) {
            assert!(!s.highlights.is_empty(), "no highlight in {:?}", s.text);
        }
        s
    }

    fn at(text: &str, word: &str) -> Range<usize> {
        let start = text.find(word).unwrap();
        start..start + word.len()
    }

    #[test]
    fn a_long_url_next_to_a_matched_word_keeps_the_word_and_cuts_the_url() {
        let url = format!("https://reliefweb.int/report/{}", "x".repeat(300));
        let lead = format!("Source:{}", "-".repeat(70));
        let cases = [
            // The case that panicked: no space in the lead, then a run longer than a window.
            format!(
                "{} {lead}reliefweb {url} more words here",
                "Some words. ".repeat(4)
            ),
            format!("reliefweb {url}"),
            format!("{url} {} reliefweb", "word ".repeat(40)),
            format!("{} reliefweb {url}", "word ".repeat(40)),
            format!("{lead}{url} reliefweb {} end", "word ".repeat(40)),
        ];
        for text in &cases {
            let s = assert_sound(text, &[at(text, "reliefweb")]);
            assert_eq!(&s.text[s.highlights[0].clone()], "reliefweb", "{text}");
        }
        // A word inside the run itself.
        let text = format!("{} {lead}{url}", "Some words. ".repeat(4));
        let s = assert_sound(&text, &[at(&text, "reliefweb")]);
        assert_eq!(&s.text[s.highlights[0].clone()], "reliefweb");
    }

    #[test]
    fn runs_of_multibyte_characters_are_cut_on_character_boundaries() {
        for run in ["é", "Жъ", "😀", "日本語"] {
            let long = run.repeat(200);
            let cases = [
                format!("{long}Ushakov{long}"),
                format!("{} Ushakov {long}", "слово ".repeat(30)),
                format!("{long} Ushakov"),
                format!("Ushakov {long}"),
            ];
            for text in &cases {
                let s = assert_sound(text, &[at(text, "Ushakov")]);
                assert_eq!(&s.text[s.highlights[0].clone()], "Ushakov");
            }
        }
    }

    /// A passage of words and long runs, ASCII and not, with highlights on some of its words.
    fn passage_and_highlights()
    -> impl proptest::strategy::Strategy<Value = (String, Vec<Range<usize>>)> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            4 => prop::sample::select(vec!["word", "Ushakov", "é", "Жъ", "😀", "日本", "a"])
                .prop_map(str::to_owned),
            1 => (prop::sample::select(vec!["x", "é", "😀", "/", "日"]), 20..400_usize)
                .prop_map(|(c, n)| c.repeat(n)),
        ];
        let separator = prop::sample::select(vec![" ", " ", "", "  "]);
        prop::collection::vec((piece, separator, any::<bool>()), 1..60).prop_map(|pieces| {
            let mut text = String::new();
            let mut marks = Vec::new();
            for (piece, separator, marked) in pieces {
                if marked {
                    marks.push(text.len()..text.len() + piece.len());
                }
                text.push_str(&piece);
                text.push_str(separator);
            }
            (text, marks)
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn every_passage_and_highlight_gives_a_sound_snippet(
            (text, marks) in passage_and_highlights()
        ) {
            assert_sound(&text, &marks);
        }
    }

    /// The forms one query word matches count as one word: "secure … security … secure"
    /// outnumbered the one passage window holding "security guarantees" (`security
    /// guarantees`, UNGDC 2005 AZE).
    #[test]
    fn the_forms_of_one_query_word_count_once_in_choosing_the_window() {
        let filler = "and then more words of the passage go on here ".repeat(8);
        let text = format!(
            "We must provide security assurances and secure the secure borders. {filler}\
             The provision of security guarantees for the population is needed."
        );
        let mut highlights: Vec<Range<usize>> = ["security", "secure", "guarantees"]
            .iter()
            .flat_map(|w| text.match_indices(w).map(|(i, m)| i..i + m.len()))
            .collect();
        highlights.sort_by_key(|r| r.start);
        let keys: Vec<String> = highlights
            .iter()
            .map(|r| match &text[r.clone()] {
                "guarantees" => "guarante".to_owned(),
                _ => "secur".to_owned(),
            })
            .collect();
        let shown = snippet_keyed(&text, &highlights, &keys);
        assert!(shown.text.contains("security guarantees"), "{}", shown.text);
        // Keyed by their letters, three spellings win the window.
        assert!(!snippet(&text, &highlights).text.contains("guarantees"));
    }
}
