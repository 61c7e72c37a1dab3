//! attache's analysis as tantivy tokenizers.
//!
//! * [`TokensTokenizer`]: the passage's analysed fields. Indexing threads analyse each
//!   passage once, for entity recognition and for the index alike, and hand tantivy the
//!   result already analysed, in a compact text form ([`encode`]): per word, its tokens
//!   (exact form, stem, entity ids) joined by [`TOKEN_SEP`], words joined by [`WORD_SEP`],
//!   [`CLAUSE_SEP`] or [`SENTENCE_SEP`] (which leave the position gaps of
//!   `super::sentences`). Decoding it is a split, so tantivy's threads spend their time on
//!   postings. The same value feeds three fields: the passage text keeps the exact forms and
//!   entities (`attache_exact_tokens`), the stem field each word's stem and the entities
//!   (`attache_stems`), the quotes every token (`attache_tokens`).
//! * [`AttacheTokenizer`] (`attache`): short text fields given as written (title, source):
//!   the same analysis, done by tantivy.
//! * [`MetaTokenizer`] (`attache_meta`): metadata values `key\x1fvalue`, indexed as one
//!   `key:word` token per word of the value, at consecutive positions (values are names and
//!   codes, and `meta:"…"` phrases are matched word after word).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use std::ops::Range;

use super::sentences::{Break, break_between};
use super::{Analyzer, STEM_PREFIX, SpannedForm};

/// The name under which [`MetaTokenizer`] is registered.
pub const META_TOKENIZER_NAME: &str = "attache_meta";

/// Separates a metadata key from its value in a `meta` field value.
const KEY_VALUE: char = '\u{1f}';

/// Separates a metadata key from the word in metadata tokens: `country:ukr`.
pub const META_SEPARATOR: char = ':';

/// Separates the tokens of one word in an [`encode`]d value.
pub const TOKEN_SEP: char = '\u{1}';
/// Separates words in an [`encode`]d value.
pub const WORD_SEP: char = '\u{2}';
/// Separates words across a clause break in an [`encode`]d value.
pub const CLAUSE_SEP: char = '\u{3}';
/// Separates words across a sentence end in an [`encode`]d value.
pub const SENTENCE_SEP: char = '\u{4}';

/// The name under which [`TokensTokenizer`] is registered with every token (the `quote`
/// field: exact forms, stems, entities).
pub const TOKENS_TOKENIZER_NAME: &str = "attache_tokens";
/// The name under which [`TokensTokenizer`] is registered for the passage text: exact forms
/// and entities, without stems (those go to the `stem` field).
pub const EXACT_TOKENS_TOKENIZER_NAME: &str = "attache_exact_tokens";
/// The name under which [`TokensTokenizer`] is registered for the `stem` field: one token per
/// word, its stem (its exact form when that is its own stem).
pub const STEMS_TOKENIZER_NAME: &str = "attache_stems";

/// Encodes the analysed words of `text` for the text field: each word's exact form, its stem
/// token when it has one, and the extra tokens `(word numbers, prefix, name)` covering it (in
/// word order, as entity mentions are), so that every token lands at its word's position; the
/// separator between two words says which `Break` lies between them.
pub fn encode<'a>(
    text: &str,
    words: &[SpannedForm<'_>],
    extra: impl IntoIterator<Item = (Range<usize>, char, &'a str)>,
) -> String {
    let mut value = String::with_capacity(text.len() * 2);
    let mut extra = extra.into_iter().peekable();
    let mut open: Vec<(Range<usize>, char, &str)> = Vec::new();
    for (position, word) in words.iter().enumerate() {
        if position > 0 {
            let before = words[position - 1].span.clone();
            value.push(match break_between(text, before, word.span.clone()) {
                Break::None => WORD_SEP,
                Break::Clause => CLAUSE_SEP,
                Break::Sentence => SENTENCE_SEP,
            });
        }
        value.push_str(word.exact);
        if let Some(stem) = word.stem {
            value.push(TOKEN_SEP);
            value.push(STEM_PREFIX);
            value.push_str(stem);
        }
        while let Some(next) = extra.next_if(|(words, _, _)| words.start <= position) {
            open.push(next);
        }
        open.retain(|(words, _, _)| words.end > position);
        for (_, prefix, name) in &open {
            value.push(TOKEN_SEP);
            value.push(*prefix);
            value.push_str(name);
        }
    }
    value
}

/// Decodes [`encode`]d values for tantivy; see the module docs.
#[derive(Clone, Default)]
pub struct TokensTokenizer {
    tokens: TokenBuffer,
    keep: Keep,
}

/// Which of an [`encode`]d value's tokens a [`TokensTokenizer`] hands tantivy.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Keep {
    /// Every token.
    #[default]
    All,
    /// Every token but the stems.
    Exact,
    /// Per word, its stem without the prefix (its exact form when it has no stem token), then
    /// its entity tokens: as many tokens as [`Keep::Exact`] keeps, so a passage has the same
    /// length in both fields.
    Stems,
}

impl TokensTokenizer {
    /// The tokenizer of the passage text: exact forms and entity tokens.
    pub fn exact() -> TokensTokenizer {
        TokensTokenizer {
            keep: Keep::Exact,
            ..TokensTokenizer::default()
        }
    }

    /// The tokenizer of the `stem` field: each word's stem.
    pub fn stems() -> TokensTokenizer {
        TokensTokenizer {
            keep: Keep::Stems,
            ..TokensTokenizer::default()
        }
    }

    /// Hands `token`, the next of an encoded value (`first` of its word), to tantivy as
    /// `self.keep` says.
    fn take(&mut self, token: &str, first: bool, position: usize) {
        let stem = token.strip_prefix(STEM_PREFIX);
        match (self.keep, stem) {
            (Keep::All, _) | (Keep::Exact, None) => self.tokens.push(token, position),
            (Keep::Exact, Some(_)) => {}
            (Keep::Stems, _) if first => self.tokens.push(token, position),
            (Keep::Stems, Some(stem)) => self.tokens.replace_last(stem),
            (Keep::Stems, None) => self.tokens.push(token, position),
        }
    }
}

impl Tokenizer for TokensTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, value: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        // The separators are ASCII bytes, so the value is cut at char boundaries.
        const TOKEN: u8 = TOKEN_SEP as u8;
        const WORD: u8 = WORD_SEP as u8;
        const CLAUSE: u8 = CLAUSE_SEP as u8;
        const SENTENCE: u8 = SENTENCE_SEP as u8;
        let (mut position, mut start, mut first) = (0, 0, true);
        for (i, &b) in value.as_bytes().iter().enumerate() {
            let step = match b {
                TOKEN => 0,
                WORD => Break::None.step(),
                CLAUSE => Break::Clause.step(),
                SENTENCE => Break::Sentence.step(),
                _ => continue,
            };
            if i > start {
                self.take(&value[start..i], first, position);
            }
            first = step > 0;
            position += step;
            start = i + 1;
        }
        if value.len() > start {
            self.take(&value[start..], first, position);
        }
        self.tokens.stream()
    }
}

/// A metadata field value for `key` and `value`.
pub fn meta_value(key: &str, value: &str) -> String {
    format!("{key}{KEY_VALUE}{value}")
}

/// Tokenizes short text fields as written; see the module docs.
#[derive(Clone, Default)]
pub struct AttacheTokenizer {
    analyzer: Analyzer,
    recent: RecentValues,
    tokens: TokenBuffer,
}

impl Tokenizer for AttacheTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        let analyzer = &mut self.analyzer;
        let tokens = self.recent.tokens(text, |tokens| {
            analyzer.tokenize(text, tokens);
        });
        self.tokens.copy(tokens);
        self.tokens.stream()
    }
}

/// Tokenizes metadata values; see the module docs.
#[derive(Clone, Default)]
pub struct MetaTokenizer {
    analyzer: Analyzer,
    recent: RecentValues,
    tokens: TokenBuffer,
}

impl Tokenizer for MetaTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, value: &'a str) -> VecTokenStream<'a> {
        let analyzer = &mut self.analyzer;
        let tokens = self.recent.tokens(value, |tokens| {
            let Some((key, value)) = value.split_once(KEY_VALUE) else {
                return;
            };
            let mut position = 0;
            analyzer.for_each_word(value, |w| {
                tokens.push(Token {
                    offset_from: w.span.start,
                    offset_to: w.span.end,
                    position,
                    text: format!("{key}{META_SEPARATOR}{}", w.exact),
                    position_length: 1,
                });
                position += 1;
            });
        });
        self.tokens.copy(tokens);
        self.tokens.stream()
    }
}

/// The tokens of the last few values a tokenizer was given. Titles, sources and metadata
/// repeat on every passage of an article (each field has its own tokenizer, and an article has
/// a few metadata values), so they are analysed once per article.
#[derive(Clone, Default)]
struct RecentValues {
    /// (value, its tokens), at most [`RecentValues::SLOTS`] of them.
    slots: Vec<(String, Vec<Token>)>,
    /// The slot the next new value replaces.
    next: usize,
}

impl RecentValues {
    const SLOTS: usize = 8;

    /// The tokens of `value`: remembered ones, or those `fill` writes into an emptied buffer.
    fn tokens(&mut self, value: &str, fill: impl FnOnce(&mut Vec<Token>)) -> &[Token] {
        let slot = match self.slots.iter().position(|(v, _)| v == value) {
            Some(slot) => slot,
            None => {
                if self.slots.len() < Self::SLOTS {
                    self.slots.push(Default::default());
                    self.next = self.slots.len() - 1;
                }
                let slot = self.next;
                self.next = (self.next + 1) % Self::SLOTS;
                let (remembered, tokens) = &mut self.slots[slot];
                remembered.clear();
                remembered.push_str(value);
                tokens.clear();
                fill(tokens);
                slot
            }
        };
        &self.slots[slot].1
    }
}

/// A buffer of tokens that keeps its strings between values: filling it allocates only when a
/// value has more, or longer, tokens than any before.
#[derive(Clone, Default)]
struct TokenBuffer {
    tokens: Vec<Token>,
    len: usize,
}

impl TokenBuffer {
    fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends a token of one word at `position`.
    fn push(&mut self, text: &str, position: usize) {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        let slot = &mut self.tokens[self.len];
        slot.text.clear();
        slot.text.push_str(text);
        slot.position = position;
        slot.position_length = 1;
        self.len += 1;
    }

    /// Replaces the text of the last token pushed.
    fn replace_last(&mut self, text: &str) {
        if let Some(slot) = self.len.checked_sub(1).map(|last| &mut self.tokens[last]) {
            slot.text.clear();
            slot.text.push_str(text);
        }
    }

    /// Replaces the contents with copies of `tokens`.
    fn copy(&mut self, tokens: &[Token]) {
        self.clear();
        for token in tokens {
            self.push(&token.text, token.position);
            let slot = &mut self.tokens[self.len - 1];
            slot.offset_from = token.offset_from;
            slot.offset_to = token.offset_to;
            slot.position_length = token.position_length;
        }
    }

    fn stream(&mut self) -> VecTokenStream<'_> {
        VecTokenStream {
            tokens: &mut self.tokens[..self.len],
            next: 0,
        }
    }
}

/// A token stream over a buffer of tokens.
pub struct VecTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::super::sentences::SENTENCE_GAP;
    use super::*;

    fn tokens(tokenizer: &mut impl Tokenizer, value: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(value);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn encoded_words_carry_their_stems_and_entities_at_their_positions() {
        let text = "President Volodymyr Zelensky spoke";
        let mut analyzer = Analyzer::new();
        let mut buffer = Vec::new();
        let (_, words) = analyzer.exact_spans(text, &mut buffer);
        let value = encode(text, &words, [(1..3, '@', "zelensky")]);
        let got = tokens(&mut TokensTokenizer::default(), &value);
        let at = |p: usize| -> Vec<&str> {
            got.iter()
                .filter(|t| t.1 == p)
                .map(|t| t.0.as_str())
                .collect()
        };
        assert_eq!(at(0), ["president", "~presid"]);
        assert_eq!(at(1), ["volodymyr", "@zelensky"]);
        assert_eq!(at(2), ["zelensky", "~zelenski", "@zelensky"]);
        assert_eq!(at(3), ["spoke"]);
    }

    #[test]
    fn the_text_keeps_exact_forms_and_the_stem_field_one_stem_per_word_as_many_tokens() {
        let text = "President Volodymyr Zelensky spoke of wars and war";
        let mut analyzer = Analyzer::new();
        let mut buffer = Vec::new();
        let (_, words) = analyzer.exact_spans(text, &mut buffer);
        let value = encode(text, &words, [(1..3, '@', "zelensky")]);
        let texts = |got: Vec<(String, usize)>| -> Vec<String> {
            got.into_iter().map(|(t, _)| t).collect()
        };
        let exact = tokens(&mut TokensTokenizer::exact(), &value);
        let stems = tokens(&mut TokensTokenizer::stems(), &value);
        assert_eq!(
            texts(exact.clone()),
            [
                "president",
                "volodymyr",
                "@zelensky",
                "zelensky",
                "@zelensky",
                "spoke",
                "of",
                "wars",
                "and",
                "war"
            ]
        );
        // `wars` and `war` are one stem; a word that is its own stem stands as itself.
        assert_eq!(
            texts(stems.clone()),
            [
                "presid",
                "volodymyr",
                "@zelensky",
                "zelenski",
                "@zelensky",
                "spoke",
                "of",
                "war",
                "and",
                "war"
            ]
        );
        // Same positions, same count: a passage is as long in both fields.
        let positions = |got: &[(String, usize)]| got.iter().map(|t| t.1).collect::<Vec<_>>();
        assert_eq!(positions(&exact), positions(&stems));
    }

    #[test]
    fn encoding_gives_the_same_tokens_as_analysing_the_text() {
        let text = "Ukraine’s security guarantees — Kyïv, 28-point plan. The U.S. delegation \
                    (led by J. F. Kelly) left; at first glance... nothing. “We agree,” he said.";
        let mut analyzer = Analyzer::new();
        let mut buffer = Vec::new();
        let (_, words) = analyzer.exact_spans(text, &mut buffer);
        let decoded = tokens(&mut TokensTokenizer::default(), &encode(text, &words, []));
        let analysed = tokens(&mut AttacheTokenizer::default(), text);
        assert_eq!(decoded, analysed);
        let at = |word: &str| decoded.iter().find(|t| t.0 == word).unwrap().1;
        // Words of a clause are adjacent; a clause break leaves one position, a sentence end
        // more than any slop.
        assert_eq!(at("security") + 1, at("guarantees"));
        assert_eq!(at("guarantees") + 2, at("kyiv"));
        assert_eq!(at("28") + 1, at("point"));
        assert_eq!(at("plan") + 1 + SENTENCE_GAP, at("the"));
        assert_eq!(at("u") + 1, at("s"));
        assert_eq!(at("s") + 1, at("delegation"));
        assert_eq!(at("delegation") + 2, at("led"));
        assert_eq!(at("j") + 2, at("kelly"));
        assert_eq!(at("glance") + 2, at("nothing"));
        assert_eq!(at("nothing") + 1 + SENTENCE_GAP, at("we"));
    }

    #[test]
    fn metadata_values_become_key_word_tokens() {
        let got = tokens(
            &mut MetaTokenizer::default(),
            &meta_value("speaker", "Volodymyr Zelenskyy"),
        );
        assert_eq!(
            got,
            [
                ("speaker:volodymyr".to_owned(), 0),
                ("speaker:zelenskyy".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn repeated_values_give_the_same_tokens_whatever_came_between() {
        let mut tokenizer = MetaTokenizer::default();
        let values: Vec<String> = (0..10)
            .map(|i| meta_value("country", &format!("Land{i} Kyïv")))
            .collect();
        let first: Vec<_> = values.iter().map(|v| tokens(&mut tokenizer, v)).collect();
        for (value, expected) in values.iter().zip(&first).rev() {
            assert_eq!(&tokens(&mut tokenizer, value), expected);
        }
        assert_eq!(
            first[3],
            [
                ("country:land3".to_owned(), 0),
                ("country:kyiv".to_owned(), 1)
            ]
        );

        // A consumer that rewrites tokens does not change what the next stream gives.
        let mut title = AttacheTokenizer::default();
        let mut stream = title.token_stream("Security guarantees");
        while stream.advance() {
            stream.token_mut().text.push('!');
        }
        assert_eq!(
            tokens(&mut title, "Security guarantees"),
            tokens(&mut AttacheTokenizer::default(), "Security guarantees")
        );
        assert_eq!(tokens(&mut title, "")[..], []);
    }

    #[test]
    fn decoding_keeps_empty_words_as_positions() {
        let value = format!("a{WORD_SEP}{WORD_SEP}b{TOKEN_SEP}~b{TOKEN_SEP}");
        assert_eq!(
            tokens(&mut TokensTokenizer::default(), &value),
            [
                ("a".to_owned(), 0),
                ("b".to_owned(), 2),
                ("~b".to_owned(), 2)
            ]
        );
    }
}
