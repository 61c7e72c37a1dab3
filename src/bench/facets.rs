//! Facet latency for `attache bench`: a facet over every match of a common word, counted by
//! attache's collector (fast fields, exact distinct articles) and, for a metadata field, by
//! tantivy's terms aggregation with a cardinality sub-aggregation (HyperLogLog, so its article
//! counts are estimates) on the same column, to see which is faster.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::tokenizer::TokenizerManager;

use super::Latency;
use crate::error::{Error, Result};
use crate::index::document::FACET_SEPARATOR;
use crate::index::schema::fast;
use crate::search::facets::{FacetBy, FacetRequest, facets};
use crate::search::{SearchRequest, Searcher};

/// The query the facets are measured over: the commonest word, so every facet counts nearly
/// every passage.
pub const FACET_QUERY: &str = "the";

/// How a facet was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// attache's collector over fast fields.
    Collector,
    /// tantivy's terms aggregation with a cardinality sub-aggregation.
    TantivyAggregation,
}

/// One facet's measurements.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FacetReport {
    /// The query.
    pub query: String,
    /// What was counted by.
    pub by: String,
    /// How.
    pub method: Method,
    /// Passages matched.
    pub passages: u64,
    /// Distinct values counted.
    pub values: u64,
    /// Time per facet, query planning included.
    pub latency: Latency,
}

/// Measures the year, country and entity facets of [`FACET_QUERY`] with the collector, and the
/// country facet with tantivy's aggregation, `runs` times each after `warmup` runs; a facet
/// whose runs (or warm-up) pass `max_time` stops there, after one measured run at least (an
/// entity facet over every passage takes seconds: `--runs 300` must not make it minutes).
///
/// # Errors
/// A failure reading the index.
pub fn measure(
    searcher: &Searcher,
    runs: usize,
    warmup: usize,
    max_time: Duration,
) -> Result<Vec<FacetReport>> {
    let mut local = searcher.clone();
    let mut reports = Vec::new();
    let has_country = crate::search::meta_keys(
        &searcher.reader().searcher(),
        searcher.index().fields.meta,
        Some("country"),
    )?
    .contains(&"country".to_owned());
    let mut facets_by = vec![FacetBy::Year, FacetBy::Entity];
    if has_country {
        facets_by.insert(1, FacetBy::Meta("country".into()));
    }
    for by in facets_by {
        let request = FacetRequest::new(FACET_QUERY, by.clone());
        let mut counted = (0, 0);
        let latency = timed(runs, warmup, max_time, || {
            let found = facets(&mut local, &request)?;
            counted = (found.matched.passages, found.values);
            Ok(())
        })?;
        reports.push(FacetReport {
            query: FACET_QUERY.to_owned(),
            by: by.name().to_owned(),
            method: Method::Collector,
            passages: counted.0,
            values: counted.1,
            latency,
        });
    }
    if has_country {
        let mut counted = (0, 0);
        let latency = timed(runs, warmup, max_time, || {
            counted = aggregate(&mut local, "country")?;
            Ok(())
        })?;
        reports.push(FacetReport {
            query: FACET_QUERY.to_owned(),
            by: "country".to_owned(),
            method: Method::TantivyAggregation,
            passages: counted.0,
            values: counted.1,
            latency,
        });
    }
    Ok(reports)
}

/// Runs `work` `warmup` times, then `runs` times timed; each stops once `max_time` has passed
/// (the timed runs after one at least).
fn timed(
    runs: usize,
    warmup: usize,
    max_time: Duration,
    mut work: impl FnMut() -> Result<()>,
) -> Result<Latency> {
    let warming = Instant::now();
    for _ in 0..warmup {
        if warming.elapsed() >= max_time {
            break;
        }
        work()?;
    }
    let mut samples: Vec<Duration> = Vec::with_capacity(runs.min(1024));
    let measuring = Instant::now();
    while samples.len() < runs.max(1) {
        if !samples.is_empty() && measuring.elapsed() >= max_time {
            break;
        }
        let started = Instant::now();
        work()?;
        samples.push(started.elapsed());
    }
    Ok(Latency::of(&samples))
}

/// The facet of `key` over [`FACET_QUERY`] by tantivy's terms aggregation (articles by a
/// cardinality sub-aggregation): the passages matched and the values counted.
fn aggregate(searcher: &mut Searcher, key: &str) -> Result<(u64, u64)> {
    let plan = searcher.plan(&SearchRequest::new(FACET_QUERY, 0))?;
    let request = serde_json::json!({
        "values": {
            "terms": {
                "field": fast::FACET,
                "size": 65_000,
                "include": format!("{key}{FACET_SEPARATOR}.*"),
            },
            "aggs": {"articles": {"cardinality": {"field": fast::ARTICLE_KEY}}},
        }
    });
    let aggs: Aggregations = serde_json::from_value(request)
        .map_err(|e| Error::Invalid(format!("aggregation request: {e}")))?;
    let context = AggContextParams::new(AggregationLimitsGuard::default(), TokenizerManager::new());
    let collector = AggregationCollector::from_aggs(aggs, context);
    let reader = searcher.reader().searcher();
    let (passages, result) = searcher.guard(|| {
        Ok(reader.search(plan.query.as_ref(), &(tantivy::collector::Count, collector))?)
    })?;
    let json = serde_json::to_value(&result).map_err(|e| Error::Invalid(e.to_string()))?;
    let values = json["values"]["buckets"].as_array().map_or(0, Vec::len);
    Ok((passages as u64, values as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_facet_stops_at_the_time_limit_after_one_run_at_least() {
        let mut calls = 0;
        let limit = Duration::from_millis(30);
        let started = Instant::now();
        timed(300, 3, limit, || {
            calls += 1;
            std::thread::sleep(Duration::from_millis(10));
            Ok(())
        })
        .unwrap();
        // About three warm-up runs and three measured ones, not 303.
        assert!(calls < 20, "{calls} runs");
        assert!(started.elapsed() < Duration::from_secs(2));
        let mut calls = 0;
        timed(300, 3, Duration::ZERO, || {
            calls += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(calls, 1);
    }
}
