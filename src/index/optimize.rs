//! Merging an index's segments into one, which also purges the passages that incremental runs
//! deleted (tantivy only marks them until a merge rewrites their segment).

use std::time::Instant;

use serde::Serialize;
use tantivy::indexer::NoMergePolicy;
use tantivy::{IndexWriter, TantivyDocument};

use super::{IndexDir, dir_size};
use crate::error::Result;

/// What [`optimize`] did.
#[derive(Debug, Clone, Serialize)]
pub struct OptimizeReport {
    /// Segments before.
    pub segments_before: usize,
    /// Segments after (1, or 0 for an empty index).
    pub segments_after: usize,
    /// Deleted passages purged.
    pub deleted_purged: u64,
    /// Size on disk before.
    pub bytes_before: u64,
    /// Size on disk after.
    pub bytes_after: u64,
    /// Wall time.
    pub seconds: f64,
}

/// Merges every segment of the live index into one, purging deleted passages. Takes the
/// writer lock; searches keep running on the segments they opened.
///
/// # Errors
/// When another process writes the index, there is no index, or it cannot be written; the
/// index stays as it was.
pub fn optimize(dir: &IndexDir) -> Result<OptimizeReport> {
    let started = Instant::now();
    let _lock = dir.lock()?;
    let open = dir.open_for_writing()?;
    // Segment metas are tracked: holding them would keep their files from being collected.
    let (ids, deleted) = {
        let metas = open.index.searchable_segment_metas()?;
        let deleted: u64 = metas.iter().map(|m| u64::from(m.num_deleted_docs())).sum();
        (metas.iter().map(|m| m.id()).collect::<Vec<_>>(), deleted)
    };
    let bytes_before = dir_size(&open.generation);
    let payload = open.index.load_metas()?.payload;
    let mut writer: IndexWriter<TantivyDocument> =
        open.index.writer_with_num_threads(1, 50_000_000)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    if ids.len() > 1 || deleted > 0 {
        writer.merge(&ids).wait()?;
    }
    // Keep the last run's record: a commit without a payload would drop it.
    let mut prepared = writer.prepare_commit()?;
    if let Some(payload) = &payload {
        prepared.set_payload(payload);
    }
    prepared.commit()?;
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;
    Ok(OptimizeReport {
        segments_before: ids.len(),
        segments_after: open.index.searchable_segment_metas()?.len(),
        deleted_purged: deleted,
        bytes_before,
        bytes_after: dir_size(&open.generation),
        seconds: started.elapsed().as_secs_f64(),
    })
}
