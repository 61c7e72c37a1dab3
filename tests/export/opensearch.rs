//! What OpenSearch's mapping documentation defines (docs.opensearch.org: mappings, the text,
//! keyword, date, integer and object field types and their parameters, built-in analyzers,
//! date formats); each option used is also Elasticsearch's. A mapping that uses anything else
//! is refused here.

use serde_json::Value;

use super::quickwit::only;

const TEXT: [&str; 18] = [
    "type",
    "analyzer",
    "boost",
    "eager_global_ordinals",
    "fielddata",
    "fielddata_frequency_filter",
    "fields",
    "index",
    "index_options",
    "index_phrases",
    "index_prefixes",
    "meta",
    "norms",
    "position_increment_gap",
    "similarity",
    "store",
    "search_analyzer",
    "search_quote_analyzer",
];
const KEYWORD: [&str; 14] = [
    "type",
    "boost",
    "doc_values",
    "eager_global_ordinals",
    "fields",
    "ignore_above",
    "index",
    "index_options",
    "meta",
    "normalizer",
    "norms",
    "null_value",
    "similarity",
    "store",
];
const DATE: [&str; 10] = [
    "type",
    "boost",
    "doc_values",
    "format",
    "ignore_malformed",
    "index",
    "locale",
    "meta",
    "null_value",
    "store",
];
const INTEGER: [&str; 8] = [
    "type",
    "boost",
    "coerce",
    "doc_values",
    "ignore_malformed",
    "index",
    "meta",
    "null_value",
];
const ANALYZERS: [&str; 7] = [
    "standard",
    "simple",
    "whitespace",
    "stop",
    "keyword",
    "fingerprint",
    "english",
];

/// Checks a parsed create-index body; panics naming what is not defined.
pub fn check_mapping(body: &Value) {
    only(body, &["settings", "mappings", "aliases"], "body");
    only(
        &body["settings"]["index"],
        &["number_of_shards", "number_of_replicas", "refresh_interval"],
        "settings.index",
    );
    only(&body["settings"], &["index"], "settings");
    let mappings = &body["mappings"];
    only(mappings, &["dynamic", "properties"], "mappings");
    assert_eq!(mappings["dynamic"], "strict");
    for (name, field) in mappings["properties"].as_object().unwrap() {
        check_field(name, field);
    }
}

fn check_field(name: &str, field: &Value) {
    match field["type"].as_str() {
        Some("text") => {
            only(field, &TEXT, name);
            let analyzer = field["analyzer"].as_str().expect("an analyzer");
            assert!(ANALYZERS.contains(&analyzer), "{name}: {analyzer}");
        }
        Some("keyword") => only(field, &KEYWORD, name),
        Some("date") => {
            only(field, &DATE, name);
            assert_eq!(field["format"], "strict_date_optional_time", "{name}");
        }
        Some("integer") => only(field, &INTEGER, name),
        Some("object") | None => {
            only(field, &["type", "properties", "dynamic", "enabled"], name);
            for (sub, value) in field["properties"].as_object().expect("properties") {
                check_field(&format!("{name}.{sub}"), value);
            }
        }
        Some(other) => panic!("{name}: type {other} is not one the export should use"),
    }
    if let Some(fields) = field.get("fields") {
        for (sub, value) in fields.as_object().expect("multi-fields") {
            check_field(&format!("{name}.{sub}"), value);
        }
    }
}
