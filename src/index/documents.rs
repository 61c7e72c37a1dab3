//! Reading a passage's stored document without trusting the store's bytes.
//!
//! Tantivy decodes a stored document as it finds it: a damaged length in a block can ask for
//! exabytes, and an allocation that fails aborts the process, which no panic handler catches.
//! The bytes of a document are checked first against the shape attache writes (a count of
//! values, each a field number, a text or bytes code and a length that fits), so a damaged
//! store is an error that names it, never an abort.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::error::DataCorruption;
use tantivy::index::SegmentId;
use tantivy::store::StoreReader;
use tantivy::{DocAddress, DocId, TantivyDocument};

/// Blocks a segment's store keeps decompressed, as tantivy's searcher does.
const CACHED_BLOCKS: usize = 100;

/// The stored document `doc` of `store`, checked before it is decoded.
///
/// # Errors
/// The store's own errors, and [`DataCorruption`] for bytes attache did not write.
pub fn stored_document(store: &StoreReader, doc: DocId) -> tantivy::Result<TantivyDocument> {
    let bytes = store.get_document_bytes(doc)?;
    if !is_document(&bytes) {
        let why = format!("the stored document of passage {doc} is unreadable");
        return Err(DataCorruption::comment_only(why).into());
    }
    store.get(doc)
}

/// The segments' document stores, opened on first use and kept: a search fetches its hits
/// through them. Clones share them.
#[derive(Clone, Default)]
pub struct Stores(Arc<Mutex<HashMap<SegmentId, Arc<StoreReader>>>>);

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
        let id = segment.segment_id();
        let known = self.lock().get(&id).cloned();
        let store = match known {
            Some(store) => store,
            None => {
                let store = Arc::new(segment.get_store_reader(CACHED_BLOCKS)?);
                self.lock().insert(id, store.clone());
                store
            }
        };
        stored_document(&store, address.doc_id)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<StoreReader>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether `bytes` have the shape of a document attache stores: a count of values, then each
/// value's field number (four bytes), its type (text or bytes) and its length, within the bytes,
/// and nothing after the last.
fn is_document(mut bytes: &[u8]) -> bool {
    /// Tantivy's type codes of a text value and a bytes value.
    const TEXT: u8 = 0;
    const BYTES: u8 = 4;
    let Some(count) = vint(&mut bytes) else {
        return false;
    };
    for _ in 0..count {
        let Some((&[_, _, _, _, kind], rest)) = bytes.split_first_chunk::<5>() else {
            return false;
        };
        bytes = rest;
        if kind != TEXT && kind != BYTES {
            return false;
        }
        match vint(&mut bytes).and_then(|len| bytes.get(usize::try_from(len).ok()?..)) {
            Some(rest) => bytes = rest,
            None => return false,
        }
    }
    bytes.is_empty()
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
        assert!(is_document(&good));
        assert!(is_document(&[0x80]), "a document without stored values");
        // A length past the end (as a damaged block gives: exabytes), a value cut short,
        // bytes left over, a type attache never stores, a count too large.
        let mut huge = good;
        huge[6] = 0x7f;
        assert!(!is_document(&huge[..]));
        assert!(!is_document(&good[..good.len() - 1]));
        assert!(!is_document(&[&good[..], &[0]].concat()));
        let mut other = good;
        other[5] = 13;
        assert!(!is_document(&other));
        assert!(!is_document(&[0x85, 3, 0, 0, 0, 0, 0x80]));
        assert!(!is_document(&[]));
        assert!(!is_document(&[0x7f; 12]), "a length beyond 64 bits");
    }
}
