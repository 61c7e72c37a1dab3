//! Passage splitting: turns an article body into the passages that get indexed and ranked.
//!
//! This module owns the definition of a passage. It works in four steps:
//!
//! 1. **Lines.** `\r\n` and a lone `\r` both end a line. A form feed (`\u{c}`, a page
//!    break) counts as a blank line.
//! 2. **Paragraphs.** The layout is detected per body. If the median non-blank line is
//!    shorter than [`WRAP_MEDIAN`] characters and fewer than half of the lines end a
//!    sentence, the body is *hard-wrapped* (for example UN records from 1993 to 2014). Its
//!    lines are joined, and a paragraph ends at a blank line or at a sentence end in either
//!    of two places: at the end of a line clearly shorter than the wrap width, or before a
//!    short or indented line (an indented first line that lost its indent). Otherwise each
//!    line is a paragraph: news articles, most speeches, one-sentence-per-line transcripts.
//!    In both layouts, a paragraph runs on into the next one if it does not end a sentence
//!    or (unless the body's paragraphs are set apart by blank lines, as in news articles,
//!    where the author chose them) has fewer than [`PACK_WORDS`] words. This joins quoted
//!    fragments (`“determined`), headings, a colon line that introduces a quote, sentences
//!    cut by a page break (and its footer), and runs of one-line sentences. A short last
//!    paragraph joins the one before it. A line without letters (a page number, a footer's
//!    code, a rule) ends the paragraph before it and starts none. A word hyphenated across a
//!    line break (`peace-\nkeeping`) is joined back without a space.
//! 3. **Passages.** A paragraph of more than [`MAX_WORDS`] words is cut at sentence
//!    boundaries into greedy chunks of at most [`MAX_WORDS`] words. A chunk smaller than
//!    [`MIN_WORDS`] is never cut off on its own. Before an oversized sentence it leads that
//!    sentence. At the end it is balanced against the previous chunk, or merged into it. A
//!    sentence over [`MAX_WORDS`] words stays whole up to [`HARD_MAX_WORDS`]; a longer one
//!    (or text without sentence ends) is cut evenly at word boundaries.
//! 4. **Settling.** No passage shorter than a sentence or two stands alone. One with fewer
//!    than [`ALONE_WORDS`] words, or fewer than [`PACK_WORDS`] without a complete sentence of
//!    [`SENTENCE_WORDS`] words, joins a neighbour: a remnant (no letters, as a page number or a
//!    rule of underscores; or a continuation starting in lowercase or with closing punctuation)
//!    and a closing line (`Thank you.`) join the passage before; a heading or a lead-in
//!    (no final punctuation, or a colon) joins the one after. Joining never makes a passage of
//!    more than [`HARD_MAX_WORDS`] words.
//!
//! Sentence ends are those of `super::sentences`, the one definition shared with the index's
//! phrase boundaries, titles and the generator.
//!
//! Invariants: passages keep the body's order. Each passage is trimmed, never empty, and
//! separates words with exactly one ASCII space. Taken together, the passages hold exactly
//! the body's whitespace-separated words: none is dropped, duplicated or reordered. The
//! one exception is a line-end hyphen, which is glued to the next word. No passage has
//! more than [`HARD_MAX_WORDS`] words, and one has more than [`MAX_WORDS`] only around a
//! sentence too long to split. Below [`PACK_WORDS`] words there is only a tiny body, or
//! (rarely) the tail after such a sentence.

use super::sentences::{
    CLOSERS, boundary, ends_sentence, is_complete, is_remnant, sentences, whitespace_words,
};

/// Target maximum passage size, in words.
pub const MAX_WORDS: usize = 150;
/// Absolute maximum passage size; a longer sentence is cut at word boundaries.
pub const HARD_MAX_WORDS: usize = 300;
/// Smallest chunk that a long paragraph may be cut into.
pub const MIN_WORDS: usize = 40;
/// A paragraph with fewer words than this runs on into the next one.
pub const PACK_WORDS: usize = 30;
/// Median line length (in characters) under which a body may be hard-wrapped.
pub const WRAP_MEDIAN: usize = 100;
/// A passage with fewer words than this never stands alone.
pub const ALONE_WORDS: usize = 12;
/// A passage under [`PACK_WORDS`] words stands alone only with a complete sentence this long.
pub const SENTENCE_WORDS: usize = 8;

/// Splits `body` into passages, in order.
///
/// Each passage is normalised: trimmed, with every run of whitespace collapsed to one
/// ASCII space. None is empty, and a body with no words gives an empty `Vec`. The layout
/// (paragraph per line, blank-line paragraphs, hard-wrapped lines) is detected from the body
/// itself. Passages hold at most about [`MAX_WORDS`] words. See the module docs for the
/// heuristics and the exact guarantees.
pub fn split_passages(body: &str) -> Vec<String> {
    let text = paragraphs(body);
    let (mut words, mut chunks, mut out) = (Vec::new(), Vec::new(), Vec::new());
    for para in text.split('\n').filter(|p| !p.is_empty()) {
        // Words are one space apart: a paragraph short enough to be one passage needs no
        // splitting into words.
        if count_up_to(para.as_bytes(), b' ', MAX_WORDS) < MAX_WORDS {
            out.push(para.to_owned());
            continue;
        }
        words.clear();
        split_spaces(para, &mut words);
        chunk(&words, &mut chunks);
        // A chunk's words are a slice of the paragraph: copy it whole.
        let offset = |word: &str| word.as_ptr() as usize - para.as_ptr() as usize;
        out.extend(chunks.iter().map(|&(start, end)| {
            let last = words[end - 1];
            para[offset(words[start])..offset(last) + last.len()].to_owned()
        }));
    }
    settle(out)
}

/// Whether `passage` is worth reading on its own: see step 4 of the module docs.
fn stands_alone(passage: &str) -> bool {
    let words = 1 + count_up_to(passage.as_bytes(), b' ', PACK_WORDS);
    if words >= PACK_WORDS {
        return true;
    }
    words >= ALONE_WORDS
        && sentences(passage).any(|r| {
            let sentence = &passage[r];
            is_complete(sentence) && sentence.split(' ').count() >= SENTENCE_WORDS
        })
}

/// Whether a passage too short to stand alone belongs with the passage before it (a remnant, a
/// continuation, a closing line) rather than the one after (a heading, a lead-in).
fn joins_previous(passage: &str) -> bool {
    let Some(first) = passage.chars().next() else {
        return true;
    };
    if !passage.chars().any(char::is_alphabetic)
        || first.is_lowercase()
        || CLOSERS.contains(&first) && first != '"' && first != '\''
        || matches!(first, ',' | ';' | ':' | '.' | '…')
    {
        return true;
    }
    let last = passage.rsplit(' ').next().unwrap_or(passage);
    ends_sentence(last)
}

/// Joins the passages that do not stand alone to a neighbour; see step 4 of the module docs.
fn settle(passages: Vec<String>) -> Vec<String> {
    if passages.iter().all(|p| stands_alone(p)) {
        return passages;
    }
    let words = |p: &str| p.split(' ').count();
    let mut out: Vec<String> = Vec::with_capacity(passages.len());
    // A heading or lead-in waiting for the passage after it.
    let mut pending: Option<String> = None;
    for mut passage in passages {
        if let Some(before) = pending.take() {
            if words(&before) + words(&passage) <= HARD_MAX_WORDS {
                passage.insert(0, ' ');
                passage.insert_str(0, &before);
            } else {
                out.push(before);
            }
        }
        if stands_alone(&passage) {
            out.push(passage);
            continue;
        }
        match out.last_mut() {
            Some(last)
                if joins_previous(&passage) && words(last) + words(&passage) <= HARD_MAX_WORDS =>
            {
                last.push(' ');
                last.push_str(&passage);
            }
            _ => pending = Some(passage),
        }
    }
    if let Some(rest) = pending {
        match out.last_mut() {
            Some(last) if words(last) + words(&rest) <= HARD_MAX_WORDS => {
                last.push(' ');
                last.push_str(&rest);
            }
            _ => out.push(rest),
        }
    }
    out
}

/// How many times `byte` occurs in `bytes`, counting no further than `limit`.
fn count_up_to(bytes: &[u8], byte: u8, limit: usize) -> usize {
    let mut n = 0;
    // Blocks of 64 bytes, each counted by a loop the compiler vectorises.
    for block in bytes.chunks(64) {
        n += usize::from(block.iter().fold(0u8, |n, &b| n + u8::from(b == byte)));
        if n >= limit {
            return limit;
        }
    }
    n
}

/// Appends the words of `text`, which are one ASCII space apart, to `words`.
fn split_spaces<'t>(text: &'t str, words: &mut Vec<&'t str>) {
    let mut start = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b == b' ' {
            words.push(&text[start..i]);
            start = i + 1;
        }
    }
    words.push(&text[start..]);
}

/// Appends the whitespace-separated words of `line` to `text`, one ASCII space apart.
/// Returns how many there were, counted up to [`PACK_WORDS`] (all a paragraph's size is
/// compared with), and where the last one starts in `text` (`last_start` when there were none).
fn push_words(text: &mut String, line: &str, last_start: usize) -> (usize, usize) {
    if is_normalised(line) {
        let start = text.len();
        text.push_str(line);
        let words = 1 + count_up_to(line.as_bytes(), b' ', PACK_WORDS);
        let last = line.rfind(' ').map_or(0, |i| i + 1);
        return (words, start + last);
    }
    let (mut count, mut last_start) = (0, last_start);
    for word in whitespace_words(line).map(|r| &line[r]) {
        if count > 0 {
            text.push(' ');
        }
        last_start = text.len();
        text.push_str(word);
        count += 1;
    }
    (count.min(PACK_WORDS), last_start)
}

/// Whether `line` is non-empty, has no whitespace at either end and has its words exactly one
/// ASCII space apart: already as a paragraph holds it.
fn is_normalised(line: &str) -> bool {
    let bytes = line.as_bytes();
    if bytes.first().is_none_or(|&b| b == b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // Whole-line scans without a branch per byte, which the compiler vectorises: ASCII
    // whitespace other than the space, doubled spaces, and the lead bytes of the non-ASCII
    // whitespace characters (U+0085, U+00A0, U+1680, U+2000 to U+3000).
    let controls = bytes
        .iter()
        .fold(false, |any, &b| any | (b'\t'..=b'\r').contains(&b));
    let doubled = bytes
        .windows(2)
        .fold(false, |any, pair| any | (pair == b"  "));
    if controls || doubled {
        return false;
    }
    let leads = bytes.iter().fold(false, |any, &b| {
        any | matches!(b, 0xc2 | 0xe1 | 0xe2 | 0xe3)
    });
    !leads || !line.chars().any(|c| !c.is_ascii() && c.is_whitespace())
}

/// Normalises `body` into paragraphs: one per `'\n'`-separated segment, with words
/// separated by single spaces. Lines are borrowed; only the result is built up.
fn paragraphs(body: &str) -> String {
    let mut lines = Vec::new();
    let mut page_breaks = Vec::new();
    for (i, page) in body.split('\u{c}').enumerate() {
        if i > 0 {
            page_breaks.push(lines.len());
            lines.push(""); // a page break is a blank line
        }
        for line in page.split('\n') {
            lines.extend(line.strip_suffix('\r').unwrap_or(line).split('\r'));
        }
    }
    let lens: Vec<usize> = lines.iter().map(|l| l.trim().chars().count()).collect();
    let mut sorted: Vec<usize> = lens.iter().copied().filter(|&n| n > 0).collect();
    let n = sorted.len();
    if n == 0 {
        return String::new();
    }
    let median = *sorted.select_nth_unstable(n / 2).1;
    let width = *sorted.select_nth_unstable(n * 9 / 10).1;
    // Wrapped text ends most lines mid-sentence; one-sentence-per-line transcripts do not.
    let ended = lines
        .iter()
        .filter(|l| l.split_whitespace().next_back().is_some_and(ends_sentence));
    let wrapped = median < WRAP_MEDIAN && ended.count() * 2 < n;
    // Paragraphs set apart by blank lines (news articles) were chosen by their author: a short
    // one that ends a sentence stays a passage of its own instead of being packed.
    // (Page breaks do not count: they fall wherever the page ended.)
    let blank_breaks = (1..lines.len())
        .filter(|&i| lens[i - 1] == 0 && lens[i] > 0 && !page_breaks.contains(&(i - 1)))
        .count();
    let authored = !wrapped && median >= WRAP_MEDIAN && blank_breaks * 3 >= n;
    let pack = if authored { 1 } else { PACK_WORDS };

    let mut text = String::with_capacity(body.len());
    // Start of the last word, words in the open paragraph, and whether a break is pending.
    // Whether the last line with letters ended a sentence.
    let (mut last_start, mut para_words, mut at_break, mut ended) = (0, 0, false, false);
    for (i, line) in lines.iter().enumerate() {
        let Some(first) = line.split_whitespace().next() else {
            at_break = true;
            continue;
        };
        let last = &text[last_start..];
        let hyphen = last
            .strip_suffix('-')
            .is_some_and(|s| s.ends_with(char::is_alphanumeric))
            && first.starts_with(char::is_alphanumeric);
        // A line without letters (a page number, a rule, a footer's code) is a remnant: it
        // ends the paragraph before it, and a break pending there stays pending.
        if !text.is_empty() && !hyphen && !line.chars().any(char::is_alphabetic) {
            text.push(' ');
            last_start = push_words(&mut text, line, last_start).1;
            continue;
        }
        if !text.is_empty() && !hyphen {
            if at_break && para_words >= pack && ended {
                text.push('\n');
                para_words = 0;
            } else {
                text.push(' ');
            }
        }
        let (count, last) = push_words(&mut text, line, last_start);
        // Only ever compared with `pack`, at most PACK_WORDS: counting stops there.
        para_words = (para_words + count).min(PACK_WORDS);
        last_start = last;
        ended = line
            .split_whitespace()
            .rfind(|w| !is_remnant(w))
            .is_some_and(ends_sentence);
        at_break = !wrapped || {
            let next = lines.get(i + 1).copied().unwrap_or("");
            let next_len = lens.get(i + 1).copied().unwrap_or(0);
            let short = lens[i] * 4 < width * 3 || (next_len > 0 && next_len * 20 < width * 17);
            let indented = next.starts_with([' ', '\t']) && !line.starts_with([' ', '\t']);
            let next_first = next.split_whitespace().next().unwrap_or("");
            (short || indented) && boundary(&text[last_start..], next_first)
        };
    }
    // A short last paragraph has no successor to absorb it, so it joins its predecessor.
    if para_words < pack
        && let Some(i) = text.rfind('\n')
    {
        text.replace_range(i..=i, " ");
    }
    text
}

/// Fills `out` with the `[start, end)` word ranges of the passages of one paragraph.
fn chunk(words: &[&str], out: &mut Vec<(usize, usize)>) {
    out.clear();
    let n = words.len();
    if n <= MAX_WORDS {
        out.push((0, n));
        return;
    }
    let (mut start, mut sentence) = (0, 0); // start of the open chunk and of its last sentence
    for i in 0..n {
        if i + 1 < n && !boundary(words[i], words[i + 1]) {
            continue;
        }
        let end = i + 1;
        // Close the chunk before this sentence if the sentence would overflow it, unless
        // the chunk is too small to stand alone (a paragraph number, a short lead-in).
        if end - start > MAX_WORDS && sentence - start >= MIN_WORDS {
            out.push((start, sentence));
            start = sentence;
        }
        let len = end - start;
        if len > MAX_WORDS {
            let parts = if len > HARD_MAX_WORDS {
                len.div_ceil(MAX_WORDS)
            } else {
                1
            };
            out.extend(
                (0..parts).map(|j| (start + len * j / parts, start + len * (j + 1) / parts)),
            );
            start = end;
        }
        sentence = end;
    }
    if start < n {
        out.push((start, n));
    }
    // Balance a short tail: move the previous chunk's last sentences into it, at the
    // boundary that minimises the larger of the two (so neither grows past the old maximum).
    // If that cannot help (the previous chunk is one long sentence), merge the two.
    if let [.., (p_start, p_end), (_, end)] = out[..]
        && end - p_end < MIN_WORDS
    {
        let best = (p_start + 1..=p_end)
            .filter(|&j| j == p_end || boundary(words[j - 1], words[j]))
            .min_by_key(|&j| (j - p_start).max(end - j))
            .unwrap_or(p_end);
        let k = out.len();
        if end - best < MIN_WORDS && end - p_start <= HARD_MAX_WORDS {
            out.pop();
            out[k - 2].1 = end;
        } else {
            (out[k - 2].1, out[k - 1].0) = (best, best);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENTENCES: [&str; 4] = [
        "The Secretary-General met the foreign ministers in Geneva on Tuesday to discuss the ceasefire.",
        "Mr. Guterres said the U.S. delegation, led by J. F. Kelly, would return next week.",
        "“We cannot accept a world in which borders are changed by force,” one envoy told reporters.",
        "Talks on humanitarian access, e.g. to Gaza, will resume at 10 a.m. in Room 3.",
    ];

    /// `n` sentences of prose on one line.
    fn prose(n: usize) -> String {
        let text = SENTENCES.iter().cycle().take(n);
        text.copied().collect::<Vec<_>>().join(" ")
    }

    /// Splits `body`, checking the invariants that every input must satisfy.
    fn split(body: &str) -> Vec<String> {
        let passages = split_passages(body);
        for p in &passages {
            assert_eq!(*p, p.split_whitespace().collect::<Vec<_>>().join(" "));
            assert!(words(p) <= HARD_MAX_WORDS, "{p}");
        }
        // No character is lost, duplicated or moved; only the hyphen join drops a space.
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squash(&passages.join(" ")), squash(body));
        if !body.split_whitespace().any(|w| w.ends_with('-')) {
            let words: Vec<&str> = passages.iter().flat_map(|p| p.split(' ')).collect();
            assert_eq!(words, body.split_whitespace().collect::<Vec<_>>());
        }
        passages
    }

    fn words(passage: &str) -> usize {
        passage.split(' ').count()
    }

    /// Whether every passage has between `min` and [`MAX_WORDS`] words.
    fn sized(passages: &[String], min: usize) -> bool {
        passages
            .iter()
            .all(|p| (min..=MAX_WORDS).contains(&words(p)))
    }

    #[test]
    fn small_bodies_and_hyphens() {
        let cases: [(&str, &[&str]); 8] = [
            ("", &[]),
            ("   ", &[]),
            ("\n\n\r\n\t\u{c} \u{a0}\r", &[]),
            ("  Hello,\r\n  world.  ", &["Hello, world."]),
            (
                "the right to self-\ndetermination.",
                &["the right to self-determination."],
            ),
            ("the post-\n\u{c}2015 agenda", &["the post-2015 agenda"]),
            (
                "after the war —\nand since -\nthen.",
                &["after the war — and since - then."],
            ),
            (
                "Paragraph one.\u{c}Paragraph two.",
                &["Paragraph one. Paragraph two."],
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(split(body), expected, "{body:?}");
        }
    }

    #[test]
    fn news_paragraphs_separated_by_blank_lines() {
        let quote = "“Is it really possible that the United States, after all it has done for \
                     the world, is asked to pay for everyone else’s mistakes? We will not do it. \
                     GOD BLESS AMERICA!” he wrote.";
        let body = format!(
            "Trump shared his thoughts in a post on Truth Social:\n\n{quote}\n\n{}\n",
            prose(16)
        );
        let passages = split(&body);
        assert_eq!(passages.len(), 3, "{passages:#?}");
        // The colon line introduces the quote, so it is not a passage of its own.
        assert!(
            passages[0].starts_with("Trump shared his thoughts in a post on Truth Social: “Is")
        );
        assert!(passages[0].ends_with("he wrote."));
        assert!(sized(&passages[1..], MIN_WORDS));
    }

    #[test]
    fn authored_paragraphs_stay_passages_but_not_shorter_than_a_sentence() {
        // From a news article: one short paragraph per statement, set apart by blank lines. The
        // statements stand alone; a six-word lead and a ten-word close join their neighbour.
        let body = "Moscow rejected the European version outright.\n\n\
            “The European plan, at first glance... is completely unconstructive and does not work \
            for us,” Kremlin aide Yuri Ushakov said in Moscow.\n\n\
            Turmoil in Kyiv The leaked U.S draft ignited alarm in Kyiv and several European \
            capitals for appearing to favor Russia’s territorial claims.\n\n\
            Both the US and Ukraine described the talks as productive.";
        let passages = split(body);
        assert_eq!(passages.len(), 2, "{passages:#?}");
        assert!(passages[0].starts_with("Moscow rejected the European version outright. “The"));
        assert!(passages[0].ends_with("Ushakov said in Moscow."));
        assert!(passages[1].starts_with("Turmoil in Kyiv"));
        assert!(
            passages[1]
                .ends_with("claims. Both the US and Ukraine described the talks as productive.")
        );
    }

    /// Remnants join the passage before, headings the one after; from UN speeches.
    #[test]
    fn fragments_headings_and_page_numbers_join_a_neighbour() {
        let speech = "The General Assembly must act now to end this war, and we call for an \
            immediate cessation of hostilities and the return of all hostages to their families.";
        let next = "The humanitarian situation in Gaza has deteriorated beyond anything the world \
            has seen in recent decades, and the Council has failed to respond to it.";
        let cases: [(String, &[&str]); 5] = [
            // A lone page number goes to the passage before.
            (
                format!("{speech}\n\n4\n\n{next}"),
                &[&format!("{speech} 4"), next],
            ),
            // A rule of underscores too.
            (
                format!("{speech}\n\n{next}\n\n________"),
                &[speech, &format!("{next} ________")],
            ),
            // A heading of about 70 characters goes to the passage after.
            (
                format!(
                    "{speech}\n\nThe situation in the Middle East and the question of Palestine\n\n{next}"
                ),
                &[
                    speech,
                    &format!(
                        "The situation in the Middle East and the question of Palestine {next}"
                    ),
                ],
            ),
            // A closing line goes to the passage before.
            (
                format!("{speech}\n\n{next}\n\nI thank you."),
                &[speech, &format!("{next} I thank you.")],
            ),
            // A fragment that continues a sentence goes to the passage before.
            (
                format!("{speech}\n\nimmediate cessation. 4\n\n{next}"),
                &[&format!("{speech} immediate cessation. 4"), next],
            ),
        ];
        for (body, expected) in &cases {
            assert_eq!(split(body), *expected, "{body}");
        }
        // A body too short for a passage of its own is still one passage.
        assert_eq!(split("Thank you."), ["Thank you."]);
        assert_eq!(split("4\n\nThank you."), ["4 Thank you."]);
    }

    #[test]
    fn one_paragraph_per_line_merges_fragments() {
        let body = "As more than a year has elapsed since the United Nations Charter was signed at \
            the San Francisco Conference, it is now possible for us to sum up to some extent the \
            results of the work carried out with a view to the establishment of a stable peace.\n\
            Fifty-one nations signed this “Peace Charter”. The preamble to the Charter states:\n\
            “We the peoples of the United Nations,\n“determined\n\
            “To save succeeding generations from the scourge of war, which twice in our lifetime \
            has brought untold sorrow to mankind, and\n\
            “To reaffirm faith in fundamental human rights …”\n";
        let passages = split(&format!("{body}{}", prose(6)));
        assert_eq!(passages.len(), 3, "{passages:#?}");
        assert!(passages[1].contains(
            "states: “We the peoples of the United Nations, “determined “To save succeeding"
        ));
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let para1 = "At the beginning of the third millennium,\nfaster means of travel that began \
            in the nineteenth\ncentury with railroad technology are today hurtling us\naround the \
            globe at even faster speeds. Dramatic\nchanges are taking place at all levels and in \
            all modes\nof communication. The peace-\nkeeping operations are a part of it.\n";
        let para2 = "In this new age, immensely significant\ndevelopments can take place as more \
            quickly than the\nmind can follow them. But as the philosopher Paul\nVirillio warns \
            us, with every new technology comes\nthe potential for a new accident.\n";
        // Then a long paragraph, greedily wrapped at 50 characters.
        let mut body = format!("{para1}{para2}");
        let mut width = 0;
        for word in prose(30).split(' ') {
            width = if width + word.len() > 50 {
                0
            } else {
                width + word.len() + 1
            };
            body.push_str(word);
            body.push(if width == 0 { '\n' } else { ' ' });
        }
        let passages = split(&body);
        assert!(passages[0].starts_with("At the beginning of the third millennium, faster"));
        assert!(passages[0].ends_with("The peace-keeping operations are a part of it."));
        assert!(passages[1].starts_with("In this new age, immensely significant developments"));
        let lines: Vec<&str> = body.lines().map(str::trim).collect();
        assert!(sized(&passages, PACK_WORDS));
        assert!(
            passages.iter().all(|p| !lines.contains(&p.as_str())),
            "a single line"
        );
    }

    #[test]
    fn line_breaks_trailing_spaces_and_page_breaks() {
        let body = "It is an honour \nfor me to represent my country, the Principality of \n\
            Andorra, in the Assembly, which for almost seven \ndecades has been meeting annually \
            to speak of peace, \ndevelopment and justice.\n\nThe year 2014 will mark 100 years \
            since the \nbeginning of the First World War and 70 years since \nthe landing of the \
            Allies in Normandy, which was the \nbeginning of the end of the Second World War. \n";
        let expected = split(body);
        assert_eq!(expected.len(), 2);
        assert!(expected[0].starts_with("It is an honour for me to represent my country"));
        assert!(expected[1].starts_with("The year 2014 will mark"));
        let cases = [
            body.replace('\n', "\r\n"),
            body.replace('\n', "\r"),
            body.replace("\n\n", "\n\u{c}"),
            body.replace("\n\n", "\u{c}"),
        ];
        for variant in &cases {
            assert_eq!(split(variant), expected, "{variant:?}");
        }
        // A page break in mid-sentence (with its footer) does not end the paragraph.
        let paged = body.replace(
            "70 years since \n",
            "70 years since \n14-54321 3/7\n\n\u{c}\n",
        );
        assert!(split(&paged)[1].contains("70 years since 14-54321 3/7 the landing"));
    }

    #[test]
    fn short_lines_of_sentences_are_packed() {
        // One sentence per line (2020s transcripts): not one passage per sentence.
        let body = "We mourn the millions lost. \n \nThey lower the risk of transmission. \n \n"
            .repeat(30);
        assert!(sized(&split(&body), PACK_WORDS));
    }

    #[test]
    fn long_paragraphs_are_chunked_at_sentence_boundaries() {
        for sentences in [10, 11, 12, 20, 33, 80] {
            let body = prose(sentences);
            let passages = split(&body);
            for p in &passages {
                assert!(
                    (MIN_WORDS..=MAX_WORDS).contains(&words(p)),
                    "{sentences}: {p}"
                );
                assert!(p.ends_with('.'), "{p}");
                // Abbreviations and initials never end a passage.
                assert!(
                    !["Mr.", "U.S.", "J.", "F.", "e.g.", "a.m."]
                        .iter()
                        .any(|a| p.ends_with(a))
                );
            }
        }
    }

    #[test]
    fn no_newlines_at_all() {
        let long = prose(400);
        assert!(long.split(' ').count() > 5000);
        // Without sentence boundaries, the text is cut evenly at word boundaries.
        let unpunctuated = "peace and security for all ".repeat(1000);
        for body in [&long, &unpunctuated] {
            let passages = split(body);
            assert!(passages.len() >= 5000 / MAX_WORDS, "{}", passages.len());
            assert!(sized(&passages, MIN_WORDS));
        }
    }

    #[test]
    fn lines_already_normalised_are_told_apart_from_those_needing_work() {
        let cases = [
            ("one two three", true),
            ("Ukraine’s “plan” — 28 points", true),
            ("", false),
            (" leading", false),
            ("trailing ", false),
            ("two  spaces", false),
            ("a\ttab", false),
            ("no\u{a0}break", false),
            ("ideographic\u{3000}space", false),
            ("thin\u{2009}space", false),
        ];
        for (line, normalised) in cases {
            assert_eq!(is_normalised(line), normalised, "{line:?}");
            // Either way, the words come out one space apart.
            let mut text = String::new();
            let (count, last) = push_words(&mut text, line, 0);
            assert_eq!(text, line.split_whitespace().collect::<Vec<_>>().join(" "));
            assert_eq!(count, line.split_whitespace().count().min(PACK_WORDS));
            assert_eq!(last, text.rfind(' ').map_or(0, |i| i + 1));
        }
    }

    #[test]
    fn counting_stops_at_the_limit() {
        let text = "w ".repeat(200);
        assert_eq!(count_up_to(text.as_bytes(), b' ', 1000), 200);
        assert_eq!(count_up_to(text.as_bytes(), b' ', 150), 150);
        assert_eq!(count_up_to(b"", b' ', 3), 0);
        let mut words = Vec::new();
        split_spaces("a bb  c", &mut words);
        assert_eq!(words, ["a", "bb", "", "c"]);
    }
}
