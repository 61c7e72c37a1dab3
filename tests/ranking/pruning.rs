//! Top-k with skipping: the passages and scores a ranked search returns do not depend on
//! whether every match was counted, nor on who matched and scored them (attache's pruned
//! conjunctions or tantivy's boolean scorer).

use attache::index::IndexDir;
use attache::search::plan::Leaf;
use attache::search::{COUNT_APART_FROM, Ranking, SearchRequest, Searcher};

use crate::util::TestEnv;

/// Queries of every shape the planner hands to the pruned collector, and some it does not.
const QUERIES: &[&str] = &[
    "peace",
    "sovereignty",
    "nations",
    "developing",
    "Africa",
    "Israel",
    "US",
    "nuclear weapons",
    "\"human rights\"",
    "\"the united nations\"",
    "\"law of the sea\"",
    "\"united nations\" peace",
    "security council reform",
    "peace -war",
    "development OR environment",
    "\"international peace\" OR security",
    "@un peace",
    "Africa apartheid",
    "title:peace",
    "\"peace and security\"~2",
    // Entities, re-ranked by length alone: skipped below the best weighed scores.
    "@un",
    "@israel",
    "@africa OR @europe",
];

/// A generated corpus of `articles` indexed in several segments.
fn generated(articles: usize) -> TestEnv {
    let env = TestEnv::empty();
    let articles = articles.to_string();
    env.run_ok(
        &[
            "gen",
            "--articles",
            &articles,
            "--seed",
            "11",
            "--out",
            "corpus/gen.jsonl",
        ],
        0,
    );
    env.run_ok(
        &[
            "index",
            "--threads",
            "1",
            "--checkpoint-articles",
            "30",
            "--quiet",
        ],
        0,
    );
    env
}

fn top(
    searcher: &Searcher,
    plan: &attache::search::plan::Plan,
    count_up_to: u64,
) -> Vec<(String, f32)> {
    let collected = searcher
        .collect_counting(plan, 20, count_up_to)
        .expect("collect");
    collected
        .top
        .iter()
        .map(|c| {
            let date = searcher
                .stored_date(c.address)
                .expect("doc")
                .unwrap_or_default();
            (format!("{:?} {date} #{}", c.address, c.passage), c.score)
        })
        .collect()
}

fn same(a: &[(String, f32)], b: &[(String, f32)]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((x, s), (y, t))| x == y && (s - t).abs() <= 1e-4 * s.abs().max(1.0))
}

#[test]
fn skipping_matches_changes_the_counts_never_the_top_passages_or_their_scores() {
    let env = generated(120);
    let dir = IndexDir::new(env.path().join("index"));
    let mut searcher = Searcher::open(&dir).expect("open");
    assert!(searcher.reader().searcher().segment_readers().len() > 1);
    let mut skipped_somewhere = false;
    for query in QUERIES {
        let request = SearchRequest::new(*query, 20);
        let plan = searcher.plan(&request).expect("plan");
        let exhaustive = top(&searcher, &plan, u64::MAX);
        // Counting stops after 3 matches: the rest are skipped when they cannot make the top.
        let pruned = top(&searcher, &plan, 3);
        assert_eq!(pruned, exhaustive, "{query}: pruned vs counted");
        // A word alone is walked by tantivy's single-term block-max WAND, its spelling's
        // bonus (or an alias's letters) added at each passage; checked against the whole query
        // at each passage, the same plan takes attache's own walk: the same passages and
        // scores, bit for bit.
        let mut checked = searcher.plan(&request).expect("plan");
        checked.check = true;
        assert_eq!(top(&searcher, &checked, 3), exhaustive, "{query}: checked");
        // tantivy's own boolean scorer: the same passages, the same scores but for rounding.
        let mut tantivy = searcher.plan(&request).expect("plan");
        tantivy.leaves = None;
        let by_tantivy = top(&searcher, &tantivy, u64::MAX);
        assert!(
            same(&exhaustive, &by_tantivy),
            "{query}:\n{exhaustive:?}\n{by_tantivy:?}"
        );
        // The counts say when they stopped early, and exact counts are tantivy's.
        let counted = searcher.collect_counting(&plan, 20, 3).expect("collect");
        let all = searcher
            .collect_counting(&plan, 20, u64::MAX)
            .expect("collect");
        let every = searcher
            .collect_counting(&tantivy, 20, u64::MAX)
            .expect("collect");
        assert!(all.exact && every.exact);
        assert_eq!(
            (all.passages, all.articles),
            (every.passages, every.articles),
            "{query}: exact counts"
        );
        assert!(counted.passages >= all.passages.min(3), "{query}");
        assert!(counted.passages <= all.passages && counted.articles <= all.articles);
        if counted.exact {
            assert_eq!(
                (counted.passages, counted.articles),
                (all.passages, all.articles)
            );
        }
        let one_more = searcher
            .collect_counting(&plan, 20, all.passages + 1)
            .expect("collect");
        assert!(one_more.exact, "{query}: {} matches", all.passages);
        assert_eq!(one_more.passages, all.passages);
        // Counting every match no longer means scoring every one.
        skipped_somewhere |= all.scored < all.passages;
        // The whole search, bonuses and length weights included.
        let exact = SearchRequest {
            exact_count: true,
            ..request.clone()
        };
        let ranked = |r: &SearchRequest, s: &mut Searcher| -> Vec<(String, u64, f32)> {
            let results = s.search(r).expect("search");
            results
                .hits
                .iter()
                .map(|h| (h.article_id.clone(), h.passage, h.score))
                .collect()
        };
        assert_eq!(
            ranked(&request, &mut searcher),
            ranked(&exact, &mut searcher),
            "{query}"
        );
    }
    assert!(skipped_somewhere, "no query skipped a match");
}

#[test]
fn tantivys_walks_leave_out_deleted_passages_as_attaches_walk_does() {
    // Sixty articles in segments of ten; twenty of them changed, so their old passages are
    // deleted but still in the postings.
    let env = TestEnv::empty();
    let write = |i: usize, more: &str| {
        let repeats = "security ".repeat(i % 7);
        env.write(
            &format!("corpus/a{i:02}.txt"),
            format!(
                "date 2024-01-{:02}\n\nThe council met on day {i}. Security guarantees were \
                 discussed; the guarantee of security for Ukraine and NATO was the topic. \
                 {repeats}{more}\n",
                i % 28 + 1
            ),
        );
    };
    for i in 0..60 {
        write(i, "");
    }
    env.run_ok(
        &[
            "index",
            "--checkpoint-articles",
            "10",
            "--threads",
            "1",
            "--quiet",
        ],
        0,
    );
    for i in (0..60).step_by(3) {
        write(i, "More security talk.");
    }
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    let dir = IndexDir::new(env.path().join("index"));
    let mut searcher = Searcher::open(&dir).expect("open");
    let segments = searcher.reader().searcher().segment_readers().to_vec();
    assert!(segments.iter().any(|s| s.num_deleted_docs() > 0));
    for query in ["security", "guarantees", "NATO", "security guarantees"] {
        let request = SearchRequest::new(query, 20);
        let plan = searcher.plan(&request).expect("plan");
        let walked = top(&searcher, &plan, 3);
        let mut checked = searcher.plan(&request).expect("plan");
        checked.check = true;
        assert_eq!(top(&searcher, &checked, 3), walked, "{query}");
        assert_eq!(top(&searcher, &plan, u64::MAX), walked, "{query}");
        // Every live passage matches, once: the deleted ones are not counted.
        let all = searcher
            .collect_counting(&plan, 20, u64::MAX)
            .expect("collect");
        assert_eq!(all.passages, 60, "{query}");
    }
}

#[test]
fn a_search_counts_exactly_up_to_a_thousand_matches_and_says_when_it_stopped() {
    let env = generated(300);
    let common = env.search_json("the", &["-n", "1"]);
    let summary = &common.summary;
    let passages = summary["passages_matched"].as_u64().unwrap();
    let exact = env.search_json("the", &["-n", "1", "--exact-count"]);
    let all = exact.summary["passages_matched"].as_u64().unwrap();
    assert!(
        all > 1000,
        "the generated corpus has {all} passages with `the`"
    );
    assert_eq!(summary["counts_exact"], false, "{}", common.out);
    assert!((1000..all).contains(&passages), "{passages} of {all}");
    assert_eq!(exact.summary["counts_exact"], true);
    assert_eq!(common.articles()[0], exact.articles()[0]);
    // A page that holds every match counts them all: nothing could be skipped.
    let every = env.search_json(
        "the",
        &["-n", "10000", "--per-article", "0", "--no-collapse"],
    );
    assert_eq!(every.summary["counts_exact"], true, "{}", every.out);
    assert_eq!(every.hits.len() as u64, all);
    // --count always counts everything.
    let (count, _) = env.count("the");
    assert_eq!(count, all);
    let text = env.run_ok(&["search", "the", "-n", "1"], 0);
    let stderr = &text.stderr;
    assert!(
        stderr.contains("of ≥ ") && stderr.contains("--exact-count"),
        "{stderr}"
    );
}

#[test]
#[ignore = "indexes the UN General Debate corpus (~200 MB); run with `cargo test --release -- --ignored pruning`"]
fn pruned_top_tens_equal_the_exhaustive_ones_on_the_public_queries_over_the_ungdc() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ungdc = root.join("../shared/corpora/ungdc");
    let queries = root.join("../shared/queries/public.txt");
    assert!(ungdc.is_dir(), "no corpus at {}", ungdc.display());
    let env = TestEnv::empty();
    env.run_ok(&["index", &ungdc.display().to_string(), "--quiet"], 0);
    let mut searcher = Searcher::open(&IndexDir::new(env.path().join("index"))).expect("open");
    let queries = std::fs::read_to_string(&queries).expect("public queries");
    let (mut compared, mut skipped) = (0, 0);
    for query in queries.lines().map(str::trim).filter(|q| !q.is_empty()) {
        for ranking in [
            attache::search::Ranking::Full,
            attache::search::Ranking::Bm25,
        ] {
            let request = SearchRequest {
                ranking,
                ..SearchRequest::new(query, 10)
            };
            let exact = SearchRequest {
                exact_count: true,
                ..request.clone()
            };
            let hits = |r: &SearchRequest, s: &mut Searcher| {
                let results = s.search(r).expect("search");
                let hits: Vec<(String, u64, f32)> = results
                    .hits
                    .iter()
                    .map(|h| (h.article_id.clone(), h.passage, h.score))
                    .collect();
                (hits, results.counts_exact)
            };
            let (pruned, exact_counts) = hits(&request, &mut searcher);
            let (all, _) = hits(&exact, &mut searcher);
            assert_eq!(pruned, all, "{query} ({})", ranking.name());
            compared += 1;
            skipped += usize::from(!exact_counts);
            // And against tantivy's own scorer, BM25 window by window.
            let plan = searcher.plan(&request).expect("plan");
            let mut tantivy = searcher.plan(&request).expect("plan");
            tantivy.leaves = None;
            let ours = top(&searcher, &plan, u64::MAX);
            let theirs = top(&searcher, &tantivy, u64::MAX);
            assert!(same(&ours, &theirs), "{query}:\n{ours:?}\n{theirs:?}");
        }
    }
    println!("{compared} top tens compared, {skipped} of them from searches that skipped matches");
    assert!(skipped > 0);
}

#[test]
fn a_search_that_counts_apart_from_ranking_counts_the_first_matches_in_order() {
    let env = generated(400);
    let dir = IndexDir::new(env.path().join("index"));
    let mut searcher = Searcher::open(&dir).expect("open");
    let mut apart = 0;
    for query in QUERIES {
        // BM25 alone keeps a top list of one, a tenth of a count of ten: the first ten matches
        // are counted on their own, and the walk that ranks skips from its first passage on.
        let request = SearchRequest {
            ranking: Ranking::Bm25,
            ..SearchRequest::new(*query, 1)
        };
        let plan = searcher.plan(&request).expect("plan");
        let all = searcher
            .collect_counting(&plan, 1, u64::MAX)
            .expect("collect");
        let ten = searcher.collect_counting(&plan, 1, 10).expect("collect");
        assert_eq!(ten.top, all.top, "{query}");
        if plan.leaves.is_none() {
            // Not pruned (`OR`, `title:`): every match is scored, and so counted.
            assert_eq!((ten.passages, ten.exact), (all.passages, true), "{query}");
            continue;
        }
        assert_eq!(ten.passages, all.passages.min(10), "{query}");
        assert_eq!(ten.exact, all.passages <= 10, "{query}");
        // A count that stops exactly at the last match knows it is exact when it counts apart
        // (one word with enough matches does; a walk that counts as it ranks cannot tell).
        let one_leaf = all.passages > COUNT_APART_FROM
            && plan
                .leaves
                .as_ref()
                .is_some_and(|leaves| matches!(leaves.as_slice(), [Leaf::Any(_)]));
        let just = searcher
            .collect_counting(&plan, 1, all.passages.max(10))
            .expect("collect");
        assert!(just.exact || !one_leaf, "{query}");
        assert_eq!((just.passages, just.articles), (all.passages, all.articles));
        apart += usize::from(one_leaf && all.passages > 10);
        // A count apart stops at the deadline like the ranking does.
        if one_leaf {
            let hurried = SearchRequest {
                timeout: Some(std::time::Duration::from_nanos(1)),
                exact_count: true,
                ..SearchRequest::new(*query, 10)
            };
            let err = searcher.search(&hurried).expect_err("past the deadline");
            assert!(
                matches!(err, attache::error::Error::Timeout { .. }),
                "{query}: {err}"
            );
        }
    }
    assert!(apart >= 3, "{apart} one-word queries counted apart");
}
