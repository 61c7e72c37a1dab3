//! Exported passages read back: the NDJSON that `attache export` writes, one document per
//! passage, is also an input format, so an export can be indexed again without re-splitting.
//!
//! ```text
//! {"passage_id": "a.txt#0", "article_id": "a.txt", "passage": 0, "date": "2025-11-24",
//!  "date_start": "2025-11-24T00:00:00Z", "date_end": "2025-11-24T00:00:00Z", "title": "…",
//!  "meta": {}, "text": "…", "entities": ["ukraine"], "entity_types": ["state"], "speakers": []}
//! ```
//!
//! This module owns the document's field names ([`PassageDoc`], [`FIELDS`]): the writer in
//! `crate::export` serializes the same type. A JSON Lines line is a passage document when it
//! has `article_id` and `passage` and no `body`. An article's passages must be consecutive
//! lines numbered from 0 (an export writes them so); they are gathered and the article is
//! indexed with exactly those passages ([`crate::corpus::Article::passages`]). Article values
//! (date, title, source, url, meta) come from its first passage. Entities and speakers are
//! recognised again when indexing: the exported lists are for the other engine.
//!
//! OpenSearch `_bulk` action lines (`{"index": {…}}`, `{"create": {…}}`) are skipped, so a bulk
//! file is read as it is. A bad line is a warning naming its line, and its article is skipped
//! whole: an article with a passage missing is not indexed.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::clean::{MAX_ID_BYTES, check_id, nfc_owned};
use super::{Article, Input, Record, title_from_body};

/// The top-level fields of a passage document, in the order they are written.
pub const FIELDS: [&str; 14] = [
    "passage_id",
    "article_id",
    "passage",
    "date",
    "date_start",
    "date_end",
    "title",
    "source",
    "url",
    "meta",
    "text",
    "entities",
    "entity_types",
    "speakers",
];

/// One passage as exported: what another engine indexes, and what `attache index` reads back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassageDoc {
    /// `ARTICLE#N`, as search hits name a passage: the document's id in the other engine.
    pub passage_id: String,
    /// The article's id.
    pub article_id: String,
    /// The passage's number within its article, from 0.
    pub passage: u64,
    /// The date as written (`2025`, `2025-11`, `2025-11-24`): a period, not a day.
    pub date: String,
    /// The period's first day, RFC 3339 at midnight UTC (the timestamp of engines that need one).
    pub date_start: String,
    /// The period's last day, RFC 3339 at midnight UTC: a date filter matches when
    /// `date_start <= until` and `date_end >= since`, as attache's overlap does.
    pub date_end: String,
    /// The article's title.
    pub title: String,
    /// Publication or outlet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where the article was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Metadata, `key: value` (a list of values when a key repeats).
    #[serde(default)]
    pub meta: Map<String, Value>,
    /// The passage text, as attache stores and shows it.
    pub text: String,
    /// Ids of the entities mentioned, distinct, in text order.
    #[serde(default)]
    pub entities: Vec<String>,
    /// Types of those entities, distinct, in text order.
    #[serde(default)]
    pub entity_types: Vec<String>,
    /// Ids of who speaks in the passage, distinct, in order.
    #[serde(default)]
    pub speakers: Vec<String>,
}

/// What a passage line must hold to be read back; the rest is recomputed when indexing.
#[derive(Deserialize)]
struct PassageLine {
    passage: u64,
    date: String,
    text: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    meta: Map<String, Value>,
}

/// Whether a JSON object is an exported passage rather than an article.
pub(crate) fn is_passage(object: &Map<String, Value>) -> bool {
    object.contains_key("article_id")
        && object.contains_key("passage")
        && !object.contains_key("body")
}

/// Whether a JSON object is an OpenSearch `_bulk` action line (`{"index": {"_id": …}}`).
pub(crate) fn is_bulk_action(object: &Map<String, Value>) -> bool {
    object.len() == 1
        && ["index", "create"]
            .iter()
            .any(|action| object.get(*action).is_some_and(Value::is_object))
}

/// An article being gathered from its passage lines.
struct Pending {
    article: Article,
    line: usize,
}

/// Gathers consecutive passage lines into articles.
#[derive(Default)]
pub(crate) struct Assembler {
    pending: Option<Pending>,
    /// The article whose remaining lines are skipped after a bad one.
    skipping: Option<String>,
}

impl Assembler {
    /// Takes passage line `line` of `input`; reports a finished article (the one before) or a
    /// bad line to `sink`.
    pub(crate) fn push(
        &mut self,
        object: Map<String, Value>,
        line: usize,
        input: &Input,
        sink: &mut dyn FnMut(Record),
    ) {
        let id = match object.get("article_id") {
            Some(Value::String(id)) => nfc_owned(id.clone()),
            _ => {
                self.finish(sink);
                let why = "field `article_id` must be a non-empty string".to_owned();
                return sink(Record::Warning(input.warning(line, why)));
            }
        };
        if self.skipping.as_deref() == Some(id.as_str()) {
            return;
        }
        self.skipping = None;
        let same = self.pending.as_ref().is_some_and(|p| p.article.id == id);
        if !same {
            self.finish(sink);
        }
        let parsed = serde_json::from_value::<PassageLine>(Value::Object(object))
            .map_err(|e| format!("{} (article '{id}')", e.to_string().to_lowercase()))
            .and_then(|passage| check(passage, &id));
        let passage = match parsed {
            Ok(passage) => passage,
            Err(why) => return self.skip(id, line, why, input, sink),
        };
        let expected = self
            .pending
            .as_ref()
            .map_or(0, |p| p.article.passages.len() as u64);
        if passage.passage != expected {
            let why = match expected {
                0 => format!(
                    "article '{id}' starts at passage {}, not 0: its passages must be \
                     consecutive lines in order",
                    passage.passage
                ),
                n => format!(
                    "passage {} of article '{id}' where passage {n} was due: its passages \
                     must be consecutive lines in order",
                    passage.passage
                ),
            };
            return self.skip(id, line, why, input, sink);
        }
        match &mut self.pending {
            Some(pending) => pending.article.passages.push(passage.text),
            None => self.pending = Some(start(passage, id, line)),
        }
    }

    /// Reports the article being gathered, if any.
    pub(crate) fn finish(&mut self, sink: &mut dyn FnMut(Record)) {
        if let Some(Pending { mut article, line }) = self.pending.take() {
            article.body = article.passages.join("\n\n");
            sink(Record::Article(article, line));
        }
    }

    /// Drops the article `id` with a warning for `line`, and skips its remaining lines.
    fn skip(
        &mut self,
        id: String,
        line: usize,
        why: String,
        input: &Input,
        sink: &mut dyn FnMut(Record),
    ) {
        let why = format!("{why}; article skipped");
        self.pending = None;
        self.skipping = Some(id);
        sink(Record::Warning(input.warning(line, why)));
    }
}

/// A passage line's values checked: the id's length, the date, a text with words.
fn check(mut passage: PassageLine, id: &str) -> Result<PassageLine, String> {
    check_id(id).map_err(|n| format!("id is {n} bytes, longer than {MAX_ID_BYTES}"))?;
    if id.trim().is_empty() {
        return Err("field `article_id` must be a non-empty string".into());
    }
    let text = nfc_owned(passage.text).trim().to_owned();
    if text.is_empty() {
        return Err(format!(
            "empty text (passage {} of article '{id}')",
            passage.passage
        ));
    }
    passage.text = text;
    passage
        .date
        .parse::<super::Date>()
        .map_err(|why| format!("{why} (article '{id}')"))?;
    Ok(passage)
}

/// The article of a first passage.
fn start(passage: PassageLine, id: String, line: usize) -> Pending {
    let date = passage.date.parse().expect("checked");
    let title = passage
        .title
        .map(nfc_owned)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title_from_body(&passage.text));
    let mut meta = Vec::new();
    for (key, value) in passage.meta {
        let key = nfc_owned(key);
        let values = match value {
            Value::Array(values) => values,
            value => vec![value],
        };
        for value in values {
            match value {
                Value::String(s) if !s.is_empty() => meta.push((key.clone(), nfc_owned(s))),
                Value::Number(n) => meta.push((key.clone(), super::clean::number_text(&n))),
                _ => {}
            }
        }
    }
    let optional = |s: Option<String>| s.map(nfc_owned).filter(|s| !s.is_empty());
    Pending {
        article: Article {
            id,
            date,
            title,
            source: optional(passage.source),
            url: optional(passage.url),
            meta,
            body: String::new(),
            passages: vec![passage.text],
        },
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &str) -> Vec<String> {
        let input = Input {
            path: "x.ndjson".into(),
            ..Input::stdin()
        };
        let mut seen = Vec::new();
        crate::corpus::jsonl::read_from(lines.as_bytes(), &input, &mut |record| {
            seen.push(match record {
                Record::Article(a, line) => format!(
                    "{line}: {} {} [{}] {:?}",
                    a.id,
                    a.date,
                    a.passages.join(" | "),
                    a.meta
                ),
                Record::Warning(w) => w.to_string(),
            })
        })
        .unwrap();
        seen
    }

    fn line(id: &str, n: u64, text: &str) -> String {
        format!(r#"{{"article_id": "{id}", "passage": {n}, "date": "2023", "text": "{text}"}}"#)
    }

    #[test]
    fn consecutive_passages_make_one_article_with_their_boundaries() {
        let lines = [
            line("a", 0, "One two."),
            line("a", 1, "Three."),
            r#"{"index": {"_id": "b#0"}}"#.to_owned(),
            line("b", 0, "Four."),
            r#"{"id": "c", "date": "2024", "body": "An article line."}"#.to_owned(),
        ]
        .join("\n");
        assert_eq!(
            read(&lines),
            [
                "1: a 2023 [One two. | Three.] []",
                "4: b 2023 [Four.] []",
                "5: c 2024 [] []"
            ]
        );
    }

    #[test]
    fn metadata_values_and_lists_become_pairs() {
        let doc = r#"{"article_id": "a", "passage": 0, "date": "2023", "text": "T.",
                      "meta": {"country": "UKR", "session": 78, "speaker": ["A", "B"], "x": null}}"#
            .replace('\n', " ");
        assert_eq!(
            read(&doc),
            [
                r#"1: a 2023 [T.] [("country", "UKR"), ("session", "78"), ("speaker", "A"), ("speaker", "B")]"#
            ]
        );
    }

    #[test]
    fn a_gap_or_a_bad_line_skips_the_whole_article_and_says_why() {
        let lines = [
            line("a", 0, "One."),
            line("a", 2, "Three."),
            line("a", 3, "Four."),
            line("b", 1, "Late start."),
            line("c", 0, " "),
            r#"{"article_id": "d", "passage": 0, "date": "2023-13", "text": "T."}"#.to_owned(),
            r#"{"article_id": 5, "passage": 0, "date": "2023", "text": "T."}"#.to_owned(),
            r#"{"article_id": "e", "passage": "0", "date": "2023", "text": "T."}"#.to_owned(),
            line("f", 0, "Fine."),
        ]
        .join("\n");
        assert_eq!(
            read(&lines),
            [
                "x.ndjson: line 2: passage 2 of article 'a' where passage 1 was due: its \
                 passages must be consecutive lines in order; article skipped",
                "x.ndjson: line 4: article 'b' starts at passage 1, not 0: its passages must \
                 be consecutive lines in order; article skipped",
                "x.ndjson: line 5: empty text (passage 0 of article 'c'); article skipped",
                "x.ndjson: line 6: invalid date '2023-13': month 13 does not exist (article \
                 'd'); article skipped",
                "x.ndjson: line 7: field `article_id` must be a non-empty string",
                "x.ndjson: line 8: invalid type: string \"0\", expected u64 (article 'e'); \
                 article skipped",
                "9: f 2023 [Fine.] []",
            ]
        );
    }

    #[test]
    fn a_document_has_exactly_the_listed_fields_in_order() {
        let doc = PassageDoc {
            passage_id: "a#0".into(),
            article_id: "a".into(),
            passage: 0,
            date: "2025".into(),
            date_start: "2025-01-01T00:00:00Z".into(),
            date_end: "2025-12-31T00:00:00Z".into(),
            title: "T".into(),
            source: Some("S".into()),
            url: Some("https://example.org/a".into()),
            meta: Map::new(),
            text: "T.".into(),
            entities: vec![],
            entity_types: vec![],
            speakers: vec![],
        };
        let json = serde_json::to_string(&doc).unwrap();
        let mut at = 0;
        for field in FIELDS {
            let found = json[at..].find(&format!("\"{field}\":")).expect(field);
            at += found;
        }
        let back: PassageDoc = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
    }
}
