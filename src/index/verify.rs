//! Verifying a generation's files: each segment's component files must exist and match the
//! checksum tantivy wrote in their footer. `attache check` reports what this finds, and a panic
//! while reading the index is called damage only when this finds some (see
//! [`super::reading_index`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

use tantivy::Index;
use tantivy::index::{SegmentComponent, SegmentId, SegmentMeta};
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

use super::OpenIndex;
use crate::error::index_damage;

/// The component files every segment has.
const REQUIRED: [SegmentComponent; 6] = [
    SegmentComponent::Postings,
    SegmentComponent::Positions,
    SegmentComponent::FastFields,
    SegmentComponent::FieldNorms,
    SegmentComponent::Terms,
    SegmentComponent::Store,
];

/// One thing wrong with an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file at fault.
    pub path: PathBuf,
    /// What is wrong, lowercase.
    pub what: String,
}

/// What [`verify_files`] found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// Segment files whose checksum was verified.
    pub files: usize,
    /// Everything wrong, by file; empty when every file checks out.
    pub problems: Vec<Problem>,
}

/// Verifies the files of the segments `metas` of the opened generation `open`.
pub fn verify_files(open: &OpenIndex, metas: &[SegmentMeta]) -> Verified {
    let mut problems = Vec::new();
    let mut files = BTreeSet::new();
    for meta in metas {
        for file in segment_files(meta) {
            if open.file_path(&file).is_file() {
                files.insert(file);
            } else {
                problems.push(Problem {
                    path: open.file_path(&file),
                    what: "missing".into(),
                });
            }
        }
    }
    for file in &files {
        let what = match open.index.directory().validate_checksum(file) {
            Ok(true) => continue,
            Ok(false) => "checksum mismatch: the file was changed or damaged".to_owned(),
            Err(e) => index_damage(&e.into()).1,
        };
        problems.push(Problem {
            path: open.file_path(file),
            what,
        });
    }
    Verified {
        files: files.len(),
        problems,
    }
}

/// The component files of a segment, as its meta lists them.
fn segment_files(meta: &SegmentMeta) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = REQUIRED
        .iter()
        .map(|c| meta.relative_path(c.clone()))
        .collect();
    if meta.has_deletes() {
        files.push(meta.relative_path(SegmentComponent::Delete));
    }
    files
}

/// Whether every component file of the segment `meta` of `index` is there and matches its
/// checksum.
pub fn segment_intact(index: &Index, meta: &SegmentMeta) -> bool {
    segment_files(meta)
        .iter()
        .all(|file| matches!(index.directory().validate_checksum(file), Ok(true)))
}

/// tantivy's default merge policy, less the merges of a segment whose files fail their
/// checksums: merging one rewrites its damaged bytes into a new segment with a good checksum,
/// and `attache check` would find nothing wrong with an index that cannot show some of its
/// passages. Segments written since the writer opened are taken as written; each older one is
/// verified once, the first time a merge would take it, and a damaged one is left alone (for
/// `check` to report and a rebuild to replace).
pub struct CheckedMerges {
    inner: LogMergePolicy,
    index: Index,
    /// The segments the index had when the writer opened.
    older: HashSet<SegmentId>,
    /// Older segments verified so far: whether each is intact.
    verified: Mutex<HashMap<SegmentId, bool>>,
}

impl CheckedMerges {
    /// The policy for a writer of `index`, opened now.
    ///
    /// # Errors
    /// When the index's segment list cannot be read.
    pub fn new(index: &Index) -> tantivy::Result<CheckedMerges> {
        let older = index
            .searchable_segment_metas()?
            .iter()
            .map(SegmentMeta::id)
            .collect();
        Ok(CheckedMerges {
            inner: LogMergePolicy::default(),
            index: index.clone(),
            older,
            verified: Mutex::new(HashMap::new()),
        })
    }

    fn intact(&self, meta: &SegmentMeta) -> bool {
        if !self.older.contains(&meta.id()) {
            return true;
        }
        // A map left by a panicking thread holds only whole entries.
        let mut verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        *verified
            .entry(meta.id())
            .or_insert_with(|| segment_intact(&self.index, meta))
    }
}

impl std::fmt::Debug for CheckedMerges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedMerges")
            .field("inner", &self.inner)
            .field("older", &self.older.len())
            .finish()
    }
}

impl MergePolicy for CheckedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let metas: HashMap<SegmentId, &SegmentMeta> =
            segments.iter().map(|m| (m.id(), m)).collect();
        // A damaged segment leaves its merge; the others still merge if two or more remain.
        self.inner
            .compute_merge_candidates(segments)
            .into_iter()
            .map(|candidate| {
                MergeCandidate(
                    (candidate.0.into_iter())
                        .filter(|id| metas.get(id).is_none_or(|meta| self.intact(meta)))
                        .collect(),
                )
            })
            .filter(|candidate| candidate.0.len() >= 2)
            .collect()
    }
}
