//! A synthetic corpus with realistic term statistics, for measuring attache at scale.
//!
//! [`Generator`] writes news-length articles as JSON Lines (`id`, `date`, `title`, `source`,
//! sometimes `country`, `body`). Its text is sampled from a [`Model`] of a real corpus (the
//! built-in one is the UN General Debate Corpus): words follow the corpus's own rank-frequency
//! (Zipfian) table, chained by its most frequent word pairs so common phrases ("human rights",
//! "international community") occur; beyond the listed words, rare words are drawn from a
//! Pareto tail of invented spellings so the vocabulary keeps growing with the corpus, as real
//! vocabularies do (Heaps' law). Entity mentions ("Soviet Union", "Mandela") come at the
//! corpus's rate under its spellings, so indexing recognises them. Dates run from the model's
//! first year to 2025, weighted like the corpus's years, on a uniform day.
//!
//! Output is a pure function of the model, the seed and the article count, and each article
//! depends only on the seed and its number: the first 10,000 articles of a 100,000-article run
//! are the 10,000-article run.
//!
//! ```
//! use attache::generate::{Generator, Model};
//!
//! let model = Model::builtin();
//! let generator = Generator::new(&model, 7);
//! let mut out = Vec::new();
//! generator.write(2, &mut out, &mut |_| {})?;
//! let text = String::from_utf8(out).unwrap();
//! assert_eq!(text.lines().count(), 2);
//! assert!(text.starts_with(r#"{"id":"gen-7-00000001","date":""#));
//! # Ok::<(), attache::Error>(())
//! ```

pub mod learn;
pub(crate) mod model;
pub mod rng;

use std::io::Write;

use serde::Serialize;

use crate::corpus::date::days_in_month;
use crate::error::{Error, Result};
pub use model::Model;
use rng::{Rng, Weighted};

/// Dates run up to this year.
pub const LAST_YEAR: u64 = 2025;
/// Paragraphs per article.
const PARAGRAPHS: (u64, u64) = (3, 8);
/// Sentences per paragraph.
const SENTENCES: (u64, u64) = (2, 5);
/// Words per sentence: the model's lengths within this range.
const SENTENCE_WORDS: (u64, u64) = (4, 60);
/// Words per title.
const TITLE_WORDS: (u64, u64) = (5, 10);
/// Share of articles that carry a `country`.
const COUNTRY_RATE: f64 = 0.6;
/// The outlets articles are attributed to.
const SOURCES: [&str; 6] = [
    "Diplomatic Wire",
    "Foreign Desk",
    "Assembly Record",
    "Capital Dispatch",
    "Chancery Review",
    "Consular Bulletin",
];
/// Syllables of invented rare words.
const SYLLABLES: [&str; 20] = [
    "ka", "lo", "ri", "ne", "tu", "sa", "mi", "do", "ve", "ru", "pa", "zo", "li", "be", "ta", "ni",
    "go", "se", "fu", "ma",
];

/// One generated article, serialised in this field order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenArticle {
    /// `gen-SEED-NNNNNNNN`, numbered from 1.
    pub id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// A short generated sentence.
    pub title: String,
    /// One of a few outlets.
    pub source: &'static str,
    /// An ISO 3166 alpha-3 code from the model, for most articles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Paragraphs separated by blank lines.
    pub body: String,
}

/// The pairs of one word: how often it was followed at all, how often by a listed successor,
/// and those successors.
struct Pairs {
    total: u64,
    covered: u64,
    next: Vec<usize>,
    sampler: Weighted,
}

/// Samples articles from a model.
pub struct Generator<'m> {
    model: &'m Model,
    seed: u64,
    words: Weighted,
    entities: Weighted,
    sentences: Weighted,
    years: Vec<u64>,
    year_weights: Weighted,
    countries: Weighted,
    pairs: Vec<Option<Pairs>>,
}

impl<'m> Generator<'m> {
    /// A generator over `model` whose output is fixed by `seed`.
    pub fn new(model: &'m Model, seed: u64) -> Generator<'m> {
        let mut pairs: Vec<Option<Pairs>> = (0..model.words.len()).map(|_| None).collect();
        for s in &model.successors {
            let covered = s.next.iter().map(|&(_, n)| n).sum::<u64>();
            pairs[s.word] = Some(Pairs {
                total: s.total.max(covered),
                covered,
                next: s.next.iter().map(|&(w, _)| w).collect(),
                sampler: Weighted::new(s.next.iter().map(|&(_, n)| n)),
            });
        }
        // Years after the model's last one weigh as much as its last one.
        let mut years = model.years.clone();
        if let Some(&(last, weight)) = years.last() {
            years.extend((last + 1..=LAST_YEAR).map(|y| (y, weight)));
        }
        Generator {
            model,
            seed,
            words: Weighted::new(model.words.iter().map(|w| w.count)),
            entities: Weighted::new(model.entities.iter().map(|e| e.count)),
            // Lengths outside the range are mostly numbered-paragraph artefacts ("1.").
            sentences: Weighted::new(model.sentences.iter().map(|&(len, n)| {
                let range = SENTENCE_WORDS.0..=SENTENCE_WORDS.1;
                if range.contains(&len) { n } else { 0 }
            })),
            year_weights: Weighted::new(years.iter().map(|&(_, n)| n)),
            years: years.into_iter().map(|(y, _)| y).collect(),
            countries: Weighted::new(model.countries.iter().map(|c| c.count)),
            pairs,
        }
    }

    /// Article `n` (from 1) of this seed.
    pub fn article(&self, n: u64) -> GenArticle {
        let mut rng = Rng::stream(self.seed, n);
        let year = self.years[self.year_weights.draw(&mut rng)];
        let month = rng.between(1, 12);
        let day = rng.between(1, days_in_month(year as i32, month as u8).into());
        let source = SOURCES[rng.below(SOURCES.len() as u64) as usize];
        let country = (!self.countries.is_empty() && rng.chance(COUNTRY_RATE)).then(|| {
            self.model.countries[self.countries.draw(&mut rng)]
                .text
                .clone()
        });
        let mut title = String::new();
        let title_words = rng.between(TITLE_WORDS.0, TITLE_WORDS.1);
        self.sentence(&mut rng, title_words, &mut title);
        let mut body = String::with_capacity(4096);
        for p in 0..rng.between(PARAGRAPHS.0, PARAGRAPHS.1) {
            if p > 0 {
                body.push_str("\n\n");
            }
            for s in 0..rng.between(SENTENCES.0, SENTENCES.1) {
                if s > 0 {
                    body.push(' ');
                }
                let len = self.model.sentences[self.sentences.draw(&mut rng)].0;
                self.sentence(&mut rng, len, &mut body);
                body.push('.');
            }
        }
        GenArticle {
            id: format!("gen-{}-{n:08}", self.seed),
            date: format!("{year:04}-{month:02}-{day:02}"),
            title,
            source,
            country,
            body,
        }
    }

    /// Writes articles 1 to `count` as JSON Lines, calling `progress` with the number written
    /// every 1,000 articles; returns the bytes written.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write(
        &self,
        count: u64,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let mut line = Vec::with_capacity(8192);
        let mut bytes = 0;
        for n in 1..=count {
            line.clear();
            serde_json::to_writer(&mut line, &self.article(n)).expect("articles serialise");
            line.push(b'\n');
            out.write_all(&line).map_err(|e| Error::io("output", e))?;
            bytes += line.len() as u64;
            if n % 1000 == 0 {
                progress(n);
            }
        }
        out.flush().map_err(|e| Error::io("output", e))?;
        Ok(bytes)
    }

    /// Appends a sentence of `len` word slots, capitalised, without its final period.
    fn sentence(&self, rng: &mut Rng, len: u64, out: &mut String) {
        let m = self.model;
        let mut prev: Option<usize> = None;
        for i in 0..len {
            if i > 0 {
                if rng.chance(m.comma_rate) {
                    out.push(',');
                }
                out.push(' ');
            }
            let start = out.len();
            if !self.entities.is_empty() && rng.chance(m.entity_rate) {
                out.push_str(&m.entities[self.entities.draw(rng)].text);
                prev = None;
                continue;
            }
            let pairs = prev.and_then(|p| self.pairs[p].as_ref());
            let word = match pairs {
                Some(p) if rng.below(p.total) < p.covered => Some(p.next[p.sampler.draw(rng)]),
                _ if rng.chance(m.tail_rate) => None,
                _ => Some(self.words.draw(rng)),
            };
            match word {
                Some(w) => out.push_str(&m.words[w].text),
                None => rare_word(rng, m.words.len() as u64, out),
            }
            if i == 0 {
                capitalise(out, start);
            }
            prev = word;
        }
    }
}

/// An invented word of Pareto-distributed rank beyond the `listed` words (tail exponent 1:
/// a rank above r is drawn with probability listed / r).
fn rare_word(rng: &mut Rng, listed: u64, out: &mut String) {
    let u = 1.0 - rng.unit(); // (0, 1]
    let mut rank = ((listed as f64 / u) as u64).min(1 << 26);
    for _ in 0..3 {
        out.push_str(SYLLABLES[(rank % 20) as usize]);
        rank /= 20;
    }
    while rank > 0 {
        out.push_str(SYLLABLES[(rank % 20) as usize]);
        rank /= 20;
    }
}

/// Upper-cases the first letter of `out[start..]`.
fn capitalise(out: &mut String, start: usize) {
    let Some(first) = out[start..].chars().next() else {
        return;
    };
    if first.is_lowercase() {
        let upper: String = first.to_uppercase().collect();
        out.replace_range(start..start + first.len_utf8(), &upper);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_article_depends_only_on_the_seed_and_its_number() {
        let model = Model::builtin();
        let a = Generator::new(&model, 11);
        let b = Generator::new(&model, 11);
        assert_eq!(a.article(5), b.article(5));
        assert_ne!(a.article(5), a.article(6));
        assert_ne!(
            a.article(5).body,
            Generator::new(&model, 12).article(5).body
        );
    }

    #[test]
    fn articles_are_news_length_dated_within_range_with_paragraphs() {
        let model = Model::builtin();
        let g = Generator::new(&model, 1);
        let mut total = 0;
        for n in 1..=200 {
            let a = g.article(n);
            let year: u64 = a.date[..4].parse().unwrap();
            assert!((1946..=LAST_YEAR).contains(&year), "{}", a.date);
            assert!(a.body.contains("\n\n") && a.body.ends_with('.'));
            let first = a.title.chars().next().unwrap();
            assert!(!first.is_lowercase(), "{}", a.title);
            total += a.body.len();
        }
        let mean = total / 200;
        assert!((1500..6000).contains(&mean), "mean body {mean} bytes");
    }

    #[test]
    fn rare_words_are_invented_past_the_listed_ones() {
        let mut rng = Rng::new(9);
        let mut out = String::new();
        rare_word(&mut rng, 8000, &mut out);
        assert!(
            out.len() >= 6 && out.chars().all(|c| c.is_ascii_lowercase()),
            "{out}"
        );
    }
}
