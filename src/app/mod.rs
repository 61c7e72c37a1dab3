//! The only code that prints: one file per command. Converts clap arguments into the library's
//! configs, draws progress, renders results, and decides exit codes.

mod bar;
mod batch;
mod bench;
mod check;
pub mod config;
mod entities;
mod eval;
mod export;
mod facets;
mod generate;
mod index;
mod optimize;
mod output;
mod search;
mod settings;
mod shards;
mod show;
mod stats;
mod who;
mod written;

use std::path::PathBuf;

use crate::cli::{Cli, Command, IndexLocation};
use crate::exit::Exit;
use config::{Flags, Settings, Source};

/// Runs one command. A missing index is reported with the flag, variable or command that
/// fixes it, as the index's location was chosen.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    let location = cli.command.location().cloned();
    dispatch(cli).map_err(|err| match (no_index(&err), location) {
        (Some(path), Some(location)) => match location.settings() {
            Ok(settings) => anyhow::anyhow!(no_index_hint(&path, &settings.index.source)),
            Err(_) => err,
        },
        _ => err,
    })
}

fn dispatch(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Index(args) => index::run(args),
        Command::Optimize(args) => optimize::run(args),
        Command::Shards(args) => shards::run(args),
        Command::Search(args) => search::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Entities(args) => entities::list(args),
        Command::Entity(args) => entities::profile(args),
        Command::Facets(args) => facets::run(args),
        Command::Show(args) => show::run(args),
        Command::Who(args) => who::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Gen(args) => generate::run(args),
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Export(args) => export::run(args),
        Command::Config(args) => settings::run(args),
        Command::Completions(args) => settings::completions(args),
        Command::Man => settings::man(),
    }
}

impl IndexLocation {
    /// Every setting in force, with `--index` as given here.
    fn settings(&self) -> anyhow::Result<Settings> {
        Settings::load(Flags {
            index: self.index.clone(),
            ..Flags::default()
        })
    }

    /// The index folder (`--index`, `ATTACHE_INDEX`, the config file or `index/`) and whether
    /// it is the default one.
    fn resolve(&self) -> anyhow::Result<(PathBuf, bool)> {
        let settings = self.settings()?;
        let is_default = settings.index_is_default();
        Ok((settings.index.value, is_default))
    }
}

/// Why a `who` or `entities` list is empty: no passage matches the query within the dates, or
/// those that match name nobody. `what` is `speakers` or `entities…`, `none` what the matches
/// lack (`has one`).
fn empty_list_note(
    searcher: &mut attache::search::Searcher,
    query: Option<&str>,
    dates: (Option<attache::corpus::Date>, Option<attache::corpus::Date>),
    what: &str,
    none: &str,
) -> String {
    let matched = searcher.count_matching(query.unwrap_or(""), dates.0, dates.1);
    if matched.is_ok_and(|n| n == 0) {
        let dated = match dates_there_are(searcher, dates) {
            Some(there) => format!(" within the dates ({there})"),
            None => String::new(),
        };
        return format!("no {what}: no passage matches{dated}");
    }
    format!("no {what}: no passage that matches {none}")
}

/// Says on stderr, when dates (`--since`, `--until`, or `date:` in the query) left `query`
/// without a match (`matched` is 0) that it has outside them, how many passages it matches
/// without them and the dates there are: `no passage matches within the dates; without them:
/// 12 passages (the index's passages are all dated 2025-11-24)`.
fn dates_line(
    searcher: &mut attache::search::Searcher,
    query: &str,
    dates: (Option<attache::corpus::Date>, Option<attache::corpus::Date>),
    matched: u64,
) {
    if matched > 0 {
        return;
    }
    let undated_query = without_date_clauses(query);
    let flags = dates.0.is_some() || dates.1.is_some();
    if !flags && undated_query.is_none() {
        return;
    }
    let undated_query = undated_query.as_deref().unwrap_or(query);
    let Ok(undated) = searcher.count_matching(undated_query, None, None) else {
        return;
    };
    if undated == 0 {
        return;
    }
    let s = if undated == 1 { "" } else { "s" };
    let there = date_span_text(searcher);
    let there = there.map(|t| format!(" ({t})")).unwrap_or_default();
    eprintln!("no passage matches within the dates; without them: {undated} passage{s}{there}");
}

/// `query` with its `date:` clauses blanked out, when it has any: what it matches at any date.
fn without_date_clauses(query: &str) -> Option<String> {
    use attache::search::parse::{Node, parse};
    fn spans(node: &Node, out: &mut Vec<std::ops::Range<usize>>) {
        let dated = |field: Option<&attache::search::parse::Field>| {
            field.filter(|f| f.name == "date").map(|f| f.span.start)
        };
        match node {
            Node::Bool(clauses) => clauses.iter().for_each(|(_, n)| spans(n, out)),
            Node::Term { field, span, .. } | Node::Phrase { field, span, .. } => {
                if let Some(start) = dated(field.as_ref()) {
                    out.push(start..span.end);
                }
            }
            Node::Range { field, span, .. } => {
                if let Some(start) = dated(Some(field)) {
                    out.push(start..span.end);
                }
            }
            Node::Boost(inner, _) => spans(inner, out),
            _ => {}
        }
    }
    let mut found = Vec::new();
    spans(&parse(query).ok()?, &mut found);
    if found.is_empty() {
        return None;
    }
    let mut blanked = query.to_owned();
    for span in found {
        let start = span.start.min(span.end);
        blanked.replace_range(start..span.end, &" ".repeat(span.end - start));
    }
    Some(blanked)
}

/// The dates the index's passages have: `the index's passages are dated 1946-01-01 to
/// 2024-12-31`.
fn date_span_text(searcher: &attache::search::Searcher) -> Option<String> {
    use attache::corpus::date::day_text;
    let (first, last) = searcher.date_span().ok()??;
    Some(match first == last {
        true => format!("the index's passages are all dated {}", day_text(first)),
        false => format!(
            "the index's passages are dated {} to {}",
            day_text(first),
            day_text(last)
        ),
    })
}

/// When `--since` or `--until` was given, the dates the index's passages have (see
/// [`date_span_text`]), what a list the dates left empty says.
fn dates_there_are(
    searcher: &attache::search::Searcher,
    (since, until): (Option<attache::corpus::Date>, Option<attache::corpus::Date>),
) -> Option<String> {
    if since.is_none() && until.is_none() {
        return None;
    }
    date_span_text(searcher)
}

/// The searcher of the index a command's location names (with the note of
/// [`note_partial`]).
fn open_searcher(location: &IndexLocation) -> anyhow::Result<attache::search::Searcher> {
    let (path, _) = location.resolve()?;
    let dir = attache::index::IndexDir::new(path);
    let searcher = attache::search::Searcher::open(&dir)?;
    note_partial(&dir, &searcher);
    Ok(searcher)
}

/// Whether the index this process reads was noted as partial (see [`note_partial`]): its
/// JSON summaries say `"partial": true`, for scripts that read no standard error.
static PARTIAL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether [`note_partial`] found the index partial.
pub(crate) fn index_partial() -> bool {
    PARTIAL.load(std::sync::atomic::Ordering::Relaxed)
}

/// Prints, on standard error, a note when what a command reads is not the whole corpus: a run
/// is writing the index and has not finished, or the last run was interrupted.
/// The same when the index was built by an attache that read words otherwise, whose words a
/// query may miss.
fn note_partial(dir: &attache::index::IndexDir, searcher: &attache::search::Searcher) {
    if let Some(note) = partial_note(dir, searcher) {
        eprintln!("{note}");
        PARTIAL.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    if searcher.index().manifest.words_read_otherwise() {
        let name = dir.path().display();
        eprintln!(
            "note: {name} was built by an attache that read words otherwise: queries may miss \
             its words; run `attache index --index {name}` to rebuild it"
        );
    }
}

/// Whether the index holds nothing and records no run while no run writes it: a first run
/// stopped before its first commit.
fn never_built(dir: &attache::index::IndexDir, searcher: &attache::search::Searcher) -> bool {
    let last = searcher.index().last_run();
    unbuilt(searcher, last.as_ref(), dir.writer())
}

/// [`never_built`] from the last run and the writer already read: a reader asks each once, so
/// that one command's answers agree while a writer commits or exits.
fn unbuilt(
    searcher: &attache::search::Searcher,
    last: Option<&attache::index::run::RunSummary>,
    writer: Option<u32>,
) -> bool {
    searcher.reader().searcher().num_docs() == 0 && last.is_none() && writer.is_none()
}

/// While a run that has not finished yet is writing the index, or after one was interrupted,
/// what a reader sees of it.
fn partial_note(
    dir: &attache::index::IndexDir,
    searcher: &attache::search::Searcher,
) -> Option<String> {
    let name = dir.path().display();
    if let Ok(Some(set)) = dir.shard_set() {
        return set_note(dir, &set);
    }
    let writer = dir.writer();
    let (last, unfinished) = searcher.index().last_run_and_unfinished();
    if last.as_ref().is_some_and(|run| run.complete) {
        // An update of a finished index: searches see its last commit. An earlier run that
        // was interrupted may have left roots unread, whatever later runs of others did.
        if unfinished.is_empty() {
            return None;
        }
        let roots: Vec<String> = unfinished
            .iter()
            .map(|root| attache::error::printable(root).into_owned())
            .collect();
        return Some(format!(
            "note: an interrupted indexing run of {name} did not finish reading {}: results may \
             lack their articles; run `attache index {} --index {name}`",
            roots.join(", "),
            roots.join(" ")
        ));
    }
    let Some(pid) = writer else {
        // No run holds the index: the last one was interrupted or killed after a commit, or
        // a first one before its first commit (nothing in the index, no run recorded).
        let Some(run) = last else {
            return unbuilt(searcher, None, None).then(|| {
                format!(
                    "note: {name} holds no articles and records no indexing run (a first run \
                     stopped before its first commit?): run `attache index PATH --index {name}`"
                )
            });
        };
        // The command that finishes it: the run's own when a plain run would not (a pruning
        // update, standard input).
        let finish = match searcher.index().resume() {
            Some(resume) if resume.stdin.is_some() => format!(
                "pipe the input again to finish it: `{} --index {name}`",
                attache::error::printable(&resume.command())
            ),
            Some(resume) if resume.needs_its_command() => format!(
                "run `{} --index {name}` to finish it",
                attache::error::printable(&resume.command())
            ),
            _ => format!("run `attache index --index {name}` to finish it"),
        };
        return Some(format!(
            "note: the last indexing run of {name} was interrupted after {} articles: results \
             may lack the articles it had not reached; {finish}",
            run.added + run.changed + run.unchanged
        ));
    };
    let Some(run) = last else {
        return Some(format!(
            "note: {name} is being built by attache (pid {pid}): nothing is committed yet; \
             search again in a few seconds"
        ));
    };
    let read = match run.total_bytes {
        0 => human_bytes(run.bytes) + " read",
        total => format!(
            "{:.0}% of {} read",
            100.0 * run.bytes as f64 / total as f64,
            human_bytes(total)
        ),
    };
    Some(format!(
        "note: {name} is being built by attache (pid {pid}): {} articles so far, {read}; \
         results are partial",
        run.added + run.changed + run.unchanged
    ))
}

/// What a reader sees of a shard set whose shards are not all complete: one being built by
/// another process, or the last build interrupted.
fn set_note(
    dir: &attache::index::IndexDir,
    set: &attache::index::shards::SetManifest,
) -> Option<String> {
    let name = dir.path().display();
    let incomplete: Vec<_> = set.shards.iter().filter(|s| !s.complete).collect();
    if incomplete.is_empty() {
        return None;
    }
    let keys = |shards: &[&attache::index::shards::ShardEntry]| {
        shards
            .iter()
            .map(|s| crate::app::index::shown_key(&s.key))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (building, stopped): (Vec<_>, Vec<_>) = incomplete
        .into_iter()
        .partition(|s| dir.shard_dir(s).writer().is_some());
    if !stopped.is_empty() {
        return Some(format!(
            "note: the last build of shard set {name} was interrupted in shard {}: results may \
             lack the articles of that shard and of shards it had not reached; run `attache \
             index --index {name}` to finish it",
            keys(&stopped)
        ));
    }
    Some(format!(
        "note: shard {} of {name} is being built by attache: results are partial",
        keys(&building)
    ))
}

/// Writes each item as one line of JSON.
fn json_lines<T: serde::Serialize>(
    out: &mut impl std::io::Write,
    items: &[T],
) -> anyhow::Result<()> {
    for item in items {
        serde_json::to_writer(&mut *out, item)?;
        writeln!(out)?;
    }
    Ok(())
}

/// The query's arguments joined with spaces. An argument like `--count` there was an option
/// written after `--` (`search -- -apartheid --count`), which makes every later argument a
/// query word: said so, rather than as the query's "doubled operator".
fn query_of(words: &[String]) -> anyhow::Result<String> {
    if let Some(option) = words.iter().find(|w| {
        w.strip_prefix("--")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic()))
    }) {
        anyhow::bail!(
            "'{}' is in the query: after `--` every argument is a query word; put the options \
             before `--`",
            attache::error::printable(option)
        );
    }
    Ok(words.join(" "))
}

/// Exit 0 when a listing found something, 1 when it is empty.
fn listed(any: bool) -> Exit {
    if any { Exit::Success } else { Exit::NoMatch }
}

/// The index folder of a "no index" error, if `err` is one.
fn no_index(err: &anyhow::Error) -> Option<PathBuf> {
    err.chain().find_map(
        |cause| match cause.downcast_ref::<attache::error::Error>() {
            Some(attache::error::Error::NoIndex { path }) => Some(path.clone()),
            _ => None,
        },
    )
}

/// "No index here", with the fix that suits where the location came from.
fn no_index_hint(path: &std::path::Path, source: &Source) -> String {
    let shown = attache::error::printable(&path.display().to_string()).into_owned();
    // `attache index` would refuse a folder of other files: building one there is no fix.
    let foreign = attache::index::IndexDir::new(path)
        .foreign_entries()
        .unwrap_or_default();
    if !foreign.is_empty() {
        return format!(
            "no index at {shown}, a folder of other files ({}): give an index folder, or build \
             one in an empty or new folder with `attache index PATH --index NEW`",
            attache::index::some_of(&foreign)
        );
    }
    match source {
        Source::Flag(flag) => {
            format!("no index at {shown}: build one with `attache index PATH {flag} {shown}`")
        }
        Source::Env(var) => format!(
            "no index at {shown} (from {var}): build one with `attache index PATH`, or set \
             {var} to an index folder"
        ),
        Source::File(file) => format!(
            "no index at {shown} (from {}): build one with `attache index PATH`, or change \
             `index` there",
            file.display()
        ),
        Source::Default => format!(
            "no index at {shown}: pass --index, set {}, or index a corpus with \
             `attache index PATH`",
            config::INDEX_VAR
        ),
    }
}

/// The error as one line: its causes joined by `: `, each left out when the message before it
/// already says it (the library's errors include their source's text).
pub fn message(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        // The system's own words start with a capital ("No space left on device"); a message
        // line is lowercase.
        let text = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => attache::error::system_words(io),
            None => cause.to_string(),
        };
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

/// Whether an error is a closed pipe (`attache search … | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            // JSON written straight to standard output (`entities --json | head -1`).
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(BrokenPipe)
    })
}

/// A byte count for people: `812 B`, `5.5 kB`, `203.3 MB`, `1.2 GB`.
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    match n {
        n if n < 1e3 => format!("{n} B"),
        n if n < 1e6 => format!("{:.1} kB", n / 1e3),
        n if n < 1e9 => format!("{:.1} MB", n / 1e6),
        n => format!("{:.2} GB", n / 1e9),
    }
}
