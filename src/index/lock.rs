//! The writer lock, `index/.lock`, and what its holder may clean up.
//!
//! Only one process writes an index at a time: it holds a `flock` on `.lock` and writes its pid
//! there, for the error another writer gets. Only the holder builds, so the holder knows that
//! every build folder it did not make itself is a dead run's.

use std::fs;
use std::path::Path;

use super::{BUILD_PREFIX, CURRENT, GEN_PREFIX, IndexDir, LOCK, MANIFEST, OLD_BUILD_PREFIX};
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
                let written: Option<u32> = pid.trim().parse().ok();
                let holders = read_locks()
                    .map(|locks| lock_holders(&locks, &path))
                    .unwrap_or_default();
                let holder = holders
                    .iter()
                    .copied()
                    .find(|&h| Some(h) == written)
                    .or(holders.first().copied())
                    .or(written);
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
        self.remove_unreachable_generations();
    }

    /// Removes the stamped generations `CURRENT` does not name, when it names a complete one:
    /// a rebuild killed after switching the pointer, before removing the generation it
    /// replaced, left that one for good (a second copy of the index on disk). Nothing is
    /// removed while the pointer is missing or names no complete generation: that is damage,
    /// and a rebuild reads what those generations hold before replacing them.
    fn remove_unreachable_generations(&self) {
        if !self.path.join(CURRENT).is_file() {
            return;
        }
        let Ok(Some(live)) = self.current() else {
            return;
        };
        if !live.join(MANIFEST).is_file() || live.parent() != Some(&self.path) {
            return;
        }
        for n in self.generations().unwrap_or_default() {
            let old = self.path.join(format!("{GEN_PREFIX}{n:06}"));
            if old != live && old.join(MANIFEST).is_file() {
                let _ = fs::remove_dir_all(old);
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
        // every search would read) is not needed. A live attache's pid is confirmed there (a
        // finished writer's pid may have been reused, by a search for one); an empty file (a
        // writer between taking the lock and writing its pid) names its holder only there.
        let written: Option<u32> = match fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Ok(text) => text.trim().parse().ok(),
            Err(_) => None,
        };
        if let Some(pid) = written {
            attache_process(pid)?;
        }
        // The kernel's list is read a page at a time, and a line may be skipped when locks are
        // taken or released between two pages: a writer missing from it is looked for again.
        let mut writer = None;
        for _ in 0..READS {
            let holders = read_locks().ok().map(|locks| lock_holders(&locks, &path));
            writer = writer_of(written, holders.as_deref(), attache_process);
            if writer.is_some() || holders.is_none() {
                break;
            }
        }
        writer
    }
}

/// How many times [`IndexDir::writer`] reads `/proc/locks` before it concludes that the
/// process whose pid the lock file holds does not hold the lock. Measured while two other
/// processes took and released 40 locks each in a loop, one whole read in about 180 missed a
/// held lock; no lock was missed by five.
const READS: usize = 5;

/// The writer, from the pid written in the lock file and the processes the kernel lists as
/// holding a `flock` on it (`None`: the list could not be read).
fn writer_of(
    written: Option<u32>,
    holders: Option<&[u32]>,
    attache: impl Fn(u32) -> Option<u32>,
) -> Option<u32> {
    match (written, holders) {
        // Without the kernel's list, trust the pid written (if that process is attache).
        (Some(pid), None) => attache(pid),
        (Some(pid), Some(holders)) => holders.contains(&pid).then(|| attache(pid)).flatten(),
        (None, holders) => holders?.iter().find_map(|&pid| attache(pid)),
    }
}

/// The text of `/proc/locks`, in as few reads as the kernel allows: it lists the locks held
/// during one read of up to a page, and each further read (`read_to_string` starts with a small
/// one) is a chance to skip a line when locks are taken or released between them.
fn read_locks() -> std::io::Result<String> {
    use std::io::Read;
    let mut file = fs::File::open("/proc/locks")?;
    let mut buffer = vec![0; 1 << 16];
    let mut len = 0;
    loop {
        match file.read(&mut buffer[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        if len == buffer.len() {
            buffer.resize(2 * len, 0);
        }
    }
    buffer.truncate(len);
    String::from_utf8(buffer).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// The processes holding a `flock` on `path`, as Linux lists them in `locks`, the text of
/// `/proc/locks` (`1: FLOCK ADVISORY WRITE PID MAJOR:MINOR:INODE 0 EOF`). Matched by inode
/// only (a file system's device numbers as `stat` gives them need not be the ones listed), so
/// a lock on another file system's file of the same inode may be listed too.
fn lock_holders(locks: &str, path: &Path) -> Vec<u32> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = fs::metadata(path) else {
        return Vec::new();
    };
    holders_of_inode(locks, meta.ino())
}

fn holders_of_inode(locks: &str, inode: u64) -> Vec<u32> {
    let inode = inode.to_string();
    locks
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // A process waiting for the lock is listed too, as `1: -> FLOCK …`: it holds nothing.
            let (kind, pid, file) = (fields.get(1)?, fields.get(4)?, fields.get(5)?);
            let held = *kind == "FLOCK" && file.rsplit(':').next()? == inode;
            held.then(|| pid.parse().ok()).flatten()
        })
        .collect()
}

/// `pid`, if that process is alive and is attache: a lock taken by another program
/// (`flock index/.lock …`) leaves the last writer's pid in the file, and a pid may since have
/// been reused.
pub(crate) fn attache_process(pid: u32) -> Option<u32> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const LOCKS: &str = "\
1: POSIX  ADVISORY  WRITE 611 00:1a:880 0 EOF
2: FLOCK  ADVISORY  WRITE 4242 fd:01:1234 0 EOF
2: -> FLOCK  ADVISORY  WRITE 77 fd:01:1234 0 EOF
3: FLOCK  ADVISORY  WRITE 5151 00:2b:1234 0 EOF
4: FLOCK  ADVISORY  WRITE 900 fd:01:99 0 EOF
";

    #[test]
    fn holders_are_the_flock_lines_of_the_inode_and_not_their_waiters() {
        assert_eq!(holders_of_inode(LOCKS, 1234), [4242, 5151]);
        assert_eq!(holders_of_inode(LOCKS, 99), [900]);
        assert_eq!(
            holders_of_inode(LOCKS, 880),
            [] as [u32; 0],
            "a POSIX lock is not ours"
        );
        assert_eq!(holders_of_inode("", 1234), [] as [u32; 0]);
    }

    #[test]
    fn the_written_pid_is_the_writer_only_while_the_kernel_lists_it_as_a_holder() {
        let attache = |pid: u32| (pid != 5151).then_some(pid);
        // Listed, among a lock of the same inode on another file system.
        assert_eq!(
            writer_of(Some(4242), Some(&[5151, 4242]), attache),
            Some(4242)
        );
        // A finished writer's pid, reused by another attache process: the lock is not held.
        assert_eq!(writer_of(Some(4242), Some(&[]), attache), None);
        assert_eq!(writer_of(Some(4242), Some(&[900]), attache), None);
        // No list to ask: the pid written, if attache.
        assert_eq!(writer_of(Some(4242), None, attache), Some(4242));
        assert_eq!(writer_of(Some(5151), None, attache), None);
        // Nothing written yet: the listed holder that is attache.
        assert_eq!(writer_of(None, Some(&[5151, 900]), attache), Some(900));
        assert_eq!(writer_of(None, None, attache), None);
    }

    #[test]
    fn a_held_lock_is_found_in_the_kernels_list_read_in_one_call() {
        let dir = std::env::temp_dir().join(format!("attache-lock-{}", std::process::id()));
        let index = IndexDir::new(&dir);
        let _lock = index.lock().unwrap();
        let Ok(locks) = read_locks() else { return };
        let ours = lock_holders(&locks, &dir.join(LOCK));
        assert!(ours.contains(&std::process::id()), "{locks}");
        drop(_lock);
        let _ = fs::remove_dir_all(&dir);
    }
}
