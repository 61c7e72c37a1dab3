//! Planning: the parsed query ([`Node`]) becomes a tantivy query, plus what to highlight.
//!
//! * An unquoted word matches every word with its stem, the exact spelling scoring a little
//!   higher; a word that analyses into several (`self-determination`, `U.S.`) is an exact phrase.
//! * A quoted phrase matches the exact words in order (slop from `~N`); quoted single words are
//!   exact, unstemmed.
//! * `title:` and `source:` use the same analysis; metadata fields (`country:UKR`) match whole
//!   words of the value; `id:` matches an article id exactly; `date:` takes a date or a range
//!   and matches articles whose date period overlaps it.
//! * `@zelensky`, `@Zelenskyy`, `entity:"Volodymyr Zelensky"` match the entity's mentions under
//!   any spelling; inside a phrase, `"@zelensky security"~5` works across spellings. A plain
//!   word that is a known alias (`Kiev`) also matches its entity's mentions, the word itself
//!   scoring on top. `type:person` keeps passages with an entity of that type.
//! * `said:@ushakov` (`said:ushakov`, `said:"Yuri Ushakov"`) keeps the passages where the entity
//!   speaks; `quote:"…"` matches words inside quotation marks only, as `text` would.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur as TOccur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::parse::{Field as QField, Node, Occur, Span};
use crate::analysis::{Analyzer, stem_token};
use crate::corpus::Date;
use crate::entities::aliases::builtin_alias_id;
use crate::entities::{ENTITY_PREFIX, Gazetteer, Kind};
use crate::index::document::meta_key;
use crate::index::schema::{Fields, META_SEPARATOR};

/// Extra weight of the exact spelling over other words with the same stem.
const EXACT_BONUS: f32 = 0.25;

/// Weight of an unquoted query's words standing together, in order (see `Planner::proximity`).
const ADJACENT_BONUS: f32 = 1.0;
/// Weight of the same words within [`NEAR_SLOP`] extra words of each other, in order.
const NEAR_BONUS: f32 = 0.5;
/// How many other words may stand between the words for [`NEAR_BONUS`].
const NEAR_SLOP: u32 = 3;

/// Weight of a word's own matches when it also names an entity (see `word_query`).
const SPELLING_UNDER_ENTITY: f32 = 0.25;

/// The score of a passage where the speaker asked for (`said:`) speaks: words of the query
/// rank these passages among themselves.
const SAID_SCORE: f32 = 1.0;

/// The most words a phrase may have. Matching a phrase checks every position of every word in
/// each candidate passage, inside tantivy's scorer where no deadline is looked at, so a pasted
/// page of text could otherwise run for minutes.
pub const MAX_PHRASE_WORDS: usize = 64;

/// Fields every index has; metadata fields come on top.
pub const BUILTIN_FIELDS: [&str; 9] = [
    "text", "title", "source", "date", "id", "entity", "type", "said", "quote",
];

/// A planning error: what is wrong and where in the query.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanError {
    /// What is wrong.
    pub message: String,
    /// Where, as a byte range of the query.
    pub span: Span,
}

/// What the snippet should mark.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlight {
    /// Each entry: the index tokens (exact or stem) that make a word a match.
    pub words: Vec<Vec<String>>,
    /// Exact word sequences as (position offset, word), with their slop.
    pub phrases: Vec<(Vec<(usize, String)>, u32)>,
    /// Entity ids whose mentions to mark.
    pub entities: Vec<String>,
}

/// The query to run and the words to highlight.
pub struct Plan {
    /// The tantivy query: what matches, and its BM25 score.
    pub query: Box<dyn Query>,
    /// What to mark in snippets.
    pub highlight: Highlight,
    /// Bonuses added to the score of the best passages only (the words standing together):
    /// they reorder the top of the ranking without costing anything per match.
    pub bonuses: Vec<Box<dyn Query>>,
    /// Whether the best passages' scores are weighed by their length, so that a one-line
    /// mention does not outrank a paragraph about the entity asked for (see
    /// `collect::LengthPrior`). Only for queries that name an entity: for words and phrases,
    /// BM25's own preference for short passages measured better on the judged set.
    pub length_prior: bool,
    /// The query as leaves that must all match, when it can be put so and every part that
    /// scores is a leaf: the collector then skips the matches that cannot reach the top list
    /// (see `topk`). `None` for anything else (alternatives of phrases, sloppy phrases…),
    /// which tantivy's scorer matches and scores.
    pub leaves: Option<Vec<Leaf>>,
    /// Whether `query` narrows the leaves' matches further (filters, exclusions): each
    /// passage the leaves find is then checked against it.
    pub check: bool,
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

/// How a lowered query scores, for the pruned collector.
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

/// Turns parsed queries into tantivy queries for one index.
pub struct Planner<'a> {
    /// The index's fields.
    pub fields: &'a Fields,
    /// The shared analysis.
    pub analyzer: &'a mut Analyzer,
    /// Whether a metadata key exists in the index (lowercase key).
    pub has_meta_key: &'a dyn Fn(&str) -> bool,
    /// Known field names, for the unknown-field error.
    pub known_fields: &'a dyn Fn() -> Vec<String>,
    /// The entities `@name` queries may name; called only when a query needs them, as loading
    /// the gazetteer is most of a short query's cost. Plain words that are aliases of the
    /// builtin gazetteer's entities are looked up in its table ([`builtin_alias_id`]).
    pub gazetteer: fn() -> &'static Gazetteer,
    /// Whether a plain word that is a known alias also finds its entity (`Kiev` → `@kyiv`).
    pub expand_aliases: bool,
}

enum Target {
    Analysed(Field),
    Meta(String),
    Id,
    Date,
    Entity,
    EntityType,
    Said,
}

impl Planner<'_> {
    /// Plans a parsed query.
    ///
    /// # Errors
    /// Unknown fields, bad dates and words with nothing searchable in them.
    pub fn plan(&mut self, node: &Node) -> Result<Plan, PlanError> {
        let mut highlight = Highlight::default();
        let mut bonuses = Vec::new();
        let (query, shape) = self.node(node, &mut highlight, &mut bonuses, true)?;
        Ok(Plan {
            query,
            highlight,
            bonuses,
            length_prior: names_entity(node),
            check: matches!(shape, Shape::All { checked: true, .. }),
            leaves: match shape {
                Shape::All { leaves, .. } if !leaves.is_empty() => Some(leaves),
                _ => None,
            },
        })
    }

    fn node(
        &mut self,
        node: &Node,
        hl: &mut Highlight,
        bonuses: &mut Vec<Box<dyn Query>>,
        positive: bool,
    ) -> Result<(Box<dyn Query>, Shape), PlanError> {
        match node {
            Node::Bool(clauses) => {
                let mut subqueries = Vec::with_capacity(clauses.len() + 1);
                let mut shapes = Vec::with_capacity(clauses.len());
                for (occur, clause) in clauses {
                    let occur = match occur {
                        Occur::Must => TOccur::Must,
                        Occur::Should => TOccur::Should,
                        Occur::MustNot => TOccur::MustNot,
                    };
                    let sub_positive = positive && occur != TOccur::MustNot;
                    let (query, shape) = self.node(clause, hl, bonuses, sub_positive)?;
                    subqueries.push((occur, query));
                    shapes.push((occur, shape));
                }
                if subqueries.iter().all(|(o, _)| *o == TOccur::MustNot) {
                    subqueries.push((TOccur::Must, Box::new(AllQuery)));
                    shapes.push((TOccur::Must, Shape::Opaque));
                }
                if positive {
                    bonuses.extend(self.proximity(clauses));
                }
                // One required clause alone is that clause: tantivy prunes a bare term query
                // but not a boolean query around it.
                if let [(TOccur::Must, _)] = subqueries.as_slice()
                    && let (Some((_, query)), Some((_, shape))) = (subqueries.pop(), shapes.pop())
                {
                    return Ok((query, shape));
                }
                Ok((Box::new(BooleanQuery::new(subqueries)), bool_shape(shapes)))
            }
            Node::Boost(inner, boost) => {
                let before = bonuses.len();
                let (query, shape) = self.node(inner, hl, bonuses, positive)?;
                for bonus in &mut bonuses[before..] {
                    let inner = std::mem::replace(bonus, Box::new(AllQuery));
                    *bonus = Box::new(BoostQuery::new(inner, *boost));
                }
                Ok((
                    Box::new(BoostQuery::new(query, *boost)),
                    shape.boosted(*boost),
                ))
            }
            Node::Term { field, text, span } => match self.target(field.as_ref())? {
                Target::Analysed(f) => self.word_query(f, text, span, hl, positive),
                Target::Meta(key) => self.meta_query(&key, text, 0, span),
                Target::Id => Ok((self.id_query(text), Shape::Opaque)),
                Target::Date => {
                    let date = parse_date(text, span)?;
                    Ok((self.date_filter(Some(date), Some(date)), Shape::Filter))
                }
                Target::Entity => self.entity_query(text, span, hl, positive, false),
                Target::EntityType => Ok((self.type_filter(text, span)?, Shape::Filter)),
                Target::Said => self.entity_query(text, span, hl, positive, true),
            },
            Node::Phrase {
                field,
                text,
                slop,
                span,
            } => match self.target(field.as_ref())? {
                Target::Analysed(f) => self.phrase_query(f, text, *slop, span, hl, positive),
                Target::Meta(key) => self.meta_query(&key, text, *slop, span),
                Target::Id => Ok((self.id_query(text), Shape::Opaque)),
                Target::Date => {
                    let date = parse_date(text.trim(), span)?;
                    Ok((self.date_filter(Some(date), Some(date)), Shape::Filter))
                }
                Target::Entity => self.entity_query(text, span, hl, positive, false),
                Target::EntityType => Ok((self.type_filter(text.trim(), span)?, Shape::Filter)),
                Target::Said => self.entity_query(text, span, hl, positive, true),
            },
            Node::Range {
                field,
                lower,
                upper,
                span,
                lower_inclusive,
                upper_inclusive,
            } => {
                if !matches!(self.target(Some(field))?, Target::Date) {
                    return Err(PlanError {
                        message: format!("ranges work on `date:` only, not on `{}:`", field.name),
                        span: span.clone(),
                    });
                }
                let lower = lower.as_deref().map(|d| parse_date(d, span)).transpose()?;
                let upper = upper.as_deref().map(|d| parse_date(d, span)).transpose()?;
                // `{…}` excludes the bound's whole period, `[…]` includes it.
                let first = lower.map(|d| {
                    if *lower_inclusive {
                        d.first_day()
                    } else {
                        d.last_day() + 1
                    }
                });
                let last = upper.map(|d| {
                    if *upper_inclusive {
                        d.last_day()
                    } else {
                        d.first_day() - 1
                    }
                });
                if let (Some(first), Some(last), Some(lo), Some(hi)) = (first, last, lower, upper)
                    && first > last
                {
                    let fix = match lo.first_day() > hi.last_day() {
                        true => "put the earlier date first",
                        false => "`{…}` leaves its dates out; `[…]` keeps them",
                    };
                    return Err(PlanError {
                        message: format!("the date range from {lo} to {hi} holds no day: {fix}"),
                        span: span.clone(),
                    });
                }
                Ok((self.day_filter(first, last), Shape::Filter))
            }
            Node::Entity { text, span } => self.entity_query(text, span, hl, positive, false),
        }
    }

    /// For words that must all occur (`security guarantees`, `"South Africa" sanctions`), a
    /// bonus for passages where they stand together in the query's order, and a smaller one
    /// where they stand within a few words: the match set stays the same, the ranking prefers
    /// the words used together (as eDisMax's phrase fields and Elasticsearch's phrase rescoring
    /// do). Words compare by stem, so `security guarantees` favours *security guarantee*.
    /// None for alternatives (OR), fielded clauses, entities and a single phrase.
    fn proximity(&mut self, clauses: &[(Occur, Node)]) -> Vec<Box<dyn Query>> {
        let mut tokens = Vec::new();
        let mut parts = 0;
        for (occur, node) in clauses {
            let text = match (occur, node) {
                (Occur::MustNot, _) => continue,
                (
                    Occur::Must,
                    Node::Term {
                        field: None, text, ..
                    },
                ) => text,
                (
                    Occur::Must,
                    Node::Phrase {
                        field: None,
                        text,
                        slop: 0,
                        ..
                    },
                ) if !text.contains(ENTITY_PREFIX) => text,
                _ => return Vec::new(),
            };
            parts += 1;
            // Each clause's words at their positions, after the clauses before it.
            let base = tokens.last().map_or(0, |(p, _): &(usize, String)| p + 1);
            self.analyzer.for_each_word(text, |w| {
                let token = w.stem.map_or_else(|| w.exact.to_owned(), stem_token);
                tokens.push((base + w.position, token));
            });
        }
        if parts < 2 || tokens.len() < 2 || tokens.len() > MAX_PHRASE_WORDS {
            return Vec::new();
        }
        let text = self.fields.text;
        vec![
            Box::new(BoostQuery::new(
                exact_sequence(text, &tokens, 0).0,
                ADJACENT_BONUS,
            )),
            Box::new(BoostQuery::new(
                exact_sequence(text, &tokens, NEAR_SLOP).0,
                NEAR_BONUS,
            )),
        ]
    }

    fn target(&self, field: Option<&QField>) -> Result<Target, PlanError> {
        let Some(field) = field else {
            return Ok(Target::Analysed(self.fields.text));
        };
        Ok(match field.name.as_str() {
            "text" => Target::Analysed(self.fields.text),
            "title" => Target::Analysed(self.fields.title),
            "source" => Target::Analysed(self.fields.source),
            "id" => Target::Id,
            "date" => Target::Date,
            "entity" => Target::Entity,
            "type" => Target::EntityType,
            "said" => Target::Said,
            "quote" => Target::Analysed(self.fields.quote),
            name => {
                let key = meta_key(name);
                if key != name || !(self.has_meta_key)(&key) {
                    return Err(PlanError {
                        message: format!(
                            "unknown field '{}' (fields: {})",
                            field.name,
                            (self.known_fields)().join(", ")
                        ),
                        span: field.span.clone(),
                    });
                }
                Target::Meta(key)
            }
        })
    }

    fn word_query(
        &mut self,
        field: Field,
        text: &str,
        span: &Span,
        hl: &mut Highlight,
        positive: bool,
    ) -> Result<(Box<dyn Query>, Shape), PlanError> {
        let words = self.analyzer.words(text);
        let (spelled, shape) = match words.as_slice() {
            [] => return Err(nothing_searchable(text, span)),
            [(exact, stem)] => {
                let forms = self.analyzer.term_forms(exact, stem.as_deref());
                let mut terms: Vec<(Term, f32)> = forms
                    .iter()
                    .map(|form| (Term::from_field_text(field, form), 1.0))
                    .collect();
                if stem.is_some() {
                    terms.push((Term::from_field_text(field, exact), EXACT_BONUS));
                }
                if positive && self.highlighted(field) {
                    hl.words.push(forms);
                }
                (any_of(&terms), Shape::leaf(Leaf::Any(terms)))
            }
            _ => self.phrase_query(field, text, 0, span, hl, positive)?,
        };
        if !(self.expand_aliases && field == self.fields.text) {
            return Ok((spelled, shape));
        }
        // The builtin aliases' table answers without loading the gazetteer.
        let Some(id) = builtin_alias_id(self.analyzer, text) else {
            return Ok((spelled, shape));
        };
        // The entity's mentions carry the score; the spelling adds to it, so "Kiev" ranks a
        // passage saying Kiev above one saying Kyiv, and the letters alone (the pronoun "us" for
        // `US`) rank below every recognised mention.
        if positive {
            hl.entities.push(id.to_owned());
        }
        let token = format!("{ENTITY_PREFIX}{id}");
        let query = Box::new(BooleanQuery::new(vec![
            (TOccur::Should, term_query(field, &token)),
            (
                TOccur::Should,
                Box::new(BoostQuery::new(spelled, SPELLING_UNDER_ENTITY)),
            ),
        ]));
        // Flat: the entity's term and the spelling's terms, weighed as nested above.
        let shape = match shape.boosted(SPELLING_UNDER_ENTITY).into_any() {
            Some(spelling) => {
                let mut terms = vec![(Term::from_field_text(field, &token), 1.0)];
                terms.extend(spelling);
                Shape::leaf(Leaf::Any(terms))
            }
            None => Shape::Opaque,
        };
        Ok((query, shape))
    }

    fn phrase_query(
        &mut self,
        field: Field,
        text: &str,
        slop: u32,
        span: &Span,
        hl: &mut Highlight,
        positive: bool,
    ) -> Result<(Box<dyn Query>, Shape), PlanError> {
        // Words at their positions as the index has them (gaps at clause and sentence breaks);
        // an `@entity` chunk is one token at the position of its first word.
        let mut analysed = Vec::new();
        self.analyzer.for_each_word(text, |w| {
            analysed.push((w.span, w.exact.to_owned(), w.position))
        });
        let mut terms: Vec<(usize, String)> = Vec::new();
        let mut entities = Vec::new();
        let (mut shift, mut next) = (0, 0);
        for chunk in text.split_whitespace() {
            let start = chunk.as_ptr() as usize - text.as_ptr() as usize;
            let end = start + chunk.len();
            let inside = next
                + analysed[next..]
                    .iter()
                    .take_while(|w| w.0.end <= end)
                    .count();
            let words = &analysed[next..inside];
            next = inside;
            match chunk.strip_prefix(ENTITY_PREFIX) {
                Some(name) if field == self.fields.text => {
                    let id = self.entity_id(name, span)?;
                    let position = match (words.first(), words.last()) {
                        (Some(first), Some(last)) => {
                            let position = first.2 - shift;
                            shift += last.2 - first.2;
                            position
                        }
                        _ => terms.last().map_or(0, |t| t.0 + 1),
                    };
                    terms.push((position, format!("{ENTITY_PREFIX}{id}")));
                    entities.push(id);
                }
                _ => terms.extend(words.iter().map(|w| (w.2 - shift, w.1.clone()))),
            }
        }
        let words: Vec<String> = terms.iter().map(|t| t.1.clone()).collect();
        if words.is_empty() {
            return Err(nothing_searchable(text, span));
        }
        check_phrase_length(&words, span)?;
        if !entities.is_empty() {
            // Mark the entity's mentions and the phrase's words one by one.
            if positive {
                hl.entities.extend(entities);
                hl.words.extend(
                    words
                        .iter()
                        .filter(|w| !w.starts_with(ENTITY_PREFIX))
                        .map(|w| vec![w.clone()]),
                );
            }
            return Ok(exact_sequence(field, &terms, slop));
        }
        if positive && self.highlighted(field) {
            if words.len() == 1 {
                hl.words.push(words.clone());
            } else {
                hl.phrases.push((terms.clone(), slop));
            }
        }
        Ok(exact_sequence(field, &terms, slop))
    }

    fn meta_query(
        &mut self,
        key: &str,
        text: &str,
        slop: u32,
        span: &Span,
    ) -> Result<(Box<dyn Query>, Shape), PlanError> {
        let words: Vec<String> = self
            .analyzer
            .words(text)
            .into_iter()
            .map(|(exact, _)| format!("{key}{META_SEPARATOR}{exact}"))
            .collect();
        if words.is_empty() {
            return Err(nothing_searchable(text, span));
        }
        check_phrase_length(&words, span)?;
        // Metadata values are indexed at consecutive positions.
        let terms: Vec<(usize, String)> = words.into_iter().enumerate().collect();
        Ok(exact_sequence(self.fields.meta, &terms, slop))
    }

    /// Passages mentioning the entity named by id or alias (`zelensky`, `Зеленський`), or with
    /// `said` those where it speaks (see [`crate::entities::attribution`]), which all score the
    /// same; a name the gazetteer lacks is looked up as a proposed entity (`Joseph Garba` →
    /// `joseph-garba`). Its mentions are marked.
    fn entity_query(
        &mut self,
        text: &str,
        span: &Span,
        hl: &mut Highlight,
        positive: bool,
        said: bool,
    ) -> Result<(Box<dyn Query>, Shape), PlanError> {
        let id = self.entity_id(text, span)?;
        if positive {
            hl.entities.push(id.clone());
        }
        if said {
            // A constant score: not a leaf the pruned collector bounds.
            let term = Term::from_field_text(self.fields.said, &id);
            let query = TermQuery::new(term, IndexRecordOption::Basic);
            return Ok((
                Box::new(ConstScoreQuery::new(Box::new(query), SAID_SCORE)),
                Shape::Opaque,
            ));
        }
        let term = Term::from_field_text(self.fields.text, &format!("{ENTITY_PREFIX}{id}"));
        let query = Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
        Ok((query, Shape::leaf(Leaf::Any(vec![(term, 1.0)]))))
    }

    fn id_query(&self, id: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(self.fields.article_id, id),
            IndexRecordOption::Basic,
        ))
    }

    /// Whether matches in `field` are marked in snippets: the passage text, and its quotations.
    fn highlighted(&self, field: Field) -> bool {
        field == self.fields.text || field == self.fields.quote
    }

    fn entity_id(&mut self, text: &str, span: &Span) -> Result<String, PlanError> {
        (self.gazetteer)()
            .resolve_id(self.analyzer, text)
            .ok_or_else(|| nothing_searchable(text, span))
    }

    /// Passages with an entity of the given type; scores nothing.
    fn type_filter(&self, text: &str, span: &Span) -> Result<Box<dyn Query>, PlanError> {
        let kind: Kind = text.to_lowercase().parse().map_err(|message| PlanError {
            message,
            span: span.clone(),
        })?;
        let term = Term::from_field_text(self.fields.entity_type, kind.as_str());
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        Ok(Box::new(ConstScoreQuery::new(Box::new(query), 0.0)))
    }

    /// Articles whose date period overlaps the periods from `lower` to `upper`; scores nothing.
    pub fn date_filter(&self, lower: Option<Date>, upper: Option<Date>) -> Box<dyn Query> {
        date_filter(self.fields, lower, upper)
    }

    fn day_filter(&self, first: Option<i64>, last: Option<i64>) -> Box<dyn Query> {
        day_filter(self.fields, first, last)
    }
}

/// Whether a query asks for an entity by name (`@Gorbachev`, `entity:gorbachev`) outside an
/// exclusion: the passages about it, not those that name it in passing, are wanted.
fn names_entity(node: &Node) -> bool {
    match node {
        Node::Entity { .. } => true,
        Node::Term { field, .. } | Node::Phrase { field, .. } => {
            field.as_ref().is_some_and(|f| f.name == "entity")
        }
        Node::Bool(clauses) => clauses
            .iter()
            .any(|(occur, node)| *occur != Occur::MustNot && names_entity(node)),
        Node::Boost(inner, _) => names_entity(inner),
        Node::Range { .. } => false,
    }
}

/// Articles whose date period overlaps the periods from `lower` to `upper`; scores nothing.
pub fn date_filter(fields: &Fields, lower: Option<Date>, upper: Option<Date>) -> Box<dyn Query> {
    day_filter(
        fields,
        lower.map(|d| d.first_day()),
        upper.map(|d| d.last_day()),
    )
}

/// Articles whose date period overlaps the days `first..=last`; scores nothing.
fn day_filter(fields: &Fields, first: Option<i64>, last: Option<i64>) -> Box<dyn Query> {
    let mut clauses: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
    if let Some(first) = first {
        let term = Term::from_field_i64(fields.day_hi, first);
        let range = RangeQuery::new(Bound::Included(term), Bound::Unbounded);
        clauses.push((TOccur::Must, Box::new(range)));
    }
    if let Some(last) = last {
        let term = Term::from_field_i64(fields.day_lo, last);
        let range = RangeQuery::new(Bound::Unbounded, Bound::Included(term));
        clauses.push((TOccur::Must, Box::new(range)));
    }
    let filter: Box<dyn Query> = if clauses.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Box::new(ConstScoreQuery::new(filter, 0.0))
}

fn term_query(field: Field, token: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, token),
        IndexRecordOption::WithFreqs,
    ))
}

fn check_phrase_length(words: &[String], span: &Span) -> Result<(), PlanError> {
    match words.len() {
        n if n > MAX_PHRASE_WORDS => Err(PlanError {
            message: format!("phrase too long: {n} words, at most {MAX_PHRASE_WORDS}"),
            span: span.clone(),
        }),
        _ => Ok(()),
    }
}

/// The words in order, `slop` extra words allowed between them. A sloppy phrase keeps only the
/// first of repeated words: tantivy's sloppy matching multiplies candidate positions for every
/// repeat, and `"the … the … the"~10` could fill the memory on one passage.
fn exact_sequence(field: Field, words: &[(usize, String)], slop: u32) -> (Box<dyn Query>, Shape) {
    let mut seen = std::collections::HashSet::new();
    let mut terms: Vec<(usize, Term)> = words
        .iter()
        .filter(|(_, w)| slop == 0 || seen.insert(w.as_str()))
        .map(|(i, w)| (*i, Term::from_field_text(field, w)))
        .collect();
    if let [(_, term)] = terms.as_slice() {
        let leaf = Leaf::Any(vec![(term.clone(), 1.0)]);
        let query = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
        return (Box::new(query), Shape::leaf(leaf));
    }
    // The phrase query holds its terms by position; its BM25 weight sums their idfs.
    terms.sort_by_key(|(position, _)| *position);
    let shape = match slop {
        // A phrase occurs no more often than its rarest word: the bound the collector needs.
        // A sloppy phrase may count one word's occurrence more than once.
        0 => Shape::leaf(Leaf::Phrase {
            terms: terms.clone(),
            boost: 1.0,
        }),
        _ => Shape::Opaque,
    };
    (
        Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)),
        shape,
    )
}

/// Any of the terms, each with its boost, their scores summed.
fn any_of(terms: &[(Term, f32)]) -> Box<dyn Query> {
    let clauses: Vec<(TOccur, Box<dyn Query>)> = terms
        .iter()
        .map(|(term, boost)| {
            let query: Box<dyn Query> =
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
            let query = match *boost == 1.0 {
                true => query,
                false => Box::new(BoostQuery::new(query, *boost)),
            };
            (TOccur::Should, query)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// The shape of a boolean query: required leaves and filters make one conjunction; excluded
/// clauses only narrow; alternatives of single words make one `Any` leaf.
fn bool_shape(clauses: Vec<(TOccur, Shape)>) -> Shape {
    let should = clauses.iter().any(|(o, _)| *o == TOccur::Should);
    let must = clauses.iter().any(|(o, _)| *o == TOccur::Must);
    if should && must {
        // Optional clauses add to the score of passages that match the required ones.
        return Shape::Opaque;
    }
    // Exclusions and filters narrow what the leaves match: each passage is checked.
    let checked = clauses
        .iter()
        .any(|(o, s)| *o == TOccur::MustNot || *s == Shape::Filter);
    if should {
        let mut terms = Vec::new();
        for (occur, shape) in clauses {
            match (occur, shape.into_any()) {
                (TOccur::Should, Some(any)) => terms.extend(any),
                (TOccur::MustNot, _) => {}
                _ => return Shape::Opaque,
            }
        }
        return Shape::All {
            leaves: vec![Leaf::Any(terms)],
            checked,
        };
    }
    let mut leaves = Vec::new();
    let mut checked = checked;
    for (occur, shape) in clauses {
        match (occur, shape) {
            (TOccur::MustNot, _) | (_, Shape::Filter) => {}
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

fn parse_date(text: &str, span: &Span) -> Result<Date, PlanError> {
    text.parse().map_err(|message| PlanError {
        message,
        span: span.clone(),
    })
}

fn nothing_searchable(text: &str, span: &Span) -> PlanError {
    PlanError {
        message: format!("'{text}' has no letters or digits to search for"),
        span: span.clone(),
    }
}
