//! What a window of the best passages costs bare tantivy: `cargo run --release --example
//! window_cost -- INDEX [RUNS] [QUERY…]`.
//!
//! The full ranking re-ranks the best 200 passages by BM25 (`RESCORE_WINDOW`) for a query of
//! several words, and weighs the best 50 by length (`PRIOR_WINDOW`) for a word that names an
//! entity. Collecting that many costs any top-k engine more than a top 10, as its threshold
//! rises later and prunes less. This runs bare tantivy's `TopDocs` (block-max WAND for one term,
//! its conjunction for several) over the index's stem field, one term query per word as
//! `bare_tantivy` does, for k = 10, 30, 50, 100 and 200, the sizes alternating run by run, and
//! prints the medians and each as a multiple of k = 10.

mod common;

use std::time::Instant;

use attache::analysis::Analyzer;
use attache::index::IndexDir;
use attache::search::Searcher;
use tantivy::collector::TopDocs;

use common::{bare_query, median};

const QUERIES: &[&str] = &[
    "sovereignty",
    "terrorism",
    "NATO",
    "Mandela",
    "Iraq Kuwait invasion",
    "Korea reunification",
    "Namibia independence",
    "security guarantees",
    "nuclear weapons",
];
const SIZES: [usize; 5] = [10, 30, 50, 100, 200];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let index = args
        .next()
        .ok_or("usage: window_cost INDEX [RUNS] [QUERY...]")?;
    let runs: usize = args.next().map_or(Ok(300), |n| n.parse())?;
    let given: Vec<String> = args.collect();
    let queries: Vec<&str> = match given.is_empty() {
        true => QUERIES.to_vec(),
        false => given.iter().map(String::as_str).collect(),
    };
    let searcher = Searcher::open(&IndexDir::new(&index))?;
    let stems = searcher.index().fields.stem;
    let tantivy = searcher.reader().searcher();
    let mut analyzer = Analyzer::new();
    println!("{runs} runs per size, alternating; median ms (× k = 10)\n");
    let header: Vec<String> = SIZES
        .iter()
        .map(|k| format!("{:>14}", format!("k = {k}")))
        .collect();
    println!("{}  query", header.join(" "));
    for query in &queries {
        let bare = bare_query(&mut analyzer, stems, query)?;
        let mut times = vec![Vec::with_capacity(runs); SIZES.len()];
        for run in 0..runs + 5 {
            for (i, &k) in SIZES.iter().enumerate() {
                let start = Instant::now();
                let top =
                    tantivy.search(bare.as_ref(), &TopDocs::with_limit(k).order_by_score())?;
                let ms = start.elapsed().as_secs_f64() * 1e3;
                std::hint::black_box(top);
                if run >= 5 {
                    times[i].push(ms);
                }
            }
        }
        let medians: Vec<f64> = times.into_iter().map(median).collect();
        let cells: Vec<String> = medians
            .iter()
            .map(|m| format!("{:>14}", format!("{m:.3} ({:.1}×)", m / medians[0])))
            .collect();
        println!("{}  {query}", cells.join(" "));
    }
    Ok(())
}
