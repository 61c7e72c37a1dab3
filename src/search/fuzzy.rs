//! The terms of a segment's field within some edits of a word (for "did you mean"), found by
//! walking the field's term dictionary FST with the bit-parallel automaton of
//! [`super::levenshtein`] and stepping only along the transitions it can still match from.
//!
//! tantivy's automaton stream (`TermDictionary::search`) decodes the node behind every
//! transition before it asks the automaton whether that path can still match, and at two edits
//! three transitions in four lead nowhere: for a seven-letter word missing from the UNGDC, the
//! stream ran 18 million instructions over the four segments' dictionaries, three quarters of a
//! whole `attache search` process that found nothing. [`walk`] asks first, so it decodes only
//! the nodes on live paths, and from a node where every edit is spent it looks up only the
//! word's characters that can come next instead of trying every transition. It finds the same
//! terms in the same (byte) order as tantivy's stream with tantivy's automaton; a test compares
//! the two on every kind of word.

use std::ops::Deref;

use tantivy::HasLen;
use tantivy::directory::{CompositeFile, OwnedBytes};
use tantivy::index::SegmentComponent;
use tantivy::schema::Field;
use tantivy::{Index, SegmentReader};
use tantivy_fst::Automaton;
use tantivy_fst::raw::{Fst, Node};

use super::levenshtein::{Edits, Nfa};

/// The version tantivy writes after its FST term dictionaries (`fst_termdict::FST_VERSION`).
const FST_VERSION: u32 = 1;
/// The last word of a term dictionary when it is an FST (`termdict::DictionaryType::Fst`).
const FST_TYPE: u32 = 1;
/// A term dictionary is its FST, then the term infos, then their length (u64),
/// [`FST_VERSION`] (u32) and [`FST_TYPE`] (u32), all little-endian.
const FOOTER: usize = 16;

/// The FST of `field`'s term dictionary in `segment`, or `None`
/// when the file is not laid out as this tantivy writes it: the caller then searches the
/// dictionary with tantivy's stream.
pub fn term_fst(index: &Index, segment: &SegmentReader, field: Field) -> Option<Fst<OwnedBytes>> {
    let meta = index.new_segment_meta(segment.segment_id(), segment.max_doc());
    let file = index
        .segment(meta)
        .open_read(SegmentComponent::Terms)
        .ok()?;
    let dictionary = CompositeFile::open(&file).ok()?.open_read(field)?;
    if dictionary.len() < FOOTER {
        return None;
    }
    let (main, footer) = dictionary.split_from_end(FOOTER);
    let footer = footer.read_bytes().ok()?;
    let infos_len = u64::from_le_bytes(footer[..8].try_into().ok()?);
    let version = u32::from_le_bytes(footer[8..12].try_into().ok()?);
    let kind = u32::from_le_bytes(footer[12..].try_into().ok()?);
    let infos_len = usize::try_from(infos_len).ok()?;
    if kind != FST_TYPE || version != FST_VERSION || infos_len > main.len() {
        return None;
    }
    let (fst, _term_infos) = main.split_from_end(infos_len);
    Fst::new(fst.read_bytes().ok()?).ok()
}

/// An automaton that also refuses every term whose first byte is an ASCII character other than
/// a letter or digit: none is a word (see `suggest::is_word`), and the stem (`~`) and entity (`@`)
/// tokens, as many as the words, are then never walked.
pub struct WordsOnly<A>(pub A);

/// Where [`WordsOnly`] is: before the first byte, after it, or past a first byte it refuses.
#[derive(Clone)]
pub enum WordState<S> {
    Start(S),
    Within(S),
    Refused,
}

impl<A: Automaton> Automaton for WordsOnly<A>
where
    A::State: Clone,
{
    type State = WordState<A::State>;

    fn start(&self) -> Self::State {
        WordState::Start(self.0.start())
    }

    fn is_match(&self, state: &Self::State) -> bool {
        match state {
            WordState::Start(s) | WordState::Within(s) => self.0.is_match(s),
            WordState::Refused => false,
        }
    }

    fn can_match(&self, state: &Self::State) -> bool {
        match state {
            WordState::Start(s) | WordState::Within(s) => self.0.can_match(s),
            WordState::Refused => false,
        }
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        match state {
            WordState::Start(_) if byte.is_ascii() && !byte.is_ascii_alphanumeric() => {
                WordState::Refused
            }
            WordState::Start(s) | WordState::Within(s) => WordState::Within(self.0.accept(s, byte)),
            WordState::Refused => WordState::Refused,
        }
    }
}

/// Walks a term dictionary's FST for the terms within some edits of a query word.
struct Walk<'a, D, F> {
    fst: &'a Fst<D>,
    edits: &'a Edits,
    found: F,
    /// The term so far.
    term: Vec<u8>,
}

/// Calls `found(term)` for every term of `fst` within `edits` of its query word, in byte
/// order, except those whose first byte is an ASCII character other than a letter or digit (as
/// [`WordsOnly`]).
///
/// From a state with edits to spare every transition of a node is tried; from one with none
/// left, only the query's characters that can come next are looked up.
pub fn walk<D>(fst: &Fst<D>, edits: &Edits, found: impl FnMut(&[u8]))
where
    D: Deref<Target = [u8]>,
{
    let start = edits.start();
    let mut walk = Walk {
        fst,
        edits,
        found,
        term: Vec::new(),
    };
    walk.node(fst.root(), start);
}

impl<D, F> Walk<'_, D, F>
where
    D: Deref<Target = [u8]>,
    F: FnMut(&[u8]),
{
    /// Walks on from `node`, reached with the automaton in `nfa`.
    fn node(&mut self, node: Node<'_>, nfa: Nfa) {
        if node.is_final() && self.edits.matches(&nfa) {
            (self.found)(&self.term);
        }
        if !self.edits.alive(&nfa) {
            return;
        }
        if !self.term.is_empty()
            && let Some(rest) = self.edits.only_rest(&nfa)
        {
            if rest.is_empty() {
                return; // the term read is the whole match, and was found above
            }
            // Most nodes a walk reaches are on such paths: follow the bytes, no automaton.
            let mut node = node;
            for &b in rest {
                let Some(i) = node.find_input(b) else {
                    return;
                };
                node = self.fst.node(node.transition_addr(i));
            }
            if node.is_final() {
                let at = self.term.len();
                self.term.extend_from_slice(rest);
                (self.found)(&self.term);
                self.term.truncate(at);
            }
            return;
        }
        let mut next = ['\0'; 64];
        if let Some(next) = self.edits.only_next(&nfa, &mut next) {
            for &c in next {
                if self.term.is_empty() && c.is_ascii() && !c.is_ascii_alphanumeric() {
                    continue;
                }
                let mut utf8 = [0u8; 4];
                let bytes = c.encode_utf8(&mut utf8).as_bytes();
                let mut child = node;
                let mut missing = false;
                for &b in bytes {
                    let Some(i) = child.find_input(b) else {
                        missing = true;
                        break;
                    };
                    child = self.fst.node(child.transition_addr(i));
                }
                if missing {
                    continue;
                }
                let stepped = self.edits.step(&nfa, self.edits.positions(c));
                self.term.extend_from_slice(bytes);
                self.node(child, stepped);
                self.term.truncate(self.term.len() - bytes.len());
            }
            return;
        }
        for i in 0..node.len() {
            let transition = node.transition(i);
            let b = transition.inp;
            if b.is_ascii() {
                if self.term.is_empty() && !b.is_ascii_alphanumeric() {
                    continue;
                }
                let stepped = self.edits.step(&nfa, self.edits.positions(char::from(b)));
                if !self.edits.alive(&stepped) {
                    continue;
                }
                self.term.push(b);
                self.node(self.fst.node(transition.addr), stepped);
                self.term.pop();
            } else if let Some(more) = continuation_bytes(b) {
                self.term.push(b);
                let code = u32::from(b) & (0x7F >> (more + 1));
                self.partial(self.fst.node(transition.addr), nfa, code, more);
                self.term.pop();
            }
        }
    }

    /// Walks on from `node`, reached within a character: `more` continuation bytes are still
    /// to come after the bits `code`. The automaton steps once the character is whole.
    fn partial(&mut self, node: Node<'_>, nfa: Nfa, code: u32, more: u32) {
        for i in 0..node.len() {
            let transition = node.transition(i);
            let b = transition.inp;
            if b & 0xC0 != 0x80 {
                continue;
            }
            let code = (code << 6) | u32::from(b & 0x3F);
            let child = self.fst.node(transition.addr);
            self.term.push(b);
            if more > 1 {
                self.partial(child, nfa, code, more - 1);
            } else if let Some(c) = char::from_u32(code) {
                let stepped = self.edits.step(&nfa, self.edits.positions(c));
                if self.edits.alive(&stepped) {
                    self.node(child, stepped);
                }
            }
            self.term.pop();
        }
    }
}

/// How many continuation bytes follow `lead` in UTF-8, or `None` when it starts no character.
fn continuation_bytes(lead: u8) -> Option<u32> {
    match lead {
        0xC2..=0xDF => Some(1),
        0xE0..=0xEF => Some(2),
        0xF0..=0xF4 => Some(3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use tantivy::query::FuzzyTermQuery;
    use tantivy::schema::{STRING, Schema};
    use tantivy::{IndexWriter, Term, doc};

    use super::*;

    /// An index of one untokenized field whose terms are the sample articles' words, each also
    /// as a stem (`~word`) and an entity (`@word`) token, and words in other scripts, in two
    /// segments.
    fn dictionary() -> (Index, Field) {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("text", STRING);
        let index = Index::create_in_ram(schema.build());
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut text = String::from("київ київа kyïv türkiye côte d'ivoire 2025 1st ümlaut éa");
        for entry in std::fs::read_dir(corpus).unwrap() {
            text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (i, word) in words.iter().enumerate() {
            for token in [word.clone(), format!("~{word}"), format!("@{word}")] {
                writer.add_document(doc!(field => token)).unwrap();
            }
            if i == words.len() / 2 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        (index, field)
    }

    #[test]
    fn the_walk_finds_what_tantivys_stream_finds() {
        let (index, field) = dictionary();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let words = [
            "security",
            "secrity",
            "ushakov",
            "ushakof",
            "kremlin",
            "kremlim",
            "geneva",
            "genva",
            "giraffe",
            "x",
            "",
            "київ",
            "kyiv",
            "turkiye",
            "cote",
            "2024",
            "the",
            "a",
            "~the",
            "@kremlin",
            "zzzzzzzzzzzz",
        ];
        let (mut found_any, mut skipped) = (0, 0);
        for segment in searcher.segment_readers() {
            let fst = term_fst(&index, segment, field).expect("an FST term dictionary");
            let inverted = segment.inverted_index(field).unwrap();
            let dictionary = inverted.terms();
            for word in words {
                for distance in [1, 2] {
                    let automaton =
                        FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true)
                            .automaton()
                            .unwrap();
                    let mut streamed: Vec<Vec<u8>> = Vec::new();
                    let mut stream = dictionary.search(&automaton).into_stream().unwrap();
                    while let Some((term, _)) = stream.next() {
                        streamed.push(term.to_vec());
                    }
                    let edits = Edits::new(word, distance).unwrap();
                    let mut walked = Vec::new();
                    walk(&fst, &edits, |term| walked.push(term.to_vec()));
                    let before = streamed.len();
                    streamed.retain(|t| words_only(t));
                    // The walk never enters stem (`~`) and entity (`@`) tokens.
                    skipped += before - streamed.len();
                    assert_eq!(walked, streamed, "{word:?} at {distance}");
                    found_any += usize::from(!walked.is_empty());
                }
            }
        }
        assert!(found_any > 20, "{found_any}");
        assert!(skipped > 0);
    }

    /// Whether a term is one the walk looks at: it does not start with an ASCII character
    /// other than a letter or digit.
    fn words_only(term: &[u8]) -> bool {
        term.first()
            .is_none_or(|b| !b.is_ascii() || b.is_ascii_alphanumeric())
    }

    #[test]
    fn a_dictionary_that_is_no_fst_is_left_to_tantivy() {
        let (index, field) = dictionary();
        let searcher = index.reader().unwrap().searcher();
        // A field this schema never indexed has no dictionary in the segment's file.
        let missing = Field::from_field_id(7);
        let segment = &searcher.segment_readers()[0];
        assert!(term_fst(&index, segment, missing).is_none());
        assert!(term_fst(&index, segment, field).is_some());
    }
}
