//! Query latency measurement for `attache bench`: numbers only, the binary prints them.
//!
//! Each query runs `warmup` times unmeasured, then at least `runs` times with three stages
//! timed apart: parse + plan, search (top-K collection with exact counts), and fetch +
//! snippets. It goes on running until the 95% confidence interval of its median total latency
//! is within `precision` of the median (a distribution-free interval, from the order
//! statistics), or until `max_runs` or `max_time` stop it. Throughput is measured twice: one
//! thread running every query in turn, then `threads` threads sharing the same index. Facets
//! over every match of a common word are timed too (see [`facets`]).
//!
//! A report says what it measured, so that two can be compared fairly ([`compare`]): the
//! attache version and commit, the build profile, the index's fingerprint (down to a hash of
//! its `meta.json`), the machine's cores and its load before and after.

pub mod compare;
pub mod facets;

use std::path::Path;
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
    /// Measured runs per query, at least 1: the fewest, when more are needed for `precision`.
    pub runs: usize,
    /// The most measured runs per query.
    pub max_runs: usize,
    /// The longest a query is measured for, once it has `runs` runs.
    pub max_time: Duration,
    /// The widest 95% confidence interval of a median accepted, as a share of the median on
    /// either side (0.03: ±3%); 0 runs every query `max_runs` times or for `max_time`.
    pub precision: f64,
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

/// Reports written before `hits_exact` counted exactly.
fn exact_by_default() -> bool {
    true
}

/// One query's measurements.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueryReport {
    /// The query.
    pub query: String,
    /// Matching passages, or `None` when the query failed.
    pub hits: Option<u64>,
    /// Whether `hits` is exact, or a lower bound (a ranked search stops counting after 1,000
    /// matches).
    #[serde(default = "exact_by_default")]
    pub hits_exact: bool,
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
    /// Measured runs.
    #[serde(default)]
    pub runs: usize,
    /// The 95% confidence interval of the median total latency, ms.
    #[serde(default)]
    pub median_ci: [f64; 2],
    /// Whether the interval got within the precision asked before a bound stopped it.
    #[serde(default)]
    pub converged: bool,
    /// Every measured total latency, ms, in the order run (what `--compare` tests).
    #[serde(default)]
    pub samples: Vec<f64>,
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
    /// A hash (xxh3, hex) of the generation's `meta.json`: its segments and their deletes.
    #[serde(default)]
    pub meta_hash: String,
}

impl Fingerprint {
    /// The fingerprint of the index `searcher` has open.
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn of(searcher: &Searcher) -> Result<Fingerprint> {
        let stats = stats::stats(searcher)?;
        let metas = searcher.index().index.load_metas()?;
        let meta = Path::new(&searcher.index().generation).join("meta.json");
        // Through the index's directory: a shard set's `meta.json` lists every shard's segments.
        use tantivy::directory::Directory;
        let meta_hash = (searcher.index().index.directory())
            .atomic_read(Path::new("meta.json"))
            .map(|bytes| format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes)))
            .map_err(|e| Error::io(&meta, std::io::Error::other(e.to_string())))?;
        Ok(Fingerprint {
            generation: stats.generation,
            articles: stats.articles,
            passages: stats.passages,
            segments: stats.segments,
            opstamp: metas.opstamp,
            meta_hash,
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
    /// Load averages over 1, 5 and 15 minutes (/proc/loadavg) when the run started; empty
    /// where the platform does not tell.
    #[serde(default)]
    pub load_before: Vec<f64>,
    /// The same when it ended.
    #[serde(default)]
    pub load_after: Vec<f64>,
}

/// The build that measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Build {
    /// attache's version.
    pub version: String,
    /// The git commit, with `-dirty` when the checkout had changes; empty when unknown.
    pub commit: String,
    /// Where the commit came from: `build` (`ATTACHE_COMMIT` set when compiling) or
    /// `checkout` (`git rev-parse` in the source folder when measuring).
    pub commit_source: String,
    /// `debug` or `release`.
    pub profile: String,
}

impl Build {
    /// This build. The commit is the one `ATTACHE_COMMIT` named at compile time; without it,
    /// the source checkout's `HEAD` now (one `git` call per report, cheap beside a benchmark,
    /// and no build script to re-run on every commit), marked as such, since the checkout may
    /// have moved on since the build.
    pub fn current() -> Build {
        let (commit, source) = match option_env!("ATTACHE_COMMIT") {
            Some(commit) => (commit.to_owned(), "build"),
            None => (checkout_commit().unwrap_or_default(), "checkout"),
        };
        Build {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            commit,
            commit_source: source.to_owned(),
            profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
            .to_owned(),
        }
    }
}

/// The source checkout's `HEAD`, `-dirty` when it has changes, if git can tell.
fn checkout_commit() -> Option<String> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "HEAD"]).filter(|h| !h.is_empty())?;
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{head}-dirty") } else { head })
}

/// A whole benchmark run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchReport {
    /// The build that measured.
    #[serde(default)]
    pub build: Build,
    /// The ranking measured (`full` or `bm25`).
    #[serde(default)]
    pub ranking: String,
    /// The precision asked (see [`BenchOptions::precision`]).
    #[serde(default)]
    pub precision: f64,
    /// The index.
    pub index: Fingerprint,
    /// The machine.
    pub machine: Machine,
    /// The fewest measured runs per query.
    pub runs: usize,
    /// The most measured runs per query.
    #[serde(default)]
    pub max_runs: usize,
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

/// The queries measured when none are given (`benches/queries.txt`, built in): each kind of
/// query, with words of the sample corpus and of the UNGDC.
pub const BUILTIN_QUERIES: &str = include_str!("../benches/queries.txt");

/// Parses a queries file: one query per line; blank lines and `#` comments skipped.
pub fn parse_queries(text: &str) -> Vec<String> {
    crate::corpus::lines(text)
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
        if self.max_runs < self.runs {
            return Err(Error::Invalid(format!(
                "--max-runs {} is below --runs {}: raise --max-runs",
                self.max_runs, self.runs
            )));
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
    // Damage found while measuring (a store's bytes, an offset out of range) is reported as
    // a search reports it, not as a panic.
    searcher.guard(|| measure_all(searcher, options))
}

fn measure_all(searcher: &Searcher, options: &BenchOptions) -> Result<BenchReport> {
    options.validate()?;
    let load_before = load();
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
    let facets = facets::measure(searcher, options.runs, options.warmup, options.max_time)?;
    let mut machine = machine();
    machine.load_before = load_before;
    machine.load_after = load();
    Ok(BenchReport {
        build: Build::current(),
        ranking: options.ranking.name().to_owned(),
        precision: options.precision,
        index,
        machine,
        runs: options.runs,
        max_runs: options.max_runs,
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
    // One run that outlasts the query's time is stopped there and reported as an error, not
    // waited for (a thousand broad prefixes ran for minutes).
    let request = SearchRequest {
        ranking: options.ranking,
        timeout: Some(options.max_time.max(Duration::from_secs(1))),
        ..SearchRequest::new(query, options.limit)
    };
    let failed = |e: Error| QueryReport {
        query: query.to_owned(),
        hits: None,
        hits_exact: true,
        error: Some(e.to_string()),
        plan: Latency::default(),
        search: Latency::default(),
        fetch: Latency::default(),
        total: Latency::default(),
        runs: 0,
        median_ci: [0.0; 2],
        converged: false,
        samples: Vec::new(),
    };
    for _ in 0..options.warmup {
        if let Err(e) = searcher.search(&request) {
            return Ok(failed(e));
        }
    }
    let (mut plan_t, mut search_t, mut fetch_t, mut total_t) = (vec![], vec![], vec![], vec![]);
    let (mut hits, mut hits_exact);
    let started = Instant::now();
    let mut converged = false;
    loop {
        let t0 = Instant::now();
        let plan = match searcher.plan(&request) {
            Ok(plan) => plan,
            Err(e) => return Ok(failed(e)),
        };
        let t1 = Instant::now();
        let collected = searcher.collect(&plan, options.limit)?;
        hits = collected.passages;
        hits_exact = collected.exact;
        let t2 = Instant::now();
        let fetched = searcher.hits(&plan, collected)?;
        let t3 = Instant::now();
        std::hint::black_box(fetched);
        plan_t.push(t1 - t0);
        search_t.push(t2 - t1);
        fetch_t.push(t3 - t2);
        total_t.push(t3 - t0);
        let n = total_t.len();
        // Sorting for the interval costs little beside a query; look every few runs.
        // Fewer than 6 samples bound no median with 95% confidence: none converges on them.
        if n >= options.runs.max(MIN_CI_SAMPLES) && (n == options.runs || n % 8 == 0) {
            let (lo, median, hi) = median_ci(&total_t);
            if options.precision > 0.0 && hi - lo <= 2.0 * options.precision * median {
                converged = true;
                break;
            }
        }
        if n >= options.max_runs || (n >= options.runs && started.elapsed() >= options.max_time) {
            break;
        }
    }
    all.extend_from_slice(&total_t);
    let (lo, _, hi) = median_ci(&total_t);
    Ok(QueryReport {
        query: query.to_owned(),
        hits: Some(hits),
        hits_exact,
        error: None,
        plan: Latency::of(&plan_t),
        search: Latency::of(&search_t),
        fetch: Latency::of(&fetch_t),
        total: Latency::of(&total_t),
        runs: total_t.len(),
        median_ci: [lo, hi],
        converged,
        samples: total_t.iter().map(|d| ms(*d)).collect(),
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The fewest samples whose order statistics bound a median with 95% confidence.
const MIN_CI_SAMPLES: usize = 6;

/// The 95% confidence interval of the median of `samples`, and the median (nearest rank), in
/// ms: the order statistics at ranks n/2 ∓ 1.96·√n/2, which bound the median with 95%
/// probability whatever the distribution. With fewer than 6 samples, the whole range.
pub fn median_ci(samples: &[Duration]) -> (f64, f64, f64) {
    let mut v: Vec<f64> = samples.iter().map(|d| ms(*d)).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let median = v[n.div_ceil(2) - 1];
    let half = 1.96 * (n as f64).sqrt() / 2.0;
    let lo = ((n as f64 / 2.0 - half).floor() as usize).clamp(1, n);
    let hi = ((n as f64 / 2.0 + half).ceil() as usize + 1).clamp(1, n);
    (v[lo - 1], median, v[hi - 1])
}

/// The load averages over 1, 5 and 15 minutes, from /proc/loadavg (empty elsewhere).
pub fn load() -> Vec<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .filter_map(|v| v.parse().ok())
                .collect()
        })
        .unwrap_or_default()
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
                    searcher.guard(|| {
                        let mut done = 0;
                        for run in 0..options.runs {
                            for i in 0..queries.len() {
                                // Threads start at different queries so they do not move in
                                // step.
                                let query = queries[(i + t + run) % queries.len()];
                                local.search(&SearchRequest::new(query.as_str(), options.limit))?;
                                done += 1;
                            }
                        }
                        Ok(done)
                    })
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
        load_before: Vec::new(),
        load_after: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_that_measure_nothing_are_refused() {
        let ok = BenchOptions {
            queries: vec!["ushakov".into()],
            runs: 1,
            max_runs: 1,
            max_time: Duration::from_secs(1),
            precision: 0.0,
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
    fn the_median_interval_is_from_the_order_statistics() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let (lo, median, hi) = median_ci(&samples);
        // n = 100: ranks 50 ∓ 9.8, so the 40th and the 61st values.
        assert_eq!((lo, median, hi), (40.0, 50.0, 61.0));
        let few: Vec<Duration> = (1..=3).map(Duration::from_millis).collect();
        assert_eq!(median_ci(&few), (1.0, 2.0, 3.0));
        assert_eq!(median_ci(&[]), (0.0, 0.0, 0.0));
    }

    #[test]
    fn the_built_in_queries_parse() {
        let queries = parse_queries(BUILTIN_QUERIES);
        assert!(queries.len() >= 10, "{queries:?}");
        for q in &queries {
            assert!(crate::search::parse::parse(q).is_ok(), "{q}");
        }
    }

    #[test]
    fn queries_files_skip_comments_and_blank_lines() {
        let text = "# public queries\n\"security guarantee\"\n\n  Ushakov  \n# end\n";
        assert_eq!(parse_queries(text), ["\"security guarantee\"", "Ushakov"]);
    }
}
