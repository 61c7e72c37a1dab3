//! Searching: any query against a small index gives hits, or a query error, never a panic.
//! The index is built once per process from two short articles.
#![no_main]

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use attache::Error;
use attache::index::{IndexDir, build};
use attache::search::{SearchRequest, Searcher};
use libfuzzer_sys::fuzz_target;

fn searcher() -> &'static Mutex<Searcher> {
    static SEARCHER: OnceLock<Mutex<Searcher>> = OnceLock::new();
    SEARCHER.get_or_init(|| {
        // One folder, rebuilt by each run (the fuzzers run one at a time).
        let root = std::env::temp_dir().join("attache-fuzz-search");
        let _ = std::fs::remove_dir_all(&root);
        let corpus = root.join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(
            corpus.join("a.txt"),
            "date 2025-11-24 Zelensky met Rubio in Geneva on security guarantees for Ukraine.\n\n\
             The Kremlin said Ushakov had not seen the 28-point plan.",
        )
        .unwrap();
        std::fs::write(
            corpus.join("b.jsonl"),
            "{\"id\": \"b\", \"date\": \"1990\", \"country\": \"UKR\", \"body\": \"Kiev spoke of \
             nuclear disarmament and self-determination.\"}\n",
        )
        .unwrap();
        let dir = IndexDir::new(root.join("index"));
        let options = build::BuildOptions {
            threads: 1,
            memory_bytes: 50 << 20,
            ..build::BuildOptions::new(vec![corpus])
        };
        build::build(&dir, &options, &mut build::Silent).unwrap();
        Mutex::new(Searcher::open(&dir).unwrap())
    })
}

fuzz_target!(|query: &str| {
    let mut request = SearchRequest::new(query, 3);
    request.timeout = Some(Duration::from_secs(5));
    let mut searcher = searcher().lock().unwrap();
    match searcher.search(&request) {
        Ok(results) => assert!(results.hits.len() as u64 <= results.passages_matched),
        Err(e @ Error::Query(_)) => {
            // What the user sees: one line, control characters escaped.
            let shown = e.to_string();
            assert!(!shown.contains(|c: char| c.is_control()), "{shown:?}");
        }
        Err(e) => panic!("{query:?}: {e}"),
    }
});
