//! Ranking quality against a judged set, for `attache eval`: numbers only, the binary prints them.
//!
//! A judged set is two files. The *needs* file holds one information need per line,
//! `ID<TAB>QUERY`, in attache's query syntax; further tab-separated columns (a description) are
//! ignored, and so are blank lines and `#` comments. The *qrels* file is TREC's format,
//! `ID 0 DOCID GRADE`, where DOCID is a passage as `attache search` shows its location,
//! `article_id#passage`, and GRADE is 0 (not relevant), 1 (relevant, partial) or 2 (answers the
//! need).
//!
//! Each need's query runs exactly as `attache search` runs it ([`Searcher::search`], the top
//! [`DEPTH`] passages) and is scored with:
//!
//! * **nDCG@10**: gains are the grades (0, 1, 2), discounted by `log2(rank + 1)`, divided by the
//!   DCG of the ideal ordering of *all* the need's judged passages;
//! * **P@10**: the share of the top 10 graded 1 or 2;
//! * **MRR**: `1 / rank` of the first passage graded at least `mrr_grade` (2 by default: the
//!   first passage that answers the need), 0 when none is in the top [`DEPTH`];
//! * **recall@100**: the share of the passages graded 1 or 2 found in the top [`DEPTH`].
//!
//! Passages that were never judged count as not relevant; `unjudged` says how many of each
//! need's top 10 were, so holes in the pool show. A metric is undefined for a need with no
//! passage that could score on it (no relevant passage; none graded `mrr_grade` for MRR): it
//! is `None` and left out of that metric's mean, as `trec_eval` leaves such needs out.

pub mod significance;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::bench::Fingerprint;
use crate::error::{Error, Result};
use crate::search::{SearchRequest, Searcher};
pub use significance::{
    Comparison, MetricTest, NeedDelta, PERMUTATIONS, SEED, compare, randomisation_test, sign_test,
};

/// How many passages each need's query retrieves: recall is measured at this depth.
pub const DEPTH: usize = 100;
/// The cut-off of nDCG, precision and the unjudged count.
pub const CUTOFF: usize = 10;
/// The highest grade.
pub const MAX_GRADE: u8 = 2;

/// One information need: its id, its query and the line it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// The need's id, as the qrels name it.
    pub id: String,
    /// The query, in attache's syntax.
    pub query: String,
    /// The 1-based line of the needs file.
    pub line: usize,
}

/// Grades by need id, then by passage (`article_id#passage`).
pub type Qrels = BTreeMap<String, BTreeMap<String, u8>>;

/// Parses a needs file (`ID<TAB>QUERY[<TAB>…]` lines); `path` names it in errors.
///
/// # Errors
/// [`Error::Invalid`] as `PATH: line N: why` for a line without a tab, an empty id or query,
/// or an id given twice; and when there is no need at all.
pub fn parse_needs(path: &Path, text: &str) -> Result<Vec<Need>> {
    let bad = |line: usize, why: String| {
        Error::Invalid(format!("{}: line {line}: {why}", path.display()))
    };
    let mut needs: Vec<Need> = Vec::new();
    for (i, raw) in crate::corpus::lines(text).enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let mut columns = raw.split('\t');
        let id = columns.next().unwrap_or_default().trim();
        let Some(query) = columns.next().map(str::trim) else {
            return Err(bad(line, "expected `ID<TAB>QUERY`, found no tab".into()));
        };
        if id.is_empty() || id.contains(char::is_whitespace) {
            return Err(bad(
                line,
                format!("the id '{id}' is empty or holds a space"),
            ));
        }
        if query.is_empty() {
            return Err(bad(line, format!("need '{id}' has an empty query")));
        }
        if let Some(first) = needs.iter().find(|n| n.id == id) {
            return Err(bad(
                line,
                format!("need '{id}' is already given on line {}", first.line),
            ));
        }
        needs.push(Need {
            id: id.to_owned(),
            query: query.to_owned(),
            line,
        });
    }
    if needs.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no needs: expected `ID<TAB>QUERY` lines",
            path.display()
        )));
    }
    Ok(needs)
}

/// Parses a TREC qrels file (`ID 0 DOCID GRADE` lines, blank lines and `#` comments skipped);
/// `path` names it in errors.
///
/// # Errors
/// [`Error::Invalid`] as `PATH: line N: why` for a line without four fields, a DOCID that is
/// not `article_id#passage`, a grade other than 0, 1 or 2, or a passage judged twice with
/// different grades.
pub fn parse_qrels(path: &Path, text: &str) -> Result<Qrels> {
    let bad = |line: usize, why: String| {
        Error::Invalid(format!("{}: line {line}: {why}", path.display()))
    };
    let mut qrels = Qrels::new();
    for (i, raw) in crate::corpus::lines(text).enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw.split_whitespace().collect();
        let [need, _iteration, doc, grade] = fields[..] else {
            return Err(bad(
                line,
                format!(
                    "expected 4 fields `ID 0 ARTICLE#PASSAGE GRADE`, found {}",
                    fields.len()
                ),
            ));
        };
        let passage_ok = doc
            .rsplit_once('#')
            .is_some_and(|(article, n)| !article.is_empty() && n.parse::<u64>().is_ok());
        if !passage_ok {
            return Err(bad(
                line,
                format!(
                    "'{doc}' is not a passage: write it as `article_id#passage`, as `attache search` shows it"
                ),
            ));
        }
        let grade = match grade.parse::<u8>() {
            Ok(g) if g <= MAX_GRADE => g,
            _ => return Err(bad(line, format!("grade '{grade}' is not 0, 1 or 2"))),
        };
        let judged = qrels.entry(need.to_owned()).or_default();
        match judged.insert(doc.to_owned(), grade) {
            Some(before) if before != grade => {
                return Err(bad(
                    line,
                    format!("{need} {doc} is graded {grade} here and {before} above"),
                ));
            }
            _ => {}
        }
    }
    Ok(qrels)
}

/// One need's scores. `None` is undefined: no passage could score on that metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// nDCG@10.
    pub ndcg10: Option<f64>,
    /// P@10.
    pub p10: Option<f64>,
    /// Reciprocal rank of the first passage graded at least `mrr_grade`.
    pub mrr: Option<f64>,
    /// Recall of grade ≥ 1 passages in the top [`DEPTH`].
    pub recall100: Option<f64>,
}

/// Scores one ranking (passage ids, best first) against one need's judgements; see the
/// module docs for the definitions. Only the first [`DEPTH`] passages count.
pub fn score(ranking: &[String], judged: &BTreeMap<String, u8>, mrr_grade: u8) -> Scores {
    let ranking = &ranking[..ranking.len().min(DEPTH)];
    let grade = |doc: &String| judged.get(doc).copied().unwrap_or(0);
    let discount = |i: usize| (i as f64 + 2.0).log2();
    let dcg: f64 = ranking
        .iter()
        .take(CUTOFF)
        .enumerate()
        .map(|(i, d)| f64::from(grade(d)) / discount(i))
        .sum();
    let mut ideal: Vec<u8> = judged.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(CUTOFF)
        .enumerate()
        .map(|(i, &g)| f64::from(g) / discount(i))
        .sum();
    let relevant = judged.values().filter(|&&g| g >= 1).count();
    let answering = judged.values().filter(|&&g| g >= mrr_grade).count();
    let found = ranking.iter().filter(|d| grade(d) >= 1).count();
    let top_relevant = ranking
        .iter()
        .take(CUTOFF)
        .filter(|d| grade(d) >= 1)
        .count();
    let first = ranking.iter().position(|d| grade(d) >= mrr_grade);
    let defined = relevant > 0;
    Scores {
        ndcg10: defined.then(|| dcg / idcg),
        p10: defined.then(|| top_relevant as f64 / CUTOFF as f64),
        mrr: (answering > 0).then(|| first.map_or(0.0, |i| 1.0 / (i as f64 + 1.0))),
        recall100: defined.then(|| found as f64 / relevant as f64),
    }
}

/// The mean of the defined values, and how many there were.
pub fn mean(values: impl IntoIterator<Item = Option<f64>>) -> (Option<f64>, usize) {
    let defined: Vec<f64> = values.into_iter().flatten().collect();
    let n = defined.len();
    ((n > 0).then(|| defined.iter().sum::<f64>() / n as f64), n)
}

/// One need's evaluation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NeedReport {
    /// The need's id.
    pub id: String,
    /// Its query.
    pub query: String,
    /// Passages matching the query (all of them, not only the top [`DEPTH`]).
    pub matched: u64,
    /// Passages judged for this need.
    pub judged: usize,
    /// Judged passages graded 1 or 2.
    pub relevant: usize,
    /// How many of the top 10 were never judged.
    pub unjudged10: usize,
    /// The scores.
    pub scores: Scores,
    /// The top 10 passages with their grades (`null` when unjudged).
    pub top: Vec<(String, Option<u8>)>,
}

/// The means over the needs where each metric is defined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Means {
    /// Mean scores.
    pub scores: Scores,
    /// How many needs each mean is over: nDCG@10, P@10 and recall@100 share it.
    pub needs: usize,
    /// How many needs the MRR mean is over.
    pub mrr_needs: usize,
    /// Mean unjudged passages in the top 10, over every need.
    pub unjudged10: f64,
}

/// A whole evaluation, as `attache eval --json` writes it and `--compare` reads it back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvalReport {
    /// The needs file.
    pub needs_file: PathBuf,
    /// The qrels file.
    pub qrels_file: PathBuf,
    /// The index evaluated.
    pub index: Fingerprint,
    /// The grade MRR looks for.
    pub mrr_grade: u8,
    /// The ranking evaluated: `full` or `bm25`.
    #[serde(default)]
    pub ranking: String,
    /// Passages retrieved per need.
    pub depth: usize,
    /// Per need, in the needs file's order.
    pub needs: Vec<NeedReport>,
    /// The means.
    pub overall: Means,
}

/// What to evaluate.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// The needs file, for errors and the report.
    pub needs_file: PathBuf,
    /// The qrels file, for the report.
    pub qrels_file: PathBuf,
    /// The grade MRR looks for: 1 or 2.
    pub mrr_grade: u8,
    /// The ranking to evaluate.
    pub ranking: crate::search::Ranking,
}

/// Runs every need's query on `searcher` and scores it against `qrels`. Needs without any
/// judgement are scored too (every metric undefined), so a forgotten need shows.
///
/// # Errors
/// A query that attache cannot run, as `NEEDS: line N: need 'ID': why`, and failures to read
/// the index.
pub fn evaluate(
    searcher: &mut Searcher,
    needs: &[Need],
    qrels: &Qrels,
    options: &EvalOptions,
) -> Result<EvalReport> {
    let empty = BTreeMap::new();
    let mut reports = Vec::with_capacity(needs.len());
    for need in needs {
        let results = searcher
            .search(&SearchRequest {
                ranking: options.ranking,
                ..SearchRequest::new(&need.query, DEPTH)
            })
            .map_err(|e| match e {
                Error::Query(_) | Error::Timeout { .. } => Error::Invalid(format!(
                    "{}: line {}: need '{}': {e}",
                    options.needs_file.display(),
                    need.line,
                    need.id
                )),
                other => other,
            })?;
        let ranking: Vec<String> = results
            .hits
            .iter()
            .map(|h| format!("{}#{}", h.article_id, h.passage))
            .collect();
        let judged = qrels.get(&need.id).unwrap_or(&empty);
        let top: Vec<(String, Option<u8>)> = ranking
            .iter()
            .take(CUTOFF)
            .map(|d| (d.clone(), judged.get(d).copied()))
            .collect();
        reports.push(NeedReport {
            id: need.id.clone(),
            query: need.query.clone(),
            matched: results.passages_matched,
            judged: judged.len(),
            relevant: judged.values().filter(|&&g| g >= 1).count(),
            unjudged10: top.iter().filter(|(_, g)| g.is_none()).count(),
            scores: score(&ranking, judged, options.mrr_grade),
            top,
        });
    }
    Ok(EvalReport {
        ranking: options.ranking.name().to_owned(),
        needs_file: options.needs_file.clone(),
        qrels_file: options.qrels_file.clone(),
        index: Fingerprint::of(searcher)?,
        mrr_grade: options.mrr_grade,
        depth: DEPTH,
        overall: means(&reports),
        needs: reports,
    })
}

/// The means of `needs`' scores.
pub fn means(needs: &[NeedReport]) -> Means {
    let of = |f: fn(&Scores) -> Option<f64>| mean(needs.iter().map(|n| f(&n.scores)));
    let (ndcg10, n) = of(|s| s.ndcg10);
    let (mrr, mrr_needs) = of(|s| s.mrr);
    Means {
        scores: Scores {
            ndcg10,
            p10: of(|s| s.p10).0,
            mrr,
            recall100: of(|s| s.recall100).0,
        },
        needs: n,
        mrr_needs,
        unjudged10: if needs.is_empty() {
            0.0
        } else {
            needs.iter().map(|n| n.unjudged10 as f64).sum::<f64>() / needs.len() as f64
        },
    }
}

#[cfg(test)]
mod tests;
