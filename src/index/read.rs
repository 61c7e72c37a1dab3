//! Reading an index safely: what a failure to read it means, and reading again when a writer
//! changed it meanwhile.
//!
//! Two rules. A reader that fails while another process writes the index (a commit or a merge
//! deletes segment files; a full rebuild swaps `CURRENT` and deletes the old generation) reads
//! the new state again: a failure is reported only when it persists on an unchanged `CURRENT`
//! and `meta.json` ([`IndexDir::retrying`]). And the index is called damaged only when a file
//! really is: a panic while reading is reported as damage only when the files' checksums say so,
//! otherwise as the bug it is ([`reading_index`]).

use std::path::Path;
use std::time::Duration;

use super::IndexDir;
use super::verify::verify_files;
use crate::error::{Error, Result, catch_panic};

/// How many times a read is tried again when the index changed under it.
const RETRIES: u32 = 20;
/// The pause before the first retry; it doubles, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(2);
const MAX_PAUSE: Duration = Duration::from_millis(100);

/// What identifies the state of an index: the live generation's name and its commit
/// (`meta.json`, which every commit and merge rewrites). Unreadable parts are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexState {
    current: Option<String>,
    meta: Option<Vec<u8>>,
}

impl IndexDir {
    /// The index's current state, to tell whether it changed.
    pub fn state(&self) -> IndexState {
        if let Ok(Some(set)) = self.shard_set() {
            // A set changes when its manifest or any shard's commit does.
            let mut meta = Vec::new();
            for entry in &set.shards {
                let shard = self.shard_dir(entry).state();
                meta.extend(shard.current.unwrap_or_default().into_bytes());
                meta.extend(shard.meta.unwrap_or_default());
            }
            let current = std::fs::read_to_string(self.path.join(super::shards::SET_MANIFEST));
            return IndexState {
                current: current.ok(),
                meta: Some(meta),
            };
        }
        let current = std::fs::read_to_string(self.path.join(super::CURRENT)).ok();
        let meta = current
            .as_deref()
            .and_then(|name| std::fs::read(self.path.join(name.trim()).join("meta.json")).ok());
        IndexState { current, meta }
    }

    /// Runs `attempt` until its outcome is not `failed`, trying again (a bounded number of
    /// times, after short pauses) only when the index changed while it ran: files it missed
    /// were then removed by a writer, not lost. A failure on an unchanged index is returned at
    /// once.
    ///
    /// # Errors
    /// Those of the last attempt.
    pub fn retrying<T>(
        &self,
        mut attempt: impl FnMut() -> Result<T>,
        failed: impl Fn(&Result<T>) -> bool,
    ) -> Result<T> {
        let mut pause = FIRST_PAUSE;
        let mut tries = 0;
        loop {
            let before = self.state();
            let outcome = attempt();
            if !failed(&outcome) || tries == RETRIES || self.state() == before {
                return outcome;
            }
            tries += 1;
            std::thread::sleep(pause);
            pause = (pause * 2).min(MAX_PAUSE);
        }
    }

    /// Why a read of this index failed with `message` (a panic's, or a tantivy error that
    /// names no file): the damaged file when verifying the live generation's checksums finds
    /// one, an internal error (a bug) when every file checks out.
    fn diagnose(&self, message: String) -> Error {
        let open = match self.open() {
            Ok(open) => open,
            Err(e) => return e,
        };
        let metas = match open.index.searchable_segment_metas() {
            Ok(metas) => metas,
            Err(e) => return Error::damaged(&self.path, &e),
        };
        let verified = match catch_panic(|| verify_files(&open, &metas)) {
            Ok(verified) => verified,
            Err(_) => return Error::Internal(message),
        };
        match verified.problems.first() {
            Some(problem) => Error::Damaged {
                path: self.path.clone(),
                why: format!(
                    "{}: {}",
                    problem
                        .path
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy(),
                    problem.what
                ),
            },
            None => Error::Internal(message),
        }
    }
}

/// Runs `read`, which reads the index at `path`, explaining its failures: tantivy's errors
/// become [`Error::Damaged`] naming the file and the fix; a panic (tantivy trusts its files once
/// their footers check out, and corrupt bytes inside can make it panic) becomes
/// [`Error::Damaged`] when a file of the index fails its checksum, and [`Error::Internal`] when
/// every file checks out, for then the panic is a bug.
///
/// # Errors
/// Those of `read`, with index failures explained.
pub fn reading_index<T>(path: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    let dir = IndexDir::new(path);
    match catch_panic(read) {
        Ok(Err(Error::Tantivy(e))) if about_files(&e) => {
            let generation = dir.current().ok().flatten();
            Err(dir.unreadable(generation.as_deref().unwrap_or(path), &e))
        }
        Ok(Err(Error::Tantivy(e))) => Err(dir.diagnose(e.to_string())),
        Ok(result) => result,
        Err(message) => Err(dir.diagnose(message)),
    }
}

/// Whether a tantivy error is about the index's files (missing, unreadable, corrupt), rather
/// than a misuse of tantivy, which is attache's bug.
fn about_files(e: &tantivy::TantivyError) -> bool {
    use tantivy::TantivyError as T;
    matches!(
        e,
        T::OpenReadError(_)
            | T::OpenDirectoryError(_)
            | T::DataCorruption(_)
            | T::IoError(_)
            | T::IncompatibleIndex(_)
            | T::DeserializeError(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::build::testing::sample_index;

    #[test]
    fn a_panic_on_a_sound_index_is_an_internal_error_not_damage() {
        let (_tmp, dir) = sample_index();
        let e = reading_index(dir.path(), || -> Result<()> {
            panic!("slice index 7 out of range")
        })
        .unwrap_err();
        assert!(matches!(e, Error::Internal(_)), "{e:?}");
        let line = e.to_string();
        assert!(
            line.starts_with("internal error: slice index 7 out of range")
                && line.ends_with("; this is a bug in attache, please report it"),
            "{line}"
        );
        // So is a tantivy error that names no file.
        let e = reading_index(dir.path(), || -> Result<()> {
            Err(tantivy::TantivyError::InvalidArgument("no such thing".into()).into())
        })
        .unwrap_err();
        assert!(matches!(e, Error::Internal(_)), "{e:?}");
    }

    #[test]
    fn a_panic_on_a_damaged_index_names_the_damaged_file() {
        let (_tmp, dir) = sample_index();
        let generation = dir.current().unwrap().unwrap();
        let store = std::fs::read_dir(&generation)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "store"))
            .unwrap();
        let mut bytes = std::fs::read(&store).unwrap();
        bytes[0] ^= 0x5a;
        std::fs::write(&store, bytes).unwrap();
        let e = reading_index(dir.path(), || -> Result<()> { panic!("overflow") }).unwrap_err();
        let name = store.file_name().unwrap().to_string_lossy();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: damaged index: {name}: checksum mismatch: the file was changed or damaged: \
                 rebuild with `attache index --full`",
                dir.path().display()
            )
        );
    }

    #[test]
    fn a_failure_is_retried_only_while_the_index_changes() {
        let (_tmp, dir) = sample_index();
        // Unchanged: one attempt, its failure returned at once.
        let mut attempts = 0;
        let outcome: Result<()> = dir.retrying(
            || {
                attempts += 1;
                Err(Error::Invalid("gone".into()))
            },
            Result::is_err,
        );
        assert!(outcome.is_err());
        assert_eq!(attempts, 1);
        // Changed by a writer during the first attempt: tried again, and the second succeeds.
        let pointer = dir.path().join("CURRENT");
        let mut attempts = 0;
        let outcome = dir.retrying(
            || {
                attempts += 1;
                if attempts == 1 {
                    std::fs::write(&pointer, "gen-000007").unwrap();
                    return Err(Error::Invalid("CURRENT names gen-000007".into()));
                }
                Ok(attempts)
            },
            Result::is_err,
        );
        assert_eq!(outcome.unwrap(), 2);
    }
}
