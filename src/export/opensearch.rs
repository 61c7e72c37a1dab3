//! The OpenSearch (and Elasticsearch) mapping of an export, and its `_bulk` action lines.
//!
//! Followed: OpenSearch's mapping documentation (docs.opensearch.org: the text, keyword, date
//! and integer field types and their parameters, multi-fields through `fields`, the `english`
//! and `standard` built-in analyzers, `dynamic`), and the bulk API (an action line
//! `{"index": {"_id": …}}` before each document, requests of a few MB). The same body creates
//! an Elasticsearch index: every option used is common to both.
//!
//! Text is analysed twice: the field itself with `english` (stemming, stop words), its `exact`
//! sub-field with `standard` (no stemming), so an exact phrase is a `match_phrase` on
//! `text.exact`. Ids, the date as written and entity, type and speaker ids are `keyword`s.
//! Metadata keys are the ones the export met; `"dynamic": "strict"` refuses any other field.

use serde_json::{Value, json};

/// The mapping's file name.
pub const MAPPING_FILE: &str = "mapping.json";

/// The longest `_id` OpenSearch takes, in bytes; a longer passage id is left to the engine.
pub const MAX_ID_BYTES: usize = 512;

/// The name of bulk file `n` (from 1).
pub fn bulk_file(n: usize) -> String {
    format!("bulk-{n:04}.ndjson")
}

/// Appends the bulk action line of the passage `passage_id`.
pub fn action_line(passage_id: &str, out: &mut Vec<u8>) {
    let action = match passage_id.len() <= MAX_ID_BYTES {
        true => json!({"index": {"_id": passage_id}}),
        false => json!({"index": {}}),
    };
    serde_json::to_writer(&mut *out, &action).expect("an action serializes");
    out.push(b'\n');
}

/// The create-index body (settings and mappings, keys sorted), with the metadata keys
/// `meta_keys`, pretty-printed: `PUT /NAME` with it, then `POST /NAME/_bulk` each bulk file.
pub fn mapping(meta_keys: &[String]) -> String {
    let analysed = |analyzer: &str| {
        json!({
            "type": "text",
            "analyzer": analyzer,
            "fields": {"exact": {"type": "text", "analyzer": "standard"}}
        })
    };
    let words_and_keyword = json!({
        "type": "text",
        "analyzer": "standard",
        "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}
    });
    let keyword = json!({"type": "keyword"});
    let day = json!({"type": "date", "format": "strict_date_optional_time"});
    let meta: serde_json::Map<String, Value> = meta_keys
        .iter()
        .map(|key| (key.clone(), words_and_keyword.clone()))
        .collect();
    let body = json!({
        "settings": {
            "index": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "refresh_interval": "30s"
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "passage_id": keyword,
                "article_id": keyword,
                "passage": {"type": "integer"},
                "date": keyword,
                "date_start": day,
                "date_end": day,
                "title": analysed("english"),
                "source": words_and_keyword,
                "url": keyword,
                "meta": {"type": "object", "properties": meta},
                "text": analysed("english"),
                "entities": keyword,
                "entity_types": keyword,
                "speakers": keyword
            }
        }
    });
    let mut text = serde_json::to_string_pretty(&body).expect("a mapping serializes");
    text.push('\n');
    text
}
