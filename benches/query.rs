//! Query latency by kind of query: a rare and a common word, a phrase, an entity, a boolean
//! query and a date-filtered phrase, each the whole search (plan, top 10 with exact counts,
//! snippets and entities) on the bench index in `target/bench-index`.
//!
//! Every iteration asserts the passage count and the top article, as measured when the bench
//! was written; a change to analysis or ranking that moves them must update them here.
//!
//! `cargo bench --bench query`

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

use attache::search::{SearchRequest, Searcher};
use common::Corpus;

/// One query kind: the query on each corpus, an optional date range, and the answers.
struct Case {
    kind: &'static str,
    ungdc: Answer,
    sample: Answer,
}

/// A query and what it must find.
struct Answer {
    query: &'static str,
    since: Option<&'static str>,
    until: Option<&'static str>,
    passages: u64,
    top: &'static str,
}

const fn answer(query: &'static str, passages: u64, top: &'static str) -> Answer {
    Answer {
        query,
        since: None,
        until: None,
        passages,
        top,
    }
}

const SAMPLE_TOP: &str = "002_f7abc5a888bb3888.txt";

const CASES: [Case; 6] = [
    Case {
        kind: "rare_term",
        ungdc: answer("Gorbachev", 235, "ungdc-54-GEO"),
        sample: answer("Ushakov", 1, SAMPLE_TOP),
    },
    Case {
        kind: "common_term",
        ungdc: answer("peace", 97_998, "ungdc-64-ISR"),
        sample: answer("peace", 8, SAMPLE_TOP),
    },
    Case {
        kind: "phrase",
        ungdc: answer("\"human rights\"", 17_911, "ungdc-42-DEU"),
        sample: answer("\"security guarantee\"", 2, SAMPLE_TOP),
    },
    Case {
        kind: "entity",
        ungdc: answer("@ussr", 11_001, "ungdc-26-BLR"),
        sample: answer("@ushakov", 1, SAMPLE_TOP),
    },
    Case {
        kind: "boolean",
        ungdc: answer("apartheid OR Namibia -Angola", 10_161, "ungdc-39-ATG"),
        sample: answer("Ukraine -Geneva", 13, SAMPLE_TOP),
    },
    Case {
        kind: "date_filtered",
        ungdc: Answer {
            since: Some("2015"),
            until: Some("2019"),
            ..answer("\"climate change\"", 2035, "ungdc-71-TZA")
        },
        sample: Answer {
            since: Some("2025-11-24"),
            until: Some("2025-11-24"),
            ..answer("peace", 8, SAMPLE_TOP)
        },
    },
];

fn request(a: &Answer) -> SearchRequest {
    let date = |d: Option<&str>| d.map(|d| d.parse().expect("a valid date"));
    SearchRequest {
        since: date(a.since),
        until: date(a.until),
        ..SearchRequest::new(a.query, 10)
    }
}

fn check(searcher: &mut Searcher, request: &SearchRequest, a: &Answer) {
    let results = searcher.search(request).expect("the query runs");
    assert_eq!(
        (
            results.passages_matched,
            results.hits.first().map(|h| &*h.article_id)
        ),
        (a.passages, Some(a.top)),
        "wrong answer to {}",
        a.query
    );
}

fn queries(c: &mut Criterion) {
    let corpus = Corpus::detect();
    let mut searcher = common::bench_index(corpus);
    let mut group = c.benchmark_group(match corpus {
        Corpus::Ungdc => "query_ungdc",
        Corpus::Sample => "query_sample",
    });
    for case in &CASES {
        let a = match corpus {
            Corpus::Ungdc => &case.ungdc,
            Corpus::Sample => &case.sample,
        };
        let request = request(a);
        group.bench_function(case.kind, |b| {
            b.iter(|| check(&mut searcher, &request, a));
        });
    }
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
