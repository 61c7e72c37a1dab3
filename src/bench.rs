//! Query latency measurement for `attache bench`: numbers only, the binary prints them.
//!
//! Each query runs `warmup` times unmeasured, then `runs` times with three stages timed
//! apart: parse + plan, search (top-K collection with exact counts), and fetch + snippets.
//! Throughput is measured twice: one thread running every query in turn, then `threads`
//! threads sharing the same index. Facets over every match of a common word are timed too
//! (see [`facets`]).

pub mod facets;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::search::{SearchRequest, Searcher};
use crate::stats;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// The queries, in attache's syntax.
    pub queries: Vec<String>,
    /// Measured runs per query, at least 1.
    pub runs: usize,
    /// Unmeasured runs per query before measuring.
    pub warmup: usize,
    /// Threads for the concurrent throughput run, at least 1.
    pub threads: usize,
    /// Hits fetched and snippeted per query (top-K).
    pub limit: usize,
    /// The ranking measured.
    pub ranking: crate::search::Ranking,
}

/// Latency percentiles, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Fastest run.
    pub min: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest run.
    pub max: f64,
}

impl Latency {
    /// Percentiles of `samples` (nearest rank); all zero when there are none.
    pub fn of(samples: &[Duration]) -> Latency {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| -> f64 {
            if ms.is_empty() {
                return 0.0;
            }
            let rank = ((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len());
            ms[rank - 1]
        };
        Latency {
            min: at(0.0),
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

/// One query's measurements.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueryReport {
    /// The query.
    pub query: String,
    /// Matching passages, or `None` when the query failed.
    pub hits: Option<u64>,
    /// Why the query failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Parse and plan.
    pub plan: Latency,
    /// Top-K collection with exact counts.
    pub search: Latency,
    /// Stored-field fetch, snippets and entities of the top K.
    pub fetch: Latency,
    /// The three together.
    pub total: Latency,
}

/// Which index was measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The generation folder.
    pub generation: String,
    /// Distinct articles.
    pub articles: u64,
    /// Passages.
    pub passages: u64,
    /// Segments.
    pub segments: usize,
    /// The tantivy commit stamp.
    pub opstamp: u64,
}

impl Fingerprint {
    /// The fingerprint of the index `searcher` has open.
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn of(searcher: &Searcher) -> Result<Fingerprint> {
        let stats = stats::stats(searcher)?;
        let metas = searcher.index().index.load_metas()?;
        Ok(Fingerprint {
            generation: stats.generation,
            articles: stats.articles,
            passages: stats.passages,
            segments: stats.segments,
            opstamp: metas.opstamp,
        })
    }
}

/// The machine it ran on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    /// Logical cores available.
    pub cores: usize,
    /// CPU model, from /proc/cpuinfo where there is one.
    pub model: String,
}

/// A whole benchmark run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchReport {
    /// The index.
    pub index: Fingerprint,
    /// The machine.
    pub machine: Machine,
    /// Runs per query, warm-up runs, top-K, threads.
    pub runs: usize,
    /// Unmeasured runs per query.
    pub warmup: usize,
    /// Hits fetched per query.
    pub limit: usize,
    /// Threads of the concurrent run.
    pub threads: usize,
    /// Per query.
    pub queries: Vec<QueryReport>,
    /// Every measured run of every successful query.
    pub overall: Latency,
    /// Queries per second, one thread.
    pub qps_single: f64,
    /// Queries per second, `threads` threads.
    pub qps_threads: f64,
    /// Facets over every match of a common word.
    #[serde(default)]
    pub facets: Vec<facets::FacetReport>,
}

/// Parses a queries file: one query per line; blank lines and `#` comments skipped.
pub fn parse_queries(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

impl BenchOptions {
    /// Checks that there is something to measure: queries, at least one run and one thread.
    ///
    /// # Errors
    /// [`Error::Invalid`] saying which is missing.
    pub fn validate(&self) -> Result<()> {
        if self.queries.is_empty() {
            return Err(Error::Invalid("no queries to measure".into()));
        }
        if self.runs == 0 {
            return Err(Error::Invalid(
                "0 measured runs: measure at least 1 run per query".into(),
            ));
        }
        if self.threads == 0 {
            return Err(Error::Invalid(
                "0 threads: the throughput run needs at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// Measures every query.
///
/// # Errors
/// Options that measure nothing (see [`BenchOptions::validate`]) and a failure to read the
/// index; a query that fails is reported in its row.
pub fn run(searcher: &Searcher, options: &BenchOptions) -> Result<BenchReport> {
    options.validate()?;
    let index = Fingerprint::of(searcher)?;
    let mut local = searcher.clone();
    let mut reports = Vec::with_capacity(options.queries.len());
    let mut all = Vec::new();
    for query in &options.queries {
        let report = measure(&mut local, query, options, &mut all)?;
        reports.push(report);
    }
    let good: Vec<&String> = options
        .queries
        .iter()
        .zip(&reports)
        .filter(|(_, r)| r.error.is_none())
        .map(|(q, _)| q)
        .collect();
    let qps_single = throughput(searcher, &good, options, 1)?;
    let qps_threads = throughput(searcher, &good, options, options.threads)?;
    let facets = facets::measure(searcher, options.runs, options.warmup)?;
    Ok(BenchReport {
        index,
        machine: machine(),
        runs: options.runs,
        warmup: options.warmup,
        limit: options.limit,
        threads: options.threads,
        queries: reports,
        overall: Latency::of(&all),
        qps_single,
        qps_threads,
        facets,
    })
}

fn measure(
    searcher: &mut Searcher,
    query: &str,
    options: &BenchOptions,
    all: &mut Vec<Duration>,
) -> Result<QueryReport> {
    let request = SearchRequest {
        ranking: options.ranking,
        ..SearchRequest::new(query, options.limit)
    };
    let failed = |e: Error| QueryReport {
        query: query.to_owned(),
        hits: None,
        error: Some(e.to_string()),
        plan: Latency::default(),
        search: Latency::default(),
        fetch: Latency::default(),
        total: Latency::default(),
    };
    for _ in 0..options.warmup {
        if let Err(e) = searcher.search(&request) {
            return Ok(failed(e));
        }
    }
    let (mut plan_t, mut search_t, mut fetch_t, mut total_t) = (vec![], vec![], vec![], vec![]);
    let mut hits = 0;
    for _ in 0..options.runs {
        let t0 = Instant::now();
        let plan = match searcher.plan(&request) {
            Ok(plan) => plan,
            Err(e) => return Ok(failed(e)),
        };
        let t1 = Instant::now();
        let collected = searcher.collect(&plan, options.limit)?;
        hits = collected.passages;
        let t2 = Instant::now();
        let fetched = searcher.hits(&plan, collected)?;
        let t3 = Instant::now();
        std::hint::black_box(fetched);
        plan_t.push(t1 - t0);
        search_t.push(t2 - t1);
        fetch_t.push(t3 - t2);
        total_t.push(t3 - t0);
    }
    all.extend_from_slice(&total_t);
    Ok(QueryReport {
        query: query.to_owned(),
        hits: Some(hits),
        error: None,
        plan: Latency::of(&plan_t),
        search: Latency::of(&search_t),
        fetch: Latency::of(&fetch_t),
        total: Latency::of(&total_t),
    })
}

/// Queries per second with `threads` threads each running every query `runs` times.
fn throughput(
    searcher: &Searcher,
    queries: &[&String],
    options: &BenchOptions,
    threads: usize,
) -> Result<f64> {
    if queries.is_empty() {
        return Ok(0.0);
    }
    let started = Instant::now();
    let results: Vec<Result<usize>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let mut local = searcher.clone();
                scope.spawn(move || -> Result<usize> {
                    let mut done = 0;
                    for run in 0..options.runs {
                        for i in 0..queries.len() {
                            // Threads start at different queries so they do not move in step.
                            let query = queries[(i + t + run) % queries.len()];
                            local.search(&SearchRequest::new(query.as_str(), options.limit))?;
                            done += 1;
                        }
                    }
                    Ok(done)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("benchmark thread"))
            .collect()
    });
    let mut done = 0;
    for r in results {
        done += r?;
    }
    Ok(done as f64 / started.elapsed().as_secs_f64())
}

/// The machine's core count and CPU model.
pub fn machine() -> Machine {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    Machine {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        model,
    }
}

/// Per-query ratios of median total latency, current over previous, for queries in both.
pub fn compare(current: &BenchReport, previous: &BenchReport) -> Vec<(String, f64, f64, f64)> {
    current
        .queries
        .iter()
        .filter_map(|q| {
            let before = previous.queries.iter().find(|p| p.query == q.query)?;
            (q.error.is_none() && before.error.is_none() && before.total.p50 > 0.0).then(|| {
                (
                    q.query.clone(),
                    before.total.p50,
                    q.total.p50,
                    q.total.p50 / before.total.p50,
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_that_measure_nothing_are_refused() {
        let ok = BenchOptions {
            queries: vec!["ushakov".into()],
            runs: 1,
            warmup: 0,
            threads: 1,
            limit: 10,
            ranking: crate::search::Ranking::Full,
        };
        assert!(ok.validate().is_ok());
        let cases = [
            (
                BenchOptions {
                    queries: Vec::new(),
                    ..ok.clone()
                },
                "no queries to measure",
            ),
            (
                BenchOptions {
                    runs: 0,
                    ..ok.clone()
                },
                "0 measured runs: measure at least 1 run per query",
            ),
            (
                BenchOptions {
                    threads: 0,
                    ..ok.clone()
                },
                "0 threads: the throughput run needs at least 1",
            ),
        ];
        for (options, want) in cases {
            assert_eq!(options.validate().unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let l = Latency::of(&samples);
        assert_eq!(
            (l.min, l.p50, l.p90, l.p99, l.max),
            (1.0, 50.0, 90.0, 99.0, 100.0)
        );
        assert_eq!(Latency::of(&[]), Latency::default());
    }

    #[test]
    fn queries_files_skip_comments_and_blank_lines() {
        let text = "# public queries\n\"security guarantee\"\n\n  Ushakov  \n# end\n";
        assert_eq!(parse_queries(text), ["\"security guarantee\"", "Ushakov"]);
    }
}
