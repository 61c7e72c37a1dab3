//! A shard set opened as one index: a read-only tantivy [`Directory`] whose `meta.json` lists
//! the segments of every shard's live generation, and which reads each segment's files from
//! the shard that holds them.
//!
//! Segment ids are random 128-bit ids, distinct across shards, and every shard has the one
//! schema, so tantivy sees an ordinary index of many segments: document frequencies, document
//! counts and average field lengths (BM25's statistics) are summed over all shards, as are the
//! counts, facets and entity tallies, exactly as in one index over the same articles. The
//! collectors already merge segments independently of how documents fell into them, so the
//! order, scores and tie-breaks are those of one index too.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, FileSlice, Lock, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::index::SegmentId;

use super::super::directory::{Access, IndexDirectory};
use super::super::{IndexDir, Manifest, OpenIndex};
use super::{Period, SetManifest};
use crate::error::{Error, Result, printable};

/// One shard of an opened set.
#[derive(Debug, Clone)]
pub struct OpenShard {
    /// The shard's key.
    pub key: String,
    /// The days its articles fall in, when the set is partitioned by date.
    pub period: Option<Period>,
    /// Its live generation folder.
    pub generation: PathBuf,
    /// The segments it contributes.
    pub segments: Vec<SegmentId>,
    /// Whether its last build finished.
    pub complete: bool,
}

/// The directory of a set opened as one index (see the module documentation).
#[derive(Debug, Clone)]
struct UnionDirectory {
    shards: Arc<Vec<IndexDirectory>>,
    /// Which shard holds each segment, by the segment's uuid as file names spell it.
    owner: Arc<HashMap<String, usize>>,
    meta: Arc<Vec<u8>>,
}

impl UnionDirectory {
    fn shard_of(&self, path: &Path) -> Option<&IndexDirectory> {
        let name = path.file_name()?.to_str()?;
        let uuid = name.split('.').next()?;
        self.owner.get(uuid).map(|&i| &self.shards[i])
    }

    fn read_only(path: &Path) -> io::Error {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{}: a shard set is written shard by shard", path.display()),
        )
    }
}

impl Directory for UnionDirectory {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<Arc<dyn FileHandle>, OpenReadError> {
        match self.shard_of(path) {
            Some(shard) => shard.get_file_handle(path),
            None => Err(OpenReadError::FileDoesNotExist(path.to_path_buf())),
        }
    }

    fn open_read(&self, path: &Path) -> std::result::Result<FileSlice, OpenReadError> {
        match self.shard_of(path) {
            Some(shard) => shard.open_read(path),
            None => Err(OpenReadError::FileDoesNotExist(path.to_path_buf())),
        }
    }

    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(Self::read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        if path == Path::new("meta.json") {
            return Ok(true);
        }
        match self.shard_of(path) {
            Some(shard) => shard.exists(path),
            None => Ok(false),
        }
    }

    fn open_write(&self, path: &Path) -> std::result::Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(Self::read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        match path == Path::new("meta.json") {
            true => Ok(self.meta.to_vec()),
            false => Err(OpenReadError::FileDoesNotExist(path.to_path_buf())),
        }
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(Self::read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    /// Readers lock nothing: each shard's writer only adds segments and removes those no
    /// commit names, and a reader that misses a file reads the set again
    /// ([`IndexDir::retrying`]).
    fn acquire_lock(&self, _lock: &Lock) -> std::result::Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}

impl IndexDir {
    /// Opens the shard set `set` (this folder's manifest) as one index for reading.
    pub(in crate::index) fn open_set(&self, set: &SetManifest) -> Result<OpenIndex> {
        let mut shards = Vec::new();
        let mut directories = Vec::new();
        let mut owner = HashMap::new();
        let mut meta: Option<serde_json::Value> = None;
        let mut segments = Vec::new();
        let mut opstamp = 0u64;
        let mut manifest: Option<(String, Manifest)> = None;
        for entry in &set.shards {
            let shard = self.shard_dir(entry);
            let Some(generation) = shard.current()? else {
                // A shard whose build completed has published a generation: its folder was
                // removed or emptied since, and its articles would be missing without a word.
                if entry.complete {
                    return Err(Error::Damaged {
                        path: self.path.clone(),
                        why: format!(
                            "shard {}: {} holds no index ({} article{} built there)",
                            printable(&entry.key),
                            shard.path().display(),
                            entry.articles,
                            match entry.articles {
                                1 => " was",
                                _ => "s were",
                            }
                        ),
                    });
                }
                // Planned or being built for the first time: nothing to read yet.
                continue;
            };
            let stamp = shard.read_manifest(&generation)?;
            match &manifest {
                None => manifest = Some((entry.key.clone(), stamp.clone())),
                Some((first, wanted)) => {
                    if let Some(why) = stamp.differs_from(wanted) {
                        return Err(self.incompatible(format!(
                            "shard {} and shard {first} were built with other settings ({why})",
                            entry.key
                        )));
                    }
                }
            }
            let directory = IndexDirectory::open(&generation, Access::Read)
                .map_err(|e| self.unreadable(&generation, &tantivy::TantivyError::from(e)))?;
            let bytes = directory
                .atomic_read(Path::new("meta.json"))
                .map_err(|e| self.unreadable(&generation, &tantivy::TantivyError::from(e)))?;
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| self.damaged_shard(&entry.key, &e.to_string()))?;
            let mut ids = Vec::new();
            for segment in value["segments"].as_array().into_iter().flatten() {
                let id = segment["segment_id"]
                    .as_str()
                    .and_then(|s| SegmentId::from_uuid_string(s).ok())
                    .ok_or_else(|| self.damaged_shard(&entry.key, "a segment without an id"))?;
                owner.insert(id.uuid_string(), directories.len());
                ids.push(id);
                segments.push(segment.clone());
            }
            opstamp = opstamp.max(value["opstamp"].as_u64().unwrap_or(0));
            if meta.is_none() {
                meta = Some(value);
            }
            directories.push(directory);
            shards.push(OpenShard {
                key: entry.key.clone(),
                period: entry.period.clone(),
                generation,
                segments: ids,
                complete: entry.complete,
            });
        }
        let (Some(mut meta), Some((_, manifest))) = (meta, manifest) else {
            return Err(Error::NoIndex {
                path: self.path.clone(),
            });
        };
        meta["segments"] = serde_json::Value::Array(segments);
        meta["opstamp"] = opstamp.into();
        meta["payload"] = serde_json::Value::Null;
        let directory = UnionDirectory {
            shards: Arc::new(directories),
            owner: Arc::new(owner),
            meta: Arc::new(serde_json::to_vec(&meta).expect("meta serializes")),
        };
        let index = tantivy::Index::open(directory).map_err(|e| Error::damaged(&self.path, &e))?;
        self.opened(index, manifest, self.path.clone(), shards)
    }

    fn damaged_shard(&self, key: &str, why: &str) -> Error {
        Error::Damaged {
            path: self.path.clone(),
            why: format!("shard {key}: meta.json: {why}"),
        }
    }
}
