//! One indexing run's moving parts: the reading thread, which parses the corpus and decides
//! what each article needs, and the worker threads, which analyse new and changed articles and
//! hand their passages to tantivy's writer.
//!
//! A worker holds the writer's read lock while it deletes an article's old passages and adds
//! its new ones; a checkpoint commit takes the write lock, so no commit holds half an article.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::IndexDir;
use super::catalog::{Catalog, Scope, Status, content_hash};
use super::document::DocumentBuilder;
use super::roots::{Payload, Roots, moved_origin, within};
use super::run::{BuildOptions, Change, Counts, Progress, RunSummary};
use super::schema::{self, Fields};
use crate::corpus::{self, Article, Input, Record, Warning};
use crate::entities::{Gazetteer, Recognizer};
use crate::error::{Error, Result};

/// The smallest memory budget tantivy accepts per writer thread.
const MIN_MEMORY_PER_THREAD: usize = 15_000_000;
/// The largest memory budget tantivy accepts per writer thread (below 4 GB less 1 MB).
const MAX_MEMORY_PER_THREAD: usize = (u32::MAX as usize) - 1_000_001;
/// Warnings kept in a run summary; the count of skipped inputs is always exact.
const MAX_SUMMARY_WARNINGS: usize = 1000;

type Writer = RwLock<IndexWriter<TantivyDocument>>;

/// One run's inputs and settings.
pub(super) struct Job<'a> {
    pub dir: &'a IndexDir,
    pub options: &'a BuildOptions,
    pub inputs: &'a corpus::Inputs,
    pub started: Instant,
    /// Updating the live index in place: commit at checkpoints, and on cancel.
    pub live: bool,
    /// Writing a new index: every article read is written, unchanged ones too.
    pub fresh: bool,
    /// The origins whose articles this run may replace.
    pub replaceable: Scope,
    /// The origin of standard input's articles, when the run reads it.
    pub stdin_origin: Option<String>,
    /// Recorded roots that are no longer there: a root given in their place that holds the
    /// same articles at the same places is taken as where they moved.
    pub gone: Vec<String>,
    /// The roots to record with each commit.
    pub roots: Roots,
    /// The roots a pruning update records until it completes (its checkpoints, and its commit
    /// when interrupted): the recorded ones with its own, since the articles of the others stay
    /// until the run removes them. [`Job::roots`] otherwise.
    pub unpruned: Roots,
    /// The unfinished roots the index records (see [`Payload::unfinished`]).
    pub unfinished: Vec<String>,
}

/// An article on its way to a worker.
struct Work {
    article: Article,
    hash: u64,
    origin: Arc<str>,
    /// Delete the article's old passages first.
    replace: bool,
}

/// What the workers report to the reading thread.
#[derive(Default)]
struct Shared {
    passages: AtomicU64,
    mentions: AtomicU64,
    /// Articles the workers are done with (written, or passed by after a failure).
    done: AtomicU64,
    failed: AtomicBool,
    failure: Mutex<Option<Error>>,
}

impl Shared {
    fn fail(&self, e: Error) {
        self.failure.lock().expect("failure lock").get_or_insert(e);
        self.failed.store(true, Ordering::Relaxed);
    }

    fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }
}

impl Job<'_> {
    /// How the run was asked for, to record with a commit of `run` while it has not finished:
    /// what finishing it means (see [`super::roots::Resume`]).
    fn resume_after(&self, run: &RunSummary) -> Option<super::roots::Resume> {
        if run.complete || self.fresh {
            return None;
        }
        let paths = (self.options.roots.iter())
            .filter(|p| p.as_os_str() != "-")
            .map(|p| {
                let absolute = std::fs::canonicalize(p)
                    .or_else(|_| std::path::absolute(p))
                    .unwrap_or_else(|_| p.clone());
                corpus::path_key(&absolute)
            })
            .collect();
        Some(super::roots::Resume {
            paths,
            prune: self.options.prune,
            stdin: self
                .stdin_origin
                .as_ref()
                .map(|_| self.options.stdin_name.clone().unwrap_or_default()),
        })
    }

    /// The unfinished roots to record with a commit of `run`: a run that has not finished
    /// adds its own roots; a finished one clears those it read.
    fn unfinished_after(&self, run: &RunSummary) -> Vec<String> {
        let mut left: Vec<String> = match run.complete {
            true => (self.unfinished.iter())
                .filter(|u| !self.replaceable.contains(u))
                .cloned()
                .collect(),
            // The roots the run read (with `--prune` or in a rebuild it answers for
            // everything, and still records them).
            false => (self.unfinished.iter())
                .chain(&self.inputs.roots)
                .chain(&self.stdin_origin)
                .cloned()
                .collect(),
        };
        left.sort();
        left.dedup();
        left
    }

    /// Reads every input, writes what changed into `index` (nothing when `None`), removes what
    /// is gone, and commits.
    pub fn run(
        &self,
        index: Option<&Index>,
        catalog: &mut Catalog,
        summary: &mut RunSummary,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        let (_, fields) = schema::build();
        let threads = self.options.threads.max(1);
        let (writer, merges) = match index {
            Some(index) => {
                let (writer, merges) = self.writer(index)?;
                (Some(writer), merges)
            }
            None => (None, None),
        };
        let writer = writer.map(RwLock::new);
        summary.files = self.inputs.files.len();
        summary.ignored_files = self.inputs.ignored;
        let shared = Shared::default();
        let (sender, receiver) = mpsc::sync_channel::<Work>(threads * 16);
        let receiver = Mutex::new(receiver);
        let first_interval = match catalog.is_empty() && self.live {
            // A first build becomes searchable within seconds.
            true => FIRST_CHECKPOINT.min(self.options.checkpoint_interval),
            false => self.options.checkpoint_interval,
        };
        let mut reader = Reader {
            job: self,
            counts: Counts::default(),
            summary,
            unreadable: self.inputs.unreadable.clone(),
            catalog,
            gone: self.gone.clone(),
            not_moved: HashSet::new(),
            roots: self.roots.clone(),
            foreign: HashMap::new(),
            stdin_articles: 0,
            first_seen: HashMap::new(),
            held: Vec::new(),
            article_files: (self.inputs.files.iter())
                .filter(|input| input.format == corpus::Format::Text && !input.stdin)
                .map(|input| (input.origin.clone(), input.relative.clone()))
                .collect(),
            line_files: (self.inputs.files.iter().enumerate())
                .filter(|(_, input)| input.format == corpus::Format::JsonLines && !input.stdin)
                .map(|(i, input)| (input.origin.clone(), i))
                .collect(),
            deferred: Vec::new(),
            moving: Vec::new(),
            settling: false,
            checkpoint: Checkpoint::now(0, 0, first_interval),
            writer: writer.as_ref(),
            sender: Some(sender),
            shared: &shared,
            progress,
            file_failed: false,
            file_articles: 0,
            empty_files: Vec::new(),
            sent: 0,
            stop: Arc::new(AtomicBool::new(false)),
        };
        let cancelled = std::thread::scope(|s| {
            if let Some(writer) = &writer {
                for _ in 0..threads {
                    s.spawn(|| self.work(&fields, writer, &receiver, &shared));
                }
            }
            let cancelled = reader.read_all();
            reader.sender = None; // the workers finish the queue and stop
            cancelled
        });
        let (mut counts, unreadable) = (reader.counts, reader.unreadable);
        let (roots, foreign, stdin_articles) =
            (reader.roots, reader.foreign, reader.stdin_articles);
        if let Some(e) = shared.failure.into_inner().expect("failure lock") {
            return Err(self.write_error(root_cause(e, writer, self.dir.path())));
        }
        counts.passages = shared.passages.into_inner();
        counts.entities = shared.mentions.into_inner();
        progress.advance(&counts);
        report_foreign(foreign, summary, progress);
        if !cancelled {
            let mut unreadable = Scope::roots(unreadable);
            if let Some(origin) = &self.stdin_origin
                && stdin_articles == 0
            {
                // An empty standard input (a failed `zcat`, say) removes nothing.
                unreadable.add(origin.clone());
            }
            let scope = self.scope();
            // An article the planning pass read for another shard, in a file this shard does
            // not read, leaves it as one read here would.
            if let Some(filter) = &self.options.shard {
                catalog.leave_where(&self.replaceable, |id| filter.read_for_another(id));
            }
            // A shard of a set read by a planning pass: what the whole run read counts.
            let run_read = match self.options.shard.as_ref().and_then(|s| s.run_articles) {
                Some(planned) => planned.max(counts.articles),
                None => counts.articles,
            };
            let (removed, kept) = match self.options.prune && run_read == 0 {
                // Pruning to an input that yielded nothing would empty the index.
                true if !catalog.is_empty() => {
                    let warning = Warning {
                        path: self.dir.path().to_path_buf(),
                        line: None,
                        message: "--prune read no article, so it removed nothing: an input \
                                  that yields none (a failed `zcat`, say) never empties the index"
                            .into(),
                    };
                    tell(summary, progress, &warning);
                    (Vec::new(), catalog.len() as u64)
                }
                _ => catalog.unseen(&scope, &unreadable),
            };
            // A rebuild writes only what it read: the articles of a file it could not read
            // this time (unreadable, or with a bad line) would be gone from the new index.
            let (removed, kept) = match (self.fresh, kept) {
                (_, 0) => (removed, kept),
                (true, _) if self.options.prune => {
                    let mut removed = removed;
                    removed.extend(catalog.unseen_ids_in(&unreadable));
                    removed.sort_unstable();
                    (removed, 0)
                }
                (true, _) => {
                    let lost = catalog.unseen_in(&unreadable);
                    return Err(Error::Invalid(unread_in_rebuild(
                        self.dir,
                        summary.rebuilt_because.as_deref(),
                        &lost,
                    )));
                }
                (false, _) => (removed, kept),
            };
            summary.kept = kept;
            summary.removed = removed.len() as u64;
            for id in &removed {
                progress.change(Change::Remove, id);
            }
            if let Some(writer) = &writer
                && !self.fresh
            {
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
            // An interrupted rebuild is abandoned: its folder is removed, the old index stays.
            if !(cancelled && self.fresh) {
                let unfinished = self.unfinished_after(summary);
                let resume = self.resume_after(summary);
                let roots = match cancelled && self.options.prune {
                    true => &self.unpruned,
                    false => &roots,
                };
                commit(&mut writer, summary, roots, unfinished, resume)
                    .map_err(|e| self.write_error(e))?;
                if let Some(merges) = merges.filter(|_| !cancelled) {
                    merge_at_end(&mut writer, &merges);
                }
            }
            writer
                .wait_merging_threads()
                .map_err(|e| self.write_error(e.into()))?;
            // The summary returned counts the final commit and merges too (the one stored as
            // the commit's payload could not).
            self.finish_summary(summary, &counts);
        }
        Ok(())
    }

    /// The origins whose unseen articles this run removes: its roots and a named standard
    /// input's scope, or everything with `prune` or in a rebuild.
    fn scope(&self) -> Scope {
        if self.options.prune || self.fresh {
            return Scope::everything();
        }
        let mut scope = Scope::roots(self.inputs.roots.iter().cloned());
        if let Some(origin) = &self.stdin_origin
            && self.options.stdin_name.is_some()
        {
            scope.add(origin.clone());
        }
        scope
    }

    /// A worker: analyses articles from `queue` until it closes.
    fn work(
        &self,
        fields: &Fields,
        writer: &Writer,
        queue: &Mutex<Receiver<Work>>,
        shared: &Shared,
    ) {
        let recognizer = self
            .options
            .entities
            .then(|| Recognizer::new(Gazetteer::builtin()));
        let mut builder = DocumentBuilder::new(recognizer);
        loop {
            let next = queue.lock().expect("queue lock").recv();
            let Ok(work) = next else { return };
            if shared.failed() {
                shared.done.fetch_add(1, Ordering::Release);
                continue; // keep draining so the reader never blocks
            }
            let docs = builder.article(fields, &work.article, work.hash, &work.origin);
            let passages = docs.len() as u64;
            // Under the read lock, no commit can split the article.
            let writer = writer.read().expect("writer lock");
            if work.replace {
                writer.delete_term(Term::from_field_text(fields.article_id, &work.article.id));
            }
            for doc in docs {
                if let Err(e) = writer.add_document(doc) {
                    shared.fail(e.into());
                    break;
                }
            }
            shared.passages.fetch_add(passages, Ordering::Relaxed);
            shared
                .mentions
                .fetch_add(builder.mentions(), Ordering::Relaxed);
            shared.done.fetch_add(1, Ordering::Release);
        }
    }

    /// The run's writer and, for an update, the merges to run after its last commit (see
    /// [`merge_at_end`]): the segments the index holds now are the ones to verify before a
    /// merge takes them; those the run writes are taken as written.
    fn writer(
        &self,
        index: &Index,
    ) -> Result<(
        IndexWriter<TantivyDocument>,
        Option<super::verify::CheckedMerges>,
    )> {
        let writer_threads = self
            .options
            .threads
            .clamp(1, 8)
            .min(self.options.memory_bytes / MIN_MEMORY_PER_THREAD)
            .max(1);
        // Within tantivy's bounds per thread, whatever a library caller asks for.
        let memory = self.options.memory_bytes.clamp(
            writer_threads * MIN_MEMORY_PER_THREAD,
            writer_threads * MAX_MEMORY_PER_THREAD,
        );
        let writer = index
            .writer_with_num_threads(writer_threads, memory)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => Error::Locked {
                    path: self.dir.path().to_path_buf(),
                    pid: None,
                },
                e => e.into(),
            })?;
        // An update merges after its last commit, not while it deletes (see `merge_at_end`);
        // a rebuild deletes nothing and merges as it goes.
        let merges =
            super::verify::CheckedMerges::new(index).map_err(|e| self.write_error(e.into()))?;
        let merges = match self.fresh {
            true => {
                writer.set_merge_policy(Box::new(merges));
                None
            }
            false => {
                writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
                Some(merges)
            }
        };
        // Files no commit references (a failed or killed run's) go first: they may fill the disk.
        writer
            .garbage_collect_files()
            .wait()
            .map_err(|e| self.write_error(e.into()))?;
        Ok((writer, merges))
    }

    /// A failure to write the index (disk full, permission denied…), naming the index and what
    /// is left of it.
    fn write_error(&self, e: Error) -> Error {
        let why = match e {
            Error::Tantivy(e) => crate::error::write_reason(&e),
            other => return other,
        };
        Error::Write {
            path: self.dir.path().to_path_buf(),
            why,
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

/// The reading thread: parses the inputs in order, compares each article with the catalog,
/// queues what must be written, and commits at checkpoints.
struct Reader<'r> {
    job: &'r Job<'r>,
    counts: Counts,
    summary: &'r mut RunSummary,
    /// Origins that could not be wholly read: their unseen articles are kept.
    unreadable: Vec<String>,
    catalog: &'r mut Catalog,
    /// Recorded roots no longer there, not yet found elsewhere.
    gone: Vec<String>,
    /// Moves ruled out (gone root, candidate new place): the new place lacks some of the files
    /// indexed from the gone root.
    not_moved: HashSet<(String, String)>,
    /// The roots to record, with the moves found so far.
    roots: Roots,
    /// Articles skipped because they are indexed from outside the paths given, by where they
    /// are indexed from: how many, and the first one's warning.
    foreign: HashMap<String, (u64, Warning)>,
    /// Articles read from standard input.
    stdin_articles: u64,
    /// Where each id of this run was first read: input index and line.
    first_seen: HashMap<String, (usize, usize)>,
    /// Where the articles skipped as indexed from a gone root were indexed from.
    held: Vec<String>,
    /// The origins of this run's article files (one article each, whose id is its path), with
    /// the id each gives this time: an id indexed from one of them that still gives it is read
    /// from there again in this run.
    article_files: HashMap<String, String>,
    /// The origins of this run's JSON Lines files, with their place in the reading order.
    line_files: HashMap<String, usize>,
    /// Articles read before the JSON Lines file their id is indexed from, which this run reads
    /// later: whether that file still holds the id is known only once it is read, so they wait
    /// until reading ends (see [`Reader::settle_deferred`]). Input index, line, article.
    deferred: Vec<(usize, usize, Article)>,
    /// Articles indexed from a gone root that may yet be found moved to where they were read:
    /// input index, line, article (see `admit`).
    moving: Vec<(usize, usize, Article)>,
    /// Set once reading ends and the deferred articles are settled: none waits again.
    settling: bool,
    checkpoint: Checkpoint,
    writer: Option<&'r Writer>,
    /// Closed (set to `None`) when reading ends.
    sender: Option<SyncSender<Work>>,
    shared: &'r Shared,
    progress: &'r mut dyn Progress,
    /// Whether the current input had a bad line or could not be read.
    file_failed: bool,
    /// Articles the current input has given so far.
    file_articles: u64,
    /// Files read whole that gave no article.
    empty_files: Vec<corpus::Input>,
    /// Articles queued for the workers.
    sent: u64,
    /// Set when the run is cancelled: reading stops at once, mid-file.
    stop: Arc<AtomicBool>,
}

impl Reader<'_> {
    /// Reads every input; true when the progress callback cancelled the run.
    fn read_all(&mut self) -> bool {
        let inputs = self.job.inputs;
        self.progress
            .start(inputs.files.len(), inputs.total_bytes());
        for warning in &inputs.warnings {
            self.warn(warning);
        }
        let consumed = Arc::new(AtomicU64::new(0));
        let mut read_before = 0;
        // A shard reads the files its index holds articles from, whatever the plan found in
        // them now: an emptied file's articles are kept as in one index, not removed unseen.
        let held: HashSet<String> = match self.job.options.shard {
            Some(_) => self.catalog.origin_names().map(str::to_owned).collect(),
            None => HashSet::new(),
        };
        for (file_index, input) in inputs.files.iter().enumerate() {
            if self.cancelled() {
                return true;
            }
            if let Some(shard) = &self.job.options.shard
                && !shard.reads(&input.path)
                && !held.contains(&input.origin)
            {
                // A planning pass found none of the shard's articles there.
                continue;
            }
            self.progress.file(input);
            self.file_failed = false;
            self.file_articles = 0;
            let origin: Arc<str> = Arc::from(input.origin.as_str());
            let stop = self.stop.clone();
            let mut sink = |record: Record| {
                self.counts.bytes = read_before + consumed.load(Ordering::Relaxed);
                self.record(file_index, input, &origin, record);
            };
            let read = corpus::read_until(input, consumed.clone(), stop, &mut sink);
            if self.stop.load(Ordering::Relaxed) {
                return true;
            }
            if let Err(e) = read {
                self.file_failed = true;
                self.warn(&input.warning_whole(error_message(&e)));
            } else if self.file_articles == 0 && !self.file_failed && !input.stdin {
                // Decided once reading ends: a corpus found moved takes its articles from
                // their old place then, whichever file is read first.
                self.empty_files.push(input.clone());
            }
            if self.file_failed {
                self.unreadable.push(input.origin.clone());
            }
            read_before += consumed.swap(0, Ordering::Relaxed);
            self.counts.bytes = read_before;
            self.counts.passages = self.shared.passages.load(Ordering::Relaxed);
            self.progress.advance(&self.counts);
            if self.shared.failed() {
                return false;
            }
        }
        for input in std::mem::take(&mut self.empty_files) {
            self.no_article_in(&input);
        }
        if !self.cancelled() {
            self.settle_deferred();
        }
        self.cancelled()
    }

    /// The deferred articles, once every file is read: one whose id the file it is indexed
    /// from still holds is a duplicate, reported at its own line; any other moved to the file
    /// it was read from, and is recorded as read there.
    fn settle_deferred(&mut self) {
        // Every file is read: nothing waits any more.
        self.line_files.clear();
        self.settling = true;
        for (file_index, line, article) in std::mem::take(&mut self.moving) {
            let input = &self.job.inputs.files[file_index];
            let origin: Arc<str> = Arc::from(input.origin.as_str());
            self.admit(file_index, input, &origin, article, line);
        }
        for (file_index, line, article) in std::mem::take(&mut self.deferred) {
            let input = &self.job.inputs.files[file_index];
            if let Some(&(first_file, first_line)) = self.first_seen.get(&article.id) {
                let message = format!(
                    "duplicate article id '{}' (indexed from {}: line {first_line}, which this run \
                     reads too), skipped",
                    article.id,
                    corpus::shown(&self.job.inputs.files[first_file].path)
                );
                self.warn(&input.warning(line, message));
                continue;
            }
            let origin: Arc<str> = Arc::from(input.origin.as_str());
            self.record(file_index, input, &origin, Record::Article(article, line));
        }
    }

    /// Whether the run was cancelled; once it was, reading stops.
    fn cancelled(&mut self) -> bool {
        if !self.stop.load(Ordering::Relaxed) && self.progress.cancelled() {
            self.stop.store(true, Ordering::Relaxed);
        }
        self.stop.load(Ordering::Relaxed)
    }

    fn record(&mut self, file_index: usize, input: &Input, origin: &Arc<str>, record: Record) {
        if self.cancelled() {
            return;
        }
        self.counts.passages = self.shared.passages.load(Ordering::Relaxed);
        self.counts.entities = self.shared.mentions.load(Ordering::Relaxed);
        // An article whose values an index cannot keep is a bad record like any other.
        let record = match record {
            Record::Article(article, line) => match super::document::unindexable(&article) {
                Some(why) => Record::Warning(input.warning(line, why)),
                None => Record::Article(article, line),
            },
            warning => warning,
        };
        let (article, line) = match record {
            Record::Article(article, line) => {
                self.file_articles += 1;
                (article, line)
            }
            Record::Warning(warning) => {
                self.file_failed = true;
                self.warn(&warning);
                return;
            }
        };
        // A shard's build reads the articles of the others to find duplicates as one index
        // would, and skips them silently.
        let other_shard = (self.job.options.shard.as_ref()).is_some_and(|f| !f.holds(&article));
        // Of two files of this run with one id, the one the article is indexed from keeps it,
        // whichever is read first: another root's file of the same name does not replace it.
        if !other_shard
            && !self.first_seen.contains_key(&article.id)
            && let Some(indexed) = self.catalog.origin_of(&article.id)
            && indexed != &**origin
        {
            if self.article_files.get(indexed) == Some(&article.id) {
                let message = format!(
                    "duplicate article id '{}' (indexed from {}, which this run reads too), \
                     skipped",
                    article.id,
                    corpus::shown(&corpus::path_of_key(indexed))
                );
                self.warn(&input.warning(line, message));
                return;
            }
            // A JSON Lines file read later in this run: the article waits until it is known
            // whether that file still holds the id.
            if (self.line_files.get(indexed)).is_some_and(|&later| later > file_index) {
                self.deferred.push((file_index, line, article));
                return;
            }
        }
        if let Some(&(first_file, first_line)) = self.first_seen.get(&article.id) {
            if other_shard {
                return;
            }
            let message = format!(
                "duplicate article id '{}' (first seen at {}: line {first_line}), skipped",
                article.id,
                corpus::shown(&self.job.inputs.files[first_file].path)
            );
            self.warn(&input.warning(line, message));
            return;
        }
        self.first_seen
            .insert(article.id.clone(), (file_index, line));
        if other_shard {
            self.summary.other_shards += 1;
            (self.catalog).leaves(&article.id, origin, &self.job.replaceable);
            return;
        }
        if input.stdin {
            self.stdin_articles += 1;
        }
        self.admit(file_index, input, origin, article, line);
    }

    /// Compares a first-seen article with the catalog and queues what must be written.
    fn admit(
        &mut self,
        file_index: usize,
        input: &Input,
        origin: &Arc<str>,
        article: Article,
        line: usize,
    ) {
        let hash = content_hash(&article);
        self.find_move(&article.id, hash, input, origin);
        let (status, elsewhere) =
            self.catalog
                .check(&article.id, hash, origin, &self.job.replaceable);
        let change = match status {
            Status::Unchanged => None,
            Status::New => Some(Change::Add),
            Status::Changed => Some(Change::Change),
            Status::Foreign => {
                // An article of a gone root that may yet be found moved here (by a later
                // article that reads as it was indexed): it waits until reading ends, and is
                // then read as changed at the new place, or skipped here if the root did not
                // move (see `settle_deferred`).
                let from_gone = self.gone.iter().any(|g| within(elsewhere, g));
                if from_gone && !self.settling {
                    self.moving.push((file_index, line, article));
                    return;
                }
                // Kept as it was, not removed as unseen.
                if from_gone {
                    self.held.push(elsewhere.to_owned());
                }
                let root = self
                    .roots
                    .holding(elsewhere)
                    .unwrap_or(elsewhere)
                    .to_owned();
                let message = format!(
                    "article id '{}' is already indexed from {}; skipped ({})",
                    article.id,
                    foreign_place(elsewhere),
                    foreign_fix(elsewhere, "it")
                );
                let warning = input.warning(line, message);
                let first = self.foreign.entry(root).or_insert((0, warning));
                first.0 += 1;
                match first.0 {
                    1 => {
                        let warning = first.1.clone();
                        self.warn(&warning);
                    }
                    // Told once for all at the end.
                    _ => self.counts.skipped += 1,
                }
                return;
            }
        };
        self.counts.articles += 1;
        match change {
            None => self.summary.unchanged += 1,
            Some(Change::Add) => self.summary.added += 1,
            Some(_) => self.summary.changed += 1,
        }
        if let Some(change) = change {
            self.progress.change(change, &article.id);
        }
        if change.is_some() || self.job.fresh {
            self.counts.written += 1;
            if let Some(sender) = &self.sender
                && self.writer.is_some()
            {
                let work = Work {
                    article,
                    hash,
                    origin: origin.clone(),
                    replace: change == Some(Change::Change) && !self.job.fresh,
                };
                if sender.send(work).is_ok() {
                    self.sent += 1;
                }
            }
        }
        self.progress.advance(&self.counts);
        self.checkpoint_if_due();
    }

    /// When the article `id`, read from `origin`, is indexed from under a recorded root that is
    /// no longer there, at the same place relative to it as `origin` is to its own root, and
    /// every file indexed from that root is at its place under `origin`'s root, and the article
    /// reads as it was indexed (`hash`), that root moved: its articles are taken as read from
    /// the new place from now on. Names are no proof: a folder that lacks some of the gone
    /// root's files is not its new place, nor is another corpus whose files have the same
    /// names (another agency's `01.txt`, another export's ids `1`, `2`); the gone root keeps
    /// its articles, and the new folder's articles of the same ids are reported as indexed
    /// from elsewhere.
    fn find_move(&mut self, id: &str, hash: u64, input: &Input, origin: &str) {
        if self.gone.is_empty() || input.stdin {
            return;
        }
        let Some(indexed) = self.catalog.origin_of(id) else {
            return;
        };
        if indexed == origin || self.catalog.hash_of(id) != Some(hash) {
            return;
        }
        let Some(from) = self.gone.iter().find(|g| within(indexed, g)).cloned() else {
            return;
        };
        let (old_place, new_place) = (&indexed[from.len()..], origin.get(input.anchor.len()..));
        if !within(origin, &input.anchor) || new_place != Some(old_place) {
            return;
        }
        let to = input.anchor.clone();
        let pair = (from, to);
        if self.not_moved.contains(&pair) {
            return;
        }
        let (from, to) = pair;
        let all_there = self.catalog.origins_within(&from).all(|o| {
            moved_origin(o, &from, &to).is_some_and(|p| corpus::path_of_key(&p).is_file())
        });
        if !all_there {
            self.not_moved.insert((from, to));
            return;
        }
        self.catalog.relocate(&from, &to);
        // Articles of the moved root skipped before the move was found (their text had
        // changed) are kept as they were; the next run reads them at the new place.
        for held in self.held.iter().filter(|h| within(h, &from)) {
            if let Some(origin) = moved_origin(held, &from, &to) {
                self.unreadable.push(origin);
            }
        }
        self.roots.relocate(&from, &to);
        self.gone.retain(|g| *g != from);
        self.summary.moved.push(super::roots::Moved { from, to });
    }

    /// A file read whole that gave no article: an emptied file (a failed `curl -o`, a
    /// truncated copy) is far more often a mistake than a wish to delete what it held, so the
    /// articles the index holds from it are kept, as for a file that could not be read, and a
    /// rebuild refuses to drop them; `--prune` drops them. A new empty file is only reported.
    fn no_article_in(&mut self, input: &corpus::Input) {
        let what = if input.size == 0 {
            "the file is empty"
        } else {
            "no line holds an article"
        };
        let held = self.catalog.origins_within(&input.origin).next().is_some();
        let message = match held {
            true if self.job.fresh && self.job.options.prune => format!(
                "holds no article now ({what}): the articles indexed from it are dropped \
                 (--prune)"
            ),
            true => {
                self.unreadable.push(input.origin.clone());
                format!(
                    "holds no article now ({what}): the articles indexed from it are kept \
                     (delete the file, or rebuild with `--full --prune`, to drop them)"
                )
            }
            false => format!("holds no article ({what})"),
        };
        self.warn(&input.warning_whole(message));
    }

    /// Commits what the workers have written, when a checkpoint is due in a live update.
    fn checkpoint_if_due(&mut self) {
        let Some(writer) = self.writer else { return };
        if !self.job.live
            || !self
                .checkpoint
                .due(self.job.options, self.counts.bytes, self.counts.articles)
        {
            return;
        }
        // The run recorded with the commit counts every article read so far: the workers
        // write those still queued first, so that the commit holds what its record says.
        while self.shared.done.load(Ordering::Acquire) < self.sent && !self.shared.failed() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        self.counts.passages = self.shared.passages.load(Ordering::Relaxed);
        self.counts.entities = self.shared.mentions.load(Ordering::Relaxed);
        let mut run = self.summary.clone();
        self.job.finish_summary(&mut run, &self.counts);
        let unfinished = self.job.unfinished_after(&run);
        let resume = self.job.resume_after(&run);
        let roots = match self.job.options.prune {
            true => &self.job.unpruned,
            false => &self.roots,
        };
        match commit(
            &mut writer.write().expect("writer lock"),
            &run,
            roots,
            unfinished,
            resume,
        ) {
            Ok(()) => {
                self.checkpoint = Checkpoint::now(
                    self.counts.bytes,
                    self.counts.articles,
                    self.job.options.checkpoint_interval,
                );
                self.progress.checkpoint(&self.counts);
            }
            Err(e) => self.shared.fail(e),
        }
    }

    fn warn(&mut self, warning: &Warning) {
        self.counts.skipped += 1;
        tell(self.summary, self.progress, warning);
    }
}

/// The refusal of a rebuild that would drop the articles of files it could not read this time.
fn unread_in_rebuild(dir: &IndexDir, because: Option<&str>, lost: &[(String, u64)]) -> String {
    super::build::rebuild_would_drop(
        dir,
        because,
        lost,
        |origin| corpus::shown(&super::build::shown(origin)),
        "of files it could not read this time",
        "the old index is kept: fix them (the warnings above say what is wrong) and run again, \
         or pass --prune to rebuild without them",
    )
}

/// Keeps a warning in the run summary (the first [`MAX_SUMMARY_WARNINGS`]) and reports it.
fn tell(summary: &mut RunSummary, progress: &mut dyn Progress, warning: &Warning) {
    if summary.warnings.len() < MAX_SUMMARY_WARNINGS {
        summary.warnings.push(warning.to_string());
    }
    progress.warning(warning);
}

/// Where articles skipped as indexed elsewhere are indexed from: a path outside the paths
/// given, or standard input under its name.
fn foreign_place(origin: &str) -> String {
    match stdin_name(origin) {
        Some(None) => "standard input piped without --stdin-name".into(),
        Some(Some(name)) => format!("standard input piped with --stdin-name {name}"),
        None => format!("{origin}, outside the paths given"),
    }
}

/// How a run takes over articles indexed from `origin`: without `--prune` when it can, and
/// `--prune` as what it is, a run that removes the articles of every path not given (the other
/// folders and piped articles the index holds too).
fn foreign_fix(origin: &str, them: &str) -> String {
    let prune = format!(
        "or let this run replace {them} with --prune, giving every path the index should keep: \
         --prune removes the articles of the paths not given"
    );
    match stdin_name(origin) {
        Some(None) => format!("pipe {them} without --stdin-name, {prune}"),
        Some(Some(name)) => format!("pipe {them} with --stdin-name {name}, {prune}"),
        None if std::path::Path::new(origin).exists() => format!("index both together, {prune}"),
        None => format!(
            "that file is gone: let this run replace {them} with --prune, giving every \
             path the index should keep, as --prune removes the articles of the paths not given"
        ),
    }
}

/// For an origin of standard input, its `--stdin-name` (`Some(None)` when it had none);
/// `None` for a path.
fn stdin_name(origin: &str) -> Option<Option<String>> {
    if origin == corpus::STDIN {
        return Some(None);
    }
    let name = origin.strip_prefix("<stdin:")?.strip_suffix('>')?;
    Some(Some(crate::error::printable(name).into_owned()))
}

/// One warning for the articles skipped as indexed from outside the paths given beyond the
/// first of each place (whose own warning was given as it was read).
fn report_foreign(
    foreign: HashMap<String, (u64, Warning)>,
    summary: &mut RunSummary,
    progress: &mut dyn Progress,
) {
    let mut foreign: Vec<(String, (u64, Warning))> = foreign.into_iter().collect();
    foreign.sort_by(|a, b| a.0.cmp(&b.0));
    for (root, (n, first)) in foreign.into_iter().filter(|(_, (n, _))| *n > 1) {
        let warning = Warning {
            path: first.path,
            line: None,
            message: format!(
                "{} more articles of this run, in this file or others, are already indexed \
                 from {}; skipped ({})",
                n - 1,
                foreign_place(&root),
                foreign_fix(&root, "them")
            ),
        };
        tell(summary, progress, &warning);
    }
}

/// The first checkpoint of a first build comes this soon, so that searches see articles.
const FIRST_CHECKPOINT: Duration = Duration::from_secs(2);

/// When the last checkpoint was, and when the next is due.
struct Checkpoint {
    bytes: u64,
    articles: u64,
    at: Instant,
    interval: Duration,
}

impl Checkpoint {
    fn now(bytes: u64, articles: u64, interval: Duration) -> Checkpoint {
        Checkpoint {
            bytes,
            articles,
            at: Instant::now(),
            interval,
        }
    }

    fn due(&self, options: &BuildOptions, bytes: u64, articles: u64) -> bool {
        bytes - self.bytes >= options.checkpoint_bytes
            || options
                .checkpoint_articles
                .is_some_and(|n| articles - self.articles >= n)
            || self.at.elapsed() >= self.interval
    }
}

/// The error behind `e`. When one of tantivy's threads died (disk full, say), adding a document
/// only says that the writer was killed. Preparing a commit joins the indexing threads and
/// returns what killed one of them (the prepared commit, if any, is aborted: nothing
/// half-written is committed); a merge thread's failure is not reported there, so a probe write
/// into the index folder names the cause when the disk is full or not writable.
fn root_cause(e: Error, writer: Option<Writer>, folder: &Path) -> Error {
    let killed = |e: &Error| matches!(e, Error::Tantivy(tantivy::TantivyError::ErrorInThread(_)));
    if !killed(&e) {
        return e;
    }
    let e = match writer.map(|w| w.into_inner().expect("writer lock")) {
        Some(mut writer) => match writer.prepare_commit() {
            Err(cause) => cause.into(),
            Ok(prepared) => {
                let _ = prepared.abort();
                e
            }
        },
        None => e,
    };
    if !killed(&e) {
        return e;
    }
    probe_write(folder).map_or(e, |io| Error::Tantivy(io.into()))
}

/// Writes and removes a few megabytes in `folder`: the I/O error, if the disk is full or the
/// folder not writable.
fn probe_write(folder: &Path) -> Option<std::io::Error> {
    use std::io::Write;
    let path = folder.join(format!(".probe-{}", std::process::id()));
    let result = std::fs::File::create(&path).and_then(|mut file| {
        let block = vec![0_u8; 1 << 16];
        (0..64).try_for_each(|_| file.write_all(&block))?;
        file.sync_all()
    });
    let _ = std::fs::remove_file(&path);
    result.err()
}

/// Commits with the run summary, the roots, the unfinished roots and how to finish the run as
/// payload.
fn commit(
    writer: &mut IndexWriter<TantivyDocument>,
    run: &RunSummary,
    roots: &Roots,
    unfinished: Vec<String>,
    resume: Option<super::roots::Resume>,
) -> Result<()> {
    let payload = Payload {
        run: run.clone(),
        corpus_roots: Some(roots.clone()),
        unfinished,
        resume,
    };
    let payload = serde_json::to_string(&payload).expect("summary serializes");
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

/// The merges an update's segments call for, run after its last commit. Merged while the run
/// still deleted replaced articles, tantivy could keep a merged segment's copy of an article
/// the run had deleted: an update resumed after `kill -9` stored 77 passages of one speech
/// twice, for good (the resumed run's deletes met merges of segments whose deletes were
/// older than the last commit). After the last commit nothing deletes, and the merges are
/// those `merges` would have run (less damaged segments, see
/// [`super::verify::CheckedMerges`]). A merge that fails (a full disk) leaves the index as
/// committed, as a background merge's failure did.
fn merge_at_end(writer: &mut IndexWriter<TantivyDocument>, merges: &super::verify::CheckedMerges) {
    use tantivy::indexer::MergePolicy;
    let Ok(metas) = writer.index().searchable_segment_metas() else {
        return;
    };
    for candidate in merges.compute_merge_candidates(&metas) {
        let _ = writer.merge(&candidate.0).wait();
    }
}
