//! Sentence and clause boundaries: the one place that says where a sentence ends.
//!
//! Passage splitting cuts long paragraphs at sentence ends and judges which pieces are whole
//! sentences; the index leaves position gaps at sentence and clause breaks (so an exact phrase
//! never bridges a comma or a full stop); titles are the first sentence of a body; and the
//! generator learns sentence lengths. All of them ask this module.
//!
//! **Sentence ends.** A sentence ends between two whitespace-separated words when the first ends
//! in `.` `!` `?` or `…` (then optional closing quotes or brackets: `said.”`, `(1945).`), and
//! the second starts with an uppercase letter, a digit, or an opening quote or bracket. A
//! lowercase continuation (`glance... is`, `e.g. the`) never starts a sentence. A sentence
//! never ends after an abbreviation: a listed word (`Mr.`, `Dr.`, `St.`, `No.`, `etc.`) or
//! dotted single letters (`U.S.`, `U.N.`, `e.g.`, the initials of `J. F. Kennedy`). A period
//! inside a word (`3.5`, `U.S`) is not a sentence end either: a sentence end is followed by
//! whitespace.
//!
//! **Clause breaks.** Between two words, `,` `;` `:` brackets `( ) [ ] { }`, the dashes
//! `– — ‒ ―` (not the hyphen: `two-State`, nor the apostrophe: `Ukraine’s`) and terminal
//! punctuation that does not end a sentence and closes no abbreviation (`glance... is`)
//! break a clause. Quotes, slashes, hyphens and other symbols do not.

use std::ops::Range;

/// What separates two consecutive words of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Break {
    /// Nothing that stops a phrase: spaces, hyphens, quotes, line breaks, an abbreviation's
    /// period.
    None,
    /// A clause break: `, ; : ( ) [ ] { }`, a dash, an ellipsis inside a sentence.
    Clause,
    /// A sentence end.
    Sentence,
}

/// Positions left empty at a clause break: an exact phrase cannot bridge it, a sloppy one can.
pub const CLAUSE_GAP: usize = 1;

/// Positions left empty at a sentence end: more than any slop (at most 32) plus the clause gaps
/// a phrase of at most 64 words can itself hold (63), so no phrase query bridges a sentence.
pub const SENTENCE_GAP: usize = 96;

impl Break {
    /// How many positions the word after this break comes after the word before it.
    pub fn step(self) -> usize {
        match self {
            Break::None => 1,
            Break::Clause => 1 + CLAUSE_GAP,
            Break::Sentence => 1 + SENTENCE_GAP,
        }
    }
}

/// Characters that may open a sentence before its first letter.
pub const OPENERS: [char; 16] = [
    '“', '"', '‘', '\'', '(', '[', '«', '¿', '¡', '„', '‹', '「', '『', '（', '【', '《',
];
/// Characters that may follow a sentence's final punctuation.
pub const CLOSERS: [char; 13] = [
    '”', '"', '’', '\'', ')', ']', '»', '›', '」', '』', '）', '】', '》',
];

/// Characters that end a sentence: the Latin ones when whitespace and the start of a sentence
/// follow (see [`boundary`]), and the [`FULL_STOPS`] whatever follows.
const TERMINALS: [char; 4 + FULL_STOPS.len()] = {
    let latin = ['.', '!', '?', '…'];
    let mut all = ['.'; 4 + FULL_STOPS.len()];
    let mut i = 0;
    while i < all.len() {
        all[i] = match i < latin.len() {
            true => latin[i],
            false => FULL_STOPS[i - latin.len()],
        };
        i += 1;
    }
    all
};

/// Whether a byte may start one of [`TERMINALS`] in UTF-8: the scan for sentence ends skips
/// every other byte without decoding.
static TERMINAL_LEAD: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < TERMINALS.len() {
        let c = TERMINALS[i] as u32;
        let lead = match c {
            0..0x80 => c,
            0x80..0x800 => 0xc0 | (c >> 6),
            0x800..0x10000 => 0xe0 | (c >> 12),
            _ => 0xf0 | (c >> 18),
        };
        table[lead as usize] = true;
        i += 1;
    }
    table
};

/// The terminals that always end a sentence, with or without whitespace after them, whatever
/// follows: the full-width ones of Chinese and Japanese (and the half-width `｡`), whose
/// scripts put no space after them, and those of other scripts (the Greek question mark, the
/// Arabic question mark and full stop, the Armenian, Ethiopic, Myanmar and Khmer full stops,
/// the dandas, the Tibetan shad), which a text may run on from without a space
/// (`कहा।प्रधानमंत्री`). They abbreviate nothing, and most of their scripts have no capitals to
/// tell a sentence's start.
const FULL_STOPS: [char; 15] = [
    '。', '！', '？', '．', '｡', '\u{37e}', '؟', '۔', '։', '።', '။', '។', '।', '॥', '།',
];

/// Whether `before` ends in a full stop, then closers (`。` `。」`), where `after` follows: one
/// of [`FULL_STOPS`], or a Latin `.` `!` `?` written with no space against a letter of a
/// script without spaces (`会谈结束.普京表示`, `NATO.会议`), or between two letters of scripts
/// without case (`कहा.प्रधानमंत्री`, `אמר.הנשיא`), which there ends a sentence as `。` does.
fn ends_in_full_stop(before: &str, after: &str) -> bool {
    let before = before.trim_end_matches(CLOSERS);
    let mut chars = before.chars();
    match chars.next_back() {
        Some(c) if FULL_STOPS.contains(&c) => true,
        Some('.' | '!' | '?') => latin_stop_between(chars.next_back(), after.chars().next()),
        _ => false,
    }
}

/// Whether a Latin `.` `!` `?` between the characters `before` and `after` (after its
/// closers), with no space, ends a sentence (see [`ends_in_full_stop`]).
fn latin_stop_between(before: Option<char>, after: Option<char>) -> bool {
    let caseless = |c: char| c.is_alphabetic() && !c.is_lowercase() && !c.is_uppercase();
    before.is_some_and(super::unspaced)
        || after.is_some_and(super::unspaced)
        || before.is_some_and(caseless) && after.is_some_and(caseless)
}

/// Whether the terminal `c` at byte `at` of `text` is a full stop (see [`ends_in_full_stop`]),
/// judged by the character before it and the one after its closers.
fn full_stop_at(text: &str, at: usize, c: char) -> bool {
    let rest = &text[at + c.len_utf8()..];
    let after = rest.trim_start_matches(CLOSERS);
    FULL_STOPS.contains(&c)
        || matches!(c, '.' | '!' | '?')
            && latin_stop_between(text[..at].chars().next_back(), after.chars().next())
}

/// Characters that break a clause between two words: Latin punctuation, brackets and dashes,
/// their full-width and CJK forms, the Arabic comma and semicolon, the Armenian comma, the
/// Ethiopic comma and semicolon, and the Spanish opening marks.
const CLAUSE_MARKS: [char; 40] = [
    ',', ';', ':', '(', ')', '[', ']', '{', '}', '–', '—', '‒', '―', '⸺', '⸻', '，', '；', '：',
    '（', '）', '、', '「', '」', '『', '』', '【', '】', '《', '》', '〈', '〉', '〔', '〕', '،',
    '؛', '՝', '፣', '፤', '¿', '¡',
];

/// Words that end in a period without ending a sentence, as written. Dotted single letters
/// (`U.S.`, `J.`, `e.g.`) are recognised by their shape instead.
const ABBREVIATIONS: [&str; 62] = [
    "Mr", "Mrs", "Ms", "Messrs", "Mme", "Mlle", "Dr", "St", "Ste", "Mt", "No", "Nos", "no", "Gen",
    "Col", "Lt", "Sgt", "Capt", "Maj", "Cmdr", "Adm", "Gov", "Sen", "Rep", "Prof", "Rev", "Hon",
    "Amb", "Pres", "Jr", "Sr", "Co", "Corp", "Inc", "Ltd", "Bros", "vs", "etc", "cf", "viz",
    "approx", "Art", "art", "Para", "para", "paras", "pp", "Vol", "vol", "Jan", "Feb", "Mar",
    "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Ph.D",
];

/// Whether `word` (whitespace-separated, with its punctuation) ends in sentence-final
/// punctuation, maybe followed by closing quotes or brackets: `war.`, `said.”`, `(1945).`.
pub fn ends_sentence(word: &str) -> bool {
    // Most words end in a letter or digit, which is neither a closer nor a terminal.
    if word
        .as_bytes()
        .last()
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    word.trim_end_matches(CLOSERS).ends_with(TERMINALS)
}

/// Whether `word` (whitespace-separated) is an abbreviation whose period ends no sentence:
/// `Mr.`, `(Dr.`, `U.S.`, `e.g.`, the initial `J.`.
pub fn is_abbreviation(word: &str) -> bool {
    let Some(stem) = word.trim_start_matches(OPENERS).strip_suffix('.') else {
        return false;
    };
    // `J.`, `U.S.`, `e.g.`, `a.m.`: every dot-separated part is a single letter (not a letter
    // of a script without spaces, which is a word).
    let letters = stem.split('.').all(|part| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_alphabetic() && !super::unspaced(c))
            && chars.next().is_none()
    });
    letters || ABBREVIATIONS.contains(&stem)
}

/// Whether a sentence ends between the whitespace-separated words `word` and `next`.
pub fn boundary(word: &str, next: &str) -> bool {
    ends_sentence(word)
        && !is_abbreviation(word)
        && next
            .chars()
            .next()
            // A capital, or a letter of a script without case (Hebrew, Arabic, Devanagari,
            // Korean…), which may start a sentence as a capital does.
            .is_some_and(|c| {
                c.is_alphabetic() && !c.is_lowercase() || c.is_numeric() || OPENERS.contains(&c)
            })
}

/// The break between two consecutive words of `text`: the one at byte range `before`, and the
/// one at `after`, with no letter or digit between them.
pub fn break_between(text: &str, before: Range<usize>, after: Range<usize>) -> Break {
    let gap = &text[before.end..after.start];
    // Nearly every gap is one space: judged without decoding.
    if gap == " " {
        return Break::None;
    }
    let (mut terminal, mut clause, mut full_stop) = (false, false, false);
    if gap.is_ascii() {
        // The usual gaps (`, ` `. ` `) `), judged byte by byte.
        for b in gap.bytes() {
            terminal |= matches!(b, b'.' | b'!' | b'?');
            clause |= matches!(
                b,
                b',' | b';' | b':' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
            );
        }
    } else {
        for c in gap.chars() {
            terminal |= TERMINALS.contains(&c);
            clause |= CLAUSE_MARKS.contains(&c);
            full_stop |= FULL_STOPS.contains(&c);
        }
    }
    if full_stop {
        return Break::Sentence;
    }
    if !terminal {
        return if clause { Break::Clause } else { Break::None };
    }
    // A Latin terminal against a letter of a script without spaces or case may end a
    // sentence there (only words of other scripts are looked at).
    let bytes = text.as_bytes();
    if (bytes[before.end - 1] >= 0x80 || bytes[after.start] >= 0x80)
        && gap
            .char_indices()
            .any(|(i, c)| matches!(c, '.' | '!' | '?') && full_stop_at(text, before.end + i, c))
    {
        return Break::Sentence;
    }
    // A sentence end is followed by whitespace. A lone period inside a word (`3.5`, `U.S`,
    // `e.g`) holds no break; other terminal punctuation there (`Yes?No`) breaks a clause.
    let Some(space) = gap.find(char::is_whitespace) else {
        return if gap == "." {
            Break::None
        } else {
            Break::Clause
        };
    };
    let start = text[..before.end]
        .rfind(char::is_whitespace)
        .map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
    // A dash after the terminal, joined or apart (`peace.- The`, `peace. - The`, `peace.— The`),
    // leaves the sentence end one: it is read past to the next word.
    let word = text[start..before.end + space].trim_end_matches(is_dash);
    let rest = gap[space..].trim_start_matches(next_gap);
    let next = if rest.is_empty() { &text[after] } else { rest };
    if boundary(word, next) {
        return Break::Sentence;
    }
    // Terminal punctuation standing apart (`peaceful . coexistence`) or before the next word
    // (`peaceful .coexistence`), or after a word it does not abbreviate (`glance... is`,
    // `peace. and`): a pause inside a sentence.
    let apart = rest.contains(TERMINALS);
    if clause || apart || !is_abbreviation(word) && ends_sentence(word) {
        Break::Clause
    } else {
        Break::None
    }
}

/// Whether `c` is a hyphen or a dash: after a sentence's end (`peace.- The`, `peace. - The`)
/// it belongs to that sentence and leaves it ended.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '‒'
            | '–'
            | '—'
            | '―'
            | '⸺'
            | '⸻'
            | '−'
            | '\u{fe63}'
            | '\u{ff0d}'
    )
}

/// Whitespace or a dash: what [`sentences`] reads past after a sentence's end.
fn next_gap(c: char) -> bool {
    c.is_whitespace() || is_dash(c)
}

/// The byte ranges of the sentences of `text`, in order, each trimmed of surrounding
/// whitespace; text after the last sentence end is a last (unfinished) sentence.
///
/// Only a word ending in a terminal (then closers) can end a sentence, so the text is scanned
/// for terminals and only the words around them are read.
pub fn sentences(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let trimmed = text.trim_end().len();
    let mut start = text.len() - text.trim_start().len();
    let mut scan = start;
    std::iter::from_fn(move || {
        if start >= trimmed {
            return None;
        }
        while let Some(end) = next_sentence_end(text, &mut scan, trimmed) {
            // The word that ends there, and the next word.
            let word_start = text[..end].rfind(char::is_whitespace).map_or(0, |i| {
                i + text[i..].chars().next().map_or(1, char::len_utf8)
            });
            // Whitespace and dashes after it (`peace.- The`, `remain. - Then`): the dashes end
            // the sentence, if it ends.
            let tail = &text[end..];
            let run = &tail[..tail.len() - tail.trim_start_matches(next_gap).len()];
            let (dashed_end, next_start) = (end + run.trim_end().len(), end + run.len());
            let next_end = text[next_start..]
                .find(char::is_whitespace)
                .map_or(text.len(), |i| next_start + i);
            // A whitespace word may begin before `start`, cut after a full stop.
            let word_start = word_start.max(start);
            if ends_in_full_stop(&text[..end], &text[end..])
                || boundary(&text[word_start..end], &text[next_start..next_end])
            {
                let sentence = start..dashed_end;
                start = next_start;
                scan = next_start;
                return Some(sentence);
            }
        }
        let last = start..trimmed;
        start = bytes.len();
        Some(last)
    })
}

/// The end of the next whitespace-separated word from byte `*at` on (before `limit`) that ends
/// in a terminal and maybe closers (see [`ends_sentence`]), and followed by more text; `*at`
/// moves past it. `None` when there is none.
fn next_sentence_end(text: &str, at: &mut usize, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    while *at < limit {
        let skip = bytes[*at..limit]
            .iter()
            .position(|&b| TERMINAL_LEAD[usize::from(b)])?;
        let pos = *at + skip;
        let c = text[pos..].chars().next().expect("a char boundary");
        *at = pos + c.len_utf8();
        if !TERMINALS.contains(&c) {
            continue;
        }
        let rest = &text[*at..limit];
        if full_stop_at(&text[..limit], pos, c) {
            // Its closers, then anything: no whitespace needed.
            let closers = rest.len() - rest.trim_start_matches(CLOSERS).len();
            if closers < rest.len() {
                *at += closers;
                return Some(*at);
            }
            continue;
        }
        // Closers, then maybe dashes (`peace.”-`), then whitespace.
        let word_rest = rest.find(char::is_whitespace).map_or(rest, |i| &rest[..i]);
        let closers = word_rest.len() - word_rest.trim_start_matches(CLOSERS).len();
        if word_rest[closers..].chars().all(is_dash) && word_rest.len() < rest.len() {
            let end = *at + closers;
            *at += word_rest.len();
            return Some(end);
        }
    }
    None
}

/// The byte ranges of the whitespace-separated words of `text`: those of
/// [`str::split_whitespace`], with ASCII bytes judged without decoding.
pub(crate) fn whitespace_words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    // The length of the character at `at` and whether it is whitespace.
    let class = move |at: usize| match bytes[at] {
        b' ' | b'\t'..=b'\r' => (1, true),
        b if b.is_ascii() => (1, false),
        _ => {
            let c = text[at..].chars().next().expect("a char boundary");
            (c.len_utf8(), c.is_whitespace())
        }
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            if at == bytes.len() {
                return None;
            }
            let (len, space) = class(at);
            if !space {
                break;
            }
            at += len;
        }
        let start = at;
        while at < bytes.len() {
            let (len, space) = class(at);
            if space {
                break;
            }
            at += len;
        }
        Some(start..at)
    })
}

/// Whether `sentence` is a complete sentence: its last word that is not a remnant (see
/// [`is_remnant`]) ends in sentence-final punctuation and is no abbreviation.
pub fn is_complete(sentence: &str) -> bool {
    sentence
        .split_whitespace()
        .rfind(|w| !is_remnant(w))
        .is_some_and(|last| ends_sentence(last) && !is_abbreviation(last))
}

/// Whether a whitespace-separated word is a remnant of layout rather than text: no letters and
/// no sentence end (a page number `4`, a footer's `3/7`, a rule `________`).
pub fn is_remnant(word: &str) -> bool {
    !word.chars().any(char::is_alphabetic) && !ends_sentence(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences as first found: every whitespace-separated word read in turn.
    fn word_by_word(text: &str) -> Vec<Range<usize>> {
        // Whitespace words, each cut after a full-width terminal and its closers.
        let mut pieces = Vec::new();
        for word in whitespace_words(text) {
            let mut start = word.start;
            for (i, c) in text[word.clone()].char_indices() {
                let at = word.start + i + c.len_utf8();
                if TERMINALS.contains(&c) && full_stop_at(text, at - c.len_utf8(), c) {
                    let rest = &text[at..word.end];
                    let end = at + rest.len() - rest.trim_start_matches(CLOSERS).len();
                    if end < word.end && start < end {
                        pieces.push(start..end);
                        start = end;
                    }
                }
            }
            if start < word.end {
                pieces.push(start..word.end);
            }
        }
        let mut words = pieces.into_iter().peekable();
        std::iter::from_fn(move || {
            let first = words.next()?;
            let mut end = first.end;
            let mut word = first.clone();
            while let Some(next) = words.peek() {
                if ends_in_full_stop(&text[word.clone()], &text[word.end..])
                    || boundary(&text[word.clone()], &text[next.clone()])
                {
                    break;
                }
                word = words.next().expect("peeked");
                end = word.end;
            }
            Some(first.start..end)
        })
        .collect()
    }

    #[test]
    fn ascii_gaps_are_judged_by_the_same_lists() {
        for b in 0..128u8 {
            let c = char::from(b);
            let gap = format!(" {c} ");
            let (text, before, after) = (format!("a{gap}b"), 0..1, gap.len() + 1..gap.len() + 2);
            let expected = match (TERMINALS.contains(&c), CLAUSE_MARKS.contains(&c)) {
                (true, _) => Break::Clause, // a lone terminal standing apart is a pause
                (false, true) => Break::Clause,
                (false, false) => Break::None,
            };
            if c.is_alphanumeric() {
                continue;
            }
            assert_eq!(break_between(&text, before, after), expected, "{c:?}");
        }
    }

    proptest::proptest! {
        /// Jumping from terminal to terminal finds the sentences reading every word finds,
        /// whatever terminals, closers, openers, abbreviations and whitespace the text holds.
        #[test]
        fn jumping_to_terminals_finds_what_reading_every_word_finds(
            text in "(Mr|U|S|e|g|no|The|Ab|ab|1|中|서|ש|क|؟|।|،|\\.|!|\\?|…|。|？|”|」|\"|\\)|“|「|\\(| | |\n|\u{a0}|\u{85}){0,24}"
        ) {
            let found: Vec<Range<usize>> = sentences(&text).collect();
            proptest::prop_assert_eq!(found, word_by_word(&text));
        }
    }

    proptest::proptest! {
        /// The words found byte by byte are those of the standard library's split, whatever
        /// ASCII and Unicode whitespace (`\u{b}`, `\u{85}`, `\u{a0}`, `\u{2009}`) they hold.
        #[test]
        fn whitespace_words_split_as_the_standard_library_does(
            text in "[a-z.é—\u{b}\u{c} \t\r\n\u{85}\u{a0}\u{2009}\u{3000}]{0,30}"
        ) {
            let found: Vec<&str> = whitespace_words(&text).map(|r| &text[r]).collect();
            let expected: Vec<&str> = text.split_whitespace().collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    fn split(text: &str) -> Vec<&str> {
        sentences(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn sentence_boundaries_between_words() {
        let cases = [
            ("war.", "The", true),
            ("force,”", "one", false),
            ("force.”", "“We", true),
            ("now?", "2015", true),
            ("1945.", "In", true),
            ("Mr.", "Smith", false),
            ("(U.S.", "Government", false),
            ("J.", "F.", false),
            ("etc.", "The", false),
            ("peace.", "and", false),
            ("said.\"", "He", true),
            ("said.\"", "he", false),
            ("cessation.", "4", true),
            ("St.", "Vincent", false),
            ("No.", "5", false),
            ("U.N.", "Secretary-General", false),
            // Scripts without case: the next letter may start a sentence.
            ("במלחמה.", "שר", true),
            ("الدولتين.", "وأضاف", true),
            ("규탄했다.", "한국", true),
            ("है।", "विदेश", true),
            ("Ереване.", "Встреча", true),
            ("Ереване.", "встреча", false),
        ];
        for (word, next, expected) in cases {
            assert_eq!(boundary(word, next), expected, "{word} {next}");
        }
    }

    #[test]
    fn a_dash_after_a_sentence_end_leaves_two_sentences() {
        assert_eq!(
            split("A true peace.- The evils remain. - Then more."),
            ["A true peace.-", "The evils remain. -", "Then more."]
        );
    }

    /// The break between the first two words of `text`.
    fn between(text: &str) -> Break {
        let mut words = crate::analysis::word_spans(text);
        let (a, b) = (words.next().unwrap(), words.next().unwrap());
        break_between(text, a, b)
    }

    /// Real sentences from the UN General Debate Corpus and the sample articles.
    #[test]
    fn full_width_stops_end_sentences_without_whitespace() {
        assert_eq!(
            split("外交部表示，将继续对话。习近平会见普京！「和平」？ 下一句。」End. Next"),
            [
                "外交部表示，将继续对话。",
                "习近平会见普京！",
                "「和平」？",
                "下一句。」",
                "End.",
                "Next"
            ]
        );
        // Between two words: a full stop is a sentence's end, a full-width comma a clause's.
        let text = "对话。习近";
        assert_eq!(break_between(text, 3..6, 9..12), Break::Sentence);
        let text = "对话，习近";
        assert_eq!(break_between(text, 3..6, 9..12), Break::Clause);
        let text = "对话」。「习近";
        assert_eq!(break_between(text, 3..6, 15..18), Break::Sentence);
    }

    /// `．` and a Latin `.` `!` `?` typed against Chinese or Korean letters, without a space,
    /// ended no sentence: a phrase and a title ran on across them.
    #[test]
    fn latin_and_full_width_periods_against_unspaced_letters_end_sentences() {
        assert_eq!(
            split("会谈结束.普京表示满意！NATO.会议继续．下一句?对 3.5 U.S. e.g. 서울.부산"),
            [
                "会谈结束.",
                "普京表示满意！",
                "NATO.",
                "会议继续．",
                "下一句?",
                "对 3.5 U.S. e.g. 서울.",
                "부산"
            ]
        );
        for text in [
            "束.普",
            "束．普",
            "O.会",
            "会.O",
            "束!」普",
            "서.부",
            "束. 普",
        ] {
            assert_eq!(between(text), Break::Sentence, "{text}");
        }
        // Latin words and numbers keep their periods inside a sentence.
        for text in ["3.5", "U.S", "e.g"] {
            assert_eq!(between(text), Break::None, "{text}");
        }
        // A single letter of such a script before a period is a word, no initial.
        assert!(!is_abbreviation("束."));
    }

    /// The stops of other scripts with no space after them (`कहा।प्रधानमंत्री`), and a Latin
    /// period between two letters of scripts without case, ended no sentence: titles and
    /// sloppy phrases ran on across them.
    #[test]
    fn stops_of_other_scripts_end_sentences_without_a_space() {
        assert_eq!(
            split("ने कहा।प्रधानमंत्री ने सुना। नेता बोले"),
            ["ने कहा।", "प्रधानमंत्री ने सुना।", "नेता बोले"]
        );
        assert_eq!(
            split("ينتهي الاجتماع؟الرئيس غادر"),
            ["ينتهي الاجتماع؟", "الرئيس غادر"]
        );
        assert_eq!(
            split("Ինչու՞ նա եկավ։Նա գնաց"),
            ["Ինչու՞ նա եկավ։", "Նա գնաց"]
        );
        assert_eq!(split("ကြေညာခဲ့သည်။သစ်တော"), ["ကြေညာခဲ့သည်။", "သစ်တော"]);
        assert_eq!(split("אמר.הנשיא הגיע"), ["אמר.", "הנשיא הגיע"]);
        for text in [
            "कहा।प्रधानमंत्री",
            "कहा.प्रधानमंत्री",
            "الاجتماع؟الرئيس",
            "אמר.הנשיא",
        ] {
            assert_eq!(between(text), Break::Sentence, "{text}");
        }
        // A period between Latin letters, or a Latin and a Hebrew one, is not one.
        for text in ["U.S", "e.g", "a.ש"] {
            assert_eq!(between(text), Break::None, "{text}");
        }
    }

    #[test]
    fn punctuation_of_other_scripts_breaks_clauses_and_sentences() {
        for text in [
            "السلام، الأمن",
            "peace؛ security",
            "paz ¿seguridad",
            "peace《 security",
        ] {
            assert_eq!(between(text), Break::Clause, "{text}");
        }
        for text in [
            "peace؟ Security",
            "خطة۔ وزير",
            "Երևան։ Հայաստան",
            "ሰላም። ጸጥታ",
            "है। विदेश",
        ] {
            assert_eq!(between(text), Break::Sentence, "{text}");
        }
    }

    #[test]
    fn sentences_of_real_text() {
        let cases: [(&str, &[&str]); 9] = [
            (
                "Mr. Joseph Garba of Nigeria presided. The Assembly rose.",
                &[
                    "Mr. Joseph Garba of Nigeria presided.",
                    "The Assembly rose.",
                ],
            ),
            (
                "President J. F. Kennedy spoke here in 1961. He called for peace.",
                &[
                    "President J. F. Kennedy spoke here in 1961.",
                    "He called for peace.",
                ],
            ),
            (
                "The U.S. and the U.N. Secretariat agreed. Dr. Ralph Bunche mediated.",
                &[
                    "The U.S. and the U.N. Secretariat agreed.",
                    "Dr. Ralph Bunche mediated.",
                ],
            ),
            (
                "Growth fell to 3.5 per cent in resolution No. 242 of the Council. It must rise.",
                &[
                    "Growth fell to 3.5 per cent in resolution No. 242 of the Council.",
                    "It must rise.",
                ],
            ),
            (
                "“The European plan, at first glance... is completely unconstructive,” Ushakov \
                 said. “We will not do it.”",
                &[
                    "“The European plan, at first glance... is completely unconstructive,” \
                     Ushakov said.",
                    "“We will not do it.”",
                ],
            ),
            (
                "He said: “Never again.” The world listened.",
                &["He said: “Never again.”", "The world listened."],
            ),
            (
                "the delegation of St. Vincent and the Grenadines (e.g. in Kingstown) left. Why? \
                 Because",
                &[
                    "the delegation of St. Vincent and the Grenadines (e.g. in Kingstown) left.",
                    "Why?",
                    "Because",
                ],
            ),
            (
                "We demand an immediate cessation. 4 The situation remains grave …",
                &[
                    "We demand an immediate cessation.",
                    "4 The situation remains grave …",
                ],
            ),
            ("", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(split(text), expected, "{text}");
        }
    }

    #[test]
    fn breaks_between_words() {
        let cases = [
            (
                "peace and security, guarantee justice",
                "security",
                Break::Clause,
            ),
            ("the two-State solution", "two", Break::None),
            ("Ukraine’s security", "Ukraine’s", Break::None),
            ("war. The", "war", Break::Sentence),
            ("war.\nThe", "war", Break::Sentence),
            ("said.” “We", "said", Break::Sentence),
            ("Mr. Guterres", "Mr", Break::None),
            ("the U.S. delegation", "U", Break::None),
            ("the U.S. delegation", "S", Break::None),
            ("the U.S. Government", "S", Break::None),
            ("J. F. Kennedy", "F", Break::None),
            ("rose 3.5 per cent", "3", Break::None),
            ("glance... is", "glance", Break::Clause),
            ("peace. and", "peace", Break::Clause),
            ("Kyiv — and Moscow", "Kyiv", Break::Clause),
            ("Kyiv – Moscow", "Kyiv", Break::Clause),
            ("peace (and security)", "peace", Break::Clause),
            ("security) guarantee", "security", Break::Clause),
            ("peace; security", "peace", Break::Clause),
            ("as follows: peace", "follows", Break::Clause),
            ("a “peace plan” for", "a", Break::None),
            ("a “peace plan” for", "plan", Break::None),
            ("and/or", "and", Break::None),
            ("after the war -\nand", "war", Break::None),
            ("Why? Because", "Why", Break::Sentence),
            ("cessation. 4", "cessation", Break::Sentence),
            ("(U.S.), the", "S", Break::Clause),
            (
                "climate for peaceful .coexistence. 256.",
                "peaceful",
                Break::Clause,
            ),
            ("peaceful . coexistence", "peaceful", Break::Clause),
            ("A. B. Smith", "A", Break::None),
            ("Yes?No", "Yes", Break::Clause),
            ("A/78/PV.5", "PV", Break::None),
            // A dash after a sentence's end leaves it one (UNGDC: `a true peace.- The evils`).
            ("a true peace.- The evils", "peace", Break::Sentence),
            ("a true peace. - The evils", "peace", Break::Sentence),
            ("a true peace.— The evils", "peace", Break::Sentence),
            ("a true peace. -- The evils", "peace", Break::Sentence),
            ("a true peace.\u{2010} The evils", "peace", Break::Sentence),
            ("a true peace.\u{2011} The evils", "peace", Break::Sentence),
            ("a true peace. \u{fe63} The evils", "peace", Break::Sentence),
            ("a true peace.\u{ff0d} The evils", "peace", Break::Sentence),
            ("for ever!- The evils", "ever", Break::Sentence),
            ("for ever?- The evils", "ever", Break::Sentence),
            ("“for ever.”- The evils", "ever", Break::Sentence),
            ("(for ever.) - The evils", "ever", Break::Sentence),
            ("peace. - and", "peace", Break::Clause),
            ("Mr. - Guterres", "Mr", Break::None),
            ("the peace - the ocean", "peace", Break::None),
        ];
        for (text, word, expected) in cases {
            let spans: Vec<_> = crate::analysis::word_spans(text).collect();
            let i = spans
                .iter()
                .position(|s| &text[s.clone()] == word)
                .unwrap_or_else(|| panic!("{word} in {text}"));
            let got = break_between(text, spans[i].clone(), spans[i + 1].clone());
            assert_eq!(got, expected, "after {word:?} in {text:?}");
        }
    }

    #[test]
    fn complete_sentences() {
        assert!(is_complete("Thank you."));
        assert!(is_complete("Answer me!"));
        assert!(is_complete("He said: “Never again.”"));
        assert!(is_complete("We call for an immediate cessation. 4"));
        assert!(!is_complete("Statement by the President of the Republic"));
        assert!(!is_complete("as said by Mr."));
        assert!(!is_complete(""));
    }
}
