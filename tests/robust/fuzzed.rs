//! Inputs with which the fuzzers (fuzz/) found bugs, kept in `tests/fuzz/TARGET/` and replayed
//! here with the target's checks, so each bug stays fixed without running a fuzzer.

use std::fs;
use std::path::Path;

use attache::Error;
use attache::search::SearchRequest;
use attache::search::parse::{Node, parse};

/// The files kept for `target`, as the fuzz target sees them: a `&str` target gets the longest
/// valid UTF-8 prefix of the bytes.
fn inputs(target: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let bytes = fs::read(&path).unwrap();
            let valid = match std::str::from_utf8(&bytes) {
                Ok(text) => text,
                Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap(),
            };
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, valid.to_owned())
        })
        .collect()
}

fn boosts_are_finite(node: &Node) -> bool {
    match node {
        Node::Bool(clauses) => clauses.iter().all(|(_, n)| boosts_are_finite(n)),
        Node::Boost(inner, boost) => boost.is_finite() && *boost >= 0.0 && boosts_are_finite(inner),
        _ => true,
    }
}

#[test]
fn fuzzed_queries_parse_to_finite_boosts_or_one_line_errors_and_search() {
    for (name, query) in inputs("query") {
        match parse(&query) {
            Ok(node) => assert!(boosts_are_finite(&node), "{name}: {node:?}"),
            Err(e) => assert!(!e.to_string().contains('\n'), "{name}: {e}"),
        }
        let mut searcher = super::props::sample_searcher();
        match searcher.search(&SearchRequest::new(query, 3)) {
            Ok(_) | Err(Error::Query(_)) => {}
            Err(e) => panic!("{name}: {e}"),
        }
    }
}
