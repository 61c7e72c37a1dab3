//! `attache entities` and `attache entity`: who is mentioned, and what is known of one entity.

use std::io::Write;
use std::process::ExitCode;

use attache::index::IndexDir;
use attache::search::Searcher;
use attache::search::entities::{EntitiesRequest, entity_profile, top_entities};

use crate::cli::{EntitiesArgs, EntityArgs};

pub fn list(args: EntitiesArgs) -> anyhow::Result<ExitCode> {
    let (path, _) = args.location.resolve()?;
    let mut searcher = Searcher::open(&IndexDir::new(path))?;
    let query = args.query.join(" ");
    let request = EntitiesRequest {
        query: (!query.trim().is_empty()).then_some(query),
        with: args.with,
        kind: args.kind,
        since: args.dates.since,
        until: args.dates.until,
        limit: args.limit,
    };
    let counts = top_entities(&mut searcher, &request)?;
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
                "{:>8} {:>8} {:>8}  {:<8} entity",
                "passages", "articles", "mentions", "type"
            )?;
        }
        for c in &counts {
            writeln!(
                out,
                "{:>8} {:>8} {:>8}  {:<8} {} (@{})",
                c.passages, c.articles, c.mentions, c.kind, c.name, c.id
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

pub fn profile(args: EntityArgs) -> anyhow::Result<ExitCode> {
    let (path, _) = args.location.resolve()?;
    let mut searcher = Searcher::open(&IndexDir::new(path))?;
    let name = args.name.join(" ");
    let Some(p) = entity_profile(&mut searcher, &name)? else {
        eprintln!("no mention of '{name}' in the index");
        return Ok(ExitCode::from(1));
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &p)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let c = &p.count;
    writeln!(out, "{} (@{}, {})", c.name, c.id, c.kind)?;
    writeln!(
        out,
        "mentions    {} in {} passages of {} articles",
        c.mentions, c.passages, c.articles
    )?;
    if let (Some(first), Some(last)) = (&p.first_date, &p.last_date) {
        writeln!(out, "first/last  {first} / {last}")?;
    }
    let aliases: Vec<String> = p
        .aliases
        .iter()
        .map(|(a, n)| format!("{a} ({n})"))
        .collect();
    writeln!(out, "spellings   {}", aliases.join(", "))?;
    Ok(ExitCode::SUCCESS)
}
