//! The terms of a segment's field that an automaton (a Levenshtein one, for "did you mean")
//! accepts, found by walking the field's term dictionary FST and stepping only along the
//! transitions the automaton can still match from.
//!
//! tantivy's automaton stream (`TermDictionary::search`) decodes the node behind every
//! transition before it asks the automaton whether that path can still match, and at two edits
//! three transitions in four lead nowhere: for a seven-letter word missing from the UNGDC, the
//! stream ran 18 million instructions over the four segments' dictionaries, three quarters of a
//! whole `attache search` process that found nothing. [`walk`] asks first, so it
//! decodes only the nodes on live paths. It finds the same terms in the same (byte) order; a
//! test compares the two on every kind of word.

use std::ops::Deref;

use tantivy::HasLen;
use tantivy::directory::{CompositeFile, OwnedBytes};
use tantivy::index::SegmentComponent;
use tantivy::schema::Field;
use tantivy::{Index, SegmentReader};
use tantivy_fst::Automaton;
use tantivy_fst::raw::{Fst, Node};

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

/// A node being walked: where it is, the automaton's state there, and its next transition to
/// try.
struct Frame<'f, S> {
    node: Node<'f>,
    state: S,
    next: usize,
}

/// Calls `found(term)` for every term of `fst` that `automaton` matches, in byte order,
/// following only transitions after which the automaton can still match. Stops at the first
/// error `found` returns.
pub fn walk<D, A, E>(
    fst: &Fst<D>,
    automaton: &A,
    mut found: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E>
where
    D: Deref<Target = [u8]>,
    A: Automaton,
{
    let (root, start) = (fst.root(), automaton.start());
    if !automaton.can_match(&start) {
        return Ok(());
    }
    if root.is_final() && automaton.is_match(&start) {
        found(&[])?;
    }
    // The term so far: one byte per frame above the root.
    let mut term: Vec<u8> = Vec::new();
    let mut stack = vec![Frame {
        node: root,
        state: start,
        next: 0,
    }];
    while let Some(top) = stack.last_mut() {
        if top.next == top.node.len() {
            stack.pop();
            term.pop();
            continue;
        }
        let transition = top.node.transition(top.next);
        top.next += 1;
        let state = automaton.accept(&top.state, transition.inp);
        if !automaton.can_match(&state) {
            continue;
        }
        let node = fst.node(transition.addr);
        term.push(transition.inp);
        if node.is_final() && automaton.is_match(&state) {
            found(&term)?;
        }
        stack.push(Frame {
            node,
            state,
            next: 0,
        });
    }
    Ok(())
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
        let mut found_any = 0;
        for segment in searcher.segment_readers() {
            let fst = term_fst(&index, segment, field).expect("an FST term dictionary");
            let inverted = segment.inverted_index(field).unwrap();
            for word in words {
                for distance in [1, 2] {
                    let automaton =
                        FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true)
                            .automaton()
                            .unwrap();
                    let mut walked = Vec::new();
                    walk(&fst, &automaton, |term| {
                        walked.push(term.to_vec());
                        Ok::<(), ()>(())
                    })
                    .unwrap();
                    let mut streamed: Vec<Vec<u8>> = Vec::new();
                    let mut stream = inverted.terms().search(&automaton).into_stream().unwrap();
                    while let Some((term, _)) = stream.next() {
                        streamed.push(term.to_vec());
                    }
                    assert_eq!(walked, streamed, "{word:?} at {distance}");
                    let mut words_only = Vec::new();
                    walk(&fst, &WordsOnly(&automaton), |term| {
                        words_only.push(term.to_vec());
                        Ok::<(), ()>(())
                    })
                    .unwrap();
                    streamed.retain(|t| {
                        t.first()
                            .is_none_or(|b| !b.is_ascii() || b.is_ascii_alphanumeric())
                    });
                    assert_eq!(words_only, streamed, "{word:?} at {distance}, words only");
                    found_any += usize::from(!walked.is_empty());
                }
            }
        }
        assert!(found_any > 20, "{found_any}");
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
