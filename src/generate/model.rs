//! The generator's model: word, word-pair, entity, sentence-length, year and country statistics
//! of a real corpus, in a small text file.
//!
//! The built-in model (`data/gen-model.tsv`) was learned from the UN General Debate Corpus with
//! `attache gen --learn ../shared/corpora/ungdc --out data/gen-model.tsv`. One record per line,
//! tab-separated, the record kind first; `#` starts a comment:
//!
//! ```text
//! format    1
//! rate      entity  0.0123          share of word slots that hold an entity mention
//! rate      comma   0.05            share of words followed by a comma
//! rate      tail    0.08            share of words outside the word list (rare words)
//! sentence  23      1234            sentences of 23 words, and how many
//! year      1946    35              articles dated that year
//! country   UKR     79              articles with that `country`
//! word      the     1234567         the word list, most frequent first
//! entity    Soviet Union  4321      entity mentions, by spelling
//! next      12  9876  0:812 5:77    after word 12 (seen 9876 times): word 0 812 times, word 5 77 times
//! ```

use std::fmt::Write as _;

use super::SENTENCE_WORDS;
use crate::error::{Error, Result};

/// The model file's format version.
pub const MODEL_FORMAT: u32 = 1;

/// The built-in model, learned from the UNGDC.
const BUILTIN: &str = include_str!("../../data/gen-model.tsv");

/// A word and how often it was seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// The word, spelling or code.
    pub text: String,
    /// Occurrences.
    pub count: u64,
}

/// The words that followed one word.
#[derive(Debug, Clone, PartialEq)]
pub struct Successors {
    /// The word's index in [`Model::words`].
    pub word: usize,
    /// How often the word was followed by any word (the denominator of the pairs).
    pub total: u64,
    /// Indices into [`Model::words`] with counts, most frequent first.
    pub next: Vec<(usize, u64)>,
}

/// Statistics of a corpus, enough to generate text with its term distribution.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    /// Share of word slots that hold an entity mention.
    pub entity_rate: f64,
    /// Share of words followed by a comma.
    pub comma_rate: f64,
    /// Share of words outside [`Model::words`].
    pub tail_rate: f64,
    /// Sentence lengths in words, with counts.
    pub sentences: Vec<(u64, u64)>,
    /// Years with article counts.
    pub years: Vec<(u64, u64)>,
    /// Country codes with article counts.
    pub countries: Vec<Counted>,
    /// Words, most frequent first.
    pub words: Vec<Counted>,
    /// Entity spellings, most frequent first.
    pub entities: Vec<Counted>,
    /// Word pairs, for the most frequent words.
    pub successors: Vec<Successors>,
}

impl Model {
    /// The model learned from the UN General Debate Corpus, shipped in the binary.
    pub fn builtin() -> Model {
        Model::parse(BUILTIN).expect("the built-in model parses")
    }

    /// Reads a model file's text, checking that every table the generator samples from can be
    /// sampled: some positive count, and counts that add up within 64 bits.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the line and what is wrong with it.
    pub fn parse(text: &str) -> Result<Model> {
        let mut model = Model::default();
        let mut format = None;
        // The first line of each kind of record, for errors about a whole table.
        let mut first_lines: Vec<(String, usize)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if !first_lines.iter().any(|(kind, _)| kind == fields[0]) {
                first_lines.push((fields[0].to_owned(), n + 1));
            }
            model
                .record(&fields, &mut format)
                .map_err(|why| Error::Invalid(format!("model line {}: {why}", n + 1)))?;
        }
        if format != Some(MODEL_FORMAT) {
            return Err(Error::Invalid(format!(
                "not a generator model of format {MODEL_FORMAT}: learn one with `attache gen --learn CORPUS`"
            )));
        }
        if model.words.is_empty() || model.sentences.is_empty() || model.years.is_empty() {
            return Err(Error::Invalid(
                "the model has no words, sentence lengths or years".into(),
            ));
        }
        model.check_weights(|kind| {
            first_lines
                .iter()
                .find(|(k, _)| k == kind)
                .map_or(0, |&(_, line)| line)
        })?;
        if let Some(s) = model.successors.iter().find(|s| {
            s.word >= model.words.len() || s.next.iter().any(|&(w, _)| w >= model.words.len())
        }) {
            return Err(Error::Invalid(format!(
                "model: `next` record of word {} names a word past the {} listed",
                s.word,
                model.words.len()
            )));
        }
        Ok(model)
    }

    /// Checks that each table can be sampled; `first_line` gives where a kind of record starts.
    fn check_weights(&self, first_line: impl Fn(&str) -> usize) -> Result<()> {
        let sum = |counts: &mut dyn Iterator<Item = u64>| counts.map(u128::from).sum::<u128>();
        let (shortest, longest) = SENTENCE_WORDS;
        let tables = [
            ("word", sum(&mut self.words.iter().map(|w| w.count)), true),
            (
                "sentence",
                sum(&mut self
                    .sentences
                    .iter()
                    .filter(|(len, _)| (shortest..=longest).contains(len))
                    .map(|&(_, n)| n)),
                true,
            ),
            ("year", sum(&mut self.years.iter().map(|&(_, n)| n)), true),
            (
                "entity",
                sum(&mut self.entities.iter().map(|e| e.count)),
                false,
            ),
            (
                "country",
                sum(&mut self.countries.iter().map(|c| c.count)),
                false,
            ),
        ];
        for (kind, total, needed) in tables {
            let why = if total > u128::from(u64::MAX) {
                format!("the `{kind}` counts add up past {}", u64::MAX)
            } else if needed && total == 0 && kind == "sentence" {
                format!(
                    "no `sentence` length from {shortest} to {longest} words has a count above 0"
                )
            } else if needed && total == 0 {
                format!("every `{kind}` count is 0: at least one must be above 0")
            } else {
                continue;
            };
            return Err(Error::Invalid(format!(
                "model line {}: {why}",
                first_line(kind)
            )));
        }
        Ok(())
    }

    fn record(&mut self, fields: &[&str], format: &mut Option<u32>) -> Result<(), String> {
        let number = |i: usize| -> Result<u64, String> {
            let field = fields.get(i).ok_or(format!("expected {} fields", i + 1))?;
            field
                .parse()
                .map_err(|_| format!("'{field}' is not a whole number"))
        };
        let counted = |i: usize| -> Result<Counted, String> {
            Ok(Counted {
                text: fields.get(i).ok_or("missing text")?.to_string(),
                count: number(i + 1)?,
            })
        };
        match fields[0] {
            "format" => *format = Some(number(1)? as u32),
            "rate" => {
                let name = fields.get(1).ok_or("expected a rate name")?;
                let value: f64 = fields
                    .get(2)
                    .and_then(|v| v.parse().ok())
                    .filter(|v| (0.0..1.0).contains(v))
                    .ok_or("a rate must be a number in [0, 1)")?;
                match *name {
                    "entity" => self.entity_rate = value,
                    "comma" => self.comma_rate = value,
                    "tail" => self.tail_rate = value,
                    other => return Err(format!("unknown rate '{other}'")),
                }
            }
            "sentence" => self.sentences.push((number(1)?, number(2)?)),
            "year" => {
                let year = number(1)?;
                if !(1..=9999).contains(&year) {
                    return Err(format!("year {year} is not in 1..=9999"));
                }
                self.years.push((year, number(2)?));
            }
            "country" => self.countries.push(counted(1)?),
            "word" => self.words.push(counted(1)?),
            "entity" => self.entities.push(counted(1)?),
            "next" => {
                let (word, total) = (number(1)? as usize, number(2)?);
                let next = fields[3..]
                    .iter()
                    .map(|pair| {
                        let (w, c) = pair
                            .split_once(':')
                            .ok_or(format!("'{pair}' is not word:count"))?;
                        match (w.parse(), c.parse()) {
                            (Ok(w), Ok(c)) => Ok((w, c)),
                            _ => Err(format!("'{pair}' is not word:count")),
                        }
                    })
                    .collect::<Result<Vec<(usize, u64)>, String>>()?;
                if next
                    .iter()
                    .try_fold(0u64, |sum, &(_, n)| sum.checked_add(n))
                    .is_none()
                {
                    return Err(format!("the counts add up past {}", u64::MAX));
                }
                self.successors.push(Successors { word, total, next });
            }
            other => return Err(format!("unknown record '{other}'")),
        }
        Ok(())
    }

    /// The model as a model file; [`Model::parse`] reads it back unchanged.
    pub fn to_text(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            let _ = writeln!(out, "# {line}");
        }
        let _ = writeln!(out, "format\t{MODEL_FORMAT}");
        let _ = writeln!(out, "rate\tentity\t{:.6}", self.entity_rate);
        let _ = writeln!(out, "rate\tcomma\t{:.6}", self.comma_rate);
        let _ = writeln!(out, "rate\ttail\t{:.6}", self.tail_rate);
        for (len, count) in &self.sentences {
            let _ = writeln!(out, "sentence\t{len}\t{count}");
        }
        for (year, count) in &self.years {
            let _ = writeln!(out, "year\t{year}\t{count}");
        }
        for (kind, list) in [
            ("country", &self.countries),
            ("word", &self.words),
            ("entity", &self.entities),
        ] {
            for c in list {
                let _ = writeln!(out, "{kind}\t{}\t{}", c.text, c.count);
            }
        }
        for s in &self.successors {
            let _ = write!(out, "next\t{}\t{}", s.word, s.total);
            for (w, c) in &s.next {
                let _ = write!(out, "\t{w}:{c}");
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_model_reads_back_as_written() {
        let model = Model::builtin();
        assert!(model.words.len() > 1000, "{} words", model.words.len());
        assert_eq!(Model::parse(&model.to_text("again")).unwrap(), model);
    }

    #[test]
    fn a_table_that_cannot_be_sampled_is_named_by_its_first_line() {
        let head = "format\t1\nsentence\t1\t5\nsentence\t12\t7\nyear\t1990\t3\n";
        let ok = format!("{head}word\tthe\t0\nword\tpeace\t2\n");
        assert!(Model::parse(&ok).is_ok());
        let max = u64::MAX;
        let cases = [
            (
                format!("{head}word\tthe\t0\nword\tpeace\t0\n"),
                "model line 5: every `word` count is 0: at least one must be above 0",
            ),
            (
                "format\t1\nword\tthe\t1\nyear\t1990\t0\nsentence\t12\t0\nsentence\t1\t9\n"
                    .to_owned(),
                "model line 4: no `sentence` length from 4 to 60 words has a count above 0",
            ),
            (
                "format\t1\nword\tthe\t1\nsentence\t12\t1\nyear\t1990\t0\n".to_owned(),
                "model line 4: every `year` count is 0: at least one must be above 0",
            ),
            (
                format!("{head}word\tthe\t{max}\nword\tpeace\t1\n"),
                "model line 5: the `word` counts add up past 18446744073709551615",
            ),
            (
                format!("{ok}entity\tUN\t{max}\nentity\tEU\t{max}\n"),
                "model line 7: the `entity` counts add up past 18446744073709551615",
            ),
            (
                format!("{ok}next\t0\t9\t1:{max}\t0:1\n"),
                "model line 7: the counts add up past 18446744073709551615",
            ),
            (
                format!("{ok}year\t{max}\t1\n"),
                "model line 7: year 18446744073709551615 is not in 1..=9999",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Model::parse(&text).unwrap_err().to_string(), want, "{text}");
        }
    }

    #[test]
    fn a_bad_line_is_named() {
        let text = "format\t1\nword\tthe\tmany\n";
        let err = Model::parse(text).unwrap_err().to_string();
        assert_eq!(err, "model line 2: 'many' is not a whole number");
        let err = Model::parse("word\tthe\t1\n").unwrap_err().to_string();
        assert!(
            err.starts_with("not a generator model of format 1"),
            "{err}"
        );
    }
}
