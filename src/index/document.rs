//! Turning an [`Article`] into one tantivy document per passage.

use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::tokenizer::{PreTokenizedString, Token};

use super::schema::{Fields, META_SEPARATOR};
use crate::analysis::{Analyzer, STEM_PREFIX, passages::split_passages};
use crate::corpus::Article;
use crate::entities::{ENTITY_PREFIX, Mention, Recognizer, WordRef};

/// Article-level values stored with every passage, for display.
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

/// A stable 64-bit hash of an article id (FNV-1a), so distinct articles can be counted from a
/// fast field; stable across builds and platforms because it is persisted in the index.
pub fn article_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The documents of one article, one per passage, in passage order.
pub fn article_documents(
    fields: &Fields,
    analyzer: &mut Analyzer,
    recognizer: Option<&mut Recognizer<'_>>,
    article: &Article,
) -> Vec<TantivyDocument> {
    let passages = split_passages(&article.body);
    let info = Info {
        date: article.date.to_string(),
        title: article.title.clone(),
        source: article.source.clone(),
        url: article.url.clone(),
        meta: article.meta.clone(),
    };
    let info = serde_json::to_string(&info).expect("info serializes");
    let title = pre_tokenized(analyzer, &article.title);
    let source = article
        .source
        .as_deref()
        .map(|s| pre_tokenized(analyzer, s));
    let meta = meta_tokens(analyzer, &article.meta);
    let key = article_key(&article.id);
    let mut recognizer = recognizer;
    if let Some(r) = recognizer.as_deref_mut() {
        r.start_article();
    }

    let mut docs = Vec::with_capacity(passages.len());
    for (number, text) in passages.into_iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.article_id, &article.id);
        doc.add_u64(fields.article_key, key);
        doc.add_u64(fields.passage, number as u64);
        doc.add_i64(fields.day_lo, article.date.first_day());
        doc.add_i64(fields.day_hi, article.date.last_day());
        let mut tokens = Vec::new();
        analyzer.tokenize(&text, &mut tokens);
        let mentions = match recognizer.as_deref_mut() {
            Some(r) => recognize(r, &text, &mut tokens),
            None => Vec::new(),
        };
        add_entities(&mut doc, fields, &mentions);
        doc.add_pre_tokenized_text(
            fields.text,
            PreTokenizedString {
                text: String::new(),
                tokens,
            },
        );
        doc.add_pre_tokenized_text(fields.title, title.clone());
        if let Some(source) = &source {
            doc.add_pre_tokenized_text(fields.source, source.clone());
            doc.add_text(fields.source_key, article.source.as_deref().unwrap_or(""));
        }
        if !meta.tokens.is_empty() {
            doc.add_pre_tokenized_text(fields.meta, meta.clone());
        }
        doc.add_text(fields.body, &text);
        doc.add_text(fields.info, &info);
        docs.push(doc);
    }
    docs
}

/// Recognises the entities of a passage and adds an `@id` token at each word of each
/// mention, so phrases and proximity work across spellings.
fn recognize(recognizer: &mut Recognizer<'_>, text: &str, tokens: &mut Vec<Token>) -> Vec<Mention> {
    let words: Vec<WordRef<'_>> = tokens
        .iter()
        .filter(|t| !t.text.starts_with(STEM_PREFIX))
        .map(|t| WordRef {
            span: (t.offset_from, t.offset_to),
            exact: &t.text,
        })
        .collect();
    let mentions = recognizer.passage(text, &words);
    for m in &mentions {
        for position in m.words.clone() {
            tokens.push(Token {
                offset_from: m.span.start,
                offset_to: m.span.end,
                position,
                text: format!("{ENTITY_PREFIX}{}", m.id),
                position_length: 1,
            });
        }
    }
    mentions
}

/// Stores the mentions and indexes their ids, types and spellings.
fn add_entities(doc: &mut TantivyDocument, fields: &Fields, mentions: &[Mention]) {
    if mentions.is_empty() {
        return;
    }
    let mut kinds: Vec<&str> = Vec::new();
    for m in mentions {
        doc.add_text(fields.entity, format!("{}:{}", m.kind, m.id));
        doc.add_text(fields.entity_alias, format!("{}\t{}", m.id, m.alias));
        if !kinds.contains(&m.kind.as_str()) {
            kinds.push(m.kind.as_str());
        }
    }
    for kind in kinds {
        doc.add_text(fields.entity_type, kind);
    }
    let json = serde_json::to_string(mentions).expect("mentions serialize");
    doc.add_text(fields.entities, json);
}

/// Tokens for an analysed field. The original text is not kept: these fields are not stored.
fn pre_tokenized(analyzer: &mut Analyzer, text: &str) -> PreTokenizedString {
    let mut tokens = Vec::new();
    analyzer.tokenize(text, &mut tokens);
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// Metadata tokens: `key:word` per exact word of each value, positions continuing across values
/// with a gap, so a phrase never spans two values.
pub fn meta_tokens(analyzer: &mut Analyzer, meta: &[(String, String)]) -> PreTokenizedString {
    let mut tokens = Vec::new();
    let mut position = 0;
    for (key, value) in meta {
        let key = meta_key(key);
        if key.is_empty() {
            continue;
        }
        analyzer.for_each_word(value, |w| {
            tokens.push(Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text: format!("{key}{META_SEPARATOR}{}", w.exact),
                position_length: 1,
            });
            position += 1;
        });
        position += 10;
    }
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// A metadata key as indexed and queried: lowercase ASCII letters, digits and `_`.
pub fn meta_key(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
