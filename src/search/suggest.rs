//! "Did you mean …": for a query word the index has never seen, the index's own words that are
//! spelled nearly the same, most frequent first.
//!
//! Only plain words are looked at (not phrases, fields, entities or excluded words), and only
//! those with no passage at all under their exact form or stem. The candidates are the words of
//! the passage text's term dictionaries within the edit distance [`FuzzyTermQuery`] matches
//! with (computed bit-parallel by `search::levenshtein`), first at one edit (a transposition
//! counts as one), then, for words of five characters or more, at two. Only exact word forms
//! are offered: stem and entity tokens, and words shorter than three characters, never are.
//!
//! The walk (`search::fuzzy`) goes over the generation's word list
//! ([`crate::index::words`]): every word of all segments once, with its passages summed. When
//! the generation has none that fits its segments (an index of an older build, a shard set,
//! an update killed before it wrote the list), it goes over each segment's dictionary FST and
//! sums the same numbers; tantivy's own automaton and stream serve a word too long for the
//! bit-parallel automaton, or a dictionary the walk cannot read.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use tantivy::query::FuzzyTermQuery;
use tantivy::{DocSet, InvertedIndexReader, Term};

use super::levenshtein::Edits;
use super::parse::{self, Node, Occur};
use super::{Searcher, fuzzy};
use crate::analysis::Analyzer;
use crate::error::{Error, Result};
use crate::index::words::{Words, is_word};

/// The most spellings offered for one word.
pub const MAX_SUGGESTIONS: usize = 3;

/// Close spellings the index knows for a word it does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The word as typed in the query.
    pub word: String,
    /// Indexed words one or two edits away, the most frequent first.
    pub terms: Vec<String>,
}

/// The longest word given suggestions. Past the bit-parallel automaton's 63 letters, tantivy's
/// automaton does the walk, and its cost grows with the word's length (a word of 400,000 letters
/// took 6.5 s and 4 GB); at 128 letters it still takes milliseconds.
pub const MAX_SUGGESTED_LETTERS: usize = 128;

/// The plain words of `query` (as typed) that no passage holds, each with the close spellings
/// the index has; words without any are left out. A query that does not parse has none.
///
/// # Errors
/// A failure reading the term dictionary.
pub fn suggest(searcher: &Searcher, query: &str) -> Result<Vec<Suggestion>> {
    let Ok(ast) = parse::parse(query) else {
        return Ok(Vec::new());
    };
    let mut words = Vec::new();
    plain_words(&ast, &mut words);
    let mut out: Vec<Suggestion> = id_suggestions(searcher, &ast);
    out.extend(entity_suggestions(searcher, query, &ast)?);
    let mut analyzer = Analyzer::new();
    let field = searcher.index().fields.text;
    let tantivy = searcher.reader().searcher();
    let segments = tantivy.segment_readers();
    let inverted = |field| -> Result<Vec<_>> {
        let mut all = Vec::with_capacity(segments.len());
        for segment in segments {
            all.push(segment.inverted_index(field)?);
        }
        Ok(all)
    };
    let stems = searcher.index().fields.stem;
    let (words_index, stems_index) = (inverted(field)?, inverted(stems)?);
    // Each segment's dictionary as an FST to walk (see [`super::fuzzy`]), opened when a word
    // first needs it.
    let mut fsts = None;
    // The generation's word list, opened when a word first needs it; `None` inside when there
    // is none that fits these segments.
    let mut list = None;
    let generation = &searcher.index().generation;
    let doc_freq =
        |index: &[Arc<InvertedIndexReader>], term: Term| passages_holding(index, &term, generation);
    // Word counts include passages deleted since the last merge: a word only they held (the
    // article was removed or edited) is no suggestion, as it would find nothing.
    let deletes = segments.iter().any(|s| s.num_deleted_docs() > 0);
    let mut live = |term: &str| -> Result<bool> {
        if !deletes {
            return Ok(true);
        }
        let term = Term::from_field_text(field, term);
        for (segment, index) in segments.iter().zip(&words_index) {
            let Some(mut postings) = index
                .read_postings(&term, tantivy::schema::IndexRecordOption::Basic)
                .map_err(|e| Error::io(generation, e))?
            else {
                continue;
            };
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    return Ok(true);
                }
                doc = postings.advance();
            }
        }
        Ok(false)
    };
    for word in words {
        if out.iter().any(|s| s.word == word) {
            continue;
        }
        let forms = analyzer.words(&word);
        let [(exact, stem)] = forms.as_slice() else {
            continue; // no word, or several (`self-determination`): a phrase of parts
        };
        // Known when a passage holds a word with its stem (the stem field has every word's).
        let stem = Term::from_field_text(stems, stem.as_deref().unwrap_or(exact));
        let known = doc_freq(&stems_index, stem)? > 0;
        let spelled = Term::from_field_text(field, exact);
        // A word longer than any a reader would misspell gets no suggestion (see
        // [`MAX_SUGGESTED_LETTERS`]).
        let letters = exact.chars().count();
        if known || !(3..=MAX_SUGGESTED_LETTERS).contains(&letters) {
            continue;
        }
        if doc_freq(&words_index, spelled)? > 0 {
            continue;
        }
        let budget = if letters < 5 { 1 } else { 2 };
        // Each close word and its passages in all segments.
        let mut found: BTreeMap<String, u64> = BTreeMap::new();
        let mut add = |bytes: &[u8], doc_freq: u64| -> bool {
            let Ok(term) = std::str::from_utf8(bytes) else {
                return false;
            };
            if term == exact || !is_word(term) {
                return false;
            }
            *found.entry(term.to_owned()).or_default() += doc_freq;
            true
        };
        let list = list.get_or_insert_with(|| Words::open(generation, field, segments));
        if let Some(list) = list
            && Edits::new(exact, budget).is_some()
        {
            // The generation's word list: one walk instead of one per segment, with the same
            // words and passages (see [`crate::index::words`]).
            for b in 1..=budget {
                let Some(edits) = Edits::new(exact, b) else {
                    break;
                };
                let mut any = false;
                fuzzy::walk(list.fst(), &edits, |bytes| {
                    any |= add(bytes, list.doc_freq(bytes));
                });
                if any {
                    break;
                }
            }
            push_ranked(&mut out, word, found, &mut live)?;
            continue;
        }
        let fsts = fsts.get_or_insert_with(|| {
            let index = &searcher.index().index;
            segments
                .iter()
                .map(|segment| fuzzy::term_fst(index, segment, field))
                .collect::<Vec<_>>()
        });
        match Edits::new(exact, budget) {
            // At one edit, then, if no word is that close, at two (the walk at two edits alone,
            // dropping to one at the first one-edit word, cost a one-edit word such as
            // "secrity" more than it saved a two-edit one such as "giraffe").
            Some(_) if fsts.iter().all(Option::is_some) => {
                for b in 1..=budget {
                    let Some(edits) = Edits::new(exact, b) else {
                        break;
                    };
                    let mut any = false;
                    for (index, fst) in words_index.iter().zip(fsts.iter().flatten()) {
                        let terms = index.terms();
                        let mut failed = None;
                        fuzzy::walk(fst, &edits, |bytes| {
                            let doc_freq = match terms.get(bytes) {
                                Ok(info) => info.map_or(0, |info| info.doc_freq),
                                Err(e) => {
                                    failed.get_or_insert(e);
                                    0
                                }
                            };
                            any |= add(bytes, u64::from(doc_freq));
                        });
                        if let Some(e) = failed {
                            return Err(Error::io(generation, e));
                        }
                    }
                    if any {
                        break;
                    }
                }
            }
            // A word too long for [`Edits`], or a dictionary the walk cannot read: tantivy's
            // automaton through tantivy's stream, at one edit, then two.
            _ => {
                for distance in 1..=budget {
                    let automaton =
                        FuzzyTermQuery::new(Term::from_field_text(field, exact), distance, true)
                            .automaton()
                            .map_err(|e| Error::Invalid(format!("did you mean: {e}")))?;
                    let automaton = fuzzy::WordsOnly(&automaton);
                    let mut any = false;
                    for index in &words_index {
                        let mut stream = index
                            .terms()
                            .search(&automaton)
                            .into_stream()
                            .map_err(|e| Error::io(generation, e))?;
                        while let Some((bytes, info)) = stream.next() {
                            any |= add(bytes, u64::from(info.doc_freq));
                        }
                    }
                    if any {
                        break;
                    }
                }
            }
        }
        push_ranked(&mut out, word, found, &mut live)?;
    }
    Ok(out)
}

/// For each `id:` of the query that names no article, the ids that differ from it only in
/// case (`id:UNGDC-78-UKR` → `ungdc-78-UKR`): ids are matched as written, since they name files.
fn id_suggestions(searcher: &Searcher, ast: &Node) -> Vec<Suggestion> {
    use super::show::IdMatch;
    let mut ids = Vec::new();
    fielded_words(ast, "id", &mut ids);
    let mut out: Vec<Suggestion> = Vec::new();
    for id in ids {
        // `id:ungdc-78-uk*`: a prefix, matched as written too.
        let (whole, prefix) = match id.strip_suffix('*') {
            Some(prefix) if !prefix.is_empty() && !prefix.contains('*') => (prefix, true),
            _ if id.contains('*') => continue,
            _ => (id.as_str(), false),
        };
        if out.iter().any(|s| s.word == id) {
            continue;
        }
        let (as_written, any_case) = match prefix {
            true => (IdMatch::Prefix, IdMatch::PrefixInAnyCase),
            false => (IdMatch::Exact, IdMatch::InAnyCase),
        };
        if !searcher.live_ids(whole, as_written, 1).is_empty() {
            continue;
        }
        // For a prefix, the ids' first letters as many as were typed, and the star.
        let mut terms: Vec<String> = searcher
            .live_ids(whole, any_case, MAX_SUGGESTIONS)
            .into_iter()
            .map(|other| match prefix {
                true => {
                    other
                        .chars()
                        .take(whole.chars().count())
                        .collect::<String>()
                        + "*"
                }
                false => other,
            })
            .collect();
        terms.dedup();
        if !terms.is_empty() {
            out.push(Suggestion { word: id, terms });
        }
    }
    out
}

/// A token's passages in all segments of `index` (deleted ones counted until merged away).
fn passages_holding(
    index: &[Arc<InvertedIndexReader>],
    term: &Term,
    generation: &std::path::Path,
) -> Result<u64> {
    let mut n = 0;
    for segment in index {
        n += u64::from(
            segment
                .doc_freq(term)
                .map_err(|e| Error::io(generation, e))?,
        );
    }
    Ok(n)
}

/// For each `@name` of `ast` (taking part positively) that no passage mentions, the mentioned
/// entities whose ids are spelled nearly the same (`@gorbachevv` → `@gorbachev`), most
/// mentioned first: the suggestion's word is the entity as typed, its terms `@id`.
fn entity_suggestions(searcher: &Searcher, query: &str, ast: &Node) -> Result<Vec<Suggestion>> {
    let mut typed = Vec::new();
    positive_entities(ast, &mut |text, span| {
        typed.push((text.to_owned(), span.clone()))
    });
    let mut out: Vec<Suggestion> = Vec::new();
    if typed.is_empty() {
        return Ok(out);
    }
    let field = searcher.index().fields.text;
    let tantivy = searcher.reader().searcher();
    let generation = &searcher.index().generation;
    let mut analyzer = Analyzer::new();
    let mut index = Vec::new();
    for segment in tantivy.segment_readers() {
        index.push(segment.inverted_index(field)?);
    }
    for (text, span) in typed {
        let word = query.get(span).unwrap_or(&text).to_owned();
        if out.iter().any(|s| s.word == word) {
            continue;
        }
        let Some(id) = crate::entities::Gazetteer::builtin().resolve_id(&mut analyzer, &text)
        else {
            continue;
        };
        let letters = id.chars().count();
        let budget = if letters < 5 { 1 } else { 2 };
        let Some(edits) = Edits::new(&id, budget).filter(|_| letters >= 3) else {
            continue;
        };
        let token = format!("{}{id}", crate::entities::ENTITY_PREFIX);
        if passages_holding(&index, &Term::from_field_text(field, &token), generation)? > 0 {
            continue;
        }
        let mut found: BTreeMap<String, u64> = BTreeMap::new();
        for segment in &index {
            // Entity tokens: `@` and an id, in byte order between `@` and `A`.
            let mut stream = segment
                .terms()
                .range()
                .ge("@")
                .lt("A")
                .into_stream()
                .map_err(|e| Error::io(generation, e))?;
            while stream.advance() {
                let Some(other) = std::str::from_utf8(stream.key())
                    .ok()
                    .and_then(|t| t.strip_prefix(crate::entities::ENTITY_PREFIX))
                else {
                    continue;
                };
                if other.chars().count().abs_diff(letters) > usize::from(budget) || other == id {
                    continue;
                }
                if edits.distance_to(other).is_some() {
                    *found.entry(format!("@{other}")).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        // The gazetteer's spellings too (`@"Kofi Annann"` is one edit from "Kofi Annan", whose
        // id is `annan`), each as the id its entity is mentioned under.
        let within = |name: &str| edits.distance_to(name).is_some();
        for entity in crate::entities::Gazetteer::builtin().entities() {
            let close = entity.aliases.iter().any(|alias| {
                let letters_near =
                    alias.chars().count().abs_diff(letters) <= usize::from(budget) + 2;
                letters_near && within(&analyzer.exact_words(alias).join("-"))
            });
            let key = format!("@{}", entity.id);
            if close && !found.contains_key(&key) {
                let mentions =
                    passages_holding(&index, &Term::from_field_text(field, &key), generation)?;
                if mentions > 0 {
                    found.insert(key, mentions);
                }
            }
        }
        let mut ranked: Vec<(String, u64)> = found.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let terms: Vec<String> = ranked
            .into_iter()
            .take(MAX_SUGGESTIONS)
            .map(|(t, _)| t)
            .collect();
        if !terms.is_empty() {
            out.push(Suggestion { word, terms });
        }
    }
    Ok(out)
}

/// Calls `f` with the name and span of each `@name` of `node` that takes part positively.
fn positive_entities(node: &Node, f: &mut dyn FnMut(&str, &parse::Span)) {
    positive_leaves(node, &mut |leaf| {
        if let Node::Entity { text, span } = leaf {
            f(text, span);
        }
    });
}

/// Calls `f` with each clause of `node` that is neither a group nor a boost and takes part
/// positively (not under `NOT` / `-`).
fn positive_leaves(node: &Node, f: &mut dyn FnMut(&Node)) {
    match node {
        Node::Bool(clauses) => {
            for (occur, clause) in clauses {
                if *occur != Occur::MustNot {
                    positive_leaves(clause, f);
                }
            }
        }
        Node::Boost(inner, _) => positive_leaves(inner, f),
        leaf => f(leaf),
    }
}

/// The values of `field:` terms of `node` that take part positively.
fn fielded_words(node: &Node, name: &str, words: &mut Vec<String>) {
    positive_terms(node, &mut |field, text| {
        if field.is_some_and(|f| f.name == name) {
            words.push(text.to_owned());
        }
    });
}

/// Calls `f` with the field and text of each term of `node` that takes part positively (not
/// under `NOT` / `-`).
fn positive_terms(node: &Node, f: &mut dyn FnMut(Option<&parse::Field>, &str)) {
    positive_leaves(node, &mut |leaf| {
        if let Node::Term { field, text, .. } = leaf {
            f(field.as_ref(), text);
        }
    });
}

/// Adds to `out` the suggestion for `word`: the most frequent of the close words `found`
/// (ties in byte order) that a live passage holds, when there are any.
fn push_ranked(
    out: &mut Vec<Suggestion>,
    word: String,
    found: BTreeMap<String, u64>,
    live: &mut impl FnMut(&str) -> Result<bool>,
) -> Result<()> {
    let mut ranked: Vec<(String, u64)> = found.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut terms = Vec::new();
    for (term, _) in ranked {
        if terms.len() == MAX_SUGGESTIONS {
            break;
        }
        if live(&term)? {
            terms.push(term);
        }
    }
    if !terms.is_empty() {
        out.push(Suggestion { word, terms });
    }
    Ok(())
}

/// The unfielded words of `node` that take part positively (not under `NOT` / `-`).
fn plain_words(node: &Node, words: &mut Vec<String>) {
    positive_terms(node, &mut |field, text| {
        if field.is_none()
            && !text.starts_with(crate::entities::ENTITY_PREFIX)
            && !text.contains('*')
        {
            words.push(text.to_owned());
        }
    });
}

/// The query with each word that has a suggestion replaced by its first one: what "did you
/// mean" offers to run instead. Words are replaced where they were typed, by their spans.
pub fn corrected(query: &str, suggestions: &[Suggestion]) -> Option<String> {
    let Ok(ast) = parse::parse(query) else {
        return None;
    };
    let mut spans = Vec::new();
    term_spans(&ast, &mut spans);
    // An entity is replaced whole, as typed (`@gorbachevv`, `@"Kofi Annann"`).
    positive_entities(&ast, &mut |_, span| {
        if let Some(typed) = query.get(span.clone()) {
            spans.push((span.clone(), typed.to_owned()));
        }
    });
    spans.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut out = query.to_owned();
    let mut changed = false;
    for (span, text) in spans {
        if let Some(s) = suggestions.iter().find(|s| s.word == text)
            && out.get(span.clone()) == Some(text.as_str())
        {
            out.replace_range(span, &s.terms[0]);
            changed = true;
        }
    }
    changed.then_some(out)
}

fn term_spans(node: &Node, spans: &mut Vec<(parse::Span, String)>) {
    match node {
        Node::Term { field, text, span } if field.as_ref().is_none_or(|f| f.name == "id") => {
            spans.push((span.clone(), text.clone()))
        }
        Node::Bool(clauses) => {
            for (_, clause) in clauses {
                term_spans(clause, spans);
            }
        }
        Node::Boost(inner, _) => term_spans(inner, spans),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_unfielded_words_are_looked_at() {
        let mut words = Vec::new();
        let ast =
            parse::parse("ushakof \"secrity guarantee\" -kremlim title:genva @putn x^2").unwrap();
        plain_words(&ast, &mut words);
        assert_eq!(words, ["ushakof", "x"]);
    }

    #[test]
    fn the_corrected_query_replaces_words_where_they_were_typed() {
        let s = [Suggestion {
            word: "Ushakof".into(),
            terms: vec!["ushakov".into()],
        }];
        assert_eq!(
            corrected("Ushakof said \"Ushakof\"", &s).as_deref(),
            Some("ushakov said \"Ushakof\"")
        );
        assert_eq!(corrected("Kremlin", &s), None);
        // An id in other capitals, replaced after its `id:`.
        let s = [Suggestion {
            word: "UNGDC-78-UKR".into(),
            terms: vec!["ungdc-78-UKR".into()],
        }];
        assert_eq!(
            corrected("id:UNGDC-78-UKR peace", &s).as_deref(),
            Some("id:ungdc-78-UKR peace")
        );
        let mut ids = Vec::new();
        fielded_words(
            &parse::parse("id:a -id:b title:c (id:d OR x)").unwrap(),
            "id",
            &mut ids,
        );
        assert_eq!(ids, ["a", "d"]);
    }

    #[test]
    fn stem_and_entity_tokens_are_not_words() {
        assert!(is_word("ushakov"));
        assert!(is_word("київ"));
        assert!(!is_word("~guarante"));
        assert!(!is_word("@ushakov"));
    }
}
