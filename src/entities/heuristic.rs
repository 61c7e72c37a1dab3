//! Proposing entities the gazetteer lacks, from capitalisation and titles.
//!
//! A run of capitalised words (with inner connectors: "Bank of England", "Boutros
//! Boutros-Ghali") that no gazetteer alias covered is a candidate. Sentence-initial filler
//! ("The", "After", weekdays, months) is trimmed from its front. Then:
//! * a title before or inside the run ("Kremlin aide Yuri Ushakov", "Secretary of the Army
//!   Daniel Driscoll", "Mr. Garba") makes it a `person`, named by up to three words after the
//!   title;
//! * an organisation word ("Ministry", "Council", "Party") makes it an `org`;
//! * otherwise two to four words that are not stock diplomatic phrases ("Member States",
//!   "Second World War") make an `unknown` entity.
//!
//! A name made only of common words (`data/common_words.tsv`: "State Member", "Head of
//! Government", "Granting of Independence") is capitalised prose, not a
//! name: it is no person and no unknown entity, unless its one word is the surname of a person
//! already known or it follows a personal title (`data/personal_titles.tsv`: "President
//! Bush", "Ambassador Jarring"); a place word at its end (`data/place_words.tsv`) makes it a name
//! again ("Red Square").
//!
//! A single capitalised word is proposed only so the [`super::Recognizer`] can resolve it to a
//! person met earlier in the article by surname; it is never an entity on its own.

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::{Kind, WordRef};

/// An entity proposed by capitalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal<'a> {
    /// What it seems to be.
    pub kind: Kind,
    /// Word positions of the name (titles excluded).
    pub words: Range<usize>,
    /// The folded last word, for surname lookups.
    pub key: &'a str,
    /// Whether every word of the name is a common word (`data/common_words.tsv`): "State
    /// Member", "Head of Government". Such a proposal stands only for a person already known by
    /// that surname; otherwise it is no entity.
    pub common: bool,
}

/// The id of a name found in the text: its folded words joined by `-`.
pub fn slug(words: &[WordRef<'_>], range: Range<usize>) -> String {
    let mut id = String::new();
    for (i, w) in words[range].iter().enumerate() {
        if i > 0 {
            id.push('-');
        }
        id.push_str(w.exact.strip_suffix("'s").unwrap_or(w.exact));
    }
    id
}

/// Which lists a word is on, as bits.
pub use list::{PERSONAL, TITLE};

pub(super) mod list {
    pub const CONNECTOR: u16 = 1;
    pub const HONORIFIC: u16 = 1 << 1;
    pub const FILLER: u16 = 1 << 2;
    pub const TITLE: u16 = 1 << 3;
    pub const CUE: u16 = 1 << 4;
    pub const ORG: u16 = 1 << 5;
    pub const GENERIC: u16 = 1 << 6;
    pub const JOINER: u16 = 1 << 7;
    pub const COMMON: u16 = 1 << 8;
    pub const PLACE: u16 = 1 << 9;
    pub const PERSONAL: u16 = 1 << 10;
    pub const DOCUMENT: u16 = 1 << 11;
    pub const NOT_PLACE: u16 = 1 << 12;
    pub const FAMILY_FIRST: u16 = 1 << 13;
}

/// Lowercase words that may join capitalised ones inside a name.
const CONNECTORS: &str = include_str!("../../data/connectors.tsv");

/// Abbreviated honorifics whose period does not end a sentence.
pub(super) const HONORIFICS: &str = include_str!("../../data/honorifics.tsv");

/// Capitalised words that start sentences or name dates, never names.
const FILLER: &str = include_str!("../../data/filler_words.tsv");

/// Titles, offices and office words: before a name they make it a person and are not part of it.
const TITLES: &str = include_str!("../../data/titles.tsv");

/// Lowercase words that, right before a capitalised run, introduce a person.
const CUES: &str = include_str!("../../data/person_cues.tsv");

/// Words that make a name an organisation.
const ORG_WORDS: &str = include_str!("../../data/org_words.tsv");

/// Capitalised words of stock phrases that are not entities ("Member States", "Second World War", "Heads of State", "Millennium Development Goals").
const GENERIC: &str = include_str!("../../data/generic_words.tsv");

/// Lowercase words that may join the parts of a long organisation name.
const JOINERS: &str = include_str!("../../data/joiners.tsv");

/// Titles that introduce only people: see the data file's header.
const PERSONAL_TITLES: &str = include_str!("../../data/personal_titles.tsv");

/// Head nouns of place names: see the data file's header.
const PLACE_WORDS: &str = include_str!("../../data/place_words.tsv");

/// Common words, one a line after `#` comments: see the data file's header.
const COMMON_WORDS: &str = include_str!("../../data/common_words.tsv");
/// Head words of documents' names.
const DOCUMENT_WORDS: &str = include_str!("../../data/document_words.tsv");

/// Capitalised words after "in" that name no place: languages, faiths, feasts.
const NOT_PLACES: &str = include_str!("../../data/not_places.tsv");

/// Family names written before a given name of two hyphened syllables ("Moon Jae-in").
const FAMILY_FIRST: &str = include_str!("../../data/hyphened_given_name_surnames.tsv");

/// The version of the heuristic's rules, part of the index's fingerprint with its data files: an
/// index whose names were proposed by other rules is rebuilt, not updated. 2: a common word
/// opening a sentence is no part of the name after it ("Later Garba"). 3: names inside a
/// document's name, bracketed acronyms, compass points before a continent, an uncommon given
/// name opening a sentence. 4: a possessive ends a name, a known surname running on into a
/// longer name is no mention of its own, "treaty" in lower case heads a document's name. 5: a
/// title further in a run names the person after it, "of" before one word makes it a title's
/// domain, particles do not count towards a name's three words, hyphenated syllables and
/// elided particles belong to names, heads before a name ("Charter of", "Operation"), a
/// place word makes generic words a name, "national" opens a body's name. 6: known names run
/// on inside bodies' names and stay apart before a preposition, a date ends a name, an office
/// and its body name a post, a capitalised word before a known body's name makes a longer one.
/// 7: middle initials and "Jr" belong to a person's name, "against" joins a body's name and
/// "Force" heads one inside a long name, a single unknown word after "in", "at" or "near" or
/// after "the town of" (and other settlements) is a place. 8: a news dateline's place, a
/// title before a name ends a body's name, dotted acronyms run on into a name ("U.N. Support
/// Mission"), a known body "of the United Nations" is that body, a known place before a
/// place word names a facility or feature, a name listed after a place is a place, a
/// one-word name written in lower case where it is a common word is that word. 9: a title
/// after "of" introduces someone rather than continuing a body's name, a known name that is
/// also a common word owns a body by its possessive ("Donald Tusk's Civic Coalition"), a
/// place's one-word name between a title and a name is a given name ("President Santiago
/// Peña"), religious titles ("Mullah", "Ayatollah"), a possessive before a known body's name
/// owns it rather than opening a longer name ("Spajić's Europe Now Movement"). 10: a particle
/// after a title opens the name ("Mr. von Weizsäcker"), a particle hyphened to a name is part
/// of it ("the Al-Aqsa Mosque"), a middle initial after a common word when a title introduces
/// the name ("Prime Minister Múte B. Egede"), a date ends a body's name after "on" ("the
/// Supreme Court on Tuesday"). 11: a given name before a known person's surname alone that
/// none of the person's full names could have (another initial, not a title, honorific or
/// common word) names someone else of that surname ("Raisa Gorbachev", "Graça Machel");
/// honorifics of South Asia, East Africa and Latin America are titles ("Shrimati", "Mzee",
/// "Comandante", "Imam", "Herr"). 12: the letters of a dotted honorific (`H.E.`, `H. E.`,
/// `H.M.`, `H.R.H.`) are a title, not a person's initials ("H.E. Joaquin Balaguer"). 13: a
/// given name that makes another known person's name with the surname is that person ("Ilham
/// Heydar Aliyev" is Ilham Aliyev); given names before a pair hyphened to a known surname that
/// the person could not have name someone else ("Nkosazana Dlamini-Zuma"); "our" or "this"
/// organisation word before a state's name names no body ("our Organization of the Czech
/// Republic"). 14: a family name written first before two hyphened syllables is a person's
/// name ("Moon Jae-in", "Park Geun-hye"); a comma and a role, or "as" and a title, after a
/// name of several words make it a person's ("Mazloum Abdi, commander of …"); two names
/// hyphened before "railway", "pipeline" or "border" are two places; "Guard" is an
/// organisation word ("Philippine Coast Guard"); "UN" before a known body's name is part of
/// it; an acronym that is a name's initials stands for that name even when bracketed. 15:
/// "the Government of" a known state heads no longer body's name ("the Government of the
/// Congo for the United Nations Force"). 16: a name of two or three uncommon words that nothing
/// typed is a person's once its last word stands alone ("Călin Georgescu … Georgescu said"),
/// and a particle hyphened to a surname is the surname alone ("Al-Jalali"); "police",
/// "militia", "centres" and "centers" are organisation words, and a given name that is also a
/// common word does not keep a title's name inside the body before it ("Royal Canadian Mounted
/// Police Commissioner Mike Duheme"); after a body's "for" or "of", "and" joins the last words
/// of its name ("Centers for Disease Control and Prevention", "European Bank for
/// Reconstruction and Development").
pub const RULES: &str = "heuristic rules 16";

/// The data files whose words decide what the heuristic proposes, for the index's fingerprint.
pub const DATA: &[&str] = &[
    COMMON_WORDS,
    PLACE_WORDS,
    PERSONAL_TITLES,
    CONNECTORS,
    HONORIFICS,
    FILLER,
    TITLES,
    CUES,
    ORG_WORDS,
    GENERIC,
    JOINERS,
    DOCUMENT_WORDS,
    NOT_PLACES,
    FAMILY_FIRST,
];

/// Every listed word with the lists it is on, built once: one lookup per word answers them all.
fn lists() -> &'static FxHashMap<&'static str, u16> {
    static LISTS: OnceLock<FxHashMap<&'static str, u16>> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut map: FxHashMap<&'static str, u16> = FxHashMap::default();
        for (data, bit) in [
            (CONNECTORS, list::CONNECTOR),
            (HONORIFICS, list::HONORIFIC),
            (FILLER, list::FILLER),
            (TITLES, list::TITLE),
            (CUES, list::CUE),
            (ORG_WORDS, list::ORG),
            (GENERIC, list::GENERIC),
            (JOINERS, list::JOINER),
            (COMMON_WORDS, list::COMMON),
            (PLACE_WORDS, list::PLACE),
            (PERSONAL_TITLES, list::PERSONAL),
            (DOCUMENT_WORDS, list::DOCUMENT),
            (NOT_PLACES, list::NOT_PLACE),
            (FAMILY_FIRST, list::FAMILY_FIRST),
        ] {
            for word in data
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
            {
                *map.entry(word).or_default() |= bit;
            }
        }
        map
    })
}

/// The lists a folded word is on, as bits (possessive `'s` ignored).
pub fn list_bits(exact: &str) -> u16 {
    let word = exact.strip_suffix("'s").unwrap_or(exact);
    lists().get(word).copied().unwrap_or(0)
}

/// Marks as honorifics the letters of a dotted honorific written as initials: `H.E.` and
/// `H. E.` (His or Her Excellency), `H.M.`, `H.R.H.`, `H.H.`. Otherwise the letters read as a
/// person's initials, and "H.E. Joaquin Balaguer" was a name of its own.
pub fn mark_dotted_honorifics(text: &str, words: &[WordRef<'_>], lists: &mut [u16]) {
    const DOTTED: [&[&str]; 4] = [&["h", "e"], &["h", "m"], &["h", "r", "h"], &["h", "h"]];
    let capital = |w: &WordRef<'_>| {
        w.span.1 - w.span.0 == 1 && text.as_bytes()[w.span.0].is_ascii_uppercase()
    };
    let dotted = |w: &WordRef<'_>| text[w.span.1..].starts_with('.');
    for i in 0..words.len() {
        // Every one starts with a dotted capital H: most words are passed by at once.
        if words[i].exact != "h" || !capital(&words[i]) || !dotted(&words[i]) {
            continue;
        }
        for letters in DOTTED {
            let Some(run) = words.get(i..i + letters.len()) else {
                continue;
            };
            let fits = run
                .iter()
                .zip(letters.iter())
                .all(|(w, l)| w.exact == *l && capital(w) && dotted(w))
                // Only a period and spaces between the letters.
                && run.windows(2).all(|p| {
                    text[p[0].span.1..p[1].span.0]
                        .strip_prefix('.')
                        .is_some_and(|rest| rest.trim().is_empty())
                });
            if fits {
                for list in &mut lists[i..i + letters.len()] {
                    *list |= list::HONORIFIC | list::TITLE;
                }
            }
        }
    }
}

/// A passage's words with the questions the heuristics ask of them, each answered once.
pub struct View<'t, 'w, 'a> {
    text: &'t str,
    words: &'w [WordRef<'a>],
    /// Per word: the lists its spelling is on ([`list_bits`]).
    lists: &'w [u16],
}

impl<'t, 'w, 'a> View<'t, 'w, 'a> {
    /// A view of a passage's words, with each word's [`list_bits`].
    pub fn new(text: &'t str, words: &'w [WordRef<'a>], lists: &'w [u16]) -> View<'t, 'w, 'a> {
        View { text, words, lists }
    }

    fn len(&self) -> usize {
        self.words.len()
    }

    fn is(&self, i: usize, list: u16) -> bool {
        self.lists[i] & list != 0
    }

    /// The folded word without a possessive.
    fn exact(&self, i: usize) -> &'a str {
        let w = self.words[i].exact;
        w.strip_suffix("'s").unwrap_or(w)
    }

    /// Whether the word starts with a capital, or is an elided particle before one
    /// ("d’Escoto", "l'Ouverture").
    fn cap(&self, i: usize) -> bool {
        let at = self.words[i].span.0;
        let bytes = self.text.as_bytes();
        let first = bytes[at];
        if matches!(first, b'd' | b'l') {
            let rest = &self.text[at + 1..self.words[i].span.1];
            let rest = rest.strip_prefix('\'').or_else(|| rest.strip_prefix('’'));
            return rest.is_some_and(|r| r.starts_with(|c: char| c.is_uppercase()));
        }
        if first.is_ascii() {
            first.is_ascii_uppercase()
        } else {
            self.text[at..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        }
    }

    /// The text between words `i - 1` and `i`.
    fn gap(&self, i: usize) -> &'t str {
        &self.text[self.words[i - 1].span.1..self.words[i].span.0]
    }

    /// Whether words `i - 1` and `i` can belong to one name: only spaces between them (no
    /// line break), a hyphen, or an honorific's period ("Mr. Annan").
    fn inner_gap(&self, i: usize) -> bool {
        let g = self.gap(i);
        g == " "
            || g == "-"
            // Inside a dotted acronym ("U.N").
            || (g == "." && self.single_capital(i - 1) && self.single_capital(i))
            || (g.bytes().all(|b| b == b' ' || b == b'\t') && !g.is_empty())
            || self.period_in_name(i - 1) && g.starts_with('.') && g[1..].trim().is_empty()
    }

    /// Whether the period after word `i` stays inside a name: an honorific's ("Mr. Annan"), a
    /// middle initial's or a dotted acronym's.
    fn period_in_name(&self, i: usize) -> bool {
        self.is(i, list::HONORIFIC) || self.middle_initial(i) || self.dotted_acronym_end(i)
    }

    /// Whether word `i` is the last letter of a dotted acronym that a capitalised word
    /// continues ("U.N. Support Mission in Libya"): its period ends no sentence unless a
    /// sentence's opening word follows ("… by the U.S. The talks").
    fn dotted_acronym_end(&self, i: usize) -> bool {
        i >= 1
            && i + 1 < self.len()
            && self.single_capital(i)
            && self.single_capital(i - 1)
            && self.gap(i) == "."
            && self.text[self.words[i].span.1..].starts_with(". ")
            && self.cap(i + 1)
            && !self.is(i + 1, list::FILLER | list::CONNECTOR)
    }

    /// Whether word `i` is one capital letter.
    fn single_capital(&self, i: usize) -> bool {
        let (s, e) = self.words[i].span;
        e - s == 1 && self.text.as_bytes()[s].is_ascii_uppercase()
    }

    /// Whether word `i` is a middle initial inside a person's name ("Carlos P. Romulo", "Lester
    /// B. Pearson"): one capital letter after a capitalised word, its period followed by a
    /// capitalised word on no list of common words, so that "World War I. The" still ends a
    /// sentence.
    fn middle_initial(&self, i: usize) -> bool {
        let e = self.words[i].span.1;
        i >= 1
            && i + 1 < self.len()
            && self.single_capital(i)
            && self.gap(i) == " "
            && self.cap(i - 1)
            && !self.is(i - 1, list::TITLE | list::FILLER | list::ORG)
            // A common word's capital may be a heading's ("Annex B. Members"), unless a
            // title or an honorific introduces the name ("Prime Minister Múte B. Egede").
            && (!self.is(i - 1, list::COMMON)
                || i >= 2 && self.is(i - 2, list::TITLE | list::HONORIFIC))
            && self.text[e..].starts_with(". ")
            && self.cap(i + 1)
            && !self.is(i + 1, list::COMMON | list::FILLER | list::CONNECTOR)
    }

    /// Whether word `i` is the lower-case last syllable of a hyphenated given name after a
    /// surname ("Lai Ching-te", "Moon Jae-in", "Tsai Ing-wen"): two to five letters on no word
    /// list, hyphened to a short capitalised syllable that follows another capitalised word.
    /// After a family name written before the given name ("Moon Jae-in", "Park Geun-hye",
    /// "Woo Won-shik"), the family name and the syllable may be English words too.
    fn syllable(&self, i: usize) -> bool {
        let word = &self.text[self.words[i].span.0..self.words[i].span.1];
        let family = i >= 2 && self.is(i - 2, list::FAMILY_FIRST);
        i >= 2
            && self.gap(i) == "-"
            && (2..=5).contains(&word.len())
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && (self.lists[i] == 0 || family)
            && self.cap(i - 1)
            && self.words[i - 1].span.1 - self.words[i - 1].span.0 <= 5
            && self.gap(i - 1) == " "
            && self.cap(i - 2)
            && (family || !self.is(i - 2, list::FILLER | list::COMMON | list::TITLE))
    }

    /// Whether words `a..end` are a family name and a given name of two hyphened syllables
    /// ("Lee Jae-myung", "Lai Ching-te"): a person's name by its shape.
    fn family_name_first(&self, a: usize, end: usize) -> bool {
        end == a + 3 && self.is(a, list::FAMILY_FIRST) && self.syllable(end - 1)
    }

    /// Whether the name at `a..end` is followed by a person's role: a comma and a role noun,
    /// after an article at most ("Mazloum Abdi, commander of …", "Kamil Idris, a former
    /// director …"), or "as" and one ("appointed Kamil Idris as prime minister"). A name
    /// after "the" is a body's or a group's ("the Viet-Cong, who …").
    fn role_after(&self, a: usize, end: usize) -> bool {
        let role = |j: usize| {
            j < self.len()
                && !self.cap(j)
                && (self.is(j, list::CUE)
                    || matches!(
                        self.exact(j),
                        "director" | "head" | "chairman" | "chairperson" | "chairwoman" | "founder"
                    ))
        };
        let article = |j: usize| matches!(self.exact(j), "a" | "an" | "the" | "its" | "their");
        if end >= self.len() || (a > 0 && self.exact(a - 1) == "the") {
            return false;
        }
        match self.gap(end).trim() {
            "," => {
                role(end)
                    || (article(end)
                        && end + 1 < self.len()
                        && !self.cap(end + 1)
                        && (role(end + 1) || role(end + 2)))
            }
            "" => {
                self.exact(end) == "as"
                    && (role(end + 1)
                        || (end + 1 < self.len() && !self.cap(end + 1) && role(end + 2)))
            }
            _ => false,
        }
    }

    /// Whether word `i` is a name particle ("von", "de", "bin"; not "of", "the" or "y").
    fn particle(&self, i: usize) -> bool {
        self.is(i, list::CONNECTOR) && !matches!(self.exact(i), "of" | "the" | "y")
    }

    /// The word after the connector at `i`, or after a run of particles there ("van den
    /// Broek", "de la Madrid"); `None` when no connector stands at `i`.
    fn after_connectors(&self, i: usize) -> Option<usize> {
        if !self.is(i, list::CONNECTOR) {
            return None;
        }
        let mut j = i + 1;
        while self.particle(i) && j < self.len() && self.particle(j) && self.inner_gap(j) {
            j += 1;
        }
        Some(j)
    }

    /// Whether word `i` opens a run of name particles ("von", "van den", "de") that a
    /// capitalised word on no list of titles follows, before `end`.
    fn particle_before_name(&self, i: usize, end: usize) -> bool {
        let mut j = i;
        while j < end && self.particle(j) {
            j += 1;
        }
        j > i && j < end && self.cap(j) && !self.is(j, list::TITLE | list::CONNECTOR)
    }

    /// Whether word `i` is a particle joined to the next capitalised word by a hyphen ("Al-Aqsa",
    /// "al-Assad", "El-Sisi").
    fn hyphened_particle(&self, i: usize) -> bool {
        i + 1 < self.len()
            && self.is(i, list::CONNECTOR)
            && matches!(self.exact(i), "al" | "el" | "bin" | "ibn" | "ben")
            && self.gap(i + 1) == "-"
            && self.cap(i + 1)
    }

    /// Whether word `i` ends in a possessive `'s` (`Stevenson's`).
    fn possessive(&self, i: usize) -> bool {
        self.words[i].exact.ends_with("'s")
    }

    /// Whether a possessive apostrophe stands between words `i - 1` and `i` (`Trump’s plan`).
    fn gap_has_possessive(&self, i: usize) -> bool {
        let g = self.gap(i);
        g.starts_with(['\'', '’'])
    }

    /// Whether the word starts the passage or follows sentence punctuation.
    fn sentence_start(&self, i: usize) -> bool {
        i == 0 || {
            let g = self.gap(i);
            g.contains(['.', '!', '?', ':', ';', '“', '"', '(', '\n'])
                && !(self.period_in_name(i - 1) && g.trim() == ".")
        }
    }
}

/// Whether the name ending before word `end` is part of a document's name: capitalised words
/// (or names joined by hyphens) lead from it to a document's head word ("Camp David Accords",
/// "Molotov-Ribbentrop Pact", "Hague Summit Declaration"), or to "treaty" or the plural
/// "agreements" or "accords" in lower case ("the North Atlantic treaty", "the Minsk
/// agreements"). A possessive name is no part of one
/// ("Trump's Plan").
pub fn in_document_name(v: &View<'_, '_, '_>, name: Range<usize>, known: bool) -> bool {
    if named_by_head_before(v, name.start)
        || (name.len() > 1 && v.cap(name.start) && v.exact(name.start) == "operation")
    {
        return true;
    }
    let end = name.end;
    // The name is the document's own ("Ribbentrop Pact"), unless the gazetteer knows it as an
    // entity ("Warsaw Pact", an alliance).
    if end - name.start > 1 && v.cap(end - 1) && v.is(end - 1, list::DOCUMENT) {
        return !known;
    }
    if end == 0
        || end >= v.len()
        || v.words[end - 1].exact.ends_with("'s")
        || v.gap_has_possessive(end)
    {
        return false;
    }
    // Capitalised words between the name and the head: names ("Molotov-Ribbentrop Pact"), or
    // one common word ("Hague Summit Declaration"); a headline in title case ("Putin Rejects
    // Minsk Agreement") has more.
    let mut j = end;
    let mut common = false;
    while j < v.len() && j - end < 4 && v.inner_gap(j) {
        let head = v.is(j, list::DOCUMENT);
        if head
            && (v.cap(j)
                || matches!(
                    v.exact(j),
                    "agreements" | "accords" | "treaty" | "revolution"
                ))
        {
            return !(common && j - end > 1);
        }
        if !v.cap(j) {
            return false;
        }
        common |= v.is(j, list::COMMON);
        j += 1;
    }
    false
}

/// Whether the name starting at word `start` completes a document's name whose head comes
/// first ("the Charter of the United Nations", "the Treaty of Tlatelolco", "the Statute of
/// the International Court of Justice"), or a military operation's ("Operation Desert
/// Storm").
fn named_by_head_before(v: &View<'_, '_, '_>, start: usize) -> bool {
    let mut j = start;
    if j > 0 && v.exact(j - 1) == "the" && v.inner_gap(j) {
        j -= 1;
    }
    if j > 0 && v.exact(j - 1) == "of" && !v.cap(j - 1) && v.inner_gap(j) {
        if j < 2 {
            return false;
        }
        let head = j - 2;
        return v.inner_gap(j - 1)
            && v.cap(head)
            && v.is(head, list::DOCUMENT)
            && !matches!(
                v.exact(head),
                "conference" | "day" | "summit" | "initiative"
            );
    }
    start > 0
        && j == start
        && v.inner_gap(start)
        && v.exact(start - 1) == "operation"
        && v.cap(start - 1)
}

/// Whether the one-word name at `at` (a known person's surname, "Johnson") runs on into a
/// longer name the gazetteer does not hold ("Ellen Johnson Sirleaf", "Javier Peres de
/// Cuellar"): the next word is capitalised and on none of the word lists, or a name connector
/// (`de`, `van`) is followed by a capitalised word. Capitalised common words after it do not
/// count: "the Johnson Administration" is his.
pub fn runs_on(v: &View<'_, '_, '_>, covered: &[bool], at: usize) -> bool {
    let next = at + 1;
    if next >= v.len() || covered[next] || !v.inner_gap(next) || v.possessive(at) {
        return false;
    }
    if v.cap(next) {
        return v.lists[next] == 0;
    }
    v.is(next, list::CONNECTOR)
        && !matches!(v.exact(next), "of" | "the")
        && next + 1 < v.len()
        && !covered[next + 1]
        && v.inner_gap(next + 1)
        && v.cap(next + 1)
}

/// Whether the one-word place at `at` is a person's given name: a capitalised title stands
/// before it and a capitalised word on no list after it ("President Santiago Peña", "Foreign
/// Minister Israel Katz"). A title's domain ("Secretary of State", "Foreign") is no title here.
pub fn titled_given_name(v: &View<'_, '_, '_>, covered: &[bool], at: usize) -> bool {
    at > 0
        && at + 1 < v.len()
        && !covered[at - 1]
        && v.cap(at - 1)
        && v.is(at - 1, list::TITLE | list::PERSONAL)
        && !matches!(v.exact(at - 1), "state" | "foreign" | "national")
        && v.inner_gap(at)
        && !v.possessive(at)
        && !covered[at + 1]
        && v.inner_gap(at + 1)
        && v.cap(at + 1)
        && v.lists[at + 1] == 0
}

/// The first word of a compass point written before the place ending at word `start`
/// ("West Africa", "South-East Europe"): `start` itself when there is none.
pub fn compass_before(v: &View<'_, '_, '_>, covered: &[bool], start: usize) -> usize {
    const COMPASS: &[&str] = &[
        "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    ];
    let mut first = start;
    while first > 0
        && start - first < 2
        && !covered[first - 1]
        && v.cap(first - 1)
        && matches!(v.gap(first), " " | "-")
        && COMPASS.contains(&v.exact(first - 1))
    {
        first -= 1;
    }
    first
}

/// A bracketed acronym right after a capitalised name ("Community of Portuguese-speaking
/// Countries (CPLP)", "ECOWAS Monitoring Group (ECOMOG)"): the word positions of such acronyms
/// of two to ten capitals, roman numerals left out.
pub fn bracketed_acronyms(v: &View<'_, '_, '_>) -> Vec<usize> {
    (1..v.len())
        .filter(|&i| {
            let word = &v.text[v.words[i].span.0..v.words[i].span.1];
            let letters = word.chars().count();
            (2..=10).contains(&letters)
                && word.chars().all(|c| c.is_ascii_uppercase())
                && !word.chars().all(|c| "IVXLCDM".contains(c))
                && v.gap(i).trim_start() == "("
                && v.gap(i).len() <= 2
                && v.text[v.words[i].span.1..].starts_with(')')
                && v.cap(i - 1)
                // A treaty's acronym is a document's ("Test-Ban Treaty (CTBT)").
                && !v.is(i - 1, list::DOCUMENT)
        })
        .collect()
}

/// Long organisation names that contain known entities ("United Nations Assistance Mission
/// for Rwanda", "Central Committee of the Communist Party of the Soviet Union"): capitalised
/// words joined by `of`/`the`/`for`/`in`/`on`, at least one of them covered by a gazetteer
/// mention and one uncovered organisation word. The name is one mention, not its parts; but
/// "our" or "this" organisation word before a state's name (`states`: the words of state
/// mentions) is a body spoken of, not a name ("the admission to our Organization of the Czech
/// Republic" names the Czech Republic; "the Court of Bosnia and Herzegovina" is a court).
pub fn org_spans(v: &View<'_, '_, '_>, covered: &[bool], states: &[bool]) -> Vec<Range<usize>> {
    let n = v.len();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < n {
        if !v.cap(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        while end < n && v.inner_gap(end) {
            // A title before a name ends the body's name: "ECOWAS Commission President Omar
            // Touray" is a body and a person.
            if !covered[end] && titles_a_name(v, covered, end, false) {
                break;
            }
            // A known name inside runs on to its end ("Court of Bosnia and Herzegovina").
            if v.cap(end) || (covered[end] && covered[end - 1]) {
                end += 1;
                continue;
            }
            // "and" after a body's "for" or "of" joins the last words of its name ("Africa
            // Centres for Disease Control and Prevention"), as in `joins_a_body`.
            if let Some(k) = and_tail(v, covered, start, end) {
                end = k;
                continue;
            }
            // Joiners only inside the name: the next capitalised word must follow.
            let mut j = end;
            while j < n && v.is(j, list::JOINER) && v.inner_gap(j) && !v.cap(j) {
                j += 1;
            }
            // A title after a preposition introduces someone, not the body's next word
            // ("Rafał Trzaskowski of Prime Minister Donald Tusk's Civic Coalition").
            if j > end && j < n && titles_a_name(v, covered, j, true) {
                break;
            }
            // A date after a preposition ends the name ("… in Lebanon in July").
            if j > end && j < n && v.cap(j) && v.inner_gap(j) && !v.is(j, list::FILLER) {
                end = j + 1;
            } else {
                break;
            }
        }
        i = end;
        if end - start < 3 {
            continue;
        }
        let mut a = start;
        // "National" is an office word before a name ("National Security Adviser") and the
        // first word of a body's ("National Liberation Front of South Viet-Nam").
        while a < end
            && !covered[a]
            && v.is(a, list::FILLER | list::TITLE | list::JOINER)
            && v.exact(a) != "national"
        {
            a += 1;
        }
        // A known name joined to the body's name by a preposition is not part of it ("the
        // Taliban in the International Fund for Saving the Aral Sea").
        let mut b = a;
        while b < end && covered[b] {
            b += 1;
        }
        if b > a && b < end && !v.cap(b) && v.is(b, list::JOINER) && v.exact(b) != "of" {
            while b < end && !v.cap(b) && v.is(b, list::JOINER) {
                b += 1;
            }
            a = b;
        }
        // A possessive name is the body's owner, not part of its name ("Mozambique's
        // Constitutional Council", "Milojko Spajić's Europe Now Movement"); a common word's
        // possessive is ("Republican People's Party"), unless the word is a known name that
        // is also a common word ("Donald Tusk's Civic Coalition").
        if let Some(w) = (a..end.saturating_sub(1)).rev().find(|&w| {
            (v.possessive(w) || v.gap_has_possessive(w + 1))
                && (covered[w] || !v.is(w, list::COMMON))
        }) {
            a = w + 1;
        }
        let has_known = (a..end).any(|w| covered[w]);
        // "Force" heads a body only in such a long name ("United Nations Disengagement
        // Observer Force"); alone it is a common word ("the Air Force").
        let has_org_word =
            (a..end).any(|w| !covered[w] && (v.is(w, list::ORG) || v.exact(w) == "force"));
        let mut rest = a + 1;
        while rest < end && !covered[rest] && v.is(rest, list::JOINER) && !v.cap(rest) {
            rest += 1;
        }
        let owned = a > 0 && matches!(v.exact(a - 1), "our" | "this" | "your" | "their" | "its");
        let body_of_state = owned
            && !covered[a]
            && v.is(a, list::ORG)
            && rest > a + 1
            && rest < end
            && (rest..end).all(|w| states[w]);
        // "the Government of the Congo for the United Nations Force": a state's government
        // is the state, whatever follows (the known names inside stay).
        let government_of_state = end - a >= 3 && {
            let k = a + 2 + usize::from(v.exact(a + 2) == "the");
            v.exact(a) == "government" && v.exact(a + 1) == "of" && k < end && states[k]
        };
        if end - a >= 3 && has_known && has_org_word && !body_of_state && !government_of_state {
            spans.push(a..end);
        }
    }
    spans
}

/// Whether the known body's name starting at word `start` is part of a longer one that the
/// capitalised word before it opens ("Supreme National Security Council" is not the US
/// National Security Council): neither a title, filler nor particle, and not opening a
/// sentence.
pub fn opens_longer_body(v: &View<'_, '_, '_>, covered: &[bool], start: usize) -> bool {
    let not = list::FILLER
        | list::TITLE
        | list::PERSONAL
        | list::CONNECTOR
        | list::JOINER
        | list::CUE
        | list::HONORIFIC;
    start > 0
        && !covered[start - 1]
        && v.cap(start - 1)
        && v.inner_gap(start)
        && !v.is(start - 1, not)
        && !v.sentence_start(start - 1)
        // A possessive owns the body rather than opening its name ("Spajić's Europe Now
        // Movement").
        && !v.possessive(start - 1)
        && !v.gap_has_possessive(start)
}

/// The first word of a person's name that ends at `start`: given names and patronymics just
/// before a recognised surname ("Mikhail Sergeivich Gorbachev"), never titles.
pub fn given_names(v: &View<'_, '_, '_>, covered: &[bool], start: usize) -> usize {
    let mut first = start;
    while first > 0
        && start - first < 3
        && !covered[first - 1]
        && v.cap(first - 1)
        && v.inner_gap(first)
        && !v.is(first - 1, list::TITLE | list::FILLER | list::GENERIC)
    {
        first -= 1;
    }
    // A common word capitalised because it starts the passage or a sentence ("Ask Prigozhin")
    // is not a given name; an uncommon one is ("Patrice Emery Lumumba of the Congo").
    while first < start && v.sentence_start(first) && v.is(first, list::COMMON | list::FILLER) {
        first += 1;
    }
    first
}

/// The first word of a person's name ending before `end`, at or after `a`: its last three
/// words, particles not counted ("Mohammed bin Abdulrahman Al Thani").
fn name_start(v: &View<'_, '_, '_>, a: usize, end: usize) -> usize {
    let mut first = end;
    let mut names = 0;
    while first > a {
        if !v.is(first - 1, list::CONNECTOR) && !suffix(v, first - 1) {
            if names == 3 {
                break;
            }
            names += 1;
        }
        first -= 1;
    }
    // "of" or "the" opens no name; a particle does ("von Weizsäcker", "de Gaulle").
    while first + 1 < end && v.is(first, list::CONNECTOR) && !v.particle_before_name(first, end) {
        first += 1;
    }
    first
}

/// Whether word `i` is a generational suffix closing a person's name ("Martin Luther King Jr",
/// "Ferdinand Romualdez Marcos Jr").
fn suffix(v: &View<'_, '_, '_>, i: usize) -> bool {
    i > 0 && v.cap(i) && matches!(v.exact(i), "jr" | "sr") && v.cap(i - 1)
}

/// Whether the lower-case `for`, `on`, `and` or `against` at `at` joins the capitalised run
/// from `start` to the capitalised words after it into one body's name: an organisation word
/// stands in the run or in the words after it, and none of them is known.
/// The end of the words "and" at `at` joins to a body's name begun at `start`: after the
/// name's organisation word and its "for" or "of", capitalised words up to the run's end that
/// name no body, title or person of their own ("Centers for Disease Control and Prevention",
/// "Ministry of Agriculture and Fisheries").
fn and_tail(v: &View<'_, '_, '_>, covered: &[bool], start: usize, at: usize) -> Option<usize> {
    if at >= v.len() || v.exact(at) != "and" || v.cap(at) || !v.inner_gap(at) {
        return None;
    }
    let mut end = at + 1;
    while end < v.len() && !covered[end] && v.cap(end) && v.inner_gap(end) {
        end += 1;
    }
    let headed = (start..at)
        .any(|w| v.is(w, list::ORG) && (w + 1..at).any(|c| matches!(v.exact(c), "for" | "of")));
    let own = (at + 1..end).any(|w| v.is(w, list::ORG | list::TITLE | list::PERSONAL));
    (end > at + 1 && headed && !own).then_some(end)
}

fn joins_a_body(v: &View<'_, '_, '_>, covered: &[bool], start: usize, at: usize) -> bool {
    if !matches!(v.exact(at), "for" | "on" | "and" | "against") || v.cap(at) {
        return false;
    }
    // A date after it is no part of the name ("the Supreme Court on Tuesday ruled").
    let mut after = at + 1;
    while after < v.len()
        && !covered[after]
        && v.cap(after)
        && v.inner_gap(after)
        && !v.is(after, list::FILLER)
    {
        after += 1;
    }
    // "And" joins two words of one body's head ("Legal and Technical Commission"), the
    // others its name to what it is for ("Coalition for Change"): the organisation word
    // comes after "and", before the others ("Liberal Party and Rixi Moncada" are two).
    let org = |mut r: std::ops::Range<usize>| r.any(|w| v.is(w, list::ORG));
    let headed = match v.exact(at) {
        // After a body's "for" or "of", "and" joins the last words of what it is for.
        "and" => org(at + 1..after) || and_tail(v, covered, start, at).is_some(),
        _ => org(start..at),
    };
    after > at + 1 && headed && !(start..at).any(|w| v.is(w, list::TITLE | list::PERSONAL))
}

/// Whether word `at` opens a run of capitalised titles followed by a name of capitalised
/// words on no list ("President Omar Touray", "Secretary General Baron Waqa"; a common word
/// as the given name before one: "Commissioner Mike Duheme"), or, when
/// `known` is true, by a name already recognised ("Prime Minister Donald Tusk").
fn titles_a_name(v: &View<'_, '_, '_>, covered: &[bool], at: usize, known: bool) -> bool {
    let mut j = at;
    while j < v.len()
        && !covered[j]
        && v.cap(j)
        && v.is(j, list::TITLE)
        && !v.is(j, list::ORG)
        && (j == at || v.inner_gap(j))
    {
        j += 1;
    }
    // A given name may be a common word when a word on no list follows it ("Commissioner
    // Mike Duheme").
    let name = |w: usize| w < v.len() && !covered[w] && v.cap(w) && v.lists[w] == 0;
    j > at
        && j < v.len()
        && v.inner_gap(j)
        && v.cap(j)
        && if covered[j] {
            known
        } else {
            name(j)
                || (v.lists[j] & !list::COMMON == 0 && j + 1 < v.len() && v.inner_gap(j + 1))
                    && name(j + 1)
        }
}

/// The words of a news dateline's place opening the passage or a line ("AKTAU, Kazakhstan,
/// June 3 (Reuters) -", "GUAYAQUIL, Jan 9 (AP) —"): capitals alone, two letters or more,
/// then a comma and a capitalised word. A leading "THE" is left out.
pub fn dateline(v: &View<'_, '_, '_>, covered: &[bool], start: usize) -> Option<Range<usize>> {
    if start > 0 && !v.gap(start).contains('\n') {
        return None;
    }
    let upper = |w: usize| {
        let word = &v.text[v.words[w].span.0..v.words[w].span.1];
        word.chars().count() >= 2 && word.chars().all(|c| c.is_uppercase() || c == '-')
    };
    let mut end = start;
    while end < v.len() && !covered[end] && upper(end) && (end == start || v.gap(end) == " ") {
        end += 1;
    }
    let first = if end > start + 1 && v.exact(start) == "the" {
        start + 1
    } else {
        start
    };
    (end > first
        && end < v.len()
        && v.gap(end).starts_with(", ")
        && v.gap(end).len() == 2
        && v.cap(end)
        && (first..end).all(|w| v.lists[w] & (list::ORG | list::TITLE) == 0))
    .then_some(first..end)
}

/// The end of a facility's or feature's head after a known place ending at `at` ("Vilnius
/// International Airport", "Bab el-Mandeb Strait", "Panama Canal"): up to two capitalised
/// words, the last a place word (`data/place_words.tsv`), none known.
pub fn place_head_after(v: &View<'_, '_, '_>, covered: &[bool], at: usize) -> Option<usize> {
    let mut end = at;
    while end < v.len() && end - at < 2 && !covered[end] && v.inner_gap(end) && v.cap(end) {
        end += 1;
        // The head ends the name: a longer one goes on ("United Kingdom House of Commons",
        // "Pacific Islands Forum").
        if v.is(end - 1, list::PLACE) {
            let goes_on = end < v.len()
                && v.inner_gap(end)
                && (v.cap(end) || matches!(v.exact(end), "of" | "for"));
            return (!goes_on).then_some(end);
        }
    }
    None
}

/// Whether the one-word name at `at` is listed after a place ("Sanaa, Hodeidah and
/// Saada", "Sittwe, Kyaukphyu and Manaung"): after a comma, "and" or "or" that follows one.
/// It must be on no word list and carry no possessive.
fn listed_with_a_place(v: &View<'_, '_, '_>, at: usize, place: impl Fn(usize) -> bool) -> bool {
    if at < 2 || v.lists[at] != 0 || v.possessive(at) {
        return false;
    }
    // After a comma, only inside a list that goes on ("Sittwe, Kyaukphyu and Manaung"), not
    // before a clause ("… in Europe, Hitler played").
    let listed_on = at + 1 < v.len()
        && (v.gap(at + 1) == ", "
            || (v.gap(at + 1) == " " && matches!(v.exact(at + 1), "and" | "or")));
    let before = if v.gap(at) == ", " && listed_on {
        at - 1
    } else if v.gap(at) == " "
        && matches!(v.exact(at - 1), "and" | "or")
        && !v.cap(at - 1)
        && matches!(v.gap(at - 1), " " | ", ")
    {
        at - 2
    } else {
        return false;
    };
    place(before)
}

/// Whether the one-word name at `at` stands where a place does: after a lower-case "in", "at"
/// or "near" ("talks in Trincomalee"), or after a settlement's noun and "of" ("the town of
/// Zvecan"). The word must be on no word list (months, common nouns, titles and languages
/// are), carry no possessive, and not open a sentence.
fn placed(v: &View<'_, '_, '_>, at: usize) -> bool {
    const SETTLEMENTS: &[&str] = &[
        "town",
        "towns",
        "city",
        "cities",
        "village",
        "villages",
        "port",
        "ports",
        "island",
        "province",
        "district",
        "region",
        "municipality",
        "oblast",
        "governorate",
        "county",
        "settlement",
        "enclave",
        "suburb",
        "capital",
    ];
    let word = &v.text[v.words[at].span.0..v.words[at].span.1];
    if at == 0
        || v.lists[at] != 0
        || v.possessive(at)
        || v.sentence_start(at)
        || v.gap(at) != " "
        || word.bytes().any(|b| b.is_ascii_digit())
        // A short acronym names a programme or body more often ("in SDG 16").
        || (word.len() <= 4 && word.bytes().all(|b| b.is_ascii_uppercase()))
        || (at + 1 < v.len()
            && (v.gap_has_possessive(at + 1)
                || v.text[v.words[at + 1].span.0..].starts_with(|c: char| c.is_ascii_digit())))
        || v.cap(at - 1)
    {
        return false;
    }
    match v.exact(at - 1) {
        "in" | "at" | "near" => true,
        "of" => at >= 2 && v.gap(at - 1) == " " && SETTLEMENTS.contains(&v.exact(at - 2)),
        _ => false,
    }
}

/// Proposes names in a passage. `covered[i]` marks words already in a gazetteer mention.
/// `places[i]` marks words of known places, for names listed beside them ("Sanaa, Hodeidah
/// and Saada").
pub fn propose<'a>(v: &View<'_, '_, 'a>, covered: &[bool], places: &[bool]) -> Vec<Proposal<'a>> {
    let n = v.len();
    let mut proposals = Vec::new();
    let mut placed_here = vec![false; n];
    let mut i = 0;
    while i < n {
        if covered[i] || !v.cap(i) {
            i += 1;
            continue;
        }
        if let Some(place) = dateline(v, covered, i) {
            i = place.end;
            proposals.push(Proposal {
                kind: Kind::Place,
                key: v.exact(place.end - 1),
                words: place,
                common: false,
            });
            continue;
        }
        let start = i;
        let mut end = i + 1;
        // A possessive ends a name ("Mr. Stevenson's Government").
        while end < n && !covered[end] && v.inner_gap(end) && !v.possessive(end - 1) {
            if v.cap(end) || v.syllable(end) {
                end += 1;
            } else if let Some(next) = v.after_connectors(end)
                && next < n
                && !covered[next]
                && v.cap(next)
                && v.inner_gap(next)
                // A name, then a title after "of", is someone of someone's ("Rafał
                // Trzaskowski of Prime Minister Donald Tusk's …"); a title's own "of" joins
                // ("Secretary of State Marco Rubio").
                && ((start..end).any(|w| v.is(w, list::TITLE | list::ORG))
                    || !titles_a_name(v, covered, next, true))
            {
                end = next + 1;
            } else if joins_a_body(v, covered, start, end) {
                // "Citizens Coalition for Change", "Regional Centre on Small Arms and Light
                // Weapons", "International Boundary and Water Commission".
                end += 2;
            } else {
                break;
            }
        }
        i = end;
        // A run right before a gazetteer mention holds its first names or titles.
        if end < n && covered[end] && v.inner_gap(end) {
            continue;
        }
        let mut a = start;
        // "Mr." opens sentences too, but as a personal title it is not filler. A particle
        // hyphened to the next word is part of it ("the Al-Aqsa Mosque", "El-Sisi").
        while a < end
            && v.is(a, list::FILLER | list::CONNECTOR)
            && !v.is(a, list::PERSONAL)
            && !v.hyphened_particle(a)
        {
            a += 1;
        }
        // A common word capitalised because it opens a sentence ("Later Garba spoke",
        // "Yesterday Mr. Garba said") is no part of the name after it; a title or an
        // organisation word is left to the rules below.
        if a + 1 < end
            && v.sentence_start(a)
            && v.is(a, list::COMMON)
            && !v.is(a, list::PERSONAL | list::TITLE | list::ORG | list::PLACE)
            && !(a..end).any(|w| v.is(w, list::ORG))
            && !v.family_name_first(a, end)
        {
            a += 1;
        }
        let mut run = a;
        let cued = start > 0 && v.is(start - 1, list::CUE) && v.inner_gap(start);
        let mut titled = false;
        // A particle after the titles opens the name ("Mr. von Weizsäcker", "President de
        // Gaulle", "Mr. van den Broek").
        while a < end
            && v.is(a, list::TITLE | list::CONNECTOR)
            && !(titled && v.particle_before_name(a, end))
            && !v.hyphened_particle(a)
        {
            a += 1;
            titled = true;
        }
        if a >= end {
            continue;
        }
        // Two names hyphened before what links places are two places ("the Kars-Gyumri
        // railway", "the Kirkuk-Ceyhan pipeline").
        if !titled && end == a + 2 && v.gap(a + 1) == "-" && links_places(v, end) {
            placed_here[a..end].fill(true);
            for w in a..end {
                proposals.push(Proposal {
                    kind: Kind::Place,
                    key: v.exact(w),
                    words: w..w + 1,
                    common: false,
                });
            }
            continue;
        }
        // A title further in names the person after it ("Chief Cabinet Secretary Yoshimasa
        // Hayashi").
        // A personal title counts there after a body's name ("Commission President Omar
        // Touray").
        if let Some(t) = (a..end - 1).rev().find(|&w| {
            v.cap(w)
                && v.is(w, list::TITLE)
                && (!v.is(w, list::PERSONAL) || (run..w).any(|o| v.is(o, list::ORG)))
                && !matches!(v.exact(w + 1), "jr" | "sr")
        }) {
            // Before a chain of titles, a body's name stands apart ("ECOWAS Commission
            // President Omar Touray", "Court President Yuji Iwasawa").
            let mut first = t;
            while first > run && v.cap(first - 1) && v.is(first - 1, list::TITLE) {
                first -= 1;
            }
            // Only before a name of words on no list but the common words many given names
            // are, one of them on none ("Police Commissioner Mike Duheme"; "Ministry of
            // Foreign Affairs" and "Committee for National Recovery" are one body).
            let body = first > run
                && (run..first).any(|w| v.is(w, list::ORG))
                && v.cap(first - 1)
                && (t + 1..end).all(|w| v.lists[w] & !list::COMMON == 0)
                && (t + 1..end).any(|w| v.lists[w] == 0);
            if body && !(run..first).all(|w| v.is(w, list::GENERIC | list::ORG)) {
                proposals.push(Proposal {
                    kind: Kind::Org,
                    key: v.exact(first - 1),
                    words: run..first,
                    common: false,
                });
            }
            if body {
                run = t + 1;
            }
            a = t + 1;
            titled = true;
            // Titles after it are titles too ("Energy Minister Prince Abdulaziz bin Salman").
            while a + 1 < end && v.is(a, list::TITLE) && v.cap(a) {
                a += 1;
            }
        }
        // After "of", a word is a title's domain, not a name ("State of Korea", "Speaking of
        // Korea"): "Secretary of State Rubio" is named after the second title.
        let domain = a > run && matches!(v.exact(a - 1), "of" | "the") && !v.cap(a - 1);
        // An office and its body ("Head of Mission", "President of the Council") name a post.
        let office = v.is(run, list::TITLE) && run + 1 < end && v.exact(run + 1) == "of";
        let kind = if (run..end).any(|w| v.is(w, list::ORG)) {
            if office {
                continue;
            }
            a = run;
            Kind::Org
        } else if domain {
            continue;
        } else if titled
            || cued
            || (end - a >= 2 && (suffix(v, end - 1) || v.role_after(a, end)))
            || v.family_name_first(a, end)
        {
            a = name_start(v, a, end);
            Kind::Person
        } else if end - a == 1
            || (end - a <= 4
                && (v.is(end - 1, list::PLACE) || !(a..end).any(|w| v.is(w, list::GENERIC))))
        {
            // A single word only serves surname lookups (see the module docs), unless it
            // stands where a place does.
            let place = |w: usize| places[w] || placed_here[w];
            if end - a == 1 && (placed(v, a) || listed_with_a_place(v, a, place)) {
                placed_here[a] = true;
                Kind::Place
            } else {
                Kind::Unknown
            }
        } else {
            continue;
        };
        if kind == Kind::Org && (end - a > 6 || (a..end).all(|w| v.is(w, list::GENERIC))) {
            continue;
        }
        // Capitals on common words make a heading or a stock phrase, not a name ("Granting of
        // Independence", "Colonial Countries"); an organisation word still makes an org.
        let common = kind != Kind::Org
            && (a..end).all(|w| v.is(w, list::COMMON | list::CONNECTOR))
            && !(end - a > 1 && v.is(end - 1, list::PLACE))
            && !(kind == Kind::Person && a > 0 && v.is(a - 1, list::PERSONAL));
        if common && kind == Kind::Unknown && end - a > 1 {
            continue;
        }
        proposals.push(Proposal {
            kind,
            words: a..end,
            key: v.exact(end - 1),
            common,
        });
    }
    proposals
}

/// Whether word `i` is a lower-case noun for what runs between two places ("railway",
/// "pipeline", "border").
fn links_places(v: &View<'_, '_, '_>, i: usize) -> bool {
    i < v.len()
        && !v.cap(i)
        && v.inner_gap(i)
        && matches!(
            v.exact(i),
            "railway"
                | "railways"
                | "railroad"
                | "rail"
                | "road"
                | "highway"
                | "motorway"
                | "pipeline"
                | "pipelines"
                | "border"
                | "crossing"
                | "corridor"
                | "route"
                | "canal"
                | "bridge"
                | "link"
                | "line"
                | "flight"
                | "flights"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    fn proposed(text: &str) -> Vec<(String, Kind)> {
        let mut analyzer = Analyzer::new();
        let mut spans = Vec::new();
        let mut exacts = Vec::new();
        analyzer.for_each_word(text, |w| {
            spans.push((w.span.start, w.span.end));
            exacts.push(w.exact.to_owned());
        });
        let words: Vec<WordRef<'_>> = spans
            .iter()
            .zip(&exacts)
            .map(|(&span, exact)| WordRef { span, exact })
            .collect();
        let mut lists: Vec<u16> = words.iter().map(|w| list_bits(w.exact)).collect();
        mark_dotted_honorifics(text, &words, &mut lists);
        propose(
            &View::new(text, &words, &lists),
            &vec![false; words.len()],
            &vec![false; words.len()],
        )
        .into_iter()
        .filter(|p| p.words.len() > 1 || p.kind != Kind::Unknown)
        .map(|p| (slug(&words, p.words), p.kind))
        .collect()
    }

    #[test]
    fn titles_make_people_and_are_not_part_of_the_name() {
        assert_eq!(
            proposed("the White House said that Secretary of the Army Daniel Driscoll agreed"),
            [
                ("white-house".into(), Kind::Unknown),
                ("daniel-driscoll".into(), Kind::Person)
            ]
        );
        assert_eq!(
            proposed("said in Moscow by Kremlin aide Yuri Ushakov."),
            [
                ("moscow".into(), Kind::Place),
                ("yuri-ushakov".into(), Kind::Person)
            ]
        );
        assert_eq!(
            proposed("predecessor, His Excellency Mr. Joseph Garba for his stewardship"),
            [("joseph-garba".into(), Kind::Person)]
        );
        // A dotted honorific's letters are no initials (the name was "H.E. Joaquin Balaguer").
        for text in [
            "the greetings of H.E. Joaquin Balaguer, President",
            "the greetings of H. E. Joaquin Balaguer, President",
            "the greetings of H.R.H. Joaquin Balaguer, President",
        ] {
            assert_eq!(
                proposed(text),
                [("joaquin-balaguer".into(), Kind::Person)],
                "{text}"
            );
        }
    }

    #[test]
    fn organisations_and_unknown_names() {
        assert_eq!(
            proposed("a statement from the Ministry of Foreign Affairs and Truth Social posts"),
            [
                ("ministry-of-foreign-affairs".into(), Kind::Org),
                ("truth-social".into(), Kind::Org)
            ]
        );
        assert_eq!(
            proposed("the Geneva Graduate Institute hosted Anna Lindh"),
            [
                ("geneva-graduate-institute".into(), Kind::Org),
                ("anna-lindh".into(), Kind::Unknown)
            ]
        );
    }

    #[test]
    fn a_common_word_opening_a_sentence_is_not_part_of_the_name_after_it() {
        assert_eq!(
            proposed("It rained. Yesterday Mr. Joseph Garba said no. Later Kofi Tandoh spoke."),
            [
                ("joseph-garba".into(), Kind::Person),
                ("kofi-tandoh".into(), Kind::Unknown)
            ]
        );
    }

    #[test]
    fn stock_phrases_and_sentence_starts_are_not_entities() {
        assert_eq!(
            proposed("All Member States since the Second World War. The Talks"),
            []
        );
        assert_eq!(
            proposed("Turmoil in Kyiv. Moscow rejected it. After Sunday’s meeting"),
            [("kyiv".into(), Kind::Place)]
        );
    }
}
