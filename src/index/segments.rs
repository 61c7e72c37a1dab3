//! What a reader opens once per segment and keeps: opening a segment's store or columns reads
//! their indexes, which costs more than one lookup in them. Segments never change; a reloaded
//! reader brings new ones, opened on first use in their turn.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::SegmentReader;
use tantivy::index::SegmentId;

/// One `T` per segment, opened on first use; clones share them.
pub struct PerSegment<T>(Arc<Mutex<HashMap<SegmentId, T>>>);

impl<T> Default for PerSegment<T> {
    fn default() -> PerSegment<T> {
        PerSegment(Arc::default())
    }
}

impl<T> Clone for PerSegment<T> {
    fn clone(&self) -> PerSegment<T> {
        PerSegment(self.0.clone())
    }
}

impl<T: Clone> PerSegment<T> {
    /// The segment's `T`, opened by `open` the first time (a failure is not kept: the next
    /// call opens again).
    ///
    /// # Errors
    /// Those of `open`.
    pub fn get<E>(
        &self,
        reader: &SegmentReader,
        open: impl FnOnce(&SegmentReader) -> Result<T, E>,
    ) -> Result<T, E> {
        let id = reader.segment_id();
        if let Some(kept) = self.lock().get(&id) {
            return Ok(kept.clone());
        }
        let opened = open(reader)?;
        self.lock().insert(id, opened.clone());
        Ok(opened)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<SegmentId, T>> {
        // The map holds only what was opened whole: one left by a panicking thread still is.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
