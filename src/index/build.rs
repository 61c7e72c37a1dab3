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

use super::catalog::{Catalog, Scope};
use super::roots::Roots;
use super::{IndexDir, Manifest, pipeline, register_tokenizer, schema};
use crate::corpus::{self, Input, Warning};
use crate::error::{Error, Result, printable};

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
}

impl BuildOptions {
    /// An incremental run over `roots` with entities, all cores, 512 MB and default checkpoints.
    pub fn new(roots: Vec<PathBuf>) -> BuildOptions {
        BuildOptions {
            roots,
            fallback_roots: Vec::new(),
            stdin_name: None,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_bytes: 512 << 20,
            entities: true,
            full: false,
            dry_run: false,
            prune: false,
            checkpoint_bytes: 256 << 20,
            checkpoint_interval: Duration::from_secs(60),
            checkpoint_articles: None,
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

/// What the index holds before the run.
struct Existing {
    /// The index, unless it could not be opened (a full rebuild replaces it anyway).
    open: Option<super::OpenIndex>,
    catalog: Catalog,
    roots: Roots,
}

/// Indexes `options.roots` into `dir`: updates the live index (creating it when there is
/// none), or rebuilds it with `full`, or only reports with `dry_run`.
///
/// A rebuild (asked for, or needed because the index was built with other settings) re-reads
/// every root the index records, not only the roots given; it refuses, naming them, when some
/// of the articles it would replace cannot be read again (a root that is gone, standard input),
/// unless `prune` says to drop them.
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
    if !(1..=MAX_THREADS).contains(&options.threads) {
        return Err(Error::Invalid(format!(
            "{} indexing threads: give 1 to {MAX_THREADS}",
            options.threads
        )));
    }
    let _lock = if options.dry_run {
        None
    } else {
        let lock = dir.lock()?;
        // Holding the lock, any build folder left here is a killed rebuild's.
        dir.remove_stale_builds();
        Some(lock)
    };
    let manifest = Manifest::new(options.entities);
    let existing = existing(dir, options)?;
    let rebuild = match &existing {
        _ if options.full => Some(None),
        Some(e) => e
            .open
            .as_ref()
            .and_then(|open| open.manifest.differs_from(&manifest))
            .map(Some),
        None => None,
    };
    let plan = Plan::new(dir, options, existing.as_ref(), rebuild.as_ref())?;
    let Plan {
        paths,
        inputs,
        stdin_origin,
        replaceable,
        gone,
        roots,
    } = plan;
    let mut summary = RunSummary {
        roots: paths
            .iter()
            .map(|r| match (r.as_os_str() == "-", &stdin_origin) {
                (true, Some(origin)) => origin.clone(),
                _ => r.display().to_string(),
            })
            .collect(),
        total_bytes: inputs.total_bytes(),
        ..RunSummary::default()
    };
    let (target, mut catalog) = choose_target(dir, options, &manifest, existing, &rebuild)?;
    let job = pipeline::Job {
        dir,
        options,
        inputs: &inputs,
        started,
        live: matches!(target, Target::Live { .. }),
        // A rebuild writes every article read; a dry run of one reports as it would.
        fresh: rebuild.is_some(),
        replaceable,
        stdin_origin,
        gone,
        roots,
    };
    summary.rebuilt_because = rebuild.flatten();
    match target {
        Target::Dry => {
            summary.mode = Mode::DryRun;
            job.run(None, &mut catalog, &mut summary, progress)?;
        }
        Target::Live { index } => {
            summary.mode = Mode::Update;
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
                    match summary.complete {
                        true => dir.publish(&tmp, &manifest).map(drop),
                        false => Ok(()),
                    }
                });
            if result.is_err() || !summary.complete {
                let _ = std::fs::remove_dir_all(&tmp);
            }
            result?;
        }
    }
    if let Ok(Some(generation)) = dir.current() {
        summary.index_bytes = super::dir_size(&generation);
    }
    Ok(summary)
}

/// What a run reads and answers for, decided from the paths given and what the index records.
struct Plan {
    /// The paths walked: those given, or the recorded roots (and, in a rebuild, both).
    paths: Vec<PathBuf>,
    inputs: corpus::Inputs,
    /// The origin of standard input's articles, when the run reads it.
    stdin_origin: Option<String>,
    /// What the run may replace.
    replaceable: Scope,
    /// Recorded roots no longer there (none with `prune`).
    gone: Vec<String>,
    /// The roots to record.
    roots: Roots,
}

impl Plan {
    /// Walks what the run reads. A rebuild (`Some`, with why the index needs one) reads every
    /// recorded root too, and fails when it would drop articles it cannot read again, unless
    /// `prune`.
    fn new(
        dir: &IndexDir,
        options: &BuildOptions,
        existing: Option<&Existing>,
        rebuild: Option<&Option<String>>,
    ) -> Result<Plan> {
        let because = rebuild.and_then(Option::as_deref);
        let rebuild = rebuild.is_some();
        let recorded = existing.map(|e| e.roots.clone()).unwrap_or_default();
        let (present, gone): (Vec<String>, Vec<String>) = recorded
            .paths
            .iter()
            .cloned()
            .partition(|r| corpus::path_of_key(r).exists());
        let mut paths = options.roots.clone();
        if paths.is_empty() {
            paths = match recorded.paths.is_empty() {
                true => options.fallback_roots.clone(),
                false => present.iter().map(|r| shown(r)).collect(),
            };
        }
        if rebuild && !options.prune {
            paths.extend(present.iter().map(|r| shown(r)));
        }
        let mut inputs = corpus::walk_anchored(&paths, &recorded.paths)?;
        let stdin_origin = options
            .stdin_name
            .as_ref()
            .map_or_else(|| corpus::STDIN.to_owned(), |n| format!("<stdin:{n}>"));
        let mut read_stdin = false;
        for input in inputs.files.iter_mut().filter(|f| f.stdin) {
            input.origin = stdin_origin.clone();
            read_stdin = true;
        }
        let stdin_origin = read_stdin.then_some(stdin_origin);
        // What the run can read again: its roots and its standard input's scope.
        let mut readable = Scope::roots(inputs.roots.iter().cloned());
        if let Some(origin) = &stdin_origin {
            readable.add(origin.clone());
        }
        if rebuild
            && !options.prune
            && let Some(existing) = existing
        {
            let lost = existing.catalog.outside(&readable, &recorded);
            if !lost.is_empty() {
                return Err(Error::Invalid(unreadable_in_rebuild(dir, because, &lost)));
            }
        }
        let replaceable = match options.prune || rebuild {
            true => Scope::everything(),
            false => readable,
        };
        if options.roots.is_empty() && !gone.is_empty() && !rebuild && !options.prune {
            // The recorded roots were read; those that are gone keep their articles.
            for root in &gone {
                inputs.warnings.push(corpus::Warning {
                    path: corpus::path_of_key(root),
                    line: None,
                    message: "no longer there: its articles are kept (index its new place, or \
                              pass --prune to remove them)"
                        .into(),
                });
                inputs.unreadable.push(root.clone());
                inputs.roots.push(root.clone()); // so that its articles count as kept
            }
        }
        let roots = match (rebuild, options.prune) {
            // A rebuild writes every article with the origin it has now.
            (true, _) => Roots::of(inputs.roots.iter().cloned()),
            (false, true) => Roots {
                moved: recorded.moved.clone(),
                ..Roots::of(inputs.roots.iter().cloned())
            },
            (false, false) => recorded.with(&inputs.roots),
        };
        Ok(Plan {
            paths,
            inputs,
            stdin_origin,
            replaceable,
            gone: if options.prune { Vec::new() } else { gone },
            roots,
        })
    }
}

/// A recorded root as a path to walk: relative to the working directory when it lies under
/// it, so that warnings and summaries read as if the user had named it.
fn shown(root: &str) -> PathBuf {
    let path = corpus::path_of_key(root);
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
    match cwd.as_ref().map(|cwd| path.strip_prefix(cwd)) {
        Ok(Ok(relative)) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
        _ => path,
    }
}

/// The refusal of a rebuild that would drop articles it cannot read again.
fn unreadable_in_rebuild(dir: &IndexDir, because: Option<&str>, lost: &[(String, u64)]) -> String {
    let total: u64 = lost.iter().map(|(_, n)| n).sum();
    let places: Vec<String> = lost
        .iter()
        .map(|(root, n)| {
            let what = match root.starts_with('<') {
                true => format!("{root} (standard input)"),
                false if corpus::path_of_key(root).exists() => root.clone(),
                false => format!("{root}, which is no longer there"),
            };
            format!("{n} from {}", printable(&what))
        })
        .collect();
    let why = because.map_or_else(String::new, |b| format!(" ({b})"));
    format!(
        "{}: a full rebuild{why} would drop {total} article{} it cannot read again: {}; \
         give their paths (or pipe them with `-`) in the same run, or pass --prune to rebuild \
         without them",
        dir.path().display(),
        if total == 1 { "" } else { "s" },
        places.join(", ")
    )
}

/// Opens the index there is, with its catalog and roots. For a full rebuild an unreadable or
/// incompatible index is no obstacle: it is replaced, and the roots it records are read again.
fn existing(dir: &IndexDir, options: &BuildOptions) -> Result<Option<Existing>> {
    let unopened = || {
        dir.recorded_roots().map(|roots| Existing {
            open: None,
            catalog: Catalog::default(),
            roots,
        })
    };
    let open = match dir.open_for_writing() {
        Ok(open) => open,
        Err(Error::NoIndex { .. }) => return Ok(None),
        Err(_) if options.full => return Ok(unopened()),
        Err(e) => return Err(e),
    };
    let payload = super::read_payload(&open.index);
    let recorded = payload.and_then(|p| p.corpus_roots);
    let moved = recorded.as_ref().map_or(&[][..], |r| &r.moved[..]);
    let catalog = super::reading_index(dir.path(), || {
        Catalog::load(&open.index.reader()?.searcher(), moved)
    });
    let catalog = match catalog {
        Ok(catalog) => catalog,
        Err(_) if options.full => return Ok(unopened()),
        Err(e) => return Err(e),
    };
    let roots = recorded.unwrap_or_else(|| Roots::of(catalog.inferred_roots()));
    Ok(Some(Existing {
        open: Some(open),
        catalog,
        roots,
    }))
}

/// Decides where the run writes; returns the catalog of what the index holds.
fn choose_target(
    dir: &IndexDir,
    options: &BuildOptions,
    manifest: &Manifest,
    existing: Option<Existing>,
    rebuild: &Option<Option<String>>,
) -> Result<(Target, Catalog)> {
    let (open, catalog) = match existing {
        Some(e) => (e.open, e.catalog),
        None => (None, Catalog::default()),
    };
    if options.dry_run {
        return Ok((Target::Dry, catalog));
    }
    if rebuild.is_some() {
        drop(open);
        let tmp = dir.begin()?;
        let index = create_index(&tmp)?;
        return Ok((Target::Fresh { tmp, index }, catalog));
    }
    let open = match open {
        Some(open) => open,
        None => {
            // Publish an empty index first, so a first run is an update like any other:
            // it commits at checkpoints and can be resumed.
            let tmp = dir.begin()?;
            drop(create_index(&tmp)?);
            dir.publish(&tmp, manifest)?;
            dir.open_for_writing()?
        }
    };
    Ok((Target::Live { index: open.index }, catalog))
}

fn create_index(path: &std::path::Path) -> Result<Index> {
    let (schema, _) = schema::build();
    let index = super::create_in(path, schema)?;
    register_tokenizer(&index);
    Ok(index)
}
