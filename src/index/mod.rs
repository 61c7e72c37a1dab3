//! The on-disk index: where it lives, how it is opened, and how a new one replaces the old.
//!
//! An index folder holds generations and a pointer:
//!
//! ```text
//! index/CURRENT        the name of the live generation, e.g. "gen-000002"
//! index/gen-000002/    a complete tantivy index plus attache.json (format stamp, last run)
//! index/.tmp-4242/     a build in progress (process 4242)
//! ```
//!
//! A build writes a fresh `.tmp-*` folder and, only once it is complete and committed, renames
//! it to the next generation and atomically replaces `CURRENT` (write a temporary file, then
//! rename). A failed or interrupted build therefore leaves the previous generation live and
//! searchable; its leftovers are removed by the next build.

pub mod build;
pub mod document;
pub mod schema;

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;

use crate::analysis::{
    AttacheTokenizer, META_TOKENIZER_NAME, MetaTokenizer, TOKENIZER_NAME, TOKENS_TOKENIZER_NAME,
    TokensTokenizer,
};
use crate::error::{Error, Result};
use schema::{FORMAT_VERSION, Fields};

const CURRENT: &str = "CURRENT";
const MANIFEST: &str = "attache.json";
const GEN_PREFIX: &str = "gen-";
const TMP_PREFIX: &str = ".tmp-";

/// The stamp and history written beside every generation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT_VERSION`] of the build that wrote it.
    pub format: u32,
    /// The attache version that wrote it.
    pub attache_version: String,
    /// What the last indexing run did.
    pub last_run: Option<build::RunSummary>,
}

/// An index location (default `index/`).
#[derive(Debug, Clone)]
pub struct IndexDir {
    path: PathBuf,
}

/// An opened, format-checked index.
pub struct OpenIndex {
    /// The tantivy index, with attache's tokenizer registered.
    pub index: Index,
    /// The schema's fields.
    pub fields: Fields,
    /// The generation's stamp and history.
    pub manifest: Manifest,
    /// The generation folder.
    pub generation: PathBuf,
}

impl IndexDir {
    /// An index location; nothing is touched until it is opened or built.
    pub fn new(path: impl Into<PathBuf>) -> IndexDir {
        IndexDir { path: path.into() }
    }

    /// The location.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The live generation folder, if an index has been built here.
    ///
    /// # Errors
    /// When `CURRENT` exists but cannot be read.
    pub fn current(&self) -> Result<Option<PathBuf>> {
        let pointer = self.path.join(CURRENT);
        match fs::read_to_string(&pointer) {
            Ok(name) => Ok(Some(self.path.join(name.trim()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(pointer, e)),
        }
    }

    /// Opens the live generation, refusing an index from an incompatible version.
    ///
    /// # Errors
    /// [`Error::NoIndex`] when nothing was built here, [`Error::IncompatibleIndex`] when the
    /// format stamp differs, I/O and tantivy errors otherwise.
    pub fn open(&self) -> Result<OpenIndex> {
        let Some(generation) = self.current()? else {
            if self.path.join("meta.json").exists() {
                return Err(self.incompatible("not an attache index layout".into()));
            }
            return Err(Error::NoIndex {
                path: self.path.clone(),
            });
        };
        if !generation.is_dir() || generation == self.path {
            let why = format!(
                "{CURRENT} names '{}', which is not there",
                generation.display()
            );
            return Err(Error::Damaged {
                path: self.path.clone(),
                why,
            });
        }
        let manifest_path = generation.join(MANIFEST);
        let manifest: Manifest = match fs::read(&manifest_path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| self.incompatible(format!("unreadable {MANIFEST}: {e}")))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(self.incompatible(format!("no format stamp ({MANIFEST})")));
            }
            Err(e) => return Err(Error::io(manifest_path, e)),
        };
        if manifest.format != FORMAT_VERSION {
            return Err(self.incompatible(format!(
                "index format {} was written by attache {}, this attache reads format {}",
                manifest.format, manifest.attache_version, FORMAT_VERSION
            )));
        }
        let index = Index::open_in_dir(&generation).map_err(|e| Error::damaged(&self.path, &e))?;
        register_tokenizer(&index);
        let fields =
            Fields::from_schema(&index.schema()).map_err(|e| self.incompatible(e.to_string()))?;
        Ok(OpenIndex {
            index,
            fields,
            manifest,
            generation,
        })
    }

    fn incompatible(&self, why: String) -> Error {
        Error::IncompatibleIndex {
            path: self.path.clone(),
            why,
        }
    }

    /// Creates an empty build folder for this process, removing leftovers of dead builds.
    fn begin(&self) -> Result<PathBuf> {
        fs::create_dir_all(&self.path).map_err(|e| Error::io(&self.path, e))?;
        self.remove_stale_builds();
        let tmp = self
            .path
            .join(format!("{TMP_PREFIX}{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        }
        fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(tmp)
    }

    /// Makes a complete build folder the live generation and removes the older ones.
    fn publish(&self, tmp: &Path, manifest: &Manifest) -> Result<PathBuf> {
        let manifest_path = tmp.join(MANIFEST);
        let json = serde_json::to_vec_pretty(manifest).expect("manifest serializes");
        write_synced(&manifest_path, &json)?;
        let next = self.generations()?.into_iter().max().map_or(1, |n| n + 1);
        let name = format!("{GEN_PREFIX}{next:06}");
        let generation = self.path.join(&name);
        fs::rename(tmp, &generation).map_err(|e| Error::io(&generation, e))?;
        let pointer_tmp = self.path.join(format!("{CURRENT}.tmp"));
        write_synced(&pointer_tmp, name.as_bytes())?;
        let pointer = self.path.join(CURRENT);
        fs::rename(&pointer_tmp, &pointer).map_err(|e| Error::io(&pointer, e))?;
        sync_dir(&self.path);
        // Older generations are no longer reachable; open searches keep their files open.
        for n in self.generations()? {
            let old = self.path.join(format!("{GEN_PREFIX}{n:06}"));
            if old != generation {
                let _ = fs::remove_dir_all(old);
            }
        }
        Ok(generation)
    }

    fn generations(&self) -> Result<Vec<u64>> {
        let entries = fs::read_dir(&self.path).map_err(|e| Error::io(&self.path, e))?;
        Ok(entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_prefix(GEN_PREFIX)?
                    .parse()
                    .ok()
            })
            .collect())
    }

    /// Removes `.tmp-PID` folders whose process is gone (a crashed or killed build).
    fn remove_stale_builds(&self) {
        let Ok(entries) = fs::read_dir(&self.path) else {
            return;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(TMP_PREFIX)) else {
                continue;
            };
            let alive = Path::new("/proc").join(pid).exists();
            if !alive || pid == std::process::id().to_string() {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Registers attache's tokenizers, which the schema's text fields name.
pub fn register_tokenizer(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(TOKENIZER_NAME, AttacheTokenizer::default());
    tokenizers.register(META_TOKENIZER_NAME, MetaTokenizer::default());
    tokenizers.register(TOKENS_TOKENIZER_NAME, TokensTokenizer::default());
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = fs::File::create(path).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(path, e))
}

fn sync_dir(path: &Path) {
    if let Ok(dir) = fs::File::open(path) {
        let _ = dir.sync_all();
    }
}
