//! Checking an index: is every file of the live generation there, whole and intact?
//!
//! Opening an index reads only its stamp and `meta.json`; a damaged segment file shows up later,
//! when a search happens to read it. [`check`] looks at every file now: each segment's component
//! files must exist and match the checksum tantivy wrote in their footer, and the whole index
//! must open for reading. The library reports; `attache check` prints and picks the exit code.

use std::collections::BTreeSet;
use std::path::PathBuf;

use tantivy::index::SegmentComponent;

use crate::error::{Error, Result, index_damage};
use crate::index::IndexDir;
use crate::search::Searcher;

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

/// What [`check`] found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The live generation folder.
    pub generation: PathBuf,
    /// Segments in it.
    pub segments: usize,
    /// Segment files whose checksum was verified.
    pub files_verified: usize,
    /// Passages in it.
    pub passages: u64,
    /// Everything wrong, by file; empty for a sound index.
    pub problems: Vec<Problem>,
}

impl CheckReport {
    /// The error to exit with when the index is damaged: the folder, what and the fix.
    pub fn error(&self, dir: &IndexDir) -> Option<Error> {
        let first = self.problems.first()?;
        let name = first.path.file_name().unwrap_or_default().to_string_lossy();
        let why = match self.problems.len() {
            1 => format!("{name}: {}", first.what),
            n => format!("{n} problems, the first {name}: {}", first.what),
        };
        Some(Error::Damaged {
            path: dir.path().to_path_buf(),
            why,
        })
    }
}

/// Checks the live index of `dir`, file by file.
///
/// # Errors
/// When there is no index, it is from another format, or its `meta.json` is unreadable: the
/// index cannot be examined further, and the error says why and how to fix it.
pub fn check(dir: &IndexDir) -> Result<CheckReport> {
    let open = dir.open()?;
    let index = &open.index;
    let metas = index
        .searchable_segment_metas()
        .map_err(|e| Error::damaged(dir.path(), &e))?;
    let mut problems = Vec::new();
    let mut files = BTreeSet::new();
    for meta in &metas {
        let mut required: Vec<PathBuf> = REQUIRED
            .iter()
            .map(|c| meta.relative_path(c.clone()))
            .collect();
        if meta.has_deletes() {
            required.push(meta.relative_path(SegmentComponent::Delete));
        }
        for file in required {
            if open.generation.join(&file).is_file() {
                files.insert(file);
            } else {
                problems.push(Problem {
                    path: open.generation.join(&file),
                    what: "missing".into(),
                });
            }
        }
    }
    for file in &files {
        let what = match index.directory().validate_checksum(file) {
            Ok(true) => continue,
            Ok(false) => "checksum mismatch: the file was changed or damaged".to_owned(),
            Err(e) => index_damage(&e.into()).1,
        };
        problems.push(Problem {
            path: open.generation.join(file),
            what,
        });
    }
    if problems.is_empty()
        && let Err(e) = Searcher::open(dir)
    {
        problems.push(Problem {
            path: open.generation.clone(),
            what: match e {
                Error::Damaged { why, .. } => why,
                other => other.to_string(),
            },
        });
    }
    Ok(CheckReport {
        generation: open.generation.clone(),
        segments: metas.len(),
        files_verified: files.len(),
        passages: metas.iter().map(|m| u64::from(m.num_docs())).sum(),
        problems,
    })
}
