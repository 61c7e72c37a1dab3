//! `--explain`: how a query was read, and what each hit's score is made of.
//!
//! The plan is printed as its logical form ([`Logical`]'s `Display`). A hit's score is taken
//! apart by scoring each piece of the plan alone at the passage with tantivy's explanation:
//! each term of a word (the stem, the exact spelling's bonus, the entity), each phrase, each
//! bonus for words standing together; then the length weight, when the query names an entity.

use tantivy::DocAddress;
use tantivy::query::EnableScoring;

use super::collect::LengthPrior;
use super::logical::{DayFields, Logical};
use super::parse::Occur;
use super::plan::Plan;
use super::topk::{Verifier, best_at};
use crate::error::Result;

/// How a query was read.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSummary {
    /// The logical plan, printed.
    pub logical: String,
    /// The bonuses that re-rank the best passages, printed.
    pub bonuses: Vec<String>,
    /// Whether scores are weighed by passage length.
    pub length_prior: bool,
    /// Whether the collector skips matches that cannot reach the top (block-max pruning).
    pub pruned: bool,
    /// Which shards were searched, for a shard set.
    pub shards: Option<super::shards::ShardsSearched>,
}

impl PlanSummary {
    /// The summary of `plan`.
    pub fn of(plan: &Plan) -> PlanSummary {
        PlanSummary {
            logical: plan.logical.to_string(),
            bonuses: plan.bonuses.iter().map(ToString::to_string).collect(),
            length_prior: plan.length_prior,
            pruned: plan.leaves.is_some(),
            shards: None,
        }
    }
}

/// One part of a score.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The piece of the plan, printed.
    pub label: String,
    /// What it adds.
    pub score: f32,
}

/// What a hit's score is made of: `(sum of bm25 + sum of bonuses) × length_weight`. A hit
/// below the window of best passages the corrections re-rank has neither bonuses nor a length
/// weight: its score is its BM25.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// BM25 of each piece of the query that matches the passage.
    pub bm25: Vec<Part>,
    /// Each bonus the passage earns (the words standing together).
    pub bonuses: Vec<Part>,
    /// The share of its score a short passage keeps, when the query names an entity.
    pub length_weight: Option<f32>,
    /// The score the hit was ranked by.
    pub score: f32,
}

/// Takes the score of the passage at `address` apart.
///
/// # Errors
/// A failure reading the index.
pub fn explain(
    searcher: &tantivy::Searcher,
    plan: &Plan,
    days: DayFields,
    prior: Option<LengthPrior>,
    address: DocAddress,
    score: f32,
) -> Result<Explanation> {
    let reader = searcher.segment_reader(address.segment_ord);
    let part = |piece: &Logical| -> Result<Option<Part>> {
        // The piece's scorer placed at the passage, as the collector's checks place it: tantivy's
        // own `explain` seeks a phrase's scorer backwards when its first match comes after the
        // passage. A piece that does not match the passage adds nothing; a bonus read several
        // ways earns its best reading, as in the re-ranking.
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let weights = piece
            .readings()
            .iter()
            .map(|reading| reading.lower(days).weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut verifiers: Vec<Verifier> = weights
            .iter()
            .map(|weight| Verifier::new(weight.as_ref(), reader))
            .collect();
        let score = best_at(&mut verifiers, address.doc_id)?;
        Ok(score.filter(|&s| s != 0.0).map(|score| Part {
            label: piece.to_string(),
            score,
        }))
    };
    let mut bm25 = Vec::new();
    for piece in pieces(&plan.logical) {
        bm25.extend(part(&piece)?);
    }
    let mut bonuses = Vec::new();
    for bonus in &plan.bonuses {
        bonuses.extend(part(bonus)?);
    }
    let mut length_weight = match (plan.length_prior, prior) {
        (true, Some(prior)) => {
            let segment = searcher.segment_reader(address.segment_ord);
            let norms = segment.get_fieldnorms_reader(prior.field())?;
            Some(prior.weight(norms.fieldnorm(address.doc_id)))
        }
        _ => None,
    };
    // The corrections re-rank a window of the best passages by BM25 only (see
    // `Searcher::collect_ranked`): a hit below it was ranked by its BM25 alone.
    let sum = |parts: &[Part]| parts.iter().map(|p| p.score).sum::<f32>();
    let raw = sum(&bm25);
    let corrected = (raw + sum(&bonuses)) * length_weight.unwrap_or(1.0);
    let close = |a: f32, b: f32| (a - b).abs() <= 1e-5 * a.abs().max(b.abs());
    if !close(score, corrected) && close(score, raw) {
        bonuses.clear();
        length_weight = None;
    }
    Ok(Explanation {
        bm25,
        bonuses,
        length_weight,
        score,
    })
}

/// The pieces of a plan that score, each alone: a word's terms one by one, phrases, boosts
/// carried onto their pieces; exclusions and filters add nothing.
fn pieces(logical: &Logical) -> Vec<Logical> {
    match logical {
        Logical::Bool(clauses) => clauses
            .iter()
            .filter(|(occur, _)| *occur != Occur::MustNot)
            .flat_map(|(_, clause)| pieces(clause))
            .collect(),
        Logical::Terms { field, terms } if terms.len() > 1 => terms
            .iter()
            .map(|term| Logical::Terms {
                field: field.clone(),
                terms: vec![term.clone()],
            })
            .collect(),
        Logical::Boost(inner, boost) => pieces(inner)
            .into_iter()
            .map(|piece| Logical::Boost(Box::new(piece), *boost))
            .collect(),
        Logical::Days { .. } | Logical::All => Vec::new(),
        Logical::Constant(_, score) if *score == 0.0 => Vec::new(),
        other => vec![other.clone()],
    }
}
