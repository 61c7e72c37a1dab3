//! Planning: the parsed query ([`Node`]) becomes a logical plan ([`Logical`]), lowered to a
//! tantivy query, plus what to highlight and the bonuses that re-rank the best passages.
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
//! * A word ending in `*` (`Gorbach*`, `title:negotiat*`) matches every word the index holds
//!   that starts with it, at most [`MAX_PREFIX_WORDS`] of them; each weighs as the prefix's
//!   passages together would (see [`prefix_weights`]), so a rare spelling does not outrank the
//!   common one for its rarity alone.

use tantivy::query::Query;
use tantivy::schema::Field;

pub use super::logical::{DayFields, FieldName, Leaf, Logical};
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

/// Weight of a word's own matches when it also names an entity (see `word_query`): a tie-breaker
/// among the entity's mentions. At 0.25 the letters outweighed a second mention, so `Cambodia`
/// ranked a passing mention spelled *Cambodia* above a passage naming *Kampuchea* twice; on the
/// judged set 0.05 scores nDCG@10 0.820 against 0.815 (tests/relevance, the `spelling` pool).
const SPELLING_UNDER_ENTITY: f32 = 0.05;

/// The score of a passage where the speaker asked for (`said:`) speaks: words of the query
/// rank these passages among themselves.
const SAID_SCORE: f32 = 1.0;

/// The most words a phrase may have. Matching a phrase checks every position of every word in
/// each candidate passage, inside tantivy's scorer where no deadline is looked at, so a pasted
/// page of text could otherwise run for minutes.
pub const MAX_PHRASE_WORDS: usize = 64;

/// The text of a required bare word of the passage text (`security`, not `title:security`,
/// `"security"` or `secur*`): a word at one position, that may name an entity.
fn bare_word((occur, node): &(Occur, Node)) -> Option<&str> {
    match (occur, node) {
        (
            Occur::Must,
            Node::Term {
                field: None, text, ..
            },
        ) if !text.contains('*') => Some(text),
        _ => None,
    }
}

/// The most words of a name that a query spells out word by word and that is read as one name
/// (`Papua New Guinea`, `Democratic Republic of the Congo` spelled out is six).
const MAX_NAME_WORDS: usize = 6;

/// The most indexed words a word ending in `*` may stand for: each is a term scored on its own,
/// as a query's words are (see [`super::parse::MAX_CLAUSES`]).
pub const MAX_PREFIX_WORDS: usize = 1024;
/// The most words all of one query's prefixes may start, together.
pub const MAX_QUERY_PREFIX_WORDS: usize = 4096;

/// The words of a field that start with a prefix, as the index holds them.
#[derive(Debug, Clone, PartialEq)]
pub enum Expansion {
    /// Each word with the passages it is in, sorted by word; none when no word starts so.
    Words(Vec<(String, u64)>),
    /// More than [`MAX_PREFIX_WORDS`] words start with the prefix.
    TooMany,
}

/// Written before a metadata key, it names that key even when a query field has its name:
/// `meta.type:interview` searches the metadata `type`, `type:person` the entities' types.
pub const META_PREFIX: &str = "meta.";

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
    /// What `quote:` clauses mark: inside quotation marks only.
    pub quote: Option<Box<Highlight>>,
}

/// The query to run and the words to highlight.
pub struct Plan {
    /// What the query matches and how it scores, as `--explain` prints it.
    pub logical: Logical,
    /// The tantivy query lowered from `logical`: what matches, and its BM25 score.
    pub query: Box<dyn Query>,
    /// What to mark in snippets.
    pub highlight: Highlight,
    /// Bonuses added to the score of the best passages only (the words standing together):
    /// they reorder the top of the ranking without costing anything per match.
    pub bonuses: Vec<Logical>,
    /// Whether the best passages' scores are weighed by their length, so that a one-line
    /// mention does not outrank a paragraph about the entity asked for (see
    /// `collect::LengthPrior`). Only for queries that name an entity (`@name`, `entity:`, or a
    /// plain word that is one of its names): for other words and phrases, BM25's own
    /// preference for short passages measured better on the judged set.
    pub length_prior: bool,
    /// The query as leaves that must all match, when it can be put so and every part that
    /// scores is a leaf: the collector then skips the matches that cannot reach the top list
    /// (see `topk`). `None` for anything else (alternatives of phrases, sloppy phrases…),
    /// which tantivy's scorer matches and scores.
    pub leaves: Option<Vec<Leaf>>,
    /// Whether `query` narrows the leaves' matches further (filters, exclusions): each
    /// passage the leaves find is then checked against it.
    pub check: bool,
    days: DayFields,
}

impl Plan {
    /// A plan of `logical`, lowered for the index whose date columns are `days`, with nothing
    /// to highlight, no bonuses and no length prior.
    pub fn new(logical: Logical, days: DayFields) -> Plan {
        let (leaves, check) = match logical.leaves() {
            Some((leaves, check)) => (Some(leaves), check),
            None => (None, false),
        };
        Plan {
            query: logical.lower(days),
            logical,
            highlight: Highlight::default(),
            bonuses: Vec::new(),
            length_prior: false,
            leaves,
            check,
            days,
        }
    }

    /// The same plan, keeping only the passages that also match `filter` (which scores
    /// nothing).
    pub fn narrowed(self, filter: Logical) -> Plan {
        let logical = Logical::Bool(vec![(Occur::Must, self.logical), (Occur::Must, filter)]);
        Plan {
            highlight: self.highlight,
            bonuses: self.bonuses,
            length_prior: self.length_prior,
            ..Plan::new(logical, self.days)
        }
    }

    /// The bonuses as tantivy queries: each bonus as its readings, of which a passage earns
    /// the best (see [`Logical::readings`]).
    pub fn bonus_queries(&self) -> Vec<Vec<Box<dyn Query>>> {
        self.bonuses
            .iter()
            .map(|b| b.readings().iter().map(|r| r.lower(self.days)).collect())
            .collect()
    }
}

impl DayFields {
    /// The date columns of an index.
    pub fn of(fields: &Fields) -> DayFields {
        DayFields {
            lo: fields.day_lo,
            hi: fields.day_hi,
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
    /// builtin gazetteer's entities are looked up in its table (`builtin_alias_id`).
    pub gazetteer: fn() -> &'static Gazetteer,
    /// Whether a plain word that is a known alias also finds its entity (`Kiev` → `@kyiv`).
    pub expand_aliases: bool,
    /// The indexed words of a field that start with a prefix (for `word*`), or a message
    /// saying why they could not be read.
    pub prefixes: &'a dyn Fn(&FieldName, &str) -> Result<Expansion, String>,
    /// The passages of the index, for the weights of a prefix's words.
    pub passages: u64,
    /// Whether some passage holds this token in this field (an entity's `@id` in the text, an
    /// id in `said`).
    pub indexed: &'a dyn Fn(&FieldName, &str) -> bool,
}

enum Target {
    Analysed(FieldName),
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
        let logical = self.node(node, &mut highlight, &mut bonuses, true)?;
        let days = DayFields::of(self.fields);
        Ok(Plan {
            highlight,
            bonuses,
            length_prior: self.names_entity(node),
            ..Plan::new(logical, days)
        })
    }

    /// Whether the query asks for an entity's mentions: `@name`, `entity:`, or a word of the
    /// passage text that is a known alias (`Gorbachev`, when aliases expand), whose entity's
    /// mentions carry its score.
    fn names_entity(&mut self, node: &Node) -> bool {
        match node {
            Node::Entity { .. } => true,
            Node::Term { field, text, .. } if field.as_ref().is_none_or(|f| f.name == "text") => {
                self.expand_aliases
                    && !text.contains('*')
                    && builtin_alias_id(self.analyzer, text).is_some()
            }
            Node::Term { field, .. } | Node::Phrase { field, .. } => {
                field.as_ref().is_some_and(|f| f.name == "entity")
            }
            Node::Bool(clauses) => {
                let inside = self.inside_longer_names(clauses);
                clauses.iter().zip(inside).any(|((occur, node), inside)| {
                    *occur != Occur::MustNot && !inside && self.names_entity(node)
                })
            }
            Node::Boost(inner, _) => self.names_entity(inner),
            Node::Range { .. } => false,
        }
    }

    fn node(
        &mut self,
        node: &Node,
        hl: &mut Highlight,
        bonuses: &mut Vec<Logical>,
        positive: bool,
    ) -> Result<Logical, PlanError> {
        match node {
            Node::Bool(clauses) => {
                let mut planned = Vec::with_capacity(clauses.len());
                let inside = self.inside_longer_names(clauses);
                let expand = self.expand_aliases;
                for ((occur, clause), &inside) in clauses.iter().zip(&inside) {
                    let sub_positive = positive && *occur != Occur::MustNot;
                    self.expand_aliases = expand && !inside;
                    let clause = self.node(clause, hl, bonuses, sub_positive);
                    self.expand_aliases = expand;
                    planned.push((*occur, clause?));
                }
                if positive {
                    bonuses.extend(self.proximity(clauses, &inside));
                }
                // One required clause alone is that clause: tantivy prunes a bare term query
                // but not a boolean query around it.
                if let [(Occur::Must, _)] = planned.as_slice()
                    && let Some((_, only)) = planned.pop()
                {
                    return Ok(only);
                }
                Ok(Logical::Bool(planned))
            }
            Node::Boost(inner, boost) => {
                let before = bonuses.len();
                let logical = self.node(inner, hl, bonuses, positive)?;
                for bonus in &mut bonuses[before..] {
                    let inner = std::mem::replace(bonus, Logical::All);
                    *bonus = Logical::Boost(Box::new(inner), *boost);
                }
                Ok(Logical::Boost(Box::new(logical), *boost))
            }
            Node::Term { field, text, span } => match self.target(field.as_ref())? {
                Target::Analysed(f) if text.contains('*') => {
                    self.prefix_query(f, text, span, hl, positive)
                }
                Target::Meta(key) if is_prefix(text) => {
                    Err(no_prefix_here(text, span, &format!("a `{key}:` value")))
                }
                Target::EntityType if is_prefix(text) => {
                    Err(no_prefix_here(text, span, "a `type:` value"))
                }
                Target::Entity | Target::Said if is_prefix(text) => {
                    Err(no_prefix_here(text, span, "an entity's name"))
                }
                Target::Analysed(f) => self.word_query(f, text, span, hl, positive),
                Target::Meta(key) => self.meta_query(&key, text, 0, span),
                Target::Id if text.contains('*') => self.id_prefix_query(text, span),
                Target::Id => Ok(self.id_query(text)),
                Target::Date => {
                    let date = parse_date(text, span)?;
                    Ok(self.date_filter(Some(date), Some(date)))
                }
                Target::Entity => self.entity_query(text, span, hl, positive, false),
                Target::EntityType => self.type_filter(text, span),
                Target::Said => self.entity_query(text, span, hl, positive, true),
            },
            Node::Phrase { text, span, .. } if text.split_whitespace().any(is_prefix) => {
                Err(no_prefix_here(text, span, "a phrase"))
            }
            Node::Phrase {
                field,
                text,
                slop,
                span,
            } => match self.target(field.as_ref())? {
                Target::Analysed(f) => self.phrase_query(f, text, *slop, span, hl, positive),
                Target::Meta(key) => self.meta_query(&key, text, *slop, span),
                Target::Id => Ok(self.id_query(text)),
                Target::Date => {
                    let date = parse_date(text.trim(), span)?;
                    Ok(self.date_filter(Some(date), Some(date)))
                }
                Target::Entity => self.entity_query(text, span, hl, positive, false),
                Target::EntityType => self.type_filter(text.trim(), span),
                Target::Said => self.entity_query(text, span, hl, positive, true),
            },
            Node::Range {
                field,
                lower,
                upper,
                span,
                lower_inclusive,
                upper_inclusive,
                bounds: (lower_span, upper_span),
            } => {
                if !matches!(self.target(Some(field))?, Target::Date) {
                    return Err(PlanError {
                        message: format!("ranges work on `date:` only, not on `{}:`", field.name),
                        span: span.clone(),
                    });
                }
                let lower = (lower.as_deref())
                    .map(|d| parse_date(d, lower_span))
                    .transpose()?;
                let upper = (upper.as_deref())
                    .map(|d| parse_date(d, upper_span))
                    .transpose()?;
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
                let label = format!(
                    "{}{} TO {}{}",
                    if *lower_inclusive { "[" } else { "{" },
                    lower.map_or("*".to_owned(), |d| d.to_string()),
                    upper.map_or("*".to_owned(), |d| d.to_string()),
                    if *upper_inclusive { "]" } else { "}" },
                );
                Ok(Logical::Days { first, last, label })
            }
            Node::Entity { text, span } if is_prefix(text) => {
                Err(no_prefix_here(text, span, "an entity's name"))
            }
            Node::Entity { text, span } => self.entity_query(text, span, hl, positive, false),
        }
    }

    /// Which of a query's clauses are words of a longer name it spells out word by word
    /// (`South Sudan independence`, `Western Sahara`, `Papua New Guinea`) and name another
    /// entity alone: such a word is read as a plain word, not as an alias of its own (Sudan,
    /// Sahara and Guinea are other entities; `Soviet` in `Soviet Union` stays the USSR). Runs
    /// of required bare words are tried longest first, up to [`MAX_NAME_WORDS`] words.
    fn inside_longer_names(&mut self, clauses: &[(Occur, Node)]) -> Vec<bool> {
        let mut inside = vec![false; clauses.len()];
        if !self.expand_aliases {
            return inside;
        }
        let mut i = 0;
        while i < clauses.len() {
            let run = clauses[i..]
                .iter()
                .take_while(|c| bare_word(c).is_some())
                .count();
            let name = (2..=run.min(MAX_NAME_WORDS)).rev().find_map(|len| {
                let words: Vec<&str> = clauses[i..i + len].iter().filter_map(bare_word).collect();
                builtin_alias_id(self.analyzer, &words.join(" ")).map(|id| (len, id))
            });
            match name {
                Some((len, id)) => {
                    for (k, clause) in clauses[i..i + len].iter().enumerate() {
                        let alone =
                            bare_word(clause).and_then(|w| builtin_alias_id(self.analyzer, w));
                        inside[i + k] = alone.is_some_and(|other| other != id);
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
        inside
    }

    /// For words that must all occur (`security guarantees`, `"South Africa" sanctions`), a
    /// bonus for passages where they stand together in the query's order, and a smaller one
    /// where they stand within a few words: the match set stays the same, the ranking prefers
    /// the words used together (as eDisMax's phrase fields and Elasticsearch's phrase rescoring
    /// do). Bare words compare by stem, so `security guarantees` favours *security guarantee*;
    /// a quoted phrase's words are its exact words.
    /// A bare word that names an entity (`Rwanda genocide`) also stands together under the
    /// entity's other names (*the Rwandan genocide*, *Iraqi invasion*): the bonus is the better
    /// of the two readings, so the words as written never count for less. None for
    /// alternatives (OR), fielded clauses, entities and a single phrase.
    /// `inside` marks the words of longer names ([`Planner::inside_longer_names`]).
    fn proximity(&mut self, clauses: &[(Occur, Node)], inside: &[bool]) -> Vec<Logical> {
        // The words at their positions, and the same with each entity name as its entity.
        let mut tokens = Vec::new();
        let mut entities = Vec::new();
        let mut parts = 0;
        for (clause, &inside) in clauses.iter().zip(inside) {
            let (text, bare) = match (bare_word(clause), clause) {
                (Some(text), _) => (text, true),
                (None, (Occur::MustNot, _)) => continue,
                (
                    None,
                    (
                        Occur::Must,
                        Node::Phrase {
                            field: None,
                            text,
                            slop: 0,
                            ..
                        },
                    ),
                ) if !text.contains(ENTITY_PREFIX) => (text.as_str(), false),
                _ => return Vec::new(),
            };
            parts += 1;
            // Each clause's words at their positions, after the clauses before it.
            let base = tokens.last().map_or(0, |(p, _): &(usize, String)| p + 1);
            let start = tokens.len();
            // A bare word stands for every word with its stem; a quoted one for itself.
            self.analyzer.for_each_word(text, |w| {
                let token = match bare {
                    true => stem_token(w.stem.unwrap_or(w.exact)),
                    false => w.exact.to_owned(),
                };
                tokens.push((base + w.position, token));
            });
            let entity = match bare && self.expand_aliases && !inside && tokens.len() == start + 1 {
                true => builtin_alias_id(self.analyzer, text),
                false => None,
            };
            entities.extend(
                tokens[start..]
                    .iter()
                    .map(|(position, token)| match entity {
                        Some(id) => (*position, format!("{ENTITY_PREFIX}{id}")),
                        None => (*position, token.clone()),
                    }),
            );
        }
        if parts < 2 || tokens.len() < 2 || tokens.len() > MAX_PHRASE_WORDS {
            return Vec::new();
        }
        let field = self.text();
        let sequence = |words: &Vec<(usize, String)>, slop| Logical::Sequence {
            field: field.clone(),
            words: words.clone(),
            slop,
        };
        let readings = |slop| match entities == tokens {
            true => sequence(&tokens, slop),
            false => Logical::Max(vec![sequence(&tokens, slop), sequence(&entities, slop)]),
        };
        vec![
            Logical::Boost(Box::new(readings(0)), ADJACENT_BONUS),
            Logical::Boost(Box::new(readings(NEAR_SLOP)), NEAR_BONUS),
        ]
    }

    fn target(&self, field: Option<&QField>) -> Result<Target, PlanError> {
        let Some(field) = field else {
            return Ok(Target::Analysed(self.text()));
        };
        let analysed = |field: Field, name: &str| Target::Analysed(FieldName::new(field, name));
        Ok(match field.name.as_str() {
            "text" => Target::Analysed(self.text()),
            "title" => analysed(self.fields.title, "title"),
            "source" => analysed(self.fields.source, "source"),
            "id" => Target::Id,
            "date" => Target::Date,
            "entity" => Target::Entity,
            "type" => Target::EntityType,
            "said" => Target::Said,
            "quote" => analysed(self.fields.quote, "quote"),
            name => {
                // `meta.KEY:` reaches a metadata key named like a query field (`meta.type:`).
                let name = name.strip_prefix(META_PREFIX).unwrap_or(name);
                // The name as keys are named (`PAÍS` is `país`, `İL` is `il`).
                let key = meta_key(name);
                if !(self.has_meta_key)(&key) {
                    return Err(PlanError {
                        message: unknown_field(&field.name, &(self.known_fields)()),
                        span: field.span.clone(),
                    });
                }
                Target::Meta(key)
            }
        })
    }

    /// The passage text, as the plan names it.
    fn text(&self) -> FieldName {
        text_field(self.fields)
    }

    fn word_query(
        &mut self,
        field: FieldName,
        text: &str,
        span: &Span,
        hl: &mut Highlight,
        positive: bool,
    ) -> Result<Logical, PlanError> {
        let words = self.analyzer.words(text);
        let is_text = field.field == self.fields.text;
        let spelled = match words.as_slice() {
            [] => return Err(nothing_searchable(text, span)),
            [(exact, stem)] => {
                let forms = self.analyzer.term_forms(exact, stem.as_deref());
                // The passage text's words are each one stem in the stem field: one posting
                // list. Other fields index a word's exact form and, when it differs, its stem.
                let mut terms: Vec<(String, f32)> = match field.stems {
                    Some(_) => vec![(stem_token(stem.as_deref().unwrap_or(exact)), 1.0)],
                    None => forms.iter().map(|f| (f.clone(), 1.0)).collect(),
                };
                if stem.is_some() {
                    terms.push((exact.clone(), EXACT_BONUS));
                }
                if positive && let Some(hl) = self.marks(field.field, hl) {
                    hl.words.push(forms);
                }
                Logical::Terms {
                    field: field.clone(),
                    terms,
                }
            }
            _ => self.phrase_query(field.clone(), text, 0, span, hl, positive)?,
        };
        if !(self.expand_aliases && is_text) {
            return Ok(spelled);
        }
        // The builtin aliases' table answers without loading the gazetteer.
        let Some(id) = builtin_alias_id(self.analyzer, text) else {
            return Ok(spelled);
        };
        // The entity's mentions carry the score, under any of its names of the time; the
        // spelling adds a little to it, so "Kiev" ranks a passage saying Kiev above one saying
        // Kyiv with as many mentions, and the letters alone (the pronoun "us" for `US`) rank
        // below every recognised mention.
        if positive {
            hl.entities.push(id.to_owned());
        }
        // Only the passage text expands aliases: `field` is the text.
        let entity = entity_mentions(self.fields, id);
        Ok(Logical::Bool(vec![
            (Occur::Should, entity),
            (
                Occur::Should,
                Logical::Boost(Box::new(spelled), SPELLING_UNDER_ENTITY),
            ),
        ]))
    }

    /// `negotiat*`: the words of the field that start with `negotiat`, each weighted by
    /// [`prefix_weights`].
    fn prefix_query(
        &mut self,
        field: FieldName,
        text: &str,
        span: &Span,
        hl: &mut Highlight,
        positive: bool,
    ) -> Result<Logical, PlanError> {
        let error = |message: String| PlanError {
            message,
            span: span.clone(),
        };
        let prefix = text.trim_end_matches('*');
        if prefix.contains('*') || text.ends_with("**") {
            return Err(error(format!(
                "'{}': one `*` stands at the end of a word only, for the words starting with \
                 the letters before it (like negotiat*)",
                typed(text)
            )));
        }
        let words = self.analyzer.words(prefix);
        let exact = match words.as_slice() {
            [] => {
                return Err(error(format!(
                    "'{}' has no letters before its `*`: give the first letters of the \
                     words to find, like negotiat*",
                    typed(text)
                )));
            }
            // One letter of a script without spaces: every word it starts, the letter with
            // the marks written on it too (`ป*` finds `ป่` and `ป้`).
            [(exact, _)] => exact.clone(),
            // A letter of a script without spaces is a word of its own, and the words after
            // it follow at the next positions: `서울*` finds what `서울` finds, text starting
            // with these letters.
            [.., (last, _)] if last.starts_with(crate::analysis::unspaced) => {
                return self.word_query(field, prefix, span, hl, positive);
            }
            _ => {
                let last = words.last().map_or("", |(exact, _)| exact.as_str());
                return Err(error(format!(
                    "'{}' is {} words: `*` ends a single word, like {last}*",
                    typed(text),
                    words.len()
                )));
            }
        };
        let expanded = match (self.prefixes)(&field, &exact).map_err(error)? {
            Expansion::Words(words) => words,
            Expansion::TooMany => {
                return Err(error(format!(
                    "more than {MAX_PREFIX_WORDS} words start with '{exact}': give more letters \
                     before the `*`"
                )));
            }
        };
        if positive && let Some(hl) = self.marks(field.field, hl) {
            hl.words
                .push(expanded.iter().map(|(word, _)| word.clone()).collect());
        }
        let terms = match expanded.is_empty() {
            // No word starts so: the prefix itself, which no passage holds, matches nothing.
            true => vec![(exact, 1.0)],
            false => prefix_weights(&expanded, self.passages),
        };
        Ok(Logical::Terms { field, terms })
    }

    fn phrase_query(
        &mut self,
        field: FieldName,
        text: &str,
        slop: u32,
        span: &Span,
        hl: &mut Highlight,
        positive: bool,
    ) -> Result<Logical, PlanError> {
        // Words at their positions as the index has them (gaps at clause and sentence breaks);
        // an `@entity` chunk is one token at the position of its first word.
        let mut analysed = Vec::new();
        self.analyzer.for_each_word(text, |w| {
            analysed.push((w.span, w.exact.to_owned(), w.position))
        });
        let mut terms: Vec<(usize, String)> = Vec::new();
        let mut entities = Vec::new();
        // In a sloppy phrase, the words typed in a script without spaces, each a run of
        // one-letter words that must stay whole (`"和平 问题"~3` is no match for 平和问题).
        let mut rigid: Vec<Vec<(usize, String)>> = Vec::new();
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
                Some(name) if field.field == self.fields.text => {
                    // As outside a phrase: `@` alone or doubled names no entity.
                    if name.is_empty() || name.starts_with(ENTITY_PREFIX) {
                        return Err(PlanError {
                            message: format!(
                                "empty entity in the phrase: `@` must be attached to a name, \
                                 like \"@zelensky security\"~5 (not '{}')",
                                typed(chunk)
                            ),
                            span: span.clone(),
                        });
                    }
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
                _ => {
                    let chunk_terms: Vec<(usize, String)> =
                        words.iter().map(|w| (w.2 - shift, w.1.clone())).collect();
                    let unspaced = words.len() > 1
                        && words
                            .iter()
                            .all(|w| w.1.starts_with(crate::analysis::unspaced));
                    if slop > 0 && unspaced {
                        let first = chunk_terms[0].0;
                        rigid.push(
                            chunk_terms
                                .iter()
                                .map(|(at, word)| (at - first, word.clone()))
                                .collect(),
                        );
                    }
                    terms.extend(chunk_terms);
                }
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
            return Ok(Logical::Sequence {
                field,
                words: terms,
                slop,
            });
        }
        if positive && let Some(hl) = self.marks(field.field, hl) {
            if words.len() == 1 {
                hl.words.push(words.clone());
            } else {
                hl.phrases.push((terms.clone(), slop));
            }
        }
        let sloppy = Logical::Sequence {
            field: field.clone(),
            words: terms,
            slop,
        };
        if rigid.is_empty() {
            return Ok(sloppy);
        }
        // Each such word also stands whole in the passage: a filter beside the phrase.
        let mut clauses = vec![(Occur::Must, sloppy)];
        clauses.extend(rigid.into_iter().map(|words| {
            let whole = Logical::Sequence {
                field: field.clone(),
                words,
                slop: 0,
            };
            (Occur::Must, Logical::Constant(Box::new(whole), 0.0))
        }));
        Ok(Logical::Bool(clauses))
    }

    fn meta_query(
        &mut self,
        key: &str,
        text: &str,
        slop: u32,
        span: &Span,
    ) -> Result<Logical, PlanError> {
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
        let words: Vec<(usize, String)> = words.into_iter().enumerate().collect();
        let field = FieldName::new(self.fields.meta, key);
        // A filter, as `type:` and `date:` are: a metadata value says which articles, not how
        // well a passage answers. Scored, its BM25 would rank by how long the article's
        // metadata is (an older speech, without a `post`, outranked a newer one).
        Ok(Logical::Constant(
            Box::new(Logical::Sequence { field, words, slop }),
            0.0,
        ))
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
    ) -> Result<Logical, PlanError> {
        let id = self.entity_id(text, span)?;
        // An id typed as the index holds it (`@mao-tsetung`, a name recognised on its own)
        // is that entity too, where its words also spell another's name (`Mao Tsetung` is
        // @mao): both are meant, neither is lost.
        let typed = text.trim().to_lowercase();
        let own = (typed != id && !typed.contains(char::is_whitespace)).then_some(typed);
        let own = own.filter(|own| match said {
            true => (self.indexed)(&FieldName::new(self.fields.said, "said"), own),
            false => (self.indexed)(&text_field(self.fields), &format!("{ENTITY_PREFIX}{own}")),
        });
        let mut ids = vec![id];
        ids.extend(own);
        if positive {
            hl.entities.extend(ids.iter().cloned());
        }
        if !said {
            return Ok(Logical::Terms {
                field: text_field(self.fields),
                terms: ids
                    .iter()
                    .map(|id| (format!("{ENTITY_PREFIX}{id}"), 1.0))
                    .collect(),
            });
        }
        let query = match ids.as_slice() {
            [id] => said_by(self.fields, id),
            _ => Logical::Bool(
                ids.iter()
                    .map(|id| (Occur::Should, said_by(self.fields, id)))
                    .collect(),
            ),
        };
        Ok(Logical::Constant(Box::new(query), SAID_SCORE))
    }

    /// `id:ID`: the article of that id as typed or, when no article has it, of its composed
    /// form (a file named in decomposed letters has the composed id, unless a composed twin
    /// took it; see `corpus::normalise_ids`).
    fn id_query(&self, id: &str) -> Logical {
        let field = FieldName::new(self.fields.article_id, "id");
        let composed = crate::corpus::clean::nfc(id);
        let as_typed = || match (self.prefixes)(&field, id) {
            Ok(Expansion::Words(ids)) => ids.iter().any(|(found, _)| found == id),
            // More than the list holds start so; the typed id is looked up as typed.
            Ok(Expansion::TooMany) | Err(_) => true,
        };
        let token = match composed != id && !as_typed() {
            true => composed.into_owned(),
            false => id.to_owned(),
        };
        Logical::Keyword { field, token }
    }

    /// `id:ungdc-78*`: the articles whose id starts with the letters before the `*` (a quoted
    /// `id:"a*.txt"` is the id as written).
    fn id_prefix_query(&self, text: &str, span: &Span) -> Result<Logical, PlanError> {
        let error = |message: String| PlanError {
            message,
            span: span.clone(),
        };
        let prefix = text.strip_suffix('*').unwrap_or(text);
        if prefix.is_empty() || prefix.contains('*') {
            return Err(error(format!(
                "'{}': one `*` ends an id's first letters, like id:ungdc-78*",
                typed(text)
            )));
        }
        let field = FieldName::new(self.fields.article_id, "id");
        let ids = match (self.prefixes)(&field, prefix).map_err(error)? {
            Expansion::Words(ids) => ids,
            Expansion::TooMany => {
                return Err(error(format!(
                    "more than {MAX_PREFIX_WORDS} ids start with '{}': give more letters before \
                     the `*`",
                    typed(prefix)
                )));
            }
        };
        let any = ids
            .into_iter()
            .map(|(id, _)| (Occur::Should, self.id_query(&id)))
            .collect::<Vec<_>>();
        Ok(match any.is_empty() {
            // No id starts so: the prefix itself, which no article has, matches nothing.
            true => self.id_query(prefix),
            false => Logical::Bool(any),
        })
    }

    /// Where the matches of a clause on `field` are marked in snippets: those of the passage
    /// text anywhere, those of `quote:` inside quotation marks only, others nowhere.
    fn marks<'h>(&self, field: Field, hl: &'h mut Highlight) -> Option<&'h mut Highlight> {
        match field {
            f if f == self.fields.text => Some(hl),
            f if f == self.fields.quote => Some(hl.quote.get_or_insert_with(Box::default)),
            _ => None,
        }
    }

    fn entity_id(&mut self, text: &str, span: &Span) -> Result<String, PlanError> {
        (self.gazetteer)()
            .resolve_id(self.analyzer, text)
            .ok_or_else(|| nothing_searchable(text, span))
    }

    /// Passages with an entity of the given type; scores nothing.
    fn type_filter(&self, text: &str, span: &Span) -> Result<Logical, PlanError> {
        let kind: Kind = text.to_lowercase().parse().map_err(|message| PlanError {
            message,
            span: span.clone(),
        })?;
        let field = FieldName::new(self.fields.entity_type, "type");
        let token = kind.as_str().to_owned();
        Ok(Logical::Constant(
            Box::new(Logical::Keyword { field, token }),
            0.0,
        ))
    }

    /// Articles whose date period overlaps the periods from `lower` to `upper`; scores nothing.
    pub fn date_filter(&self, lower: Option<Date>, upper: Option<Date>) -> Logical {
        date_filter(lower, upper)
    }
}

/// The passages that mention the entity `id` (its mentions under any spelling), as
/// `@id` plans: for callers that know the id and need no query text parsed.
pub fn entity_mentions(fields: &Fields, id: &str) -> Logical {
    Logical::Terms {
        field: text_field(fields),
        terms: vec![(format!("{ENTITY_PREFIX}{id}"), 1.0)],
    }
}

/// The passages where the entity `id` speaks, as `said:@id` plans (unscored).
pub fn said_by(fields: &Fields, id: &str) -> Logical {
    let field = FieldName::new(fields.said, "said");
    Logical::Keyword {
        field,
        token: id.to_owned(),
    }
}

/// The words a prefix stands for, each weighted so that it scores with the inverse document
/// frequency of all of them together (BM25's IDF of the summed passages, at most `passages`)
/// rather than its own: `Gorbach*` ranks a passage by how often it names him, not by how rare its
/// spelling (*Gorbachov*) is. Words with their passages, sorted; the result keeps their order.
pub fn prefix_weights(words: &[(String, u64)], passages: u64) -> Vec<(String, f32)> {
    let n = passages as f64;
    let idf = |df: f64| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    let all = idf(words.iter().map(|(_, df)| *df as f64).sum::<f64>().min(n));
    words
        .iter()
        .map(|(word, df)| {
            let own = idf(*df as f64);
            let weight = if own > 0.0 { all / own } else { 1.0 };
            (word.clone(), weight as f32)
        })
        .collect()
}

/// The passage text, as the plan names it.
fn text_field(fields: &Fields) -> FieldName {
    FieldName {
        stems: Some(fields.stem),
        ..FieldName::new(fields.text, "text")
    }
}

/// Articles whose date period overlaps the periods from `lower` to `upper`; scores nothing.
pub fn date_filter(lower: Option<Date>, upper: Option<Date>) -> Logical {
    let label = format!(
        "[{} TO {}]",
        lower.map_or("*".to_owned(), |d| d.to_string()),
        upper.map_or("*".to_owned(), |d| d.to_string()),
    );
    Logical::Days {
        first: lower.map(|d| d.first_day()),
        last: upper.map(|d| d.last_day()),
        label,
    }
}

fn check_phrase_length(words: &[String], span: &Span) -> Result<(), PlanError> {
    let n = words.len();
    if n <= MAX_PHRASE_WORDS {
        return Ok(());
    }
    // A run of Chinese or Japanese typed without spaces is a phrase of its letters.
    let letters = words
        .iter()
        .filter(|w| w.starts_with(crate::analysis::unspaced))
        .count();
    let message = match letters * 2 > n {
        true => format!(
            "phrase too long: {n} words, of which {letters} are letters of a script written \
             without spaces, each a word; a phrase has at most {MAX_PHRASE_WORDS}: search a \
             shorter part of it, or its parts apart (separated by spaces)"
        ),
        false => format!(
            "phrase too long: {n} words, at most {MAX_PHRASE_WORDS}: search a shorter part \
             of it"
        ),
    };
    Err(PlanError {
        message,
        span: span.clone(),
    })
}

fn parse_date(text: &str, span: &Span) -> Result<Date, PlanError> {
    text.parse().map_err(|message| PlanError {
        message,
        span: span.clone(),
    })
}

/// Whether `text` is typed as a prefix: a letter or digit, then a `*` at its end.
fn is_prefix(text: &str) -> bool {
    text.strip_suffix('*')
        .and_then(|rest| rest.trim_end_matches('*').chars().last())
        .is_some_and(char::is_alphanumeric)
}

/// The start of `text` as typed, for an error message: a hostile query may be all punctuation
/// or a pasted page.
fn typed(text: &str) -> String {
    crate::error::shorten(text, 60)
}

/// The error for a `word*` where prefixes are not looked up (`place`: a phrase…).
fn no_prefix_here(text: &str, span: &Span, place: &str) -> PlanError {
    PlanError {
        message: format!(
            "'{}': a `*` ends a word of the text, title, source or quote (like negotiat*), \
             not {place}",
            typed(text)
        ),
        span: span.clone(),
    }
}

fn nothing_searchable(text: &str, span: &Span) -> PlanError {
    PlanError {
        message: format!("'{}' has no letters or digits to search for", typed(text)),
        span: span.clone(),
    }
}

/// The error of a field the index does not have, with the fields it has and the way to search
/// the text as written.
pub(crate) fn unknown_field(name: &str, known: &[String]) -> String {
    format!(
        "unknown field '{name}' (fields: {}); to search a word that holds `:` as written, quote \
         it (\"{name}:…\")",
        known.join(", ")
    )
}
