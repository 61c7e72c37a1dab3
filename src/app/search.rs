//! `attache search`: run a query and print the hits as text or JSON Lines.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use attache::index::IndexDir;
use attache::index::build::BuildOptions;
use attache::render;
use attache::search::{SearchRequest, Searcher};

use super::index::{build_index, default_roots, default_threads, summary_line};
use crate::cli::{ColorChoice, SearchArgs};

pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let (path, is_default) = args.location.resolve();
    let dir = IndexDir::new(&path);
    if is_default && dir.current()?.is_none() {
        eprintln!(
            "no index at {}/ yet: building it from {}/ first",
            path.display(),
            super::DEFAULT_CORPUS
        );
        let options = BuildOptions {
            fallback_roots: default_roots(),
            threads: default_threads(),
            memory_bytes: super::DEFAULT_MEMORY_MB << 20,
            ..BuildOptions::new(Vec::new())
        };
        let summary = build_index(&dir, &options, false)?;
        eprintln!("{}", summary_line(&summary));
    }
    let mut searcher = Searcher::open(&dir)?;
    if let Some(note) = building_note(&dir, &searcher) {
        eprintln!("{note}");
    }
    let request = SearchRequest {
        query: args.query.join(" "),
        limit: if args.count { 0 } else { args.limit },
        since: args.since,
        until: args.until,
        expand_aliases: !args.strict_spelling,
        timeout: (!args.timeout.is_zero()).then_some(args.timeout),
        ranking: args.ranking.into(),
        sort: args.sort.into(),
        offset: args.offset,
    };
    let results = searcher.search(&request)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.count {
        writeln!(
            out,
            "{} passages in {} articles",
            results.passages_matched, results.articles_matched
        )?;
    } else if args.json {
        render::json::write(&mut out, &results)?;
    } else {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::io::stdout().is_terminal(),
        };
        render::text(&mut out, &results, color)?;
        out.flush()?;
        eprintln!("{}", render::summary(&results));
    }
    out.flush()?;
    Ok(if results.passages_matched > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// While a run that has not finished yet is writing the index, what the search sees of it.
fn building_note(dir: &IndexDir, searcher: &Searcher) -> Option<String> {
    let pid = dir.writer()?;
    let last = searcher.index().last_run();
    if last.as_ref().is_some_and(|run| run.complete) {
        return None; // an update of a finished index: searches see its last commit
    }
    let name = dir.path().display();
    let Some(run) = last else {
        return Some(format!(
            "note: {name} is being built by attache (pid {pid}): nothing is committed yet; \
             search again in a few seconds"
        ));
    };
    let read = match run.total_bytes {
        0 => super::human_bytes(run.bytes) + " read",
        total => format!(
            "{:.0}% of {} read",
            100.0 * run.bytes as f64 / total as f64,
            super::human_bytes(total)
        ),
    };
    Some(format!(
        "note: {name} is being built by attache (pid {pid}): {} articles so far, {read}; \
         results are partial",
        run.added + run.changed + run.unchanged
    ))
}
