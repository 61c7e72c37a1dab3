//! Quotation spans: which bytes of a passage stand inside quotation marks.
//!
//! Double quotes pair as written: `“…”`, `„…“` or `„…”`, `«…»`, `"…"` (straight quotes open and
//! close in turn), and the corner brackets of Chinese and Japanese, `「…」` and `『…』`. A single `‘` or `'` opens a quote only at the start of a word (after a space,
//! an opening bracket or the start of the passage, before a letter or digit), and closes at the
//! next `’` or `'` that ends a word (not followed by a letter or digit), so the apostrophes of
//! `Ukraine’s` and `don't` never open or close one. Quotes inside a quote belong to it. A quote
//! still open at the end of the passage runs to its end: a quotation that goes on into the next
//! paragraph opens again there, as news style writes it.

use std::ops::Range;

use crate::analysis::in_hebrew_acronym;

/// The byte ranges of the passage's quotations, marks included, in text order; they never
/// overlap.
///
/// ```
/// use attache::entities::attribution::quote_spans;
///
/// let text = "“Negotiations are ongoing,” he said of Ukraine’s ‘refined’ plan.";
/// let quoted: Vec<&str> = quote_spans(text).into_iter().map(|r| &text[r]).collect();
/// assert_eq!(quoted, ["“Negotiations are ongoing,”", "‘refined’"]);
/// ```
pub fn quote_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, char)> = None;
    // Only quotation marks open or close a quote, and every one of them is an ASCII quote or
    // a character whose UTF-8 lead byte is 0xC2 (`«` `»`), 0xE2 (`“` `”` `‘` `’` `„`) or 0xE3
    // (`「` `」` `『` `』`): the bytes in between are skipped without decoding.
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(skip) = bytes[from..]
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | 0xc2 | 0xe2 | 0xe3))
    {
        let at = from + skip;
        let c = text[at..].chars().next().expect("a char boundary");
        let end = at + c.len_utf8();
        from = end;
        // The `"` of a Hebrew acronym (`צה"ל`) is part of a word.
        if !is_quote_mark(c) || in_hebrew_acronym(text, at, c) {
            continue;
        }
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        match open {
            None => {
                if let Some(close) = opens(c, before, &text[end..]) {
                    open = Some((at, close));
                }
            }
            Some((start, close)) => {
                if closes(close, c, after) {
                    spans.push(start..end);
                    open = None;
                }
            }
        }
    }
    if let Some((start, _)) = open {
        spans.push(start..text.len());
    }
    spans
}

/// Whether `c`, followed by `after`, closes a quote that `close` closes: a single closing mark
/// only at the end of a word, either curly double mark a curly quote.
fn closes(close: char, c: char, after: Option<char>) -> bool {
    match close {
        '’' | '\'' => (c == '’' || c == '\'') && !after.is_some_and(char::is_alphanumeric),
        '“' | '”' => c == '“' || c == '”',
        _ => c == close,
    }
}

/// Whether `c` may open or close a quote (see [`opens`] and the marks it closes with).
fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '„' | '«' | '»' | '"' | '‘' | '’' | '\'' | '「' | '」' | '『' | '』'
    )
}

/// The mark that closes a quote `c` opens here, before the text `rest`, if it opens one.
fn opens(c: char, before: Option<char>, rest: &str) -> Option<char> {
    let mut next = rest.chars();
    let after = next.next();
    let free = before.is_none_or(|b| b.is_whitespace() || "([{—–-".contains(b));
    // `Australia 's`, as scanned records write a possessive: an apostrophe, not a quote.
    let possessive =
        matches!(after, Some('s' | 'S')) && !next.next().is_some_and(char::is_alphanumeric);
    let starts_word = free && after.is_some_and(char::is_alphanumeric) && !possessive;
    match c {
        '“' => Some('”'),
        // A low mark glued to the word before it (`regard„ esteem`) is a scanning remnant.
        '„' if free => Some('“'),
        '«' => Some('»'),
        '「' => Some('」'),
        '『' => Some('』'),
        '"' => Some('"'),
        // Some texts open with a closing mark: only at the start of a word.
        '”' if starts_word => Some('”'),
        '‘' | '\'' if starts_word => Some('’'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        quote_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn quotes_of_every_kind_and_apostrophes_that_are_none() {
        let cases: [(&str, &[&str]); 10] = [
            (
                "were “productive” and “marked a significant step forward.”",
                &["“productive”", "“marked a significant step forward.”"],
            ),
            ("He said \"no\" and \"never\".", &["\"no\"", "\"never\""]),
            ("„Nein“, sagte er.", &["„Nein“"]),
            ("« Non », a-t-il dit.", &["« Non »"]),
            (
                "Ukraine’s allies don't agree; the members' views differ.",
                &[],
            ),
            (
                "a ‘peace plan’ that Kyiv’s allies call 'unworkable'.",
                &["‘peace plan’", "'unworkable'"],
            ),
            (
                "“We will not. Never,” he said. “Not ‘now’.”",
                &["“We will not. Never,”", "“Not ‘now’.”"],
            ),
            (
                "“It goes on into the next paragraph",
                &["“It goes on into the next paragraph"],
            ),
            // Corner brackets quote in Chinese and Japanese, nested ones inside.
            (
                "王毅表示：「和平谈判是『唯一』出路。」外交部说。",
                &["「和平谈判是『唯一』出路。」"],
            ),
            // Scanning remnants: a possessive after a space, a low mark glued to a word.
            (
                "Australia 's strong support for the 'peace plan' and the regard„ esteem shown",
                &["'peace plan'"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(quoted(text), expected, "{text}");
        }
    }

    /// The scan as first written: every character decoded, in turn.
    fn char_by_char(text: &str) -> Vec<Range<usize>> {
        let mut spans = Vec::new();
        let mut open: Option<(usize, char)> = None;
        let mut chars = text.char_indices().peekable();
        let mut before: Option<char> = None;
        while let Some((at, c)) = chars.next() {
            let after = chars.peek().map(|&(_, c)| c);
            let end = at + c.len_utf8();
            match open {
                None => open = opens(c, before, &text[end..]).map(|close| (at, close)),
                Some((start, close)) => {
                    if closes(close, c, after) {
                        spans.push(start..end);
                        open = None;
                    }
                }
            }
            before = Some(c);
        }
        if let Some((start, _)) = open {
            spans.push(start..text.len());
        }
        spans
    }

    proptest::proptest! {
        /// Skipping the bytes that cannot be quotation marks finds what decoding every
        /// character finds, whatever mix of marks, apostrophes, letters and other characters
        /// sharing their lead bytes (`©`, `€`, `—`) a text holds.
        #[test]
        fn skipping_to_the_marks_finds_what_reading_every_character_finds(
            text in "[a-zA-Z0-9 \"'“”‘’„«»「」『』ア©€—–(Ā\u{a0}]{0,40}"
        ) {
            proptest::prop_assert_eq!(quote_spans(&text), char_by_char(&text));
        }
    }
}
