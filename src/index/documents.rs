//! Reading a passage's stored document without trusting the store's bytes.
//!
//! Tantivy decodes a stored document as it finds it: a damaged length in a block can ask for
//! exabytes, and an allocation that fails aborts the process, which no panic handler catches.
//! attache stores texts and bytes only, so it decodes a document's bytes itself, checking each
//! length against what is left (a count of values, each a field number, a text or bytes code
//! and a length that fits): a damaged store is an error that names it, never an abort.

use std::sync::Arc;

use tantivy::error::DataCorruption;
use tantivy::schema::Field;
use tantivy::store::StoreReader;
use tantivy::{DocAddress, DocId, TantivyDocument};

use super::segments::PerSegment;

/// Blocks a segment's store keeps decompressed, as tantivy's searcher does.
const CACHED_BLOCKS: usize = 100;

/// The stored document `doc` of `store`, decoded here rather than by tantivy (see the module).
///
/// # Errors
/// The store's own errors, and [`DataCorruption`] for bytes attache did not write.
pub fn stored_document(store: &StoreReader, doc: DocId) -> tantivy::Result<TantivyDocument> {
    let bytes = store.get_document_bytes(doc)?;
    decode(&bytes).ok_or_else(|| {
        let why = format!("the stored document of passage {doc} is unreadable");
        DataCorruption::comment_only(why).into()
    })
}

/// The segments' document stores, opened on first use and kept: a search fetches its hits
/// through them. Clones share them.
#[derive(Clone, Default)]
pub struct Stores(PerSegment<Arc<StoreReader>>);

impl Stores {
    /// The stored document at `address` of `searcher`, checked (see [`stored_document`]).
    ///
    /// # Errors
    /// As [`stored_document`], and a failure to open the segment's store.
    pub fn document(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> tantivy::Result<TantivyDocument> {
        let segment = searcher.segment_reader(address.segment_ord);
        let store = (self.0).get(segment, |r| r.get_store_reader(CACHED_BLOCKS).map(Arc::new))?;
        stored_document(&store, address.doc_id)
    }
}

/// The document `bytes` hold, when they have the shape of one attache stores: a count of
/// values, then each value's field number (four bytes, little-endian), its type (text, in
/// UTF-8, or bytes) and its length, within the bytes, and nothing after the last.
fn decode(mut bytes: &[u8]) -> Option<TantivyDocument> {
    /// Tantivy's type codes of a text value and a bytes value.
    const TEXT: u8 = 0;
    const BYTES: u8 = 4;
    let count = vint(&mut bytes)?;
    let mut doc = TantivyDocument::default();
    for _ in 0..count {
        let (&[a, b, c, d, kind], rest) = bytes.split_first_chunk::<5>()?;
        bytes = rest;
        let len = usize::try_from(vint(&mut bytes)?).ok()?;
        let (value, rest) = bytes.split_at_checked(len)?;
        bytes = rest;
        let field = Field::from_field_id(u32::from_le_bytes([a, b, c, d]));
        match kind {
            TEXT => doc.add_text(field, std::str::from_utf8(value).ok()?),
            BYTES => doc.add_bytes(field, value),
            _ => return None,
        }
    }
    bytes.is_empty().then_some(doc)
}

/// Reads one of tantivy's variable-length integers (seven bits a byte, the last byte's high
/// bit set); `None` past the end, or beyond 64 bits.
fn vint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 != 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_checked_value_by_value_against_its_bytes() {
        // Two values: text "abc" of field 3, bytes [7, 8] of field 9.
        let good = [
            0x82, 3, 0, 0, 0, 0, 0x83, b'a', b'b', b'c', 9, 0, 0, 0, 4, 0x82, 7, 8,
        ];
        let doc = decode(&good).unwrap();
        let mut want = TantivyDocument::default();
        want.add_text(Field::from_field_id(3), "abc");
        want.add_bytes(Field::from_field_id(9), &[7u8, 8][..]);
        assert_eq!(doc, want);
        assert_eq!(decode(&[0x80]), Some(TantivyDocument::default()));
        // A length past the end (as a damaged block gives: exabytes), a value cut short,
        // bytes left over, a type attache never stores, text that is not UTF-8, a count too
        // large, nothing, a length beyond 64 bits.
        let mut huge = good;
        huge[6] = 0x7f;
        assert!(decode(&huge[..]).is_none());
        assert!(decode(&good[..good.len() - 1]).is_none());
        assert!(decode(&[&good[..], &[0]].concat()).is_none());
        let mut other = good;
        other[5] = 13;
        assert!(decode(&other).is_none());
        let mut latin = good;
        latin[7] = 0xe9;
        assert!(decode(&latin).is_none());
        assert!(decode(&[0x85, 3, 0, 0, 0, 0, 0x80]).is_none());
        assert!(decode(&[]).is_none());
        assert!(decode(&[0x7f; 12]).is_none());
    }

    #[test]
    fn documents_read_back_as_tantivy_wrote_them() {
        // Stored values as attache's schema has them: a text and a bytes field.
        let mut builder = tantivy::schema::Schema::builder();
        let id = builder.add_u64_field("id", tantivy::schema::FAST);
        let body = builder.add_text_field("body", tantivy::schema::STORED);
        let marks = builder.add_bytes_field("marks", tantivy::schema::STORED);
        let index = tantivy::Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut doc = TantivyDocument::default();
        doc.add_u64(id, 1);
        doc.add_text(body, "Kyiv — «quoted» text");
        doc.add_bytes(marks, &[0u8, 255, 128][..]);
        writer.add_document(doc.clone()).unwrap();
        writer.add_document(TantivyDocument::default()).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let stores = Stores::default();
        let read = stores.document(&searcher, DocAddress::new(0, 0)).unwrap();
        let mut stored = TantivyDocument::default();
        stored.add_text(body, "Kyiv — «quoted» text");
        stored.add_bytes(marks, &[0u8, 255, 128][..]);
        assert_eq!(read, stored);
        let theirs: TantivyDocument = searcher.doc(DocAddress::new(0, 0)).unwrap();
        assert_eq!(read, theirs);
        let empty = stores.document(&searcher, DocAddress::new(0, 1)).unwrap();
        assert_eq!(empty, TantivyDocument::default());
    }
}
