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
use crate::corpus::Date;
use crate::corpus::clean::nfc;

/// The embedded gazetteer.
const BUILTIN: &str = include_str!("../../data/entities.tsv");

/// Honorifics and titles that may stand before a name in a speaker's metadata or an `@` query
/// but are no part of it, beside the abbreviated ones of `data/honorifics.tsv` (`Mr.`, `Mrs.`,
/// `Dr.`…): the personal titles the name heuristic leaves out of a name in the text, and the
/// forms of address the UNGDC records (`H.R.H. Prince Faisal`, `The Reverend …`).
const MORE_HONORIFICS: [&str; 30] = [
    "sir",
    "dame",
    "miss",
    "h.e.",
    "his excellency",
    "her excellency",
    "messrs.",
    "h.r.h.",
    "h.m.",
    "his majesty",
    "her majesty",
    "his royal highness",
    "her royal highness",
    "his highness",
    "her highness",
    "king",
    "queen",
    "prince",
    "princess",
    "sheikh",
    "shaikh",
    "sheikha",
    "emir",
    "sultan",
    "lord",
    "lady",
    "the reverend",
    "reverend",
    "archbishop",
    "general",
];

/// The honorifics a speaker's name may open with, lowercase: the recogniser's list
/// (`data/honorifics.tsv`) and [`MORE_HONORIFICS`].
fn honorifics() -> impl Iterator<Item = &'static str> {
    super::heuristic::HONORIFICS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::trim)
        .chain(MORE_HONORIFICS)
}

/// `name` without a leading honorific (`Mr. GROMYKO` → `GROMYKO`, `H.E. Mr. Kiselev` →
/// `Kiselev`); `name` itself when it has none, or nothing after it.
pub fn without_honorific(name: &str) -> &str {
    let mut name = name.trim();
    loop {
        let lower = name.to_lowercase();
        let mut stripped = None;
        for honorific in honorifics() {
            let Some(rest) = lower
                .starts_with(honorific)
                .then(|| name.get(honorific.len()..))
                .flatten()
            else {
                continue;
            };
            // Its punctuation, however typed (`Mr.`, `Mr . X`, `Mr, X`, `Mr.. X`, `Sir. X`),
            // then a space, or a letter right after the punctuation (`Mr.Facio`,
            // `Mr.de Magalhães Pinto`; not after `St.`, a saint's name's own). `Mrs` alone and
            // `Mrsa` are left as they are.
            let after = rest
                .trim_start()
                .trim_start_matches(['.', ',', ';', ':', '-']);
            let spaced =
                rest.starts_with(char::is_whitespace) || after.starts_with(char::is_whitespace);
            let glued = after.len() < rest.len()
                && honorific != "st"
                && after.starts_with(char::is_alphabetic);
            if (spaced || glued) && after.chars().any(char::is_alphabetic) {
                stripped = Some(after.trim_start());
                break;
            }
        }
        match stripped {
            Some(rest) => name = rest,
            None => return name,
        }
    }
}

/// Whether `name` is an honorific alone (`Mr`, `Mr.`, `H.E.`), with nothing after it.
pub fn is_honorific(name: &str) -> bool {
    let lower = name
        .trim()
        .trim_end_matches(['.', ',', ';', ':', '-'])
        .to_lowercase();
    !lower.is_empty() && honorifics().any(|h| h.trim_end_matches('.') == lower)
}

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

/// The days an alias means its entity, inclusive, as days since 1970-01-01; `None` is open.
///
/// Written after the alias in the data: `Republic of China [..1971-10-24]`,
/// `Republic of China [1971-10-25..]`, `Congo [1960-06-30..1971-10-26]`. Each end is a date
/// at day, month or year precision; a start means its first day, an end its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    /// First day, if bounded.
    pub from: Option<i64>,
    /// Last day, if bounded.
    pub to: Option<i64>,
}

impl Period {
    /// Always valid.
    pub const ALWAYS: Period = Period {
        from: None,
        to: None,
    };

    /// Whether `day` falls inside; an undated text (`None`) is read as of today, which every
    /// period without an end contains.
    pub fn contains(&self, day: Option<i64>) -> bool {
        match day {
            Some(day) => self.from.is_none_or(|f| f <= day) && self.to.is_none_or(|t| day <= t),
            None => self.to.is_none(),
        }
    }

    fn overlaps(&self, other: &Period) -> bool {
        let (lo, hi) = (
            self.from.max(other.from),
            match (self.to, other.to) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        );
        match (lo, hi) {
            (Some(lo), Some(hi)) => lo <= hi,
            _ => true,
        }
    }

    /// Parses `FROM..TO` (either end may be empty).
    fn parse(text: &str) -> Result<Period, String> {
        let Some((from, to)) = text.split_once("..") else {
            return Err(format!("period '[{text}]' is not FROM..TO"));
        };
        let date = |s: &str| -> Result<Option<Date>, String> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            s.parse::<Date>()
                .map(Some)
                .map_err(|e| format!("in period '[{text}]': {e}"))
        };
        let period = Period {
            from: date(from)?.map(|d| d.first_day()),
            to: date(to)?.map(|d| d.last_day()),
        };
        if period == Period::ALWAYS {
            return Err(format!("period '[{text}]' has no bound"));
        }
        if let (Some(f), Some(t)) = (period.from, period.to)
            && f > t
        {
            return Err(format!("period '[{text}]' ends before it starts"));
        }
        Ok(period)
    }
}

/// The day an article's aliases are read at: the middle day of its date, so a date known only
/// to the year (`1971`) is read at 2 July. The middle is the day nearest to all the days the
/// date may stand for; a boundary inside that year is placed by which half of the year it is in.
pub fn reading_day(date: &Date) -> i64 {
    (date.first_day() + date.last_day()).div_euclid(2)
}

/// Splits `alias [FROM..TO]` into the alias and its period.
fn split_period(alias: &str) -> Result<(&str, Period), String> {
    match alias.strip_suffix(']').and_then(|a| a.rsplit_once('[')) {
        Some((name, period)) => Ok((name.trim_end(), Period::parse(period)?)),
        None => Ok((alias, Period::ALWAYS)),
    }
}

/// One alias as matched: its entity and, for acronyms, the exact text required.
#[derive(Debug, Clone)]
struct Alias {
    entity: usize,
    /// The alias as written in the data.
    text: Arc<str>,
    /// For acronyms: the text of the matched words as written (`US`, `U.S`).
    exact_case: Option<String>,
    /// When the alias means this entity.
    period: Period,
    /// Whether it names the entity only when its words are capitalised (`^` in the data): a
    /// name made of ordinary words ("Law and Justice", a party) is prose in lower case.
    capitalised: bool,
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
    /// Each key's words, encoded (see [`encode`]), in the order of the gazetteer's keys.
    patterns: Vec<Vec<u8>>,
    /// The days on which some alias starts or stops meaning its entity, sorted: they cut time
    /// into epochs in which every alias means one thing (epoch `i` ends before `bounds[i]`).
    bounds: Vec<i64>,
    /// Each epoch's matcher, built when a text of that epoch is first scanned.
    epochs: Vec<OnceLock<Epoch>>,
    /// People by their folded surname, where one person alone has it.
    surnames: FxHashMap<String, usize>,
}

/// Matching within one epoch: only the keys that mean something then are patterns, so the
/// longest alias of the time wins ("Republic of the Congo" in 1962 is not a name, and the
/// "Congo" inside it is).
struct Epoch {
    /// Matches the epoch's keys; pattern `i` is key `keys[i]`.
    matcher: AhoCorasick,
    keys: Vec<u32>,
    /// By word id: the key that is that word alone, if any. A run of one vocabulary word
    /// (the commonest) can only match that, so it needs no scan.
    single: Vec<Option<u32>>,
}

impl Epoch {
    /// Adds the leftmost-longest matches among the words `run` (all of them vocabulary words)
    /// to `matches`, as word ranges and keys.
    fn scan(
        &self,
        ids: &[u32],
        run: std::ops::Range<usize>,
        bytes: &mut Vec<u8>,
        matches: &mut Vec<(std::ops::Range<usize>, usize)>,
    ) {
        let start = run.start;
        if run.len() == 1 {
            let single = self.single[ids[start] as usize];
            matches.extend(single.map(|key| (run, key as usize)));
            return;
        }
        bytes.clear();
        for &id in &ids[run] {
            bytes.extend_from_slice(&encode(id));
        }
        // Every match is word-aligned: see `encode`.
        matches.extend(self.matcher.find_iter(&bytes[..]).map(|m| {
            let words = start + m.start() / WORD_BYTES..start + m.end() / WORD_BYTES;
            (words, self.keys[m.pattern().as_usize()] as usize)
        }));
    }
}

impl Matching {
    fn build(keys: &[String], aliases: &[Vec<Alias>], entities: &[Entity]) -> Matching {
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
        let mut bounds: Vec<i64> = aliases
            .iter()
            .flatten()
            .flat_map(|a| [a.period.from, a.period.to.map(|t| t + 1)])
            .flatten()
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        let epochs = (0..=bounds.len()).map(|_| OnceLock::new()).collect();
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
            patterns,
            bounds,
            epochs,
            surnames,
        }
    }

    /// The matcher for texts read at `day` (`None`: today).
    fn epoch(&self, aliases: &[Vec<Alias>], day: Option<i64>) -> &Epoch {
        let i = day.map_or(self.bounds.len(), |d| {
            self.bounds.partition_point(|&b| b <= d)
        });
        self.epochs[i].get_or_init(|| {
            // A day inside the epoch: every alias means the same on all of its days.
            let day = match i {
                _ if self.bounds.is_empty() => day,
                0 => Some(self.bounds[0] - 1),
                i => Some(self.bounds[i - 1]),
            };
            let keys: Vec<u32> = (0..aliases.len() as u32)
                .filter(|&k| aliases[k as usize].iter().any(|a| a.period.contains(day)))
                .collect();
            let matcher = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(keys.iter().map(|&k| &self.patterns[k as usize]))
                .expect("alias patterns are plain bytes");
            let mut single = vec![None; self.word_ids.len() + 1];
            for &k in &keys {
                if let [a, b, c, _] = self.patterns[k as usize][..] {
                    let id = u32::from(a) << 14 | u32::from(b) << 7 | u32::from(c);
                    single[id as usize] = Some(k);
                }
            }
            Epoch {
                matcher,
                keys,
                single,
            }
        })
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

    /// A fingerprint of the shipped gazetteer data and the heuristic's word lists: an index
    /// whose entities were recognised with other data is rebuilt rather than updated.
    pub fn builtin_fingerprint() -> String {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(BUILTIN.as_bytes());
        // The name heuristic's word lists change what is recognised too.
        for data in super::heuristic::DATA {
            hasher.update(data.as_bytes());
        }
        hasher.update(super::heuristic::RULES.as_bytes());
        // So do attribution's cue words and country names, and how speakers' names are read.
        hasher.update(super::attribution::DATA.as_bytes());
        hasher.update(super::attribution::SPEAKER_RULES.as_bytes());
        hasher.update(super::attribution::COUNTRY_CODES.as_bytes());
        format!("{:016x}", hasher.digest())
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
            // The name is an alias too, for all time unless the list bounds it.
            let mut all: Vec<(String, Period, bool)> = Vec::new();
            for alias in spellings
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                let (alias, period) = split_period(alias)
                    .map_err(|e| format!("line {line_no}: alias '{alias}': {e}"))?;
                let (alias, capitalised) = match alias.strip_prefix('^') {
                    Some(rest) => (rest.trim_start(), true),
                    None => (alias, false),
                };
                if !all.iter().any(|(a, p, _)| a == alias && *p == period) {
                    all.push((alias.to_owned(), period, capitalised));
                }
            }
            if !all.iter().any(|(a, _, _)| a == name) {
                all.insert(0, (name.to_owned(), Period::ALWAYS, false));
            }
            // A body of the United Nations is written "UN …" and "U.N. …" as often as in full
            // ("UN Population Fund"): those spellings are its aliases too.
            if kind == Kind::Org {
                let shortened: Vec<(String, Period, bool)> = all
                    .iter()
                    .filter_map(|(a, p, c)| Some((a.strip_prefix("United Nations ")?, *p, *c)))
                    .flat_map(|(rest, p, c)| {
                        [format!("UN {rest}"), format!("U.N. {rest}")].map(|a| (a, p, c))
                    })
                    .collect();
                for (alias, period, capitalised) in shortened {
                    if !all.iter().any(|(a, p, _)| *a == alias && *p == period) {
                        all.push((alias, period, capitalised));
                    }
                }
            }
            for (alias, period, capitalised) in &all {
                let (period, capitalised) = (*period, *capitalised);
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
                // Two entities may share a key only in different periods ("Republic of China"),
                // or as acronyms written differently (none do today, but case tells them apart).
                let clash = slot.iter().any(|a| {
                    a.entity != index
                        && a.period.overlaps(&period)
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
                    .any(|a| a.entity == index && a.exact_case == exact_case && a.period == period)
                {
                    slot.push(Alias {
                        entity: index,
                        text: alias.into(),
                        exact_case,
                        period,
                        capitalised,
                    });
                }
            }
            let mut names: Vec<String> = Vec::with_capacity(all.len());
            for (alias, _, _) in all {
                if !names.contains(&alias) {
                    names.push(alias);
                }
            }
            entities.push(Entity {
                id: id.into(),
                kind,
                name: name.into(),
                aliases: names,
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
            .get_or_init(|| Matching::build(&self.keys, &self.aliases, &self.entities))
    }

    /// The entity a query names: by id, or by any alias in any case (`@usa` is `@USA`: the
    /// query names an entity explicitly, so the acronym rule for text does not apply).
    pub fn lookup(&self, analyzer: &mut Analyzer, text: &str) -> Option<&Entity> {
        self.by_id(&text.to_lowercase())
            .or_else(|| self.lookup_alias_any_case(analyzer, text))
    }

    /// The id a query means by `text`: a known entity's (by id or alias), or else the id a name
    /// the gazetteer lacks is indexed under (its folded words joined by `-`: `Joseph Garba` →
    /// `joseph-garba`); `None` when `text` has no words.
    pub fn resolve_id(&self, analyzer: &mut Analyzer, text: &str) -> Option<String> {
        let text = &*nfc(text);
        if let Some(entity) = self.lookup(analyzer, text) {
            return Some(entity.id.to_string());
        }
        // `Mr. Gromyko`, as the text's mentions are recognised: the name without its honorific.
        let name = without_honorific(text);
        if let Some(entity) = self.lookup(analyzer, name) {
            return Some(entity.id.to_string());
        }
        let words = analyzer.exact_words(name);
        (!words.is_empty()).then(|| words.join("-"))
    }

    /// The entity one of whose aliases is `text` (acronyms in their written case). An alias
    /// that has meant several entities over time names the one it means today, or else the one
    /// it meant last ("Kampuchea" is Cambodia; "Republic of China" is Taiwan).
    pub fn lookup_alias(&self, analyzer: &mut Analyzer, text: &str) -> Option<&Entity> {
        let aliases = &self.aliases[*self.by_key.get(&key(analyzer, text))?];
        let written = text.trim_end_matches('.');
        preferred(
            aliases
                .iter()
                .filter(|a| a.exact_case.as_deref().is_none_or(|c| c == written)),
        )
        .map(|a| &self.entities[a.entity])
    }

    /// Like [`Gazetteer::lookup_alias`], but an acronym in any case: what `@usa` names, as a
    /// query after `@` names an entity explicitly.
    pub fn lookup_alias_any_case(&self, analyzer: &mut Analyzer, text: &str) -> Option<&Entity> {
        self.lookup_alias(analyzer, text).or_else(|| {
            let aliases = &self.aliases[*self.by_key.get(&key(analyzer, text))?];
            preferred(aliases.iter()).map(|a| &self.entities[a.entity])
        })
    }

    /// Every alias as (key, entity id, the case an acronym must be written in), keys in
    /// first-seen order and each key's aliases in the order a query prefers them (see
    /// [`Gazetteer::lookup_alias`]): what [`super::aliases`] tabulates.
    #[cfg(test)]
    pub(super) fn alias_rows(&self) -> impl Iterator<Item = (&str, &str, Option<&str>)> {
        self.keys
            .iter()
            .zip(&self.aliases)
            .flat_map(move |(key, aliases)| {
                let mut aliases: Vec<&Alias> = aliases.iter().collect();
                // Stable: today's meaning first, then the latest.
                aliases.sort_by_key(|a| std::cmp::Reverse(a.period.to.unwrap_or(i64::MAX)));
                aliases.into_iter().map(move |a| {
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

    /// Finds aliases among a passage's words, leftmost-longest, as they were meant on `day`
    /// (see [`reading_day`]; `None`: today): `ids` are the words' [`Gazetteer::word_id`]s, `exact` gives a word's folded form and `surface` the original
    /// text of a word range (for the acronym case check).
    pub fn find<'t>(
        &self,
        day: Option<i64>,
        ids: &[u32],
        exact: impl Fn(usize) -> &'t str,
        surface: impl Fn(std::ops::Range<usize>) -> &'t str,
    ) -> Vec<Match> {
        let mut out = Vec::new();
        if ids.iter().all(|&id| id == 0) {
            return out;
        }
        let matching = self.matching();
        let epoch = matching.epoch(&self.aliases, day);
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
            epoch.scan(ids, start..at, &mut bytes, &mut matches);
        }
        let mut rescanned = false;
        let mut next = 0;
        while next < matches.len() {
            let (words, pattern) = matches[next].clone();
            next += 1;
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
            let dated = |a: &&Alias| {
                a.period.contains(day) && a.exact_case.as_deref().is_none_or(|c| c == written)
            };
            if let Some(alias) = aliases
                .iter()
                .filter(dated)
                .find(|a| !a.capitalised || capitalised(written))
            {
                out.push(Match {
                    entity: alias.entity,
                    alias: alias.text.clone(),
                    words,
                });
            } else if words.len() > 1 && aliases.iter().any(|a| dated(&a)) {
                // A name that must be capitalised, written in lower case, is prose; a shorter
                // name may still stand inside it: from the same first word ("East Azerbaijan
                // province" is East Azerbaijan, not the "East Azerbaijan Province" written
                // in lower case), else after it ("central Europe" is Europe).
                let mut shorter = Vec::new();
                epoch.scan(ids, words.start..words.end - 1, &mut bytes, &mut shorter);
                match shorter.into_iter().find(|(w, _)| w.start == words.start) {
                    Some(first) => {
                        let rest = first.0.end..words.end;
                        matches.push(first);
                        epoch.scan(ids, rest, &mut bytes, &mut matches);
                    }
                    None => epoch.scan(ids, words.start + 1..words.end, &mut bytes, &mut matches),
                }
                rescanned = true;
            }
        }
        if rescanned {
            out.sort_by_key(|m| m.words.start);
        }
        out
    }
}

/// Whether every word of a name as written starts with a capital, short particles ("and",
/// "of", "the", "de") aside: "Law and Justice" but not "law and justice" nor, opening a
/// sentence, "Law and justice".
fn capitalised(written: &str) -> bool {
    let upper = |w: &str| w.starts_with(|c: char| !c.is_lowercase());
    let mut words = written
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty());
    words.next().is_some_and(upper) && words.all(|w| upper(w) || w.chars().count() <= 3)
}

/// Of the aliases a query may mean, the one meaning its entity today, else the latest; file
/// order breaks ties.
fn preferred<'a>(aliases: impl Iterator<Item = &'a Alias>) -> Option<&'a Alias> {
    aliases.fold(None, |best: Option<&Alias>, a| match best {
        Some(b) if b.period.to.unwrap_or(i64::MAX) >= a.period.to.unwrap_or(i64::MAX) => Some(b),
        _ => Some(a),
    })
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
pub(super) fn is_acronym(alias: &str) -> bool {
    let letters = alias.chars().filter(|c| c.is_alphabetic()).count();
    (2..=6).contains(&letters)
        && alias
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_honorific_before_a_name_is_left_out() {
        for (name, bare) in [
            ("Mr. GROMYKO", "GROMYKO"),
            ("MR. Gromyko", "Gromyko"),
            ("Mrs Indira Gandhi", "Indira Gandhi"),
            ("H.E. Mr. Kiselev", "Kiselev"),
            ("His Excellency Sir Geoffrey Howe", "Geoffrey Howe"),
            ("Dr. Ralph Bunche", "Ralph Bunche"),
            // Nothing after it, no space after it, or no honorific: as written.
            ("Mr.", "Mr."),
            ("Mr. ,", "Mr. ,"),
            // A period typed apart, other punctuation, or no space after it (UNGDC speakers).
            ("Mr . MBON IMPA", "MBON IMPA"),
            ("Mr.de Magalhães Pinto", "de Magalhães Pinto"),
            ("Mr, KAMOUGUE", "KAMOUGUE"),
            (
                "Mr.. Abdurrahman Mohamed SHALGHEM",
                "Abdurrahman Mohamed SHALGHEM",
            ),
            ("Mr- Sharp", "Sharp"),
            ("Sir. Claude Corea", "Claude Corea"),
            ("St.Lucia", "St.Lucia"),
            ("Mr.Facio", "Facio"),
            ("Mr.Mr. Mahe 'Uli'Uli TUPOUNIUA", "Mahe 'Uli'Uli TUPOUNIUA"),
            ("Ms.Ulla Tørnæs", "Ulla Tørnæs"),
            ("S.M. Krishna", "S.M. Krishna"),
            ("Mrsa Kovač", "Mrsa Kovač"),
            ("Sirimavo Bandaranaike", "Sirimavo Bandaranaike"),
            ("Mr;", "Mr;"),
            ("King Mswati III", "Mswati III"),
            ("H.R.H. Prince Faisal", "Faisal"),
            ("The Reverend Benjamin Nuñez", "Benjamin Nuñez"),
            ("Lord HOME", "HOME"),
            ("Kingsley Amis", "Kingsley Amis"),
            ("  Andrei Gromyko ", "Andrei Gromyko"),
        ] {
            assert_eq!(without_honorific(name), bare, "{name}");
        }
        assert!(is_honorific("Mr") && is_honorific(" MR. ") && is_honorific("H.E."));
        assert!(!is_honorific("Mrsa") && !is_honorific("") && !is_honorific("Mr X"));
    }

    const DATA: &str = "# test\n\
        united-states\tstate\tUnited States\tUnited States|US|U.S.|American\n\
        ukraine\tstate\tUkraine\tUkrainian\n\
        kyiv\tplace\tKyiv\tKiev|Київ\n\
        zelensky\tperson\tVolodymyr Zelensky\tZelensky|Zelenskyy|Зеленський\n";

    fn found(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
        found_on(g, None, text)
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
    fn a_name_of_ordinary_words_marked_capitalised_matches_only_capitalised() {
        let g = Gazetteer::parse(
            "pis\torg\tLaw and Justice\t^Law and Justice|PiS\n\
             un\torg\tUnited Nations\tUnited Nations\n",
        )
        .unwrap();
        assert_eq!(
            found(
                &g,
                "Law and Justice won; PiS and the united nations agreed."
            ),
            [
                ("pis".into(), "Law and Justice".into()),
                ("pis".into(), "PiS".into()),
                ("un".into(), "united nations".into()),
            ]
        );
        // In lower case, or opening a sentence with its other words in lower case, it is prose.
        assert_eq!(
            found(
                &g,
                "Law and justice must prevail; respect for law and justice."
            ),
            []
        );
        assert_eq!(g.entity(0).aliases, ["Law and Justice", "PiS"]);
        // A shorter name inside one written in lower case still counts.
        let g = Gazetteer::parse(
            "central-europe\tplace\tCentral Europe\t^Central Europe\n\
             europe\tplace\tEurope\tEurope\n",
        )
        .unwrap();
        assert_eq!(
            found(&g, "events in central Europe and in Central Europe"),
            [
                ("europe".into(), "Europe".into()),
                ("central-europe".into(), "Central Europe".into()),
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
        // In text an acronym matches only as written; a query naming an entity (`@usa`)
        // ignores case.
        assert_eq!(g.lookup_alias(&mut a, "us").map(|e| &*e.id), None);
        for q in ["us", "US", "Us", "u.s."] {
            assert_eq!(
                g.lookup(&mut a, q).map(|e| &*e.id),
                Some("united-states"),
                "{q}"
            );
        }
    }

    const DATED: &str = "china\tstate\tChina\tChina|Republic of China [..1971-10-25]\n\
        taiwan\tstate\tTaiwan\tTaiwan|Republic of China [1971-10-26..]\n\
        drc\tstate\tDR Congo\tZaire|Congo [1960-06-30..1971-10-26]\n\
        congo\tstate\tRepublic of the Congo\tRepublic of the Congo [1964-08-01..]|Congo [1971-10-27..1997-05-16]\n";

    fn found_on(g: &Gazetteer, date: Option<&str>, text: &str) -> Vec<(String, String)> {
        let day = date.map(|d| reading_day(&d.parse().unwrap()));
        let mut analyzer = Analyzer::new();
        let mut buffer = Vec::new();
        let (_, words) = analyzer.exact_spans(text, &mut buffer);
        let ids: Vec<u32> = words
            .iter()
            .map(|w| g.word_id(&match_form(w.exact)))
            .collect();
        let surface =
            |r: std::ops::Range<usize>| &text[words[r.start].span.start..words[r.end - 1].span.end];
        g.find(day, &ids, |i| words[i].exact, surface)
            .into_iter()
            .map(|m| (g.entity(m.entity).id.to_string(), surface(m.words).into()))
            .collect()
    }

    #[test]
    fn a_dated_alias_means_what_it_meant_on_the_articles_date() {
        let g = Gazetteer::parse(DATED).unwrap();
        let text = "the Republic of China and the Congo";
        let on = |date| found_on(&g, date, text);
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            on(Some("1960")),
            [pair("china", "Republic of China"), pair("drc", "Congo")]
        );
        // A year is read at its middle day: 1971 is before the vote of 25 October.
        assert_eq!(
            on(Some("1971")),
            [pair("china", "Republic of China"), pair("drc", "Congo")]
        );
        assert_eq!(
            on(Some("1971-10-25"))[0],
            pair("china", "Republic of China")
        );
        assert_eq!(
            on(Some("1971-10-26"))[0],
            pair("taiwan", "Republic of China")
        );
        assert_eq!(
            on(Some("1980")),
            [pair("taiwan", "Republic of China"), pair("congo", "Congo")]
        );
        // Today: "Congo" alone means nothing; undated text is read as of today.
        assert_eq!(on(Some("2010")), [pair("taiwan", "Republic of China")]);
        assert_eq!(on(None), [pair("taiwan", "Republic of China")]);
        // The longest name of the time wins: in 1962 "Republic of the Congo" is not yet bound,
        // so the "Congo" inside it is found.
        assert_eq!(
            found_on(&g, Some("1962"), "the Republic of the Congo"),
            [pair("drc", "Congo")]
        );
        assert_eq!(
            found_on(&g, Some("1980"), "the Republic of the Congo"),
            [pair("congo", "Republic of the Congo")]
        );
        // Before any period: nothing.
        assert_eq!(found_on(&g, Some("1950"), "the Congo"), []);
    }

    #[test]
    fn a_query_takes_a_dated_alias_in_its_meaning_of_today_or_its_latest() {
        let g = Gazetteer::parse(DATED).unwrap();
        let mut a = Analyzer::new();
        let id = |a: &mut Analyzer, q| g.lookup(a, q).map(|e| e.id.to_string());
        assert_eq!(id(&mut a, "Republic of China").as_deref(), Some("taiwan"));
        assert_eq!(id(&mut a, "Congo").as_deref(), Some("congo"));
        assert_eq!(id(&mut a, "Zaire").as_deref(), Some("drc"));
    }

    #[test]
    fn periods_are_checked() {
        let cases = [
            (
                "a\tstate\tA\tX [1990..1980]\n",
                "line 1: alias 'X [1990..1980]': period '[1990..1980]' ends before it starts",
            ),
            (
                "a\tstate\tA\tX [..]\n",
                "line 1: alias 'X [..]': period '[..]' has no bound",
            ),
            (
                "a\tstate\tA\tX [1990]\n",
                "line 1: alias 'X [1990]': period '[1990]' is not FROM..TO",
            ),
            (
                "a\tstate\tA\tX [1990-13..]\n",
                "line 1: alias 'X [1990-13..]': in period '[1990-13..]': invalid date '1990-13': month 13 does not exist",
            ),
            (
                "a\tstate\tA\tX [..1990]\nb\tstate\tB\tX [1990-06..]\n",
                "line 2: alias 'X' of 'b' already belongs to another entity",
            ),
        ];
        for (data, want) in cases {
            assert_eq!(Gazetteer::parse(data).unwrap_err(), want, "{data}");
        }
        assert!(Gazetteer::parse("a\tstate\tA\tX [..1990]\nb\tstate\tB\tX [1991..]\n").is_ok());
    }

    #[test]
    fn the_builtin_gazetteer_reads_historic_names_by_date() {
        let g = Gazetteer::builtin();
        let ids = |date: &str, text: &str| -> Vec<String> {
            found_on(g, Some(date), text)
                .into_iter()
                .map(|(id, _)| id)
                .collect()
        };
        let text = "the Republic of China, the Russians, Yugoslavia, the Congo, the Czechs";
        assert_eq!(
            ids("1960", text),
            ["china", "ussr", "yugoslavia", "drc", "czechoslovakia"]
        );
        assert_eq!(
            ids("1985", text),
            [
                "taiwan",
                "ussr",
                "yugoslavia",
                "republic-of-the-congo",
                "czechoslovakia"
            ]
        );
        assert_eq!(
            ids("1995", text),
            [
                "taiwan",
                "russia",
                "serbia",
                "republic-of-the-congo",
                "czechia"
            ]
        );
        assert_eq!(
            ids("2010", text),
            ["taiwan", "russia", "yugoslavia", "czechia"]
        );
        assert_eq!(ids("1995", "the former Yugoslavia"), ["yugoslavia"]);
        assert_eq!(
            ids(
                "1980",
                "Democratic Kampuchea, Zaire, Ceylon, Burma, the German Democratic Republic, Democratic Yemen"
            ),
            [
                "cambodia",
                "drc",
                "sri-lanka",
                "myanmar",
                "east-germany",
                "south-yemen"
            ]
        );
        assert_eq!(ids("1965", "the People's Republic of China"), ["china"]);
        assert_eq!(ids("1985", "the People's Republic of China"), ["china"]);
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
