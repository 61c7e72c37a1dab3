//! Building an index from corpus roots.
//!
//! The calling thread walks and parses the corpus (cheap, sequential, so warnings come out in
//! file order); worker threads split articles into passages, analyse them and hand documents to
//! tantivy's writer, whose own threads build the segments. The library never prints: the caller
//! follows the run through [`Progress`] and may cancel it there.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexWriter, TantivyDocument};

use super::document::DocumentBuilder;
use super::{IndexDir, Manifest, register_tokenizer, schema};
use crate::corpus::{self, Article, Input, Record, Warning};
use crate::entities::{Gazetteer, Recognizer};
use crate::error::{Error, Result};

/// The smallest memory budget tantivy accepts per writer thread.
const MIN_MEMORY_PER_THREAD: usize = 15_000_000;

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Files and folders to index.
    pub roots: Vec<PathBuf>,
    /// Threads for parsing and analysis.
    pub threads: usize,
    /// Memory budget of tantivy's writer, in bytes, across its threads.
    pub memory_bytes: usize,
    /// Recognise entities (on by default; off only to measure its cost).
    pub entities: bool,
}

impl BuildOptions {
    /// A run over `roots` with entities, all cores and 512 MB.
    pub fn new(roots: Vec<PathBuf>) -> BuildOptions {
        BuildOptions {
            roots,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_bytes: 512 << 20,
            entities: true,
        }
    }
}

/// What an indexing run did; also kept in the index for `attache stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The roots given.
    pub roots: Vec<String>,
    /// Files read.
    pub files: usize,
    /// Files ignored because attache does not read their type.
    pub ignored_files: usize,
    /// Articles indexed.
    pub articles: u64,
    /// Passages indexed.
    pub passages: u64,
    /// Bad files and lines skipped.
    pub skipped: u64,
    /// Bytes of corpus read.
    pub bytes: u64,
    /// Wall time.
    pub seconds: f64,
}

/// Running totals, for progress display.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Bytes of corpus read so far.
    pub bytes: u64,
    /// Articles read so far.
    pub articles: u64,
    /// Passages indexed so far.
    pub passages: u64,
    /// Bad inputs skipped so far.
    pub skipped: u64,
}

/// Follows an indexing run. Every method has a do-nothing default.
pub trait Progress {
    /// The corpus was walked: this many files and bytes will be read.
    fn start(&mut self, _files: usize, _bytes: u64) {}
    /// A file is about to be read.
    fn file(&mut self, _input: &Input) {}
    /// Totals moved on.
    fn advance(&mut self, _counts: &Counts) {}
    /// A bad file or line was skipped.
    fn warning(&mut self, _warning: &Warning) {}
    /// Asked between articles; returning true abandons the run, leaving the old index live.
    fn cancelled(&mut self) -> bool {
        false
    }
}

/// A [`Progress`] that ignores everything.
pub struct Silent;
impl Progress for Silent {}

/// Builds a fresh index from `options.roots` and makes it the live generation of `dir`.
///
/// # Errors
/// When a root does not exist, the index cannot be written, or the run is cancelled; in every
/// case the previously live index is left as it was.
pub fn build(
    dir: &IndexDir,
    options: &BuildOptions,
    progress: &mut dyn Progress,
) -> Result<RunSummary> {
    let started = Instant::now();
    let inputs = corpus::walk(&options.roots)?;
    let tmp = dir.begin()?;
    let result = build_into(&tmp, &inputs, options, progress);
    let mut summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    summary.roots = options
        .roots
        .iter()
        .map(|r| r.display().to_string())
        .collect();
    summary.seconds = started.elapsed().as_secs_f64();
    let manifest = Manifest {
        format: schema::FORMAT_VERSION,
        attache_version: env!("CARGO_PKG_VERSION").to_owned(),
        last_run: Some(summary.clone()),
    };
    if let Err(e) = dir.publish(&tmp, &manifest) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(summary)
}

fn build_into(
    tmp: &std::path::Path,
    inputs: &corpus::Inputs,
    options: &BuildOptions,
    progress: &mut dyn Progress,
) -> Result<RunSummary> {
    let (schema, fields) = schema::build();
    let index = Index::create_in_dir(tmp, schema)?;
    register_tokenizer(&index);
    let threads = options.threads.max(1);
    let writer_threads = threads
        .clamp(1, 8)
        .min(options.memory_bytes / MIN_MEMORY_PER_THREAD)
        .max(1);
    let memory = options
        .memory_bytes
        .max(writer_threads * MIN_MEMORY_PER_THREAD);
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(writer_threads, memory)?;

    let mut summary = RunSummary {
        files: inputs.files.len(),
        ignored_files: inputs.ignored,
        ..RunSummary::default()
    };
    let mut counts = Counts::default();
    progress.start(inputs.files.len(), inputs.total_bytes());
    for warning in &inputs.warnings {
        counts.skipped += 1;
        progress.warning(warning);
    }

    let passages = AtomicU64::new(0);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let failed = AtomicBool::new(false);
    let (sender, receiver) = mpsc::sync_channel::<Article>(threads * 16);
    let receiver = Mutex::new(receiver);
    let cancelled = std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let recognizer = options
                    .entities
                    .then(|| Recognizer::new(Gazetteer::builtin()));
                let mut builder = DocumentBuilder::new(recognizer);
                loop {
                    let next = receiver.lock().expect("receiver lock").recv();
                    let Ok(article) = next else { return };
                    if failed.load(Ordering::Relaxed) {
                        continue; // keep draining so the reader never blocks
                    }
                    let docs = builder.article(&fields, &article);
                    for doc in docs {
                        if let Err(e) = writer.add_document(doc) {
                            failure
                                .lock()
                                .expect("failure lock")
                                .get_or_insert(e.into());
                            failed.store(true, Ordering::Relaxed);
                            break;
                        }
                        passages.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        let mut seen: HashMap<String, (PathBuf, usize)> = HashMap::new();
        let mut cancelled = false;
        'files: for input in &inputs.files {
            progress.file(input);
            let file_start = counts.bytes;
            let mut sink = |record: Record| match record {
                Record::Article(article, line) => {
                    if let Some((path, first)) = seen.get(&article.id) {
                        counts.skipped += 1;
                        progress.warning(&Warning {
                            path: input.path.clone(),
                            line: Some(line),
                            message: format!(
                                "duplicate article id '{}' (first seen at {}: line {first}), skipped",
                                article.id,
                                path.display()
                            ),
                        });
                        return;
                    }
                    seen.insert(article.id.clone(), (input.path.clone(), line));
                    counts.articles += 1;
                    counts.bytes += article.body.len() as u64;
                    counts.passages = passages.load(Ordering::Relaxed);
                    let _ = sender.send(article);
                    progress.advance(&counts);
                }
                Record::Warning(warning) => {
                    counts.skipped += 1;
                    progress.warning(&warning);
                }
            };
            if let Err(e) = corpus::read(input, &mut sink) {
                counts.skipped += 1;
                progress.warning(&Warning {
                    path: input.path.clone(),
                    line: None,
                    message: error_message(&e),
                });
            }
            counts.bytes = file_start + input.size;
            counts.passages = passages.load(Ordering::Relaxed);
            progress.advance(&counts);
            if progress.cancelled() || failed.load(Ordering::Relaxed) {
                cancelled = true;
                break 'files;
            }
        }
        drop(sender);
        cancelled
    });
    if let Some(e) = failure.into_inner().expect("failure lock") {
        return Err(e);
    }
    if cancelled {
        return Err(Error::Interrupted);
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    counts.passages = passages.into_inner();
    progress.advance(&counts);
    summary.articles = counts.articles;
    summary.passages = counts.passages;
    summary.skipped = counts.skipped;
    summary.bytes = counts.bytes;
    Ok(summary)
}

/// The reason of an I/O error without its path, which the warning already carries.
fn error_message(e: &Error) -> String {
    match e {
        Error::Io { source, .. } => source.to_string().to_lowercase(),
        other => other.to_string(),
    }
}
