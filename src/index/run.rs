//! What an indexing run is asked to do and what it reports: the options, the progress
//! callbacks, the summary, and the defaults the command line and the library share (one home
//! for each). [`super::build`] runs it; the pipeline does the reading and writing; both
//! take these types from here, so neither depends on the other's types.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::corpus::{Input, Warning};

/// The defaults of an indexing run, for `attache index`'s flags and [`BuildOptions::new`].
pub mod defaults {
    /// The writer's memory budget, in MB.
    pub const MEMORY_MB: usize = 512;
    /// An update commits at least every this many MB of input.
    pub const CHECKPOINT_MB: u64 = 256;
    /// An update commits at least every this many seconds.
    pub const CHECKPOINT_SECS: u64 = 60;

    /// Threads for parsing and analysis: every core.
    pub fn threads() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// The most threads a run analyses with.
pub const MAX_THREADS: usize = 1024;

/// How to index.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Files and folders to index; `-` is JSON Lines on standard input. Empty: the roots the
    /// index records, or `fallback_roots` for an index that records none.
    pub roots: Vec<PathBuf>,
    /// What to index when no roots are given and the index records none (a first run).
    pub fallback_roots: Vec<PathBuf>,
    /// The scope of standard input's articles: unnamed, a run over `-` adds and replaces
    /// articles but removes none (without `prune`); named, the run answers for the scope's
    /// articles as for a folder's, removing those it did not see, unless the input was empty.
    pub stdin_name: Option<String>,
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
    /// …or this much time since its last commit, whichever comes first…
    pub checkpoint_interval: Duration,
    /// …or, when set, after this many articles read.
    pub checkpoint_articles: Option<u64>,
    /// When set, the run builds one shard of a shard set: it takes only the shard's articles
    /// and reads only the files the filter names (see [`super::shards`]).
    pub shard: Option<super::shards::ShardFilter>,
}

impl BuildOptions {
    /// An incremental run over `roots` with entities and the [`defaults`].
    pub fn new(roots: Vec<PathBuf>) -> BuildOptions {
        BuildOptions {
            roots,
            fallback_roots: Vec::new(),
            stdin_name: None,
            threads: defaults::threads(),
            memory_bytes: defaults::MEMORY_MB << 20,
            entities: true,
            full: false,
            dry_run: false,
            prune: false,
            checkpoint_bytes: defaults::CHECKPOINT_MB << 20,
            checkpoint_interval: Duration::from_secs(defaults::CHECKPOINT_SECS),
            checkpoint_articles: None,
            shard: None,
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
    /// Whether the run finished (false in the payload of a checkpoint commit, and when the run
    /// was interrupted).
    pub complete: bool,
    /// The roots read (as given, or the index's recorded roots).
    pub roots: Vec<String>,
    /// Roots found at a new place: their articles are read from there now.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moved: Vec<super::roots::Moved>,
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
    /// Articles read that belong to other shards of the set, skipped (a shard's build only).
    #[serde(skip_serializing_if = "is_zero")]
    pub other_shards: u64,
    /// Folders and files a root given reached that are another recorded root's, which the run
    /// did not read (`c/s` for the root `ls -> c/s`, when `c` alone is given): `(path, root)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passed_by: Vec<(String, String)>,
    /// What was skipped and why (`path: line N: why`), the first 1,000.
    pub warnings: Vec<String>,
    /// Bytes of corpus read (as stored: compressed files count their compressed size).
    pub bytes: u64,
    /// Bytes of corpus to read, as the walk found them (0 when unknown: standard input).
    pub total_bytes: u64,
    /// Wall time.
    pub seconds: f64,
    /// Throughput: megabytes (10^6 bytes) of corpus read per second.
    pub megabytes_per_second: f64,
    /// Peak resident memory of the process, where the platform tells.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_memory_bytes: Option<u64>,
    /// The index's size on disk after the run. Measured once the run has committed, so the
    /// summary recorded in the index (what `stats` shows) has none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub index_bytes: u64,
}

impl RunSummary {
    /// The last runs of a shard set's shards as one: each shard's build reads the whole corpus
    /// and keeps its own articles, so what was read (files, bytes, skipped lines) is one
    /// shard's, the most any read, and the articles (each shard counts its own), what was
    /// written (added, changed, removed, unchanged, kept, passages) and the time are the
    /// shards' sums. Complete when every shard's is; `None` for no runs.
    pub fn together(runs: &[RunSummary]) -> Option<RunSummary> {
        let first = runs.first()?;
        let mut all = RunSummary {
            mode: first.mode,
            rebuilt_because: runs.iter().find_map(|r| r.rebuilt_because.clone()),
            complete: runs.iter().all(|r| r.complete),
            ..RunSummary::default()
        };
        for run in runs {
            if run.mode != all.mode {
                all.mode = Mode::Update;
            }
            for root in &run.roots {
                if !all.roots.contains(root) {
                    all.roots.push(root.clone());
                }
            }
            all.moved.extend(run.moved.iter().cloned());
            all.files = all.files.max(run.files);
            all.ignored_files = all.ignored_files.max(run.ignored_files);
            all.articles += run.articles;
            all.skipped = all.skipped.max(run.skipped);
            all.bytes = all.bytes.max(run.bytes);
            all.total_bytes = all.total_bytes.max(run.total_bytes);
            if run.warnings.len() > all.warnings.len() {
                all.warnings = run.warnings.clone();
            }
            all.added += run.added;
            all.changed += run.changed;
            all.removed += run.removed;
            all.unchanged += run.unchanged;
            all.kept += run.kept;
            all.passages += run.passages;
            all.seconds += run.seconds;
            all.peak_memory_bytes = all.peak_memory_bytes.max(run.peak_memory_bytes);
        }
        all.megabytes_per_second = match all.seconds > 0.0 {
            true => runs.iter().map(|r| r.bytes as f64).sum::<f64>() / 1e6 / all.seconds,
            false => 0.0,
        };
        Some(all)
    }
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
    /// A shard set's build moves on to the shard `key` (a run of its own follows).
    fn shard(&mut self, _key: &str) {}
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

fn is_zero(n: &u64) -> bool {
    *n == 0
}
