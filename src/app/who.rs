//! `attache who`: who speaks in the matching passages.

use std::io::Write;
use std::process::ExitCode;

use attache::error::printable;
use attache::index::IndexDir;
use attache::search::Searcher;
use attache::search::speakers::{WhoRequest, top_speakers};

use crate::cli::WhoArgs;

pub fn run(args: WhoArgs) -> anyhow::Result<ExitCode> {
    let (path, _) = args.location.resolve()?;
    let mut searcher = Searcher::open(&IndexDir::new(path))?;
    let query = args.query.join(" ");
    let request = WhoRequest {
        query: (!query.trim().is_empty()).then_some(query),
        since: args.since,
        until: args.until,
        limit: args.limit,
    };
    let counts = top_speakers(&mut searcher, &request)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        for count in &counts {
            serde_json::to_writer(&mut out, count)?;
            writeln!(out)?;
        }
    } else {
        if !counts.is_empty() {
            writeln!(
                out,
                "{:>8} {:>8}  {:<8} speaker",
                "passages", "articles", "type"
            )?;
        }
        for c in &counts {
            writeln!(
                out,
                "{:>8} {:>8}  {:<8} {} (@{})",
                c.passages,
                c.articles,
                c.kind,
                printable(&c.name),
                printable(&c.id)
            )?;
        }
    }
    out.flush()?;
    Ok(if counts.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
