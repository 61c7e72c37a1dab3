//! The library's error type.
//!
//! Every variant renders as one lowercase line that names the file, line or value at fault and,
//! where a flag or command fixes it, says which. Bad *input* (a broken article or JSON line) is not
//! an error: it is a [`crate::corpus::Warning`], reported and skipped.

use std::path::PathBuf;

/// Everything that can make an attache operation fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// There is no index at the given location yet.
    #[error("no index at {}: build one with `attache index`", path.display())]
    NoIndex {
        /// The index folder.
        path: PathBuf,
    },
    /// The index was written by an incompatible version of attache.
    #[error("{}: {why}: rebuild with `attache index --full`", path.display())]
    IncompatibleIndex {
        /// The index folder.
        path: PathBuf,
        /// What is incompatible.
        why: String,
    },
    /// Writing the index failed (disk full, permission denied, …).
    #[error("{}: cannot write the index: {why}; {kept}", path.display())]
    Write {
        /// The index folder.
        path: PathBuf,
        /// What failed.
        why: String,
        /// What is left of the index.
        kept: &'static str,
    },
    /// Another process holds the index's writer lock.
    #[error(
        "{}: index is being written by another attache process (pid {}); wait for it to finish",
        path.display(),
        pid.map_or_else(|| "unknown".to_owned(), |p| p.to_string())
    )]
    Locked {
        /// The index folder.
        path: PathBuf,
        /// The process holding the lock, when it wrote its id.
        pid: Option<u32>,
    },
    /// The query could not be understood.
    #[error("bad query: {0}")]
    Query(String),
    /// A value given on the command line or in a file is invalid.
    #[error("{0}")]
    Invalid(String),
    /// A corpus input was bad and `strict` indexing was asked for.
    #[error("{0}")]
    Strict(String),
    /// An indexing run was cancelled before it finished.
    #[error(
        "indexing interrupted: the index keeps what was committed; run `attache index` again to finish"
    )]
    Interrupted,
    /// The search engine failed.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
