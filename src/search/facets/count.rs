//! The facet collector: per value, the matching passages and the distinct articles among them,
//! read from fast fields without fetching a document.
//!
//! Passages are counted per value code as they come. Articles are counted by their 64-bit key
//! (the `article_key` column): an article's passages mostly lie together in a segment, so a
//! value remembers the last article it counted and records a key only when it changes; the
//! keys are sorted and deduplicated when the segment is done, and again across segments (an
//! article's passages may lie in several).

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::dimension::{Dimension, SegmentValues};
use crate::analysis::unspaced;
use crate::index::schema::fast;

/// Passages counted, and the keys of their articles (sorted and distinct once merged).
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Matching passages.
    pub passages: u64,
    /// Keys of their articles.
    keys: Vec<u64>,
    /// The key last recorded, to skip the next passages of the same article.
    last: Option<u64>,
}

impl Tally {
    fn add(&mut self, key: u64) {
        self.passages += 1;
        if self.last != Some(key) {
            self.keys.push(key);
            self.last = Some(key);
        }
    }

    fn absorb(&mut self, other: Tally) {
        self.passages += other.passages;
        self.keys.extend(other.keys);
        self.last = None;
    }

    fn settle(&mut self) {
        self.keys.sort_unstable();
        self.keys.dedup();
    }

    /// Distinct articles, once settled.
    pub fn articles(&self) -> u64 {
        self.keys.len() as u64
    }
}

/// What the collector found: every match, the matches without a value, and each value's.
#[derive(Debug, Default)]
pub struct Counts {
    /// Every matching passage.
    pub all: Tally,
    /// Matching passages without a value in the dimension.
    pub missing: Tally,
    /// Per value.
    pub values: HashMap<String, Tally>,
}

impl Counts {
    /// Counts values that differ only in case and spacing as one (`Mr. GROMYKO`, `Mr.
    /// Gromyko`, `Mr.Gromyko`, `Mr . GROMYKO`: one speaker, as the UNGDC's records write him
    /// every way; `王毅`, `王 毅`): see `fold_key`. Values whose letters differ otherwise
    /// stay apart (`C++`, `C`, `c#`; `Castillo-Valdes`, `CASTILLOVALDES`; `Bo wen`, `BOWEN`).
    /// A row is named by the spelling with the most passages (ties: usual spacing, then the
    /// fewest capitals, then byte order: `Mr. Gromyko` before `Mr.  Gromyko` and `Mr.
    /// GROMYKO`, `王毅` before `王 毅`).
    pub fn fold_case(&mut self) {
        let mut groups: HashMap<String, Vec<(String, Tally)>> = HashMap::new();
        for (value, tally) in self.values.drain() {
            groups
                .entry(fold_key(&value))
                .or_default()
                .push((value, tally));
        }
        for mut spellings in groups.into_values() {
            // Runs of whitespace, spaces between letters of a script written without them, a
            // trailing comma.
            let odd_spaces = |v: &str| {
                v.split_whitespace().collect::<Vec<_>>().join(" ") != v
                    || v.ends_with([',', ';'])
                    || v.char_indices().any(|(i, c)| {
                        c == ' '
                            && v[..i].chars().next_back().is_some_and(unspaced)
                            && v[i + 1..].chars().next().is_some_and(unspaced)
                    })
            };
            let capitals = |v: &str| v.chars().filter(|c| c.is_uppercase()).count();
            spellings.sort_by(|a, b| {
                b.1.passages
                    .cmp(&a.1.passages)
                    .then_with(|| odd_spaces(&a.0).cmp(&odd_spaces(&b.0)))
                    .then_with(|| capitals(&a.0).cmp(&capitals(&b.0)))
                    .then_with(|| a.0.cmp(&b.0))
            });
            let mut spellings = spellings.into_iter();
            let Some((name, mut tally)) = spellings.next() else {
                continue;
            };
            if spellings.len() > 0 {
                spellings.for_each(|(_, other)| tally.absorb(other));
                tally.settle();
            }
            self.values.insert(name, tally);
        }
    }
}

/// The key values are counted under by [`Counts::fold_case`]: lowercased, each run of
/// whitespace one space, and no space at all next to punctuation or between two letters of a
/// script written without spaces (where a space separates nothing); a trailing comma or
/// semicolon left out.
fn fold_key(value: &str) -> String {
    let value = value.trim().trim_end_matches([',', ';']).trim_end();
    let mut key = String::with_capacity(value.len());
    let mut space = false;
    for c in value.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            let before = key.chars().next_back();
            let joins = |a: char, b: char| {
                !a.is_alphanumeric() || !b.is_alphanumeric() || unspaced(a) && unspaced(b)
            };
            if before.is_some_and(|b| !joins(b, c)) {
                key.push(' ');
            }
            space = false;
        }
        key.extend(c.to_lowercase());
    }
    key
}

/// Counts matches per value of a dimension.
pub struct FacetCollector<'a> {
    /// The values counted.
    pub dimension: &'a dyn Dimension,
}

/// One segment's counting.
pub struct SegmentCounter {
    values: Box<dyn SegmentValues>,
    key: Column<u64>,
    codes: Vec<u64>,
    all: Tally,
    missing: Tally,
    per_code: PerCode,
}

/// Tallies by code: in a vector when the codes are bounded, else in a map.
enum PerCode {
    Dense(Vec<Tally>),
    Sparse(FxHashMap<u64, Tally>),
}

impl PerCode {
    fn get(&mut self, code: u64) -> &mut Tally {
        match self {
            PerCode::Dense(tallies) => &mut tallies[code as usize],
            PerCode::Sparse(tallies) => tallies.entry(code).or_default(),
        }
    }

    /// The codes counted, and their tallies.
    fn counted(self) -> Vec<(u64, Tally)> {
        match self {
            PerCode::Dense(tallies) => tallies
                .into_iter()
                .enumerate()
                .filter(|(_, t)| t.passages > 0)
                .map(|(code, t)| (code as u64, t))
                .collect(),
            PerCode::Sparse(tallies) => tallies.into_iter().collect(),
        }
    }
}

impl Collector for FacetCollector<'_> {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        let values = self.dimension.for_segment(reader)?;
        let per_code = match values.bound() {
            Some(bound) => PerCode::Dense(vec![Tally::default(); bound]),
            None => PerCode::Sparse(FxHashMap::default()),
        };
        Ok(SegmentCounter {
            values,
            key: reader.fast_fields().u64(fast::ARTICLE_KEY)?,
            codes: Vec::new(),
            all: Tally::default(),
            missing: Tally::default(),
            per_code,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut merged = Counts::default();
        for fruit in fruits {
            merged.all.absorb(fruit.all);
            merged.missing.absorb(fruit.missing);
            for (value, tally) in fruit.values {
                merged.values.entry(value).or_default().absorb(tally);
            }
        }
        merged.all.settle();
        merged.missing.settle();
        merged.values.values_mut().for_each(Tally::settle);
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let key = self.key.first(doc).unwrap_or(0);
        self.all.add(key);
        self.codes.clear();
        self.values.codes(doc, &mut self.codes);
        if self.codes.is_empty() {
            self.missing.add(key);
        }
        for &code in &self.codes {
            self.per_code.get(code).add(key);
        }
    }

    fn harvest(self) -> Counts {
        let mut counted = self.per_code.counted();
        counted.sort_unstable_by_key(|(code, _)| *code);
        let codes: Vec<u64> = counted.iter().map(|(code, _)| *code).collect();
        let mut labels = self.values.labels(&codes).into_iter().peekable();
        let mut values: HashMap<String, Tally> = HashMap::with_capacity(counted.len());
        for (code, tally) in counted {
            if let Some((_, value)) = labels.next_if(|(c, _)| *c == code) {
                values.entry(value).or_default().absorb(tally);
            }
        }
        Counts {
            all: self.all,
            missing: self.missing,
            values,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values that differ in case and spacing fold; other differences stay (`C++` and `C`
    /// were one row, as were `Castillo-Valdes` and `CASTILLOVALDES`).
    #[test]
    fn values_fold_by_case_and_spacing_only() {
        let same = [
            ["Mr. Gromyko", "Mr.Gromyko", "MR . GROMYKO"],
            ["王毅", "王 毅", "王  毅"],
            [
                "Taumoepeau-Tupou,",
                "taumoepeau-tupou",
                " Taumoepeau - Tupou",
            ],
        ];
        for spellings in same {
            let keys: Vec<String> = spellings.iter().map(|v| fold_key(v)).collect();
            assert!(
                keys.iter().all(|k| *k == keys[0]),
                "{spellings:?}: {keys:?}"
            );
        }
        let apart = [
            ["C++", "C", "c#"],
            ["Castillo-Valdes", "CASTILLOVALDES", "Castillo Valdes"],
            ["Bo wen", "BOWEN", "1.5"],
            ["1.5", "15", "1-5"],
            ["-1", "1", "+1"],
        ];
        for values in apart {
            let mut keys: Vec<String> = values.iter().map(|v| fold_key(v)).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), 3, "{values:?}: {keys:?}");
        }
    }
}
