//! Attribution: who said what in a passage.
//!
//! A passage's **speakers** are the people and bodies its statements are attributed to, found
//! per sentence (the sentences of `crate::analysis::sentences`) among the entity mentions
//! already recognised, outside quotation marks ([`quote_spans`]):
//!
//! * a **reporting verb** (`said`, `told`, `wrote`, `warned`… — `verb` in `data/attribution.tsv`)
//!   and its subject: the noun phrase right before it, made of names, role words and fillers
//!   ("Kremlin aide Yuri Ushakov said", "US and Ukrainian officials said", "Rubio also said");
//!   or, when a quotation or the sentence start stands right before the verb, the phrase right
//!   after it ("…,” said Rubio"). A phrase with a person speaks as that person ("Secretary Rubio
//!   and his team" is Rubio), else as its bodies, states or places ("Ukraine's foreign ministry"
//!   is Ukraine). A phrase without a name ("officials said") names no one; a negated one
//!   ("neither Washington nor Kyiv commented") says nothing.
//! * a **reporting participle** (", saying “more time is needed”"): the speaker of the sentence
//!   so far, or else its first person, or else the name it starts with.
//! * **according to** a phrase with a name.
//! * a **pronoun** subject, only when safe: `he`/`she` is the person who spoke last in the
//!   passage when no other person was named since, or else the one person named before it;
//!   `they`/`it` are the speakers of the sentence before (`it` never a person).
//! * a sentence wholly inside quotation marks, right after an attributed one, continues its
//!   speaker's words.
//!
//! An attributed sentence is said by its speakers, together with any quotation it touches (a
//! quote may run over several sentences). In a **speech** (an article with a `speaker` or
//! `country`), the article's speaker says everything except the quotations attributed to
//! others.

mod quotes;

pub mod eval;

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Kind, Mention, Recognizer, kind_serde};
use crate::analysis::sentences::{Break, break_between, sentences};
use crate::analysis::{Analyzer, SpannedForm};
pub use quotes::quote_spans;

/// The cue words, one list per line: see the file's header.
pub const DATA: &str = include_str!("../../../data/attribution.tsv");

/// The version of how speakers and quotations are read, part of the index's fingerprint: an
/// index read otherwise is rebuilt, not updated. 2: a speaker's honorific is left out when
/// looking the name up (`Mr. GROMYKO` is `@gromyko`); 3: and its title (`King Mswati III` is
/// `Mswati III`); 4: a possessive after a space (`Australia 's`) and a low mark glued to a word
/// (`regard„ esteem`), as scanned records write them, open no quotation; 5: an honorific's
/// period typed apart or against the name (`Mr . MBON IMPA`, `Mr.Facio`) goes with it; 6: a
/// name is read as the text reads it on the speech's day (`Vance` in 1978 is Cyrus Vance).
pub const SPEAKER_RULES: &str = "speaker rules 6";

/// How far from its verb a speaker's phrase may reach, in words.
const REACH: usize = 10;

mod list {
    pub const VERB: u16 = 1;
    pub const PARTICIPLE: u16 = 1 << 1;
    pub const ACCORDING: u16 = 1 << 2;
    pub const ROLE: u16 = 1 << 3;
    pub const FILLER: u16 = 1 << 4;
    pub const BETWEEN: u16 = 1 << 5;
    pub const NEGATOR: u16 = 1 << 6;
    pub const PERSON: u16 = 1 << 7;
    pub const GROUP: u16 = 1 << 8;
    pub const PASSIVE: u16 = 1 << 9;
}

/// Every cue word with the lists it is on, read once from [`DATA`].
fn lists() -> &'static FxHashMap<&'static str, u16> {
    static LISTS: OnceLock<FxHashMap<&'static str, u16>> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut map: FxHashMap<&'static str, u16> = FxHashMap::default();
        for line in DATA.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, word)) = line.split_once('\t') else {
                continue;
            };
            let bit = match name {
                "verb" => list::VERB,
                "participle" => list::PARTICIPLE,
                "according" => list::ACCORDING,
                "role" => list::ROLE,
                "filler" => list::FILLER,
                "between" => list::BETWEEN,
                "negator" => list::NEGATOR,
                "person" => list::PERSON,
                "group" => list::GROUP,
                "passive" => list::PASSIVE,
                other => panic!("data/attribution.tsv: unknown list '{other}'"),
            };
            *map.entry(word.trim()).or_default() |= bit;
        }
        map
    })
}

/// A speaker: an entity that says something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// The entity's id: the gazetteer's, or a proposed one (`joseph-garba`).
    pub id: Arc<str>,
    /// What it is.
    #[serde(rename = "type", with = "kind_serde")]
    pub kind: Kind,
    /// Display name.
    pub name: Arc<str>,
}

impl From<&Mention> for Speaker {
    fn from(m: &Mention) -> Speaker {
        Speaker {
            id: m.id.clone(),
            kind: m.kind,
            name: m.name.clone(),
        }
    }
}

/// A speaker of a passage and what they say in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    /// Who.
    #[serde(flatten)]
    pub speaker: Speaker,
    /// Byte ranges of the passage they say, in text order.
    pub spans: Vec<Range<usize>>,
}

/// Who says what in one passage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    /// The speakers, in the order their words start.
    pub speakers: Vec<Said>,
    /// The quotations, marks included ([`quote_spans`]).
    pub quotes: Vec<Range<usize>>,
}

impl Attribution {
    /// Whether byte range `span` lies inside a quotation.
    pub fn quoted(&self, span: &Range<usize>) -> bool {
        self.quotes
            .iter()
            .any(|q| q.start <= span.start && span.end <= q.end)
    }
}

/// Who says what in a passage, given its words (all looked up, as
/// [`crate::analysis::Analyzer::exact_spans`] gives them without `near_capitals`), its entity
/// mentions (over the same words) and the article's own speakers (a speech's, else none).
///
/// ```
/// use attache::analysis::Analyzer;
/// use attache::entities::attribution::attribute;
/// use attache::entities::{Gazetteer, Recognizer};
///
/// let text = "“The European plan is completely unconstructive,” Kremlin aide Yuri Ushakov said.";
/// let mut analyzer = Analyzer::new();
/// let mentions = Recognizer::new(Gazetteer::builtin()).recognize(&mut analyzer, text);
/// let mut spans = Vec::new();
/// let (_, words) = analyzer.exact_spans(text, &mut spans);
/// let said = attribute(text, &words, &mentions, &[]);
/// assert_eq!(&*said.speakers[0].speaker.id, "ushakov");
/// assert_eq!(said.speakers[0].spans, [0..text.len()]);
/// ```
pub fn attribute(
    text: &str,
    words: &[SpannedForm<'_>],
    mentions: &[Mention],
    article: &[Speaker],
) -> Attribution {
    let cues: Vec<u16> = words.iter().map(|w| cue_bits(w.exact)).collect();
    attribute_cued(text, words, &cues, mentions, article)
}

/// The cue lists an exact form is on, as [`attribute_cued`] takes them: a caller that meets
/// the same spellings again and again (an indexing thread) remembers them per spelling.
pub fn cue_bits(exact: &str) -> u16 {
    lists().get(exact).copied().unwrap_or(0)
}

/// [`attribute`], given each word's [`cue_bits`] (`cues[i]` for `words[i]`).
pub fn attribute_cued(
    text: &str,
    words: &[SpannedForm<'_>],
    cues: &[u16],
    mentions: &[Mention],
    article: &[Speaker],
) -> Attribution {
    debug_assert_eq!(words.len(), cues.len(), "one cue entry per word");
    let quotes = quote_spans(text);
    let passage = Passage::new(text, words, cues, mentions, &quotes);
    let claims = passage.claims();
    let mut speakers: Vec<Said> = Vec::new();
    let mut say = |who: &Speaker, span: Range<usize>| match speakers
        .iter_mut()
        .find(|s| s.speaker.id == who.id)
    {
        Some(said) => said.spans.push(span),
        None => speakers.push(Said {
            speaker: who.clone(),
            spans: vec![span],
        }),
    };
    if !article.is_empty() {
        // A speech: its speaker says all but the quotations attributed to others.
        let others: Vec<&Range<usize>> = quotes
            .iter()
            .filter(|q| {
                claims.iter().any(|(span, who)| {
                    overlaps(span, q) && who.iter().all(|w| article.iter().all(|a| a.id != w.id))
                })
            })
            .collect();
        for who in article {
            for span in complement(text, 0..text.len(), &others) {
                say(who, span);
            }
        }
    }
    for (span, who) in &claims {
        for w in who {
            say(w, span.clone());
        }
    }
    for said in &mut speakers {
        said.spans.sort_by_key(|r| r.start);
        said.spans.dedup();
    }
    speakers.sort_by_key(|s| s.spans.first().map_or(0, |r| r.start));
    Attribution { speakers, quotes }
}

/// The speakers of a speech: the people of its `speaker` metadata (several are separated by
/// `;`), or else the state of its `country` (a name or an ISO 3166 code of
/// `data/country_codes.tsv`); none for an article without either. A name is read as the
/// recognizer reads it in the article's text, on the article's day (`Vance` in 1978 is Cyrus
/// Vance, `Yoweri Kaguta Museveni` is Yoweri Museveni, `Russia` in 1982 the Soviet Union);
/// a name it reads as no known entity whole is looked up as a query's `@` is, and else keeps a
/// proposed id, as recognition gives it (`Joseph Garba` → `joseph-garba`). Call it after
/// [`Recognizer::start_article_on`]; the recognizer forgets the names before the text.
pub fn article_speakers(
    recognizer: &mut Recognizer<'_>,
    analyzer: &mut Analyzer,
    meta: &[(String, String)],
) -> Vec<Speaker> {
    let gazetteer = recognizer.gazetteer();
    let value = |key: &str| {
        meta.iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    };
    let known = |e: &super::Entity| Speaker {
        id: e.id.clone(),
        kind: e.kind,
        name: e.name.clone(),
    };
    let mut out: Vec<Speaker> = Vec::new();
    if let Some(names) = value("speaker") {
        // An honorific alone before a `;` goes with the name after it (`Mr; Mboumoua`, as a
        // record mistyped `Mr. Mboumoua`): it is no speaker of its own.
        let mut parts: Vec<String> = Vec::new();
        let mut pending = String::new();
        for part in names.split(';').map(str::trim).filter(|n| !n.is_empty()) {
            if super::gazetteer::is_honorific(part) {
                pending.push_str(part);
                pending.push(' ');
                continue;
            }
            parts.push(format!("{pending}{part}"));
            pending.clear();
        }
        for name in parts.iter().map(String::as_str) {
            // `Mr. GROMYKO` is Andrei Gromyko, as a mention "Mr. Gromyko" in the text is; a
            // name the gazetteer lacks is shown without its honorific, in its words' case.
            let bare = super::gazetteer::without_honorific(name);
            let who = match recognized(recognizer, analyzer, bare)
                .or_else(|| gazetteer.lookup(analyzer, name).map(known))
                .or_else(|| gazetteer.lookup(analyzer, bare).map(known))
            {
                Some(who) => who,
                None => match gazetteer.resolve_id(analyzer, bare) {
                    Some(id) => Speaker {
                        id: id.into(),
                        kind: Kind::Person,
                        name: name_case(bare).into(),
                    },
                    None => continue,
                },
            };
            if !out.iter().any(|o| o.id == who.id) {
                out.push(who);
            }
        }
    } else if let Some(country) = value("country") {
        let name = country_name(country).unwrap_or(country);
        if let Some(who) = recognized(recognizer, analyzer, name)
            .or_else(|| gazetteer.lookup(analyzer, name).map(known))
        {
            out.push(who);
        } else if let Some(id) = gazetteer.resolve_id(analyzer, name) {
            out.push(Speaker {
                id: id.into(),
                kind: Kind::State,
                name: name.into(),
            });
        }
    }
    recognizer.forget_article();
    out
}

/// The known entity the recognizer reads `name` as, when one mention covers all of it: the
/// name as it would be read in the article's text, on its day. Names written in capitals are
/// read in title case (`GEORGE BUSH` as `George Bush`), as a text writes them.
fn recognized(
    recognizer: &mut Recognizer<'_>,
    analyzer: &mut Analyzer,
    name: &str,
) -> Option<Speaker> {
    let name = name_case(name);
    let mentions = recognizer.recognize(analyzer, &name);
    let [m] = mentions.as_slice() else {
        return None;
    };
    let outside = |s: &str| !s.chars().any(char::is_alphanumeric);
    let whole = outside(&name[..m.span.start]) && outside(&name[m.span.end..]);
    (whole && recognizer.gazetteer().by_id(&m.id).is_some()).then(|| Speaker {
        id: m.id.clone(),
        kind: m.kind,
        name: m.name.clone(),
    })
}

/// A name as it is shown: each word written in capitals (`GROMYKO`, `Krishna MENON`) in
/// title case (`Gromyko`, `Krishna Menon`), each part of a hyphenated or apostrophed word alike
/// (`BOUTROS-GHALI` → `Boutros-Ghali`); words with a lowercase letter are kept as written.
fn name_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, word) in name.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        // `Hussein II`; a first word is a name (`LI Wei`, not the numeral LI).
        let numeral = i > 0 && word.chars().all(|c| "IVXLC".contains(c));
        if letters < 2 || numeral || word.chars().any(char::is_lowercase) {
            out.push_str(word);
            continue;
        }
        let mut start = true;
        for c in word.chars() {
            match start {
                true => out.push(c),
                false => out.extend(c.to_lowercase()),
            }
            start = !c.is_alphabetic();
        }
    }
    out
}

/// Country codes and the names the gazetteer knows them by: see the file's header.
pub const COUNTRY_CODES: &str = include_str!("../../../data/country_codes.tsv");

/// The name of the country with this ISO 3166 code (`UKR` → `Ukraine`), if listed.
fn country_name(code: &str) -> Option<&'static str> {
    COUNTRY_CODES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, name)| name.trim())
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The parts of `whole` outside `holes`, trimmed of whitespace, none empty.
fn complement(text: &str, whole: Range<usize>, holes: &[&Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = whole.start;
    let mut push = |r: Range<usize>| {
        let piece = &text[r.clone()];
        let start = r.start + (piece.len() - piece.trim_start().len());
        let end = r.start + piece.trim_end().len();
        if start < end {
            out.push(start..end);
        }
    };
    for hole in holes {
        if hole.start > at {
            push(at..hole.start);
        }
        at = at.max(hole.end);
    }
    if at < whole.end {
        push(at..whole.end);
    }
    out
}

/// What a speaker's phrase turned out to be.
enum Phrase {
    /// Nothing speaker-like stands there.
    Nothing,
    /// A pronoun, at this word.
    Pronoun(usize),
    /// A phrase of these words, with the mentions (by index) it holds; `negated` when a negator
    /// is among them.
    Words { mentions: Vec<usize>, negated: bool },
}

/// One passage's words with what attribution asks of them, each answered once.
struct Passage<'p, 'w> {
    text: &'p str,
    words: &'p [SpannedForm<'w>],
    mentions: &'p [Mention],
    /// Per word: its lists ([`lists`]).
    bits: &'p [u16],
    /// Per word: whether it stands inside a quotation.
    quoted: Vec<bool>,
    /// Per word: the mention covering it.
    owner: Vec<Option<usize>>,
    /// Per sentence: its word range and its byte range.
    sentences: Vec<(Range<usize>, Range<usize>)>,
    quotes: &'p [Range<usize>],
}

impl<'p, 'w> Passage<'p, 'w> {
    fn new(
        text: &'p str,
        words: &'p [SpannedForm<'w>],
        bits: &'p [u16],
        mentions: &'p [Mention],
        quotes: &'p [Range<usize>],
    ) -> Passage<'p, 'w> {
        let quoted = words
            .iter()
            .map(|w| {
                quotes
                    .iter()
                    .any(|q| q.start <= w.span.start && w.span.end <= q.end)
            })
            .collect();
        let mut owner = vec![None; words.len()];
        for (i, m) in mentions.iter().enumerate() {
            for slot in &mut owner[m.words.start.min(words.len())..m.words.end.min(words.len())] {
                *slot = Some(i);
            }
        }
        let mut first = 0;
        let sentences = sentences(text)
            .map(|bytes| {
                let start = first;
                while first < words.len() && words[first].span.start < bytes.end {
                    first += 1;
                }
                (start..first, bytes)
            })
            .filter(|(w, _)| !w.is_empty())
            .collect();
        Passage {
            text,
            words,
            mentions,
            bits,
            quoted,
            owner,
            sentences,
            quotes,
        }
    }

    fn is(&self, i: usize, list: u16) -> bool {
        self.bits[i] & list != 0
    }

    fn gap(&self, i: usize) -> Break {
        break_between(
            self.text,
            self.words[i].span.clone(),
            self.words[i + 1].span.clone(),
        )
    }

    fn speaker(&self, mention: usize) -> Speaker {
        Speaker::from(&self.mentions[mention])
    }

    /// The attributed spans and their speakers, sentence by sentence.
    fn claims(&self) -> Vec<(Range<usize>, Vec<Speaker>)> {
        let mut claims: Vec<(Range<usize>, Vec<Speaker>)> = Vec::new();
        // The speakers of the last attributed sentence: its number, and the word their
        // phrase ends at.
        let mut last: Option<(usize, usize, Vec<Speaker>)> = None;
        for (s, (range, bytes)) in self.sentences.iter().enumerate() {
            let mut found: Vec<Speaker> = Vec::new();
            for i in range.clone() {
                // A cue inside a quotation or a name ("the United States") is none.
                if self.quoted[i] || self.owner[i].is_some() || i > range.start && self.capital(i) {
                    continue;
                }
                let who = if self.is(i, list::VERB) {
                    self.verb(range, i, &last, s)
                } else if self.is(i, list::PARTICIPLE) && found.is_empty() {
                    self.participle(range, i)
                } else if self.is(i, list::ACCORDING)
                    && i + 1 < range.end
                    && self.words[i + 1].exact == "to"
                {
                    self.names(self.after(range, i + 1))
                } else {
                    continue;
                };
                for w in who {
                    if !found.iter().any(|f| f.id == w.id) {
                        found.push(w);
                    }
                }
                if !found.is_empty() {
                    last = Some((s, i, found.clone()));
                }
            }
            let whole_quote = range.clone().all(|i| self.quoted[i]);
            if found.is_empty()
                && whole_quote
                && let Some((before, _, who)) = &last
                && before + 1 == s
            {
                found = who.clone();
                last = Some((s, range.start, found.clone()));
            }
            if found.is_empty() {
                continue;
            }
            // The sentence, with any quotation it touches.
            let mut span = bytes.clone();
            for q in self.quotes.iter().filter(|q| overlaps(q, bytes)) {
                span.start = span.start.min(q.start);
                span.end = span.end.max(q.end);
            }
            claims.push((span, found));
        }
        claims
    }

    /// The speakers of the reporting verb at word `i`.
    fn verb(
        &self,
        sentence: &Range<usize>,
        i: usize,
        last: &Option<(usize, usize, Vec<Speaker>)>,
        s: usize,
    ) -> Vec<Speaker> {
        // "the said agreement" is no verb.
        if i > sentence.start && matches!(self.words[i - 1].exact, "the" | "a" | "this" | "that") {
            return Vec::new();
        }
        match self.before(sentence, i) {
            Phrase::Pronoun(p) => self.pronoun(p, last, s),
            Phrase::Words { mentions, negated } => match negated {
                true => Vec::new(),
                false => self.names(Phrase::Words { mentions, negated }),
            },
            Phrase::Nothing if self.quote_or_start_before(sentence, i) => {
                self.names(self.after(sentence, i))
            }
            Phrase::Nothing => Vec::new(),
        }
    }

    /// Whether a quotation or the sentence start stands right before word `i` (past the words
    /// that may stand between a speaker and the verb): where the speaker follows the verb.
    fn quote_or_start_before(&self, sentence: &Range<usize>, i: usize) -> bool {
        let j = self.skip_between(sentence, i);
        if j == sentence.start {
            return true;
        }
        self.quoted[j - 1]
    }

    /// The first word of the run of "between" words (`also`, `has`) ending before word `i`.
    fn skip_between(&self, sentence: &Range<usize>, i: usize) -> usize {
        let mut j = i;
        while j > sentence.start
            && !self.quoted[j - 1]
            && self.is(j - 1, list::BETWEEN)
            && self.gap(j - 1) == Break::None
        {
            j -= 1;
        }
        j
    }

    /// The speaker's phrase ending right before word `i` (the verb), within the sentence.
    fn before(&self, sentence: &Range<usize>, i: usize) -> Phrase {
        let j = self.skip_between(sentence, i);
        if j == sentence.start || self.quoted[j - 1] {
            return Phrase::Nothing;
        }
        // "Ushakov was told": the one spoken to.
        if self.is(j - 1, list::PASSIVE) {
            return Phrase::Nothing;
        }
        // "Yuri Ushakov, a Kremlin aide, said": the phrase before the verb's comma must be an
        // apposition to a person.
        let apposed = match self.gap(j - 1) {
            Break::None => false,
            Break::Clause => true,
            Break::Sentence => return Phrase::Nothing,
        };
        if !apposed && self.is(j - 1, list::PERSON | list::GROUP) {
            return Phrase::Pronoun(j - 1);
        }
        let mut mentions = Vec::new();
        let mut negated = false;
        let mut taken = 0;
        let mut crossed = false;
        let mut k = j;
        while k > sentence.start && j - k < REACH {
            let w = k - 1;
            if self.quoted[w] {
                break;
            }
            if k < j && self.gap(w) != Break::None {
                // An apposition starts with an article, holds a role and follows a person.
                let apposition = matches!(self.words[k].exact, "a" | "an" | "the")
                    && (k..j).any(|x| self.is(x, list::ROLE))
                    && self.gap(w) == Break::Clause
                    && self.owner[w].is_some_and(|m| self.mentions[m].kind == Kind::Person);
                if !apposition {
                    break;
                }
                crossed = true;
            }
            if !self.takes(w, &mut mentions, &mut negated) {
                break;
            }
            taken += 1;
            k -= 1;
        }
        match (taken, apposed && !crossed) {
            (0, _) | (_, true) => Phrase::Nothing,
            _ => Phrase::Words { mentions, negated },
        }
    }

    /// The speaker's phrase starting right after word `i`, within its clause.
    fn after(&self, sentence: &Range<usize>, i: usize) -> Phrase {
        let mut mentions = Vec::new();
        let mut negated = false;
        let mut k = i + 1;
        while k < sentence.end && k - i <= REACH {
            if self.quoted[k] || self.gap(k - 1) != Break::None {
                break;
            }
            if !self.takes(k, &mut mentions, &mut negated) {
                break;
            }
            k += 1;
        }
        match k - i - 1 {
            0 => Phrase::Nothing,
            _ => Phrase::Words { mentions, negated },
        }
    }

    /// Whether word `w` may belong to a speaker's phrase; notes its mention and negation.
    fn takes(&self, w: usize, mentions: &mut Vec<usize>, negated: &mut bool) -> bool {
        if let Some(m) = self.owner[w] {
            if !mentions.contains(&m) {
                mentions.push(m);
            }
            return true;
        }
        if self.is(w, list::NEGATOR) {
            *negated = true;
            return true;
        }
        self.capital(w) || self.is(w, list::ROLE | list::FILLER)
    }

    /// Whether word `w` starts with a capital letter.
    fn capital(&self, w: usize) -> bool {
        self.text[self.words[w].span.clone()]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    }

    /// The speakers a phrase names: its people if it names any, else everything it names.
    fn names(&self, phrase: Phrase) -> Vec<Speaker> {
        let Phrase::Words {
            mut mentions,
            negated: false,
        } = phrase
        else {
            return Vec::new();
        };
        mentions.sort_unstable();
        let people: Vec<usize> = mentions
            .iter()
            .copied()
            .filter(|&m| self.mentions[m].kind == Kind::Person)
            .collect();
        let chosen = if people.is_empty() { mentions } else { people };
        let mut out: Vec<Speaker> = Vec::new();
        for m in chosen {
            let who = self.speaker(m);
            if !out.iter().any(|o| o.id == who.id) {
                out.push(who);
            }
        }
        out
    }

    /// Who a pronoun at word `p` stands for, when that is safe to say.
    fn pronoun(
        &self,
        p: usize,
        last: &Option<(usize, usize, Vec<Speaker>)>,
        s: usize,
    ) -> Vec<Speaker> {
        let person = self.is(p, list::PERSON);
        // People named outside quotations before the pronoun, in order.
        let people_between = |from: usize| -> Vec<&str> {
            let mut ids: Vec<&str> = Vec::new();
            for (w, owner) in self.owner.iter().enumerate().take(p).skip(from) {
                if let Some(m) = owner
                    && !self.quoted[w]
                    && self.mentions[*m].kind == Kind::Person
                    && !ids.contains(&&*self.mentions[*m].id)
                {
                    ids.push(&self.mentions[*m].id);
                }
            }
            ids
        };
        if !person {
            // `they`, `it`: the speakers of this sentence or the one before.
            return match last {
                Some((sentence, _, who))
                    if sentence + 1 >= s
                        && (self.words[p].exact == "they"
                            || who.iter().all(|w| w.kind != Kind::Person)) =>
                {
                    who.clone()
                }
                _ => Vec::new(),
            };
        }
        match last {
            Some((_, at, who)) => match who.as_slice() {
                [one] if one.kind == Kind::Person => {
                    let since = people_between(*at + 1);
                    if since.iter().all(|id| *id == &*one.id) {
                        vec![one.clone()]
                    } else {
                        Vec::new()
                    }
                }
                _ => Vec::new(),
            },
            None => {
                let named = people_between(0);
                let [only] = named.as_slice() else {
                    return Vec::new();
                };
                let mention = self
                    .owner
                    .iter()
                    .take(p)
                    .flatten()
                    .find(|&&m| &*self.mentions[m].id == *only)
                    .expect("a person named before");
                vec![self.speaker(*mention)]
            }
        }
    }

    /// The speakers of a reporting participle at word `i`: the first person named in the
    /// sentence before it, or else the names the sentence starts with.
    fn participle(&self, sentence: &Range<usize>, i: usize) -> Vec<Speaker> {
        let person = (sentence.start..i).find_map(|w| {
            self.owner[w].filter(|&m| !self.quoted[w] && self.mentions[m].kind == Kind::Person)
        });
        if let Some(m) = person {
            return vec![self.speaker(m)];
        }
        let mut mentions = Vec::new();
        let mut negated = false;
        let mut k = sentence.start;
        while k < i && !self.quoted[k] && self.takes(k, &mut mentions, &mut negated) {
            if k + 1 < i && self.gap(k) != Break::None {
                break;
            }
            k += 1;
        }
        self.names(Phrase::Words { mentions, negated })
    }
}

#[cfg(test)]
mod tests;
