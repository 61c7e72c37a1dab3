//! The article text format (`*.txt`).
//!
//! ```text
//!  date 2025-11-24 President Donald Trump struck a cautious yet optimistic tone …
//!
//! Trump shared his thoughts in a post on Truth Social:
//! ```
//!
//! Optional leading whitespace, the word `date`, an ISO date (`2025-11-24`, `2025-11`, `2025`),
//! then the body, on the same line or the next. When the date stands alone on its line, header
//! lines `title …`, `source …` and `url …` may follow before the body. Paragraphs are separated
//! by blank lines. The article id is the file's path relative to the walked root.

use std::io::Read;

use super::clean::{MAX_ID_BYTES, check_id, nfc, nfc_owned, strip_bom};
use super::{
    Article, Input, MAX_RECORD_BYTES, Record, Warning, line_of, title_from_body, too_long,
};
use crate::error::{Error, Result};

/// How far into a file to look for NUL bytes when deciding that it is binary.
pub(super) const BINARY_PROBE: usize = 8192;

/// Reads one article from any reader, reporting `input.path` in warnings; one longer than
/// [`MAX_RECORD_BYTES`] is skipped unread.
///
/// # Errors
/// Only when reading fails; bad content is reported to `sink` as a warning.
pub fn read_from(reader: impl Read, input: &Input, sink: &mut dyn FnMut(Record)) -> Result<()> {
    read_capped(reader, input, MAX_RECORD_BYTES, sink)
}

/// [`read_from`] with articles longer than `max` bytes skipped. The size is judged by reading,
/// not by the walk's metadata, since the file may have grown since.
fn read_capped(
    reader: impl Read,
    input: &Input,
    max: usize,
    sink: &mut dyn FnMut(Record),
) -> Result<()> {
    let mut bytes = Vec::with_capacity((input.size as usize).min(max + 1));
    reader
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(&input.path, e))?;
    if bytes.len() > max {
        sink(Record::Warning(Warning {
            path: input.path.clone(),
            line: None,
            message: format!("file {}", too_long(max)),
        }));
        return Ok(());
    }
    match parse_as(input.relative.clone(), &bytes) {
        Ok(article) => sink(Record::Article(article, 1)),
        Err((line, message)) => sink(Record::Warning(Warning {
            path: input.path.clone(),
            line,
            message,
        })),
    }
    Ok(())
}

/// Parses the bytes of an article file, whose id is `id` (its path from the walked root), into
/// an article in Unicode form C (as the other readers do); the error is the line at fault (if one
/// is) and why.
pub fn parse(id: &str, bytes: &[u8]) -> Result<Article, (Option<usize>, String)> {
    parse_as(nfc_owned(id.to_owned()), bytes)
}

/// What an error of invalid UTF-8 adds: the likeliest cause, an older single-byte encoding,
/// and the fix.
pub const LATIN1_HINT: &str = ": attache reads UTF-8; a Latin-1 or Windows-1252 file converts \
     with `iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8`";

/// Why a file that opens with a UTF-16 byte-order mark is skipped, with the fix; `None` for
/// any other file.
pub fn utf16(bytes: &[u8]) -> Option<String> {
    let (order, name) = match bytes {
        [0xff, 0xfe, ..] => ("FF FE", "UTF-16LE"),
        [0xfe, 0xff, ..] => ("FE FF", "UTF-16BE"),
        _ => return None,
    };
    Some(format!(
        "UTF-16 text (byte-order mark {order}), skipped: attache reads UTF-8; convert it, \
         `iconv -f {name} -t UTF-8 FILE > FILE.utf8`"
    ))
}

/// [`parse`] with the id as it is (the walk has put it in form C, or kept a name that differs
/// from another only in its normalisation).
fn parse_as(id: String, bytes: &[u8]) -> Result<Article, (Option<usize>, String)> {
    if let Err(n) = check_id(&id) {
        let message = format!(
            "id is {n} bytes, longer than {MAX_ID_BYTES}; skipped: the id is the file's path \
             from the folder given, so index a folder nearer the file"
        );
        return Err((None, message));
    }
    if let Some(utf16) = utf16(bytes) {
        return Err((None, utf16));
    }
    if bytes[..bytes.len().min(BINARY_PROBE)].contains(&0) {
        return Err((None, "binary file (contains NUL bytes), skipped".into()));
    }
    // Offsets in errors count from the file's first byte, byte-order mark included.
    let bom = bytes.len() - strip_bom(bytes).len();
    let text = std::str::from_utf8(&bytes[bom..]).map_err(|e| {
        let offset = bom + e.valid_up_to();
        let message = format!("invalid UTF-8 at byte {offset}{LATIN1_HINT}");
        (Some(line_of(bytes, offset)), message)
    })?;
    let text = nfc(text);
    let text = lone_cr_to_lf(text.as_ref());
    let text = text.as_ref();
    let start = text.len() - text.trim_start().len();
    let line = line_of(text.as_bytes(), start);
    let no_date = || {
        let message = "no date: the file must start with `date YYYY-MM-DD`".to_owned();
        (Some(line), message)
    };
    let rest = text[start..].strip_prefix("date").ok_or_else(no_date)?;
    if !rest.starts_with([' ', '\t']) {
        return Err(no_date());
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    let date_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let date = rest[..date_end].parse().map_err(|why| (Some(line), why))?;
    let rest = &rest[date_end..];

    let mut title = None;
    let mut source = None;
    let mut url = None;
    let same_line = rest.split('\n').next().unwrap_or("");
    let body = if same_line.trim().is_empty() {
        // The date stands alone: header lines may follow.
        let mut rest = rest.get(same_line.len() + 1..).unwrap_or("");
        loop {
            let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let header = rest[..line_end].trim();
            let (key, value) = header.split_once([' ', '\t']).unwrap_or((header, ""));
            let first = title.is_none() && source.is_none() && url.is_none();
            let slot = match key {
                "title" => &mut title,
                "source" => &mut source,
                "url" => &mut url,
                "" if line_end > 0 => {
                    rest = &rest[line_end..];
                    continue;
                }
                _ => break,
            };
            // A body whose first line starts with one of the words is not a header: a header
            // that stands alone must read as one; beside another header line, it is one.
            if first && !next_is_header(&rest[line_end..]) && !plausible_header(key, value.trim()) {
                break;
            }
            *slot = Some(value.trim().to_owned());
            rest = &rest[line_end..];
        }
        rest
    } else {
        rest
    };
    let body = body.trim();
    if body.is_empty() {
        return Err((Some(line), "empty body: nothing after the date".into()));
    }
    Ok(Article {
        id,
        date,
        title: title
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| title_from_body(body)),
        source: source.filter(|s| !s.is_empty()),
        url: url.filter(|u| !u.is_empty()),
        meta: Vec::new(),
        body: body.to_owned(),
        passages: Vec::new(),
    })
}

/// `text` with the line ends of a classic Mac OS file (a lone `\r`) as `\n`, so that its
/// header lines and paragraphs read as they do in any other file; a `\r\n` stays as it is.
fn lone_cr_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() != Some(&'\n') => out.push('\n'),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether the next line of `rest` is a header line (`title …`, `source …`, `url …`).
fn next_is_header(rest: &str) -> bool {
    let line = rest.split('\n').next().unwrap_or("").trim();
    let key = line.split_once([' ', '\t']).map_or(line, |(key, _)| key);
    matches!(key, "title" | "source" | "url")
}

/// Whether `value` reads as the value of the header `key` rather than as a body sentence that
/// starts with the same word (`source close to the talks said …`): a url is one word; a source
/// or title is short and holds no sentence end followed by another sentence.
fn plausible_header(key: &str, value: &str) -> bool {
    const LONGEST_SOURCE: usize = 120;
    const LONGEST_TITLE: usize = 300;
    match key {
        "url" => !value.contains(char::is_whitespace),
        "source" => value.chars().count() <= LONGEST_SOURCE && !two_sentences(value),
        _ => value.chars().count() <= LONGEST_TITLE && !two_sentences(value),
    }
}

/// Whether `text` holds a sentence end (`.`, `!` or `?` after a lowercase word of four or more
/// letters, so not `Dr.` or `U.S.`) followed by another word.
fn two_sentences(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).any(|pair| {
        let Some(word) = pair[0].strip_suffix(['.', '!', '?']) else {
            return false;
        };
        let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 4
            && letters.len() == word.chars().count()
            && letters[1..].iter().all(|c| c.is_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Article {
        parse("a.txt", text.as_bytes()).unwrap()
    }

    fn err(bytes: &[u8]) -> (Option<usize>, String) {
        parse("a.txt", bytes).unwrap_err()
    }

    #[test]
    fn a_classic_mac_os_file_ends_its_lines_with_a_lone_carriage_return() {
        let mac = "date 2024-03-01\rtitle Treaty talks resume\rsource Reuters\r\rThe envoy \
                   spoke.\r\rThe second paragraph.\r";
        let a = ok(mac);
        assert_eq!(a.title, "Treaty talks resume");
        assert_eq!(a.source.as_deref(), Some("Reuters"));
        assert_eq!(a.body, "The envoy spoke.\n\nThe second paragraph.");
        // Without headers, the title is the body's first line, not the whole body.
        let a = ok("date 2024-03-01\rTreaty talks resume\r\rThe envoy spoke.\r");
        assert_eq!(a.title, "Treaty talks resume");
        // Windows line ends are kept as they are; a lone one among them is a line end.
        let a = ok("date 2024-03-01\r\ntitle T\r\n\r\nOne.\r\n\r\nTwo.\rThree.");
        assert_eq!(
            (a.title.as_str(), a.body.as_str()),
            ("T", "One.\r\n\r\nTwo.\nThree.")
        );
        // A bad byte is reported on its line.
        assert_eq!(err(b"date 2024-03-01\r\rOne.\r\xff").0, Some(4));
    }

    #[test]
    fn a_body_that_starts_with_a_header_word_stays_body() {
        let lead = "source close to the talks said the accord would be signed on Friday. \
                    Officials agreed.";
        let a = ok(&format!("date 2025-11-24\n{lead}\n\nThe second paragraph."));
        assert_eq!(a.source, None);
        assert!(a.body.starts_with(lead), "{}", a.body);
        let a = ok("date 2025-11-24\nurl shortening services were banned.\n\nMore.");
        assert_eq!(a.url, None);
        assert!(a.body.starts_with("url shortening"), "{}", a.body);
        let a = ok("date 2025-11-24\ntitle deeds were handed over. The ministry agreed.\n\nMore.");
        assert_eq!(
            a.body.lines().next(),
            Some("title deeds were handed over. The ministry agreed.")
        );
        // Headers as documented, abbreviations included, are still headers.
        let a = ok(
            "date 2025-11-24\ntitle Dr. Smith meets U.S. envoy in Geneva\nsource Reuters\n\
                    url https://example.org/a\n\nBody.",
        );
        assert_eq!(a.title, "Dr. Smith meets U.S. envoy in Geneva");
        assert_eq!(a.source.as_deref(), Some("Reuters"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(a.body, "Body.");
        // Beside other headers, a headline of two sentences is still the title.
        let a = ok(
            "date 2025-11-24\ntitle Talks collapse. Russia walks out of Geneva\n\
                    source Reuters. Additional reporting by Jane Doe\nurl https://example.org/a\n\nBody.",
        );
        assert_eq!(a.title, "Talks collapse. Russia walks out of Geneva");
        assert_eq!(
            a.source.as_deref(),
            Some("Reuters. Additional reporting by Jane Doe")
        );
        assert_eq!(a.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(a.body, "Body.");
    }

    #[test]
    fn reads_the_sample_layout_with_the_body_on_the_date_line() {
        let a = ok(" date 2025-11-24 Moscow rejected the plan.\n\nSecond paragraph.");
        assert_eq!(a.date.to_string(), "2025-11-24");
        assert_eq!(a.title, "Moscow rejected the plan.");
        assert_eq!(a.body, "Moscow rejected the plan.\n\nSecond paragraph.");
        assert_eq!((a.source, a.url), (None, None));
    }

    #[test]
    fn reads_headers_when_the_date_stands_alone() {
        let a = ok(
            "date 2025-11\ntitle Geneva talks\nsource Reuters\nurl https://x.test/a\n\nBody text.",
        );
        assert_eq!(a.date.to_string(), "2025-11");
        assert_eq!(a.title, "Geneva talks");
        assert_eq!(a.source.as_deref(), Some("Reuters"));
        assert_eq!(a.url.as_deref(), Some("https://x.test/a"));
        assert_eq!(a.body, "Body text.");
    }

    #[test]
    fn a_body_line_that_is_not_a_header_starts_the_body() {
        let a = ok("date 2025\nTitle IX was cited.\nsource of trouble");
        assert_eq!(a.body, "Title IX was cited.\nsource of trouble");
    }

    #[test]
    fn a_file_over_the_cap_is_skipped_whole() {
        let dir = tempfile::tempdir().unwrap();
        let read = |text: &str, max| {
            let path = dir.path().join("a.txt");
            std::fs::write(&path, text).unwrap();
            let input = Input {
                path: path.clone(),
                relative: "a.txt".into(),
                format: super::super::Format::Text,
                size: 0, // stale on purpose: the cap is judged by reading
                stdin: false,
                origin: path.to_string_lossy().into_owned(),
                anchor: String::new(),
            };
            let mut seen = Vec::new();
            let file = std::fs::File::open(&path).unwrap();
            read_capped(file, &input, max, &mut |r| {
                seen.push(match r {
                    Record::Article(a, _) => a.body,
                    Record::Warning(w) => w.to_string().replace(&*path.to_string_lossy(), "a.txt"),
                })
            })
            .unwrap();
            seen
        };
        let text = "date 2025 Twenty bytes.";
        assert_eq!(read(text, text.len()), ["Twenty bytes."]);
        let skipped = format!("a.txt: file {}", too_long(text.len() - 1));
        assert_eq!(read(text, text.len() - 1), [skipped]);
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        let a = ok("\u{feff}date 2025-11-24\ntitle Geneva\n\nBody.");
        assert_eq!(
            (a.date.to_string(), a.title, a.body),
            ("2025-11-24".into(), "Geneva".into(), "Body.".into())
        );
        // Error offsets still count the mark's bytes.
        assert_eq!(
            err(b"\xef\xbb\xbfdate 2025 \xff"),
            (Some(1), format!("invalid UTF-8 at byte 13{LATIN1_HINT}"))
        );
    }

    #[test]
    fn decomposed_text_is_read_in_unicode_form_c() {
        let a = parse(
            "Kyi\u{308}v.txt",
            "date 2025\ntitle Tu\u{308}rkiye\nsource Co\u{302}te\n\nIn Kyi\u{308}v.".as_bytes(),
        )
        .unwrap();
        assert_eq!(a.id, "Kyïv.txt");
        assert_eq!(a.title, "Türkiye");
        assert_eq!(a.source.as_deref(), Some("Côte"));
        assert_eq!(a.body, "In Kyïv.");
    }

    #[test]
    fn a_path_id_over_1024_bytes_is_refused_with_its_length() {
        let deep = format!("{}/a.txt", vec!["d".repeat(200); 6].join("/"));
        assert_eq!(deep.len(), 1211);
        assert_eq!(
            parse(&deep, b"date 2025 Text.").unwrap_err(),
            (
                None,
                "id is 1211 bytes, longer than 1024; skipped: the id is the file's path from \
                 the folder given, so index a folder nearer the file"
                    .to_owned()
            )
        );
    }

    #[test]
    fn bad_files_say_which_line_and_why() {
        let cases: [(&[u8], Option<usize>, &str); 6] = [
            (
                b"\n\nhello world",
                Some(3),
                "no date: the file must start with `date YYYY-MM-DD`",
            ),
            (
                b"dated 2025 x",
                Some(1),
                "no date: the file must start with `date YYYY-MM-DD`",
            ),
            (
                b"date 2025-13-45 x",
                Some(1),
                "invalid date '2025-13-45': month 13 does not exist",
            ),
            (
                b"date 2025-11-24\n\n  \n",
                Some(1),
                "empty body: nothing after the date",
            ),
            (
                b"date 2025 ok\nline two \xff\xfe",
                Some(2),
                "invalid UTF-8 at byte 22: attache reads UTF-8; a Latin-1 or Windows-1252 \
                 file converts with `iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8`",
            ),
            (
                b"date 2025 \x00\x01\x02",
                None,
                "binary file (contains NUL bytes), skipped",
            ),
        ];
        for (bytes, line, message) in cases {
            assert_eq!(err(bytes), (line, message.to_owned()), "{bytes:?}");
        }
    }
}
