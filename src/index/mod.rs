//! The on-disk index: where it lives, how it is opened, and how a new one replaces the old.
//!
//! An index folder holds generations and a pointer:
//!
//! ```text
//! index/CURRENT                 the name of the live generation, e.g. "gen-000002"
//! index/gen-000002/             a tantivy index plus attache.json (format stamp, settings)
//! index/.attache-build-4242/    a full rebuild in progress (process 4242)
//! index/.lock                   held (flock) by the process writing the index; holds its pid
//! ```
//!
//! Incremental runs update the live generation in place through tantivy's commits, which
//! searches see atomically. A full rebuild writes a fresh build folder and, only once it is
//! complete and committed, renames it to the next generation and atomically replaces `CURRENT`
//! (write a temporary file, then rename). A failed or interrupted rebuild therefore leaves the
//! previous generation live and searchable. Only the holder of `.lock` builds, so whoever holds
//! it knows every build folder it did not make itself is a dead run's, and removes it; nothing
//! else in the folder is ever removed.
//!
//! Readers take no lock: a reader that finds files gone because a writer changed the index
//! under it (a commit, a merge, a generation swap) reads the new state again
//! ([`IndexDir::retrying`]), and a failure is reported only when it persists on an unchanged
//! index.

pub mod build;
pub(crate) mod catalog;
pub(crate) mod directory;
pub(crate) mod document;
pub mod documents;
pub(crate) mod lock;
pub mod optimize;
mod pipeline;
mod read;
pub(crate) mod roots;
pub mod run;
pub mod schema;
pub mod segments;
pub mod shards;
pub mod stored;
pub(crate) mod verify;
pub mod words;

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;

use crate::analysis::{
    AttacheTokenizer, EXACT_TOKENS_TOKENIZER_NAME, META_TOKENIZER_NAME, MetaTokenizer,
    STEMS_TOKENIZER_NAME, TOKENIZER_NAME, TOKENS_TOKENIZER_NAME, TokensTokenizer,
};
use crate::error::{Error, Result, printable};
use directory::{Access, IndexDirectory};
pub use lock::WriterLock;
pub use read::{IndexState, reading_index};
use schema::{FORMAT_VERSION, Fields};

const CURRENT: &str = "CURRENT";
const MANIFEST: &str = "attache.json";
const GEN_PREFIX: &str = "gen-";
/// The build folder of a full rebuild, followed by the pid of the process that made it.
const BUILD_PREFIX: &str = ".attache-build-";
/// The name build folders had before [`BUILD_PREFIX`]; removed only when they hold an index.
const OLD_BUILD_PREFIX: &str = ".tmp-";
const LOCK: &str = ".lock";

/// The stamp written beside every generation: what wrote it, and with which settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT_VERSION`] of the build that wrote it.
    pub format: u32,
    /// The attache version that wrote it.
    pub attache_version: String,
    /// Whether entities were recognised.
    #[serde(default = "yes")]
    pub entities: bool,
    /// The fingerprint of the gazetteer entities were recognised with.
    #[serde(default)]
    pub gazetteer: String,
    /// How text was split into words and metadata keys named ([`ANALYSIS`]); empty before the
    /// stamp was kept.
    #[serde(default)]
    pub analysis: String,
}

/// How text is read into words and metadata keys are named, stamped on every generation: an
/// index read otherwise is rebuilt by the next run rather than updated, as its words would
/// not meet the queries' (a final sigma `ς` folds to `σ`, a key keeps its letters of any
/// script). Changed whenever either changes.
pub const ANALYSIS: &str = "words 6 (final sigma as sigma, Greek accents folded; a letter of a script without spaces a word, with its marks; marks, joiners, Arabic and Hebrew vowel points, half-width kana folded; sentence ends of every script, a period against such letters one; a dash after a sentence end leaves it one); metadata keys 3 (letters of any script)";

fn yes() -> bool {
    true
}

impl Manifest {
    /// The stamp of an index this attache builds.
    pub fn new(entities: bool) -> Manifest {
        Manifest {
            format: FORMAT_VERSION,
            attache_version: env!("CARGO_PKG_VERSION").to_owned(),
            entities,
            gazetteer: crate::entities::Gazetteer::builtin_fingerprint(),
            analysis: ANALYSIS.to_owned(),
        }
    }

    /// Whether this attache reads words otherwise than the one that built an index stamped
    /// `self`: a query's words may then miss the index's (the next `attache index` rebuilds it).
    pub fn words_read_otherwise(&self) -> bool {
        self.analysis != ANALYSIS
    }

    /// Why an index stamped `self` cannot simply be updated into one stamped `wanted`.
    pub fn differs_from(&self, wanted: &Manifest) -> Option<String> {
        if self.entities != wanted.entities {
            let was = if self.entities { "on" } else { "off" };
            return Some(format!("entity recognition was {was} when it was built"));
        }
        if self.entities && self.gazetteer != wanted.gazetteer {
            return Some("the entity gazetteer has changed since it was built".into());
        }
        if self.analysis != wanted.analysis {
            return Some(
                "how words and metadata keys are read has changed since it was built".into(),
            );
        }
        None
    }
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
    /// The generation folder (the set's folder, for a shard set).
    pub generation: PathBuf,
    /// The shards, in key order, when the index is a shard set opened as one; empty for a
    /// plain index.
    pub shards: Vec<shards::union::OpenShard>,
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

    /// How to finish the live generation's last run, read from its `meta.json` without
    /// opening the index: `None` when it finished, or there is no index.
    pub fn resume(&self) -> Option<roots::Resume> {
        let generation = self.current().ok()??;
        payload_in(&generation)?.resume
    }

    /// The live generation folder, if an index has been built here.
    ///
    /// # Errors
    /// When `CURRENT` exists but cannot be read.
    pub fn current(&self) -> Result<Option<PathBuf>> {
        let pointer = self.path.join(CURRENT);
        match fs::read_to_string(&pointer) {
            Ok(name) => Ok(Some(self.path.join(name.trim()))),
            // The pointer lost beside one complete generation (a first build killed between
            // naming its generation and writing the pointer, or the pointer deleted): that
            // generation is the index, and the next write restores the pointer. With several,
            // which one was live is unknown: damage (see `open_with`).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut built = self.built_generations();
                Ok(match (built.next(), built.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                })
            }
            Err(e) => Err(Error::io(pointer, e)),
        }
    }

    /// Points `CURRENT` at the generation folder `name` (written aside, then renamed).
    fn point_to(&self, name: &str) -> Result<()> {
        let pointer_tmp = self.path.join(format!("{CURRENT}.tmp"));
        write_synced(&pointer_tmp, name.as_bytes())?;
        let pointer = self.path.join(CURRENT);
        fs::rename(&pointer_tmp, &pointer).map_err(|e| Error::io(&pointer, e))?;
        sync_dir(&self.path);
        Ok(())
    }

    /// Opens the live generation, refusing an index from an incompatible version.
    ///
    /// # Errors
    /// [`Error::NoIndex`] when nothing was built here, [`Error::IncompatibleIndex`] when the
    /// format stamp differs, I/O and tantivy errors otherwise.
    pub fn open(&self) -> Result<OpenIndex> {
        self.open_with(Access::Read)
    }

    /// [`IndexDir::open`] for writing: indexing and merging read segments sequentially, so the
    /// kernel's read-ahead is left on.
    ///
    /// # Errors
    /// As [`IndexDir::open`].
    pub fn open_for_writing(&self) -> Result<OpenIndex> {
        self.open_with(Access::Write)
    }

    fn open_with(&self, access: Access) -> Result<OpenIndex> {
        if let Some(set) = self.shard_set()? {
            return self.open_set(&set);
        }
        let Some(generation) = self.current()? else {
            if self.path.join("meta.json").exists() {
                if let Some(index) = self.holding_index() {
                    return Err(generation_named(&self.path, index));
                }
                return Err(self.incompatible("not an attache index layout".into()));
            }
            // Generations that hold an index without the pointer to one of them (one alone is
            // read as the index, see `current`): the pointer was lost. Damage, repaired by a
            // rebuild from the roots the newest records, not an empty folder to build anew (an
            // update replaced the generation and its articles).
            if let Some(orphan) = self.built_generations().next() {
                return Err(Error::Damaged {
                    path: self.path.clone(),
                    why: format!(
                        "{CURRENT} is missing, though {} holds an index",
                        orphan.file_name().unwrap_or_default().to_string_lossy()
                    ),
                });
            }
            return Err(Error::NoIndex {
                path: self.path.clone(),
            });
        };
        // A writer restores a pointer lost beside the one generation (see `current`).
        if access == Access::Write
            && !self.path.join(CURRENT).exists()
            && let Some(name) = generation.file_name().and_then(|n| n.to_str())
        {
            self.point_to(name)?;
        }
        // A generation is a folder of this index: a pointer that leads elsewhere (`../other/
        // gen-000001`) would read, and an update write, another index without its lock.
        let inside = generation.file_name().is_some() && generation.parent() == Some(&self.path);
        if !generation.is_dir() || !inside {
            // The name as written, escaped and cut short: a file written over `CURRENT` (a
            // chart, say) is not quoted whole in a one-line error.
            let name = generation.strip_prefix(&self.path).unwrap_or(&generation);
            let name = name.to_string_lossy();
            let mut shown: String = name
                .chars()
                .take(60)
                .collect::<String>()
                .escape_debug()
                .to_string();
            if name.chars().count() > 60 {
                shown.push('…');
            }
            let why = match inside || !generation.is_dir() {
                true => format!("{CURRENT} names '{shown}', which is not there"),
                false => format!("{CURRENT} names '{shown}', which is not a folder of the index"),
            };
            return Err(self.with_roots_to_give(Error::Damaged {
                path: self.path.clone(),
                why,
            }));
        }
        let manifest = self.read_manifest(&generation)?;
        let index = IndexDirectory::open(&generation, access)
            .map_err(tantivy::TantivyError::from)
            .and_then(Index::open)
            .map_err(|e| self.unreadable(&generation, &e))?;
        self.opened(index, manifest, generation, Vec::new())
    }

    /// An opened tantivy index as attache reads it: its tokenizers registered, its fields
    /// found in its schema.
    fn opened(
        &self,
        index: Index,
        manifest: Manifest,
        generation: PathBuf,
        shards: Vec<shards::union::OpenShard>,
    ) -> Result<OpenIndex> {
        register_tokenizer(&index);
        let fields =
            Fields::from_schema(&index.schema()).map_err(|e| self.incompatible(e.to_string()))?;
        Ok(OpenIndex {
            index,
            fields,
            manifest,
            generation,
            shards,
        })
    }

    /// The format stamp of `generation`, refused when this attache cannot read its format.
    fn read_manifest(&self, generation: &Path) -> Result<Manifest> {
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
        Ok(manifest)
    }

    /// The error for a generation tantivy could not open or read: a file it cannot read for
    /// lack of permission is named as such, anything else is damage.
    fn unreadable(&self, generation: &Path, e: &tantivy::TantivyError) -> Error {
        use tantivy::directory::error::OpenReadError;
        match e {
            tantivy::TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath })
                if io_error.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                Error::io(
                    generation.join(filepath),
                    std::io::Error::new(io_error.kind(), io_error.to_string().to_lowercase()),
                )
            }
            e => match Error::damaged(&self.path, e) {
                // In a shard set, the damaged file is one shard's: name it. A set's roots are
                // recorded with its shards, so `--full` alone rebuilds it.
                Error::Damaged { path, why } if self.is_shard_set() => Error::Damaged {
                    why: match self.shard_holding(&why) {
                        Some(key) => format!("shard {}: {why}", printable(&key)),
                        None => why,
                    },
                    path,
                },
                other => self.with_roots_to_give(other),
            },
        }
    }

    /// Damage whose rebuild needs the corpus paths given: the roots a rebuild reads live in
    /// `meta.json` (damaged, or in a generation folder that is gone), and when no generation
    /// records them the advice names the paths to give.
    fn with_roots_to_give(&self, e: Error) -> Error {
        match e {
            Error::Damaged { path, why } if self.recorded_roots().is_none() => {
                Error::Invalid(format!(
                    "{}: damaged index: {why}: rebuild it from its corpus with `{}` (the \
                     folders it was built from cannot be read either)",
                    path.display(),
                    self.rebuild_command()
                ))
            }
            other => other,
        }
    }

    /// The key of the shard whose published generation holds the file that a damage report
    /// (`FILE: what`) starts with.
    fn shard_holding(&self, why: &str) -> Option<String> {
        let file = why.split_once(": ")?.0;
        let set = self.shard_set().ok()??;
        set.shards.iter().find_map(|entry| {
            let generation = self.shard_dir(entry).current().ok()??;
            generation.join(file).is_file().then(|| entry.key.clone())
        })
    }

    fn incompatible(&self, why: String) -> Error {
        Error::IncompatibleIndex {
            path: self.path.clone(),
            why,
        }
    }

    /// Creates an empty build folder for this process, removing leftovers of dead builds.
    /// Called only while holding the writer lock ([`IndexDir::lock`]).
    fn begin(&self) -> Result<PathBuf> {
        fs::create_dir_all(&self.path).map_err(|e| Error::io(&self.path, e))?;
        self.remove_stale_builds();
        let tmp = self
            .path
            .join(format!("{BUILD_PREFIX}{}", std::process::id()));
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
        self.point_to(&name)?;
        // Older generations are no longer reachable; open searches keep their files open.
        for n in self.generations()? {
            let old = self.path.join(format!("{GEN_PREFIX}{n:06}"));
            // A folder of that name without attache's stamp is not one of its generations.
            if old != generation && old.join(MANIFEST).is_file() {
                let _ = fs::remove_dir_all(old);
            }
        }
        Ok(generation)
    }

    /// Refuses to write an index into a folder that holds something else: a file, or a folder
    /// that is not an index (no `CURRENT`, no shard set) and holds more than what an
    /// interrupted first build leaves (its lock, build folder or stamped generation). attache
    /// would write its files among the user's, and a later rebuild could remove them.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the path and the first entry that is not attache's.
    pub fn refuse_foreign(&self) -> Result<()> {
        let path = &self.path;
        match fs::metadata(path) {
            Err(_) => return Ok(()),
            Ok(meta) if !meta.is_dir() => return Err(self.not_a_folder()),
            Ok(_) => {}
        }
        // A complete generation without its pointer is this index's too (readers read it,
        // and the next write restores the pointer), whatever else the folder holds.
        if path.join(CURRENT).exists()
            || path.join(shards::SET_MANIFEST).exists()
            || self.built_generations().next().is_some()
        {
            return Ok(());
        }
        if let Some(index) = self.holding_index() {
            return Err(generation_named(path, index));
        }
        let foreign = self.foreign_entries()?;
        match foreign.first() {
            None => Ok(()),
            Some(_) => Err(Error::Invalid(format!(
                "{}: not an attache index, and it holds other files ({}): give an empty or new \
                 folder with --index",
                printable(&path.display().to_string()),
                some_of(&foreign)
            ))),
        }
    }

    /// The entries of this folder that are not attache's, sorted (none when it is no folder).
    ///
    /// # Errors
    /// When the folder cannot be listed.
    pub fn foreign_entries(&self) -> Result<Vec<String>> {
        let path = &self.path;
        if !path.is_dir() {
            return Ok(Vec::new());
        }
        let entries = fs::read_dir(path).map_err(|e| Error::io(path, e))?;
        let mut foreign: Vec<String> = Vec::new();
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let ours = match name.as_str() {
                LOCK => true,
                // Placeholders that keep an empty folder in version control (the repository's
                // own `index/.gitkeep`) or that a file manager leaves: the folder is as empty.
                ".gitkeep" | ".keep" | ".gitignore" | ".DS_Store" => !is_dir,
                n if n == format!("{CURRENT}.tmp") => true,
                n if n.starts_with(BUILD_PREFIX) || n.starts_with(OLD_BUILD_PREFIX) => is_dir,
                n if n.starts_with(GEN_PREFIX) => is_dir && entry.path().join(MANIFEST).is_file(),
                _ => false,
            };
            if !ours {
                foreign.push(name);
            }
        }
        foreign.sort();
        Ok(foreign)
    }

    /// The index this folder is a generation of, when it is one (`--index idx/gen-000001`
    /// names a folder holding tantivy's `meta.json` inside an index).
    fn holding_index(&self) -> Option<&Path> {
        if !self.path.join("meta.json").is_file() {
            return None;
        }
        let index = match self.path.parent() {
            Some(p) if p.as_os_str().is_empty() => Path::new("."),
            Some(p) => p,
            None => return None,
        };
        index.join(CURRENT).is_file().then_some(index)
    }

    /// The error for an `--index` that is a file, or lies under one (`notes.txt/index`).
    pub(crate) fn not_a_folder(&self) -> Error {
        let shown = printable(&self.path.display().to_string()).into_owned();
        let file = self.path.ancestors().skip(1).find(|a| a.is_file());
        match file {
            Some(file) if !self.path.is_file() => Error::Invalid(format!(
                "{shown}: {} is a file, not a folder: give a folder with --index",
                printable(&file.display().to_string())
            )),
            _ => Error::Invalid(format!(
                "{shown}: is a file, not an index folder: give a folder with --index"
            )),
        }
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
}

impl OpenIndex {
    /// Where a file of the index lies on disk: in the shard holding its segment, for a set.
    pub fn file_path(&self, file: &Path) -> PathBuf {
        let name = file.to_string_lossy();
        let uuid = name.split('.').next().unwrap_or_default();
        self.shards
            .iter()
            .find(|s| s.segments.iter().any(|id| id.uuid_string() == uuid))
            .map_or_else(|| self.generation.join(file), |s| s.generation.join(file))
    }

    /// What the last indexing run did, as recorded with its last commit (a run that was
    /// killed shows `complete: false`); of a shard set, its shards' last runs together (see
    /// [`run::RunSummary::together`]).
    pub fn last_run(&self) -> Option<run::RunSummary> {
        if !self.shards.is_empty() {
            let runs: Vec<run::RunSummary> = (self.shards.iter())
                .filter_map(|shard| payload_in(&shard.generation).map(|p| p.run))
                .collect();
            return run::RunSummary::together(&runs);
        }
        read_payload(&self.index).map(|p| p.run)
    }

    /// How to finish the last run, when it has not finished (see `roots::Resume`); of a
    /// shard set, none (its note names the shards).
    pub fn resume(&self) -> Option<roots::Resume> {
        match self.shards.is_empty() {
            true => read_payload(&self.index).and_then(|p| p.resume),
            false => None,
        }
    }

    /// [`OpenIndex::last_run`] and the roots (origin keys) of interrupted runs that no
    /// complete run has read since, whose articles may be missing: one read of the last
    /// commit's payload.
    pub fn last_run_and_unfinished(&self) -> (Option<run::RunSummary>, Vec<String>) {
        match read_payload(&self.index) {
            Some(payload) => (Some(payload.run), payload.unfinished),
            None => (None, Vec::new()),
        }
    }

    /// The corpus roots the index records (none for an index built before they were); of a
    /// shard set, those its shards record, together.
    pub fn roots(&self) -> Option<roots::Roots> {
        if self.shards.is_empty() {
            return read_payload(&self.index).and_then(|p| p.corpus_roots);
        }
        let paths: Vec<String> = (self.shards.iter())
            .filter_map(|shard| payload_in(&shard.generation)?.corpus_roots)
            .flat_map(|roots| roots.paths)
            .collect();
        (!paths.is_empty()).then(|| roots::Roots::of(paths))
    }
}

/// The payload of the last commit of the generation folder `generation`, read from its
/// `meta.json` without opening the index.
fn payload_in(generation: &Path) -> Option<roots::Payload> {
    let meta = fs::read(generation.join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_slice(&meta).ok()?;
    serde_json::from_str(meta["payload"].as_str()?).ok()
}

/// The last commit's payload: the run that made it and the index's roots.
pub(crate) fn read_payload(index: &Index) -> Option<roots::Payload> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}

impl IndexDir {
    /// The corpus roots the live generation records, read from its `meta.json` without opening
    /// the index: what a full rebuild must read again even when the index itself is of another
    /// format or cannot be read.
    ///
    /// When the live generation cannot be read (`CURRENT` names a missing folder, its
    /// `meta.json` is damaged), the newest other generation that records its roots answers:
    /// a rebuild then reads the corpus the index was built from, not the default one.
    pub(crate) fn recorded_roots(&self) -> Option<roots::Roots> {
        let roots_of = |generation: &Path| payload_in(generation)?.corpus_roots;
        if let Some(roots) = self.current().ok().flatten().and_then(|g| roots_of(&g)) {
            return Some(roots);
        }
        self.built_generations().find_map(|g| roots_of(&g))
    }

    /// The newest complete generation this attache can read, opened for reading whatever
    /// `CURRENT` says: what a rebuild of a damaged index must not drop unawares.
    pub(crate) fn newest_built(&self) -> Option<OpenIndex> {
        self.built_generations().find_map(|generation| {
            let manifest = self.read_manifest(&generation).ok()?;
            let index = IndexDirectory::open(&generation, Access::Read)
                .map_err(tantivy::TantivyError::from)
                .and_then(Index::open)
                .ok()?;
            self.opened(index, manifest, generation, Vec::new()).ok()
        })
    }

    /// The generation folders holding a format stamp (complete builds), newest first.
    fn built_generations(&self) -> impl Iterator<Item = PathBuf> + '_ {
        let mut generations = self.generations().unwrap_or_default();
        generations.sort_unstable_by(|a, b| b.cmp(a));
        generations
            .into_iter()
            .map(|n| self.path.join(format!("{GEN_PREFIX}{n:06}")))
            .filter(|g| g.join(MANIFEST).is_file())
    }

    /// Whether anything was ever published here: a pointer, or a generation folder.
    pub fn was_built(&self) -> bool {
        self.path.join(CURRENT).exists() || self.generations().is_ok_and(|g| !g.is_empty())
    }
}

/// The first of `names` and how many more: `notes.txt and 3 more`.
pub fn some_of(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => printable(one).into_owned(),
        [first, rest @ ..] => format!("{} and {} more", printable(first), rest.len()),
    }
}

/// Bytes on disk under `path`.
pub fn dir_size(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// The zstd level of the document store's blocks. Chosen by measurement on the UNGDC
/// (examples/store_blocks.rs, benches/RESULTS.md "Index size"): level 6 would save 2.8 MB more
/// (1.2% of the index) for 2.2 times the compression time (81 against 182 MB/s), which
/// indexing pays; decompression costs the same at any level.
pub const STORE_LEVEL: i32 = 3;

/// The size of the document store's blocks before compression: a fetched passage costs the
/// decompression of its whole block (unless tantivy's block cache holds it), so larger blocks
/// compress better and fetch slower.
pub const STORE_BLOCK: usize = 16 << 10;

/// The settings of every index attache creates: its document store in zstd blocks
/// ([`STORE_LEVEL`], [`STORE_BLOCK`]).
fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(STORE_LEVEL),
        }),
        docstore_blocksize: STORE_BLOCK,
        ..tantivy::IndexSettings::default()
    }
}

/// Creates an empty tantivy index in the new folder `path`, through [`IndexDirectory`] so that
/// its files are created with the umask (see [`directory`]).
fn create_in(path: &Path, schema: tantivy::schema::Schema) -> tantivy::Result<Index> {
    let directory = IndexDirectory::open(path, Access::Write)?;
    Index::create(directory, schema, index_settings())
}

/// Removes the files of `index` that no commit references (those of a segment or merge that
/// failed before its commit), with a writer of its own: best effort, after a failure, once the
/// failed writer is dropped.
pub(crate) fn collect_garbage(index: &Index) {
    let writer: tantivy::Result<tantivy::IndexWriter<tantivy::TantivyDocument>> =
        index.writer_with_num_threads(1, 15_000_000);
    if let Ok(writer) = writer {
        let _ = writer.garbage_collect_files().wait();
    }
}

/// Registers attache's tokenizers, which the schema's text fields name.
pub fn register_tokenizer(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(TOKENIZER_NAME, AttacheTokenizer::default());
    tokenizers.register(META_TOKENIZER_NAME, MetaTokenizer::default());
    tokenizers.register(TOKENS_TOKENIZER_NAME, TokensTokenizer::default());
    tokenizers.register(EXACT_TOKENS_TOKENIZER_NAME, TokensTokenizer::exact());
    tokenizers.register(STEMS_TOKENIZER_NAME, TokensTokenizer::stems());
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

/// The error for a generation folder given as the index.
fn generation_named(path: &Path, index: &Path) -> Error {
    Error::Invalid(format!(
        "{}: a generation inside the index {}, not an index itself: give --index {}",
        path.display(),
        index.display(),
        index.display()
    ))
}
