//! The query parser: any string is a tree whose spans lie on char boundaries of the query, or one
//! error line whose column matches its span.
#![no_main]

use attache::search::parse::{Node, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|query: &str| {
    match parse(query) {
        Ok(node) => check_spans(query, &node),
        Err(e) => {
            assert!(query.get(e.span.clone()).is_some(), "{e} at {:?}", e.span);
            assert_eq!(e.column, query[..e.span.start].chars().count() + 1);
            assert!(!e.message.is_empty() && !e.message.contains('\n'), "{e}");
        }
    }
});

fn check_spans(query: &str, node: &Node) {
    let in_query = |span: &std::ops::Range<usize>| {
        assert!(query.get(span.clone()).is_some(), "{span:?} in {query:?}");
    };
    match node {
        Node::Bool(clauses) => {
            assert!(!clauses.is_empty());
            clauses.iter().for_each(|(_, n)| check_spans(query, n));
        }
        Node::Boost(inner, boost) => {
            assert!(boost.is_finite() && *boost >= 0.0);
            check_spans(query, inner);
        }
        Node::Term { field, span, .. } | Node::Phrase { field, span, .. } => {
            field.iter().for_each(|f| in_query(&f.span));
            in_query(span);
        }
        Node::Range { field, span, .. } => {
            in_query(&field.span);
            in_query(span);
        }
        Node::Entity { span, .. } => in_query(span),
    }
}
