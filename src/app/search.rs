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
            threads: default_threads(),
            memory_bytes: super::DEFAULT_MEMORY_MB << 20,
            ..BuildOptions::new(default_roots())
        };
        let summary = build_index(&dir, &options, false)?;
        eprintln!("{}", summary_line(&summary));
    }
    let mut searcher = Searcher::open(&dir)?;
    let request = SearchRequest {
        query: args.query.join(" "),
        limit: if args.count { 0 } else { args.limit },
        since: args.since,
        until: args.until,
        expand_aliases: !args.strict_spelling,
        timeout: (!args.timeout.is_zero()).then_some(args.timeout),
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
