//! `attache bench`: measure query latency and print the table (or the JSON report).

use std::io::Write;

use anyhow::Context;

use attache::bench::compare::{self, Comparison};
use attache::bench::facets::Method;
use attache::bench::{self, BenchOptions, BenchReport, Latency};
use attache::index::IndexDir;
use attache::search::Searcher;

use crate::cli::BenchArgs;
use crate::exit::Exit;
use attache::index::build::defaults;

pub fn run(args: BenchArgs) -> anyhow::Result<Exit> {
    let (path, _) = args.location.resolve()?;
    let text = match &args.queries {
        Some(file) if file.is_dir() => anyhow::bail!(
            "cannot read queries from {}: it is a folder; give a file of queries, one a line",
            file.display()
        ),
        Some(file) => std::fs::read_to_string(file)
            .with_context(|| format!("cannot read queries from {}", file.display()))?
            .trim_start_matches('\u{feff}')
            .to_owned(),
        None => bench::BUILTIN_QUERIES.to_owned(),
    };
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
        max_runs: args.max_runs,
        max_time: args.max_seconds,
        precision: args.precision,
        warmup: args.warmup,
        threads: args.threads.unwrap_or_else(defaults::threads),
        limit: args.limit,
        ranking: args.ranking.into(),
    };
    let report = bench::run(&searcher, &options)?;
    // Refuse before printing anything, so a mismatch is one error line.
    if let (Some(previous), Some(file)) = (&previous, &args.compare) {
        let problems = compare::mismatches(&report, previous);
        if !problems.is_empty() {
            if !args.allow_mismatch {
                anyhow::bail!(
                    "cannot compare with {}: {}; measure both on the same index and build, or \
                     pass --allow-mismatch",
                    file.display(),
                    problems.join("; ")
                );
            }
            for problem in &problems {
                eprintln!("WARNING: comparing reports that differ: {problem}");
            }
        }
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        table(&mut out, &report)?;
    }
    if let Some(previous) = &previous {
        comparison(&mut out, &compare::compare(&report, previous))?;
    }
    out.flush()?;
    let failed = report.queries.iter().any(|q| q.error.is_some());
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

/// The comparison table: per query, before, now, the ratio and whether it is significant.
fn comparison(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{:>9} {:>9} {:>7} {:>8}  query (median total, ms; * significant: Holm-adjusted \
         Mann-Whitney p < {}, the medians' 95% intervals apart, and a change over {}%)",
        "before",
        "now",
        "ratio",
        "p",
        compare::ALPHA,
        compare::MIN_EFFECT * 100.0
    )?;
    for q in &c.queries {
        let p = q.p.map_or("-".to_owned(), |p| format!("{p:.3}"));
        let mark = if q.significant { "*" } else { " " };
        writeln!(
            out,
            "{:>9.3} {:>9.3} {:>6.2}x{mark} {p:>8}  {}",
            q.before, q.now, q.ratio, q.query
        )?;
    }
    let moved = c.queries.iter().filter(|q| q.significant).count();
    let verdict = if c.overall_significant {
        "a significant change"
    } else {
        "no significant change"
    };
    writeln!(
        out,
        "overall  {:.2}x (geometric mean of the ratios; paired randomisation test p = {:.3}): \
         {verdict} (p < {} and over {}%); {moved} of {} queries changed significantly",
        c.overall_ratio,
        c.overall_p,
        compare::ALPHA,
        compare::MIN_OVERALL_EFFECT * 100.0,
        c.queries.len()
    )
}

fn table(out: &mut dyn Write, r: &BenchReport) -> std::io::Result<()> {
    let b = &r.build;
    let commit = match b.commit.as_str() {
        "" => "commit unknown".to_owned(),
        c => format!("commit {} (from the {})", c, b.commit_source),
    };
    writeln!(out, "attache  {} {commit}, {} build", b.version, b.profile)?;
    writeln!(
        out,
        "index    {} ({} articles, {} passages, {} segments, opstamp {}, meta.json {})",
        r.index.generation,
        r.index.articles,
        r.index.passages,
        r.index.segments,
        r.index.opstamp,
        r.index.meta_hash
    )?;
    let load = |l: &[f64]| {
        l.iter()
            .map(|v| format!("{v:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    writeln!(
        out,
        "machine  {} cores, {}; load {} before, {} after",
        r.machine.cores,
        r.machine.model,
        load(&r.machine.load_before),
        load(&r.machine.load_after)
    )?;
    writeln!(
        out,
        "runs     {} to {} measured per query until the median's 95% interval is within \
         ±{}%, {} warm-up; top {} with snippets and entities",
        r.runs,
        r.max_runs,
        r.precision * 100.0,
        r.warmup,
        r.limit
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:>8} {:>8} {:>8} {:>7} {:>8} {:>8} {:>8} | {:>7} {:>7} {:>7} {:>6}  query   (ms)",
        "hits", "min", "p50", "±95%", "p90", "p99", "max", "plan", "search", "fetch", "runs"
    )?;
    for q in &r.queries {
        match &q.error {
            Some(e) => {
                writeln!(out, "{:>8}  {}  error: {}", "-", q.query, e)?;
            }
            None => {
                let t = &q.total;
                // The interval's half-width, as a share of the median; `~` when a bound stopped
                // the runs before it was as narrow as asked.
                let half = (q.median_ci[1] - q.median_ci[0]) / 2.0 / t.p50.max(1e-9) * 100.0;
                let mark = if q.converged { ' ' } else { '~' };
                writeln!(
                    out,
                    "{:>8} {:>8.3} {:>8.3} {:>6.1}%{mark}{:>8.3} {:>8.3} {:>8.3} | {:>7.3} {:>7.3} {:>7.3} {:>6}  {}",
                    // A lower bound is shown as one (`≥1000`), as the search footer does.
                    match q.hits_exact {
                        true => q.hits.unwrap_or(0).to_string(),
                        false => format!("≥{}", q.hits.unwrap_or(0)),
                    },
                    t.min,
                    t.p50,
                    half,
                    t.p90,
                    t.p99,
                    t.max,
                    q.plan.p50,
                    q.search.p50,
                    q.fetch.p50,
                    q.runs,
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
    match r.threads {
        1 => writeln!(out, "qps      {:.0} on 1 thread", r.qps_single)?,
        n => writeln!(
            out,
            "qps      {:.0} on 1 thread, {:.0} on {n} threads",
            r.qps_single, r.qps_threads
        )?,
    }
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
