//! Learning a [`Model`] from a real corpus (`attache gen --learn PATH`).
//!
//! Two passes over the articles. Both split each body into passages, as indexing does, and
//! recognise the gazetteer's entities there; words inside a mention are counted as the
//! mention, not as words. The first pass counts words, mentions, commas, sentence lengths,
//! years and countries, and fixes the word list; the second counts the word pairs inside
//! sentences among the listed words.
//!
//! A capitalised sentence-initial word counts as its lowercase form when that form is the more
//! common one mid-sentence ("The" is "the", "Africa" stays "Africa").

use std::collections::HashMap;
use std::path::PathBuf;

use super::model::{Counted, Model, Successors};
use crate::analysis::passages::split_passages;
use crate::analysis::sentences::{Break, break_between};
use crate::analysis::{Analyzer, word_spans};
use crate::corpus::{self, Article, Record};
use crate::entities::{Gazetteer, Recognizer};
use crate::error::Result;

/// How much of the corpus the model keeps.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Words listed, most frequent first.
    pub words: usize,
    /// Words whose successors are listed.
    pub pairs_for: usize,
    /// Successors listed per word.
    pub successors: usize,
    /// Entity spellings listed.
    pub entities: usize,
    /// Pairs and spellings seen fewer times are dropped.
    pub min_count: u64,
}

impl Default for Limits {
    /// The limits of the built-in model: about 250 kB of text.
    fn default() -> Limits {
        Limits {
            words: 8000,
            pairs_for: 1500,
            successors: 8,
            entities: 1200,
            min_count: 3,
        }
    }
}

/// What a learning run read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Learned {
    /// Articles read.
    pub articles: u64,
    /// Words read, outside entity mentions.
    pub words: u64,
    /// Entity mentions read.
    pub mentions: u64,
    /// Bad files and lines skipped.
    pub skipped: u64,
}

/// A word slot of a sentence: a word, or an entity mention.
enum Slot<'t> {
    Word(&'t str),
    Mention(String),
}

/// Learns a model from the articles under `roots`.
///
/// # Errors
/// When a root does not exist or a file cannot be read; bad articles are counted and skipped.
pub fn learn(roots: &[PathBuf], limits: &Limits) -> Result<(Model, Learned)> {
    let mut stats = Learned::default();
    let mut mid: HashMap<String, u64> = HashMap::new();
    let mut initial: HashMap<String, u64> = HashMap::new();
    let mut mentions: HashMap<String, u64> = HashMap::new();
    let mut sentences: HashMap<u64, u64> = HashMap::new();
    let mut years: HashMap<u64, u64> = HashMap::new();
    let mut countries: HashMap<String, u64> = HashMap::new();
    let mut commas = 0u64;
    each_sentence(roots, &mut stats, |event| match event {
        Event::Article(article) => {
            if let Ok(year) = u64::try_from(article.date.year()) {
                *years.entry(year).or_default() += 1;
            }
            if let Some((_, code)) = article.meta.iter().find(|(k, _)| k == "country") {
                *countries.entry(code.clone()).or_default() += 1;
            }
        }
        Event::Sentence(slots, comma_count) => {
            commas += comma_count;
            *sentences.entry(slots.len() as u64).or_default() += 1;
            for (i, slot) in slots.iter().enumerate() {
                match slot {
                    Slot::Word(w) if i == 0 => *initial.entry((*w).to_owned()).or_default() += 1,
                    Slot::Word(w) => *mid.entry((*w).to_owned()).or_default() += 1,
                    Slot::Mention(m) => *mentions.entry(m.clone()).or_default() += 1,
                }
            }
        }
    })?;
    let resolve = |w: &str| -> String { resolved(&mid, w) };
    let mut words: HashMap<String, u64> = mid.clone();
    for (w, n) in &initial {
        *words.entry(resolve(w)).or_default() += n;
    }
    let all_words: u64 = words.values().sum();
    let all_mentions: u64 = mentions.values().sum();
    stats.words = all_words;
    stats.mentions = all_mentions;
    let words = most_frequent(words, limits.words, 1);
    let listed: u64 = words.iter().map(|c| c.count).sum();
    let index: HashMap<&str, usize> = words
        .iter()
        .enumerate()
        .map(|(i, c)| (c.text.as_str(), i))
        .collect();

    // Second pass: pairs of listed words inside sentences.
    let mut totals = vec![0u64; limits.pairs_for.min(words.len())];
    let mut pairs: HashMap<(u32, u32), u64> = HashMap::new();
    let mut again = Learned::default();
    each_sentence(roots, &mut again, |event| {
        let Event::Sentence(slots, _) = event else {
            return;
        };
        for (i, pair) in slots.windows(2).enumerate() {
            let (Slot::Word(a), Slot::Word(b)) = (&pair[0], &pair[1]) else {
                continue;
            };
            let a = if i == 0 { resolve(a) } else { (*a).to_owned() };
            let Some(&a) = index.get(a.as_str()).filter(|&&a| a < totals.len()) else {
                continue;
            };
            totals[a] += 1;
            if let Some(&b) = index.get(b) {
                *pairs.entry((a as u32, b as u32)).or_default() += 1;
            }
        }
    })?;
    let mut by_word: Vec<Vec<(usize, u64)>> = vec![Vec::new(); totals.len()];
    for ((a, b), n) in pairs {
        if n >= limits.min_count {
            by_word[a as usize].push((b as usize, n));
        }
    }
    let successors = by_word
        .into_iter()
        .enumerate()
        .filter(|(_, next)| !next.is_empty())
        .map(|(word, mut next)| {
            next.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            next.truncate(limits.successors);
            Successors {
                word,
                total: totals[word],
                next,
            }
        })
        .collect();

    let mut sentences: Vec<(u64, u64)> = sentences.into_iter().filter(|&(l, _)| l > 0).collect();
    sentences.sort_unstable();
    let mut years: Vec<(u64, u64)> = years.into_iter().collect();
    years.sort_unstable();
    let slots = (all_words + all_mentions).max(1);
    let model = Model {
        entity_rate: all_mentions as f64 / slots as f64,
        comma_rate: commas as f64 / all_words.max(1) as f64,
        tail_rate: (all_words - listed) as f64 / all_words.max(1) as f64,
        sentences,
        years,
        countries: most_frequent(countries, usize::MAX, 1),
        words,
        entities: most_frequent(mentions, limits.entities, limits.min_count),
        successors,
    };
    Ok((model, stats))
}

/// The spelling a sentence-initial word counts as.
fn resolved(mid: &HashMap<String, u64>, word: &str) -> String {
    let lower = word.to_lowercase();
    let as_is = mid.get(word).copied().unwrap_or(0);
    if lower != word && mid.get(&lower).copied().unwrap_or(0) > as_is {
        lower
    } else {
        word.to_owned()
    }
}

/// Counts sorted most frequent first (ties by text), at least `min` each, at most `limit`.
fn most_frequent(counts: HashMap<String, u64>, limit: usize, min: u64) -> Vec<Counted> {
    let mut list: Vec<Counted> = counts
        .into_iter()
        .filter(|(_, count)| *count >= min)
        .map(|(text, count)| Counted { text, count })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.text.cmp(&b.text)));
    list.truncate(limit);
    list
}

enum Event<'a, 't> {
    Article(&'a Article),
    /// The slots of one sentence, and the commas in it.
    Sentence(&'a [Slot<'t>], u64),
}

/// Calls `f` for each article and then for each of its sentences.
fn each_sentence(
    roots: &[PathBuf],
    stats: &mut Learned,
    mut f: impl FnMut(Event<'_, '_>),
) -> Result<()> {
    let inputs = corpus::walk(roots)?;
    stats.skipped += inputs.warnings.len() as u64;
    let gazetteer = Gazetteer::builtin();
    let mut recognizer = Recognizer::new(gazetteer);
    let mut analyzer = Analyzer::new();
    for input in &inputs.files {
        corpus::read(input, &mut |record| {
            let article = match record {
                Record::Article(article, _) => article,
                Record::Warning(_) => {
                    stats.skipped += 1;
                    return;
                }
            };
            stats.articles += 1;
            f(Event::Article(&article));
            recognizer.start_article();
            for passage in split_passages(&article.body) {
                let found: Vec<_> = recognizer
                    .recognize(&mut analyzer, &passage)
                    .into_iter()
                    .filter(|m| gazetteer.by_id(&m.id).is_some())
                    .map(|m| m.span)
                    .collect();
                let mut mention = found.iter().peekable();
                let mut commas = 0;
                let mut last_span = 0..0;
                let mut slots = Vec::new();
                for span in word_spans(&passage) {
                    let gap = &passage[last_span.end..span.start];
                    if !slots.is_empty()
                        && break_between(&passage, last_span.clone(), span.clone())
                            == Break::Sentence
                    {
                        f(Event::Sentence(&slots, commas));
                        slots.clear();
                        commas = 0;
                    }
                    commas += gap.matches(',').count() as u64;
                    while mention.next_if(|m| m.end <= span.start).is_some() {}
                    last_span = span.clone();
                    match mention.peek() {
                        Some(m) if m.start <= span.start => {
                            if m.start == span.start {
                                let text = passage[(*m).clone()].split_whitespace();
                                slots.push(Slot::Mention(text.collect::<Vec<_>>().join(" ")));
                            }
                        }
                        // The `s` of `Organization’s` is part of the word before.
                        _ if matches!(gap, "’" | "'") => {}
                        _ => slots.push(Slot::Word(&passage[span])),
                    }
                }
                if !slots.is_empty() {
                    f(Event::Sentence(&slots, commas));
                }
            }
        })?;
    }
    Ok(())
}
