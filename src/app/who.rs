//! `attache who`: who speaks in the matching passages.

use crate::exit::Exit;
use std::io::Write;

use attache::error::printable;
use attache::render::wrap::wrap_line;
use attache::search::speakers::{WhoRequest, top_speakers};

use crate::cli::WhoArgs;

/// Where a row's name starts: after the counts and the type.
const NAME_COLUMN: usize = 28;

pub fn run(args: WhoArgs) -> anyhow::Result<Exit> {
    let query = super::query_of(&args.query)?;
    let mut searcher = super::open_searcher(&args.location)?;
    let request = WhoRequest {
        timeout: Some(args.timeout),
        query: (!query.trim().is_empty()).then(|| query.clone()),
        since: args.dates.since,
        until: args.dates.until,
        limit: args.limit,
    };
    let counts = top_speakers(&mut searcher, &request)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        super::json_lines(&mut out, &counts)?;
    } else if !counts.is_empty() {
        // A long row wraps under the name column.
        let width = super::output::width(None);
        let header = format!("{:>8} {:>8}  {:<8} speaker", "passages", "articles", "type");
        writeln!(out, "{}", wrap_line(&header, width, NAME_COLUMN))?;
        for c in &counts {
            let (name, id) = (printable(&c.name), printable(&c.id));
            let (passages, articles, kind) = (c.passages, c.articles, &c.kind);
            let row = format!("{passages:>8} {articles:>8}  {kind:<8} {name} (@{id})");
            writeln!(out, "{}", wrap_line(&row, width, NAME_COLUMN))?;
        }
    }
    out.flush()?;
    if counts.is_empty() {
        let dates = (args.dates.since, args.dates.until);
        let query = (!query.trim().is_empty()).then_some(query.as_str());
        let note = super::empty_list_note(&mut searcher, query, dates, "speakers", "has one");
        eprintln!("{note}");
    }
    Ok(super::listed(!counts.is_empty()))
}
