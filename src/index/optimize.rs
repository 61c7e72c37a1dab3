//! Merging an index's segments into one, which also purges the passages that incremental runs
//! deleted (tantivy only marks them until a merge rewrites their segment).

use std::time::Instant;

use serde::Serialize;
use tantivy::indexer::NoMergePolicy;
use tantivy::{IndexWriter, TantivyDocument};

use super::{IndexDir, dir_size};
use crate::error::{Error, Result, write_reason};

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
/// Files no commit references (those of a merge that failed or was killed) are removed before
/// merging, and again when the merge fails: on a full disk they are what fills it.
///
/// # Errors
/// [`Error::NoIndex`] when there is no index (nothing is created then), [`Error::Locked`] when
/// another process writes it, [`Error::Write`] when it cannot be written; the index stays as
/// it was.
pub fn optimize(dir: &IndexDir) -> Result<OptimizeReport> {
    if let Some(set) = dir.shard_set()? {
        return optimize_set(dir, &set);
    }
    let started = Instant::now();
    // Refuse a missing, foreign or damaged index before taking the lock, which creates files.
    dir.open()?;
    let _lock = dir.lock()?;
    let open = dir.open_for_writing()?;
    // Segment metas are tracked: holding them would keep their files from being collected.
    let (ids, deleted) = {
        let metas = open.index.searchable_segment_metas()?;
        let deleted: u64 = metas.iter().map(|m| u64::from(m.num_deleted_docs())).sum();
        (metas.iter().map(|m| m.id()).collect::<Vec<_>>(), deleted)
    };
    // A merge would rewrite damaged bytes under a good checksum: a damaged index is refused.
    let verified = {
        let metas = open.index.searchable_segment_metas()?;
        super::verify::verify_files(&open, &metas)
    };
    if let Some(problem) = verified.problems.first() {
        let file = problem.path.file_name().unwrap_or(problem.path.as_os_str());
        return Err(Error::Damaged {
            path: dir.path().to_path_buf(),
            why: format!("{}: {}", file.to_string_lossy(), problem.what),
        });
    }
    let bytes_before = dir_size(&open.generation);
    let payload = open.index.load_metas()?.payload;
    let failed = |e: tantivy::TantivyError| Error::Write {
        path: dir.path().to_path_buf(),
        why: write_reason(&e),
        kept: "the index is as it was",
    };
    let mut writer: IndexWriter<TantivyDocument> = open
        .index
        .writer_with_num_threads(1, 50_000_000)
        .map_err(failed)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    writer.garbage_collect_files().wait().map_err(failed)?;
    let merged = merge(&mut writer, &ids, deleted > 0, payload.as_deref())
        .and_then(|()| writer.wait_merging_threads());
    if let Err(e) = merged {
        // The writer may be dead (a thread of it failed): collect with a fresh one.
        super::collect_garbage(&open.index);
        return Err(failed(e));
    }
    // One segment now: the word list of "did you mean" follows (derived data, best effort).
    let _ = super::words::refresh(&open.index, &open.generation);
    Ok(OptimizeReport {
        segments_before: ids.len(),
        segments_after: open.index.searchable_segment_metas()?.len(),
        deleted_purged: deleted,
        bytes_before,
        bytes_after: dir_size(&open.generation),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Merges the segments `ids` (when there are several or some hold deleted passages) and
/// commits, keeping the last run's record `payload`.
fn merge(
    writer: &mut IndexWriter<TantivyDocument>,
    ids: &[tantivy::index::SegmentId],
    has_deletes: bool,
    payload: Option<&str>,
) -> tantivy::Result<()> {
    if ids.len() > 1 || has_deletes {
        writer.merge(ids).wait()?;
    }
    // Keep the last run's record: a commit without a payload would drop it.
    let mut prepared = writer.prepare_commit()?;
    if let Some(payload) = payload {
        prepared.set_payload(payload);
    }
    prepared.commit()?;
    writer.garbage_collect_files().wait()?;
    Ok(())
}

/// Optimizes every shard of a set, one after the other, each under its own lock.
fn optimize_set(dir: &IndexDir, set: &super::shards::SetManifest) -> Result<OptimizeReport> {
    let started = Instant::now();
    let mut total = OptimizeReport {
        segments_before: 0,
        segments_after: 0,
        deleted_purged: 0,
        bytes_before: 0,
        bytes_after: 0,
        seconds: 0.0,
    };
    for entry in &set.shards {
        let shard = dir.shard_dir(entry);
        if shard.current()?.is_none() {
            continue;
        }
        let report = optimize(&shard)?;
        total.segments_before += report.segments_before;
        total.segments_after += report.segments_after;
        total.deleted_purged += report.deleted_purged;
        total.bytes_before += report.bytes_before;
        total.bytes_after += report.bytes_after;
    }
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}
