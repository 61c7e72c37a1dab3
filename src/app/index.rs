//! `attache index`: build the index, drawing progress and reporting bad inputs.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use attache::corpus::{Input, Warning};
use attache::error::printable;
use attache::index::IndexDir;
use attache::index::build::{self, BuildOptions, Change, Counts, Mode, Progress, RunSummary};
use attache::index::shards::ShardBy;
use attache::render::wrap::fit;
use attache::sharding;

use crate::cli::IndexArgs;
use crate::exit::Exit;

/// Plain progress lines, when stderr is not a terminal, come this often.
const LOG_EVERY: Duration = Duration::from_secs(10);

pub fn run(mut args: IndexArgs) -> anyhow::Result<Exit> {
    let settings = args.location.settings()?;
    let dir = settings.index.value;
    // A run with no paths after an interrupted pruning update finishes that update: reading
    // every recorded root instead would keep both the copies it was replacing and the old
    // ones (with the advice it had printed, `attache index PATH --prune`, ignored).
    let plain = args.paths.is_empty() && !args.full && !args.prune && args.stdin_name.is_none();
    if plain && let Some(resume) = IndexDir::new(dir.clone()).resume() {
        if resume.prune && resume.stdin.is_none() {
            eprintln!(
                "note: finishing the interrupted `{}` (the last run)",
                printable(&resume.command())
            );
            args.paths = resume
                .paths
                .iter()
                .map(|key| attache::corpus::path_of_key(key))
                .collect();
            args.prune = true;
        } else if resume.stdin.is_some() {
            eprintln!(
                "note: the last run read standard input and was interrupted: pipe it again to \
                 finish it: `{}`",
                printable(&resume.command())
            );
        }
    }
    if let Some(name) = &args.stdin_name {
        check_stdin_name(name, &args.paths)?;
    }
    let options = BuildOptions {
        fallback_roots: settings.corpus.value,
        stdin_name: args.stdin_name.clone(),
        threads: args.threads.unwrap_or_else(build::defaults::threads),
        memory_bytes: args.memory << 20,
        entities: !args.no_entities,
        full: args.full,
        dry_run: args.dry_run,
        prune: args.prune,
        // The arguments' parsers bound these (see `cli`), so the shifts cannot overflow.
        checkpoint_bytes: args.checkpoint_mb << 20,
        checkpoint_interval: Duration::from_secs(args.checkpoint_secs),
        checkpoint_articles: args.checkpoint_articles,
        ..BuildOptions::new(args.paths.clone())
    };
    let mut progress = Reporter::new(args.quiet);
    progress.list_changes = args.dry_run && !args.json;
    progress.keep_changes = args.dry_run && args.json;
    progress.interrupt = Some(interrupt_flag()?);
    let dir = IndexDir::new(dir);
    // A set whose manifest cannot be read is built anew by a full rebuild that names its
    // partition; its shards' roots are read from their folders.
    if args.full && args.shard_by.is_some() && !args.dry_run && dir.set_aside_damaged_manifest()? {
        eprintln!(
            "note: {}/shards.json could not be read: set aside as shards.json.damaged; the set \
             is built anew",
            dir.path().display()
        );
    }
    let by = match (args.shard_by, dir.shard_set()?) {
        (Some(by), _) => Some(by),
        (None, set) => set.map(|s| s.shard_by),
    };
    if let Some(by) = by {
        return run_set(&args, &dir, &options, by, progress);
    }
    if args.shard.is_some() {
        anyhow::bail!(
            "--shard builds one shard of a shard set, and {} is not one: add --shard-by \
             year|month|source",
            dir.path().display()
        );
    }
    let summary = build::build(&dir, &options, &mut progress);
    progress.finish();
    let summary = summary?;
    if args.verbose && summary.ignored_files > 0 {
        eprintln!(
            "ignored {} file(s) of other types (attache reads *.txt, *.jsonl, *.ndjson, \
             *.jsonl.gz, *.jsonl.zst)",
            summary.ignored_files
        );
    }
    if args.json {
        let mut value = serde_json::to_value(&summary)?;
        if args.dry_run {
            value["changes"] = serde_json::to_value(&progress.changes)?;
        }
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
    } else if summary.complete {
        eprintln!("{}", summary_line(&summary));
    }
    // A folder of another recorded root, reached from a root given (`c/s` for `ls -> c/s`):
    // its articles are that root's, read by a run of it.
    for (path, root) in summary.passed_by.iter().take(20) {
        eprintln!(
            "note: {} belongs to the root {}, which this run does not read: passed by \
             (`attache index` with no paths reads every root)",
            printable(path),
            printable(root)
        );
    }
    if !summary.complete {
        let mut line = interrupted_line(&summary);
        // A pruning update removes nothing until it completes: finishing it is running it
        // again. Standard input cannot be read again by attache: the user pipes it again.
        let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
        if summary.mode == Mode::Update && (stdin || args.prune) {
            let mut command = vec!["attache index".to_owned()];
            command.extend(
                args.paths
                    .iter()
                    .map(|p| printable(&p.display().to_string()).into_owned()),
            );
            if let Some(name) = &args.stdin_name {
                command.push(format!("--stdin-name {}", printable(name)));
            }
            if args.prune {
                command.push("--prune".to_owned());
            }
            let command = command.join(" ");
            let removals = match args.prune {
                true => "its removals were not made; ",
                false => "",
            };
            let finish = match stdin {
                true => format!("pipe the input again to finish: `… | {command}`"),
                false => format!("run `{command}` again to finish"),
            };
            line = line.replace(
                "run `attache index` again to finish",
                &format!("{removals}{finish}"),
            );
        }
        eprintln!("{line}");
        return Ok(Exit::Interrupted);
    }
    if args.strict && summary.skipped > 0 {
        return Ok(Exit::Skipped);
    }
    Ok(Exit::Success)
}

/// Builds or updates a shard set (or one shard of it), one run per shard: a summary line per
/// shard (with `--json`, the run summaries with their `shard` key, one per line).
fn run_set(
    args: &IndexArgs,
    dir: &IndexDir,
    options: &BuildOptions,
    by: ShardBy,
    mut progress: Reporter,
) -> anyhow::Result<Exit> {
    let runs = sharding::build_set(dir, options, by, args.shard.as_deref(), &mut progress);
    progress.finish();
    let runs = runs?;
    let mut out = std::io::stdout().lock();
    for run in &runs {
        if args.json {
            let mut value = serde_json::to_value(&run.summary)?;
            value["shard"] = run.key.clone().into();
            if run.dropped {
                value["dropped"] = true.into();
            }
            serde_json::to_writer(&mut out, &value)?;
            writeln!(out)?;
        } else if run.summary.complete {
            eprintln!(
                "shard {}: {}",
                shown_key(&run.key),
                summary_line(&run.summary)
            );
        }
        if run.dropped {
            eprintln!(
                "note: no article read falls in shard {}: it is not kept in the set (`attache \
                 shards` lists the keys it has)",
                shown_key(&run.key)
            );
        }
    }
    if let Some(last) = runs.last()
        && !last.summary.complete
    {
        eprintln!(
            "shard {}: {}",
            shown_key(&last.key),
            interrupted_line(&last.summary)
        );
        // An article whose date moved leaves its old shard and enters its new one in two
        // commits of two indexes: between them the set lacks it, or holds it twice.
        let moved = runs
            .iter()
            .any(|r| r.summary.removed > 0 || r.summary.added > 0);
        if args.shard.is_none() && last.summary.mode == Mode::Update && moved {
            eprintln!(
                "note: until that run finishes, an article whose date moved to another shard may \
                 be missing from the set or found in both shards"
            );
        }
        return Ok(Exit::Interrupted);
    }
    if args.strict && runs.iter().any(|r| r.summary.skipped > 0) {
        return Ok(Exit::Skipped);
    }
    Ok(Exit::Success)
}

/// A shard's key as printed: the empty key of articles without a source is named.
pub fn shown_key(key: &str) -> String {
    match key {
        attache::index::shards::NO_SOURCE => "(no source)".to_owned(),
        key => printable(key).into_owned(),
    }
}

/// A stdin scope's name is printable and short, and names the scope of a `-` in the paths.
fn check_stdin_name(name: &str, paths: &[PathBuf]) -> anyhow::Result<()> {
    if !paths.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!("--stdin-name names the articles read from stdin: add `-` to the paths");
    }
    if name.is_empty() || name.len() > 64 || name.contains(|c: char| c.is_control() || c == '>') {
        anyhow::bail!(
            "--stdin-name '{}': give 1 to 64 bytes without control characters or '>'",
            printable(name)
        );
    }
    Ok(())
}

/// Set by the first Ctrl-C (SIGINT) or SIGTERM; a second one ends the process at once (130).
pub(super) fn interrupt_flag() -> anyhow::Result<Arc<AtomicBool>> {
    Ok(interrupt_handlers()?.0)
}

/// What a second Ctrl-C (or SIGTERM) says as it ends the process at once.
const SECOND_INTERRUPT: &str = "\nattache: interrupted again: stopped at once; what the last \
     commit holds is kept, and running the same command again finishes the job (or cleans up \
     after it)\n";

/// The flag of [`interrupt_flag`] and the handlers that set it, to be unregistered when the
/// signals should end the process again.
fn interrupt_handlers() -> anyhow::Result<(Arc<AtomicBool>, Vec<signal_hook::SigId>)> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = Arc::new(AtomicBool::new(false));
    let mut handlers = Vec::new();
    for signal in [SIGINT, SIGTERM] {
        // The second signal ends the process at once, saying so (it ended silently).
        let first = flag.clone();
        // SAFETY: the action only loads an atomic, writes a fixed message to file descriptor
        // 2 with one write(2) (no lock, no allocation; the descriptor is not closed) and calls
        // _exit: all async-signal-safe.
        let id = unsafe {
            signal_hook::low_level::register(signal, move || {
                if first.load(std::sync::atomic::Ordering::SeqCst) {
                    use std::io::Write;
                    use std::os::fd::FromRawFd;
                    let mut stderr = std::mem::ManuallyDrop::new(std::fs::File::from_raw_fd(2));
                    let _ = stderr.write(SECOND_INTERRUPT.as_bytes());
                    signal_hook::low_level::exit(130);
                }
            })
        }?;
        handlers.push(id);
        handlers.push(signal_hook::flag::register(signal, flag.clone())?);
    }
    Ok((flag, handlers))
}

/// What an interrupted run kept, and how to finish it.
pub(super) fn interrupted_line(s: &RunSummary) -> String {
    match s.mode {
        Mode::Full => {
            "interrupted: the rebuild was abandoned; the previous index is still live".to_owned()
        }
        Mode::DryRun => "interrupted: nothing was written".to_owned(),
        Mode::Update => {
            let kept = s.added + s.changed;
            format!(
                "interrupted: kept {kept} article{} ({} read, {} removed); run `attache index` \
                 again to finish",
                plural(kept),
                s.articles,
                s.removed
            )
        }
    }
}

/// Indexes with progress on stderr; used by `search`'s first run.
pub fn build_index(
    dir: &IndexDir,
    options: &BuildOptions,
    quiet: bool,
) -> anyhow::Result<RunSummary> {
    // Ctrl-C commits what was read and stops, as `attache index` does; afterwards it ends the
    // process again.
    let (flag, handlers) = interrupt_handlers()?;
    let mut progress = Reporter::new(quiet);
    progress.interrupt = Some(flag);
    let summary = build::build(dir, options, &mut progress);
    progress.finish();
    for handler in handlers {
        signal_hook::low_level::unregister(handler);
    }
    Ok(summary?)
}

/// The closing line of an indexing run.
pub fn summary_line(s: &RunSummary) -> String {
    let read = format!(
        "{} in {:.1} s, {:.1} MB/s",
        super::human_bytes(s.bytes),
        s.seconds,
        s.megabytes_per_second
    );
    let mut line = match s.mode {
        Mode::DryRun => format!(
            "dry run: would add {}, change {}, remove {} article{}; {} unchanged ({read}); \
             nothing written",
            s.added,
            s.changed,
            s.removed,
            plural(s.removed),
            s.unchanged
        ),
        Mode::Full => format!(
            "indexed {} article{}, {} passage{} ({read}); against the previous index: added \
             {}, changed {}, removed {}",
            s.articles,
            plural(s.articles),
            s.passages,
            plural(s.passages),
            s.added,
            s.changed,
            s.removed
        ),
        Mode::Update => format!(
            "added {}, changed {}, removed {} article{}, {} unchanged; {} passage{} written \
             ({read})",
            s.added,
            s.changed,
            s.removed,
            plural(s.removed),
            s.unchanged,
            s.passages,
            plural(s.passages)
        ),
    };
    match (&s.rebuilt_because, s.mode) {
        (Some(because), Mode::DryRun) => {
            line.push_str(&format!("; would rebuild in full: {because}"))
        }
        (Some(because), _) => line.push_str(&format!("; rebuilt in full: {because}")),
        (None, _) => {}
    }
    for moved in &s.moved {
        line.push_str(&format!(
            "; found {} at its new place {}: its articles are read from there now",
            printable(&moved.from),
            printable(&moved.to)
        ));
    }
    if s.kept > 0 {
        line.push_str(&format!(
            "; kept {} article{} not read this time",
            s.kept,
            plural(s.kept)
        ));
    }
    if s.skipped > 0 {
        line.push_str(&format!("; skipped {} (see warnings above)", s.skipped));
    }
    if s.other_shards > 0 {
        line.push_str(&format!(
            "; {} article{} of other shards left out",
            s.other_shards,
            plural(s.other_shards)
        ));
    }
    line
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The ids a dry run would add, change and remove, for `--json`.
#[derive(Debug, Default, serde::Serialize)]
struct Changes {
    add: Vec<String>,
    change: Vec<String>,
    remove: Vec<String>,
}

/// Draws a bar on a terminal; otherwise logs a plain line every [`LOG_EVERY`].
struct Reporter {
    bar: Option<ProgressBar>,
    quiet: bool,
    started: Instant,
    last_log: Instant,
    total: u64,
    files: usize,
    files_started: usize,
    file: String,
    /// Print each change on stdout (a dry run).
    list_changes: bool,
    /// Keep each change for the JSON summary (a dry run with `--json`).
    keep_changes: bool,
    changes: Changes,
    /// Set when the user interrupts the run.
    interrupt: Option<Arc<AtomicBool>>,
    /// The warnings told, when a shard set's shards each read the same file: one bad line is
    /// told once, not once per shard.
    told: Option<std::collections::HashSet<String>>,
    /// Warnings told per file; past [`WARNINGS_PER_FILE`] a file's are counted, not printed.
    per_file: std::collections::HashMap<std::path::PathBuf, u64>,
    /// The warnings not printed, by file, told in one line each when the run ends.
    held_back: std::collections::BTreeMap<std::path::PathBuf, u64>,
}

/// The most warnings printed for one file: a file of 50,000 bad lines prints these, then one
/// line counting the rest (the `--json` summary lists the first 1,000).
const WARNINGS_PER_FILE: u64 = 20;

impl Reporter {
    fn new(quiet: bool) -> Reporter {
        Reporter {
            bar: None,
            quiet,
            started: Instant::now(),
            last_log: Instant::now(),
            total: 0,
            files: 0,
            files_started: 0,
            file: String::new(),
            list_changes: false,
            keep_changes: false,
            changes: Changes::default(),
            interrupt: None,
            told: None,
            per_file: Default::default(),
            held_back: Default::default(),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        for (path, n) in std::mem::take(&mut self.held_back) {
            eprintln!(
                "warning: {}: {n} more warning{} not shown",
                printable(&attache::corpus::shown(&path)),
                plural(n)
            );
        }
        self.per_file.clear();
    }
}

impl Progress for Reporter {
    fn shard(&mut self, key: &str) {
        self.told.get_or_insert_with(Default::default);
        self.finish();
        self.bar = None;
        self.started = Instant::now();
        self.files_started = 0;
        self.file = format!("shard {}", shown_key(key));
    }

    fn start(&mut self, files: usize, bytes: u64) {
        self.total = bytes;
        self.files = files;
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        // Standard input has no known size: a spinner with the bytes read and the rate. The
        // bar takes what the first line leaves of the terminal's width; the message's two
        // lines are cut to fit it (see `advance`), so no line wraps and redraws stay in place.
        let template = match bytes {
            0 => "{spinner} {bytes} read, {bytes_per_sec}\n  {msg}",
            _ => "{spinner} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} [{wide_bar}]\n  {msg}",
        };
        let bar = ProgressBar::with_draw_target(Some(bytes), super::bar::target());
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        self.bar = Some(bar);
    }

    fn file(&mut self, input: &Input) {
        self.files_started += 1;
        self.file = input.relative.clone();
    }

    fn advance(&mut self, counts: &Counts) {
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = |n: u64| n as f64 / elapsed;
        let status = || {
            format!(
                "file {}/{}, {} articles ({:.0}/s), {} to write, {} passages ({:.0}/s), \
                 {} entities ({:.0}/s), {} skipped",
                self.files_started,
                self.files,
                counts.articles,
                rate(counts.articles),
                counts.written,
                counts.passages,
                rate(counts.passages),
                counts.entities,
                rate(counts.entities),
                counts.skipped
            )
        };
        if let Some(bar) = &self.bar {
            let position = match self.total {
                0 => counts.bytes,
                total => counts.bytes.min(total),
            };
            bar.set_position(position);
            // Two columns of indent and, at the end, room for an echoed `^C` (see `bar`).
            let width = usize::from(console::Term::stderr().size().1)
                .saturating_sub(2 + super::bar::SPARE_COLUMNS);
            bar.set_message(format!(
                "{}\n  {}",
                fit(&status(), width),
                fit(&self.file, width)
            ));
        } else if !self.quiet && self.last_log.elapsed() >= LOG_EVERY {
            self.last_log = Instant::now();
            eprintln!(
                "indexing: {:.1}/{:.1} MB, {}, at {}",
                counts.bytes as f64 / 1e6,
                self.total as f64 / 1e6,
                status(),
                self.file
            );
        }
    }

    fn warning(&mut self, warning: &Warning) {
        let line = format!("warning: {warning}");
        if let Some(told) = &mut self.told
            && !told.insert(line.clone())
        {
            return;
        }
        let told = self.per_file.entry(warning.path.clone()).or_default();
        *told += 1;
        if *told > WARNINGS_PER_FILE {
            *self.held_back.entry(warning.path.clone()).or_default() += 1;
            return;
        }
        self.say(&line);
    }

    fn change(&mut self, change: Change, id: &str) {
        let verb = match change {
            Change::Add => "add",
            Change::Change => "change",
            Change::Remove => "remove",
        };
        if self.list_changes {
            println!("{verb} {}", printable(id));
        }
        if self.keep_changes {
            let list = match change {
                Change::Add => &mut self.changes.add,
                Change::Change => &mut self.changes.change,
                Change::Remove => &mut self.changes.remove,
            };
            list.push(id.to_owned());
        }
    }

    fn cancelled(&mut self) -> bool {
        self.interrupt
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    fn checkpoint(&mut self, counts: &Counts) {
        if self.bar.is_none() && !self.quiet {
            // Articles still on their way to the writer are not in the commit: the count is of
            // those read.
            eprintln!(
                "indexing: checkpoint committed ({} articles read so far, {:.1} MB)",
                counts.articles,
                counts.bytes as f64 / 1e6
            );
        }
    }
}

impl Reporter {
    /// Prints a line on stderr without tearing the bar.
    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}
