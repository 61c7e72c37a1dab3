//! What Quickwit's index configuration reference defines (quickwit.io/docs/configuration/
//! index-config, the 0.8 and 0.9 docs): the keys of a config, of its doc mapping, of each field
//! type, the tokenizers and record options. A config that uses anything else is refused here.

use serde_json::Value;

const TOP: [&str; 7] = [
    "version",
    "index_id",
    "index_uri",
    "doc_mapping",
    "indexing_settings",
    "search_settings",
    "retention",
];
const DOC_MAPPING: [&str; 9] = [
    "field_mappings",
    "mode",
    "dynamic_mapping",
    "tag_fields",
    "store_source",
    "timestamp_field",
    "partition_key",
    "max_num_partitions",
    "index_field_presence",
];
const INDEXING: [&str; 6] = [
    "commit_timeout_secs",
    "split_num_docs_target",
    "merge_policy",
    "resources",
    "docstore_compression_level",
    "docstore_blocksize",
];
const TOKENIZERS: [&str; 7] = [
    "raw",
    "raw_lowercase",
    "default",
    "en_stem",
    "whitespace",
    "chinese_compatible",
    "lowercase",
];

/// The parameters a field of `kind` may have, besides `name`, `type` and `description`.
fn parameters(kind: &str) -> &'static [&'static str] {
    match kind {
        "text" => &[
            "stored",
            "indexed",
            "tokenizer",
            "record",
            "fieldnorms",
            "fast",
        ],
        "u64" | "i64" | "f64" => &["stored", "indexed", "fast", "coerce", "output_format"],
        "datetime" => &[
            "input_formats",
            "output_format",
            "stored",
            "indexed",
            "fast",
            "fast_precision",
        ],
        "json" => &[
            "stored",
            "indexed",
            "fast",
            "tokenizer",
            "record",
            "expand_dots",
        ],
        "bool" | "ip" => &["stored", "indexed", "fast"],
        other => panic!("field type {other} is not one attache's export should use"),
    }
}

/// Checks a parsed config against the reference; panics naming what is not defined there.
pub fn check_config(config: &Value) {
    only(config, &TOP, "config");
    assert_eq!(config["version"], 0.8, "the 0.8 config format");
    let mapping = &config["doc_mapping"];
    only(mapping, &DOC_MAPPING, "doc_mapping");
    assert!(
        ["dynamic", "lenient", "strict"].contains(&mapping["mode"].as_str().unwrap()),
        "{mapping}"
    );
    only(&config["indexing_settings"], &INDEXING, "indexing_settings");
    only(
        &config["search_settings"],
        &["default_search_fields"],
        "search_settings",
    );
    let fields = mapping["field_mappings"]
        .as_array()
        .expect("field_mappings");
    let mut names = Vec::new();
    for field in fields {
        let name = field["name"].as_str().expect("a name");
        assert!(field_name_ok(name), "{name}");
        names.push(name);
        let kind = field["type"].as_str().expect("a type");
        let base = kind
            .strip_prefix("array<")
            .and_then(|k| k.strip_suffix('>'))
            .unwrap_or(kind);
        let mut allowed = vec!["name", "type", "description"];
        allowed.extend_from_slice(parameters(base));
        only(field, &allowed, name);
        if let Some(tokenizer) = field.get("tokenizer") {
            assert!(TOKENIZERS.contains(&tokenizer.as_str().unwrap()), "{field}");
        }
        if let Some(record) = field.get("record") {
            assert!(
                ["basic", "freq", "position"].contains(&record.as_str().unwrap()),
                "{field}"
            );
        }
        if let Some(formats) = field.get("input_formats") {
            for format in formats.as_array().unwrap() {
                let format = format.as_str().unwrap();
                assert!(
                    ["iso8601", "rfc2822", "rfc3339", "unix_timestamp"].contains(&format)
                        || format.contains('%'),
                    "{field}"
                );
            }
        }
        if let Some(precision) = field.get("fast_precision") {
            assert!(
                ["seconds", "milliseconds", "microseconds", "nanoseconds"]
                    .contains(&precision.as_str().unwrap()),
                "{field}"
            );
        }
        // Phrases need positions, BM25 needs field norms.
        if field.get("tokenizer").and_then(Value::as_str) == Some("en_stem") {
            assert_eq!(field["record"], "position", "{field}");
            assert_eq!(field["fieldnorms"], true, "{field}");
        }
    }
    let timestamp = mapping["timestamp_field"]
        .as_str()
        .expect("a timestamp field");
    let timestamp_field = fields
        .iter()
        .find(|f| f["name"] == timestamp)
        .expect("mapped");
    assert_eq!(timestamp_field["type"], "datetime");
    assert_eq!(timestamp_field["fast"], true, "a timestamp field is fast");
    for name in config["search_settings"]["default_search_fields"]
        .as_array()
        .unwrap()
    {
        assert!(names.contains(&name.as_str().unwrap()), "{name}");
    }
    let id = config["index_id"].as_str().unwrap();
    assert!(
        id.len() >= 3 && id.starts_with(|c: char| c.is_ascii_alphabetic()),
        "{id}"
    );
}

/// Quickwit's field name rule: `^[@$_\-a-zA-Z][@$_/\.\-a-zA-Z0-9]{0,254}$`, not a reserved name.
fn field_name_ok(name: &str) -> bool {
    let mut chars = name.chars();
    let first = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || "@$_-".contains(c));
    first
        && name.len() <= 255
        && chars.all(|c| c.is_ascii_alphanumeric() || "@$_/.-".contains(c))
        && !["_source", "_dynamic", "_field_presence"].contains(&name)
}

/// Asserts that `value` is an object whose keys are all in `allowed`.
pub fn only(value: &Value, allowed: &[&str], what: &str) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not a mapping: {value}"));
    for key in object.keys() {
        assert!(
            allowed.contains(&key.as_str()),
            "{what}: `{key}` is not an option Quickwit or OpenSearch defines here"
        );
    }
}
