//! The Quickwit index config of an export (Quickwit 0.8 config format, read by 0.8 and 0.9).
//!
//! Followed: Quickwit's index configuration reference (quickwit.io/docs/configuration/
//! index-config: field types, `tokenizer`, `record`, `fieldnorms`, `fast`, `array<…>`, `json`,
//! `mode`, `timestamp_field`, `indexing_settings`, `search_settings`) and its stackoverflow
//! tutorial config (`version: 0.8`). Text is stemmed with `en_stem` and indexed with positions
//! and field norms, so phrases and BM25 work; ids, dates as written and entity, type and speaker
//! ids are `raw` (one term each, exact). Every field is listed and `mode: strict` refuses a
//! document with another, so the config and the documents cannot drift apart unnoticed.

/// The config's file name.
pub const CONFIG_FILE: &str = "index-config.yaml";

/// The documents' file name.
pub const DOCUMENTS_FILE: &str = "passages.ndjson";

/// The index config for an index named `name` (checked by [`super::check_name`]).
pub fn index_config(name: &str) -> String {
    format!(
        "\
# Quickwit index config for passages exported by `attache export --format quickwit`.
# One document per passage; fields as in attache's docs/SCALE.md.
#   quickwit index create --index-config {CONFIG_FILE}
#   quickwit index ingest --index {name} --input-path {DOCUMENTS_FILE}
# Quickwit 0.9 release builds have no stemmer (it needs the `multilang` feature): there,
# replace `en_stem` by `default` below.
version: 0.8
index_id: {name}
doc_mapping:
  mode: strict
  field_mappings:
    - name: passage_id
      type: text
      tokenizer: raw
    - name: article_id
      type: text
      tokenizer: raw
      fast: true
    - name: passage
      type: u64
      fast: true
    - name: date
      description: the date as written (a year, a month or a day), a period
      type: text
      tokenizer: raw
      fast: true
    - name: date_start
      description: first day of the period
      type: datetime
      input_formats: [rfc3339]
      output_format: rfc3339
      fast: true
      fast_precision: seconds
    - name: date_end
      description: last day of the period
      type: datetime
      input_formats: [rfc3339]
      output_format: rfc3339
      fast: true
      fast_precision: seconds
    - name: title
      type: text
      tokenizer: en_stem
      record: position
      fieldnorms: true
    - name: source
      type: text
      tokenizer: default
      record: position
      fieldnorms: true
      fast: true
    - name: url
      type: text
      tokenizer: raw
    - name: meta
      type: json
      tokenizer: default
      record: position
      fast: true
      expand_dots: false
    - name: text
      type: text
      tokenizer: en_stem
      record: position
      fieldnorms: true
    - name: entities
      type: array<text>
      tokenizer: raw
      fast: true
    - name: entity_types
      type: array<text>
      tokenizer: raw
      fast: true
    - name: speakers
      type: array<text>
      tokenizer: raw
      fast: true
  timestamp_field: date_start
  store_source: false
indexing_settings:
  commit_timeout_secs: 60
  split_num_docs_target: 10000000
search_settings:
  default_search_fields: [text, title]
"
    )
}
