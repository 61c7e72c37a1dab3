//! The index schema: the only place field names live.
//!
//! One tantivy document per passage. Text fields are tokenized by attache's own tokenizers
//! (`crate::analysis::tokenizer`: exact and stem tokens at shared positions; the passage text
//! arrives analysed, with its entity tokens), so the same code decides what a word is at index
//! and at query time. Article-level values (date, title, source,
//! metadata) are copied onto each passage so a hit needs one document fetch.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{
    EXACT_TOKENS_TOKENIZER_NAME, META_TOKENIZER_NAME, STEMS_TOKENIZER_NAME, TOKENIZER_NAME,
    TOKENS_TOKENIZER_NAME,
};
use crate::error::{Error, Result};

/// Bumped whenever the schema or the token scheme changes; an index with another version is
/// refused instead of being searched wrongly. 9: fast-field dictionaries are written without
/// zstd (tantivy without `columnar-zstd-compression`), as a search reads article ids from them.
/// 10: the `facet` column of article values, for `attache facets`.
/// 11: a smaller index (see benches/RESULTS.md, "Index size"): an article's values are a fast
/// field, kept once per segment in its dictionary, instead of stored with every passage; a
/// passage's mentions and speakers are stored in one compact binary value (`marks`) instead of
/// JSON; article ids and passage numbers are read from their fast fields, not stored; fields
/// that never score keep no field norms, and `entity` is a fast field only.
/// 12: one posting list per word: every word's stem in the `stem` field, without positions;
/// the passage text keeps exact forms and entities only.
pub const FORMAT_VERSION: u32 = 12;

pub use crate::analysis::META_SEPARATOR;

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Article id, untokenized: deletes, tie-breaks. Fast (hits read it from there).
    pub article_id: Field,
    /// 64-bit hash of the article id, for counting distinct articles cheaply. Fast.
    pub article_key: Field,
    /// Passage number within the article, from 0. Fast.
    pub passage: Field,
    /// Hash of the article's content, on its first passage only: what incremental runs compare.
    /// Fast.
    pub article_hash: Field,
    /// The file the article was read from (absolute path, or `<stdin>`), on its first passage
    /// only: which roots a run may remove it from. Fast.
    pub origin: Field,
    /// First and last day of the article's date period (days since 1970-01-01). Indexed, fast.
    pub day_lo: Field,
    /// See `day_lo`.
    pub day_hi: Field,
    /// The passage text, analysed with positions: each word's exact form, and the entity
    /// tokens of the mentions over it.
    pub text: Field,
    /// Each word of the passage as its stem (its exact form when that is its own stem), and
    /// the entity tokens, with frequencies and no positions: an unquoted word reads one
    /// posting list. As many tokens per passage as `text`, so a passage has the same length
    /// in both, and a word's exact spelling, scored in `text`, never scores above the
    /// same share of its stem's score (see `search::topk`).
    pub stem: Field,
    /// The article title, analysed.
    pub title: Field,
    /// The article source, analysed.
    pub source: Field,
    /// The article source as written, for listing sources. Indexed untokenized.
    pub source_key: Field,
    /// Metadata tokens `key:word`, with positions so `speaker:"Volodymyr Zelenskyy"` works.
    pub meta: Field,
    /// The passage text as stored and shown.
    pub body: Field,
    /// The article id and its values for display (see `crate::index::document::article_value`).
    /// Fast: the same for every passage of an article, so a segment's dictionary holds it once
    /// and each passage only its ordinal.
    pub info: Field,
    /// One `type:id` value per entity mention (`person:zelensky`), for counting. Fast only:
    /// queries find mentions by their tokens in `text`.
    pub entity: Field,
    /// One `id<TAB>alias` value per mention, for the spellings seen. Fast.
    pub entity_alias: Field,
    /// The types of the passage's entities, for `type:person`. Indexed untokenized.
    pub entity_type: Field,
    /// One value per speaker of the passage, its entity id (`ushakov`), for `said:`. Indexed
    /// untokenized.
    pub said: Field,
    /// One `id<TAB>type<TAB>name` value per speaker, for naming them in `who`. Fast.
    pub said_as: Field,
    /// The passage's quoted words only, analysed like `text` and at the same positions, for
    /// `quote:`.
    pub quote: Field,
    /// The passage's mentions and speakers (see [`crate::entities::Mention`] and
    /// [`crate::entities::attribution::Said`]), encoded by [`crate::index::stored`]. Stored, on
    /// passages that have either.
    pub marks: Field,
    /// Article-level values to count by, as written: one `key<TAB>value` per metadata value
    /// (`speaker\tVolodymyr Zelenskyy`) and `source<TAB>…`, for `attache facets`. Fast.
    pub facet: Field,
}

/// Builds the schema.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        article_id: b.add_text_field(fast::ARTICLE_ID, keyword() | FAST),
        article_key: b.add_u64_field(fast::ARTICLE_KEY, FAST),
        passage: b.add_u64_field(fast::PASSAGE, FAST),
        article_hash: b.add_u64_field(fast::ARTICLE_HASH, FAST),
        origin: b.add_text_field(fast::ORIGIN, keyword() | FAST),
        day_lo: b.add_i64_field(fast::DAY_LO, day()),
        day_hi: b.add_i64_field(fast::DAY_HI, day()),
        text: b.add_text_field("text", positional(EXACT_TOKENS_TOKENIZER_NAME)),
        stem: b.add_text_field("stem", counted(STEMS_TOKENIZER_NAME)),
        title: b.add_text_field("title", positional(TOKENIZER_NAME)),
        source: b.add_text_field("source", positional(TOKENIZER_NAME)),
        source_key: b.add_text_field("source_key", keyword()),
        meta: b.add_text_field("meta", unscored(positional(META_TOKENIZER_NAME))),
        body: b.add_text_field("body", STORED),
        info: b.add_text_field(fast::INFO, FAST),
        entity: b.add_text_field(fast::ENTITY, FAST),
        entity_alias: b.add_text_field(fast::ENTITY_ALIAS, FAST),
        entity_type: b.add_text_field("entity_type", keyword()),
        said: b.add_text_field("said", keyword()),
        said_as: b.add_text_field(fast::SAID_AS, FAST),
        quote: b.add_text_field("quote", positional(TOKENS_TOKENIZER_NAME)),
        marks: b.add_bytes_field("marks", STORED),
        facet: b.add_text_field(fast::FACET, FAST),
    };
    (b.build(), fields)
}

/// A text field indexed by `tokenizer` with frequencies and positions, not stored.
fn positional(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// A text field indexed by `tokenizer` with frequencies, without positions, not stored.
fn counted(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// A value indexed whole (tantivy's `STRING`) without field norms: for fields that filter or
/// are looked up (`id:`, `said:`, `type:`, deletes), never scored by length. A query that
/// scores one anyway sees every passage at length 1, as a whole value is.
fn keyword() -> TextOptions {
    unscored(
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::Basic),
        ),
    )
}

/// `options` without field norms (a byte per passage and field): for fields whose matches are
/// filters (`meta`: `speaker:"…"` scores nothing, see `search::plan`).
fn unscored(options: TextOptions) -> TextOptions {
    let indexing = options
        .get_indexing_options()
        .cloned()
        .map(|i| i.set_fieldnorms(false));
    match indexing {
        Some(indexing) => options.set_indexing_options(indexing),
        None => options,
    }
}

/// A day number, indexed for date ranges and fast for display and counting, without field
/// norms (ranges score nothing).
fn day() -> NumericOptions {
    NumericOptions::default().set_indexed().set_fast()
}

impl Fields {
    /// Looks the fields up in an opened index's schema.
    ///
    /// # Errors
    /// When a field is missing: the index was not written by this version.
    pub fn from_schema(schema: &Schema) -> Result<Fields> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| Error::Invalid(format!("index schema has no field '{name}'")))
        };
        Ok(Fields {
            article_id: get(fast::ARTICLE_ID)?,
            article_key: get(fast::ARTICLE_KEY)?,
            passage: get(fast::PASSAGE)?,
            article_hash: get(fast::ARTICLE_HASH)?,
            origin: get(fast::ORIGIN)?,
            day_lo: get(fast::DAY_LO)?,
            day_hi: get(fast::DAY_HI)?,
            text: get("text")?,
            stem: get("stem")?,
            title: get("title")?,
            source: get("source")?,
            source_key: get("source_key")?,
            meta: get("meta")?,
            body: get("body")?,
            info: get(fast::INFO)?,
            entity: get(fast::ENTITY)?,
            entity_alias: get(fast::ENTITY_ALIAS)?,
            entity_type: get("entity_type")?,
            said: get("said")?,
            said_as: get(fast::SAID_AS)?,
            quote: get("quote")?,
            marks: get("marks")?,
            facet: get(fast::FACET)?,
        })
    }
}

/// The fast-field names the search collectors read.
pub mod fast {
    /// See [`super::Fields::article_id`].
    pub const ARTICLE_ID: &str = "article_id";
    /// See [`super::Fields::article_key`].
    pub const ARTICLE_KEY: &str = "article_key";
    /// See [`super::Fields::passage`].
    pub const PASSAGE: &str = "passage";
    /// See [`super::Fields::article_hash`].
    pub const ARTICLE_HASH: &str = "article_hash";
    /// See [`super::Fields::origin`].
    pub const ORIGIN: &str = "origin";
    /// See [`super::Fields::day_hi`].
    pub const DAY_HI: &str = "day_hi";
    /// See [`super::Fields::day_lo`].
    pub const DAY_LO: &str = "day_lo";
    /// See [`super::Fields::entity`].
    pub const ENTITY: &str = "entity";
    /// See [`super::Fields::entity_alias`].
    pub const ENTITY_ALIAS: &str = "entity_alias";
    /// See [`super::Fields::said_as`].
    pub const SAID_AS: &str = "said_as";
    /// See [`super::Fields::facet`].
    pub const FACET: &str = "facet";
    /// See [`super::Fields::info`].
    pub const INFO: &str = "info";
}
