//! `attache stats`: what the index holds.

use std::io::Write;

use attache::error::printable;
use attache::index::IndexDir;
use attache::render::wrap::Wrap;
use attache::search::Searcher;
use attache::search::plan::{BUILTIN_FIELDS, META_PREFIX};
use attache::stats::stats;

use super::human_bytes;
use crate::cli::StatsArgs;
use crate::exit::Exit;

pub fn run(args: StatsArgs) -> anyhow::Result<Exit> {
    let (path, _) = args.location.resolve()?;
    let dir = IndexDir::new(path);
    let searcher = Searcher::open(&dir)?;
    let s = stats(&searcher)?;
    if args.json {
        let mut out = std::io::stdout().lock();
        // Partial, as readers note it: a run builds the index, or the last was interrupted.
        let mut value = serde_json::to_value(&s)?;
        value["partial"] = super::partial_note(&dir, &searcher).is_some().into();
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(Exit::Success);
    }
    let width = super::output::width(args.view.width);
    let mut out = Wrap::new(std::io::stdout().lock(), width);
    writeln!(out, "index       {}", s.generation)?;
    writeln!(out, "articles    {}", s.articles)?;
    writeln!(out, "passages    {}", s.passages)?;
    writeln!(out, "segments    {}", s.segments)?;
    writeln!(
        out,
        "deleted     {} passages ({:.1}% of those on disk{})",
        s.deleted_passages,
        s.deleted_ratio * 100.0,
        if s.deleted_passages > 0 {
            "; `attache optimize` purges them"
        } else {
            ""
        }
    )?;
    if let (Some(first), Some(last)) = (&s.first_date, &s.last_date) {
        writeln!(out, "dates       {first} to {last}")?;
    }
    writeln!(out, "size        {}", human_bytes(s.size_bytes))?;
    if !s.metadata_fields.is_empty() {
        // A key named like a query field is searched as `meta.KEY:`: listed so.
        let keys: Vec<String> = (s.metadata_fields.iter())
            .map(|key| match BUILTIN_FIELDS.contains(&key.as_str()) {
                true => format!("{META_PREFIX}{key}"),
                false => key.clone(),
            })
            .collect();
        writeln!(out, "metadata    {}", keys.join(", "))?;
    }
    if !s.sources.is_empty() {
        writeln!(out, "sources")?;
        for source in &s.sources {
            let name = printable(&source.source);
            writeln!(out, "  {:>8} passages  {name}", source.passages)?;
        }
        // The rest have none: the rows add up to the passages.
        if s.no_source_passages > 0 {
            writeln!(out, "  {:>8} passages  (no source)", s.no_source_passages)?;
        }
    }
    if !s.roots.is_empty() {
        writeln!(out, "roots       {}", printable(&s.roots.join(", ")))?;
    }
    if let Some(run) = &s.last_run {
        let state = match (run.complete, dir.writer()) {
            (true, _) => String::new(),
            (false, Some(pid)) => format!(" (in progress: attache pid {pid} is writing the index)"),
            (false, None) => match searcher.index().resume() {
                Some(resume) if resume.needs_its_command() => format!(
                    " (interrupted: `{}` finishes it)",
                    printable(&resume.command())
                ),
                _ => " (interrupted: `attache index` resumes it)".to_owned(),
            },
        };
        // A shard set's last run is its shards' last runs together.
        let set = match dir.shard_set() {
            Ok(Some(set)) => format!(" of {} shards", set.shards.len()),
            _ => String::new(),
        };
        writeln!(
            out,
            "last run    {}{set}{state}: {} added, {} changed, {} removed, {} unchanged; \
             {} passages written; {} skipped; {} in {:.1} s ({:.1} MB/s) from {}",
            serde_json::to_value(run.mode)?.as_str().unwrap_or("update"),
            run.added,
            run.changed,
            run.removed,
            run.unchanged,
            run.passages,
            run.skipped,
            human_bytes(run.bytes),
            run.seconds,
            run.megabytes_per_second,
            run.roots.join(", ")
        )?;
    }
    out.flush()?;
    Ok(Exit::Success)
}
