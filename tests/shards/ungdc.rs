//! The UNGDC split by year against one index over it: the same top 100 for every public query,
//! scores to 1e-5, the same exact counts; and date-bounded searches read 10 of the 79 yearly
//! shards. Ignored: it indexes the corpus twice (~200 MB each). Run it with
//!
//! ```text
//! cargo test --release -- --ignored shard_set_equals
//! ```

use attache::index::IndexDir;
use attache::search::{Grouping, SearchRequest, Searcher};

use crate::util::TestEnv;

#[test]
#[ignore = "indexes the UN General Debate corpus twice (~200 MB each); run with `cargo test --release -- --ignored shard_set_equals`"]
fn the_ungdc_shard_set_equals_one_index_on_the_public_queries() {
    let Some(ungdc) = crate::util::ungdc() else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let queries = std::fs::read_to_string(root.join("../shared/queries/public.txt")).unwrap();
    let env = TestEnv::empty();
    let corpus = ungdc.display().to_string();
    env.run_ok(&["index", &corpus, "--index", "one", "--quiet"], 0);
    env.run_ok(
        &[
            "index",
            &corpus,
            "--index",
            "set",
            "--shard-by",
            "year",
            "--quiet",
        ],
        0,
    );
    let mut one = Searcher::open(&IndexDir::new(env.path().join("one"))).unwrap();
    let mut set = Searcher::open(&IndexDir::new(env.path().join("set"))).unwrap();
    assert_eq!(set.index().shards.len(), 79);
    let mut compared = 0;
    for query in queries.lines().map(str::trim).filter(|q| !q.is_empty()) {
        for (since, until, grouping) in [
            (None, None, Grouping::NONE),
            (None, None, Grouping::default()),
            (Some("1980"), Some("1989"), Grouping::NONE),
        ] {
            let request = SearchRequest {
                exact_count: true,
                since: since.map(|d| d.parse().unwrap()),
                until: until.map(|d| d.parse().unwrap()),
                group: grouping,
                ..SearchRequest::new(query, 100)
            };
            let a = one.search(&request).unwrap();
            let b = set.search(&request).unwrap();
            let ids = |r: &attache::search::SearchResults| -> Vec<(String, u64, u64)> {
                r.hits
                    .iter()
                    .map(|h| (h.article_id.clone(), h.passage, h.more_in_article))
                    .collect()
            };
            assert_eq!(ids(&a), ids(&b), "{query} {since:?}");
            for (x, y) in a.hits.iter().zip(&b.hits) {
                assert!(
                    (x.score - y.score).abs() <= 1e-5,
                    "{query}: {} {}",
                    x.score,
                    y.score
                );
            }
            assert_eq!(
                (a.passages_matched, a.articles_matched, a.counts_exact),
                (b.passages_matched, b.articles_matched, b.counts_exact),
                "{query} {since:?}"
            );
            if since.is_some() {
                // From the plan: `explain` trips a debug assertion of tantivy's phrase explain
                // on some of these queries in debug builds, on one index as on a set.
                let plan = set.plan(&request).unwrap();
                let (_, shards) =
                    attache::search::shards::pruning(set.index(), &plan.logical).expect("a set");
                assert_eq!((shards.searched.len(), shards.total), (10, 79), "{query}");
                assert_eq!(shards.searched[0], "1980");
            }
            compared += 1;
        }
    }
    println!("{compared} searches compared");
    assert!(compared >= 120);
}
