//! Indexing runs: incremental updates of the live index, full rebuilds, and dry runs.
//!
//! The calling thread walks and parses the corpus (cheap, sequential, so warnings come out in
//! file order) and compares every article with the index's `Catalog`: new and changed articles
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
use std::time::Instant;

use tantivy::Index;

use super::catalog::{Catalog, Scope};
use super::roots::{Roots, within};
pub use super::run::{
    BuildOptions, Change, Counts, MAX_THREADS, Mode, Progress, RunSummary, Silent, defaults,
};
use super::{IndexDir, Manifest, pipeline, register_tokenizer, schema};
use crate::corpus;
use crate::error::{Error, Result, printable};

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
    let created = !dir.path().exists();
    let result = build_in(dir, options, progress);
    if created
        && result
            .as_ref()
            .is_err_and(|e| !matches!(e, Error::Locked { .. }))
    {
        // A first run that failed leaves no folder behind, only if it holds nothing but the
        // lock (a failed build's folder is removed by the run itself).
        let _ = std::fs::remove_file(dir.path().join(super::LOCK));
        let _ = std::fs::remove_dir(dir.path());
    }
    result
}

fn build_in(
    dir: &IndexDir,
    options: &BuildOptions,
    progress: &mut dyn Progress,
) -> Result<RunSummary> {
    let started = Instant::now();
    // A shard of a set is built through the set: built as a plain index, it would take every
    // article of its paths, whatever its period (and a date-bounded search would miss them).
    if options.shard.is_none()
        && let Some((set, key)) = dir.set_of_shard()
    {
        let set = crate::error::printable(&set.display().to_string()).into_owned();
        return Err(Error::Invalid(format!(
            "{}: a shard of the set {set}: build it through the set (`attache index PATHS \
             --index {set} --shard {key}`, or the whole set: `attache index --index {set}`)",
            dir.path().display(),
        )));
    }
    if !(1..=MAX_THREADS).contains(&options.threads) {
        return Err(Error::Invalid(format!(
            "{} indexing threads: give 1 to {MAX_THREADS}",
            options.threads
        )));
    }
    dir.refuse_foreign()?;
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
    let plan = Plan::new(dir, options, existing.as_ref(), rebuild.as_ref(), progress)?;
    let Plan {
        paths,
        inputs,
        stdin_origin,
        replaceable,
        gone,
        roots,
        unpruned,
    } = plan;
    let mut summary = RunSummary {
        roots: paths
            .iter()
            .map(|r| match (r.as_os_str() == "-", &stdin_origin) {
                (true, Some(origin)) => origin.clone(),
                _ => corpus::shown(r),
            })
            .collect(),
        total_bytes: inputs.total_bytes(),
        passed_by: (inputs.passed_by.iter())
            .map(|(path, root)| {
                (
                    corpus::shown(path),
                    corpus::shown(&corpus::path_of_key(root)),
                )
            })
            .collect(),
        ..RunSummary::default()
    };
    // Interrupted while the folders were walked: nothing read, nothing written.
    if progress.cancelled() {
        summary.mode = match (options.dry_run, &rebuild) {
            (true, _) => Mode::DryRun,
            (false, Some(_)) => Mode::Full,
            (false, None) => Mode::Update,
        };
        return Ok(summary);
    }
    // Interrupted runs' roots that no complete run has read since (a rebuild reads them all).
    let unfinished = match (&existing, &rebuild) {
        (
            Some(Existing {
                open: Some(open), ..
            }),
            None,
        ) => super::read_payload(&open.index)
            .map(|p| p.unfinished)
            .unwrap_or_default(),
        _ => Vec::new(),
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
        unpruned,
        unfinished,
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
            // A failed segment's files, or a background merge's: tantivy only logs a merge
            // that fails (on a full disk, say), and its files would keep the disk full.
            super::collect_garbage(&index);
            result?;
            // Derived data: without it, "did you mean" walks the term dictionaries.
            if let Ok(Some(generation)) = dir.current() {
                let _ = super::words::refresh(&index, &generation);
            }
        }
        Target::Fresh { tmp, index } => {
            summary.mode = Mode::Full;
            let result = job
                .run(Some(&index), &mut catalog, &mut summary, progress)
                .and_then(|()| {
                    super::collect_garbage(&index); // a failed background merge's files
                    if summary.complete {
                        // In the build folder, so published with the generation.
                        let _ = super::words::refresh(&index, &tmp);
                    }
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
    /// The roots to record before a pruning update completes (see [`pipeline::Job::unpruned`]).
    unpruned: Roots,
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
        progress: &mut dyn Progress,
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
                // Articles piped in, and no folder to read again: the default corpus is not
                // the index's.
                true if existing.is_some_and(|e| !e.catalog.is_empty()) => {
                    return Err(Error::Invalid(format!(
                        "{}: the index records no corpus folder (its articles came from standard \
                         input): give the paths to index, or pipe articles with `-`",
                        dir.path().display()
                    )));
                }
                // No corpus to read at all (the config file's `corpus = []`): an index of
                // nothing is not what a run without paths means.
                true if options.fallback_roots.is_empty() => {
                    return Err(Error::Invalid(format!(
                        "{}: no paths given and no corpus to read (the config file's `corpus` is \
                         empty): give the folders or files to index",
                        dir.path().display()
                    )));
                }
                true => options.fallback_roots.clone(),
                false => present.iter().map(|r| shown(r)).collect(),
            };
        }
        if rebuild && !options.prune {
            // The recorded roots that no path given holds (`sample/` holds `sample`).
            let given: Vec<String> = paths
                .iter()
                .flat_map(|p| [corpus::root_path(p).ok(), p.canonicalize().ok()])
                .flatten()
                .map(|p| corpus::path_key(&p))
                .collect();
            let more = present
                .iter()
                .filter(|r| !given.iter().any(|g| within(r, g)));
            paths.extend(more.map(|r| shown(r)));
        }
        // The recorded roots keep their folders, unless `--prune` drops the roots not given.
        let claimed = match options.prune {
            true => &[][..],
            false => &recorded.paths[..],
        };
        let mut inputs = corpus::walk_until(&paths, &recorded.anchoring(), claimed, &mut || {
            progress.cancelled()
        })?;
        // A walk cut short by Ctrl-C found only some files: the run stops before anything
        // is judged from them (see `build_in`).
        let cancelled = progress.cancelled();
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
        // A folder that held indexed articles and now holds no file to read is most likely a
        // disk or share that is not mounted: it is read as one that is gone, its articles kept.
        let empty: Vec<String> = match existing {
            Some(existing) if !options.prune => (inputs.roots.iter())
                .filter(|root| !inputs.aliases.contains(root))
                .filter(|root| corpus::path_of_key(root).is_dir())
                .filter(|root| !inputs.files.iter().any(|f| within(&f.origin, root)))
                .filter(|root| existing.catalog.origins_within(root).next().is_some())
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        // What the run can read again: its roots and its standard input's scope.
        let mut readable =
            Scope::roots(inputs.roots.iter().filter(|r| !empty.contains(r)).cloned());
        if let Some(origin) = &stdin_origin {
            readable.add(origin.clone());
        }
        if rebuild
            && !options.prune
            && !cancelled
            && let Some(existing) = existing
        {
            let lost = existing.catalog.outside(&readable, &recorded);
            if !lost.is_empty() {
                return Err(Error::Invalid(unreadable_in_rebuild(dir, because, &lost)));
            }
        }
        // A file whose articles the index holds, now a folder (a `mkdir` over an emptied
        // name, an archive unpacked in its place), a root file as well as one under a root:
        // its articles are kept, as an unreadable file's. (An empty one is said above.)
        if let Some(existing) = existing.filter(|_| !options.prune) {
            let walked: std::collections::HashSet<&str> =
                inputs.files.iter().map(|f| f.origin.as_str()).collect();
            let folders: Vec<String> = existing
                .catalog
                .origin_names()
                .filter(|o| !walked.contains(o))
                .filter(|o| !empty.iter().any(|e| e == o))
                .filter(|o| inputs.roots.iter().any(|r| within(o, r)))
                .filter(|o| corpus::path_of_key(o).is_dir())
                .map(str::to_owned)
                .collect();
            for origin in folders {
                inputs.warnings.push(corpus::Warning {
                    path: corpus::path_of_key(&origin),
                    line: None,
                    message: "is a folder now: the articles indexed from the file are kept \
                              (remove the folder, or pass --prune, to drop them)"
                        .into(),
                });
                inputs.unreadable.push(origin);
            }
        }
        for root in &empty {
            inputs.warnings.push(corpus::Warning {
                path: corpus::path_of_key(root),
                line: None,
                message: "holds no file to read (a disk or share not mounted?): its articles are \
                          kept (pass --prune to remove them)"
                    .into(),
            });
            inputs.unreadable.push(root.clone());
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
            (true, _) => Roots::of(inputs.roots.iter().cloned()).anchoring_as(&recorded),
            (false, true) => Roots {
                moved: recorded.moved.clone(),
                ..Roots::of(inputs.roots.iter().cloned())
            }
            .anchoring_as(&recorded),
            (false, false) => recorded.with(&inputs.roots),
        };
        // Until a pruning update completes, the articles of the other roots are still there:
        // its checkpoints, and its commit when interrupted, record those roots too.
        let unpruned = match (rebuild, options.prune) {
            (false, true) => recorded.with(&inputs.roots),
            _ => roots.clone(),
        };
        Ok(Plan {
            paths,
            inputs,
            stdin_origin,
            replaceable,
            gone: if options.prune { Vec::new() } else { gone },
            roots,
            unpruned,
        })
    }
}

/// A recorded root as a path to walk: relative to the working directory when it lies under
/// it, so that warnings and summaries read as if the user had named it.
pub(crate) fn shown(root: &str) -> PathBuf {
    let path = corpus::path_of_key(root);
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
    match cwd.as_ref().map(|cwd| path.strip_prefix(cwd)) {
        Ok(Ok(relative)) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
        _ => path,
    }
}

/// The refusal of a rebuild that would drop articles it cannot read again.
fn unreadable_in_rebuild(dir: &IndexDir, because: Option<&str>, lost: &[(String, u64)]) -> String {
    let place = |root: &str| match root.starts_with('<') {
        true => format!("{root} (standard input)"),
        false if corpus::path_of_key(root).exists() => root.to_owned(),
        false => format!("{root}, which is no longer there"),
    };
    rebuild_would_drop(
        dir,
        because,
        lost,
        place,
        "it cannot read again",
        "give their paths (or pipe them with `-` and the `--stdin-name` they were read under) in \
         the same run, or pass --prune to rebuild \
         without them",
    )
}

/// The refusal of a rebuild (`because`: why one is needed) that would drop the articles of
/// `lost`, counted by where they come from (each written by `place`), which it cannot read for
/// `cause`; `fix` says what to do.
pub(super) fn rebuild_would_drop(
    dir: &IndexDir,
    because: Option<&str>,
    lost: &[(String, u64)],
    place: impl Fn(&str) -> String,
    cause: &str,
    fix: &str,
) -> String {
    let total: u64 = lost.iter().map(|(_, n)| n).sum();
    let places: Vec<String> = lost
        .iter()
        .map(|(origin, n)| format!("{n} from {}", printable(&place(origin))))
        .collect();
    let why = because.map_or_else(String::new, |b| format!(" ({b})"));
    format!(
        "{}: a full rebuild{why} would drop {total} article{} {cause}: {}; {fix}",
        dir.path().display(),
        if total == 1 { "" } else { "s" },
        places.join(", ")
    )
}

/// Opens the index there is, with its catalog and roots. For a full rebuild an unreadable or
/// incompatible index is no obstacle: it is replaced, and the roots it records are read again.
fn existing(dir: &IndexDir, options: &BuildOptions) -> Result<Option<Existing>> {
    // The articles of the newest complete generation, when one can be read though the index
    // cannot (`CURRENT` lost beside several, or naming a missing one): a rebuild refuses to
    // drop those it cannot read again, as it does over a sound index.
    let unopened = || {
        dir.recorded_roots().map(|roots| {
            let catalog = dir.newest_built().and_then(|open| {
                super::reading_index(dir.path(), || {
                    Catalog::load(&open.index.reader()?.searcher(), &roots.moved)
                })
                .ok()
            });
            Existing {
                open: None,
                catalog: catalog.unwrap_or_default(),
                roots,
            }
        })
    };
    // An index that cannot be read is rebuilt from the roots it recorded; when those cannot be
    // read either, from the paths given, and never from the default corpus, which may not be
    // the index's at all.
    let unreadable = || match unopened() {
        Some(existing) => Ok(Some(existing)),
        None if !options.roots.is_empty() => Ok(None),
        None => Err(Error::Invalid(format!(
            "{}: the index cannot be read, nor which corpus folders it was built from: give \
             them, `{}`",
            dir.path().display(),
            dir.rebuild_command()
        ))),
    };
    // A dry run writes nothing: it reads the index as a search does (no lock file, no pointer
    // restored), so it previews an index the user may read but not write.
    let opened = match options.dry_run {
        true => dir.open(),
        false => dir.open_for_writing(),
    };
    let open = match opened {
        Ok(open) => open,
        // A first publication cut short leaves a generation without its pointer: a rebuild
        // reads the roots that generation records.
        Err(Error::NoIndex { .. }) if !(options.full && dir.was_built()) => return Ok(None),
        Err(_) if options.full => return unreadable(),
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
        Err(_) if options.full => return unreadable(),
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

/// What the library's tests build indexes with.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::{Path, PathBuf};

    use super::{BuildOptions, Silent, build};
    use crate::index::IndexDir;

    /// The repository's sample articles (`corpus/`).
    pub fn sample_corpus() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
    }

    /// Indexes `root` into `dir` as the tests do: one thread, a small writer budget.
    pub fn index(dir: &IndexDir, root: &Path) {
        let options = BuildOptions {
            threads: 1,
            memory_bytes: 20 << 20,
            ..BuildOptions::new(vec![root.to_path_buf()])
        };
        build(dir, &options, &mut Silent).unwrap();
    }

    /// An index of the sample articles, in a temporary folder.
    pub fn sample_index() -> (tempfile::TempDir, IndexDir) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = IndexDir::new(tmp.path().join("index"));
        index(&dir, &sample_corpus());
        (tmp, dir)
    }
}
