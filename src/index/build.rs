//! Indexing runs: incremental updates of the live index, full rebuilds, and dry runs.
//!
//! The calling thread walks and parses the corpus (cheap, sequential, so warnings come out in
//! file order) and compares every article with the index's [`Catalog`]: new and changed articles
//! go to worker threads, which split them into passages, analyse them and hand the documents to
//! tantivy's writer, whose own threads build the segments; unchanged ones are skipped. A changed
//! article's old passages are deleted (by article id) and its new ones added under one lock, so
//! no commit ever holds half of an article. Articles of the roots that the run did not see are
//! deleted at the end.
//!
//! An update commits at checkpoints (every [`BuildOptions::checkpoint_bytes`] or
//! [`BuildOptions::checkpoint_interval`]), with the run so far as the commit's payload: a killed
//! run leaves an index that answers queries with everything up to its last commit, and the next
//! run picks up from there, since whatever was committed compares as unchanged. A full rebuild
//! writes a new generation beside the live one and swaps it in at the end. The library never
//! prints: the caller follows the run through [`Progress`].

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::catalog::Catalog;
use super::{IndexDir, Manifest, pipeline, register_tokenizer, schema};
use crate::corpus::{self, Input, Warning};
use crate::error::{Error, Result};

/// How to index.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Files and folders to index; `-` is JSON Lines on standard input.
    pub roots: Vec<PathBuf>,
    /// Threads for parsing and analysis.
    pub threads: usize,
    /// Memory budget of tantivy's writer, in bytes, across its threads.
    pub memory_bytes: usize,
    /// Recognise entities (on by default; off only to measure its cost).
    pub entities: bool,
    /// Rebuild from scratch into a new generation instead of updating the live one.
    pub full: bool,
    /// Decide and report what would be added, changed and removed; write nothing.
    pub dry_run: bool,
    /// Remove every indexed article the run did not see, not only those under its roots.
    pub prune: bool,
    /// An update commits after at least this many bytes of input…
    pub checkpoint_bytes: u64,
    /// …or this much time since its last commit, whichever comes first.
    pub checkpoint_interval: Duration,
}

impl BuildOptions {
    /// An incremental run over `roots` with entities, all cores, 512 MB and default checkpoints.
    pub fn new(roots: Vec<PathBuf>) -> BuildOptions {
        BuildOptions {
            roots,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_bytes: 512 << 20,
            entities: true,
            full: false,
            dry_run: false,
            prune: false,
            checkpoint_bytes: 256 << 20,
            checkpoint_interval: Duration::from_secs(60),
        }
    }
}

/// How a run treated the index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// The live index was updated in place.
    #[default]
    Update,
    /// A new index was built and swapped in.
    Full,
    /// Nothing was written.
    DryRun,
}

/// What an indexing run did; kept in the index (the last commit's payload) for `attache stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunSummary {
    /// Update, full rebuild, or dry run.
    pub mode: Mode,
    /// Why an update became a full rebuild, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuilt_because: Option<String>,
    /// Whether the run finished (false in the payload of a checkpoint commit).
    pub complete: bool,
    /// The roots given.
    pub roots: Vec<String>,
    /// Files read.
    pub files: usize,
    /// Files ignored because attache does not read their type.
    pub ignored_files: usize,
    /// Articles read.
    pub articles: u64,
    /// Articles new to the index.
    pub added: u64,
    /// Articles whose content (or file) changed, replaced.
    pub changed: u64,
    /// Articles of the roots (or of the whole index, with `prune`) that were not seen, deleted.
    pub removed: u64,
    /// Articles already indexed as read.
    pub unchanged: u64,
    /// Articles not seen but kept, because their file or folder could not be read this time.
    pub kept: u64,
    /// Passages written.
    pub passages: u64,
    /// Bad files and lines skipped.
    pub skipped: u64,
    /// What was skipped and why (`path: line N: why`), the first 1,000.
    pub warnings: Vec<String>,
    /// Bytes of corpus read (as stored: compressed files count their compressed size).
    pub bytes: u64,
    /// Wall time.
    pub seconds: f64,
    /// Throughput: megabytes (10^6 bytes) of corpus read per second.
    pub megabytes_per_second: f64,
    /// Peak resident memory of the process, where the platform tells.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_memory_bytes: Option<u64>,
    /// The index's size on disk after the run.
    pub index_bytes: u64,
}

/// Running totals, for progress display.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Bytes of corpus read so far.
    pub bytes: u64,
    /// Articles read so far.
    pub articles: u64,
    /// Articles to be written (new or changed) so far.
    pub written: u64,
    /// Passages indexed so far.
    pub passages: u64,
    /// Entity mentions recognised so far.
    pub entities: u64,
    /// Bad inputs skipped so far.
    pub skipped: u64,
}

/// What a run does to one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// New to the index.
    Add,
    /// Replaced.
    Change,
    /// Deleted.
    Remove,
}

/// Follows an indexing run. Every method has a do-nothing default.
pub trait Progress {
    /// The corpus was walked: this many files and bytes will be read (0 bytes: unknown).
    fn start(&mut self, _files: usize, _bytes: u64) {}
    /// A file is about to be read.
    fn file(&mut self, _input: &Input) {}
    /// Totals moved on.
    fn advance(&mut self, _counts: &Counts) {}
    /// A bad file or line was skipped.
    fn warning(&mut self, _warning: &Warning) {}
    /// An article is (or, in a dry run, would be) added, replaced or removed.
    fn change(&mut self, _change: Change, _id: &str) {}
    /// A checkpoint was committed: everything read so far is searchable and kept.
    fn checkpoint(&mut self, _counts: &Counts) {}
    /// Asked between articles; returning true stops the run. An update commits what it has
    /// written so far; a full rebuild is abandoned, leaving the old index live.
    fn cancelled(&mut self) -> bool {
        false
    }
}

/// A [`Progress`] that ignores everything.
pub struct Silent;
impl Progress for Silent {}

/// Where a run writes.
enum Target {
    /// A new generation in a build folder, published at the end.
    Fresh { tmp: PathBuf, index: Index },
    /// The live generation, updated in place.
    Live { index: Index },
    /// Nothing is written.
    Dry,
}

/// Indexes `options.roots` into `dir`: updates the live index (creating it when there is
/// none), or rebuilds it with `full`, or only reports with `dry_run`.
///
/// # Errors
/// When a root does not exist, another process is writing the index, the index is of another
/// format (rebuild with `full`), or the index cannot be written. An update that fails keeps
/// everything up to its last commit; a full rebuild that fails leaves the old index live.
pub fn build(
    dir: &IndexDir,
    options: &BuildOptions,
    progress: &mut dyn Progress,
) -> Result<RunSummary> {
    let started = Instant::now();
    let inputs = corpus::walk(&options.roots)?;
    let _lock = if options.dry_run {
        None
    } else {
        let lock = dir.lock()?;
        // Holding the lock, any build folder left here is a killed rebuild's.
        dir.remove_stale_builds();
        Some(lock)
    };
    let manifest = Manifest::new(options.entities);
    let mut summary = RunSummary {
        roots: options
            .roots
            .iter()
            .map(|r| match r.as_os_str() == "-" {
                true => corpus::STDIN.to_owned(),
                false => r.display().to_string(),
            })
            .collect(),
        ..RunSummary::default()
    };
    let (target, mut catalog) = choose_target(dir, options, &manifest, &mut summary)?;
    let mut job = pipeline::Job {
        dir,
        options,
        inputs: &inputs,
        started,
        live: false,
    };
    match target {
        Target::Dry => {
            summary.mode = Mode::DryRun;
            job.run(None, &mut catalog, &mut summary, progress)?;
        }
        Target::Live { index } => {
            summary.mode = Mode::Update;
            job.live = true;
            let result = job.run(Some(&index), &mut catalog, &mut summary, progress);
            if result.is_err() {
                super::collect_garbage(&index); // a failed segment's files
            }
            result?;
        }
        Target::Fresh { tmp, index } => {
            summary.mode = Mode::Full;
            let result = job
                .run(Some(&index), &mut catalog, &mut summary, progress)
                .and_then(|()| {
                    drop(index);
                    dir.publish(&tmp, &manifest)
                });
            if let Err(e) = result {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(e);
            }
        }
    }
    if let Ok(Some(generation)) = dir.current() {
        summary.index_bytes = super::dir_size(&generation);
    }
    Ok(summary)
}

/// Decides where the run writes and loads what the index already holds.
fn choose_target(
    dir: &IndexDir,
    options: &BuildOptions,
    manifest: &Manifest,
    summary: &mut RunSummary,
) -> Result<(Target, Catalog)> {
    let fresh = |summary: &mut RunSummary, because: Option<String>| -> Result<(Target, Catalog)> {
        summary.rebuilt_because = because;
        if options.dry_run {
            return Ok((Target::Dry, Catalog::default()));
        }
        let tmp = dir.begin()?;
        let index = create_index(&tmp)?;
        Ok((Target::Fresh { tmp, index }, Catalog::default()))
    };
    if options.full {
        return fresh(summary, None);
    }
    let open = match dir.open_for_writing() {
        Ok(open) => open,
        Err(Error::NoIndex { .. }) if options.dry_run => {
            return Ok((Target::Dry, Catalog::default()));
        }
        Err(Error::NoIndex { .. }) => {
            // Publish an empty index first, so a first run is an update like any other:
            // it commits at checkpoints and can be resumed.
            let tmp = dir.begin()?;
            drop(create_index(&tmp)?);
            dir.publish(&tmp, manifest)?;
            dir.open_for_writing()?
        }
        Err(e) => return Err(e),
    };
    if let Some(because) = open.manifest.differs_from(manifest) {
        return fresh(summary, Some(because));
    }
    let catalog = super::reading_index(dir.path(), || {
        Catalog::load(&open.index.reader()?.searcher())
    })?;
    let target = match options.dry_run {
        true => Target::Dry,
        false => Target::Live { index: open.index },
    };
    Ok((target, catalog))
}

fn create_index(path: &std::path::Path) -> Result<Index> {
    let (schema, _) = schema::build();
    let index = super::create_in(path, schema)?;
    register_tokenizer(&index);
    Ok(index)
}
