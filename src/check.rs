//! Checking an index: is every file of the live generation there, whole and intact?
//!
//! Opening an index reads only its stamp and `meta.json`; a damaged segment file shows up later,
//! when a search happens to read it. [`check`] looks at every file now: each segment's component
//! files must exist and match the checksum tantivy wrote in their footer, and the whole index
//! must open for reading. The library reports; `attache check` prints and picks the exit code.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::index::IndexDir;
pub use crate::index::verify::Problem;
use crate::index::verify::verify_files;
use crate::search::Searcher;

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

/// Checks the live index of `dir`, file by file. Files that a writer removes while they are
/// checked (an update's commit, a merge, a full rebuild replacing the generation) are not
/// damage: when the index changed under the check, the new state is checked instead.
///
/// # Errors
/// When there is no index, it is from another format, or its `meta.json` is unreadable: the
/// index cannot be examined further, and the error says why and how to fix it.
pub fn check(dir: &IndexDir) -> Result<CheckReport> {
    dir.retrying(
        || check_once(dir),
        |outcome| outcome.as_ref().map_or(true, |r| !r.problems.is_empty()),
    )
}

fn check_once(dir: &IndexDir) -> Result<CheckReport> {
    let open = dir.open()?;
    let metas = open
        .index
        .searchable_segment_metas()
        .map_err(|e| Error::damaged(dir.path(), &e))?;
    let verified = verify_files(&open, &metas);
    let mut problems = verified.problems;
    if problems.is_empty() {
        match Searcher::open_once(dir) {
            Ok(_) => {}
            Err(Error::Damaged { why, .. }) => problems.push(Problem {
                path: open.generation.clone(),
                what: why,
            }),
            // Not damage: a file it may not read, or a bug (an internal error).
            Err(e) => return Err(e),
        }
    }
    Ok(CheckReport {
        generation: open.generation.clone(),
        segments: metas.len(),
        files_verified: verified.files,
        passages: metas.iter().map(|m| u64::from(m.num_docs())).sum(),
        problems,
    })
}
