//! The cost of one query's top 10, in one process: attache's plan and collection (counting
//! 1,000 matches, then none), and tantivy's `TopDocs` over a list of terms given with their
//! boosts, as one term query or as a boolean union. Medians of RUNS runs, in microseconds.
//!
//! `cargo run --release --example collect_cost -- INDEX QUERY TERM:BOOST[,TERM:BOOST…] [RUNS]`,
//! e.g. `… /tmp/eval11 sovereignty '~sovereignti:1,sovereignty:0.25' 3000`; terms are index
//! tokens (`~` a stem, `@` an entity).

use std::time::Instant;

use attache::index::IndexDir;
use attache::search::{SearchRequest, Searcher};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: collect_cost INDEX QUERY TERM:BOOST[,TERM:BOOST…] [RUNS]";
    let mut args = std::env::args().skip(1);
    let index = args.next().ok_or(usage)?;
    let query = args.next().ok_or(usage)?;
    let terms = args.next().ok_or(usage)?;
    let runs: usize = args.next().map_or(Ok(3000), |n| n.parse())?;
    let mut searcher = Searcher::open(&IndexDir::new(&index))?;
    let text = searcher.index().fields.text;
    let stems = searcher.index().fields.stem;
    let tantivy = searcher.reader().searcher();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for spec in terms.split(',') {
        let (token, boost) = spec.rsplit_once(':').ok_or(usage)?;
        let boost: f32 = boost.parse()?;
        let term = match token.strip_prefix('~') {
            Some(stem) => tantivy::Term::from_field_text(stems, stem),
            None => tantivy::Term::from_field_text(text, token),
        };
        let query: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
        let query: Box<dyn Query> = match boost == 1.0 {
            true => query,
            false => Box::new(BoostQuery::new(query, boost)),
        };
        clauses.push((Occur::Should, query));
    }
    let union: Box<dyn Query> = match clauses.len() {
        1 => clauses.into_iter().next().map(|(_, q)| q).ok_or(usage)?,
        _ => Box::new(BooleanQuery::new(clauses)),
    };
    let request = SearchRequest::new(&query, 10);
    let (mut counted, mut uncounted, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let start = Instant::now();
        let plan = searcher.plan(&request)?;
        std::hint::black_box(searcher.collect_counting(&plan, 10, 1000)?);
        counted.push(start.elapsed().as_secs_f64() * 1e6);
        let start = Instant::now();
        let plan = searcher.plan(&request)?;
        std::hint::black_box(searcher.collect_counting(&plan, 10, 0)?);
        uncounted.push(start.elapsed().as_secs_f64() * 1e6);
        let start = Instant::now();
        let top = TopDocs::with_limit(10).order_by_score();
        std::hint::black_box(tantivy.search(union.as_ref(), &top)?);
        theirs.push(start.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "attache {:.1} µs (counting 1,000), {:.1} µs (counting none); tantivy on {terms}: {:.1} µs",
        median(counted),
        median(uncounted),
        median(theirs)
    );
    Ok(())
}
