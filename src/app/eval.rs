//! `attache eval`: score the ranking against a judged set and print the table (or the JSON
//! report), and with `--compare`, what changed since an earlier report.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use attache::eval::{self, Comparison, EvalOptions, EvalReport, Scores};
use attache::index::IndexDir;
use attache::search::Searcher;

use crate::cli::EvalArgs;
use crate::exit::Exit;

/// The JSON report, with the comparison when `--compare` was given (read back, it is ignored).
#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(flatten)]
    report: &'a EvalReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<&'a Comparison>,
}

pub fn run(args: EvalArgs) -> anyhow::Result<Exit> {
    // A byte-order mark (as some editors write) is no part of the first id.
    let read = |path: &Path, what: &str| {
        std::fs::read_to_string(path)
            .map(|text| match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_owned(),
                None => text,
            })
            .with_context(|| format!("cannot read the {what} {}", path.display()))
    };
    let mut needs = eval::parse_needs(&args.queries, &read(&args.queries, "needs")?)?;
    let qrels_text = read(&args.qrels, "qrels")?;
    let qrels = eval::parse_qrels(&args.qrels, &qrels_text)?;
    // A judged need the needs file lacks (a typo, another set's file) would drop its
    // judgements without a word.
    if let Some(stray) = qrels.keys().find(|id| !needs.iter().any(|n| &n.id == *id)) {
        let line = attache::corpus::lines(&qrels_text)
            .position(|l| l.split_whitespace().next() == Some(stray.as_str()))
            .map_or(0, |i| i + 1);
        anyhow::bail!(
            "{}: line {line}: need '{}' is judged here but not in {} (ids must match exactly)",
            args.qrels.display(),
            attache::error::printable(stray),
            args.queries.display()
        );
    }
    if let Some(prefix) = &args.only {
        needs.retain(|n| n.id.starts_with(prefix.as_str()));
        if needs.is_empty() {
            anyhow::bail!(
                "{}: no need's id starts with '{prefix}': check `--only`",
                args.queries.display()
            );
        }
    }
    let before: Option<EvalReport> = match &args.compare {
        Some(file) => {
            let json = read(file, "earlier report")?;
            Some(serde_json::from_str(&json).with_context(|| {
                format!("{} is not an `attache eval --json` report", file.display())
            })?)
        }
        None => None,
    };
    let (path, _) = args.location.resolve()?;
    let mut searcher = Searcher::open(&IndexDir::new(&path))?;
    let options = EvalOptions {
        needs_file: args.queries.clone(),
        qrels_file: args.qrels.clone(),
        mrr_grade: args.mrr_grade,
        ranking: args.ranking.into(),
    };
    let report = eval::evaluate(&mut searcher, &needs, &qrels, &options)?;
    // Relevant passages the index lacks score as misses: another index, or another splitting.
    let mut articles: std::collections::BTreeMap<&str, Vec<u64>> = Default::default();
    let (mut judged, mut missing, mut example) = (0usize, 0usize, None);
    for need in &needs {
        let relevant = qrels.get(&need.id).into_iter().flat_map(|j| j.iter());
        for doc in relevant.filter(|(_, g)| **g >= 1).map(|(d, _)| d) {
            let Some((article, n)) = doc.rsplit_once('#') else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            judged += 1;
            if !articles.contains_key(article) {
                let numbers = searcher.passage_numbers(article)?;
                articles.insert(article, numbers);
            }
            if !articles[article].contains(&n) {
                missing += 1;
                example.get_or_insert(doc.as_str());
            }
        }
    }
    if let Some(example) = example {
        eprintln!(
            "note: {missing} of the {judged} passages judged relevant are not in {} (as {}): \
             they count as misses; is it the index they were judged on?",
            path.display(),
            attache::error::printable(example)
        );
    }
    let comparison = before.as_ref().map(|b| eval::compare(&report, b));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let json = JsonReport {
            report: &report,
            comparison: comparison.as_ref(),
        };
        // One line, as every `--json` output is (a JSON Lines reader takes it whole).
        serde_json::to_writer(&mut out, &json)?;
        writeln!(out)?;
    } else {
        table(&mut out, &report)?;
        if let Some(comparison) = &comparison {
            writeln!(out)?;
            deltas(&mut out, comparison)?;
        }
    }
    out.flush()?;
    Ok(Exit::Success)
}

/// A score with three decimals, or `-` when undefined.
fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.3}"))
}

/// A signed difference, or `-` when either side is undefined.
fn delta(before: Option<f64>, now: Option<f64>) -> String {
    match (before, now) {
        (Some(b), Some(n)) => format!("{:+.3}", n - b),
        _ => "-".to_owned(),
    }
}

fn table(out: &mut dyn Write, r: &EvalReport) -> std::io::Result<()> {
    writeln!(
        out,
        "index    {} ({} articles, {} passages)",
        r.index.generation, r.index.articles, r.index.passages
    )?;
    writeln!(
        out,
        "needs    {} from {}, judged in {}; top {} per need; MRR looks for grade {}",
        r.needs.len(),
        r.needs_file.display(),
        r.qrels_file.display(),
        r.depth,
        r.mrr_grade
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<8} {:>7} {:>6} {:>6} {:>6} {:>7} {:>4} {:>9}  query",
        "need", "nDCG@10", "P@10", "MRR", "R@100", "judged", "rel", "unjudged"
    )?;
    for n in &r.needs {
        let s: &Scores = &n.scores;
        writeln!(
            out,
            "{:<8} {:>7} {:>6} {:>6} {:>6} {:>7} {:>4} {:>9}  {}",
            n.id,
            num(s.ndcg10),
            num(s.p10),
            num(s.mrr),
            num(s.recall100),
            n.judged,
            n.relevant,
            n.unjudged10,
            n.query
        )?;
    }
    let m = &r.overall;
    writeln!(
        out,
        "{:<8} {:>7} {:>6} {:>6} {:>6} {:>7} {:>4} {:>9.1}",
        "mean",
        num(m.scores.ndcg10),
        num(m.scores.p10),
        num(m.scores.mrr),
        num(m.scores.recall100),
        "",
        "",
        m.unjudged10
    )?;
    writeln!(out)?;
    let left_out = r.needs.len() - m.needs;
    writeln!(
        out,
        "means over {} needs (MRR over {}); {left_out} without a relevant passage left out; \
         `unjudged` counts the top 10 never judged",
        m.needs, m.mrr_needs
    )
}

fn deltas(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<8} {:>7} {:>7} {:>7}  {:>6} {:>6} {:>7}  query",
        "need", "nDCG", "before", "delta", "MRR", "before", "delta"
    )?;
    for d in &c.needs {
        writeln!(
            out,
            "{:<8} {:>7} {:>7} {:>7}  {:>6} {:>6} {:>7}  {}",
            d.id,
            num(d.now.ndcg10),
            num(d.before.ndcg10),
            delta(d.before.ndcg10, d.now.ndcg10),
            num(d.now.mrr),
            num(d.before.mrr),
            delta(d.before.mrr, d.now.mrr),
            d.query
        )?;
    }
    if !c.unmatched.is_empty() {
        writeln!(
            out,
            "in only one of the two reports (not compared): {}",
            c.unmatched.join(", ")
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<8} {:>5} {:>7} {:>7} {:>7} {:>4} {:>4} {:>4} {:>8} {:>8}",
        "metric", "needs", "before", "now", "delta", "up", "down", "same", "p(rand)", "p(sign)"
    )?;
    for t in &c.tests {
        writeln!(
            out,
            "{:<8} {:>5} {:>7.3} {:>7.3} {:>+7.3} {:>4} {:>4} {:>4} {:>8.4} {:>8.4}",
            match t.metric {
                "ndcg10" => "nDCG@10",
                _ => "MRR",
            },
            t.needs,
            t.before,
            t.now,
            t.now - t.before,
            t.wins,
            t.losses,
            t.ties,
            t.p_randomisation,
            t.p_sign
        )?;
    }
    writeln!(
        out,
        "p(rand): paired randomisation test, two-sided, {} seeded permutations (exact up to 13 \
         needs); p(sign): exact sign test, ties left out",
        eval::PERMUTATIONS
    )
}
