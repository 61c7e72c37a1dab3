//! Measuring attribution against hand-labelled sentences: precision and recall.
//!
//! The labelled set is JSON Lines, one passage per line:
//!
//! ```text
//! {"source": "…", "date": "2025-11-24", "speaker": null, "context": ["earlier passage", …],
//!  "text": "“The plan is unconstructive,” Kremlin aide Yuri Ushakov said. Moscow rejected it.",
//!  "said": [["unconstructive", ["Yuri Ushakov"]]]}
//! ```
//!
//! Each entry of `said` names a sentence of `text` by a piece of it (which must lie within one
//! sentence) and who says that sentence, by gazetteer id or name (a name the gazetteer lacks
//! stands for its proposed id). Every sentence not named is said by no one. `speaker` is a
//! speech's `speaker` metadata. A (sentence, speaker) pair is the unit counted: precision is the
//! share of the pairs found that are labelled, recall the share of the labelled pairs found.

use serde::Deserialize;

use super::{article_speakers, attribute};
use crate::analysis::Analyzer;
use crate::analysis::sentences::sentences;
use crate::entities::eval::Scores;
use crate::entities::{Gazetteer, Recognizer};

/// One labelled passage.
#[derive(Debug, Deserialize)]
pub struct Labelled {
    /// Where the passage comes from.
    #[serde(default)]
    pub source: String,
    /// The article's date.
    #[serde(default)]
    pub date: Option<String>,
    /// A speech's speaker metadata.
    #[serde(default)]
    pub speaker: Option<String>,
    /// Earlier passages of the same article.
    #[serde(default)]
    pub context: Vec<String>,
    /// The passage.
    pub text: String,
    /// The attributed sentences: (a piece of the sentence, who says it).
    pub said: Vec<(String, Vec<String>)>,
}

/// Runs recognition and attribution over a labelled set; `passages` counts sentences.
///
/// # Errors
/// `line N: why` for a malformed line, or a piece of text that is not within one sentence.
pub fn evaluate(gazetteer: &Gazetteer, jsonl: &str) -> Result<Scores, String> {
    let mut analyzer = Analyzer::new();
    let mut recognizer = Recognizer::new(gazetteer);
    let mut scores = Scores::default();
    let mut spans = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", n + 1);
        let item: Labelled = serde_json::from_str(line).map_err(|e| at(e.to_string()))?;
        match &item.date {
            Some(date) => recognizer.start_article_on(&date.parse().map_err(at)?),
            None => recognizer.start_article(),
        }
        // As the index reads an article: its speakers first, then its passages.
        let meta: Vec<(String, String)> = item
            .speaker
            .iter()
            .map(|s| ("speaker".to_owned(), s.clone()))
            .collect();
        let article = article_speakers(&mut recognizer, &mut analyzer, &meta);
        for passage in &item.context {
            recognizer.recognize(&mut analyzer, passage);
        }
        let text = &item.text;
        let mentions = recognizer.recognize(&mut analyzer, text);
        let (_, words) = analyzer.exact_spans(text, &mut spans);
        let found = attribute(text, &words, &mentions, &article);
        let sentences: Vec<_> = sentences(text).collect();
        let mut gold: Vec<Vec<String>> = vec![Vec::new(); sentences.len()];
        for (piece, who) in &item.said {
            let start = text
                .find(piece.as_str())
                .ok_or_else(|| at(format!("'{piece}' is not in the text")))?;
            let end = start + piece.len();
            let s = sentences
                .iter()
                .position(|r| r.start <= start && end <= r.end)
                .ok_or_else(|| at(format!("'{piece}' is not within one sentence")))?;
            for name in who {
                let id = gazetteer
                    .resolve_id(&mut analyzer, name)
                    .ok_or_else(|| at(format!("'{name}' names no one")))?;
                if !gold[s].contains(&id) {
                    gold[s].push(id);
                }
            }
        }
        for (s, range) in sentences.iter().enumerate() {
            let predicted: Vec<&str> = found
                .speakers
                .iter()
                .filter(|said| {
                    said.spans
                        .iter()
                        .any(|r| r.start < range.end && range.start < r.end)
                })
                .map(|said| &*said.speaker.id)
                .collect();
            scores.passages += 1;
            scores.gold += gold[s].len();
            scores.predicted += predicted.len();
            let sentence: String = text[range.clone()].chars().take(60).collect();
            for id in &predicted {
                match gold[s].iter().any(|g| g == id) {
                    true => scores.correct += 1,
                    false => scores
                        .errors
                        .push(format!("{}: +{id}: {sentence}", item.source)),
                }
            }
            for id in gold[s].iter().filter(|g| !predicted.contains(&g.as_str())) {
                scores
                    .errors
                    .push(format!("{}: -{id}: {sentence}", item.source));
            }
        }
    }
    Ok(scores)
}
