//! Every live passage of an index, article by article in article-id order (bytewise, as the
//! term dictionary sorts), each article's passages by number: an export's order.
//!
//! The article ids come from merging the segments' term dictionaries of the id field, so
//! nothing is held but the article in hand: memory stays flat however large the index.

use tantivy::schema::IndexRecordOption;
use tantivy::termdict::TermMerger;
use tantivy::{DocAddress, DocSet, TERMINATED, TantivyDocument, Term};

use crate::error::Result;
use crate::index::document::Info;
use crate::index::schema::{Fields, fast};
use crate::search::values::{article_of, value_in};

/// An article's live passages: their numbers, stored documents and the article's values (from
/// the `info` fast field; `None` when they cannot be read), in order.
pub type Passages = Vec<(u64, TantivyDocument, Option<Info>)>;

/// Calls `visit` with each article id and its live passages' stored documents, in order.
///
/// # Errors
/// A failure reading the index, or the first error `visit` returns.
pub fn articles(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    visit: &mut dyn FnMut(&str, Passages) -> Result<()>,
) -> Result<()> {
    let segments = searcher.segment_readers();
    let stores = crate::index::documents::Stores::default();
    let mut inverted = Vec::with_capacity(segments.len());
    let mut numbers = Vec::with_capacity(segments.len());
    let mut values = Vec::with_capacity(segments.len());
    for segment in segments {
        inverted.push(segment.inverted_index(fields.article_id)?);
        numbers.push(segment.fast_fields().u64(fast::PASSAGE)?);
        values.push(segment.fast_fields().str(fast::INFO)?);
    }
    let streams = inverted
        .iter()
        .map(|index| index.terms().stream())
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(tantivy::TantivyError::from)?;
    let mut merger = TermMerger::new(streams);
    let mut found: Vec<(u64, DocAddress)> = Vec::new();
    while merger.advance() {
        let id = String::from_utf8_lossy(merger.key()).into_owned();
        let term = Term::from_field_text(fields.article_id, &id);
        found.clear();
        for (ordinal, segment) in segments.iter().enumerate() {
            let postings = inverted[ordinal].read_postings(&term, IndexRecordOption::Basic);
            let Some(mut postings) = postings.map_err(tantivy::TantivyError::from)? else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    let number = numbers[ordinal].first(doc).unwrap_or(u64::MAX);
                    found.push((number, DocAddress::new(ordinal as u32, doc)));
                }
                doc = postings.advance();
            }
        }
        if found.is_empty() {
            continue; // every passage of it deleted, awaiting a merge
        }
        found.sort_unstable();
        let mut docs = Vec::with_capacity(found.len());
        for &(number, address) in &found {
            let column = values[address.segment_ord as usize].as_ref();
            let value = column.and_then(|c| value_in(c, address.doc_id));
            let info = value.and_then(|v| article_of(&v)).map(|(_, info)| info);
            docs.push((number, stores.document(searcher, address)?, info));
        }
        visit(&id, docs)?;
    }
    Ok(())
}
