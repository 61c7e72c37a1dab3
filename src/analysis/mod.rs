//! Text analysis: one definition of "a word" shared by indexing, querying and highlighting.
//!
//! A word is a run of Unicode letters and digits; an apostrophe (`'` or `’`) between two of them
//! stays inside the word (`Ukraine’s`, `don't`). Each word is normalised once into its **exact**
//! form — lowercased, diacritics folded (`Kyïv` → `kyiv`, `Côte` → `cote`), `’` → `'` — and its
//! English **stem** (`guarantees` → `guarante`).
//!
//! In short fields (title, source, quotes) both forms are indexed at the word's position in
//! the same field: the exact form as is, the stem with [`STEM_PREFIX`] and only when it
//! differs from the exact form (see [`Analyzer::term_forms`]). The passage text keeps the exact
//! forms with positions and gives every word's stem to a field of its own, without positions
//! (`tokenizer::TokensTokenizer`), so an unquoted word reads one posting list. Either way a
//! quoted phrase matches exact words in order (`"security guarantee"` does not match
//! `security guarantees`), while an unquoted word matches every word sharing its stem. Later
//! stages add more tokens at the same positions (entity ids), which is why positions are
//! explicit rather than counted by tantivy.
//!
//! Positions leave gaps where `sentences` finds a break between two words: one empty
//! position at a clause break (`,` `;` `:` brackets, dashes), `sentences::SENTENCE_GAP` at a
//! sentence end. So an exact phrase never bridges a clause, and no sloppy phrase bridges a
//! sentence; hyphens and apostrophes join (`two-State`, `Ukraine’s`). Queries are analysed
//! the same way ([`Word::position`]), so a phrase typed with its comma still matches.
//!
//! Normalising and stemming cost more than everything else in indexing, so an [`Analyzer`]
//! remembers the forms of every distinct spelling it has seen: each is stemmed once, not once per
//! occurrence.

pub mod passages;
pub(crate) mod sentences;
pub(crate) mod tokenizer;

pub use tokenizer::{
    AttacheTokenizer, EXACT_TOKENS_TOKENIZER_NAME, META_SEPARATOR, META_TOKENIZER_NAME,
    MetaTokenizer, STEMS_TOKENIZER_NAME, TOKENS_TOKENIZER_NAME, TokensTokenizer, encode,
    meta_value,
};

use std::ops::Range;

use rustc_hash::FxHashMap;

use sentences::break_between;

use tantivy::tokenizer::{AsciiFoldingFilter, RawTokenizer, TextAnalyzer, Token, TokenStream};

/// Marks a stem token, so stems never collide with exact words in the same field.
pub const STEM_PREFIX: char = '~';
const STEM_PREFIX_STR: &str = "~";

/// The name under which the tantivy tokenizer for attache's text fields is registered.
pub const TOKENIZER_NAME: &str = "attache";

/// Beyond this many distinct spellings the cache starts afresh, bounding its memory.
const CACHE_LIMIT: usize = 1 << 19;

/// The normalised forms of one spelling.
#[derive(Debug, Clone)]
struct Forms {
    exact: Box<str>,
    stem: Option<Box<str>>,
}

/// Turns text into words and their normalised forms; cheap to clone, one per thread.
#[derive(Clone)]
pub struct Analyzer {
    stemmer: frostem::Stemmer,
    folder: TextAnalyzer,
    /// Spelling → index into `forms`, for spellings of up to 15 bytes (nearly all words),
    /// packed into one integer so a lookup hashes and compares a single value.
    short: FxHashMap<u128, u32>,
    /// The same for longer spellings.
    cache: FxHashMap<Box<str>, u32>,
    forms: Vec<Forms>,
    /// Bumped whenever the cache is cleared, so form indices of an older generation are
    /// known to be stale.
    generation: u64,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("cached", &self.forms.len())
            .finish()
    }
}

/// A word as [`Analyzer::exact_spans`] gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpannedForm<'s> {
    /// Byte range in the text.
    pub span: Range<usize>,
    /// Exact form.
    pub exact: &'s str,
    /// English stem, when it differs from `exact`.
    pub stem: Option<&'s str>,
    /// Index of the spelling in the analyzer's cache.
    pub form: u32,
}

/// A word of the text: where it is and its normalised forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    /// Byte range of the word in the analysed text.
    pub span: Range<usize>,
    /// Lowercased, diacritic-folded form.
    pub exact: &'a str,
    /// English stem, when it differs from `exact`.
    pub stem: Option<&'a str>,
    /// The word's position: the first word is at 0, and each word after the one before by
    /// the `sentences::Break::step` between them.
    pub position: usize,
}

impl Analyzer {
    /// A new analyzer with an empty cache.
    pub fn new() -> Analyzer {
        Analyzer {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            folder: TextAnalyzer::builder(RawTokenizer::default())
                .filter(AsciiFoldingFilter)
                .build(),
            short: FxHashMap::default(),
            cache: FxHashMap::default(),
            forms: Vec::new(),
            generation: 0,
        }
    }

    /// Calls `f` with each word of `text`, in order.
    pub fn for_each_word(&mut self, text: &str, f: impl FnMut(Word<'_>)) {
        self.for_each_word_of(text, &Initials::all(), f);
    }

    /// [`Analyzer::for_each_word`], looking up the forms only of the words whose folded form
    /// may start with one of `initials`: the others are passed with `exact` empty and no stem,
    /// at their positions. A word written with an ASCII letter or digit first folds to that
    /// character lowercased, and its stem starts with it too; a word opening with another
    /// character is always looked up.
    pub fn for_each_word_of(
        &mut self,
        text: &str,
        initials: &Initials,
        mut f: impl FnMut(Word<'_>),
    ) {
        let mut position = 0;
        let mut before: Option<Range<usize>> = None;
        for span in word_spans(text) {
            let first = text.as_bytes()[span.start];
            if first.is_ascii() && !initials.has(first.to_ascii_lowercase()) {
                if let Some(before) = before.replace(span.clone()) {
                    position += break_between(text, before, span.clone()).step();
                }
                f(Word {
                    span,
                    exact: "",
                    stem: None,
                    position,
                });
                continue;
            }
            self.bound_cache();
            let index = self.form_index(&text[span.clone()]) as usize;
            // A word of marks that fold away (a tatweel, a point alone) is no word.
            if self.forms[index].exact.is_empty() {
                continue;
            }
            if let Some(before) = before.replace(span.clone()) {
                position += break_between(text, before, span.clone()).step();
            }
            let forms = &self.forms[index];
            f(Word {
                span,
                exact: &forms.exact,
                stem: forms.stem.as_deref(),
                position,
            });
        }
    }

    /// The words of `text` as (byte range, exact form, form index), borrowing the forms from
    /// the analyzer's cache: no allocation per word once spellings are known. A form index
    /// names a distinct spelling within the returned cache generation (the cache starts afresh
    /// when it grows too large, and the generation changes then). Entity recognition and the
    /// index read the same words this way, so what the recogniser is scored on
    /// (`entity_eval`) is what indexing finds.
    pub fn exact_spans<'s>(
        &'s mut self,
        text: &str,
        spans: &mut Vec<(Range<usize>, u32)>,
    ) -> (u64, Vec<SpannedForm<'s>>) {
        // The cache is only ever cleared before any index into it is taken.
        self.bound_cache();
        spans.clear();
        for span in word_spans(text) {
            let form = self.form_index(&text[span.clone()]);
            if !self.forms[form as usize].exact.is_empty() {
                spans.push((span, form));
            }
        }
        let words = spans
            .iter()
            .map(|(span, i)| {
                let forms = &self.forms[*i as usize];
                SpannedForm {
                    span: span.clone(),
                    exact: &forms.exact,
                    stem: forms.stem.as_deref(),
                    form: *i,
                }
            })
            .collect();
        (self.generation, words)
    }

    fn bound_cache(&mut self) {
        if self.forms.len() >= CACHE_LIMIT {
            self.short.clear();
            self.cache.clear();
            self.forms.clear();
            self.generation += 1;
        }
    }

    /// The words of `text` as owned (exact, stem) pairs; used for short query strings.
    pub fn words(&mut self, text: &str) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        self.for_each_word(text, |w| {
            out.push((w.exact.to_owned(), w.stem.map(str::to_owned)))
        });
        out
    }

    /// Fills `tokens` (replacing its contents, reusing its strings) with the index tokens of
    /// `text`: per word, the exact form and, when it differs, the prefixed stem, both at the
    /// word's position. Returns the number of words.
    pub fn tokenize(&mut self, text: &str, tokens: &mut Vec<Token>) -> usize {
        let mut len = 0;
        let mut words = 0;
        self.for_each_word(text, |w| {
            push_token(tokens, &mut len, w.exact, "", w.span.clone(), w.position);
            if let Some(stem) = w.stem {
                push_token(tokens, &mut len, stem, STEM_PREFIX_STR, w.span, w.position);
            }
            words += 1;
        });
        tokens.truncate(len);
        words
    }

    /// The index tokens an unquoted query word may match: every indexed word with the same
    /// stem carries either the stem token or, when the word is its own stem, the stem itself.
    pub fn term_forms(&mut self, exact: &str, stem: Option<&str>) -> Vec<String> {
        let stem = stem.unwrap_or(exact);
        let mut forms = Vec::with_capacity(2);
        if self.forms(stem).stem.is_none() {
            forms.push(stem.to_owned());
        }
        forms.push(stem_token(stem));
        forms
    }

    fn forms(&mut self, raw: &str) -> &Forms {
        self.bound_cache();
        let index = self.form_index(raw);
        &self.forms[index as usize]
    }

    /// The index of a spelling's forms, computing them on first sight. Never clears the cache.
    fn form_index(&mut self, raw: &str) -> u32 {
        if let Some(key) = short_key(raw) {
            if let Some(&i) = self.short.get(&key) {
                return i;
            }
            let index = self.push_forms(raw);
            self.short.insert(key, index);
            return index;
        }
        if let Some(&i) = self.cache.get(raw) {
            return i;
        }
        let index = self.push_forms(raw);
        self.cache.insert(raw.into(), index);
        index
    }

    fn push_forms(&mut self, raw: &str) -> u32 {
        let forms = self.compute(raw);
        self.forms.push(forms);
        (self.forms.len() - 1) as u32
    }

    /// The exact forms of the words of `text`, without stemming: for keys and lookups that
    /// never need stems (gazetteer aliases), where stemming would be most of the cost.
    pub fn exact_words(&mut self, text: &str) -> Vec<String> {
        word_spans(text)
            .map(|span| self.fold(&text[span]))
            .filter(|word| !word.is_empty())
            .collect()
    }

    /// Lowercases and folds diacritics (Greek accents too); `’` becomes `'`, a final sigma `ς`
    /// a sigma `σ`. The
    /// Turkish capital `İ` lowercases to `i` and a combining dot above (U+0307), which folding
    /// keeps: the dot is dropped, so that `İstanbul` is `Istanbul` and `TÜRKİYE` is `Türkiye`.
    fn fold(&mut self, raw: &str) -> String {
        if raw.is_ascii() {
            return raw.to_ascii_lowercase();
        }
        // A final sigma is a sigma: `σοφοσ` typed with the medial form finds `σοφος`, as
        // `ΣΟΦΟΣ` does (Unicode case folding does the same).
        // A Hebrew acronym's mark is the gershayim however typed (`"`, `״`), its geresh an
        // apostrophe.
        let mut lower: String = raw.to_lowercase();
        if lower.chars().any(folds_away) {
            lower.retain(|c| !folds_away(c));
        }
        // Half-width katakana are the full-width ones (`ｶﾞ` = `ガ`), and a kana with a
        // combining voicing mark its voiced letter.
        if lower
            .chars()
            .any(|c| matches!(c, '\u{FF61}'..='\u{FF9F}' | '\u{3099}' | '\u{309A}'))
        {
            use unicode_normalization::UnicodeNormalization;
            lower = lower.nfkc().collect();
        }
        let mut lower = lower
            .replace('’', "'")
            .replace('"', "\u{5f4}")
            .replace('\u{5f3}', "'")
            .replace("i\u{307}", "i")
            .replace('ς', "σ");
        // Greek accents and breathings fold as Latin diacritics do (`λόγος` = `λογοσ`), which
        // the folding filter below leaves to other scripts.
        if lower.chars().any(is_greek) {
            use unicode_normalization::UnicodeNormalization;
            use unicode_normalization::char::is_combining_mark;
            lower = lower
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .nfc()
                .collect();
        }
        let mut folded = String::with_capacity(lower.len());
        let mut stream = self.folder.token_stream(&lower);
        while let Some(token) = stream.next() {
            folded.push_str(&token.text);
        }
        folded
    }

    fn compute(&mut self, raw: &str) -> Forms {
        let exact = self.fold(raw);
        let stem = self.stemmer.stem(&exact);
        let stem = (stem != exact).then(|| stem.into_owned().into_boxed_str());
        Forms {
            exact: exact.into_boxed_str(),
            stem,
        }
    }
}

/// Whether `c` is a Greek letter (the Greek and Coptic block, and Greek Extended's accented
/// letters).
fn is_greek(c: char) -> bool {
    matches!(c, '\u{370}'..='\u{3ff}' | '\u{1f00}'..='\u{1fff}')
}

/// A spelling of up to 15 bytes as one integer: its bytes, then its length in the last byte
/// (so no two spellings share a key).
fn short_key(raw: &str) -> Option<u128> {
    let bytes = raw.as_bytes();
    if bytes.len() >= 16 {
        return None;
    }
    let mut key = [0u8; 16];
    key[..bytes.len()].copy_from_slice(bytes);
    key[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(key))
}

/// Writes token number `*len` of `tokens`, reusing the string already there.
fn push_token(
    tokens: &mut Vec<Token>,
    len: &mut usize,
    text: &str,
    prefix: &str,
    span: Range<usize>,
    position: usize,
) {
    if *len == tokens.len() {
        tokens.push(Token::default());
    }
    let token = &mut tokens[*len];
    token.text.clear();
    token.text.push_str(prefix);
    token.text.push_str(text);
    token.offset_from = span.start;
    token.offset_to = span.end;
    token.position = position;
    token.position_length = 1;
    *len += 1;
}

/// The ASCII characters a set of folded words may start with (see
/// [`Analyzer::for_each_word_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Initials(u128);

impl Initials {
    /// Every character: every word is looked up.
    pub fn all() -> Initials {
        Initials(u128::MAX)
    }

    /// The first characters of `words` (folded forms, or stem tokens, whose prefix is
    /// skipped).
    pub fn of<'w>(words: impl IntoIterator<Item = &'w str>) -> Initials {
        let mut set = 0u128;
        for word in words {
            let word = word.strip_prefix(STEM_PREFIX).unwrap_or(word);
            if let Some(&b) = word.as_bytes().first().filter(|b| b.is_ascii()) {
                set |= 1 << b;
            }
        }
        Initials(set)
    }

    fn has(self, b: u8) -> bool {
        b < 128 && self.0 & (1 << b) != 0
    }
}

/// The index token of a stem.
pub fn stem_token(stem: &str) -> String {
    let mut s = String::with_capacity(stem.len() + 1);
    s.push(STEM_PREFIX);
    s.push_str(stem);
    s
}

/// What a byte tells about words: an ASCII letter or digit, another ASCII byte, or part of a
/// multi-byte character (decoded to tell).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    Word,
    Other,
    NonAscii,
}

static BYTE_CLASS: [ByteClass; 256] = {
    let mut table = [ByteClass::NonAscii; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = if (b as u8).is_ascii_alphanumeric() {
            ByteClass::Word
        } else {
            ByteClass::Other
        };
        b += 1;
    }
    table
};

/// Byte ranges of the words of `text`.
pub fn word_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let class = |at: usize| BYTE_CLASS[usize::from(bytes[at])];
    let mut next = 0;
    std::iter::from_fn(move || {
        // A local copy, which the compiler keeps in a register through the loops.
        let mut at = next;
        // Skip to the next word character; ASCII bytes are judged without decoding.
        loop {
            while at < bytes.len() && class(at) == ByteClass::Other {
                at += 1;
            }
            if at == bytes.len() {
                next = at;
                return None;
            }
            if class(at) == ByteClass::Word {
                break;
            }
            let c = text[at..].chars().next().expect("a char boundary");
            if c.is_alphanumeric() {
                if unspaced(c) {
                    // The letter and the marks written on it (a Thai tone mark, a vowel sign,
                    // a kana voicing mark): one written letter, one word.
                    next = at + c.len_utf8();
                    while let Some(m) = text[next..].chars().next().filter(|&m| marks_letter(m)) {
                        next += m.len_utf8();
                    }
                    return Some(at..next);
                }
                break;
            }
            at += c.len_utf8();
        }
        let start = at;
        loop {
            while at < bytes.len() && class(at) == ByteClass::Word {
                at += 1;
            }
            if at == bytes.len() {
                break;
            }
            if class(at) == ByteClass::Other {
                if bytes[at] == b'\'' && next_is_word_char(text, at + 1)
                    || bytes[at] == b'"' && in_hebrew_acronym(text, at, '"')
                {
                    at += 1;
                    continue;
                }
                break;
            }
            let c = text[at..].chars().next().expect("a char boundary");
            let joins = (c.is_alphanumeric() && !unspaced(c))
                || marks_letter(c)
                || (c == '’' && next_is_word_char(text, at + c.len_utf8()))
                || in_hebrew_acronym(text, at, c)
                || (inside_word(c) && next_is_word_char(text, at + c.len_utf8()))
                || (is_armenian_mark(c) && text[..at].chars().next_back().is_some_and(is_armenian));
            if !joins {
                break;
            }
            at += c.len_utf8();
        }
        next = at;
        Some(start..at)
    })
}

/// Whether `c` is a letter of a script written without spaces between its words (Chinese,
/// Japanese, Thai, Lao, Khmer, Myanmar) or whose words carry their particles (Korean). Such a
/// letter is a word by itself, never joined to its neighbours: a query word in these scripts is
/// then a phrase of its letters, and finds them in a row inside a longer run of text, as
/// Lucene's standard tokenizer does with ideographs (a run of them, read as one word, could only
/// be found whole).
pub(crate) fn unspaced(c: char) -> bool {
    matches!(
        c,
        // Thai, Lao; Myanmar; Hangul Jamo; Khmer.
        '\u{0E00}'..='\u{0EFF}'
            | '\u{1000}'..='\u{109F}'
            | '\u{1100}'..='\u{11FF}'
            | '\u{1780}'..='\u{17FF}'
            // CJK radicals; the iteration marks and ideographic numbers (々 〆 〇 〡…); kana;
            // Hangul compatibility jamo; katakana extensions.
            | '\u{2E80}'..='\u{2FDF}'
            | '\u{3005}'..='\u{3007}'
            | '\u{3021}'..='\u{3029}'
            | '\u{3031}'..='\u{3035}'
            | '\u{3038}'..='\u{303C}'
            | '\u{3040}'..='\u{30FF}'
            | '\u{3130}'..='\u{318F}'
            | '\u{31F0}'..='\u{31FF}'
            // CJK ideographs and extension A; Hangul Jamo extension A; Hangul syllables and
            // Jamo extension B; compatibility ideographs; halfwidth katakana; extensions B on.
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{A960}'..='\u{A97F}'
            | '\u{AC00}'..='\u{D7FF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FF66}'..='\u{FF9F}'
            | '\u{20000}'..='\u{3FFFF}'
    )
}

/// Whether `c` is written on the letter before it rather than beside it: a combining mark
/// of any script (a Devanagari virama, a Thai vowel sign or tone mark, a Myanmar or Khmer
/// sign, a kana voicing mark), or a half-width kana voicing mark. It belongs to the word of
/// that letter, and in a script without spaces makes one word with it: without it
/// `प्रधानमंत्री` fell apart at each virama, and `ป่า` (forest) was `ปา`, as `ป้า` (aunt) was.
fn marks_letter(c: char) -> bool {
    !c.is_ascii()
        && (matches!(c, '\u{FF9E}' | '\u{FF9F}')
            || unicode_normalization::char::is_combining_mark(c))
}

/// Whether `c` is invisible inside a word and joins the letters around it: the zero-width
/// non-joiner and joiner (Persian `می‌خواهم`, Indic conjuncts), the word joiner and a soft
/// hyphen. Folding drops it, so a word is found however it was typed.
fn inside_word(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200C}' | '\u{200D}' | '\u{2060}')
}

/// The Armenian emphasis, exclamation and question marks (`՛` `՜` `՞`), written over the
/// stressed vowel inside or at the end of a word (`ինչո՞ւ`): part of the word, dropped by
/// folding.
fn is_armenian_mark(c: char) -> bool {
    // Not the Armenian comma `՝` (U+055D) between them, which breaks a clause.
    matches!(c, '\u{55B}' | '\u{55C}' | '\u{55E}')
}

fn is_armenian(c: char) -> bool {
    matches!(c, '\u{531}'..='\u{556}' | '\u{561}'..='\u{587}')
}

/// Whether `c` is dropped when a word is folded: Arabic vowel marks (harakat, shadda, sukun,
/// the superscript alef, Quranic marks) and the tatweel, Hebrew points and cantillation, the
/// Armenian marks of [`is_armenian_mark`], and the invisible joiners of [`inside_word`]. Text
/// is mostly written without them, so a word typed plain finds its vocalised spelling and
/// the other way round.
fn folds_away(c: char) -> bool {
    matches!(c,
        '\u{610}'..='\u{61A}'
        | '\u{640}'
        | '\u{64B}'..='\u{65F}'
        | '\u{670}'
        | '\u{6D6}'..='\u{6DC}'
        | '\u{6DF}'..='\u{6E8}'
        | '\u{6EA}'..='\u{6ED}'
        | '\u{591}'..='\u{5BD}'
        | '\u{5BF}'
        | '\u{5C1}'..='\u{5C2}'
        | '\u{5C4}'..='\u{5C5}'
        | '\u{5C7}'
    ) || is_armenian_mark(c)
        || inside_word(c)
}

/// Whether `c`, at byte `at` of `text`, marks a Hebrew acronym or abbreviation: a gershayim
/// (`צה״ל`, `ארה״ב`; typed `"` on most keyboards) or a geresh between two Hebrew letters. It
/// belongs to the word, as an apostrophe does, and opens no quotation or phrase.
pub fn in_hebrew_acronym(text: &str, at: usize, c: char) -> bool {
    matches!(c, '"' | '\u{5f4}' | '\u{5f3}')
        && text[..at].chars().next_back().is_some_and(is_hebrew)
        && text[at + c.len_utf8()..]
            .chars()
            .next()
            .is_some_and(is_hebrew)
}

/// Whether `c` is a Hebrew letter or vowel point.
fn is_hebrew(c: char) -> bool {
    matches!(c, '\u{5b0}'..='\u{5bd}' | '\u{5c1}' | '\u{5c2}' | '\u{5d0}'..='\u{5ea}' | '\u{5f0}'..='\u{5f2}')
}

/// Whether a letter or digit starts at byte `at` of `text`.
fn next_is_word_char(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| c.is_alphanumeric() && !unspaced(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_other_initials_keep_their_positions_without_forms() {
        let text = "Dying peace. Skies, Élan and 'quoted' Ukraine's 1990s (two-State) Кремль";
        let mut analyzer = Analyzer::new();
        let mut all = Vec::new();
        analyzer.for_each_word(text, |w| {
            all.push((
                w.span,
                w.exact.to_owned(),
                w.stem.map(str::to_owned),
                w.position,
            ))
        });
        let initials = Initials::of(["~die", "sky", "ukrain"]);
        let mut some = Vec::new();
        analyzer.for_each_word_of(text, &initials, |w| {
            some.push((
                w.span,
                w.exact.to_owned(),
                w.stem.map(str::to_owned),
                w.position,
            ))
        });
        assert_eq!(all.len(), some.len());
        for (a, s) in all.iter().zip(&some) {
            // Same word, same position; its forms only when its first letter may match.
            assert_eq!((&a.0, a.3), (&s.0, s.3));
            let first = text.as_bytes()[a.0.start];
            if !first.is_ascii() || b"dsu".contains(&first.to_ascii_lowercase()) {
                assert_eq!((&a.1, &a.2), (&s.1, &s.2), "{}", &text[a.0.clone()]);
            } else {
                assert_eq!((s.1.as_str(), &s.2), ("", &None), "{}", &text[a.0.clone()]);
            }
        }
        // A stem starts as its word does, also where the stem's second letter differs.
        assert_eq!(all[0].2.as_deref(), Some("die"));
    }

    fn exact_words(text: &str) -> Vec<String> {
        Analyzer::new()
            .words(text)
            .into_iter()
            .map(|w| w.0)
            .collect()
    }

    #[test]
    fn words_keep_inner_apostrophes_and_split_on_punctuation() {
        assert_eq!(
            exact_words("Ukraine’s 28-point plan — “productive,” U.S. don't 'quoted'"),
            [
                "ukraine's",
                "28",
                "point",
                "plan",
                "productive",
                "u",
                "s",
                "don't",
                "quoted"
            ]
        );
    }

    #[test]
    fn the_turkish_capital_dotted_i_folds_to_i() {
        assert_eq!(
            exact_words("İstanbul TÜRKİYE İzmir"),
            exact_words("Istanbul Türkiye Izmir")
        );
        assert_eq!(exact_words("İstanbul"), ["istanbul"]);
    }

    /// `σοφοσ` typed with a medial sigma at the end did not find `σοφος`; `ΣΟΦΟΣ` found both.
    #[test]
    fn letters_of_scripts_without_spaces_are_words_of_their_own() {
        // Chinese, Japanese kana and kanji, Korean syllables, Thai: a letter a word, with the
        // vowel signs and tone marks written on it; digits, Latin and Cyrillic words beside
        // them stay whole; punctuation is no word.
        assert_eq!(
            exact_words(
                "习近平会见普京。東京でプーチン大統領 서울에서 กรุงเทพ่ 2025年NATO峰会 Київ和"
            ),
            [
                "习", "近", "平", "会", "见", "普", "京", "東", "京", "で", "プ", "ー", "チ", "ン",
                "大", "統", "領", "서", "울", "에", "서", "ก", "รุ", "ง", "เ", "ท", "พ่", "2025",
                "年", "nato", "峰", "会", "київ", "和"
            ]
        );
        // An apostrophe joins Latin letters only.
        assert_eq!(exact_words("Xi's 习'近"), ["xi's", "习", "近"]);
    }

    /// `ป่า` (forest) and `ป้า` (aunt) were one word: the tone marks, no letters, were
    /// dropped. A Hindi word fell apart at each virama.
    #[test]
    fn marks_written_on_a_letter_stay_with_it() {
        assert_ne!(exact_words("ป่า"), exact_words("ป้า"));
        assert_eq!(exact_words("ป่าไม้"), ["ป่", "า", "ไ", "ม้"]);
        assert_eq!(exact_words("प्रधानमंत्री मोदी"), ["प्रधानमंत्री", "मोदी"]);
        assert_eq!(exact_words("ລາວ່"), ["ລ", "າ", "ວ່"]);
    }

    /// `ինչո՞ւ` was two words, `ինչո` and `ւ`, which a query typed without the mark missed.
    #[test]
    fn armenian_marks_inside_words_are_ignored() {
        assert_eq!(
            exact_words("Ինչո՞ւ ես եկել: Այո՛"),
            ["ինչու", "ես", "եկել", "այո"]
        );
        // Elsewhere the marks are no word and join nothing; the Armenian comma is no mark.
        assert_eq!(exact_words("a՞b"), ["a", "b"]);
        assert_eq!(exact_words("ասաց՝ բարև"), ["ասաց", "բարև"]);
    }

    /// A vocalised Arabic or Hebrew word is its plain spelling: text is mostly written without
    /// the marks, and a query typed plain found none of the marked spellings.
    #[test]
    fn arabic_harakat_and_hebrew_points_fold_away() {
        assert_eq!(exact_words("السَّلَامُ عَلَيْكُمْ"), exact_words("السلام عليكم"));
        assert_eq!(exact_words("القـــدس"), ["القدس"]);
        assert_eq!(exact_words("שָׁלוֹם יְרוּשָׁלַיִם"), ["שלום", "ירושלים"]);
    }

    /// A tatweel or a point alone folds to nothing: no word (it was an empty word, which a
    /// query searched for and found nowhere, where a mark that was no word got "no letters").
    #[test]
    fn marks_alone_are_no_word() {
        assert!(exact_words("ـ ّ ּ ՞").is_empty());
        assert_eq!(exact_words("peace ـ talks"), ["peace", "talks"]);
        let mut analyzer = Analyzer::new();
        assert_eq!(analyzer.exact_words("ـ peace"), ["peace"]);
        let mut spans = Vec::new();
        let (_, words) = analyzer.exact_spans("ـ peace", &mut spans);
        assert_eq!(words.len(), 1);
    }

    /// Half-width katakana (`ﾌﾟｰﾁﾝ`) found nothing written full-width (`プーチン`).
    #[test]
    fn half_width_kana_are_full_width() {
        assert_eq!(exact_words("ﾌﾟｰﾁﾝ"), exact_words("プーチン"));
        assert_eq!(exact_words("ｶﾞ"), ["ガ"]);
        // A combining voicing mark makes the voiced letter.
        assert_eq!(exact_words("カ\u{3099}"), ["ガ"]);
    }

    /// The zero-width non-joiner inside a Persian word split it in two.
    #[test]
    fn invisible_joiners_and_soft_hyphens_join_and_fold_away() {
        assert_eq!(exact_words("می\u{200c}خواهم"), ["میخواهم"]);
        assert_eq!(exact_words("nego\u{ad}tiations"), ["negotiations"]);
        // Not at a word's end.
        assert_eq!(exact_words("peace\u{ad} talks"), ["peace", "talks"]);
    }

    #[test]
    fn a_final_sigma_folds_to_sigma() {
        assert_eq!(exact_words("σοφος ΣΟΦΟΣ σοφοσ σοφός Σοφός"), ["σοφοσ"; 5]);
        assert_eq!(
            exact_words("λόγος ΛΟΓΟΣ ἄνθρωπος"),
            ["λογοσ", "λογοσ", "ανθρωποσ"]
        );
    }

    #[test]
    fn diacritics_and_case_fold_but_other_scripts_stay() {
        assert_eq!(
            exact_words("Kyïv Türkiye Côte d'Ivoire ZELENSKYY Зеленський Київ"),
            [
                "kyiv",
                "turkiye",
                "cote",
                "d'ivoire",
                "zelenskyy",
                "зеленський",
                "київ"
            ]
        );
    }

    #[test]
    fn stems_only_when_they_differ() {
        let words = Analyzer::new().words("guarantees guarantee security the nation Ukraine's");
        let stems: Vec<_> = words.iter().map(|w| w.1.as_deref()).collect();
        assert_eq!(
            stems,
            [
                Some("guarante"),
                Some("guarante"),
                Some("secur"),
                None,
                None,
                Some("ukrain")
            ]
        );
    }

    #[test]
    fn tokens_share_the_position_of_their_word() {
        let mut tokens = Vec::new();
        let positions = Analyzer::new().tokenize("Security guarantees", &mut tokens);
        let got: Vec<_> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.position, t.offset_from..t.offset_to))
            .collect();
        assert_eq!(positions, 2);
        assert_eq!(
            got,
            [
                ("security", 0, 0..8),
                ("~secur", 0, 0..8),
                ("guarantees", 1, 9..19),
                ("~guarante", 1, 9..19),
            ]
        );
    }

    #[test]
    fn an_unquoted_word_matches_the_exact_and_the_stem_token() {
        let mut analyzer = Analyzer::new();
        assert_eq!(analyzer.term_forms("nation", None), ["nation", "~nation"]);
        // "guarante" is not a word whose own stem is "guarante": only the stem token can match.
        assert_eq!(
            analyzer.term_forms("guarantees", Some("guarante")),
            ["~guarante"]
        );
    }

    #[test]
    fn long_and_short_spellings_are_remembered_apart() {
        let mut analyzer = Analyzer::new();
        let text = "internationalisation internationalisations nationalisation national \
                    internationalisation abcdefghijklmno abcdefghijklmnop";
        let first = analyzer.words(text);
        assert_eq!(first[0], first[4]);
        assert_eq!(first[1].1.as_deref(), Some("internationalis"));
        assert_eq!(first[3], ("national".to_owned(), Some("nation".to_owned())));
        assert_ne!(first[5].0, first[6].0);
        // Known spellings give the same forms as a fresh analyzer.
        assert_eq!(analyzer.words(text), Analyzer::new().words(text));
    }
}
