//! Comparing two `attache bench` reports: is each difference more than noise, and were the two
//! runs measuring the same thing at all?
//!
//! Per query, the two runs' latency samples are compared with the Mann–Whitney U test (normal
//! approximation with continuity and tie corrections), and the p-values across queries are
//! adjusted with Holm's step-down method, so that forty queries do not make two false alarms
//! at 5%. A query's difference counts as significant when its adjusted p-value is below 0.05,
//! the two medians' 95% confidence intervals do not overlap, **and** the medians differ by
//! more than [`MIN_EFFECT`]: samples taken minutes apart on a shared machine differ by a few
//! percent with nothing changed (two runs of one binary, measured: up to 8% on a query, with
//! p < 0.001), which a test within each run cannot know is drift. Across
//! queries, a paired randomisation test on the log ratios of the medians says whether the run
//! as a whole moved; the run counts as changed when that test says so and the geometric mean
//! of the ratios moved more than [`MIN_OVERALL_EFFECT`] (two runs of one binary on a loaded
//! machine, measured: 0.99×, p = 0.003).

use serde::Serialize;

use super::BenchReport;
use crate::eval::significance::randomisation_test;

/// The significance level, after Holm's adjustment.
pub const ALPHA: f64 = 0.05;
/// The smallest change of a median called significant: 10% either way.
pub const MIN_EFFECT: f64 = 0.10;
/// The smallest change of the whole run (the geometric mean of the ratios) called
/// significant: 3% either way.
pub const MIN_OVERALL_EFFECT: f64 = 0.03;

/// One query in both reports.
#[derive(Debug, Clone, Serialize)]
pub struct QueryChange {
    /// The query.
    pub query: String,
    /// Median total latency before and now, ms.
    pub before: f64,
    /// See `before`.
    pub now: f64,
    /// `now / before`.
    pub ratio: f64,
    /// Holm-adjusted two-sided p-value of the Mann–Whitney test on the samples; `None` when a
    /// report holds no samples (an older report).
    pub p: Option<f64>,
    /// Significant at [`ALPHA`], with non-overlapping confidence intervals and a change
    /// larger than [`MIN_EFFECT`].
    pub significant: bool,
}

/// Two reports compared.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Queries in both reports that ran in both, in the current report's order.
    pub queries: Vec<QueryChange>,
    /// Geometric mean of the per-query ratios.
    pub overall_ratio: f64,
    /// Two-sided p-value of the paired randomisation test on the log ratios.
    pub overall_p: f64,
    /// Significant at [`ALPHA`] and larger than [`MIN_OVERALL_EFFECT`].
    pub overall_significant: bool,
}

/// What differs between two reports that makes their latencies incomparable: the index, the
/// build profile, the top-K, the ranking. Empty when they are comparable.
pub fn mismatches(now: &BenchReport, before: &BenchReport) -> Vec<String> {
    let mut out = Vec::new();
    let (a, b) = (&now.index, &before.index);
    if b.meta_hash.is_empty() {
        out.push("the earlier report has no index fingerprint (an older attache bench)".into());
    } else if (a.articles, a.passages, &a.meta_hash) != (b.articles, b.passages, &b.meta_hash) {
        out.push(format!(
            "different indexes: {} articles, {} passages, meta.json {} before; {} articles, \
             {} passages, meta.json {} now",
            b.articles, b.passages, b.meta_hash, a.articles, a.passages, a.meta_hash
        ));
    }
    if now.build.profile != before.build.profile {
        out.push(format!(
            "different build profiles: {} before, {} now",
            or_unknown(&before.build.profile),
            now.build.profile
        ));
    }
    if now.limit != before.limit {
        out.push(format!(
            "different top-K: {} before, {} now",
            before.limit, now.limit
        ));
    }
    if now.ranking != before.ranking {
        out.push(format!(
            "different rankings: {} before, {} now",
            or_unknown(&before.ranking),
            now.ranking
        ));
    }
    out
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "unknown" } else { s }
}

/// Compares `now` with `before`, query by query (matched by text).
pub fn compare(now: &BenchReport, before: &BenchReport) -> Comparison {
    let mut queries = Vec::new();
    let mut raw_p = Vec::new();
    for q in &now.queries {
        let Some(b) = before.queries.iter().find(|b| b.query == q.query) else {
            continue;
        };
        if q.error.is_some() || b.error.is_some() || b.total.p50 <= 0.0 {
            continue;
        }
        let p = (!q.samples.is_empty() && !b.samples.is_empty())
            .then(|| mann_whitney(&b.samples, &q.samples));
        raw_p.push(p);
        queries.push(QueryChange {
            query: q.query.clone(),
            before: b.total.p50,
            now: q.total.p50,
            ratio: q.total.p50 / b.total.p50,
            p,
            significant: false,
        });
    }
    let adjusted = holm(&raw_p);
    for (i, change) in queries.iter_mut().enumerate() {
        change.p = adjusted[i];
        let (q, b) = (
            now.queries.iter().find(|x| x.query == change.query),
            before.queries.iter().find(|x| x.query == change.query),
        );
        let apart = match (q, b) {
            (Some(q), Some(b)) => {
                q.median_ci[0] > b.median_ci[1] || b.median_ci[0] > q.median_ci[1]
            }
            _ => false,
        };
        change.significant =
            apart && beyond(change.ratio, MIN_EFFECT) && change.p.is_some_and(|p| p < ALPHA);
    }
    let logs_before: Vec<f64> = queries.iter().map(|c| c.before.ln()).collect();
    let logs_now: Vec<f64> = queries.iter().map(|c| c.now.ln()).collect();
    let mean_log = if queries.is_empty() {
        0.0
    } else {
        logs_now
            .iter()
            .zip(&logs_before)
            .map(|(n, b)| n - b)
            .sum::<f64>()
            / queries.len() as f64
    };
    let overall_ratio = mean_log.exp();
    let overall_p = randomisation_test(&logs_before, &logs_now, 100_000, 1);
    Comparison {
        overall_ratio,
        overall_p,
        overall_significant: overall_p < ALPHA && beyond(overall_ratio, MIN_OVERALL_EFFECT),
        queries,
    }
}

/// Whether `ratio` is a change of more than `effect` either way (1.1 and 1/1.1 for 10%).
fn beyond(ratio: f64, effect: f64) -> bool {
    !(1.0 / (1.0 + effect)..=1.0 + effect).contains(&ratio)
}

/// Two-sided p-value of the Mann–Whitney U test of `a` against `b`: the normal approximation
/// with a continuity correction and the variance corrected for ties. 1 when either is empty or
/// every value is the same.
pub fn mann_whitney(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    if a.is_empty() || b.is_empty() {
        return 1.0;
    }
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|&x| (x, true))
        .chain(b.iter().map(|&x| (x, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    // Mid-ranks for ties, and the tie term of the variance.
    let (mut rank_sum_a, mut ties) = (0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let t = (j - i + 1) as f64;
        let mid = (i + j) as f64 / 2.0 + 1.0;
        rank_sum_a += all[i..=j].iter().filter(|x| x.1).count() as f64 * mid;
        ties += t * t * t - t;
        i = j + 1;
    }
    let u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let mean = n1 * n2 / 2.0;
    let n = n1 + n2;
    let var = n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    if var <= 0.0 {
        return 1.0;
    }
    let z = ((u - mean).abs() - 0.5).max(0.0) / var.sqrt();
    (2.0 * normal_upper_tail(z)).min(1.0)
}

/// P(Z > z) for a standard normal Z (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
fn normal_upper_tail(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    0.5 * poly * (-x * x).exp()
}

/// Holm's step-down adjustment of `p` (absent values stay absent).
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i, p)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    let m = order.len();
    let mut out = vec![None; p.len()];
    let mut running: f64 = 0.0;
    for (k, (i, p)) in order.into_iter().enumerate() {
        running = running.max(((m - k) as f64 * p).min(1.0));
        out[i] = Some(running);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mann_whitney_tells_a_shift_from_noise() {
        let a: Vec<f64> = (0..30).map(|i| 1.0 + f64::from(i % 7) * 0.01).collect();
        let same: Vec<f64> = (0..30)
            .map(|i| 1.0 + f64::from((i + 3) % 7) * 0.01)
            .collect();
        let slower: Vec<f64> = a.iter().map(|x| x * 1.5).collect();
        assert!(mann_whitney(&a, &same) > 0.5, "{}", mann_whitney(&a, &same));
        assert!(
            mann_whitney(&a, &slower) < 1e-6,
            "{}",
            mann_whitney(&a, &slower)
        );
        assert_eq!(mann_whitney(&a, &[]), 1.0);
        assert_eq!(mann_whitney(&[2.0; 5], &[2.0; 5]), 1.0);
    }

    /// A report of one query whose runs took `samples` ms, on the index with `meta`.
    fn report(samples: &[f64], meta: &str, profile: &str) -> BenchReport {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        let latency = serde_json::json!({"min": 0, "p50": median, "p90": 0, "p99": 0, "max": 0});
        serde_json::from_value(serde_json::json!({
            "build": {"version": "0.1.0", "profile": profile},
            "ranking": "full",
            "index": {"generation": "g", "articles": 2, "passages": 21, "segments": 1,
                      "opstamp": 1, "meta_hash": meta},
            "machine": {"cores": 2, "model": "m"},
            "runs": 20, "warmup": 0, "limit": 10, "threads": 1,
            "queries": [{"query": "q", "hits": 1, "plan": latency, "search": latency,
                         "fetch": latency, "total": latency, "runs": samples.len(),
                         "median_ci": [sorted[sorted.len() / 4], sorted[sorted.len() * 3 / 4]],
                         "samples": samples}],
            "overall": latency, "qps_single": 1.0, "qps_threads": 1.0
        }))
        .unwrap()
    }

    #[test]
    fn a_clear_slowdown_is_significant_and_noise_is_not() {
        let base: Vec<f64> = (0..40).map(|i| 1.0 + f64::from(i % 10) * 0.002).collect();
        let noise: Vec<f64> = base.iter().map(|x| x * 1.01).collect();
        let slower: Vec<f64> = base.iter().map(|x| x * 1.5).collect();
        let before = report(&base, "aa", "release");
        let same = compare(&report(&noise, "aa", "release"), &before);
        assert!(!same.queries[0].significant, "{same:?}");
        let slow = compare(&report(&slower, "aa", "release"), &before);
        assert!(slow.queries[0].significant, "{slow:?}");
        assert!((slow.queries[0].ratio - 1.5).abs() < 1e-9);
    }

    #[test]
    fn reports_of_other_indexes_or_profiles_are_named_as_incomparable() {
        let samples = [1.0, 1.1, 1.2];
        let before = report(&samples, "aa", "release");
        assert!(mismatches(&report(&samples, "aa", "release"), &before).is_empty());
        assert_eq!(
            mismatches(&report(&samples, "bb", "debug"), &before),
            [
                "different indexes: 2 articles, 21 passages, meta.json aa before; 2 articles, \
                 21 passages, meta.json bb now",
                "different build profiles: release before, debug now"
            ]
        );
    }

    #[test]
    fn the_normal_tail_matches_tables() {
        assert!((normal_upper_tail(1.959_964) - 0.025).abs() < 1e-6);
        assert!((normal_upper_tail(0.0) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn holm_multiplies_the_smallest_p_by_the_number_of_tests_and_stays_monotone() {
        let adjusted = holm(&[Some(0.01), None, Some(0.04), Some(0.03)]);
        assert_eq!(adjusted[1], None);
        let got: Vec<f64> = [0, 2, 3].iter().map(|&i| adjusted[i].unwrap()).collect();
        let want = [0.03, 0.06, 0.06];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
    }
}
