//! attache's ranked search against bare tantivy on the same passages, in one process:
//! `cargo run --release --example bare_tantivy -- INDEX [RUNS] [QUERY…]` (the queries below when
//! none is given).
//!
//! For each word and AND query below, bare tantivy runs a `TopDocs` top 10 (block-max WAND,
//! no counting) over the index's stem field, one term query per word (`sovereignti`), and
//! attache plans and collects its top 10 (each word its stem, the exact spelling's bonus and,
//! for an alias, its entity; matches counted up to 1,000; the bonus for words standing
//! together, which re-ranks the best 200), without fetching stored passages. The two alternate
//! run by run; the medians and their ratio are printed, then the median of the ratios. Four
//! more columns: attache with `--ranking bm25` (no re-ranking), attache counting nothing
//! before it starts skipping, the same with `--ranking bm25`, and tantivy's `TopDocs` running the tantivy query attache's BM25
//! plan lowers to (the same terms per word as attache matches, summed by tantivy's boolean
//! query; its block-max WAND for one word, its plain scorer for several), each as a multiple
//! of bare tantivy's time.

mod common;

use std::time::Instant;

use attache::analysis::Analyzer;
use attache::index::IndexDir;
use attache::search::{Ranking, SearchRequest, Searcher};
use tantivy::collector::TopDocs;

use common::{bare_query, median};

const QUERIES: &[&str] = &[
    "sovereignty",
    "terrorism",
    "NATO",
    "apartheid",
    "Afghanistan",
    "Mandela",
    "disarmament",
    "Iraq Kuwait invasion",
    "Korea reunification",
    "Namibia independence",
    "security guarantees",
    "nuclear weapons",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let index = args
        .next()
        .ok_or("usage: bare_tantivy INDEX [RUNS] [QUERY...]")?;
    let runs: usize = args.next().map_or(Ok(200), |n| n.parse())?;
    let given: Vec<String> = args.collect();
    let queries: Vec<&str> = match given.is_empty() {
        true => QUERIES.to_vec(),
        false => given.iter().map(String::as_str).collect(),
    };
    let dir = IndexDir::new(&index);
    let mut searcher = Searcher::open(&dir)?;
    let stems = searcher.index().fields.stem;
    let tantivy = searcher.reader().searcher();
    let mut analyzer = Analyzer::new();
    println!("{runs} runs per query, alternating; median ms\n");
    println!(
        "{:>10} {:>10} {:>8} {:>8} {:>10} {:>10} {:>10}  query",
        "tantivy", "attache", "ratio", "bm25×", "no count×", "bm25 none×", "same terms×"
    );
    let mut ratios = Vec::new();
    for query in &queries {
        let bare = bare_query(&mut analyzer, stems, query)?;
        let full = SearchRequest::new(*query, 10);
        let bm25 = SearchRequest {
            ranking: Ranking::Bm25,
            ..full.clone()
        };
        let (mut t, mut a, mut b, mut u) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut bu = Vec::new();
        let mut same = Vec::new();
        let same_terms = searcher.plan(&bm25)?.query;
        for run in 0..runs + 5 {
            let start = Instant::now();
            let top = tantivy.search(bare.as_ref(), &TopDocs::with_limit(10).order_by_score())?;
            let bare_ms = start.elapsed().as_secs_f64() * 1e3;
            let start = Instant::now();
            let full_plan = searcher.plan(&full)?;
            let ours = searcher.collect(&full_plan, 10)?;
            let ours_ms = start.elapsed().as_secs_f64() * 1e3;
            let start = Instant::now();
            let bm25_plan = searcher.plan(&bm25)?;
            let _ = searcher.collect(&bm25_plan, 10)?;
            let bm25_ms = start.elapsed().as_secs_f64() * 1e3;
            let start = Instant::now();
            let uncounted = searcher.plan(&full)?;
            let _ = searcher.collect_counting(&uncounted, 10, 0)?;
            let uncounted_ms = start.elapsed().as_secs_f64() * 1e3;
            let start = Instant::now();
            let uncounted = searcher.plan(&bm25)?;
            let _ = searcher.collect_counting(&uncounted, 10, 0)?;
            let bm25_uncounted_ms = start.elapsed().as_secs_f64() * 1e3;
            let start = Instant::now();
            let theirs = tantivy.search(
                same_terms.as_ref(),
                &TopDocs::with_limit(10).order_by_score(),
            )?;
            let same_ms = start.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(theirs);
            if run >= 5 {
                same.push(same_ms);
                t.push(bare_ms);
                a.push(ours_ms);
                b.push(bm25_ms);
                u.push(uncounted_ms);
                bu.push(bm25_uncounted_ms);
            }
            std::hint::black_box((top, ours));
        }
        let (t, a, b, u, s) = (median(t), median(a), median(b), median(u), median(same));
        let bu = median(bu);
        ratios.push(a / t);
        println!(
            "{t:>10.3} {a:>10.3} {:>7.2}× {:>7.2}× {:>9.2}× {:>9.2}× {:>10.2}×  {query}",
            a / t,
            b / t,
            u / t,
            bu / t,
            s / t
        );
    }
    println!("\nmedian ratio attache/tantivy: {:.2}×", median(ratios));
    Ok(())
}
