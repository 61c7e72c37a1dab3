//! Turning an [`Article`] into one tantivy document per passage.

use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;

use super::schema::Fields;
use super::stored;
use crate::analysis::{Analyzer, SpannedForm, encode, meta_value, passages::split_passages};
use crate::corpus::Article;
use crate::entities::attribution::{Attribution, article_speakers, attribute_cued, cue_bits};
use crate::entities::{ENTITY_PREFIX, Mention, Recognizer};

/// Article-level values of every passage, for display (the `info` fast field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Info {
    /// The date as written in the corpus.
    pub date: String,
    /// The article title.
    pub title: String,
    /// Publication or outlet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Other named values, in input order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<(String, String)>,
}

/// The `info` fast-field value of an article's passages: its id, a newline, its values as
/// JSON (which never holds a raw newline, so the last one ends the id whatever the id holds).
pub fn article_value(id: &str, info: &Info) -> String {
    let json = serde_json::to_string(info).expect("info serializes");
    format!("{id}\n{json}")
}

/// The longest [`article_value`] an index keeps: a fast field's value is cut beyond 65,535
/// bytes, and a cut value no longer reads back.
pub const MAX_ARTICLE_VALUE: usize = u16::MAX as usize;

/// The [`article_value`] of `article`.
pub fn info_value(article: &Article) -> String {
    let info = Info {
        date: article.date.to_string(),
        title: article.title.clone(),
        source: article.source.clone(),
        url: article.url.clone(),
        meta: article.meta.clone(),
    };
    article_value(&article.id, &info)
}

/// Why `article` cannot be indexed, what a warning says before it is skipped: its id and values
/// are too long to keep ([`too_long`]), or two of its metadata keys name one field.
pub fn unindexable(article: &Article) -> Option<String> {
    too_long(article).or_else(|| keys_meeting(article))
}

/// Two metadata keys that name one field (`Country` and `country`, `Speaker Name` and
/// `speaker_name`): the line is as ambiguous as one with a key written twice.
fn keys_meeting(article: &Article) -> Option<String> {
    let mut seen: Vec<(String, &str)> = Vec::with_capacity(article.meta.len());
    for (key, _) in &article.meta {
        let field = meta_key(key);
        if let Some((_, first)) = seen.iter().find(|(f, _)| *f == field) {
            return Some(format!(
                "keys `{}` and `{}` name one field, `{field}`: keep one",
                first.escape_debug(),
                key.escape_debug()
            ));
        }
        seen.push((field, key));
    }
    None
}

/// Why `article` cannot be indexed, when its id and values (title, source, url, metadata) are
/// too long to keep: what a warning says before the article is skipped.
pub fn too_long(article: &Article) -> Option<String> {
    let length = info_value(article).len();
    (length > MAX_ARTICLE_VALUE).then(|| {
        let mut longest: Vec<(&str, usize)> = vec![
            ("id", article.id.len()),
            ("title", article.title.len()),
            ("source", article.source.as_ref().map_or(0, String::len)),
            ("url", article.url.as_ref().map_or(0, String::len)),
        ];
        longest.extend(
            article
                .meta
                .iter()
                .map(|(k, v)| (k.as_str(), k.len() + v.len())),
        );
        let (name, _) = longest
            .iter()
            .copied()
            .max_by_key(|&(_, len)| len)
            .unwrap_or(("id", 0));
        format!(
            "the article's id, title, source, url and metadata take {length} bytes, more than \
             the {MAX_ARTICLE_VALUE} an index keeps (the longest is '{name}'), skipped: shorten \
             it, or move long text into the body"
        )
    })
}

/// An [`article_value`] read back: the article id and its values' JSON.
pub fn split_article_value(value: &str) -> Option<(&str, &str)> {
    value.rsplit_once('\n')
}

/// A stable 64-bit hash of an article id (FNV-1a), so distinct articles can be counted from a
/// fast field; stable across builds and platforms because it is persisted in the index.
pub fn article_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Reusable buffers for turning articles into documents, one per worker thread.
pub struct DocumentBuilder<'g> {
    analyzer: Analyzer,
    recognizer: Option<Recognizer<'g>>,
    spans: Vec<(std::ops::Range<usize>, u32)>,
    mentions: u64,
    /// Per form index of the analyzer (of generation `cues_of`): the spelling's attribution
    /// cue lists, looked up on first sight.
    cue_memo: Vec<Option<u16>>,
    cues_of: u64,
    /// The current passage's cue lists, word by word.
    cues: Vec<u16>,
}

impl<'g> DocumentBuilder<'g> {
    /// A builder; with a recognizer, passages carry their entity mentions.
    pub fn new(recognizer: Option<Recognizer<'g>>) -> DocumentBuilder<'g> {
        DocumentBuilder {
            analyzer: Analyzer::new(),
            recognizer,
            spans: Vec::new(),
            mentions: 0,
            cue_memo: Vec::new(),
            cues_of: 0,
            cues: Vec::new(),
        }
    }

    /// The documents of one article, one per passage, in passage order. The first carries the
    /// article's content hash and origin (see [`super::catalog`]).
    pub fn article(
        &mut self,
        fields: &Fields,
        article: &Article,
        hash: u64,
        origin: &str,
    ) -> Vec<TantivyDocument> {
        let passages = match article.passages.is_empty() {
            true => split_passages(&article.body),
            false => article.passages.clone(),
        };
        let info = info_value(article);
        let meta: Vec<String> = article
            .meta
            .iter()
            .map(|(k, v)| (meta_key(k), v))
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| meta_value(&k, v))
            .collect();
        let facets = facet_values(article);
        let key = article_key(&article.id);
        // A speech's speaker says its passages (but for the quotes of others).
        let speakers = match &mut self.recognizer {
            Some(r) => {
                r.start_article_on(&article.date);
                article_speakers(r, &mut self.analyzer, &article.meta)
            }
            None => Vec::new(),
        };

        self.mentions = 0;
        let mut docs = Vec::with_capacity(passages.len());
        for (number, text) in passages.into_iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.article_id, &article.id);
            doc.add_u64(fields.article_key, key);
            doc.add_u64(fields.passage, number as u64);
            if number == 0 {
                doc.add_u64(fields.article_hash, hash);
                doc.add_text(fields.origin, origin);
            }
            doc.add_i64(fields.day_lo, article.date.first_day());
            doc.add_i64(fields.day_hi, article.date.last_day());
            // One analysis of the passage serves recognition and the index.
            let (generation, words) = self.analyzer.exact_spans(&text, &mut self.spans);
            let mentions = match &mut self.recognizer {
                Some(recognizer) => recognizer.recognize_words(&text, generation, &words),
                None => Vec::new(),
            };
            let extra = mentions
                .iter()
                .map(|m| (m.words.clone(), ENTITY_PREFIX, &*m.id));
            let encoded = encode(&text, &words, extra);
            doc.add_text(fields.stem, encoded.clone());
            doc.add_text(fields.text, encoded);
            self.mentions += mentions.len() as u64;
            add_entities(&mut doc, fields, &mentions);
            let said = match self.recognizer.is_some() {
                true => {
                    if generation != self.cues_of {
                        self.cues_of = generation;
                        self.cue_memo.clear();
                    }
                    cues_of(&words, &mut self.cue_memo, &mut self.cues);
                    attribute_cued(&text, &words, &self.cues, &mentions, &speakers)
                }
                false => Attribution::default(),
            };
            add_attribution(&mut doc, fields, &text, &words, &said);
            let marks = stored::encode(&mentions, &said.speakers);
            if !marks.is_empty() {
                doc.add_bytes(fields.marks, &marks);
            }
            doc.add_text(fields.title, &article.title);
            if let Some(source) = &article.source {
                doc.add_text(fields.source, source);
                doc.add_text(fields.source_key, source);
            }
            for value in &meta {
                doc.add_text(fields.meta, value);
            }
            for value in &facets {
                doc.add_text(fields.facet, value);
            }
            doc.add_text(fields.body, &text);
            doc.add_text(fields.info, &info);
            docs.push(doc);
        }
        docs
    }
}

impl DocumentBuilder<'_> {
    /// Entity mentions recognised in the last article built.
    pub fn mentions(&self) -> u64 {
        self.mentions
    }
}

/// Fills `cues` with the attribution cue lists of `words`, remembered in `memo` by form index.
fn cues_of(words: &[SpannedForm<'_>], memo: &mut Vec<Option<u16>>, cues: &mut Vec<u16>) {
    cues.clear();
    cues.extend(words.iter().map(|w| {
        let form = w.form as usize;
        if form >= memo.len() {
            memo.resize(form + 1, None);
        }
        *memo[form].get_or_insert_with(|| cue_bits(w.exact))
    }));
}

/// Indexes the mentions' ids, types and spellings.
fn add_entities(doc: &mut TantivyDocument, fields: &Fields, mentions: &[Mention]) {
    if mentions.is_empty() {
        return;
    }
    let mut kinds: Vec<&str> = Vec::new();
    let mut value = String::new();
    for m in mentions {
        value.clear();
        value.push_str(m.kind.as_str());
        value.push(':');
        value.push_str(&m.id);
        doc.add_text(fields.entity, &value);
        value.clear();
        value.push_str(&m.id);
        value.push('\t');
        value.push_str(&m.alias);
        doc.add_text(fields.entity_alias, &value);
        if !kinds.contains(&m.kind.as_str()) {
            kinds.push(m.kind.as_str());
        }
    }
    for kind in kinds {
        doc.add_text(fields.entity_type, kind);
    }
}

/// Indexes the speakers (for `said:` and `who`) and the quoted words (for `quote:`).
fn add_attribution(
    doc: &mut TantivyDocument,
    fields: &Fields,
    text: &str,
    words: &[SpannedForm<'_>],
    said: &Attribution,
) {
    if !said.quotes.is_empty() {
        // Unquoted words stay as empty positions, so quoted ones keep their text positions.
        let quoted: Vec<SpannedForm<'_>> = words
            .iter()
            .map(|w| match said.quoted(&w.span) {
                true => w.clone(),
                false => SpannedForm {
                    exact: "",
                    stem: None,
                    ..w.clone()
                },
            })
            .collect();
        doc.add_text(fields.quote, encode(text, &quoted, []));
    }
    for s in &said.speakers {
        let who = &s.speaker;
        doc.add_text(fields.said, &who.id);
        let named = format!("{}\t{}\t{}", who.id, who.kind.as_str(), who.name);
        doc.add_text(fields.said_as, &named);
    }
}

/// What a facet value of the `source` field is keyed by.
pub const SOURCE_FACET: &str = "source";

/// Separates the key from the value in a facet value.
pub const FACET_SEPARATOR: char = '\t';

/// Separates several values in one metadata value: the UNGDC writes two speakers of one
/// speech as `A; B`.
pub const VALUE_SEPARATOR: &str = "; ";

/// The article's values to count by (see [`super::schema::Fields::facet`]): `source<TAB>…` and
/// `key<TAB>value` per metadata value, the key as queried ([`meta_key`]), the value as written,
/// split at [`VALUE_SEPARATOR`], blank values left out.
pub fn facet_values(article: &Article) -> Vec<String> {
    let source = article.source.iter().map(|s| (SOURCE_FACET.to_owned(), s));
    let meta = article.meta.iter().map(|(k, v)| (meta_key(k), v));
    let mut values = Vec::new();
    for (key, value) in source.chain(meta) {
        if key.is_empty() {
            continue;
        }
        for part in value.split(VALUE_SEPARATOR).map(str::trim) {
            let facet = format!("{key}{FACET_SEPARATOR}{part}");
            if !part.is_empty() && !values.contains(&facet) {
                values.push(facet);
            }
        }
    }
    values
}

/// A metadata key as indexed and queried: its letters and digits (any script: `país`, `国`)
/// in lower case, with `_`; a space, `-` or `.` between them is `_` (`speaker-name` →
/// `speaker_name`, never merged with `speakername`), anything else is left out.
pub fn meta_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_alphanumeric() {
            // Only letters and digits: `İ` lowercases to `i` and a combining dot, kept out.
            out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else if matches!(c, '_' | '-' | '.' | ' ') {
            out.push('_');
        }
    }
    out
}
