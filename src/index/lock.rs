//! The writer lock, `index/.lock`, and what its holder may clean up.
//!
//! Only one process writes an index at a time: it holds a `flock` on `.lock` and writes its pid
//! there, for the error another writer gets. Only the holder builds, so the holder knows that
//! every build folder it did not make itself is a dead run's.

use std::fs;
use std::path::Path;

use super::{BUILD_PREFIX, IndexDir, LOCK, OLD_BUILD_PREFIX};
use crate::error::{Error, Result};

/// Held while a process writes an index; released when dropped or when the process dies.
#[derive(Debug)]
pub struct WriterLock {
    _file: fs::File,
}

impl IndexDir {
    /// Takes the index's writer lock, or fails at once naming the process that holds it.
    ///
    /// # Errors
    /// [`Error::Locked`] when another process writes the index; I/O errors otherwise.
    pub fn lock(&self) -> Result<WriterLock> {
        use std::io::{ErrorKind, Read, Seek, Write};
        // A folder this user may not write is said to be so, not as the lock file's error.
        let denied = |path: &Path, e: std::io::Error| match e.kind() {
            ErrorKind::PermissionDenied => Error::Write {
                path: self.path.clone(),
                why: format!(
                    "no permission to write {} (check the folder's owner and permissions)",
                    crate::error::printable(&path.display().to_string())
                ),
                kept: "nothing was changed",
            },
            ErrorKind::ReadOnlyFilesystem => Error::Write {
                path: self.path.clone(),
                why: format!(
                    "cannot write {}: its file system is mounted read-only (remount it \
                     read-write, or give --index a folder on another one)",
                    crate::error::printable(&path.display().to_string())
                ),
                kept: "nothing was changed",
            },
            _ => Error::io(path, e),
        };
        fs::create_dir_all(&self.path).map_err(|e| denied(&self.path, e))?;
        let path = self.path.join(LOCK);
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| denied(&path, e))?;
        match file.try_lock() {
            Ok(()) => {
                let pid = std::process::id().to_string();
                file.set_len(0)
                    .and_then(|()| file.rewind())
                    .and_then(|()| file.write_all(pid.as_bytes()))
                    .map_err(|e| Error::io(&path, e))?;
                Ok(WriterLock { _file: file })
            }
            Err(fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let holder = fs::read_to_string("/proc/locks")
                    .ok()
                    .and_then(|locks| lock_holder(&locks, &path))
                    .or_else(|| pid.trim().parse().ok());
                Err(Error::Locked {
                    path: self.path.clone(),
                    pid: holder.and_then(attache_process),
                })
            }
            Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }

    /// Removes the build folders of killed or failed rebuilds. Called only while holding the
    /// writer lock ([`IndexDir::lock`]): only its holder builds, so every build folder is then
    /// stale. A folder named like the old build folders (`.tmp-PID`) is removed only when it
    /// holds a tantivy index and no folder, as attache's did; nothing else is touched.
    pub(super) fn remove_stale_builds(&self) {
        let Ok(entries) = fs::read_dir(&self.path) else {
            return;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let ours = name
                .strip_prefix(BUILD_PREFIX)
                .is_some_and(|pid| pid.parse::<u32>().is_ok());
            let old = name
                .strip_prefix(OLD_BUILD_PREFIX)
                .is_some_and(|pid| pid.parse::<u32>().is_ok())
                && looks_like_a_build(&entry.path());
            if is_dir && (ours || old) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Whether `folder` looks like one of attache's build folders: a tantivy index (`meta.json`
/// or `.managed.json`) with files only.
fn looks_like_a_build(folder: &Path) -> bool {
    let Ok(entries) = fs::read_dir(folder) else {
        return false;
    };
    let mut tantivy = false;
    for entry in entries {
        let Ok(entry) = entry else { return false };
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            return false;
        }
        tantivy |= matches!(
            entry.file_name().to_str(),
            Some("meta.json" | ".managed.json")
        );
    }
    tantivy
}

impl IndexDir {
    /// The attache process writing this index now, if any.
    pub fn writer(&self) -> Option<u32> {
        let path = self.path.join(LOCK);
        // A writer writes its pid into the file as soon as it holds the lock, and a pid that is
        // no live attache process cannot be writing now: then the kernel's lock table (which
        // every search would read) is not needed. An empty or unreadable file tells nothing, nor a
        // live attache's pid (a finished writer's pid may have been reused).
        match fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Ok(text) => {
                if let Ok(pid) = text.trim().parse()
                    && attache_process(pid).is_none()
                {
                    return None;
                }
            }
            Err(_) => {}
        }
        let holder = match fs::read_to_string("/proc/locks") {
            Ok(locks) => lock_holder(&locks, &path),
            // Without the kernel's list, trust the pid written (if that process is attache).
            Err(_) => fs::read_to_string(&path).ok()?.trim().parse().ok(),
        };
        holder.and_then(attache_process)
    }
}

/// The process holding a `flock` on `path`, as Linux lists it in `locks`, the text of
/// `/proc/locks` (`1: FLOCK ADVISORY WRITE PID MAJOR:MINOR:INODE 0 EOF`).
fn lock_holder(locks: &str, path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let inode = fs::metadata(path).ok()?.ino().to_string();
    locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (kind, pid, file) = (fields.get(1)?, fields.get(4)?, fields.get(5)?);
        let held = *kind == "FLOCK" && file.rsplit(':').next()? == inode;
        held.then(|| pid.parse().ok()).flatten()
    })
}

/// `pid`, if that process is alive and is attache: a lock taken by another program
/// (`flock index/.lock …`) leaves the last writer's pid in the file, and a pid may since have
/// been reused.
fn attache_process(pid: u32) -> Option<u32> {
    if pid == std::process::id() {
        return None;
    }
    let proc = Path::new("/proc").join(pid.to_string());
    let name = match fs::read_link(proc.join("exe")) {
        Ok(exe) => exe.file_name()?.to_string_lossy().into_owned(),
        // Another user's process: its `exe` is private, its command name is not.
        Err(_) => fs::read_to_string(proc.join("comm")).ok()?,
    };
    name.trim().starts_with("attache").then_some(pid)
}
