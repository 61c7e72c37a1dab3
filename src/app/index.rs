//! `attache index`: build the index, drawing progress and reporting bad inputs.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use attache::corpus::{Input, Warning};
use attache::index::IndexDir;
use attache::index::build::{self, BuildOptions, Counts, Progress, RunSummary};

use crate::cli::IndexArgs;

/// Plain progress lines, when stderr is not a terminal, come this often.
const LOG_EVERY: Duration = Duration::from_secs(10);

pub fn run(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let (dir, _) = args.location.resolve();
    let options = BuildOptions {
        roots: args.paths.clone(),
        threads: args.threads.unwrap_or_else(default_threads),
        memory_bytes: args.memory << 20,
        entities: !args.no_entities,
    };
    let summary = build_index(&IndexDir::new(dir), &options, args.quiet)?;
    if args.verbose && summary.ignored_files > 0 {
        eprintln!(
            "ignored {} file(s) of other types (attache reads *.txt, *.jsonl, *.ndjson)",
            summary.ignored_files
        );
    }
    eprintln!("{}", summary_line(&summary));
    if args.strict && summary.skipped > 0 {
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds an index with progress on stderr; shared by `index` and `search`'s first run.
pub fn build_index(
    dir: &IndexDir,
    options: &BuildOptions,
    quiet: bool,
) -> anyhow::Result<RunSummary> {
    let mut progress = Reporter::new(quiet);
    let summary = build::build(dir, options, &mut progress);
    progress.finish();
    Ok(summary?)
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub fn default_roots() -> Vec<PathBuf> {
    vec![PathBuf::from(super::DEFAULT_CORPUS)]
}

/// The closing line of an indexing run.
pub fn summary_line(s: &RunSummary) -> String {
    let mut line = format!(
        "indexed {} article{}, {} passage{} ({} in {:.1} s)",
        s.articles,
        plural(s.articles),
        s.passages,
        plural(s.passages),
        super::human_bytes(s.bytes),
        s.seconds
    );
    if s.skipped > 0 {
        line.push_str(&format!("; skipped {} (see warnings above)", s.skipped));
    }
    line
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
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
}

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
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Reporter {
    fn start(&mut self, files: usize, bytes: u64) {
        self.total = bytes;
        self.files = files;
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::new(bytes);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}  {msg}",
            )
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
        let rate = counts.articles as f64 / elapsed;
        let status = || {
            format!(
                "file {}/{}, {} articles, {} passages, {rate:.0} articles/s, {} skipped",
                self.files_started, self.files, counts.articles, counts.passages, counts.skipped
            )
        };
        if let Some(bar) = &self.bar {
            bar.set_position(counts.bytes.min(self.total));
            bar.set_message(format!("{}  {}", status(), self.file));
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
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}
