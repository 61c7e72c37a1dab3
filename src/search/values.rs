//! A hit's article id and article values ([`Info`]), read from the `info` fast field, which the
//! index keeps once per article in each segment's dictionary rather than in the document store
//! (see [`crate::index::schema::Fields::info`]). The id rides along with the values: looked up
//! in the `article_id` column's dictionary instead, it would cost a scan of hundreds of short
//! ids per hit (an sstable block is read from its start).
//!
//! Opening a string column reads its dictionary's index, which costs more than the lookup
//! itself, so each segment's column is opened once and shared by every search of a
//! [`Searcher`] (segments never change; a reloaded reader brings new ones).

use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId};

use super::Searcher;
use crate::index::document::{Info, split_article_value};
use crate::index::schema::fast;
use crate::index::segments::PerSegment;

/// Each segment's `info` column, opened on first use; clones share them.
#[derive(Clone, Default)]
pub(super) struct ValueColumns(PerSegment<Option<StrColumn>>);

impl ValueColumns {
    fn get(&self, reader: &tantivy::SegmentReader) -> Option<StrColumn> {
        (self.0)
            .get(reader, |r| r.fast_fields().str(fast::INFO))
            .ok()
            .flatten()
    }
}

impl Searcher {
    /// The id of the article the passage at `address` belongs to.
    pub(super) fn article_id_at(&self, address: DocAddress) -> Option<String> {
        let value = self.article_value(address)?;
        Some(split_article_value(&value)?.0.to_owned())
    }

    /// The values of the article the passage at `address` belongs to.
    pub(super) fn info_at(&self, address: DocAddress) -> Option<Info> {
        Some(self.article_at(address)?.1)
    }

    /// The id and the values of the article the passage at `address` belongs to.
    pub(super) fn article_at(&self, address: DocAddress) -> Option<(String, Info)> {
        article_of(&self.article_value(address)?)
    }

    /// The `info` value of the passage at `address`.
    fn article_value(&self, address: DocAddress) -> Option<String> {
        let searcher = self.reader.searcher();
        let segment = searcher
            .segment_readers()
            .get(address.segment_ord as usize)?;
        value_in(&self.values.get(segment)?, address.doc_id)
    }
}

/// The `info` value of the passage `doc` in its segment's `info` column.
pub(crate) fn value_in(column: &StrColumn, doc: DocId) -> Option<String> {
    let ord = column.ords().first(doc)?;
    let mut value = String::new();
    column.ord_to_str(ord, &mut value).ok()?.then_some(value)
}

/// The article id and values an `info` value holds.
pub(crate) fn article_of(value: &str) -> Option<(String, Info)> {
    let (id, json) = split_article_value(value)?;
    Some((id.to_owned(), serde_json::from_str(json).ok()?))
}
