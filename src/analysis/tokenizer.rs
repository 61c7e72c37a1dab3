//! attache's analysis as tantivy tokenizers, so tantivy's indexing threads tokenize the text
//! fields themselves (no pre-tokenized values to serialize and copy).
//!
//! * [`AttacheTokenizer`] (`attache`): the text, title and source fields. A value may carry
//!   extra tokens after an [`ANNOTATION`] separator — `text\0start end token\0…` — each indexed
//!   at word positions `start..end` of the text; entity ids travel this way.
//! * [`MetaTokenizer`] (`attache_meta`): metadata values `key\x1fvalue`, indexed as one
//!   `key:word` token per word of the value.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::{ANNOTATION, Analyzer};

/// The name under which [`MetaTokenizer`] is registered.
pub const META_TOKENIZER_NAME: &str = "attache_meta";

/// Separates a metadata key from its value in a `meta` field value.
const KEY_VALUE: char = '\u{1f}';

/// Separates a metadata key from the word in metadata tokens: `country:ukr`.
pub const META_SEPARATOR: char = ':';

/// A text field value carrying extra tokens: `(word positions, prefix, name)` triples in
/// position order, each indexed as the token `prefix` + `name`. `ANNOTATION` characters inside
/// `text` become spaces.
pub fn annotate<'a>(
    text: &str,
    extra: impl IntoIterator<Item = (std::ops::Range<usize>, char, &'a str)>,
) -> String {
    use std::fmt::Write;
    let mut value = String::with_capacity(text.len() + 64);
    if text.contains(ANNOTATION) {
        value.push_str(&text.replace(ANNOTATION, " "));
    } else {
        value.push_str(text);
    }
    for (words, prefix, name) in extra {
        let _ = write!(
            value,
            "{ANNOTATION}{} {} {prefix}{name}",
            words.start, words.end
        );
    }
    value
}

/// A metadata field value for `key` and `value`.
pub fn meta_value(key: &str, value: &str) -> String {
    format!("{key}{KEY_VALUE}{value}")
}

/// Tokenizes attache's text fields; see the module docs.
#[derive(Clone, Default)]
pub struct AttacheTokenizer {
    analyzer: Analyzer,
    tokens: Vec<Token>,
    /// Annotation tokens of the previous value, kept for their allocations.
    spare: Vec<Token>,
    /// How many of `tokens` are word tokens (the rest are annotations).
    word_tokens: usize,
}

impl Tokenizer for AttacheTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, value: &'a str) -> VecTokenStream<'a> {
        let mut parts = value.split(ANNOTATION);
        let text = parts.next().unwrap_or("");
        // The previous value's annotation tokens go to `spare` before `tokenize` truncates.
        let from = self.word_tokens.min(self.tokens.len());
        self.spare.extend(self.tokens.drain(from..));
        self.analyzer.tokenize(text, &mut self.tokens);
        self.word_tokens = self.tokens.len();
        for extra in parts {
            let mut fields = extra.splitn(3, ' ');
            let (Some(start), Some(end), Some(token)) = (
                fields.next().and_then(|n| n.parse::<usize>().ok()),
                fields.next().and_then(|n| n.parse::<usize>().ok()),
                fields.next(),
            ) else {
                continue;
            };
            for position in start..end {
                let mut reused = self.spare.pop().unwrap_or_default();
                reused.text.clear();
                reused.text.push_str(token);
                reused.position = position;
                reused.position_length = 1;
                self.tokens.push(reused);
            }
        }
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// Tokenizes metadata values; see the module docs.
#[derive(Clone, Default)]
pub struct MetaTokenizer {
    analyzer: Analyzer,
    tokens: Vec<Token>,
}

impl Tokenizer for MetaTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, value: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        if let Some((key, value)) = value.split_once(KEY_VALUE) {
            let tokens = &mut self.tokens;
            let mut position = 0;
            self.analyzer.for_each_word(value, |w| {
                tokens.push(Token {
                    offset_from: w.span.start,
                    offset_to: w.span.end,
                    position,
                    text: format!("{key}{META_SEPARATOR}{}", w.exact),
                    position_length: 1,
                });
                position += 1;
            });
        }
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// A token stream over a buffer of tokens.
pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
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
    fn annotated_tokens_join_the_words_at_their_positions() {
        let value = annotate(
            "President Volodymyr Zelensky spoke",
            [(1..3, '@', "zelensky")],
        );
        let got = tokens(&mut AttacheTokenizer::default(), &value);
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
    fn a_separator_inside_the_text_cannot_forge_tokens() {
        let value = annotate("a\u{0}0 1 @forged b", []);
        let got = tokens(&mut AttacheTokenizer::default(), &value);
        assert!(got.iter().all(|t| !t.0.starts_with('@')), "{got:?}");
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
}
