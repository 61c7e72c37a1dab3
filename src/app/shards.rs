//! `attache shards`: plan a shard set from corpus files without writing anything, or list the
//! shards of a set.

use std::io::Write;

use attache::index::IndexDir;
use attache::index::shards::Period;
use attache::render::wrap::pad;
use attache::sharding::plan;

use super::index::shown_key;
use crate::cli::ShardsArgs;
use crate::exit::Exit;

pub fn run(args: ShardsArgs) -> anyhow::Result<Exit> {
    let mut out = std::io::stdout().lock();
    if !args.paths.is_empty() {
        let planned = plan::plan(&args.paths, args.shard_by)?;
        for warning in &planned.warnings {
            eprintln!("warning: {warning}");
        }
        let articles: u64 = planned.shards.iter().map(|s| s.articles).sum();
        let summary = format!(
            "{} shard{} by {}, {articles} articles from {} files; nothing written",
            planned.shards.len(),
            if planned.shards.len() == 1 { "" } else { "s" },
            args.shard_by,
            planned.files
        );
        if args.json {
            for shard in &planned.shards {
                serde_json::to_writer(&mut out, shard)?;
                writeln!(out)?;
            }
            eprintln!("{summary}");
            return Ok(Exit::Success);
        }
        writeln!(
            out,
            "{:<24} {:<23} {:>9}  files",
            "shard", "period", "articles"
        )?;
        for shard in &planned.shards {
            let files = match shard.files.as_slice() {
                [one] => one.display().to_string(),
                files => format!("{} files, from {}", files.len(), files[0].display()),
            };
            writeln!(
                out,
                "{} {:<23} {:>9}  {files}",
                pad(&shown_key(&shard.key), 24),
                period(shard.period.as_ref()),
                shard.articles
            )?;
        }
        eprintln!("{summary}");
        return Ok(Exit::Success);
    }
    let (path, _) = args.location.resolve()?;
    let dir = IndexDir::new(&path);
    let Some(set) = dir.shard_set()? else {
        // A plain index is a set of one; no index at all is the usual error.
        dir.open()?;
        anyhow::bail!(
            "{} is a plain index, not a shard set: build one with `attache index PATH --index \
             DIR --shard-by year`",
            path.display()
        );
    };
    if args.json {
        for shard in &set.shards {
            serde_json::to_writer(&mut out, shard)?;
            writeln!(out)?;
        }
        return Ok(Exit::Success);
    }
    writeln!(
        out,
        "{:<24} {:<23} {:>9} {:>9}  complete",
        "shard", "period", "articles", "passages"
    )?;
    for shard in &set.shards {
        writeln!(
            out,
            "{} {:<23} {:>9} {:>9}  {}",
            pad(&shown_key(&shard.key), 24),
            period(shard.period.as_ref()),
            shard.articles,
            shard.passages,
            if shard.complete { "yes" } else { "no" }
        )?;
    }
    Ok(Exit::Success)
}

/// A period as `FIRST..LAST`, or `-` for none.
fn period(period: Option<&Period>) -> String {
    period.map_or_else(|| "-".to_owned(), |p| format!("{}..{}", p.first, p.last))
}
