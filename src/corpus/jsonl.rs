//! The JSON Lines format (`*.jsonl`, `*.ndjson`): one article per line.
//!
//! ```text
//! {"id": "ungdc-78-UKR", "date": "2023", "title": "…", "source": "…", "country": "UKR", "body": "…"}
//! ```
//!
//! `id`, `date` and `body` are required; `title`, `source` and `url` are optional; every other
//! top-level string or number becomes metadata, searchable as `name:value`. Files are streamed
//! line by line, so a corpus never has to fit in memory. Blank lines are skipped.

use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

use super::{Article, Input, Record, Warning, title_from_body};
use crate::error::{Error, Result};

/// Reads a JSON Lines file, one record per line.
///
/// # Errors
/// Only when the file cannot be opened or read; bad lines are reported to `sink` as warnings.
pub fn read(input: &Input, sink: &mut dyn FnMut(Record)) -> Result<()> {
    let file = std::fs::File::open(&input.path).map_err(|e| Error::io(&input.path, e))?;
    read_from(file, input, sink)
}

/// Reads JSON Lines from any reader, reporting `input.path` in warnings.
///
/// # Errors
/// Only when reading fails; bad lines are reported to `sink` as warnings.
pub fn read_from(reader: impl Read, input: &Input, sink: &mut dyn FnMut(Record)) -> Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut buf = Vec::new();
    let mut line = 0;
    loop {
        buf.clear();
        let n = match reader.read_until(b'\n', &mut buf) {
            Ok(n) => n,
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
            return Ok(());
        }
        line += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line_end = buf.len()
            - buf
                .iter()
                .rev()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .count();
        match parse_line(&buf[..line_end]) {
            Ok(article) => sink(Record::Article(article, line)),
            Err(message) => sink(Record::Warning(Warning {
                path: input.path.clone(),
                line: Some(line),
                message,
            })),
        }
    }
}

/// Parses one JSON line into an article; the error says what is wrong.
pub fn parse_line(bytes: &[u8]) -> Result<Article, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()))?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("malformed JSON: {}", lowercase(e)))?;
    let Value::Object(mut object) = value else {
        return Err("expected a JSON object".into());
    };
    let id = match object.remove("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err("field `id` must be a non-empty string".into()),
        None => return Err("missing field `id`".into()),
    };
    let date = required_str(&mut object, "date")?
        .parse()
        .map_err(|why| format!("{why} (article '{id}')"))?;
    let body = required_str(&mut object, "body")?;
    if body.trim().is_empty() {
        return Err(format!("empty body (article '{id}')"));
    }
    let title = optional_str(&mut object, "title")?.unwrap_or_else(|| title_from_body(&body));
    let source = optional_str(&mut object, "source")?;
    let url = optional_str(&mut object, "url")?;
    let meta = object
        .into_iter()
        .filter_map(|(key, value)| match value {
            Value::String(s) if !s.is_empty() => Some((key, s)),
            Value::Number(n) => Some((key, n.to_string())),
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
    })
}

fn required_str(object: &mut Map<String, Value>, key: &str) -> Result<String, String> {
    optional_str(object, key)?.ok_or_else(|| format!("missing field `{key}`"))
}

fn optional_str(object: &mut Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match object.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
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

    #[test]
    fn bad_lines_say_why() {
        let cases: [(&[u8], &str); 8] = [
            (
                br#"{"id": "a", "date": "2023", "body": "x""#,
                "malformed JSON: eof while parsing an object at column 39",
            ),
            (b"[1, 2]", "expected a JSON object"),
            (br#"{"date": "2023", "body": "x"}"#, "missing field `id`"),
            (br#"{"id": "a", "body": "x"}"#, "missing field `date`"),
            (br#"{"id": "a", "date": "2023"}"#, "missing field `body`"),
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
                "invalid UTF-8 at byte 37 of the line",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(parse_line(line).unwrap_err(), want);
        }
    }
}
