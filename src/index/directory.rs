//! The tantivy [`Directory`] attache opens a generation with: tantivy's memory-mapped directory,
//! with two differences that make an index usable by people other than the one who built it.
//!
//! * **Reading needs no write access.** Tantivy's reader takes `.tantivy-meta.lock` while it
//!   opens segments (so that a writer's clean-up cannot delete them under it), and creating that
//!   file fails on a read-only folder or in someone else's index. For reading, the lock is taken
//!   on the existing file opened read-only when it cannot be opened for writing, and skipped when
//!   it cannot be opened at all: the reader then relies on [`super::IndexDir::retrying`], which
//!   reopens when a writer changed the index under it.
//! * **Files are created with the process's umask.** Tantivy writes `meta.json` and
//!   `.managed.json` through a temporary file created `0600`, so an index built by one user
//!   could not be read by another; attache's atomic writes create theirs `0666` less the umask
//!   (`0644` under the usual `022`), like every other file of the index.
//! * **`.managed.json` that cannot be parsed is read as missing**: it only lists the files
//!   tantivy may delete later, and garbage there made every reader refuse the index.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError};
use tantivy::directory::error::{OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, FileSlice, Lock, MmapDirectory, WatchCallback,
    WatchHandle, WritePtr,
};

/// Tantivy's list of the files it wrote in a generation.
const MANAGED: &str = ".managed.json";

/// A `.managed.json` longer than this is no list of one generation's files (a generation of
/// the UNGDC holds a few dozen; each name is about 40 bytes).
const MAX_MANAGED_BYTES: u64 = 16 << 20;

/// What a generation is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Searching, checking, statistics: random reads, no write access needed.
    Read,
    /// Indexing and merging: sequential reads and writes.
    Write,
}

/// A generation folder as tantivy sees it (see the module documentation).
#[derive(Debug, Clone)]
pub struct IndexDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    access: Access,
}

impl IndexDirectory {
    /// Opens the generation folder `root` for `access`. Reads are random-access when searching,
    /// so the kernel is told not to read ahead around each page it faults in: with a large
    /// block-device read-ahead (8 MB is common on virtual disks) the default turns a cold first
    /// query into hundreds of MB of reads. Indexing and merging read sequentially and keep it.
    ///
    /// # Errors
    /// When the folder does not exist or cannot be read.
    pub fn open(root: &Path, access: Access) -> Result<IndexDirectory, OpenDirectoryError> {
        #[cfg(unix)]
        let inner = match access {
            Access::Read => {
                MmapDirectory::open_with_madvice(root, tantivy::directory::Advice::Random)?
            }
            Access::Write => MmapDirectory::open(root)?,
        };
        #[cfg(not(unix))]
        let inner = MmapDirectory::open(root)?;
        Ok(IndexDirectory {
            inner,
            root: root.to_path_buf(),
            access,
        })
    }

    /// A lock for reading when `lock`'s file cannot be opened for writing: the file opened
    /// read-only and locked (a `flock` needs no write access), or no lock when even that fails.
    fn read_only_lock(&self, lock: &Lock) -> DirectoryLock {
        let Ok(file) = File::open(self.root.join(&lock.filepath)) else {
            return DirectoryLock::from(Box::new(()));
        };
        let locked = if lock.is_blocking {
            file.lock().is_ok()
        } else {
            file.try_lock().is_ok()
        };
        match locked {
            true => DirectoryLock::from(Box::new(file)),
            false => DirectoryLock::from(Box::new(())),
        }
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn open_read(&self, path: &Path) -> Result<FileSlice, OpenReadError> {
        self.inner.open_read(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        // Tantivy deletes what `.managed.json` lists once no segment uses it: only segment
        // files of this generation, whatever the list says (`../CURRENT`, an absolute path,
        // attache's own `attache.json`).
        if !segment_file(path) {
            return Err(DeleteError::FileDoesNotExist(path.to_path_buf()));
        }
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        if path != Path::new(MANAGED) {
            return self.inner.atomic_read(path);
        }
        // `.managed.json` is tantivy's list of the files it wrote, read only to know what it
        // may delete later. Garbage there (or a folder, or a list far longer than a
        // generation's files) would make the whole index unreadable or slow to open; read as
        // missing, tantivy starts a new list, and files it no longer knows are merely left
        // on disk.
        let missing = || OpenReadError::FileDoesNotExist(path.to_path_buf());
        let full = self.root.join(path);
        if fs::metadata(&full).is_ok_and(|m| m.is_dir() || m.len() > MAX_MANAGED_BYTES) {
            return Err(missing());
        }
        let data = self.inner.atomic_read(path)?;
        match serde_json::from_slice::<Vec<String>>(&data) {
            Ok(files) if files.iter().all(|f| plain_name(Path::new(f))) => Ok(data),
            _ => Err(missing()),
        }
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        atomic_write(&self.root.join(path), data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(_)) if self.access == Access::Read => {
                Ok(self.read_only_lock(lock))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// Whether `path` is one name inside the generation's folder: no folder, `..` or root.
fn plain_name(path: &Path) -> bool {
    let mut parts = path.components();
    matches!(parts.next(), Some(std::path::Component::Normal(_))) && parts.next().is_none()
}

/// Whether `path` names a segment file tantivy writes (`<32 hex digits>.<ext>`, deletes
/// `<32 hex digits>.<opstamp>.del`), the only files its garbage collection may delete.
fn segment_file(path: &Path) -> bool {
    let Some(name) = path.to_str().filter(|_| plain_name(path)) else {
        return false;
    };
    let (id, ext) = name.split_once('.').unwrap_or((name, ""));
    id.len() == 32
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && !ext.is_empty()
        && ext.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// Replaces `path` with `data` atomically: written and synced to a new file beside it, which is
/// then renamed over it. The new file is created with the default mode less the umask.
///
/// # Errors
/// Those of creating, writing, syncing or renaming; the temporary file is removed on failure.
pub fn atomic_write(path: &Path, data: &[u8]) -> io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(
        ".{name}.attache-write-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| {
            file.write_all(data)?;
            file.flush()?;
            file.sync_data()
        })
        .and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The process's umask, from `/proc/self/status` (Linux).
    fn umask() -> Option<u32> {
        let status = fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("Umask:"))?;
        u32::from_str_radix(line.split_whitespace().nth(1)?, 8).ok()
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_honour_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meta.json");
        atomic_write(&path, b"{}").unwrap();
        atomic_write(&path, b"{\"a\": 1}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{\"a\": 1}");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        if let Some(umask) = umask() {
            assert_eq!(mode, 0o666 & !umask, "umask {umask:o}");
        }
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}
