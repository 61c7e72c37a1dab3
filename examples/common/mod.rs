//! What the examples that measure attache against bare tantivy share.

use attache::analysis::Analyzer;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

/// The median of `xs` (the upper one of an even count).
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Bare tantivy's query for `query`: one term query per word over the stem field `stems`
/// (`sovereignti`), all required when there are several.
pub fn bare_query(
    analyzer: &mut Analyzer,
    stems: Field,
    query: &str,
) -> Result<Box<dyn Query>, Box<dyn std::error::Error>> {
    let mut terms: Vec<(Occur, Box<dyn Query>)> = analyzer
        .words(query)
        .iter()
        .map(|(exact, stem)| {
            let term = tantivy::Term::from_field_text(stems, stem.as_deref().unwrap_or(exact));
            let query: Box<dyn Query> =
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            (Occur::Must, query)
        })
        .collect();
    Ok(match terms.len() {
        1 => terms.pop().map(|(_, q)| q).ok_or("no word")?,
        _ => Box::new(BooleanQuery::new(terms)),
    })
}
