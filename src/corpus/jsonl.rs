//! The JSON Lines format (`*.jsonl`, `*.ndjson`): one article per line.
//!
//! ```text
//! {"id": "ungdc-78-UKR", "date": "2023", "title": "…", "source": "…", "country": "UKR", "body": "…"}
//! ```
//!
//! `id`, `date` and `body` are required; `title`, `source` and `url` are optional; every other
//! top-level string or number becomes metadata, searchable as `name:value`. Files are streamed
//! line by line, so a corpus never has to fit in memory. Blank lines are skipped, and so is a
//! line longer than [`MAX_RECORD_BYTES`], which is read past without being held. Passages
//! exported by `attache export` are read here too (see [`super::exported`]).

use std::io::{self, BufRead};

use serde_json::{Map, Value};

use super::clean::{MAX_ID_BYTES, check_id, nfc_owned, strip_bom};
use super::exported;
use super::{Article, Input, MAX_RECORD_BYTES, Record, Warning, title_from_body, too_long};
use crate::error::{Error, Result};

/// Reads JSON Lines from any buffered reader (`Input::open` gives one), reporting `input.path`
/// in warnings.
///
/// # Errors
/// Only when reading fails; bad lines are reported to `sink` as warnings.
pub fn read_from(reader: impl BufRead, input: &Input, sink: &mut dyn FnMut(Record)) -> Result<()> {
    read_capped(reader, input, MAX_RECORD_BYTES, sink)
}

/// [`read_from`] with lines longer than `max` bytes skipped.
fn read_capped(
    mut reader: impl BufRead,
    input: &Input,
    max: usize,
    sink: &mut dyn FnMut(Record),
) -> Result<()> {
    let mut buf = Vec::new();
    let mut line = 0;
    // Exported passages are gathered into their articles; an article cut by a read error is
    // dropped with the rest of the file.
    let mut passages = exported::Assembler::default();
    loop {
        buf.clear();
        let (n, cut) = match read_line_capped(&mut reader, &mut buf, max) {
            Ok(read) => read,
            // A damaged compressed stream or a failing disk: keep what was read before.
            Err(e) if line > 0 => {
                sink(Record::Warning(Warning {
                    path: input.path.clone(),
                    line: Some(line + 1),
                    message: format!(
                        "read error: {}; the rest of the file is skipped",
                        e.to_string().to_lowercase()
                    ),
                }));
                return Ok(());
            }
            Err(e) => return Err(Error::io(&input.path, e)),
        };
        if n == 0 {
            passages.finish(sink);
            return Ok(());
        }
        line += 1;
        if cut {
            sink(Record::Warning(Warning {
                path: input.path.clone(),
                line: Some(line),
                message: too_long(max),
            }));
            continue;
        }
        // A byte-order mark may open the file (or the stream, compressed or not).
        let record = if line == 1 { strip_bom(&buf) } else { &buf[..] };
        if line == 1
            && let Some(utf16) = super::text::utf16(&buf)
        {
            sink(Record::Warning(Warning {
                path: input.path.clone(),
                line: None,
                message: utf16,
            }));
            return Ok(());
        }
        // Binary data named `.jsonl` (an archive, say) is one warning, not one per "line". A
        // first line that opens a JSON object is a line like any other, a stray NUL in it
        // only its own fault.
        let opens_object = record.trim_ascii_start().starts_with(b"{");
        if line == 1
            && !opens_object
            && record[..record.len().min(super::text::BINARY_PROBE)].contains(&0)
        {
            sink(Record::Warning(Warning {
                path: input.path.clone(),
                line: None,
                message: "binary file (contains NUL bytes), not JSON Lines; skipped".into(),
            }));
            return Ok(());
        }
        if record.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // A JSON array saved as `.jsonl` (one object per line is what is read): one warning
        // with the conversion, not one per line.
        if line == 1 && record.trim_ascii_start().starts_with(b"[") {
            sink(Record::Warning(Warning {
                path: input.path.clone(),
                line: None,
                message: "a JSON array, not JSON Lines (one object per line): skipped; convert \
                          it with `jq -c '.[]' FILE > FILE.jsonl`"
                    .into(),
            }));
            return Ok(());
        }
        let line_end = record.len()
            - record
                .iter()
                .rev()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .count();
        let object = match parse_object(&record[..line_end]) {
            Ok(object) if exported::is_bulk_action(&object) => continue,
            Ok(object) if exported::is_passage(&object) => {
                passages.push(object, line, input, sink);
                continue;
            }
            other => other,
        };
        passages.finish(sink);
        match object.and_then(article_from) {
            Ok(article) => sink(Record::Article(article, line)),
            Err(message) => sink(Record::Warning(Warning {
                path: input.path.clone(),
                line: Some(line),
                message,
            })),
        }
    }
}

/// Reads one line, newline included, into `buf`, holding at most `max` bytes of it. Returns the
/// bytes consumed (0 at the end) and whether the line was longer than `max`, in which case the
/// rest was read past and `buf` is left empty.
fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<(usize, bool)> {
    let (mut consumed, mut cut) = (0, false);
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, cut));
        }
        let newline = available.iter().position(|&b| b == b'\n');
        let chunk = &available[..newline.map_or(available.len(), |i| i + 1)];
        if !cut && buf.len() + chunk.len() > max + usize::from(newline.is_some()) {
            cut = true;
            *buf = Vec::new();
        }
        if !cut {
            buf.extend_from_slice(chunk);
        }
        let n = chunk.len();
        reader.consume(n);
        consumed += n;
        if newline.is_some() {
            return Ok((consumed, cut));
        }
    }
}

/// Parses one JSON line into an article, its strings in Unicode form C (see [`super::clean`]);
/// the error says what is wrong.
#[cfg(test)]
pub fn parse_line(bytes: &[u8]) -> Result<Article, String> {
    parse_object(bytes).and_then(article_from)
}

/// One JSON line as an object; the error says what is wrong.
fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 at byte {} of the line{}",
            e.valid_up_to(),
            super::text::LATIN1_HINT
        )
    })?;
    match serde_json::from_str::<Object>(text) {
        Ok(Object(object)) => Ok(object),
        Err(e) if e.is_data() && e.to_string().starts_with(NOT_AN_OBJECT) => {
            Err("expected a JSON object".into())
        }
        Err(e) if e.is_data() => Err(lowercase(e)),
        // A lone surrogate (`"\ud800"`, cut from a pair by a broken export) is no character.
        Err(e) if e.to_string().contains("hex escape") => Err(format!(
            "malformed JSON: {}: a surrogate escape stands only in a pair, \\uD800–\\uDBFF then \
             \\uDC00–\\uDFFF, naming one character",
            lowercase(e)
        )),
        Err(e) => Err(format!("malformed JSON: {}", lowercase(e))),
    }
}

/// The start of the error of a line that is JSON but not an object.
const NOT_AN_OBJECT: &str = "invalid type: ";

/// A line's JSON object, each key once: a key written twice makes the line ambiguous (which
/// `text` is the article's?), so the line is reported rather than read by one of its values.
struct Object(Map<String, Value>);

impl<'de> serde::Deserialize<'de> for Object {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = Object;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Object, A::Error> {
                let mut object = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: Value = map.next_value()?;
                    if object.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "key `{}` appears twice",
                            key.escape_debug()
                        )));
                    }
                    object.insert(key, value);
                }
                Ok(Object(object))
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

/// The article of one JSON object, its strings in Unicode form C.
fn article_from(mut object: Map<String, Value>) -> Result<Article, String> {
    let id = match object.remove("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => n.to_string(),
        // Read as a float (beyond 64 bits, or with a fraction or an exponent): two ids would
        // meet in its rounding (…890123 and …890124), and `1e2` would become `100.0`.
        Some(Value::Number(n)) => {
            return Err(format!(
                "field `id` is the number {n}, which is not kept as written: write the id as a \
                 string"
            ));
        }
        Some(Value::Null) => return Err("field `id` is null: it must be a non-empty string".into()),
        Some(_) => return Err("field `id` must be a non-empty string".into()),
        None => return Err("missing field `id`".into()),
    };
    let id = nfc_owned(id);
    check_id(&id).map_err(|n| format!("id is {n} bytes, longer than {MAX_ID_BYTES}; skipped"))?;
    let date = required_str(&mut object, "date")?
        .parse()
        .map_err(|why| format!("{why} (article '{id}')"))?;
    let body = required_str(&mut object, "body")?;
    if body.trim().is_empty() {
        return Err(format!("empty body (article '{id}')"));
    }
    // An empty or blank title, source or url is none, as an empty metadata value is left out
    // (a source `""` was listed by `stats` as a source without a name).
    let given = |value: Option<String>| value.filter(|s| !s.trim().is_empty());
    let title =
        given(optional_str(&mut object, "title")?).unwrap_or_else(|| title_from_body(&body));
    let source = given(optional_str(&mut object, "source")?);
    let url = given(optional_str(&mut object, "url")?);
    // A key of no letters names nothing a query or an export could use.
    let meta = object
        .into_iter()
        .filter(|(key, _)| !key.trim().is_empty())
        .filter_map(|(key, value)| match value {
            Value::String(s) if !s.is_empty() => Some((nfc_owned(key), nfc_owned(s))),
            Value::Number(n) => Some((nfc_owned(key), super::clean::number_text(&n))),
            _ => None,
        })
        .collect();
    Ok(Article {
        id,
        date,
        title,
        source,
        url,
        meta,
        body,
        passages: Vec::new(),
    })
}

fn required_str(object: &mut Map<String, Value>, key: &str) -> Result<String, String> {
    if matches!(object.get(key), Some(Value::Null)) {
        return Err(format!("field `{key}` is null: it must be a string"));
    }
    optional_str(object, key)?.ok_or_else(|| format!("missing field `{key}`"))
}

/// The string value of `key`, in Unicode form C.
fn optional_str(object: &mut Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match object.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(nfc_owned(s))),
        Some(other) => Err(format!(
            "field `{key}` must be a string, not {}",
            kind(&other)
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message, lowercase, with its "line 1" dropped: the warning gives the line.
fn lowercase(e: serde_json::Error) -> String {
    e.to_string()
        .replace(" at line 1 column ", " at column ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_written_twice_makes_the_line_an_error_that_names_it() {
        let twice = parse_line(br#"{"id":"a","date":"2020","body":"x","body":"y"}"#).unwrap_err();
        assert_eq!(twice, "key `body` appears twice at column 46");
        assert_eq!(parse_line(b"[1, 2]").unwrap_err(), "expected a JSON object");
        assert_eq!(
            parse_line(b"\"text\"").unwrap_err(),
            "expected a JSON object"
        );
        assert!(
            parse_line(br#"{"id":"a""#)
                .unwrap_err()
                .starts_with("malformed JSON: ")
        );
    }

    #[test]
    fn a_blank_title_source_or_url_is_none() {
        let a = parse_line(
            br#"{"id":"a","date":"2020","body":"The talks.","source":"","url":" ","title":""}"#,
        )
        .unwrap();
        assert_eq!((a.source, a.url), (None, None));
        assert_eq!(a.title, "The talks.");
    }

    #[test]
    fn a_metadata_key_of_no_letters_is_left_out() {
        let a =
            parse_line(br#"{"id":"a","date":"2020","body":"x","":"v"," ":"w","k":"z"}"#).unwrap();
        assert_eq!(a.meta, [("k".to_owned(), "z".to_owned())]);
    }

    #[test]
    fn keeps_other_strings_and_numbers_as_metadata() {
        let a = parse_line(
            br#"{"id": "ungdc-78-UKR", "date": "2023", "source": "UN General Debate", "title": "Ukraine", "country": "UKR", "session": 78, "speaker": null, "tags": ["a"], "body": "Text."}"#,
        )
        .unwrap();
        assert_eq!(a.id, "ungdc-78-UKR");
        assert_eq!(a.date.to_string(), "2023");
        assert_eq!(a.source.as_deref(), Some("UN General Debate"));
        let mut meta = a.meta.clone();
        meta.sort();
        assert_eq!(
            meta,
            [
                ("country".into(), "UKR".into()),
                ("session".into(), "78".into())
            ]
        );
    }

    fn read_all(bytes: &[u8], max: usize) -> Vec<String> {
        let input = Input {
            path: "a.jsonl".into(),
            relative: "a.jsonl".into(),
            format: super::super::Format::JsonLines,
            size: bytes.len() as u64,
            stdin: false,
            origin: "a.jsonl".into(),
            anchor: String::new(),
        };
        let mut seen = Vec::new();
        read_capped(bytes, &input, max, &mut |record| {
            seen.push(match record {
                Record::Article(a, line) => format!("{line}: {}", a.id),
                Record::Warning(w) => w.to_string(),
            })
        })
        .unwrap();
        seen
    }

    #[test]
    fn a_line_over_the_cap_is_skipped_and_the_next_lines_are_read() {
        let ok = |id: &str| format!(r#"{{"id": "{id}", "date": "2023", "body": "Text."}}"#);
        let exact = ok("exact");
        let long = ok("longer");
        let lines = [ok("a"), long.clone(), exact.clone(), long, ok("b")].join("\r\n");
        // The cap counts the line without its line break.
        let max = exact.len() + 1;
        let skipped = |line| format!("a.jsonl: line {line}: {}", too_long(max));
        assert_eq!(
            read_all(lines.as_bytes(), max),
            ["1: a", &skipped(2), "3: exact", &skipped(4), "5: b"]
        );
    }

    #[test]
    fn a_line_longer_than_the_read_buffer_is_skipped_without_holding_it() {
        let huge = format!("{{\"body\": \"{}\"}}\n", "y".repeat(300_000));
        let good = r#"{"id": "g", "date": "2023", "body": "Text."}"#;
        let seen = read_all(format!("{huge}{huge}{good}").as_bytes(), 100_000);
        assert_eq!(seen.len(), 3);
        assert!(
            seen[0].starts_with("a.jsonl: line 1: longer than"),
            "{seen:?}"
        );
        assert!(
            seen[1].starts_with("a.jsonl: line 2: longer than"),
            "{seen:?}"
        );
        assert_eq!(seen[2], "3: g");
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped_and_the_first_line_read() {
        let lines = "\u{feff}{\"id\": \"a\", \"date\": \"2023\", \"body\": \"Text.\"}\n\
                     {\"id\": \"b\", \"date\": \"2023\", \"body\": \"Text.\"}\n";
        assert_eq!(read_all(lines.as_bytes(), 1000), ["1: a", "2: b"]);
        // Only at the start of the file: elsewhere it is a malformed line.
        let late = lines.replace("\n{", "\n\u{feff}{");
        let seen = read_all(late.trim_start_matches('\u{feff}').as_bytes(), 1000);
        assert_eq!(seen[0], "1: a");
        assert!(
            seen[1].starts_with("a.jsonl: line 2: malformed JSON"),
            "{seen:?}"
        );
        // A file that holds only a mark is empty.
        assert!(read_all("\u{feff}\n".as_bytes(), 1000).is_empty());
    }

    #[test]
    fn an_id_over_1024_bytes_is_refused_with_its_length() {
        let line = |id: &str| format!(r#"{{"id": "{id}", "date": "2023", "body": "Text."}}"#);
        let long = "x".repeat(70_000);
        assert_eq!(
            parse_line(line(&long).as_bytes()).unwrap_err(),
            "id is 70000 bytes, longer than 1024; skipped"
        );
        let longest = "x".repeat(MAX_ID_BYTES);
        assert_eq!(parse_line(line(&longest).as_bytes()).unwrap().id, longest);
    }

    #[test]
    fn strings_are_read_in_unicode_form_c() {
        let a = parse_line(
            "{\"id\": \"Kyi\u{308}v-1\", \"date\": \"2023\", \"title\": \"Tu\u{308}rkiye\", \
             \"source\": \"Co\u{302}te\", \"speaker\": \"Zelens\u{301}kyy\", \
             \"body\": \"In Kyi\\u0308v.\"}"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(a.id, "Kyïv-1");
        assert_eq!(a.title, "Türkiye");
        assert_eq!(a.source.as_deref(), Some("Côte"));
        assert_eq!(a.meta, [("speaker".to_owned(), "Zelenśkyy".to_owned())]);
        // An escaped combining mark is composed too: normalising follows JSON decoding.
        assert_eq!(a.body, "In Kyïv.");
    }

    /// `"session": 1e2` was kept as `100.0`, and `78.0` as `78.0`: `session:100` found neither.
    #[test]
    fn whole_numbers_in_metadata_are_integers_however_written() {
        let a = parse_line(
            br#"{"id": "a", "date": "2023", "body": "x", "session": 1e2, "n": 78.0, "share": 0.5, "big": 18446744073709551615, "neg": -3}"#,
        )
        .unwrap();
        let mut meta = a.meta.clone();
        meta.sort();
        let expected = [
            ("big", "18446744073709551615"),
            ("n", "78"),
            ("neg", "-3"),
            ("session", "100"),
            ("share", "0.5"),
        ];
        assert_eq!(meta, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    }

    #[test]
    fn bad_lines_say_why() {
        let cases: [(&[u8], &str); 15] = [
            (
                br#"{"id": "a", "date": "2023", "body": "\ud800"}"#,
                "malformed JSON: unexpected end of hex escape at column 44: a surrogate escape \
                 stands only in a pair, \\uD800–\\uDBFF then \\uDC00–\\uDFFF, naming one character",
            ),
            (
                br#"{"id": "a", "date": "2023", "body": "\udc00 x"}"#,
                "malformed JSON: lone leading surrogate in hex escape at column 43: a surrogate \
                 escape stands only in a pair, \\uD800–\\uDBFF then \\uDC00–\\uDFFF, naming one \
                 character",
            ),
            (
                br#"{"id": "a", "date": "2023", "body": "x""#,
                "malformed JSON: eof while parsing an object at column 39",
            ),
            (b"[1, 2]", "expected a JSON object"),
            (br#"{"date": "2023", "body": "x"}"#, "missing field `id`"),
            (br#"{"id": "a", "body": "x"}"#, "missing field `date`"),
            (br#"{"id": "a", "date": "2023"}"#, "missing field `body`"),
            (
                br#"{"id": "a", "date": null, "body": "x"}"#,
                "field `date` is null: it must be a string",
            ),
            (
                br#"{"id": "a", "date": "2023", "body": null}"#,
                "field `body` is null: it must be a string",
            ),
            (
                br#"{"id": null, "date": "2023", "body": "x"}"#,
                "field `id` is null: it must be a non-empty string",
            ),
            (
                br#"{"id": "a", "date": "2025-13-45", "body": "x"}"#,
                "invalid date '2025-13-45': month 13 does not exist (article 'a')",
            ),
            (
                br#"{"id": "a", "date": "2023", "body": "  "}"#,
                "empty body (article 'a')",
            ),
            (
                b"{\"id\": \"a\", \"date\": \"2023\", \"body\": \"\xff\"}",
                "invalid UTF-8 at byte 37 of the line: attache reads UTF-8; a Latin-1 or \
                 Windows-1252 file converts with `iconv -f WINDOWS-1252 -t UTF-8 FILE > \
                 FILE.utf8`",
            ),
            // Ids that only a float holds: two of them met in its rounding.
            (
                br#"{"id": 12345678901234567890123, "date": "2023", "body": "x"}"#,
                "field `id` is the number 1.2345678901234568e+22, which is not kept as written: \
                 write the id as a string",
            ),
            (
                br#"{"id": 1e2, "date": "2023", "body": "x"}"#,
                "field `id` is the number 100.0, which is not kept as written: write the id as a \
                 string",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(parse_line(line).unwrap_err(), want);
        }
    }
}
