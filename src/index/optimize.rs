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
/// `stop` is asked while the segments merge: answering true (Ctrl-C) abandons the merge, removes
/// its files and leaves the index as it was.
///
/// # Errors
/// [`Error::NoIndex`] when there is no index (nothing is created then), [`Error::Locked`] when
/// another process writes it, [`Error::Write`] when it cannot be written, [`Error::Interrupted`]
/// when `stop` said so; the index stays as it was.
pub fn optimize(dir: &IndexDir, stop: &dyn Fn() -> bool) -> Result<OptimizeReport> {
    if let Some(set) = dir.shard_set()? {
        return optimize_set(dir, &set, stop);
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
    // Measured once the files of an earlier, killed merge are gone: they were no part of it.
    let bytes_before = dir_size(&open.generation);
    let merged = merge(&mut writer, &ids, deleted > 0, payload.as_deref(), stop);
    let merged = match merged {
        Ok(true) => writer.wait_merging_threads().map(|()| true),
        Ok(false) => {
            // Stopped: the merge thread may still be writing its segment, which no commit
            // will name (a killed writer commits nothing); a fresh writer removes its files.
            drop(writer);
            super::collect_garbage(&open.index);
            remove_unreferenced_segment_files(&open);
            return Err(Error::Interrupted(format!(
                "optimize stopped before its merge ended; {} is as it was ({} segments)",
                dir.path().display(),
                ids.len()
            )));
        }
        Err(e) => {
            drop(writer);
            Err(e)
        }
    };
    if let Err(e) = merged {
        // The writer may be dead (a thread of it failed): collect with a fresh one, and remove
        // what tantivy still protects of the failed merge.
        super::collect_garbage(&open.index);
        remove_unreferenced_segment_files(&open);
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
/// commits, keeping the last run's record `payload`; false when `stop` said to stop before the
/// merge ended (nothing committed then).
fn merge(
    writer: &mut IndexWriter<TantivyDocument>,
    ids: &[tantivy::index::SegmentId],
    has_deletes: bool,
    payload: Option<&str>,
    stop: &dyn Fn() -> bool,
) -> tantivy::Result<bool> {
    if ids.len() > 1 || has_deletes {
        let merging = writer.merge(ids);
        let (done, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(merging.wait()));
        loop {
            if stop() {
                return Ok(false);
            }
            match ended.recv_timeout(std::time::Duration::from_millis(50)) {
                Ok(merged) => {
                    merged?;
                    break;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(tantivy::TantivyError::ErrorInThread(
                        "the merge thread ended without a result".into(),
                    ));
                }
            }
        }
    }
    // Keep the last run's record: a commit without a payload would drop it.
    let mut prepared = writer.prepare_commit()?;
    if let Some(payload) = payload {
        prepared.set_payload(payload);
    }
    prepared.commit()?;
    writer.garbage_collect_files().wait()?;
    Ok(true)
}

/// Removes the generation's segment files (`<segment id>.<kind>`) of segments its last commit
/// does not name: those of a merge abandoned while its thread still writes them (tantivy
/// protects a segment's files from its own collection until they are written).
fn remove_unreferenced_segment_files(open: &super::OpenIndex) {
    let Ok(metas) = open.index.load_metas() else {
        return;
    };
    let named: std::collections::HashSet<String> = metas
        .segments
        .iter()
        .map(|m| m.id().uuid_string())
        .collect();
    let Ok(entries) = std::fs::read_dir(&open.generation) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let Some(segment) = name.to_str().and_then(|n| n.split('.').next()) else {
            continue;
        };
        let segment_file = segment.len() == 32 && segment.bytes().all(|b| b.is_ascii_hexdigit());
        if segment_file && !named.contains(segment) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Optimizes every shard of a set, one after the other, each under its own lock.
fn optimize_set(
    dir: &IndexDir,
    set: &super::shards::SetManifest,
    stop: &dyn Fn() -> bool,
) -> Result<OptimizeReport> {
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
        let report = optimize(&shard, stop)?;
        total.segments_before += report.segments_before;
        total.segments_after += report.segments_after;
        total.deleted_purged += report.deleted_purged;
        total.bytes_before += report.bytes_before;
        total.bytes_after += report.bytes_after;
    }
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::build::testing;

    #[test]
    fn a_stopped_optimize_leaves_the_index_as_it_was_and_the_next_one_merges() {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        let dir = IndexDir::new(tmp.path().join("index"));
        // Two runs, two segments.
        for entry in std::fs::read_dir(testing::sample_corpus()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), corpus.join(entry.file_name())).unwrap();
            testing::index(&dir, &corpus);
        }
        let segments = |dir: &IndexDir| dir.open().unwrap().index.searchable_segment_metas();
        assert_eq!(segments(&dir).unwrap().len(), 2);
        let e = optimize(&dir, &|| true).unwrap_err();
        assert!(matches!(e, Error::Interrupted(_)), "{e:?}");
        assert!(e.to_string().contains("is as it was (2 segments)"), "{e}");
        assert_eq!(segments(&dir).unwrap().len(), 2);
        // Not left locked: the next optimize merges. (The abandoned merge's thread lives on in
        // this process, and may write files after they were removed: a process that is
        // interrupted ends with it.)
        let report = optimize(&dir, &|| false).unwrap();
        assert_eq!((report.segments_before, report.segments_after), (2, 1));
        let searcher = crate::search::Searcher::open(&dir).unwrap();
        assert_eq!(searcher.reader().searcher().num_docs(), 21);
    }
}
