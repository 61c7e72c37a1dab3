//! Text that fits the terminal: lines wrapped at spaces to a width, with a hanging indent, and
//! lines cut to a width for progress displays.
//!
//! Widths are display columns (`unicode-width`: a CJK character takes two, a combining accent
//! none), and the SGR escape sequences the text output colours with take none. A line is broken
//! at a space, so a word is never split: a word longer than the line stands on a line of its
//! own, past the width. Text in a script written without spaces (Chinese, Japanese, Thai…) may
//! also break between two of its letters, as such text is set (Korean, spaced, breaks at
//! spaces), but never before a closing mark or stop (`。` `、` `」`), after an opening one, or
//! between a letter and its marks. A style open where a line breaks is closed before the break
//! and opened again after the indent, so an underline never runs along the indent.
//!
//! [`Wrap`] wraps everything written through it, line by line, with the indent each line
//! suggests ([`hanging_indent`]), so a command's plain `writeln!`s fit without knowing it.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

/// The hanging indent of `line`: its leading spaces; then, when what follows is a numbered
/// item (`12. `), the marker's width too; and for an unindented `label   value` line (a label
/// of up to 15 columns, then two spaces or more), the value's column.
pub fn hanging_indent(line: &str) -> usize {
    let plain: String;
    let line = if line.contains('\x1b') {
        plain = chunks(line).filter(|(v, _)| *v).map(|(_, c)| c).collect();
        plain.as_str()
    } else {
        line
    };
    let lead = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[lead..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && rest[digits..].starts_with(". ") {
        return lead + digits + 2;
    }
    if lead == 0
        && let Some(gap) = rest.find("  ")
        && gap > 0
        && gap <= 15
    {
        let value = gap + rest[gap..].len() - rest[gap..].trim_start_matches(' ').len();
        if value < rest.len() {
            return rest[..value].width();
        }
    }
    lead
}

/// One piece of a line: a run of spaces, a word (with any escapes inside it), or an escape.
enum Piece<'a> {
    Spaces(&'a str),
    Word(&'a str),
}

/// Splits `line` at ASCII spaces, keeping the spaces as pieces.
fn pieces(line: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        if spaces > 0 {
            out.push(Piece::Spaces(&rest[..spaces]));
            rest = &rest[spaces..];
            continue;
        }
        let end = rest.find(' ').unwrap_or(rest.len());
        let word = &rest[..end];
        match word.is_ascii() {
            true => out.push(Piece::Word(word)),
            false => {
                // Breaks allowed inside: the parts stand with no space between them.
                for (i, part) in unspaced_parts(word).into_iter().enumerate() {
                    if i > 0 {
                        out.push(Piece::Spaces(""));
                    }
                    out.push(Piece::Word(part));
                }
            }
        }
        rest = &rest[end..];
    }
    out
}

/// Whether `c` is a Hangul letter or jamo.
fn is_hangul(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}' | '\u{AC00}'..='\u{D7FF}')
}

/// Characters no line starts with: closing marks, stops and commas, and the prolonged sound
/// mark (the rule of Japanese and Chinese typesetting).
const NO_LINE_START: &str = "。、，．！？：；」』）】》〉〕”’)]}>!?,.;:ー…‥・";

/// `word` (no space in it) cut where a line may break between letters of a script written
/// without spaces: before such a letter, or after one, but not before a mark written on a
/// letter or a character no line starts with ([`NO_LINE_START`]), nor after an opening mark.
/// A break before a style's escape sequence keeps the style with the letter it colours, and
/// one after a reset leaves the reset with the letter it ends.
fn unspaced_parts(word: &str) -> Vec<&str> {
    use crate::analysis::unspaced;
    use unicode_normalization::char::is_combining_mark;
    let opener = |c: char| crate::analysis::sentences::OPENERS.contains(&c);
    let mut parts = Vec::new();
    let mut start = 0;
    let mut before: Option<char> = None;
    let mut escape_at: Option<usize> = None;
    let mut offset = 0;
    for (visible, chunk) in chunks(word) {
        let chunk_at = offset;
        offset += chunk.len();
        if !visible {
            // A reset ends the style of the letter before; any other opens one for the next.
            match is_reset(chunk) {
                true => escape_at = None,
                false => {
                    escape_at.get_or_insert(chunk_at);
                }
            }
            continue;
        }
        for (i, c) in chunk.char_indices() {
            let at = chunk_at + i;
            let cut = escape_at.take().unwrap_or(at);
            if let Some(b) = before {
                let may_start = !is_combining_mark(c) && !NO_LINE_START.contains(c) && !opener(b);
                // Korean puts spaces between its words, and breaks there.
                let letter = |c: char| unspaced(c) && !is_hangul(c);
                if may_start && (letter(c) || letter(b)) && cut > start {
                    parts.push(&word[start..cut]);
                    start = cut;
                }
            }
            before = Some(c);
        }
    }
    parts.push(&word[start..]);
    parts
}

/// The display width of `text`, SGR escapes (`ESC [ … m`) counted as nothing.
pub fn display_width(text: &str) -> usize {
    let mut width = 0;
    for (visible, chunk) in chunks(text) {
        if visible {
            width += chunk.width();
        }
    }
    width
}

/// `text` followed by spaces up to `width` display columns (a table's column: a Chinese or
/// Japanese character takes two); as it is when wider.
pub fn pad(text: &str, width: usize) -> String {
    let spaces = width.saturating_sub(display_width(text));
    format!("{text}{:spaces$}", "")
}

/// `text` as (visible, chunk) runs: escape sequences are not visible.
fn chunks(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with("\x1b[") {
            let end = rest[2..]
                .find(|c: char| ('@'..='~').contains(&c))
                .map_or(rest.len(), |i| i + 3);
            let (escape, after) = rest.split_at(end);
            rest = after;
            return Some((false, escape));
        }
        let end = rest.find('\x1b').filter(|&i| i > 0).unwrap_or(rest.len());
        let (visible, after) = rest.split_at(end);
        rest = after;
        Some((true, visible))
    })
}

/// Whether an SGR sequence resets every style.
fn is_reset(escape: &str) -> bool {
    escape == "\x1b[0m" || escape == "\x1b[m"
}

/// `line` (no newline in it) broken at spaces into lines of at most `width` columns, each
/// after the first starting with `indent` spaces; a width of 0 leaves the line as it is.
pub fn wrap_line(line: &str, width: usize, indent: usize) -> String {
    if width == 0 || display_width(line) <= width {
        return line.to_owned();
    }
    // A narrow terminal still leaves half the line for the text.
    let indent = indent.min(width / 2);
    let mut out = String::with_capacity(line.len() + 16);
    let mut col = 0;
    // Whether anything but the line's own leading spaces is on the current line yet.
    let mut placed = false;
    let mut pending = "";
    let mut styles: Vec<&str> = Vec::new();
    for piece in pieces(line) {
        match piece {
            Piece::Spaces(s) if !placed => {
                out.push_str(s);
                col += s.len();
            }
            Piece::Spaces(s) => pending = s,
            Piece::Word(word) => {
                let w = display_width(word);
                if placed && col + pending.len() + w > width {
                    if !styles.is_empty() {
                        out.push_str("\x1b[0m");
                    }
                    out.push('\n');
                    out.extend(std::iter::repeat_n(' ', indent));
                    for style in &styles {
                        out.push_str(style);
                    }
                    col = indent;
                } else {
                    out.push_str(pending);
                    col += pending.len();
                }
                pending = "";
                for (visible, chunk) in chunks(word) {
                    if !visible {
                        if is_reset(chunk) {
                            styles.clear();
                        } else {
                            styles.push(chunk);
                        }
                    }
                    out.push_str(chunk);
                }
                col += w;
                placed = true;
            }
        }
    }
    out
}

/// `line` cut to at most `width` columns, ending in `…` when cut (for a progress bar's lines,
/// which must not wrap: the bar redraws over as many lines as it drew).
pub fn fit(line: &str, width: usize) -> String {
    if display_width(line) <= width {
        return line.to_owned();
    }
    let mut out = String::new();
    let mut col = 0;
    for c in line.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if col + w + 1 > width {
            break;
        }
        out.push(c);
        col += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A writer that wraps each line written through it to `width` columns with the line's
/// [`hanging_indent`]. A width of 0 passes everything through.
pub struct Wrap<W: Write> {
    inner: W,
    width: usize,
    line: Vec<u8>,
}

impl<W: Write> Wrap<W> {
    /// Wraps what is written to `inner` at `width` columns.
    pub fn new(inner: W, width: usize) -> Wrap<W> {
        Wrap {
            inner,
            width,
            line: Vec::new(),
        }
    }

    /// The writer wrapped, once everything written is flushed through.
    pub fn into_inner(self) -> W {
        self.inner
    }

    fn emit(&mut self, line: &[u8], newline: bool) -> io::Result<()> {
        match std::str::from_utf8(line) {
            Ok(text) if self.width > 0 => {
                let wrapped = wrap_line(text, self.width, hanging_indent(text));
                self.inner.write_all(wrapped.as_bytes())?;
            }
            _ => self.inner.write_all(line)?,
        }
        if newline {
            self.inner.write_all(b"\n")?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Wrap<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let mut line = std::mem::take(&mut self.line);
            line.extend_from_slice(&rest[..end]);
            self.emit(&line, true)?;
            rest = &rest[end + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    /// Writes out a pending partial line as it stands, then flushes.
    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.emit(&line, false)?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_spaces_with_a_hanging_indent_and_never_inside_a_word() {
        let line = "   Kyiv’s European allies quickly drafted a counter-proposal.";
        assert_eq!(
            wrap_line(line, 30, 3),
            "   Kyiv’s European allies\n   quickly drafted a\n   counter-proposal."
        );
        // A word longer than the line stands alone, past the width, unsplit.
        assert_eq!(
            wrap_line("   see https://example.org/a/very/long/path now", 20, 3),
            "   see\n   https://example.org/a/very/long/path\n   now"
        );
        assert_eq!(wrap_line("short", 80, 3), "short");
        assert_eq!(
            wrap_line("no wrapping at all here", 0, 3),
            "no wrapping at all here"
        );
        for out in [wrap_line(line, 30, 3), wrap_line(line, 12, 3)] {
            for l in out.lines() {
                assert!(l.width() <= 30, "{l:?}");
            }
            assert_eq!(
                out.split_whitespace().collect::<Vec<_>>(),
                line.split_whitespace().collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn colour_codes_take_no_columns_and_are_reopened_after_a_break() {
        let line = "   a \x1b[4mvery long underlined\x1b[0m end";
        assert_eq!(display_width(line), "   a very long underlined end".len());
        assert_eq!(
            wrap_line(line, 14, 3),
            "   a \x1b[4mvery long\x1b[0m\n   \x1b[4munderlined\x1b[0m\n   end"
        );
    }

    /// A snippet in Chinese ran past the terminal's edge: it had no space to break at.
    #[test]
    fn text_without_spaces_breaks_between_letters_but_not_before_a_stop() {
        let line = "   习近平主席会见了来访的俄罗斯总统普京。双方就乌克兰问题交换了「意见」。";
        let out = wrap_line(line, 20, 3);
        for l in out.lines() {
            assert!(l.width() <= 20, "{l:?}\n{out}");
            let first = l.trim_start().chars().next().unwrap();
            assert!(!NO_LINE_START.contains(first), "{l:?}\n{out}");
        }
        assert_eq!(out.replace("\n   ", ""), line);
        // Nor after an opening bracket, nor between a Thai letter and its tone mark.
        assert_eq!(
            unspaced_parts("问题「意见」。"),
            ["问", "题", "「意", "见」。"]
        );
        assert_eq!(unspaced_parts("ป่าไม้"), ["ป่", "า", "ไ", "ม้"]);
        // A style opened before a letter goes with it.
        assert_eq!(
            unspaced_parts("会\x1b[4m见\x1b[0m了"),
            ["会", "\x1b[4m见\x1b[0m", "了"]
        );
        // Latin words with accents are not split, nor Korean words (spaced as Latin ones).
        assert_eq!(unspaced_parts("Türkiye’s"), ["Türkiye’s"]);
        assert_eq!(unspaced_parts("정상회담이"), ["정상회담이"]);
    }

    #[test]
    fn wide_characters_count_two_columns() {
        assert_eq!(display_width("東京"), 4);
        assert_eq!(wrap_line("東京 東京 東京", 9, 0), "東京 東京\n東京");
    }

    #[test]
    fn the_indent_follows_the_line() {
        assert_eq!(hanging_indent("   text"), 3);
        assert_eq!(hanging_indent("12. 2025-11-24  Title"), 4);
        assert_eq!(hanging_indent("last run    update: 2 added"), 12);
        assert_eq!(hanging_indent("plain words, no label"), 0);
        assert_eq!(hanging_indent("spellings   Зеленський (2)"), 12);
        assert_eq!(
            hanging_indent("\x1b[2m1.\x1b[0m \x1b[32m2025\x1b[0m  Title"),
            3
        );
    }

    #[test]
    fn a_writer_wraps_each_line_as_it_passes() {
        let mut out = Wrap::new(Vec::new(), 16);
        write!(out, "1. one two three four\n   five six seven eight").unwrap();
        out.flush().unwrap();
        assert_eq!(
            String::from_utf8(out.inner).unwrap(),
            "1. one two three\n   four\n   five six\n   seven eight"
        );
    }

    #[test]
    fn fitted_lines_end_in_an_ellipsis() {
        assert_eq!(fit("file 3/10, 1234 articles", 12), "file 3/10, …");
        assert_eq!(fit("short", 12), "short");
        assert_eq!(display_width(&fit("東京東京東京", 7)), 7);
    }
}
