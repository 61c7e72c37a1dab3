//! `attache bench`: measure query latency and print the table (or the JSON report).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use attache::bench::facets::Method;
use attache::bench::{self, BenchOptions, BenchReport, Latency};
use attache::index::IndexDir;
use attache::search::Searcher;

use super::index::default_threads;
use crate::cli::BenchArgs;

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let (path, _) = args.location.resolve()?;
    let text = std::fs::read_to_string(&args.queries).with_context(|| {
        format!(
            "cannot read queries from {}: pass --queries FILE",
            args.queries.display()
        )
    })?;
    let previous: Option<BenchReport> = match &args.compare {
        Some(file) => {
            let json = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            Some(serde_json::from_str(&json).with_context(|| {
                format!("{} is not an `attache bench --json` report", file.display())
            })?)
        }
        None => None,
    };
    let searcher = Searcher::open(&IndexDir::new(path))?;
    let options = BenchOptions {
        queries: bench::parse_queries(&text),
        runs: args.runs,
        warmup: args.warmup,
        threads: args.threads.unwrap_or_else(default_threads),
        limit: args.limit,
        ranking: args.ranking.into(),
    };
    let report = bench::run(&searcher, &options)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        table(&mut out, &report)?;
    }
    if let Some(previous) = &previous {
        writeln!(out)?;
        writeln!(
            out,
            "{:>9} {:>9} {:>7}  query (median total, ms)",
            "before", "now", "ratio"
        )?;
        for (query, before, now, ratio) in bench::compare(&report, previous) {
            writeln!(out, "{before:>9.3} {now:>9.3} {ratio:>6.2}x  {query}")?;
        }
        let ratio = report.overall.p50 / previous.overall.p50.max(1e-9);
        writeln!(
            out,
            "{:>9.3} {:>9.3} {ratio:>6.2}x  overall p50",
            previous.overall.p50, report.overall.p50
        )?;
    }
    out.flush()?;
    let failed = report.queries.iter().any(|q| q.error.is_some());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn table(out: &mut dyn Write, r: &BenchReport) -> std::io::Result<()> {
    writeln!(
        out,
        "index    {} ({} articles, {} passages, {} segments, opstamp {})",
        r.index.generation, r.index.articles, r.index.passages, r.index.segments, r.index.opstamp
    )?;
    writeln!(
        out,
        "machine  {} cores, {}",
        r.machine.cores, r.machine.model
    )?;
    writeln!(
        out,
        "runs     {} measured + {} warm-up per query, top {} with snippets and entities",
        r.runs, r.warmup, r.limit
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:>8} {:>8} {:>8} {:>8} {:>8} {:>8} | {:>7} {:>7} {:>7}  query   (ms)",
        "hits", "min", "p50", "p90", "p99", "max", "plan", "search", "fetch"
    )?;
    for q in &r.queries {
        match &q.error {
            Some(e) => {
                writeln!(out, "{:>8}  {}  error: {}", "-", q.query, e)?;
            }
            None => {
                let t = &q.total;
                writeln!(
                    out,
                    "{:>8} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} | {:>7.3} {:>7.3} {:>7.3}  {}",
                    q.hits.unwrap_or(0),
                    t.min,
                    t.p50,
                    t.p90,
                    t.p99,
                    t.max,
                    q.plan.p50,
                    q.search.p50,
                    q.fetch.p50,
                    q.query
                )?;
            }
        }
    }
    let o: &Latency = &r.overall;
    writeln!(out)?;
    writeln!(
        out,
        "overall  min {:.3}  p50 {:.3}  p90 {:.3}  p99 {:.3}  max {:.3} ms",
        o.min, o.p50, o.p90, o.p99, o.max
    )?;
    writeln!(
        out,
        "qps      {:.0} on 1 thread, {:.0} on {} threads",
        r.qps_single, r.qps_threads, r.threads
    )?;
    if r.facets.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:>8} {:>8} {:>8} {:>8} {:>8}  facet   (ms)",
        "passages", "values", "min", "p50", "p99"
    )?;
    for f in &r.facets {
        let how = match f.method {
            Method::Collector => "",
            Method::TantivyAggregation => " (tantivy terms aggregation, estimated articles)",
        };
        writeln!(
            out,
            "{:>8} {:>8} {:>8.3} {:>8.3} {:>8.3}  {} --by {}{how}",
            f.passages, f.values, f.latency.min, f.latency.p50, f.latency.p99, f.query, f.by
        )?;
    }
    Ok(())
}
