//! The logical plan: what a query matches and how it scores, after analysis and before tantivy.
//!
//! The planner ([`super::plan`]) turns the parsed query into a [`Logical`] tree: words become
//! the index terms they match (a stem, the exact spelling's bonus, an entity), phrases their
//! words at their positions, dates the days they cover. The tree prints in a Lucene-like
//! syntax (`attache search --explain` shows it), and it is lowered twice: to a tantivy query
//! ([`Logical::lower`]) and, where it is a conjunction of words and phrases, to the leaves the
//! pruned collector drives ([`Logical::leaves`]).

use std::fmt;
use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur as TOccur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::parse::Occur;
use crate::analysis::{META_SEPARATOR, STEM_PREFIX};

/// A node of the logical plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Logical {
    /// Clauses that must, may or must not match; the scores of those that match add up.
    Bool(Vec<(Occur, Logical)>),
    /// Any of these index terms of one field, each with its weight, scores added: one
    /// unquoted word (its stem, its exact spelling's bonus, its entity).
    Terms {
        /// The field.
        field: FieldName,
        /// Index tokens and their weights.
        terms: Vec<(String, f32)>,
    },
    /// Words at their positions in one field, with up to `slop` other words between them.
    Sequence {
        /// The field.
        field: FieldName,
        /// (position, index token), in order.
        words: Vec<(usize, String)>,
        /// How many other words may stand between them.
        slop: u32,
    },
    /// One exact token, matched without counting it (an article id, a speaker, a type).
    Keyword {
        /// The field.
        field: FieldName,
        /// The token.
        token: String,
    },
    /// The inner clause's matches, each scoring `score`.
    Constant(Box<Logical>, f32),
    /// Articles whose date period overlaps the days `first..=last` (days since 1970), scoring
    /// nothing; `label` is how the query wrote it.
    Days {
        /// The first day, if bounded.
        first: Option<i64>,
        /// The last day, if bounded.
        last: Option<i64>,
        /// The dates as written, for printing.
        label: String,
    },
    /// The inner clause with its scores multiplied.
    Boost(Box<Logical>, f32),
    /// The best score of the clauses that match: one bonus read in several ways (the words
    /// standing together as written, or as the entities they name), counted once.
    Max(Vec<Logical>),
    /// Every passage.
    All,
}

/// A field of the index and the name the plan prints for it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldName {
    /// The tantivy field.
    pub field: Field,
    /// Its name in the query language (`text`, `title`, a metadata key…).
    pub name: String,
    /// For the passage text, the field of its words' stems: a token `~stem` of this field is
    /// the stem's one term there (and, in a sequence, every word with that stem).
    pub stems: Option<Field>,
}

impl FieldName {
    /// Whether the exact phrase `words` of this field (with `slop`) leaves a gap that the
    /// passage text must hold empty: an exact phrase of the passage text typed with its
    /// punctuation (see `super::gapped`).
    pub fn is_gapped(&self, words: &[(usize, String)], slop: u32) -> bool {
        slop == 0 && self.stems.is_some() && super::gapped::GappedPhrase::has_gap(words)
    }

    /// A field whose tokens are all its own.
    pub fn new(field: Field, name: &str) -> FieldName {
        FieldName {
            field,
            name: name.to_owned(),
            stems: None,
        }
    }

    /// The index term of `token`: a stem's in the stem field, any other in this field.
    pub fn term(&self, token: &str) -> Term {
        match (self.stems, token.strip_prefix(STEM_PREFIX)) {
            (Some(stems), Some(stem)) => Term::from_field_text(stems, stem),
            _ => Term::from_field_text(self.field, token),
        }
    }

    /// Whether `words` name stems that stand for their words (see [`FieldName::stems`]).
    fn by_stem(&self, words: &[(usize, String)]) -> bool {
        self.stems.is_some() && words.iter().any(|(_, w)| w.starts_with(STEM_PREFIX))
    }
}

/// The fields the date ranges are read from.
#[derive(Debug, Clone, Copy)]
pub struct DayFields {
    /// The first day of an article's date period.
    pub lo: Field,
    /// The last day of an article's date period.
    pub hi: Field,
}

/// A part of a query that the pruned collector can bound from its terms' postings.
#[derive(Debug, Clone, PartialEq)]
pub enum Leaf {
    /// Any of these terms (with their boosts), their scores summed: an unquoted word's stem,
    /// its exact spelling's bonus and its entity.
    Any(Vec<(Term, f32)>),
    /// An exact phrase: all of these terms, scored with the phrase's BM25 weight.
    Phrase {
        /// The phrase's terms at their positions, in order.
        terms: Vec<(usize, Term)>,
        /// The phrase's boost.
        boost: f32,
    },
}

/// How a plan scores, for the pruned collector.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// All of these leaves must match, and more when `checked` (a filter or an exclusion);
    /// the score is the sum of theirs.
    All { leaves: Vec<Leaf>, checked: bool },
    /// Matching only narrows, and scores nothing (a date or type filter).
    Filter,
    /// Anything else.
    Opaque,
}

impl Logical {
    /// The tantivy query: what matches, and its BM25 score.
    pub fn lower(&self, days: DayFields) -> Box<dyn Query> {
        match self {
            Logical::Bool(clauses) => {
                if let [(Occur::Must, only)] = clauses.as_slice() {
                    return only.lower(days);
                }
                let mut subqueries: Vec<(TOccur, Box<dyn Query>)> = clauses
                    .iter()
                    .map(|(occur, clause)| {
                        let query = clause.lower(days);
                        match occur {
                            Occur::MustNot => (TOccur::MustNot, excluded(query)),
                            _ => (occur_of(*occur), query),
                        }
                    })
                    .collect();
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    subqueries.push((TOccur::Must, Box::new(AllQuery)));
                }
                Box::new(BooleanQuery::new(subqueries))
            }
            Logical::Terms { field, terms } => match terms.as_slice() {
                [(token, 1.0)] => term_query(field.term(token)),
                // Not a boolean query of one clause: tantivy's boolean `explain` seeks its
                // scorer backwards when the term's first passage comes after the one asked.
                [(token, boost)] => {
                    Box::new(BoostQuery::new(term_query(field.term(token)), *boost))
                }
                _ => {
                    let clauses = terms
                        .iter()
                        .map(|(token, boost)| {
                            let query = term_query(field.term(token));
                            let query: Box<dyn Query> = match *boost == 1.0 {
                                true => query,
                                false => Box::new(BoostQuery::new(query, *boost)),
                            };
                            (TOccur::Should, query)
                        })
                        .collect();
                    Box::new(BooleanQuery::new(clauses))
                }
            },
            Logical::Sequence { field, words, slop } => {
                let terms = sequence_terms(field.field, words, *slop);
                if let (Some(stems), true) = (field.stems, field.by_stem(words)) {
                    return match <[_; 1]>::try_from(terms) {
                        Ok([_]) => term_query(field.term(&words[0].1)),
                        Err(terms) => Box::new(
                            super::sloppy::SloppyPhrase::new(terms, *slop).with_stems(stems),
                        ),
                    };
                }
                match <[_; 1]>::try_from(terms) {
                    Ok([(_, term)]) => Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    // tantivy's sloppy phrases of three words or more depend on the segment.
                    Err(terms) if *slop > 0 && terms.len() > 2 => {
                        Box::new(super::sloppy::SloppyPhrase::new(terms, *slop))
                    }
                    // Typed with its punctuation: no word may stand in its gaps.
                    Err(terms) if field.is_gapped(words, *slop) => {
                        let phrase: Vec<Term> = terms.iter().map(|(_, t)| t.clone()).collect();
                        Box::new(super::gapped::GappedPhrase::new(
                            Box::new(PhraseQuery::new_with_offset_and_slop(terms, 0)),
                            words,
                            phrase,
                        ))
                    }
                    Err(terms) => Box::new(PhraseQuery::new_with_offset_and_slop(terms, *slop)),
                }
            }
            Logical::Keyword { field, token } => Box::new(TermQuery::new(
                Term::from_field_text(field.field, token),
                IndexRecordOption::Basic,
            )),
            Logical::Constant(inner, score) => {
                Box::new(ConstScoreQuery::new(inner.lower(days), *score))
            }
            Logical::Days { first, last, .. } => {
                let mut clauses: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
                if let Some(first) = first {
                    let term = Term::from_field_i64(days.hi, *first);
                    let range = RangeQuery::new(Bound::Included(term), Bound::Unbounded);
                    clauses.push((TOccur::Must, Box::new(range)));
                }
                if let Some(last) = last {
                    let term = Term::from_field_i64(days.lo, *last);
                    let range = RangeQuery::new(Bound::Unbounded, Bound::Included(term));
                    clauses.push((TOccur::Must, Box::new(range)));
                }
                let filter: Box<dyn Query> = match clauses.is_empty() {
                    true => Box::new(AllQuery),
                    false => Box::new(BooleanQuery::new(clauses)),
                };
                Box::new(ConstScoreQuery::new(filter, 0.0))
            }
            Logical::Boost(inner, boost) => Box::new(BoostQuery::new(inner.lower(days), *boost)),
            Logical::Max(clauses) => Box::new(DisjunctionMaxQuery::new(
                clauses.iter().map(|c| c.lower(days)).collect(),
            )),
            Logical::All => Box::new(AllQuery),
        }
    }

    /// The clauses of a `max(…)`, each with the boosts around it (`max(a | b)^2` is `a^2`
    /// and `b^2`), whose best score is the plan's; any other plan is its only reading. Checked
    /// one by one at a passage, each reading keeps its scorer's cheap check of that passage
    /// alone, which tantivy's disjunction scorer would replace by a walk through the matches
    /// before it.
    pub fn readings(&self) -> Vec<Logical> {
        match self {
            Logical::Max(clauses) => clauses.iter().flat_map(Logical::readings).collect(),
            Logical::Boost(inner, boost) => inner
                .readings()
                .into_iter()
                .map(|reading| Logical::Boost(Box::new(reading), *boost))
                .collect(),
            other => vec![other.clone()],
        }
    }

    /// The plan as leaves that must all match, when it can be put so and every part that
    /// scores is a leaf, and whether the whole query must also be checked at each passage
    /// (for its filters and exclusions). `None` for anything else (alternatives of phrases,
    /// sloppy phrases, constant scores…).
    pub fn leaves(&self) -> Option<(Vec<Leaf>, bool)> {
        match self.shape() {
            Shape::All { leaves, checked } if !leaves.is_empty() => Some((leaves, checked)),
            _ => None,
        }
    }

    fn shape(&self) -> Shape {
        match self {
            Logical::Bool(clauses) => {
                if let [(Occur::Must, only)] = clauses.as_slice() {
                    return only.shape();
                }
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    return Shape::Opaque;
                }
                bool_shape(clauses.iter().map(|(o, c)| (*o, c.shape())).collect())
            }
            Logical::Terms { field, terms } => Shape::leaf(Leaf::Any(
                terms
                    .iter()
                    .map(|(token, boost)| (field.term(token), *boost))
                    .collect(),
            )),
            // Words by stem, as the words-together bonus reads them.
            Logical::Sequence { field, words, .. } if field.by_stem(words) => {
                match words.as_slice() {
                    [(_, token)] => Shape::leaf(Leaf::Any(vec![(field.term(token), 1.0)])),
                    _ => Shape::Opaque,
                }
            }
            Logical::Sequence { field, words, slop } => {
                let terms = sequence_terms(field.field, words, *slop);
                match (terms.as_slice(), slop) {
                    ([(_, term)], _) => Shape::leaf(Leaf::Any(vec![(term.clone(), 1.0)])),
                    // Checked against the stored text by its own query (see `gapped`).
                    _ if field.is_gapped(words, *slop) => Shape::Opaque,
                    // A phrase occurs no more often than its rarest word: the bound the
                    // collector needs. A sloppy phrase may count a word's occurrence twice.
                    (_, 0) => Shape::leaf(Leaf::Phrase { terms, boost: 1.0 }),
                    _ => Shape::Opaque,
                }
            }
            Logical::Constant(_, score) if *score == 0.0 => Shape::Filter,
            Logical::Days { .. } => Shape::Filter,
            Logical::Boost(inner, boost) => inner.shape().boosted(*boost),
            Logical::Keyword { .. } | Logical::Constant(..) | Logical::Max(_) | Logical::All => {
                Shape::Opaque
            }
        }
    }
}

/// Prints the plan: `+` required, `-` excluded, a word's terms in parentheses with their
/// weights after `^` (`~` marks a stem, `@` an entity), phrases quoted (`_` where a clause or
/// sentence break leaves a gap), fields before `:`, dates as `date:[FIRST TO LAST]`,
/// `const(…, s)` for a clause that scores `s` wherever it matches, `max(a | b)` for the best
/// score of clauses that match.
impl fmt::Display for Logical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Logical::Bool(clauses) => {
                for (i, (occur, clause)) in clauses.iter().enumerate() {
                    let sign = match occur {
                        Occur::Must => "+",
                        Occur::Should => "",
                        Occur::MustNot => "-",
                    };
                    let space = if i == 0 { "" } else { " " };
                    match clause {
                        Logical::Bool(_) => write!(f, "{space}{sign}({clause})")?,
                        _ => write!(f, "{space}{sign}{clause}")?,
                    }
                }
                Ok(())
            }
            Logical::Terms { field, terms } => {
                write!(f, "{}", prefix(field))?;
                let weighted = |(token, boost): &(String, f32)| match *boost == 1.0 {
                    true => shown(token),
                    false => format!("{}^{}", shown(token), trim(*boost)),
                };
                match terms.as_slice() {
                    [one] => write!(f, "{}", weighted(one)),
                    _ => {
                        let all: Vec<String> = terms.iter().map(weighted).collect();
                        write!(f, "({})", all.join(" "))
                    }
                }
            }
            Logical::Sequence { field, words, slop } => {
                write!(f, "{}\"", prefix(field))?;
                let mut next = words.first().map_or(0, |w| w.0);
                for (i, (position, token)) in words.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    for _ in next..*position {
                        f.write_str("_ ")?;
                    }
                    f.write_str(&shown(token))?;
                    next = position + 1;
                }
                f.write_str("\"")?;
                match slop {
                    0 => Ok(()),
                    n => write!(f, "~{n}"),
                }
            }
            Logical::Keyword { field, token } => write!(f, "{}:{}", field.name, shown(token)),
            Logical::Constant(inner, score) => write!(f, "const({inner}, {})", trim(*score)),
            Logical::Days { label, .. } => write!(f, "date:{label}"),
            Logical::Boost(inner, boost) => match &**inner {
                Logical::Bool(_) | Logical::Constant(..) => write!(f, "({inner})^{}", trim(*boost)),
                _ => write!(f, "{inner}^{}", trim(*boost)),
            },
            Logical::Max(clauses) => {
                let all: Vec<String> = clauses.iter().map(ToString::to_string).collect();
                write!(f, "max({})", all.join(" | "))
            }
            Logical::All => f.write_str("*"),
        }
    }
}

/// `field:` unless it is the passage text.
fn prefix(field: &FieldName) -> String {
    match field.name.as_str() {
        "text" => String::new(),
        name => format!("{name}:"),
    }
}

/// A token as printed: a metadata token's value without its key (the field names it).
fn shown(token: &str) -> String {
    match token.split_once(char::from(META_SEPARATOR as u8)) {
        Some((_, value)) => value.to_owned(),
        None => token.to_owned(),
    }
}

/// A weight without trailing zeros: `0.25`, `1`, `0.0625`.
fn trim(x: f32) -> String {
    format!("{x}")
}

fn occur_of(occur: Occur) -> TOccur {
    match occur {
        Occur::Must => TOccur::Must,
        Occur::Should => TOccur::Should,
        Occur::MustNot => TOccur::MustNot,
    }
}

/// An exclusion, safe to ask about passages before the first it matches.
fn excluded(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(super::excluded::Excluded::new(query))
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
}

/// A sequence's terms at their positions, in order. A sloppy phrase keeps only the first of
/// repeated words: tantivy's sloppy matching multiplies candidate positions for every repeat,
/// and `"the … the … the"~10` could fill the memory on one passage.
fn sequence_terms(field: Field, words: &[(usize, String)], slop: u32) -> Vec<(usize, Term)> {
    let mut seen = std::collections::HashSet::new();
    let mut terms: Vec<(usize, Term)> = words
        .iter()
        .filter(|(_, w)| slop == 0 || seen.insert(w.as_str()))
        .map(|(i, w)| (*i, Term::from_field_text(field, w)))
        .collect();
    terms.sort_by_key(|(position, _)| *position);
    terms
}

impl Shape {
    fn leaf(leaf: Leaf) -> Shape {
        Shape::All {
            leaves: vec![leaf],
            checked: false,
        }
    }

    fn boosted(self, by: f32) -> Shape {
        match self {
            Shape::All { leaves, checked } => Shape::All {
                checked,
                leaves: leaves
                    .into_iter()
                    .map(|leaf| match leaf {
                        Leaf::Any(terms) => {
                            Leaf::Any(terms.into_iter().map(|(t, b)| (t, b * by)).collect())
                        }
                        Leaf::Phrase { terms, boost } => Leaf::Phrase {
                            terms,
                            boost: boost * by,
                        },
                    })
                    .collect(),
            },
            other => other,
        }
    }

    /// The single `Any` leaf of a one-word shape.
    fn into_any(self) -> Option<Vec<(Term, f32)>> {
        match self {
            Shape::All {
                mut leaves,
                checked: false,
            } if leaves.len() == 1 => match leaves.pop() {
                Some(Leaf::Any(terms)) => Some(terms),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The shape of a boolean query: required leaves and filters make one conjunction; excluded
/// clauses only narrow; alternatives of single words make one `Any` leaf.
fn bool_shape(clauses: Vec<(Occur, Shape)>) -> Shape {
    let should = clauses.iter().any(|(o, _)| *o == Occur::Should);
    let must = clauses.iter().any(|(o, _)| *o == Occur::Must);
    if should && must {
        // Optional clauses add to the score of passages that match the required ones.
        return Shape::Opaque;
    }
    // Exclusions and filters narrow what the leaves match: each passage is checked.
    let mut checked = clauses
        .iter()
        .any(|(o, s)| *o == Occur::MustNot || *s == Shape::Filter);
    if should {
        let mut terms = Vec::new();
        for (occur, shape) in clauses {
            match (occur, shape.into_any()) {
                (Occur::Should, Some(any)) => terms.extend(any),
                (Occur::MustNot, _) => {}
                _ => return Shape::Opaque,
            }
        }
        return Shape::All {
            leaves: vec![Leaf::Any(terms)],
            checked,
        };
    }
    let mut leaves = Vec::new();
    for (occur, shape) in clauses {
        match (occur, shape) {
            (Occur::MustNot, _) | (_, Shape::Filter) => {}
            (
                _,
                Shape::All {
                    leaves: more,
                    checked: c,
                },
            ) => {
                leaves.extend(more);
                checked |= c;
            }
            (_, Shape::Opaque) => return Shape::Opaque,
        }
    }
    match leaves.is_empty() {
        true => Shape::Filter,
        false => Shape::All { leaves, checked },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> FieldName {
        FieldName::new(Field::from_field_id(0), "text")
    }

    fn word(tokens: &[(&str, f32)]) -> Logical {
        Logical::Terms {
            field: text(),
            terms: tokens.iter().map(|(t, b)| (t.to_string(), *b)).collect(),
        }
    }

    fn phrase(words: &[&str], slop: u32) -> Logical {
        Logical::Sequence {
            field: text(),
            words: words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, w.to_string()))
                .collect(),
            slop,
        }
    }

    fn days() -> Logical {
        Logical::Days {
            first: Some(1),
            last: None,
            label: "[1970 TO *]".to_owned(),
        }
    }

    /// (plan, as printed, leaves the pruned collector gets, whether each passage is checked)
    #[test]
    fn plans_print_and_lower_to_leaves_only_when_every_scoring_part_is_one() {
        let must = |l| (Occur::Must, l);
        let cases: Vec<(Logical, &str, Option<usize>, bool)> = vec![
            (
                word(&[("~secur", 1.0), ("security", 0.25)]),
                "(~secur security^0.25)",
                Some(1),
                false,
            ),
            (
                Logical::Bool(vec![
                    must(word(&[("~peac", 1.0)])),
                    must(phrase(&["law", "of", "the", "sea"], 0)),
                ]),
                "+~peac +\"law of the sea\"",
                Some(2),
                false,
            ),
            // Filters and exclusions narrow: the leaves stay, each passage is checked.
            (
                Logical::Bool(vec![
                    must(word(&[("~peac", 1.0)])),
                    (Occur::MustNot, word(&[("war", 1.0)])),
                    must(days()),
                ]),
                "+~peac -war +date:[1970 TO *]",
                Some(1),
                true,
            ),
            // Alternatives of words are one leaf; of phrases, none.
            (
                Logical::Bool(vec![
                    (Occur::Should, word(&[("a", 1.0)])),
                    (Occur::Should, word(&[("b", 1.0)])),
                ]),
                "a b",
                Some(1),
                false,
            ),
            (
                Logical::Bool(vec![
                    (Occur::Should, phrase(&["a", "b"], 0)),
                    (Occur::Should, word(&[("c", 1.0)])),
                ]),
                "\"a b\" c",
                None,
                false,
            ),
            // A sloppy phrase may count a word twice: no bound from its words.
            (
                phrase(&["peace", "plan"], 3),
                "\"peace plan\"~3",
                None,
                false,
            ),
            // Optional clauses beside required ones add to the score: not a conjunction.
            (
                Logical::Bool(vec![
                    must(word(&[("a", 1.0)])),
                    (Occur::Should, word(&[("b", 1.0)])),
                ]),
                "+a b",
                None,
                false,
            ),
            (
                Logical::Boost(Box::new(word(&[("~secur", 1.0), ("security", 0.25)])), 2.0),
                "(~secur security^0.25)^2",
                Some(1),
                false,
            ),
            (
                Logical::Constant(Box::new(word(&[("x", 1.0)])), 1.0),
                "const(x, 1)",
                None,
                false,
            ),
            // A bonus read two ways scores the better reading.
            (
                Logical::Boost(
                    Box::new(Logical::Max(vec![
                        phrase(&["rwanda", "~genocid"], 0),
                        phrase(&["@rwanda", "~genocid"], 0),
                    ])),
                    0.5,
                ),
                "max(\"rwanda ~genocid\" | \"@rwanda ~genocid\")^0.5",
                None,
                false,
            ),
        ];
        for (logical, printed, leaves, checked) in cases {
            assert_eq!(logical.to_string(), printed);
            let got = logical.leaves();
            assert_eq!(got.as_ref().map(|(l, _)| l.len()), leaves, "{printed}");
            if let Some((_, c)) = got {
                assert_eq!(c, checked, "{printed}");
            }
        }
        // A boost carries onto the leaves' weights.
        let boosted = Logical::Boost(Box::new(word(&[("~secur", 1.0), ("security", 0.25)])), 2.0);
        let Some((leaves, _)) = boosted.leaves() else {
            panic!()
        };
        let Leaf::Any(terms) = &leaves[0] else {
            panic!()
        };
        assert_eq!(terms.iter().map(|t| t.1).collect::<Vec<_>>(), [2.0, 0.5]);
    }
}
