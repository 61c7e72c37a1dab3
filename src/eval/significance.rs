//! Comparing two evaluations of the same needs: per-need deltas, a paired randomisation test
//! and a sign test.
//!
//! The randomisation test asks how often the mean paired difference would be at least as large
//! (in absolute value) if each need's two scores were as likely swapped as not. With at most
//! `log2(permutations)` needs it enumerates every one of the `2^n` swaps, so the p-value is
//! exact; otherwise it draws `permutations` random swaps from a fixed seed (the same inputs give
//! the same p-value) and reports `(hits + 1) / (permutations + 1)`. The sign test counts the
//! needs that went up and down, drops ties, and gives the two-sided exact binomial p-value.

use serde::Serialize;

use super::{EvalReport, Scores};
use crate::generate::rng::Rng;

/// Random swaps drawn by the randomisation test.
pub const PERMUTATIONS: usize = 10_000;
/// The seed of those draws.
pub const SEED: u64 = 0x5EED_A77A_C4E5;

/// One need's scores before and now.
#[derive(Debug, Clone, Serialize)]
pub struct NeedDelta {
    /// The need's id.
    pub id: String,
    /// Its query now.
    pub query: String,
    /// Scores of the earlier report.
    pub before: Scores,
    /// Scores now.
    pub now: Scores,
}

/// A metric's mean before and now, over the needs where both define it, and the tests.
#[derive(Debug, Clone, Serialize)]
pub struct MetricTest {
    /// `ndcg10` or `mrr`.
    pub metric: &'static str,
    /// Needs compared.
    pub needs: usize,
    /// Mean before.
    pub before: f64,
    /// Mean now.
    pub now: f64,
    /// Needs whose score went up, down, or stayed.
    pub wins: usize,
    /// See `wins`.
    pub losses: usize,
    /// See `wins`.
    pub ties: usize,
    /// Two-sided p-value of the paired randomisation test.
    pub p_randomisation: f64,
    /// Two-sided p-value of the sign test.
    pub p_sign: f64,
}

/// What changed between two reports.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The needs of both reports, in the current report's order.
    pub needs: Vec<NeedDelta>,
    /// Ids of needs in only one of the two reports.
    pub unmatched: Vec<String>,
    /// nDCG@10 and MRR.
    pub tests: Vec<MetricTest>,
}

/// Compares `now` with `before`, need by need (matched by id).
pub fn compare(now: &EvalReport, before: &EvalReport) -> Comparison {
    let mut needs = Vec::new();
    let mut unmatched = Vec::new();
    for n in &now.needs {
        match before.needs.iter().find(|b| b.id == n.id) {
            Some(b) => needs.push(NeedDelta {
                id: n.id.clone(),
                query: n.query.clone(),
                before: b.scores,
                now: n.scores,
            }),
            None => unmatched.push(n.id.clone()),
        }
    }
    for b in &before.needs {
        if !now.needs.iter().any(|n| n.id == b.id) {
            unmatched.push(b.id.clone());
        }
    }
    let test = |metric: &'static str, f: fn(&Scores) -> Option<f64>| {
        let pairs: Vec<(f64, f64)> = needs
            .iter()
            .filter_map(|d| Some((f(&d.before)?, f(&d.now)?)))
            .collect();
        let (before, now): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
        let n = pairs.len().max(1) as f64;
        // A change below float noise (a report read back from JSON) is a tie.
        let wins = pairs.iter().filter(|(b, a)| a - b > 1e-9).count();
        let losses = pairs.iter().filter(|(b, a)| b - a > 1e-9).count();
        MetricTest {
            metric,
            needs: pairs.len(),
            before: before.iter().sum::<f64>() / n,
            now: now.iter().sum::<f64>() / n,
            wins,
            losses,
            ties: pairs.len() - wins - losses,
            p_randomisation: randomisation_test(&before, &now, PERMUTATIONS, SEED),
            p_sign: sign_test(wins, losses),
        }
    };
    let tests = vec![test("ndcg10", |s| s.ndcg10), test("mrr", |s| s.mrr)];
    Comparison {
        needs,
        unmatched,
        tests,
    }
}

/// Two-sided p-value of the paired randomisation test of `a` against `b` (same length): exact
/// when `2^n <= permutations`, otherwise from `permutations` random swaps drawn from `seed`.
/// 1 when there is nothing to compare or no difference.
pub fn randomisation_test(a: &[f64], b: &[f64], permutations: usize, seed: u64) -> f64 {
    let diffs: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let n = diffs.len();
    // Sums compared with a tolerance, so that float noise in equal sums counts as equal.
    let observed = diffs.iter().sum::<f64>().abs() - 1e-9;
    if n == 0 || observed <= 0.0 {
        return 1.0;
    }
    let sum_with = |signs: &mut dyn FnMut(usize) -> bool| -> f64 {
        diffs
            .iter()
            .enumerate()
            .map(|(i, d)| if signs(i) { -d } else { *d })
            .sum::<f64>()
            .abs()
    };
    if n < 64 && (1u128 << n) <= permutations as u128 {
        let total = 1u64 << n;
        let hits = (0..total)
            .filter(|mask| sum_with(&mut |i| mask >> i & 1 == 1) >= observed)
            .count();
        return hits as f64 / total as f64;
    }
    let mut rng = Rng::new(seed);
    let mut hits = 0usize;
    for _ in 0..permutations {
        let mut bits = 0u64;
        let mut left = 0;
        let draws = sum_with(&mut |_| {
            if left == 0 {
                bits = rng.next_u64();
                left = 64;
            }
            left -= 1;
            let bit = bits & 1 == 1;
            bits >>= 1;
            bit
        });
        if draws >= observed {
            hits += 1;
        }
    }
    (hits + 1) as f64 / (permutations + 1) as f64
}

/// Two-sided exact sign test: the probability, with fair coins, of a split at least as uneven
/// as `wins` to `losses` (ties are left out before calling). 1 when there is no win nor loss.
pub fn sign_test(wins: usize, losses: usize) -> f64 {
    let n = wins + losses;
    if n == 0 {
        return 1.0;
    }
    let k = wins.min(losses);
    // P(X <= k) for X ~ Binomial(n, 1/2), in logs so that large n does not overflow.
    let ln_choose =
        |n: usize, k: usize| -> f64 { (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum() };
    let tail: f64 = (0..=k)
        .map(|i| (ln_choose(n, i) - n as f64 * std::f64::consts::LN_2).exp())
        .sum();
    (2.0 * tail).min(1.0)
}
