//! Measuring recognition against hand-labelled passages: precision and recall.
//!
//! The labelled set is JSON Lines, one passage per line:
//!
//! ```text
//! {"source": "…", "date": "1960", "context": ["earlier passage of the same article", …],
//!  "text": "Kremlin aide Yuri Ushakov said …",
//!  "mentions": [{"span": [0, 7], "id": "kremlin", "type": "org"},
//!               {"span": [13, 25], "id": "ushakov", "type": "person"}]}
//! ```
//!
//! `span` is a byte range of `text`; `id` is the gazetteer id, or `null` for a name the
//! gazetteer lacks (then any proposed entity with the same span counts). `context` passages run
//! through the recognizer first, as earlier passages of the article would.

use serde::Deserialize;

use super::{Gazetteer, Recognizer};
use crate::analysis::Analyzer;

/// One labelled passage.
#[derive(Debug, Deserialize)]
pub struct Labelled {
    /// Where the passage comes from.
    #[serde(default)]
    pub source: String,
    /// The article's date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), which decides what a
    /// date-bound alias means; undated passages are read as of today.
    #[serde(default)]
    pub date: Option<String>,
    /// Earlier passages of the same article.
    #[serde(default)]
    pub context: Vec<String>,
    /// The passage.
    pub text: String,
    /// Every entity mention in it.
    pub mentions: Vec<Gold>,
}

/// A labelled mention.
#[derive(Debug, Deserialize)]
pub struct Gold {
    /// Byte range in the passage.
    pub span: [usize; 2],
    /// Gazetteer id, or `None` for a name the gazetteer lacks.
    pub id: Option<String>,
    /// The entity type, as labelled.
    #[serde(rename = "type")]
    pub kind: String,
}

/// How recognition did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// Passages evaluated.
    pub passages: usize,
    /// Labelled mentions.
    pub gold: usize,
    /// Recognised mentions.
    pub predicted: usize,
    /// Recognised mentions that match a labelled one.
    pub correct: usize,
    /// Mistakes, for reading: `source: +predicted` or `source: -missed`.
    pub errors: Vec<String>,
}

impl Scores {
    /// Correct among recognised.
    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.predicted.max(1) as f64
    }

    /// Correct among labelled.
    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.gold.max(1) as f64
    }
}

/// Runs the recognizer over a labelled set.
///
/// # Errors
/// `line N: why` for a malformed line or a span outside its passage.
pub fn evaluate(gazetteer: &Gazetteer, jsonl: &str) -> Result<Scores, String> {
    let mut analyzer = Analyzer::new();
    let mut recognizer = Recognizer::new(gazetteer);
    let mut scores = Scores::default();
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item: Labelled =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        match &item.date {
            Some(date) => {
                let date: crate::corpus::Date =
                    date.parse().map_err(|e| format!("line {}: {e}", n + 1))?;
                recognizer.start_article_on(&date);
            }
            None => recognizer.start_article(),
        }
        for passage in &item.context {
            recognize(&mut analyzer, &mut recognizer, passage);
        }
        let mut predicted = recognize(&mut analyzer, &mut recognizer, &item.text);
        // Labels leave a possessive out of the span ("Ukraine" in "Ukraine’s").
        for p in &mut predicted {
            let surface = &item.text[p.span.clone()];
            if let Some(stem) = surface
                .strip_suffix("'s")
                .or_else(|| surface.strip_suffix("’s"))
            {
                p.span.end = p.span.start + stem.len();
            }
        }
        scores.passages += 1;
        scores.gold += item.mentions.len();
        scores.predicted += predicted.len();
        for gold in &item.mentions {
            let [start, end] = gold.span;
            let Some(surface) = item.text.get(start..end) else {
                return Err(format!(
                    "line {}: span {start}..{end} is not in the text",
                    n + 1
                ));
            };
            let hit = predicted.iter().any(|p| {
                p.span == (start..end)
                    && match &gold.id {
                        Some(id) => *p.id == **id,
                        None => gazetteer.by_id(&p.id).is_none(),
                    }
            });
            if hit {
                scores.correct += 1;
            } else {
                let id = gold.id.as_deref().unwrap_or("?");
                scores
                    .errors
                    .push(format!("{}: -{surface} ({id}, {})", item.source, gold.kind));
            }
        }
        for p in &predicted {
            let labelled = item.mentions.iter().any(|g| {
                p.span == (g.span[0]..g.span[1])
                    && g.id
                        .as_ref()
                        .map_or(gazetteer.by_id(&p.id).is_none(), |id| **id == *p.id)
            });
            if !labelled {
                let surface = &item.text[p.span.clone()];
                scores.errors.push(format!(
                    "{}: +{surface} ({}, {})",
                    item.source, p.id, p.kind
                ));
            }
        }
    }
    Ok(scores)
}

fn recognize(
    analyzer: &mut Analyzer,
    recognizer: &mut Recognizer<'_>,
    text: &str,
) -> Vec<super::Mention> {
    recognizer.recognize(analyzer, text)
}
