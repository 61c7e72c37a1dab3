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

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::catalog::{Catalog, Scope, Status, content_hash};
use super::document::DocumentBuilder;
use super::{IndexDir, Manifest, register_tokenizer, schema};
use crate::corpus::{self, Article, Input, Record, Warning};
use crate::entities::{Gazetteer, Recognizer};
use crate::error::{Error, Result};

/// The smallest memory budget tantivy accepts per writer thread.
const MIN_MEMORY_PER_THREAD: usize = 15_000_000;
/// Warnings kept in a run summary; the count of skipped inputs is always exact.
const MAX_SUMMARY_WARNINGS: usize = 1000;

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
        Some(dir.lock()?)
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
    let mut job = Job {
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
            job.run(Some(&index), &mut catalog, &mut summary, progress)?;
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
    let open = match dir.open() {
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
            dir.open()?
        }
        Err(e) => return Err(e),
    };
    if let Some(because) = open.manifest.differs_from(manifest) {
        return fresh(summary, Some(because));
    }
    let reader = open.index.reader()?;
    let catalog = Catalog::load(&reader.searcher())?;
    let target = match options.dry_run {
        true => Target::Dry,
        false => Target::Live { index: open.index },
    };
    Ok((target, catalog))
}

fn create_index(path: &std::path::Path) -> Result<Index> {
    let (schema, _) = schema::build();
    let index = Index::create_in_dir(path, schema)?;
    register_tokenizer(&index);
    Ok(index)
}

/// An article on its way to a worker.
struct Work {
    article: Article,
    hash: u64,
    origin: Arc<str>,
    /// Delete the article's old passages first.
    replace: bool,
}

/// One run's inputs and settings.
struct Job<'a> {
    dir: &'a IndexDir,
    options: &'a BuildOptions,
    inputs: &'a corpus::Inputs,
    started: Instant,
    /// Updating the live index in place: commit at checkpoints, and on cancel.
    live: bool,
}

impl Job<'_> {
    /// Reads every input, writes what changed into `index` (nothing when `None`), removes what
    /// is gone, and commits.
    fn run(
        &self,
        index: Option<&Index>,
        catalog: &mut Catalog,
        summary: &mut RunSummary,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        let (_, fields) = schema::build();
        let threads = self.options.threads.max(1);
        let writer = index.map(|index| self.writer(index)).transpose()?;
        let writer = writer.map(RwLock::new);
        summary.files = self.inputs.files.len();
        summary.ignored_files = self.inputs.ignored;

        let mut reading = Reading {
            counts: Counts::default(),
            summary,
            unreadable: self.inputs.unreadable.clone(),
        };
        progress.start(self.inputs.files.len(), self.inputs.total_bytes());
        for warning in &self.inputs.warnings {
            reading.warn(warning, progress);
        }

        let passages = AtomicU64::new(0);
        let mentions = AtomicU64::new(0);
        let failure: Mutex<Option<Error>> = Mutex::new(None);
        let failed = AtomicBool::new(false);
        let fail = |e: Error| {
            failure.lock().expect("failure lock").get_or_insert(e);
            failed.store(true, Ordering::Relaxed);
        };
        let (sender, receiver) = mpsc::sync_channel::<Work>(threads * 16);
        let receiver = Mutex::new(receiver);
        let scope = Scope::roots(self.inputs.files.iter().map(|i| i.origin.clone()).chain(
            self.options.roots.iter().filter_map(|r| {
                (r.as_os_str() != "-")
                    .then(|| r.canonicalize().ok())
                    .flatten()
                    .map(|r| r.to_string_lossy().into_owned())
            }),
        ));
        let scope = if self.options.prune {
            Scope::everything()
        } else {
            scope
        };
        let cancelled = std::thread::scope(|s| {
            if let Some(writer) = &writer {
                for _ in 0..threads {
                    s.spawn(|| {
                        let recognizer = self
                            .options
                            .entities
                            .then(|| Recognizer::new(Gazetteer::builtin()));
                        let mut builder = DocumentBuilder::new(recognizer);
                        let id_term = |id: &str| Term::from_field_text(fields.article_id, id);
                        loop {
                            let next = receiver.lock().expect("receiver lock").recv();
                            let Ok(work) = next else { return };
                            if failed.load(Ordering::Relaxed) {
                                continue; // keep draining so the reader never blocks
                            }
                            let docs =
                                builder.article(&fields, &work.article, work.hash, &work.origin);
                            let found = builder.mentions();
                            // Under the read lock, no commit can split the article.
                            let writer = writer.read().expect("writer lock");
                            if work.replace {
                                writer.delete_term(id_term(&work.article.id));
                            }
                            let n = docs.len() as u64;
                            for doc in docs {
                                if let Err(e) = writer.add_document(doc) {
                                    fail(e.into());
                                    break;
                                }
                            }
                            passages.fetch_add(n, Ordering::Relaxed);
                            mentions.fetch_add(found, Ordering::Relaxed);
                        }
                    });
                }
            }
            let mut checkpoint = Checkpoint::now(0);
            let mut first_seen: HashMap<String, (usize, usize)> = HashMap::new();
            let consumed = Arc::new(AtomicU64::new(0));
            let mut read_before = 0;
            for (file_index, input) in self.inputs.files.iter().enumerate() {
                progress.file(input);
                let origin: Arc<str> = Arc::from(input.origin.as_str());
                let mut file_failed = false;
                let mut sink = |record: Record| {
                    let counts = &mut reading.counts;
                    counts.bytes = read_before + consumed.load(Ordering::Relaxed);
                    counts.passages = passages.load(Ordering::Relaxed);
                    counts.entities = mentions.load(Ordering::Relaxed);
                    let (article, line) = match record {
                        Record::Article(article, line) => (article, line),
                        Record::Warning(warning) => {
                            file_failed = true;
                            reading.warn(&warning, progress);
                            return;
                        }
                    };
                    if let Some(&(first_file, first_line)) = first_seen.get(&article.id) {
                        let message = format!(
                            "duplicate article id '{}' (first seen at {}: line {first_line}), skipped",
                            article.id,
                            self.inputs.files[first_file].path.display()
                        );
                        reading.warn(&input.warning(line, message), progress);
                        return;
                    }
                    first_seen.insert(article.id.clone(), (file_index, line));
                    let hash = content_hash(&article);
                    let (status, elsewhere) = catalog.check(&article.id, hash, &origin, &scope);
                    let change = match status {
                        Status::Unchanged => None,
                        Status::New => Some(Change::Add),
                        Status::Changed => Some(Change::Change),
                        Status::Foreign => {
                            let message = format!(
                                "article id '{}' is already indexed from {elsewhere}, outside the \
                                 paths given; skipped (index both together, or pass --prune to \
                                 let this run replace it)",
                                article.id
                            );
                            reading.warn(&input.warning(line, message), progress);
                            return;
                        }
                    };
                    reading.counts.articles += 1;
                    let summary = &mut *reading.summary;
                    match change {
                        None => summary.unchanged += 1,
                        Some(Change::Add) => summary.added += 1,
                        Some(_) => summary.changed += 1,
                    }
                    if let Some(change) = change {
                        progress.change(change, &article.id);
                        reading.counts.written += 1;
                        let work = Work {
                            article,
                            hash,
                            origin: origin.clone(),
                            replace: change == Change::Change,
                        };
                        if writer.is_some() {
                            let _ = sender.send(work);
                        }
                    }
                    progress.advance(&reading.counts);
                    if let Some(writer) = &writer
                        && self.live
                        && checkpoint.due(self.options, reading.counts.bytes)
                    {
                        let mut run = reading.summary.clone();
                        self.finish_summary(&mut run, &reading.counts);
                        match commit(&mut writer.write().expect("writer lock"), &run) {
                            Ok(()) => {
                                checkpoint = Checkpoint::now(reading.counts.bytes);
                                progress.checkpoint(&reading.counts);
                            }
                            Err(e) => fail(e),
                        }
                    }
                };
                if let Err(e) = corpus::read_counted(input, consumed.clone(), &mut sink) {
                    file_failed = true;
                    reading.warn(&input.warning_whole(error_message(&e)), progress);
                }
                if file_failed {
                    reading.unreadable.push(input.origin.clone());
                }
                read_before += consumed.swap(0, Ordering::Relaxed);
                reading.counts.bytes = read_before;
                reading.counts.passages = passages.load(Ordering::Relaxed);
                progress.advance(&reading.counts);
                if failed.load(Ordering::Relaxed) {
                    break;
                }
                if progress.cancelled() {
                    drop(sender);
                    return true;
                }
            }
            drop(sender);
            false
        });
        if let Some(e) = failure.into_inner().expect("failure lock") {
            return Err(self.write_error(e));
        }
        let Reading {
            mut counts,
            summary,
            unreadable,
        } = reading;
        counts.passages = passages.into_inner();
        counts.entities = mentions.into_inner();
        progress.advance(&counts);
        if cancelled && !self.live {
            return Err(Error::Interrupted);
        }
        if !cancelled {
            let removed = catalog.unseen(&scope, &Scope::roots(unreadable.iter().cloned()));
            let kept = catalog.unseen(&scope, &Scope::default()).len() - removed.len();
            summary.kept = kept as u64;
            summary.removed = removed.len() as u64;
            for id in &removed {
                progress.change(Change::Remove, id);
            }
            if let Some(writer) = &writer {
                let writer = writer.read().expect("writer lock");
                for id in &removed {
                    writer.delete_term(Term::from_field_text(fields.article_id, id));
                }
            }
        }
        self.finish_summary(summary, &counts);
        summary.complete = !cancelled;
        if let Some(writer) = writer {
            let mut writer = writer.into_inner().expect("writer lock");
            commit(&mut writer, summary).map_err(|e| self.write_error(e))?;
            writer
                .wait_merging_threads()
                .map_err(|e| self.write_error(e.into()))?;
        }
        if cancelled {
            return Err(Error::Interrupted);
        }
        Ok(())
    }

    fn writer(&self, index: &Index) -> Result<IndexWriter<TantivyDocument>> {
        let writer_threads = self
            .options
            .threads
            .clamp(1, 8)
            .min(self.options.memory_bytes / MIN_MEMORY_PER_THREAD)
            .max(1);
        let memory = self
            .options
            .memory_bytes
            .max(writer_threads * MIN_MEMORY_PER_THREAD);
        index
            .writer_with_num_threads(writer_threads, memory)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => Error::Locked {
                    path: self.dir.path().to_path_buf(),
                    pid: None,
                },
                e => e.into(),
            })
    }

    /// A failure to write the index (disk full, permission denied…), naming the index and what
    /// is left of it.
    fn write_error(&self, e: Error) -> Error {
        let why = match e {
            Error::Tantivy(tantivy::TantivyError::IoError(io)) => io.to_string(),
            // Tantivy's threads report I/O failures as `Internal error: 'why': …`.
            Error::Tantivy(tantivy::TantivyError::InternalError(why)) => {
                why.split('\'').next().unwrap_or_default().to_owned()
            }
            Error::Tantivy(other) => other.to_string(),
            other => return other,
        };
        Error::Write {
            path: self.dir.path().to_path_buf(),
            why: why.to_lowercase(),
            kept: if self.live {
                "the index keeps everything up to its last commit"
            } else {
                "the previous index is still live"
            },
        }
    }

    fn finish_summary(&self, summary: &mut RunSummary, counts: &Counts) {
        summary.passages = counts.passages;
        summary.skipped = counts.skipped;
        summary.bytes = counts.bytes;
        summary.articles = counts.articles;
        summary.seconds = self.started.elapsed().as_secs_f64();
        summary.megabytes_per_second = counts.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
        summary.peak_memory_bytes = peak_memory();
    }
}

/// The reading thread's state.
struct Reading<'s> {
    counts: Counts,
    summary: &'s mut RunSummary,
    /// Origins that could not be wholly read: their unseen articles are kept.
    unreadable: Vec<String>,
}

impl Reading<'_> {
    fn warn(&mut self, warning: &Warning, progress: &mut dyn Progress) {
        self.counts.skipped += 1;
        if self.summary.warnings.len() < MAX_SUMMARY_WARNINGS {
            self.summary.warnings.push(warning.to_string());
        }
        progress.warning(warning);
    }
}

/// When the last checkpoint was.
struct Checkpoint {
    bytes: u64,
    at: Instant,
}

impl Checkpoint {
    fn now(bytes: u64) -> Checkpoint {
        Checkpoint {
            bytes,
            at: Instant::now(),
        }
    }

    fn due(&self, options: &BuildOptions, bytes: u64) -> bool {
        bytes - self.bytes >= options.checkpoint_bytes
            || self.at.elapsed() >= options.checkpoint_interval
    }
}

/// Commits with the run summary as payload.
fn commit(writer: &mut IndexWriter<TantivyDocument>, run: &RunSummary) -> Result<()> {
    let payload = serde_json::to_string(run).expect("summary serializes");
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}

/// Peak resident memory of this process (`VmHWM`), on Linux.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The reason of an I/O error without its path, which the warning already carries.
fn error_message(e: &Error) -> String {
    match e {
        Error::Io { source, .. } => source.to_string().to_lowercase(),
        other => other.to_string(),
    }
}
