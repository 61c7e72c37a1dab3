//! The gazetteer: known entities and every spelling of them, from `data/entities.tsv`.
//!
//! The data file is embedded in the binary. Each alias is matched over the analysed words of a
//! passage (lowercased, diacritic-folded), so `Kyïv` and `KYIV` find the alias `Kyiv`; an alias
//! written as an acronym (`US`, `U.S.`, `NATO`) matches only in its written case, so the pronoun
//! "us" is never the United States.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;

use crate::analysis::Analyzer;
use crate::corpus::clean::nfc;

/// The embedded gazetteer.
const BUILTIN: &str = include_str!("../../data/entities.tsv");

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A person.
    Person,
    /// A state, present or historic.
    State,
    /// An organisation.
    Org,
    /// A city, region or other place.
    Place,
    /// A proposed name whose kind is not known.
    Unknown,
}

impl Kind {
    /// Every kind, for help and errors.
    pub const ALL: [Kind; 5] = [
        Kind::Person,
        Kind::State,
        Kind::Org,
        Kind::Place,
        Kind::Unknown,
    ];

    /// The kind's name as written in data, queries and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::State => "state",
            Kind::Org => "org",
            Kind::Place => "place",
            Kind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!("unknown entity type '{s}' (types: person, state, org, place, unknown)")
            })
    }
}

/// A known entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Canonical id, typed as `@id` in queries.
    pub id: Arc<str>,
    /// What it is.
    pub kind: Kind,
    /// Display name.
    pub name: Arc<str>,
    /// Every spelling, the name included.
    pub aliases: Vec<String>,
}

/// One alias as matched: its entity and, for acronyms, the exact text required.
#[derive(Debug, Clone)]
struct Alias {
    entity: usize,
    /// The alias as written in the data.
    text: Arc<str>,
    /// For acronyms: the text of the matched words as written (`US`, `U.S`).
    exact_case: Option<String>,
}

/// The known entities and a matcher over their aliases.
pub struct Gazetteer {
    entities: Vec<Entity>,
    by_id: FxHashMap<String, usize>,
    /// Aliases by their folded key (see [`key`]); several when only case tells them apart.
    by_key: FxHashMap<String, usize>,
    /// The aliases of each key, in the order of `keys`.
    aliases: Vec<Vec<Alias>>,
    keys: Vec<String>,
    /// What scanning text needs; built on first use, as queries only look aliases up.
    matching: OnceLock<Matching>,
}

impl fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gazetteer")
            .field("entities", &self.entities.len())
            .field("aliases", &self.keys.len())
            .finish()
    }
}

/// The gazetteer's text-scanning side.
struct Matching {
    /// Every word of every alias (as [`match_form`]s), numbered from 1.
    word_ids: FxHashMap<String, u32>,
    /// Matches each key's words, encoded (see [`encode`]); pattern `i` is `keys[i]`.
    matcher: AhoCorasick,
    /// By word id: the pattern that is that word alone, if any. A run of one vocabulary word
    /// (the commonest) can only match that, so it needs no scan.
    single: Vec<Option<u32>>,
    /// People by their folded surname, where one person alone has it.
    surnames: FxHashMap<String, usize>,
}

impl Matching {
    fn build(keys: &[String], entities: &[Entity]) -> Matching {
        let mut word_ids: FxHashMap<String, u32> = FxHashMap::default();
        let patterns: Vec<Vec<u8>> = keys
            .iter()
            .map(|key| {
                let mut pattern = Vec::new();
                for word in key.split_whitespace() {
                    let next = word_ids.len() as u32 + 1;
                    let id = *word_ids.entry(word.to_owned()).or_insert(next);
                    pattern.extend_from_slice(&encode(id));
                }
                pattern
            })
            .collect();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("alias patterns are plain bytes");
        let mut single = vec![None; word_ids.len() + 1];
        for (i, pattern) in patterns.iter().enumerate() {
            if let [a, b, c, _] = pattern[..] {
                let id = u32::from(a) << 14 | u32::from(b) << 7 | u32::from(c);
                single[id as usize] = Some(i as u32);
            }
        }
        let mut analyzer = Analyzer::new();
        let mut surnames: FxHashMap<String, Option<usize>> = FxHashMap::default();
        for (index, entity) in entities.iter().enumerate() {
            if entity.kind != Kind::Person {
                continue;
            }
            if let Some(surname) = analyzer.exact_words(&entity.name).pop() {
                surnames
                    .entry(surname)
                    .and_modify(|e| *e = None)
                    .or_insert(Some(index));
            }
        }
        let surnames = surnames
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        Matching {
            word_ids,
            matcher,
            single,
            surnames,
        }
    }
}

/// A gazetteer match within a passage's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the entity.
    pub entity: usize,
    /// The alias that matched, as written in the gazetteer.
    pub alias: Arc<str>,
    /// Word indices covered.
    pub words: std::ops::Range<usize>,
}

impl Gazetteer {
    /// The gazetteer shipped with attache, parsed once.
    pub fn builtin() -> &'static Gazetteer {
        static BUILT: OnceLock<Gazetteer> = OnceLock::new();
        BUILT.get_or_init(|| {
            Gazetteer::parse(BUILTIN).unwrap_or_else(|e| panic!("data/entities.tsv: {e}"))
        })
    }

    /// A fingerprint of the shipped gazetteer data: an index whose entities were recognised
    /// with other data is rebuilt rather than updated.
    pub fn builtin_fingerprint() -> String {
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(BUILTIN.as_bytes()))
    }

    /// Parses gazetteer data (`id<TAB>type<TAB>name<TAB>alias|alias|…`).
    ///
    /// # Errors
    /// `line N: why` for a malformed line, a bad type, a duplicate id or an alias claimed by
    /// two entities.
    pub fn parse(data: &str) -> Result<Gazetteer, String> {
        let mut analyzer = Analyzer::new();
        let mut entities = Vec::new();
        let mut by_id = FxHashMap::default();
        let mut by_key: FxHashMap<String, usize> = FxHashMap::default();
        let mut aliases: Vec<Vec<Alias>> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for (n, line) in data.lines().enumerate() {
            let line_no = n + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [id, kind, name, spellings] = cols[..] else {
                return Err(format!("line {line_no}: expected 4 tab-separated columns"));
            };
            let kind: Kind = kind.parse().map_err(|e| format!("line {line_no}: {e}"))?;
            let index = entities.len();
            if by_id.insert(id.to_owned(), index).is_some() {
                return Err(format!("line {line_no}: duplicate id '{id}'"));
            }
            let mut all: Vec<String> = vec![name.to_owned()];
            for alias in spellings
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                if !all.iter().any(|a| a == alias) {
                    all.push(alias.to_owned());
                }
            }
            for alias in &all {
                // "the White House": the article is text around the name, not part of it.
                let alias = strip_article(alias);
                let k = key(&mut analyzer, alias);
                if k.trim().is_empty() {
                    return Err(format!("line {line_no}: alias '{alias}' has no words"));
                }
                let exact_case = is_acronym(alias).then(|| alias.trim_end_matches('.').to_owned());
                let slot = match by_key.get(&k) {
                    Some(&i) => &mut aliases[i],
                    None => {
                        by_key.insert(k.clone(), keys.len());
                        keys.push(k);
                        aliases.push(Vec::new());
                        aliases.last_mut().expect("just pushed")
                    }
                };
                // Two entities may share a key only when both aliases are acronyms written
                // differently (none do today, but case is what tells them apart).
                let clash = slot.iter().any(|a| {
                    a.entity != index
                        && (a.exact_case.is_none()
                            || exact_case.is_none()
                            || a.exact_case == exact_case)
                });
                if clash {
                    return Err(format!(
                        "line {line_no}: alias '{alias}' of '{id}' already belongs to another entity"
                    ));
                }
                if !slot
                    .iter()
                    .any(|a| a.entity == index && a.exact_case == exact_case)
                {
                    slot.push(Alias {
                        entity: index,
                        text: alias.into(),
                        exact_case,
                    });
                }
            }
            entities.push(Entity {
                id: id.into(),
                kind,
                name: name.into(),
                aliases: all,
            });
        }
        Ok(Gazetteer {
            entities,
            by_id,
            by_key,
            aliases,
            keys,
            matching: OnceLock::new(),
        })
    }

    /// All entities, in file order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity at `index`.
    pub fn entity(&self, index: usize) -> &Entity {
        &self.entities[index]
    }

    /// The index of the entity with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The entity with this id.
    pub fn by_id(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// The one known person with this folded surname ("Mr. Lie" is Trygve Lie), if any.
    pub fn person_by_surname(&self, surname: &str) -> Option<&Entity> {
        self.matching()
            .surnames
            .get(surname)
            .map(|&i| &self.entities[i])
    }

    fn matching(&self) -> &Matching {
        self.matching
            .get_or_init(|| Matching::build(&self.keys, &self.entities))
    }

    /// The entity a query names: by id, or by any alias (acronyms in their written case).
    pub fn lookup(&self, analyzer: &mut Analyzer, text: &str) -> Option<&Entity> {
        self.by_id(&text.to_lowercase())
            .or_else(|| self.lookup_alias(analyzer, text))
    }

    /// The id a query means by `text`: a known entity's (by id or alias), or else the id a name
    /// the gazetteer lacks is indexed under (its folded words joined by `-`: `Joseph Garba` →
    /// `joseph-garba`); `None` when `text` has no words.
    pub fn resolve_id(&self, analyzer: &mut Analyzer, text: &str) -> Option<String> {
        let text = &*nfc(text);
        if let Some(entity) = self.lookup(analyzer, text) {
            return Some(entity.id.to_string());
        }
        let words = analyzer.exact_words(text);
        (!words.is_empty()).then(|| words.join("-"))
    }

    /// The entity one of whose aliases is `text` (acronyms in their written case).
    pub fn lookup_alias(&self, analyzer: &mut Analyzer, text: &str) -> Option<&Entity> {
        let aliases = &self.aliases[*self.by_key.get(&key(analyzer, text))?];
        let written = text.trim_end_matches('.');
        aliases
            .iter()
            .find(|a| a.exact_case.as_deref().is_none_or(|c| c == written))
            .map(|a| &self.entities[a.entity])
    }

    /// Every alias as (key, entity id, the case an acronym must be written in), keys in
    /// first-seen order and each key's aliases in file order: what [`super::aliases`] tabulates.
    #[cfg(test)]
    pub(super) fn alias_rows(&self) -> impl Iterator<Item = (&str, &str, Option<&str>)> {
        self.keys
            .iter()
            .zip(&self.aliases)
            .flat_map(move |(key, aliases)| {
                aliases.iter().map(move |a| {
                    (
                        key.as_str(),
                        &*self.entities[a.entity].id,
                        a.exact_case.as_deref(),
                    )
                })
            })
    }

    /// The id of a word in the aliases' vocabulary (0 for a word no alias uses); `form` is
    /// the word's [`match_form`].
    pub fn word_id(&self, form: &str) -> u32 {
        self.matching().word_ids.get(form).copied().unwrap_or(0)
    }

    /// Finds aliases among a passage's words, leftmost-longest: `ids` are the words'
    /// [`Gazetteer::word_id`]s, `exact` gives a word's folded form and `surface` the original
    /// text of a word range (for the acronym case check).
    pub fn find<'t>(
        &self,
        ids: &[u32],
        exact: impl Fn(usize) -> &'t str,
        surface: impl Fn(std::ops::Range<usize>) -> &'t str,
    ) -> Vec<Match> {
        let mut out = Vec::new();
        if ids.iter().all(|&id| id == 0) {
            return out;
        }
        let matching = self.matching();
        // Only runs of words from the aliases' vocabulary can hold a match: scan those alone.
        let mut bytes = Vec::new();
        let mut matches = Vec::new();
        let mut at = 0;
        while at < ids.len() {
            if ids[at] == 0 {
                at += 1;
                continue;
            }
            let start = at;
            while at < ids.len() && ids[at] != 0 {
                at += 1;
            }
            if at - start == 1 {
                let single = matching.single[ids[start] as usize];
                matches.extend(single.map(|pattern| (start..at, pattern as usize)));
                continue;
            }
            bytes.clear();
            for &id in &ids[start..at] {
                bytes.extend_from_slice(&encode(id));
            }
            // Every match is word-aligned: see `encode`.
            matches.extend(matching.matcher.find_iter(&bytes).map(|m| {
                let words = start + m.start() / WORD_BYTES..start + m.end() / WORD_BYTES;
                (words, m.pattern().as_usize())
            }));
        }
        for (words, pattern) in matches {
            if compound_part(&exact, &words, &surface) {
                continue;
            }
            let aliases = &self.aliases[pattern];
            let written = surface(words.clone());
            // "the EU's envoy": the possessive is not part of the acronym.
            let written = written
                .strip_suffix("'s")
                .or_else(|| written.strip_suffix("’s"))
                .unwrap_or(written);
            if let Some(alias) = aliases
                .iter()
                .find(|a| a.exact_case.as_deref().is_none_or(|c| c == written))
            {
                out.push(Match {
                    entity: alias.entity,
                    alias: alias.text.clone(),
                    words,
                });
            }
        }
        out
    }
}

/// Russian and Ukrainian names decline ("Москва", "в Москве", "Ушакова"): a Cyrillic word is
/// matched by its stem, with Ukrainian letters read as their Russian counterparts first so one
/// stemmer serves both ("Сполученим Штатам" is "Сполучені Штати"). Names whose stem would be
/// shorter than four letters are matched as written.
fn cyrillic_stem(word: &str) -> Option<String> {
    if word.is_ascii() || !word.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
        return None;
    }
    let russian: String = word
        .chars()
        .map(|c| match c {
            'і' | 'ї' => 'и',
            'є' => 'е',
            'ґ' => 'г',
            'ё' => 'е',
            c => c,
        })
        .collect();
    let stemmer = frostem::Stemmer::new(frostem::Algorithm::Russian);
    let stem = stemmer.stem(&russian);
    // A stem this short would merge different names (Хания, Ханой → хан).
    if stem.chars().count() < 4 {
        return Some(russian);
    }
    Some(stem.into_owned())
}

/// Prefixes that make a new word of a name: "Inter-American" is not the United States.
const COMPOUND_PREFIXES: [&str; 5] = ["inter", "pan", "trans", "intra", "sub"];

/// Whether the match is the tail of a compound like "Inter-American" or "pan-African".
fn compound_part<'t>(
    exact: &impl Fn(usize) -> &'t str,
    words: &std::ops::Range<usize>,
    surface: &impl Fn(std::ops::Range<usize>) -> &'t str,
) -> bool {
    if words.start == 0 {
        return false;
    }
    let previous = words.start - 1;
    COMPOUND_PREFIXES.contains(&exact(previous)) && {
        let joined = surface(previous..words.end);
        let prefix = surface(previous..words.start);
        joined[prefix.len()..].starts_with('-')
    }
}

/// Bytes per word in the matcher's input.
const WORD_BYTES: usize = 4;

/// A word id as matcher input: three 7-bit digits, then a 0x80 end mark. The mark occurs only
/// at the end of a word, so a pattern (whole words) can only match at word boundaries.
fn encode(id: u32) -> [u8; WORD_BYTES] {
    debug_assert!(id < 1 << 21, "alias vocabulary too large");
    [
        (id >> 14 & 0x7f) as u8,
        (id >> 7 & 0x7f) as u8,
        (id & 0x7f) as u8,
        0x80,
    ]
}

/// How a word is compared with alias words: folded, without a possessive `'s`, and Cyrillic
/// words by stem (see `cyrillic_stem`).
pub fn match_form(exact: &str) -> std::borrow::Cow<'_, str> {
    let word = exact.strip_suffix("'s").unwrap_or(exact);
    match cyrillic_stem(word) {
        Some(stem) => std::borrow::Cow::Owned(stem),
        None => std::borrow::Cow::Borrowed(word),
    }
}

/// A passage's words laid out like alias [`key`]s — each word's [`match_form`] between single
/// spaces, words two spaces apart — so a key is found among them only as whole words.
#[derive(Debug, Default)]
pub struct FoldedWords {
    text: String,
}

impl FoldedWords {
    /// Lays out `words` (exact forms, in order), reusing the buffer.
    pub fn fill<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        self.text.clear();
        for word in words {
            push_key_word(&mut self.text, &match_form(word));
        }
    }

    /// Whether a [`key`] occurs among these words.
    pub fn contains(&self, key: &str) -> bool {
        self.text.contains(key)
    }
}

/// Appends one word to a key or a [`FoldedWords`] layout.
fn push_key_word(key: &mut String, form: &str) {
    key.push(' ');
    key.push_str(form);
    key.push(' ');
}

/// The matching key of an alias or query text: its words' [`match_form`]s laid out like
/// [`FoldedWords`]. The text is taken in Unicode form C, as passages are indexed, so a
/// decomposed `Tu\u{308}rkiye` has the key of `Türkiye`.
pub fn key(analyzer: &mut Analyzer, text: &str) -> String {
    let text = &*nfc(text);
    let mut key = String::with_capacity(text.len() + 8);
    for span in crate::analysis::word_spans(text) {
        let raw = &text[span];
        if raw.is_ascii() {
            // Most aliases: the match form is the lowercase word, no folding or stemming.
            let lower = raw.to_ascii_lowercase();
            push_key_word(&mut key, &match_form(&lower));
        } else {
            let exact = analyzer.exact_words(raw).pop().unwrap_or_default();
            push_key_word(&mut key, &match_form(&exact));
        }
    }
    key
}

/// An alias without a leading "the".
fn strip_article(alias: &str) -> &str {
    match alias.split_once(' ') {
        Some((the, rest)) if the.eq_ignore_ascii_case("the") && !rest.is_empty() => rest,
        _ => alias,
    }
}

/// Whether an alias is an acronym, matched only in its written case: 2–6 capitals, possibly
/// dotted or with digits (`US`, `U.S.`, `NATO`, `G20`), and no lowercase letter.
fn is_acronym(alias: &str) -> bool {
    let letters = alias.chars().filter(|c| c.is_alphabetic()).count();
    (2..=6).contains(&letters)
        && alias
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = "# test\n\
        united-states\tstate\tUnited States\tUnited States|US|U.S.|American\n\
        ukraine\tstate\tUkraine\tUkrainian\n\
        kyiv\tplace\tKyiv\tKiev|Київ\n\
        zelensky\tperson\tVolodymyr Zelensky\tZelensky|Zelenskyy|Зеленський\n";

    fn found(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
        let mut analyzer = Analyzer::new();
        let mut buffer = Vec::new();
        let (_, words) = analyzer.exact_spans(text, &mut buffer, false);
        let ids: Vec<u32> = words
            .iter()
            .map(|w| g.word_id(&match_form(w.exact)))
            .collect();
        let surface =
            |r: std::ops::Range<usize>| &text[words[r.start].span.start..words[r.end - 1].span.end];
        g.find(&ids, |i| words[i].exact, surface)
            .into_iter()
            .map(|m| {
                (
                    g.entity(m.entity).id.to_string(),
                    surface(m.words).to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn finds_aliases_folded_longest_first_on_word_boundaries() {
        let g = Gazetteer::parse(DATA).unwrap();
        assert_eq!(
            found(
                &g,
                "President Volodymyr Zelensky met United States envoys in Kyïv; Zelenskyy thanked KIEV"
            ),
            [
                ("zelensky".into(), "Volodymyr Zelensky".into()),
                ("united-states".into(), "United States".into()),
                ("kyiv".into(), "Kyïv".into()),
                ("zelensky".into(), "Zelenskyy".into()),
                ("kyiv".into(), "KIEV".into()),
            ]
        );
        assert_eq!(found(&g, "Ukrainians and Americans"), []);
        assert_eq!(
            found(&g, "Ukrainian and US officials; Kyiv’s allies"),
            [
                ("ukraine".into(), "Ukrainian".into()),
                ("united-states".into(), "US".into()),
                ("kyiv".into(), "Kyiv’s".into()),
            ]
        );
    }

    #[test]
    fn cyrillic_names_match_in_any_case_form() {
        let g = Gazetteer::parse(
            "moscow\tplace\tMoscow\tMoscow|Москва\n\
             united-states\tstate\tUnited States\tСполучені Штати\n",
        )
        .unwrap();
        assert_eq!(
            found(&g, "переговоры в Москве и Сполученим Штатам"),
            [
                ("moscow".into(), "Москве".into()),
                ("united-states".into(), "Сполученим Штатам".into()),
            ]
        );
    }

    #[test]
    fn acronyms_match_only_in_their_written_case() {
        let g = Gazetteer::parse(DATA).unwrap();
        assert_eq!(found(&g, "does not work for us"), []);
        assert_eq!(
            found(&g, "the US’s envoy and Inter-American talks"),
            [("united-states".into(), "US’s".into())]
        );
        assert_eq!(
            found(&g, "a US security guarantee; the U.S. draft; Us"),
            [
                ("united-states".into(), "US".into()),
                ("united-states".into(), "U.S".into()),
            ]
        );
    }

    #[test]
    fn lookup_by_id_or_any_alias() {
        let g = Gazetteer::parse(DATA).unwrap();
        let mut a = Analyzer::new();
        for q in [
            "zelensky",
            "Zelenskyy",
            "Зеленський",
            "Volodymyr Zelensky",
            "ZELENSKY",
        ] {
            assert_eq!(g.lookup(&mut a, q).map(|e| &*e.id), Some("zelensky"), "{q}");
        }
        assert_eq!(g.lookup(&mut a, "us").map(|e| &*e.id), None);
        assert_eq!(
            g.lookup(&mut a, "US").map(|e| &*e.id),
            Some("united-states")
        );
    }

    #[test]
    fn bad_data_names_the_line() {
        let cases = [
            ("a\tstate\tA\n", "line 1: expected 4 tab-separated columns"),
            (
                "a\tcity\tA\tA\n",
                "line 1: unknown entity type 'city' (types: person, state, org, place, unknown)",
            ),
            (
                "a\tstate\tA\tA\na\tstate\tB\tB\n",
                "line 2: duplicate id 'a'",
            ),
            (
                "a\tstate\tA\tX\nb\tstate\tB\tx\n",
                "line 2: alias 'x' of 'b' already belongs to another entity",
            ),
        ];
        for (data, want) in cases {
            assert_eq!(Gazetteer::parse(data).unwrap_err(), want);
        }
    }

    #[test]
    fn the_builtin_gazetteer_parses() {
        assert!(Gazetteer::builtin().entities().len() > 10);
    }

    #[test]
    fn the_builtin_data_is_in_unicode_form_c() {
        // Passages are indexed in form C; an alias written decomposed would still match (its
        // key is composed), but the data should say what it means.
        for (name, data) in [
            ("data/entities.tsv", BUILTIN),
            (
                "data/alias_keys.tsv",
                include_str!("../../data/alias_keys.tsv"),
            ),
        ] {
            for (n, line) in data.lines().enumerate() {
                assert!(
                    unicode_normalization::is_nfc(line),
                    "{name}: line {}: not in Unicode form C: {line}",
                    n + 1
                );
            }
        }
    }

    #[test]
    fn a_decomposed_name_resolves_like_a_composed_one() {
        let g = Gazetteer::builtin();
        let mut analyzer = Analyzer::new();
        for (text, id) in [
            ("Tu\u{308}rkiye", "turkey"),
            ("Republic of Tu\u{308}rkiye", "turkey"),
            ("Co\u{302}te d'Ivoire", "cote-divoire"),
            ("Côte d'Ivoire", "cote-divoire"),
        ] {
            assert_eq!(
                g.resolve_id(&mut analyzer, text).as_deref(),
                Some(id),
                "{text}"
            );
            assert_eq!(
                crate::entities::aliases::builtin_alias_id(&mut analyzer, text),
                Some(id),
                "{text}"
            );
        }
        // A name the gazetteer lacks gets the id of its composed spelling.
        assert_eq!(
            g.resolve_id(&mut analyzer, "Jose\u{301} Nun\u{303}ez")
                .as_deref(),
            Some("jose-nunez")
        );
    }
}
