//! Verifying a generation's files: each segment's component files must exist and match the
//! checksum tantivy wrote in their footer. `attache check` reports what this finds, and a panic
//! while reading the index is called damage only when this finds some (see
//! [`super::reading_index`]).

use std::collections::BTreeSet;
use std::path::PathBuf;

use tantivy::index::{SegmentComponent, SegmentMeta};

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
        let mut required: Vec<PathBuf> = REQUIRED
            .iter()
            .map(|c| meta.relative_path(c.clone()))
            .collect();
        if meta.has_deletes() {
            required.push(meta.relative_path(SegmentComponent::Delete));
        }
        for file in required {
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
