//! Entities: people, states, organisations and places, recognised in passages at index time.
//!
//! Two passes per passage:
//! 1. the [`gazetteer`] finds known entities under any of their spellings;
//! 2. the `heuristic` pass proposes names the gazetteer lacks — capitalised word sequences,
//!    typed `person` when a title introduces them ("Kremlin aide Yuri Ushakov", "Mr. Joseph
//!    Garba"), `org` when they carry an organisation word, `unknown` otherwise.
//!
//! A [`Recognizer`] lives for one article at a time: a person met with a full name is
//! remembered, so a later surname alone ("Garba said") resolves to the same entity.
//!
//! The same gazetteer answers queries (`@zelensky`, `@Зеленський`), so index and query agree.

pub(crate) mod aliases;
pub mod attribution;
pub mod eval;
pub mod gazetteer;
pub(crate) mod heuristic;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analysis::{Analyzer, SpannedForm};
use crate::corpus::Date;
use gazetteer::FoldedWords;
pub use gazetteer::{Entity, Gazetteer, Kind};

/// Words that, anywhere in the passage, show that an alias means something else: Georgia the
/// US state is not Georgia the country.
const VETOES: &[(&str, &[&str])] = &[(
    "georgia",
    &[
        "atlanta",
        "state of georgia",
        "georgia state",
        "u.s. state",
        "us state",
        "american state",
        "savannah",
        "governor of georgia",
        "georgia governor",
        "georgia senator",
        "senator from georgia",
        "georgia republican",
        "georgia democrat",
    ],
)];

/// Prefix of the entity tokens indexed in the text field: `@zelensky`.
pub const ENTITY_PREFIX: char = '@';

/// One recognised mention in a passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Canonical id.
    pub id: Arc<str>,
    /// What it is.
    #[serde(rename = "type", with = "kind_serde")]
    pub kind: Kind,
    /// Display name.
    pub name: Arc<str>,
    /// The spelling that matched: a gazetteer alias, or the name as written.
    pub alias: Arc<str>,
    /// Byte range in the passage text.
    pub span: Range<usize>,
    /// Word positions covered (as indexed).
    #[serde(skip)]
    pub words: Range<usize>,
}

mod kind_serde {
    use super::Kind;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(kind: &Kind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A word of a passage as recognition sees it.
#[derive(Debug, Clone, Copy)]
pub struct WordRef<'a> {
    /// Byte range in the passage text.
    pub span: (usize, usize),
    /// Folded exact form.
    pub exact: &'a str,
}

/// Recognises entities in the passages of one article after another.
///
/// ```
/// use attache::analysis::Analyzer;
/// use attache::entities::{Gazetteer, Recognizer};
///
/// let text = "Kremlin aide Yuri Ushakov said; Ushakov added that the US would not.";
/// let mut recognizer = Recognizer::new(Gazetteer::builtin());
/// let mentions = recognizer.recognize(&mut Analyzer::new(), text);
/// let ids: Vec<&str> = mentions.iter().map(|m| &*m.id).collect();
/// assert_eq!(ids, ["kremlin", "ushakov", "ushakov", "united-states"]);
/// ```
pub struct Recognizer<'g> {
    gazetteer: &'g Gazetteer,
    analyzer: crate::analysis::Analyzer,
    folded: FoldedWords,
    /// Entities (by index) with the keys of the words that veto them ([`VETOES`]).
    vetoes: Vec<(usize, Vec<String>)>,
    /// People met so far in this article, by folded surname: (id, kind, name).
    people: HashMap<String, (Arc<str>, Kind, Arc<str>)>,
    /// Names of two or three uncommon words met so far in this article that nothing typed
    /// ("Călin Georgescu"), by their folded last word: (id, name). The last word alone later
    /// ("Georgescu said") makes both a person's.
    untyped: HashMap<String, (Arc<str>, Arc<str>)>,
    /// Acronyms bracketed after a name so far in this article (folded).
    acronyms: std::collections::HashSet<String>,
    /// The initials of names of several words met so far in this article (folded: "rsf" for
    /// "Rapid Support Forces"), with the entity each stands for: (id, kind, name).
    initials: HashMap<String, (Arc<str>, Kind, Arc<str>)>,
    /// Per form index of the caller's analyzer: the alias-vocabulary id and the heuristic list
    /// bits of that spelling, so each distinct spelling is looked up once.
    memo: Vec<Option<(u32, u16)>>,
    /// The analyzer generation `memo` belongs to.
    generation: u64,
    spans: Vec<(Range<usize>, u32)>,
    /// The day the current article's aliases are read at (`None`: today).
    day: Option<i64>,
}

impl<'g> Recognizer<'g> {
    /// A recognizer over `gazetteer`.
    pub fn new(gazetteer: &'g Gazetteer) -> Recognizer<'g> {
        let mut analyzer = crate::analysis::Analyzer::new();
        let vetoes = VETOES
            .iter()
            .filter_map(|(id, cues)| {
                let entity = gazetteer.index_of(id)?;
                let keys = cues
                    .iter()
                    .map(|cue| gazetteer::key(&mut analyzer, cue))
                    .collect();
                Some((entity, keys))
            })
            .collect();
        Recognizer {
            gazetteer,
            analyzer,
            folded: FoldedWords::default(),
            vetoes,
            people: HashMap::new(),
            untyped: HashMap::new(),
            acronyms: std::collections::HashSet::new(),
            initials: HashMap::new(),
            memo: Vec::new(),
            generation: 0,
            spans: Vec::new(),
            day: None,
        }
    }

    /// The gazetteer it recognises with.
    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.gazetteer
    }

    /// Forgets the people and acronyms of the previous article; the next is undated, so its
    /// aliases are read as they are meant today.
    pub fn start_article(&mut self) {
        self.forget_article();
        self.day = None;
    }

    /// Forgets the people and acronyms of the previous article; the next is dated `date`, and
    /// its aliases are read as they were meant then (see [`gazetteer::reading_day`]):
    /// "Republic of China" is China's seat in 1960 and Taiwan in 1980.
    pub fn start_article_on(&mut self, date: &Date) {
        self.forget_article();
        self.day = Some(gazetteer::reading_day(date));
    }

    /// Forgets the people, acronyms and initials met so far in the article (its day stays):
    /// what reading a name outside the text taught is not the text's.
    pub(crate) fn forget_article(&mut self) {
        self.people.clear();
        self.untyped.clear();
        self.acronyms.clear();
        self.initials.clear();
    }

    /// The mentions in one passage, in text order; `analyzer` splits it into words (one
    /// analyzer per recognizer, as its spellings are remembered between passages).
    pub fn recognize(&mut self, analyzer: &mut Analyzer, text: &str) -> Vec<Mention> {
        let mut spans = std::mem::take(&mut self.spans);
        let (generation, words) = analyzer.exact_spans(text, &mut spans);
        let mentions = self.recognize_words(text, generation, &words);
        self.spans = spans;
        mentions
    }

    /// The mentions in one passage whose words an analyzer of the given cache generation has
    /// already looked up (see [`Analyzer::exact_spans`]).
    pub fn recognize_words(
        &mut self,
        text: &str,
        generation: u64,
        found: &[SpannedForm<'_>],
    ) -> Vec<Mention> {
        if generation != self.generation {
            self.generation = generation;
            self.memo.clear();
        }
        let mut ids = Vec::with_capacity(found.len());
        let mut lists = Vec::with_capacity(found.len());
        let mut words = Vec::with_capacity(found.len());
        for word in found {
            let (exact, span) = (word.exact, &word.span);
            words.push(WordRef {
                span: (span.start, span.end),
                exact,
            });
            let form = word.form as usize;
            if form >= self.memo.len() {
                self.memo.resize(form + 1, None);
            }
            let (id, list) = *self.memo[form].get_or_insert_with(|| {
                (
                    self.gazetteer.word_id(&gazetteer::match_form(exact)),
                    heuristic::list_bits(exact),
                )
            });
            ids.push(id);
            lists.push(list);
        }
        heuristic::mark_dotted_honorifics(text, &words, &mut lists);
        self.passage(text, &words, &ids, &lists)
    }

    /// The mentions in one passage given its words, their alias-vocabulary ids and list bits.
    fn passage(
        &mut self,
        text: &str,
        words: &[WordRef<'_>],
        ids: &[u32],
        lists: &[u16],
    ) -> Vec<Mention> {
        let surface =
            |r: Range<usize>| -> Range<usize> { words[r.start].span.0..words[r.end - 1].span.1 };
        let mut found =
            self.gazetteer
                .find(self.day, ids, |i| words[i].exact, |r| &text[surface(r)]);
        let vetoable = |m: &gazetteer::Match| self.vetoes.iter().find(|(e, _)| *e == m.entity);
        // Words of a name vetoed here ("Atlanta, Georgia"): no name of their own either.
        let mut vetoed = Vec::new();
        if found.iter().any(|m| vetoable(m).is_some()) {
            let folded = &mut self.folded;
            folded.fill(words.iter().map(|w| w.exact));
            found.retain(|m| {
                let keep = vetoable(m)
                    .is_none_or(|(_, cues)| !cues.iter().any(|cue| folded.contains(cue)));
                if !keep {
                    vetoed.push(m.words.clone());
                }
                keep
            });
        }
        // A one-word name written in lower case where it is also a common word is that word
        // ("the pacific settlement of disputes", "in the anchorage").
        found.retain(|m| {
            !(m.words.len() == 1
                && lists[m.words.start] & heuristic::list::COMMON != 0
                && text[words[m.words.start].span.0..].starts_with(|c: char| c.is_lowercase()))
        });
        let mut mentions: Vec<Mention> = found
            .into_iter()
            .map(|m| {
                let entity = self.gazetteer.entity(m.entity);
                let mut span = surface(m.words.clone());
                // An alias that ends in a bracket spans it ("Congo (Leopoldville)").
                if m.alias.ends_with(')') && text[span.end..].starts_with(')') {
                    span.end += 1;
                }
                // A person's name leaves out the title an alias holds ("President Xi", "General
                // de Gaulle").
                let mut words_of = m.words;
                while entity.kind == Kind::Person
                    && words_of.len() > 1
                    && heuristic::list_bits(words[words_of.start].exact)
                        & (heuristic::TITLE | heuristic::PERSONAL)
                        != 0
                {
                    words_of.start += 1;
                    span.start = words[words_of.start].span.0;
                }
                Mention {
                    id: entity.id.clone(),
                    kind: entity.kind,
                    name: entity.name.clone(),
                    alias: m.alias,
                    span,
                    words: words_of,
                }
            })
            .collect();
        let view = heuristic::View::new(text, words, lists);
        let mut covered = vec![false; words.len()];
        for m in &mentions {
            covered[m.words.clone()].fill(true);
        }
        // A known person's surname inside a longer name is someone else's ("Ellen Johnson
        // Sirleaf"), and so is a place's name after a title ("President Santiago Peña"): the
        // name is left to the heuristic.
        let before = mentions.len();
        mentions.retain(|m| {
            let at = m.words.start;
            !(m.words.len() == 1
                && match m.kind {
                    Kind::Person => heuristic::runs_on(&view, &covered, at),
                    Kind::Place | Kind::State => heuristic::titled_given_name(&view, &covered, at),
                    _ => false,
                })
        });
        if mentions.len() < before {
            covered.fill(false);
            for m in &mentions {
                covered[m.words.clone()].fill(true);
            }
        }
        // A known body's name after a capitalised word of its own is a longer name's tail
        // ("Supreme National Security Council"): the longer name is the mention.
        for m in &mut mentions {
            if m.kind == Kind::Org
                && m.words.len() > 1
                && heuristic::opens_longer_body(&view, &covered, m.words.start)
            {
                let first = m.words.start - 1;
                covered[first] = true;
                *m = named(text, words, first..m.words.end, Kind::Org);
            }
        }
        // A known body "of the United Nations" is the same body, one mention ("the General
        // Assembly of the United Nations").
        let mut i = 0;
        while i + 1 < mentions.len() {
            let (body, un) = (&mentions[i], &mentions[i + 1]);
            if body.kind == Kind::Org
                && &*un.id == "un"
                && body.words.end + 2 == un.words.start
                && text[body.span.end..un.span.start] == *" of the "
            {
                let (end, last) = (un.span.end, un.words.end);
                let body = &mut mentions[i];
                covered[body.words.end..last].fill(true);
                body.span.end = end;
                body.words.end = last;
                mentions.remove(i + 1);
            }
            i += 1;
        }
        // "UN" or "U.N." written before a known body's name is part of that name ("U.N.
        // Office for the Coordination of Humanitarian Affairs", "the United Nations Office for
        // …"): one mention of the body.
        let mut i = 0;
        while i + 1 < mentions.len() {
            let (un, body) = (&mentions[i], &mentions[i + 1]);
            if &*un.id == "un"
                && body.kind == Kind::Org
                && &*body.id != "un"
                && un.words.end == body.words.start
                && matches!(&text[un.span.end..body.span.start], " " | ". ")
                && !text[un.span.clone()].contains(['\'', '’'])
                && !gazetteer::is_acronym(&body.alias)
            {
                let (start, first) = (un.span.start, un.words.start);
                let body = &mut mentions[i + 1];
                body.span.start = start;
                body.words.start = first;
                body.alias = text[body.span.clone()].into();
                mentions.remove(i);
                continue;
            }
            i += 1;
        }
        // A known place before a facility's head names the facility ("Vilnius International
        // Airport"); before "Strait", the strait it is ("Bab el-Mandeb Strait").
        for m in &mut mentions {
            if !matches!(m.kind, Kind::Place | Kind::State) {
                continue;
            }
            if let Some(end) = heuristic::place_head_after(&view, &covered, m.words.end) {
                covered[m.words.end..end].fill(true);
                // The head of the entity's own name ("Syrian Golan" + "Heights" is the Golan
                // Heights), or a strait named without it, is the same place.
                let head = words[end - 1].exact;
                let same = m.kind == Kind::Place
                    && end == m.words.end + 1
                    && (matches!(head, "strait" | "straits")
                        || m.name.split_whitespace().any(|w| w.to_lowercase() == head));
                if same {
                    m.words.end = end;
                    m.span.end = words[end - 1].span.1;
                } else {
                    *m = named(text, words, m.words.start..end, Kind::Place);
                }
            }
        }
        // A long organisation name is one mention, not the known entities inside it.
        let mut states = vec![false; words.len()];
        for m in mentions.iter().filter(|m| m.kind == Kind::State) {
            states[m.words.clone()].fill(true);
        }
        for org in heuristic::org_spans(&view, &covered, &states) {
            mentions.retain(|m| m.words.end <= org.start || m.words.start >= org.end);
            covered[org.clone()].fill(true);
            mentions.push(named(text, words, org, Kind::Org));
        }
        // A compass point before a continent or region names a region of it ("West Africa").
        for m in &mut mentions {
            if m.kind == Kind::Place && *m.alias == *m.name {
                let first = heuristic::compass_before(&view, &covered, m.words.start);
                if first < m.words.start {
                    covered[first..m.words.start].fill(true);
                    m.words.start = first;
                    m.span.start = words[first].span.0;
                    m.id = heuristic::slug(words, m.words.clone()).into();
                    m.name = text[m.span.clone()].into();
                    m.alias = m.name.clone();
                }
            }
        }
        // Given names before a known person's surname belong to the mention, when they can be
        // that person's: an uncommon first name whose initial none of the entity's full names
        // has names someone else of that surname ("Raisa Gorbachev", "Nane Annan"), a person
        // of their own.
        for m in &mut mentions {
            if m.kind == Kind::Person {
                let first = heuristic::given_names(&view, &covered, m.words.start);
                if first < m.words.start {
                    covered[first..m.words.start].fill(true);
                    // The words that can only be names: not particles or initials ("El-Sadat",
                    // "H.E.", "U Thant"), titles or common words ("Comrade").
                    use heuristic::list;
                    let not_names = list::CONNECTOR
                        | list::HONORIFIC
                        | list::TITLE
                        | list::PERSONAL
                        | list::FILLER
                        | list::GENERIC
                        | list::COMMON;
                    let names_in = |range: Range<usize>| -> Vec<&str> {
                        range
                            .filter(|&i| {
                                lists[i] & not_names == 0 && words[i].exact.chars().nth(2).is_some()
                            })
                            .map(|i| words[i].exact)
                            .collect()
                    };
                    let given = names_in(first..m.words.start);
                    // A given name that makes another known person's name with the surname
                    // is that person ("Ilham Heydar Aliyev" is Ilham Aliyev, Heydar's son).
                    let surname = words[m.words.end - 1].exact;
                    let other = given.iter().find_map(|name| {
                        let full = format!("{name} {surname}");
                        self.gazetteer
                            .lookup_alias(&mut self.analyzer, &full)
                            .filter(|e| e.kind == Kind::Person && e.id != m.id)
                            .map(|e| (e, full))
                    });
                    if let Some((entity, full)) = other {
                        *m = named(text, words, first..m.words.end, Kind::Person);
                        m.id = entity.id.clone();
                        m.name = entity.name.clone();
                        m.alias = match entity
                            .aliases
                            .iter()
                            .find(|a| a.eq_ignore_ascii_case(&full))
                        {
                            Some(alias) => alias.as_str().into(),
                            None => full.into(),
                        };
                        continue;
                    }
                    // A name matched whole ("Hosni Mubarak") has its given name already; a
                    // name hyphened to the surname is a pair's ("the Hitler-Stalin pact"),
                    // unless given names that cannot be the person's come before the pair
                    // ("Nkosazana Dlamini-Zuma" is not Jacob Zuma).
                    let surname_only = !m.alias.contains(' ');
                    let before = words[m.words.start - 1].span.1..words[m.words.start].span.0;
                    let hyphened = text[before].contains(['-', '‐', '–']);
                    let fit = match hyphened {
                        false => self.given_names_fit(&m.id, &given),
                        true => self.given_names_fit(&m.id, &names_in(first..m.words.start - 1)),
                    };
                    if surname_only && !fit {
                        *m = named(text, words, first..m.words.end, Kind::Person);
                        continue;
                    }
                    m.words.start = first;
                    m.span.start = words[first].span.0;
                }
            }
        }
        for m in &mentions {
            if m.kind == Kind::Person {
                self.remember(m);
            }
        }
        let mut proposing = covered.clone();
        for words in vetoed {
            proposing[words].fill(true);
        }
        let mut places = vec![false; words.len()];
        for m in mentions.iter().filter(|m| m.kind == Kind::Place) {
            places[m.words.clone()].fill(true);
        }
        for proposal in heuristic::propose(&view, &proposing, &places) {
            // A surname alone ("Georgescu"), or hyphened to its particle ("Al-Jalali").
            let single = proposal.words.len() == 1 || particled(text, words, &proposal.words);
            // A surname alone: a person met earlier in the article, or the one known person
            // with that surname when a title introduces it ("Mr. Lie"), or a name nothing
            // typed, which its surname alone makes a person's ("Călin Georgescu …
            // Georgescu said").
            let known = if single {
                self.people.get(proposal.key).cloned().or_else(|| {
                    (proposal.kind == Kind::Person)
                        .then(|| self.gazetteer.person_by_surname(proposal.key))
                        .flatten()
                        .map(|e| (e.id.clone(), e.kind, e.name.clone()))
                        .or_else(|| {
                            let (id, name) = self.untyped.get(proposal.key)?.clone();
                            for m in mentions.iter_mut().filter(|m| m.id == id) {
                                m.kind = Kind::Person;
                            }
                            Some((id, Kind::Person, name))
                        })
                })
            } else {
                None
            };
            if known.is_none()
                && (proposal.common
                    || (single && !matches!(proposal.kind, Kind::Person | Kind::Place)))
            {
                continue;
            }
            let mention = match known {
                Some((id, kind, name)) => {
                    let span = surface(proposal.words.clone());
                    Mention {
                        id,
                        kind,
                        name,
                        alias: text[span.clone()].into(),
                        span,
                        words: proposal.words,
                    }
                }
                None => named(text, words, proposal.words, proposal.kind),
            };
            if mention.kind == Kind::Person {
                self.remember(&mention);
            } else if mention.kind == Kind::Unknown {
                self.remember_untyped(text, words, &mention);
            }
            mentions.push(mention);
        }
        // Nothing inside the name of a document is an entity of its own ("the Camp David
        // agreements", "Budapest Memorandum").
        let gazetteer = self.gazetteer;
        mentions.retain(|m| {
            let known = gazetteer.by_id(&m.id).is_some();
            !heuristic::in_document_name(&view, m.words.clone(), known)
        });
        // An acronym bracketed after a name is an organisation's, and so is the same acronym
        // later in the article ("the Community of Portuguese-speaking Countries (CPLP)").
        let mut covered = vec![false; words.len()];
        for m in &mentions {
            covered[m.words.clone()].fill(true);
        }
        for i in heuristic::bracketed_acronyms(&view) {
            if !covered[i] {
                self.acronyms.insert(words[i].exact.to_owned());
            }
        }
        // A name of several words stands for its initials later in the article ("the Rapid
        // Support Forces … RSF commanders").
        for m in &mentions {
            if let Some(initials) = initials_of(text, words, m) {
                self.initials
                    .entry(initials)
                    .or_insert_with(|| (m.id.clone(), m.kind, m.name.clone()));
            }
        }
        if !self.acronyms.is_empty() || !self.initials.is_empty() {
            for (i, word) in words.iter().enumerate() {
                let written = &text[word.span.0..word.span.1];
                if covered[i] || !written.chars().all(|c| c.is_ascii_uppercase()) {
                    continue;
                }
                // An acronym that is the initials of a name met in the article stands for
                // it, bracketed after it or not ("the Syrian Democratic Forces (SDF)").
                if let Some((id, kind, name)) = self.initials.get(word.exact) {
                    mentions.push(Mention {
                        id: id.clone(),
                        kind: *kind,
                        name: name.clone(),
                        alias: written.into(),
                        span: word.span.0..word.span.1,
                        words: i..i + 1,
                    });
                } else if self.acronyms.contains(word.exact) {
                    mentions.push(named(text, words, i..i + 1, Kind::Org));
                }
            }
        }
        mentions.sort_by_key(|m| m.words.start);
        mentions
    }

    /// Whether the folded names `given`, written before the known person `id`'s surname, may
    /// be that person's: one of them has the initial of the first word of one of the person's
    /// names of several words (`Mikhail`, `M. S.`, `Mikhael` for `Mikhail Gorbachev`; `Mohammad
    /// Ashraf` for `Ashraf Ghani`), is that word's ending (`Itzhak` for `Yitzhak`) or one edit
    /// from it (`Conrad` for `Konrad`), or there is nothing to tell: no given name, or no name
    /// of several words.
    fn given_names_fit(&self, id: &str, given: &[&str]) -> bool {
        let Some(entity) = self.gazetteer.by_id(id) else {
            return true;
        };
        let firsts: Vec<String> = entity
            .aliases
            .iter()
            .filter_map(|alias| alias.split_once(' ').map(|(first, _)| first.to_lowercase()))
            .collect();
        let fits = |name: &str| {
            firsts.iter().any(|first| {
                initial(first) == initial(name)
                    || name.len() >= 4 && (first.ends_with(name) || one_edit_apart(first, name))
            })
        };
        given.is_empty() || firsts.is_empty() || given.iter().any(|name| fits(name))
    }

    /// Remembers a name nothing typed by its last word, when it has two or three words
    /// apart by single spaces, each on no word list, the last of at least three letters and
    /// no plural ("Rohingya Muslims"): a person's name more often than not, which a later
    /// surname alone confirms. Hyphened pairs ("Sudano-Sahelian", "Vance-Owen") are not.
    fn remember_untyped(&mut self, text: &str, words: &[WordRef<'_>], mention: &Mention) {
        let range = mention.words.clone();
        if !(2..=3).contains(&range.len()) {
            return;
        }
        let name_like =
            |w: &WordRef<'_>| w.exact.chars().count() >= 2 && heuristic::list_bits(w.exact) == 0;
        let spaced = (range.start + 1..range.end)
            .all(|w| text.get(words[w - 1].span.1..words[w].span.0) == Some(" "));
        // An acronym is no part of a person's name ("Sinopharm COVID", "KAL Boeing").
        let cased = words[range.clone()].iter().all(|w| {
            text[w.span.0..w.span.1]
                .chars()
                .skip(1)
                .any(char::is_lowercase)
        });
        if !spaced || !cased || !words[range.clone()].iter().all(name_like) {
            return;
        }
        let last = words[range.end - 1].exact;
        // "Muslims", "Jews", "Arabs": a plural names a people.
        let plural = last.len() > 3
            && last.ends_with('s')
            && !last[..last.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u', 's']);
        if last.chars().count() >= 3 && !plural && !self.people.contains_key(last) {
            let entry = (mention.id.clone(), mention.name.clone());
            self.untyped.entry(last.to_owned()).or_insert(entry);
        }
    }

    /// Remembers a person by the surname of their full name, for later surname-only mentions.
    fn remember(&mut self, mention: &Mention) {
        let words = self.analyzer.exact_words(&mention.name);
        if let [first, .., surname] = words.as_slice() {
            let surname = surname.strip_suffix("'s").unwrap_or(surname).to_owned();
            let entry = (mention.id.clone(), mention.kind, mention.name.clone());
            // The first word stands for the person too where it is the family name ("Yoon Suk
            // Yeol", "Li Qiang": a short first word) or the name a patronymic follows
            // ("Mohamed bin Zayed" is Sheikh Mohamed).
            let first_too = first.chars().count() <= 4
                || words
                    .iter()
                    .any(|w| matches!(w.as_str(), "bin" | "ibn" | "bint"));
            if first_too
                && heuristic::list_bits(first) & (heuristic::TITLE | heuristic::PERSONAL) == 0
            {
                self.people
                    .entry(first.clone())
                    .or_insert_with(|| entry.clone());
            }
            self.people.entry(surname).or_insert(entry);
        }
    }
}

/// Whether the name at `range` is a particle hyphened to one word ("Al-Jalali", "el-Sisi"),
/// which stands for a surname alone.
fn particled(text: &str, words: &[WordRef<'_>], range: &Range<usize>) -> bool {
    range.len() == 2
        && matches!(
            words[range.start].exact,
            "al" | "el" | "ad" | "as" | "ash" | "at" | "az"
        )
        && text[words[range.start].span.1..words[range.start + 1].span.0] == *"-"
}

/// The folded initials of a mention of an organisation or an unknown kind whose name has two
/// to six capitalised words ("rsf" for "Rapid Support Forces"; "of", "the" left out).
fn initials_of(text: &str, words: &[WordRef<'_>], m: &Mention) -> Option<String> {
    if !matches!(m.kind, Kind::Org | Kind::Unknown) || m.words.len() < 2 {
        return None;
    }
    let mut initials = String::new();
    for word in &words[m.words.clone()] {
        let first = text[word.span.0..word.span.1].chars().next()?;
        if first.is_uppercase() {
            initials.extend(first.to_lowercase());
        }
    }
    (2..=6)
        .contains(&initials.chars().count())
        .then_some(initials)
}

/// A name the text spells that the gazetteer does not give: the words `range` as written, with
/// the id of their folded words (`heuristic::slug`).
/// Whether `a` and `b` differ by one character replaced, added or removed.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let same_start = short.iter().zip(&long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 => short[same_start..]
            .iter()
            .skip(1)
            .eq(long[same_start..].iter().skip(1)),
        1 => short[same_start..].iter().eq(long[same_start + 1..].iter()),
        _ => false,
    }
}

/// The first letter of `word`, lowercased and without its accent (`É` → `e`, `М` → `м`).
fn initial(word: &str) -> Option<char> {
    let c = word.chars().next()?.to_lowercase().next()?;
    let mut base = None;
    unicode_normalization::char::decompose_canonical(c, |d| {
        base.get_or_insert(d);
    });
    base.or(Some(c))
}

fn named(text: &str, words: &[WordRef<'_>], range: Range<usize>, kind: Kind) -> Mention {
    let span = words[range.start].span.0..words[range.end - 1].span.1;
    let written: Arc<str> = text[span.clone()].into();
    Mention {
        id: heuristic::slug(words, range.clone()).into(),
        kind,
        name: written.clone(),
        alias: written,
        span,
        words: range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        let mut recognizer = Recognizer::new(Gazetteer::builtin());
        recognizer
            .recognize(&mut Analyzer::new(), text)
            .iter()
            .map(|m| m.id.to_string())
            .collect()
    }

    #[test]
    fn a_given_name_the_known_person_cannot_have_names_someone_else() {
        // A relative, or another person of that surname: a person of their own.
        assert_eq!(
            ids("Raisa Gorbachev visited the school."),
            ["raisa-gorbachev"]
        );
        assert_eq!(ids("Nane Annan spoke."), ["nane-annan"]);
        // The person's own given names, initials, a misspelling, a given name more than the
        // gazetteer's, titles and honorifics, a pair hyphened: the known person.
        for text in [
            "Mikhail Gorbachev spoke.",
            "Mikhail S. Gorbachev spoke.",
            "Mikhael Gorbachev spoke.",
            "Comrade Gorbachev spoke.",
            "Herr Gorbachev spoke.",
            "Imam Gorbachev spoke.",
            "Mohamed Hosni Mubarak spoke.",
        ] {
            let found = ids(text);
            assert!(
                found == ["gorbachev"] || found == ["mubarak"],
                "{text}: {found:?}"
            );
        }
        // A given name misspelt by one letter is the person's.
        assert_eq!(ids("Conrad Adenauer spoke."), ["adenauer"]);
        assert!(one_edit_apart("konrad", "conrad") && one_edit_apart("mikhail", "mikhal"));
        assert!(one_edit_apart("leopold", "leopolds") && !one_edit_apart("heydar", "gaider"));
        assert_eq!(
            ids("The Gromyko-Gorbachev talks."),
            ["gromyko", "gorbachev"]
        );
        assert_eq!(ids("The Zorin-Gorbachev talks."), ["gorbachev"]);
        // A given name that makes another known person's name with the surname: that person
        // (a son named with his father's name); given names before a pair hyphened that cannot
        // be the person's: a person of their own.
        assert_eq!(ids("Ilham Heydar Aliyev spoke."), ["ilham-aliyev"]);
        assert_eq!(ids("Heydar Aliyev spoke."), ["heydar-aliyev"]);
        assert_eq!(
            ids("Nkosazana Dlamini-Zuma spoke."),
            ["nkosazana-dlamini-zuma"]
        );
        assert_eq!(ids("Jacob Zuma spoke."), ["zuma"]);
    }

    #[test]
    fn our_organisation_before_a_state_is_no_body_of_its_own() {
        assert_eq!(
            ids("We welcome the admission to our Organization of the Czech Republic."),
            ["czechia"]
        );
        // A body's name with a state in it is the body.
        assert_eq!(
            ids("The ruling of the Court of Bosnia and Herzegovina stands."),
            ["court-of-bosnia-and-herzegovina"]
        );
    }

    #[test]
    fn capitalised_common_words_are_no_person_and_no_entity() {
        for text in [
            "We welcome the one hundred and fiftieth State Member of the United Nations.",
            "I speak as the Head of Government of a newly independent country.",
            "Police made arrests; His Majesty's Government agreed.",
            "the Declaration on the Granting of Independence to Colonial Countries and Peoples",
            "On the centenary of the First World War we met.",
        ] {
            let found = ids(text);
            assert!(
                found
                    .iter()
                    .all(|id| Gazetteer::builtin().by_id(id).is_some()),
                "{text}: {found:?}"
            );
        }
        // A known person's surname is still a person, a name with an uncommon word still a
        // name, and a place word makes common words a place's name.
        assert_eq!(ids("Mr. Lie opened the session."), ["trygve-lie"]);
        assert_eq!(ids("We thank Ambassador Jarring."), ["jarring"]);
        assert_eq!(ids("Prime Minister Ian Smith declared."), ["ian-smith"]);
        assert_eq!(ids("They marched across Red Square."), ["red-square"]);
        // A police force's name is a body's ("National Police" alone too).
        assert_eq!(
            ids("The Haitian National Police made arrests."),
            ["haitian-national-police"]
        );
    }

    fn spans(text: &str) -> Vec<(String, String)> {
        let mut recognizer = Recognizer::new(Gazetteer::builtin());
        recognizer
            .recognize(&mut Analyzer::new(), text)
            .iter()
            .map(|m| (text[m.span.clone()].to_owned(), m.id.to_string()))
            .collect()
    }

    /// The mentions' spans as written.
    fn names(text: &str) -> Vec<String> {
        spans(text).into_iter().map(|(s, _)| s).collect()
    }

    /// `spans`, in an article dated `date`.
    fn spans_on(date: &str, text: &str) -> Vec<(String, String)> {
        let mut recognizer = Recognizer::new(Gazetteer::builtin());
        recognizer.start_article_on(&date.parse().unwrap());
        recognizer
            .recognize(&mut Analyzer::new(), text)
            .iter()
            .map(|m| (text[m.span.clone()].to_owned(), m.id.to_string()))
            .collect()
    }

    #[test]
    fn a_shared_surname_names_the_person_of_its_years_only() {
        let vance = |date| spans_on(date, "We support the efforts of Secretary Vance.");
        assert_eq!(vance("1978"), [("Vance".into(), "cyrus-vance".into())]);
        assert_eq!(vance("2025-11-24"), [("Vance".into(), "jd-vance".into())]);
        let bush = |date| spans_on(date, "President Bush spoke.");
        assert_eq!(bush("1990"), [("Bush".into(), "george-h-w-bush".into())]);
        assert_eq!(bush("2003"), [("Bush".into(), "george-w-bush".into())]);
        // Outside every period the surname is only a name the text spells.
        assert_eq!(bush("1997"), [("Bush".into(), "bush".into())]);
        // "DDR" is East Germany only while there was one.
        let ddr = |date| spans_on(date, "The DDR delegation left.");
        assert_eq!(ddr("1975"), [("DDR".into(), "east-germany".into())]);
        assert_eq!(ddr("2019"), []);
    }

    #[test]
    fn a_known_surname_inside_a_longer_name_is_not_that_person() {
        assert_eq!(
            spans_on("2020", "We honour Ellen Johnson Sirleaf today."),
            [(
                "Ellen Johnson Sirleaf".into(),
                "ellen-johnson-sirleaf".into()
            )]
        );
        // Office words after the surname keep it: his administration is his.
        assert_eq!(
            spans_on("2020", "The Johnson Government agreed."),
            [("Johnson".into(), "boris-johnson".into())]
        );
        assert_eq!(
            spans_on("1987", "Mr. Javier Peres de Cuellar spoke."),
            [(
                "Javier Peres de Cuellar".into(),
                "javier-peres-de-cuellar".into()
            )]
        );
    }

    #[test]
    fn a_known_name_that_is_also_a_common_word_owns_a_body_by_its_possessive() {
        // "tusk" is a common word; Donald Tusk's name still ends at his possessive.
        assert_eq!(
            spans_on("2025", "a vote in Donald Tusk's Civic Coalition today"),
            [
                ("Donald Tusk's".into(), "tusk".into()),
                ("Civic Coalition".into(), "civic-coalition".into())
            ]
        );
    }

    #[test]
    fn a_title_after_of_introduces_someone_not_a_longer_name() {
        assert_eq!(
            names("the mayor Anna Kowalczyk of Prime Minister Donald Tusk's Civic Coalition said"),
            ["Anna Kowalczyk", "Donald Tusk's", "Civic Coalition"]
        );
        // A possessive before a known body's name owns it rather than opening a longer name.
        assert_eq!(
            spans_on("2024", "the vote for Milojko Spajić's Europe Now Movement"),
            [("Europe Now Movement".into(), "europe-now".into())]
        );
        assert_eq!(
            names("Teodor Lungu of President Maia Sandu's party spoke"),
            ["Teodor Lungu", "Maia Sandu's"]
        );
        // A title's own "of" still joins it ("Secretary of State" names the person after it).
        assert_eq!(
            names("said Secretary of State Marco Rubio."),
            ["Marco Rubio"]
        );
    }

    #[test]
    fn a_place_named_after_a_title_is_a_given_name() {
        assert_eq!(
            spans_on(
                "2024",
                "President Santiago Peña met Foreign Minister Israel Katz."
            ),
            [
                ("Santiago Peña".into(), "santiago-pena".into()),
                ("Israel Katz".into(), "israel-katz".into())
            ]
        );
        // A place after a title's domain is the place ("Secretary of State", "Foreign").
        assert_eq!(
            ids("the Foreign Minister of Israel and the Minister of State Israel Radio quoted"),
            ["israel", "israel"]
        );
    }

    #[test]
    fn religious_titles_are_no_part_of_the_name() {
        assert_eq!(
            names("talks between Mullah Abdul Ghani Baradar and Patriarch Kirill"),
            ["Abdul Ghani Baradar", "Kirill"]
        );
    }

    #[test]
    fn a_possessive_ends_a_name() {
        assert_eq!(
            spans_on("1964", "Mr. Stevenson's Government directed it."),
            [("Stevenson's".into(), "stevenson".into())]
        );
    }

    #[test]
    fn person_names_keep_particles_and_syllables_and_leave_titles_out() {
        assert_eq!(
            names("Japan's Chief Cabinet Secretary Yoshimasa Hayashi said"),
            ["Japan's", "Yoshimasa Hayashi"]
        );
        assert_eq!(
            names("Qatar's Prime Minister Sheikh Mohammed bin Abdulrahman Al Thani said"),
            ["Qatar's", "Mohammed bin Abdulrahman Al Thani"]
        );
        assert_eq!(
            names("congratulations to Father Miguel d’Escoto Brockmann on his election"),
            ["Miguel d’Escoto Brockmann"]
        );
        assert_eq!(
            names("days after Lai Ching-te was sworn in; Tsai Ing-wen left"),
            ["Lai Ching-te", "Tsai Ing-wen"]
        );
        // A lower-case word after a hyphen is no syllable of a name without a name before it.
        assert!(names("The Non-aligned and Anti-war groups met.").is_empty());
        // A person's title in a gazetteer alias is not part of the mention.
        assert_eq!(
            spans("Chinese President Xi Jinping spoke; President Xi left."),
            [
                ("Chinese".to_owned(), "china".to_owned()),
                ("Xi Jinping".to_owned(), "xi".to_owned()),
                ("Xi".to_owned(), "xi".to_owned())
            ]
        );
        // An honorific inside a name does not cut it.
        assert_eq!(
            names("President Hassan Sheikh Mohamud said"),
            ["Hassan Sheikh Mohamud"]
        );
        // Particles after a title open the name; several of them run on inside one.
        assert_eq!(
            names("We congratulate Mr. von Wechmar and Mr. Hans van den Broek."),
            ["von Wechmar", "Hans van den Broek"]
        );
        // A particle hyphened to a name is part of it.
        assert_eq!(
            names("Israel threatens the Al-Aqsa Mosque, said Mr. al-Khalidi."),
            ["Israel", "Al-Aqsa Mosque", "al-Khalidi"]
        );
        // A title makes a middle initial of the letter after a common word.
        assert_eq!(
            names("Prime Minister Múte B. Egede said so. Annex B. Members met."),
            ["Múte B. Egede"]
        );
    }

    #[test]
    fn the_government_of_a_state_heads_no_longer_body() {
        assert_eq!(
            spans_on(
                "1961-06-01",
                "The Government of the Congo for the United Nations Force asked for help."
            ),
            [
                ("Congo".to_owned(), "drc".to_owned()),
                ("United Nations".to_owned(), "un".to_owned())
            ]
        );
        // A body of a state stays one ("Supreme Court of Canada").
        assert_eq!(
            names("the Bank of England and the Supreme Court of Canada met"),
            ["Bank of England", "Supreme Court of Canada"]
        );
    }

    #[test]
    fn a_family_name_before_two_hyphened_syllables_is_a_person() {
        // Family names and syllables that are English words too, with a title and without,
        // opening a sentence or not.
        for (text, name) in [
            (
                "Speaker Woo Won-shik declared the decree void.",
                "Woo Won-shik",
            ),
            ("Park Geun-hye was removed from office.", "Park Geun-hye"),
            ("The talks of Moon Jae-in and others ended.", "Moon Jae-in"),
            ("He said Lee Jae-myung had won.", "Lee Jae-myung"),
        ] {
            let found = spans(text);
            assert!(found.iter().any(|(s, _)| s == name), "{text}: {found:?}");
        }
        let mut recognizer = Recognizer::new(Gazetteer::builtin());
        let found = recognizer.recognize(&mut Analyzer::new(), "Yoon Suk-yeol met Roh Moo-hyun.");
        let people: Vec<(&str, Kind)> = found.iter().map(|m| (&*m.name, m.kind)).collect();
        assert_eq!(
            people,
            [
                ("Yoon Suk-yeol", Kind::Person),
                ("Roh Moo-hyun", Kind::Person)
            ]
        );
        // Without a family name before them, lower-case syllables stay out of names.
        assert!(names("The Non-aligned and Anti-war groups met.").is_empty());
    }

    #[test]
    fn a_surname_alone_makes_an_untyped_name_a_persons() {
        let kinds = |text: &str| {
            let mut recognizer = Recognizer::new(Gazetteer::builtin());
            recognizer.start_article();
            let found = recognizer.recognize(&mut Analyzer::new(), text);
            let kinds: Vec<(String, String, Kind)> = found
                .iter()
                .map(|m| (text[m.span.clone()].to_owned(), m.id.to_string(), m.kind))
                .collect();
            kinds
        };
        let georgescu = |s: &str| (s.to_owned(), "calin-georgescu".to_owned(), Kind::Person);
        assert_eq!(
            kinds("The outsider Călin Georgescu was leading. Georgescu called it a coup."),
            [georgescu("Călin Georgescu"), georgescu("Georgescu")]
        );
        // Without the surname alone, nothing says whose name it is.
        assert_eq!(
            kinds("The outsider Călin Georgescu was leading."),
            [(
                "Călin Georgescu".into(),
                "calin-georgescu".into(),
                Kind::Unknown
            )]
        );
        // A surname hyphened to its particle is the surname alone.
        let jalali = |s: &str| {
            (
                s.to_owned(),
                "mohammed-ghazi-al-jalali".to_owned(),
                Kind::Person,
            )
        };
        assert_eq!(
            kinds("Prime Minister Mohammed Ghazi al-Jalali spoke. Al-Jalali added more."),
            [jalali("Mohammed Ghazi al-Jalali"), jalali("Al-Jalali")]
        );
    }

    #[test]
    fn a_shorter_capitalised_name_stands_inside_one_written_in_lower_case() {
        // "East Azerbaijan Province" must be capitalised; "East Azerbaijan" is still there.
        assert_eq!(
            spans("They died in the mountains of East Azerbaijan province."),
            [("East Azerbaijan".into(), "east-azerbaijan".into())]
        );
        assert_eq!(
            spans("Clashes broke out in Upper Nile state."),
            [("Upper Nile".into(), "upper-nile".into())]
        );
    }

    #[test]
    fn police_forces_and_centres_name_bodies() {
        assert_eq!(
            names("National Police Commissioner Mike Duheme said so."),
            ["National Police", "Mike Duheme"]
        );
        assert_eq!(
            names("Scientists at the Centers for Disease Control and Prevention in Atlanta."),
            ["Centers for Disease Control and Prevention", "Atlanta"]
        );
        // With a known name inside, and a title's name after.
        assert_eq!(
            names("The Africa Centres for Disease Control and Prevention declared it."),
            ["Africa Centres for Disease Control and Prevention"]
        );
        assert_eq!(
            names("Royal Canadian Mounted Police Commissioner Mike Duheme said so."),
            ["Royal Canadian Mounted Police", "Mike Duheme"]
        );
        // Two bodies, or a body and a person, stay apart.
        assert_eq!(
            names("The Ministry of Agriculture and Fisheries and the Security Council met."),
            ["Ministry of Agriculture and Fisheries", "Security Council"]
        );
    }

    #[test]
    fn a_role_after_a_name_makes_it_a_persons_and_the_surname_follows() {
        let mut recognizer = Recognizer::new(Gazetteer::builtin());
        let mut analyzer = Analyzer::new();
        recognizer.start_article();
        for (text, who) in [
            (
                "Mazloum Abdi, commander of the forces, signed. Abdi said it was a chance.",
                "mazloum-abdi",
            ),
            (
                "Kamil Idris, a former director, spoke. The Council said Idris would lead.",
                "kamil-idris",
            ),
            (
                "The army appointed Rafiq Oduya as prime minister. Oduya agreed.",
                "rafiq-oduya",
            ),
            (
                "Tamsin Vore, the chairwoman, left. Vore said so.",
                "tamsin-vore",
            ),
        ] {
            let found = recognizer.recognize(&mut analyzer, text);
            let of_who: Vec<Kind> = found
                .iter()
                .filter(|m| &*m.id == who)
                .map(|m| m.kind)
                .collect();
            assert_eq!(of_who, [Kind::Person, Kind::Person], "{text}: {found:?}");
        }
        // A name without a role, or after "the", is not made a person.
        for text in [
            "Sabina Shoal, a reef, lies west.",
            "the Monterrey Consensus, in particular official aid, helps.",
            "the Vardo Front, commander of nothing, fled.",
        ] {
            let found = recognizer.recognize(&mut analyzer, text);
            assert!(found.iter().all(|m| m.kind != Kind::Person), "{found:?}");
        }
    }

    #[test]
    fn two_names_hyphened_before_a_railway_are_two_places() {
        assert_eq!(
            names("They discussed the Kars-Gyumri railway and the Ardvan-Tolesk pipeline."),
            ["Kars", "Gyumri", "Ardvan", "Tolesk"]
        );
        // Not before such a word: one name ("Mrs. Dlamini-Zuma").
        assert_eq!(
            names("Mrs. Nkosazana Dlamini-Zuma spoke."),
            ["Nkosazana Dlamini-Zuma"]
        );
    }

    #[test]
    fn un_before_a_known_body_and_a_bracketed_acronym_of_a_name_are_that_body() {
        for text in [
            "the U.N. Office for the Coordination of Humanitarian Affairs said",
            "the UN Office for the Coordination of Humanitarian Affairs said",
            "the United Nations Office for the Coordination of Humanitarian Affairs said",
        ] {
            let found = spans(text);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].1, "ocha");
            assert!(
                text.contains(&format!("the {} said", found[0].0)),
                "{found:?}"
            );
        }
        // A possessive keeps them apart.
        assert_eq!(
            spans("the UN's World Food Programme said")
                .into_iter()
                .map(|(_, id)| id)
                .collect::<Vec<_>>(),
            ["un", "wfp"]
        );
        let ids: Vec<String> =
            spans("the Syrian Democratic Forces (SDF) signed; Turkey regards the SDF as a threat.")
                .into_iter()
                .map(|(_, id)| id)
                .collect();
        assert_eq!(
            ids,
            [
                "syrian-democratic-forces",
                "syrian-democratic-forces",
                "turkey",
                "syrian-democratic-forces"
            ]
        );
        assert_eq!(
            spans("the Philippine Coast Guard said"),
            [(
                "Philippine Coast Guard".to_owned(),
                "philippine-coast-guard".to_owned()
            )]
        );
    }

    #[test]
    fn a_date_after_on_ends_a_bodys_name() {
        assert_eq!(
            names("The High Constitutional Court on Friday declared the post vacant."),
            ["High Constitutional Court"]
        );
        assert_eq!(
            names("the Commission on Human Rights met"),
            ["Commission on Human Rights"]
        );
    }

    #[test]
    fn bodies_named_around_known_names() {
        // A known name inside runs to its end; a known name before a preposition stays apart.
        assert_eq!(
            names("the Court of Bosnia and Herzegovina ruled"),
            ["Court of Bosnia and Herzegovina"]
        );
        assert!(
            names("the Taliban in the International Fund for Saving the Aral Sea met")
                .contains(&"Taliban".to_owned()),
            "{:?}",
            names("the Taliban in the International Fund for Saving the Aral Sea met")
        );
        // A passage that opens with "of" (a paragraph cut at a page break) is read safely.
        assert_eq!(names("of the United Nations"), ["United Nations"]);
        // An office and its body name a post, not a body; a date ends a name.
        assert!(names("the Head of Mission spoke").is_empty());
        // A capitalised word of its own before a known body's name makes a longer name.
        assert_eq!(
            spans("Tehran's Supreme National Security Council met."),
            [
                ("Tehran's".to_owned(), "tehran".to_owned()),
                (
                    "Supreme National Security Council".to_owned(),
                    "supreme-national-security-council".to_owned()
                )
            ]
        );
    }

    #[test]
    fn a_short_family_name_first_or_a_given_name_before_a_patronymic_stands_for_the_person() {
        let mut recognizer = Recognizer::new(Gazetteer::builtin());
        let mut analyzer = Analyzer::new();
        recognizer.start_article();
        recognizer.recognize(
            &mut analyzer,
            "President Yoon Suk Yeol met Sheikh Mohamed bin Zayed in Seoul.",
        );
        let later = recognizer.recognize(&mut analyzer, "Yoon said that Sheikh Mohamed agreed.");
        let ids: Vec<&str> = later.iter().map(|m| &*m.id).collect();
        assert_eq!(ids, ["yoon-suk-yeol", "bin-zayed"], "{later:?}");
    }

    #[test]
    fn a_word_after_of_is_a_titles_domain_not_a_person() {
        for text in [
            "a reunified State of Korea.",
            "Speaking of Korea, the delegate went on.",
            "Unification of Korea in accordance with the agreements",
        ] {
            assert!(ids(text).is_empty(), "{text}: {:?}", ids(text));
        }
        assert_eq!(ids("Secretary of State Rubio arrived."), ["rubio"]);
    }

    #[test]
    fn initials_of_a_name_met_earlier_stand_for_it() {
        let mut recognizer = Recognizer::new(Gazetteer::builtin());
        let mut analyzer = Analyzer::new();
        recognizer.start_article();
        let first =
            recognizer.recognize(&mut analyzer, "the Sahel Defence Forces Alliance signed.");
        assert!(
            first
                .iter()
                .any(|m| &*m.id == "sahel-defence-forces-alliance"),
            "{first:?}"
        );
        let later = recognizer.recognize(&mut analyzer, "Later SDFA commanders and the UN met.");
        let ids: Vec<&str> = later.iter().map(|m| &*m.id).collect();
        assert_eq!(ids, ["sahel-defence-forces-alliance", "un"]);
        // A new article forgets them.
        recognizer.start_article();
        let other = recognizer.recognize(&mut analyzer, "Later SDFA commanders met.");
        assert!(other.is_empty(), "{other:?}");
    }

    #[test]
    fn names_of_places_and_bodies_by_their_head_words() {
        assert_eq!(
            names("They landed at Argyle International Airport and the Peace Palace."),
            ["Argyle International Airport", "Peace Palace"]
        );
        assert_eq!(
            names("The Eastern Theater Command said so."),
            ["Eastern Theater Command"]
        );
        assert_eq!(
            names("the National Liberation Front of South Viet-Nam spoke"),
            ["National Liberation Front of South Viet-Nam"]
        );
    }

    #[test]
    fn nothing_inside_a_documents_name_is_an_entity() {
        for text in [
            "They kept to the Oslo accords and the Minsk agreements.",
            "The Budapest Memorandum was signed in 1994.",
            "Ships left under the Black Sea Grain Initiative.",
            "Before the Molotov-Ribbentrop Pact, Europe hoped.",
            "The Baghdad Pact ended.",
            "The North Atlantic treaty was signed.",
            "They met at the Paris Peace Conference.",
            "in accordance with the Charter of the United Nations",
            "under the Treaty of Tlatelolco and the Statute of the International Court of Justice",
            "They launched Operation Sindoor after the 2011 Tunisian revolution.",
            "Leaders met at the East Asia Summit.",
        ] {
            let found = spans(text);
            assert!(
                found.iter().all(|(s, _)| s == "Europe"),
                "{text}: {found:?}"
            );
        }
        // An alliance the gazetteer knows, a headline in title case, and a treaty's acronym.
        let found = spans("The Warsaw Pact was dissolved.");
        assert_eq!(found[0].1, "warsaw-pact", "{found:?}");
        let found = spans("Putin Rejects Minsk Agreement As Talks Stall");
        assert_eq!(found[0].1, "putin", "{found:?}");
        let found = spans("the Comprehensive Nuclear-Test-Ban Treaty (CTBT) and the CTBT");
        assert!(found.iter().all(|(_, id)| id != "ctbt"), "{found:?}");
        // A name used as a description, or a possessive, is still marked.
        assert_eq!(
            spans("The Geneva meeting discussed Trump's Plan."),
            [
                ("Geneva".to_owned(), "geneva".to_owned()),
                ("Trump's".to_owned(), "trump".to_owned())
            ]
        );
    }

    #[test]
    fn a_bracketed_acronym_is_an_organisation_for_the_rest_of_the_article() {
        let mut recognizer = Recognizer::new(Gazetteer::builtin());
        let mut analyzer = Analyzer::new();
        let first = "We thank the Southern Fisheries Compact (SOFICO) and its staff.";
        let later = "SOFICO met again; the WHO and NO ONE else.";
        let ids = |mentions: Vec<Mention>| -> Vec<(String, Kind)> {
            mentions
                .iter()
                .map(|m| (m.id.to_string(), m.kind))
                .collect()
        };
        let found = ids(recognizer.recognize(&mut analyzer, first));
        assert!(
            found.contains(&("sofico".to_owned(), Kind::Org)),
            "{found:?}"
        );
        let found = ids(recognizer.recognize(&mut analyzer, later));
        assert_eq!(found[0], ("sofico".to_owned(), Kind::Org), "{found:?}");
        assert!(!found.iter().any(|(id, _)| id == "no"), "{found:?}");
        // A new article forgets it; a roman numeral in brackets is none.
        recognizer.start_article();
        let found = ids(recognizer.recognize(&mut analyzer, later));
        assert!(!found.iter().any(|(id, _)| id == "sofico"), "{found:?}");
        let found = ids(recognizer.recognize(&mut analyzer, "See Annex (II) and Chapter (IV)."));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_compass_point_before_a_continent_names_a_region() {
        assert_eq!(
            spans("Troops from West Africa and South-East Europe, not Africa."),
            [
                ("West Africa".to_owned(), "west-africa".to_owned()),
                (
                    "South-East Europe".to_owned(),
                    "south-east-europe".to_owned()
                ),
                ("Africa".to_owned(), "africa".to_owned())
            ]
        );
    }

    #[test]
    fn an_uncommon_given_name_opening_a_sentence_belongs_to_the_name() {
        let found = spans("We remember them. Patrice Emery Lumumba of the Congo.");
        assert_eq!(found[0].0, "Patrice Emery Lumumba", "{found:?}");
        let found = spans("Ask Prigozhin.");
        assert_eq!(found[0].0, "Prigozhin", "{found:?}");
        let found = spans("By way of example I mention Count Bernadotte and General Burns.");
        let names: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names, ["Bernadotte", "Burns"], "{found:?}");
    }

    #[test]
    fn middle_initials_and_generational_suffixes_belong_to_the_name() {
        assert_eq!(
            names("I welcome General Carlos P. Romulo of the Philippines."),
            ["Carlos P. Romulo", "Philippines"]
        );
        assert_eq!(
            names("Dr. Martin Luther King Jr spoke, and so did Ferdinand Romualdez Marcos Jr."),
            ["Martin Luther King Jr", "Ferdinand Romualdez Marcos Jr"]
        );
        // A roman numeral ending a sentence is no initial.
        assert_eq!(
            names("After World War I. The Soviet Union agreed."),
            ["Soviet Union"]
        );
    }

    #[test]
    fn long_body_names_joined_by_against_or_headed_by_force() {
        assert_eq!(
            names("The United Nations Disengagement Observer Force remains."),
            ["United Nations Disengagement Observer Force"]
        );
        assert_eq!(
            names("The International Commission against Impunity in Guatemala closed."),
            ["International Commission against Impunity in Guatemala"]
        );
        // Alone, "Force" is a common word.
        assert_eq!(names("Ghana renounced the use of Force."), ["Ghana"]);
    }

    #[test]
    fn a_single_unknown_word_where_a_place_stands_is_a_place() {
        let places = |text| {
            let mut recognizer = Recognizer::new(Gazetteer::builtin());
            recognizer
                .recognize(&mut Analyzer::new(), text)
                .iter()
                .map(|m| (text[m.span.clone()].to_owned(), m.kind))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            places("The ship docked in Trincomalee, near Sittwe, then sailed."),
            [
                ("Trincomalee".into(), Kind::Place),
                ("Sittwe".into(), Kind::Place)
            ]
        );
        assert_eq!(
            places("Troops entered the town of Zvecan."),
            [("Zvecan".into(), Kind::Place)]
        );
        // Languages, faiths, months, acronyms with a number, possessives and sentence
        // starts are not.
        assert_eq!(
            places("It was read in Arabic in Ramadan, in May, in SDG 16, in Smith's view."),
            []
        );
        assert_eq!(places("Trincomalee was quiet."), []);
    }

    #[test]
    fn datelines_titles_after_bodies_and_bodies_of_the_united_nations() {
        assert_eq!(
            names("AKTAU, Kazakhstan, June 3 (Reuters) - Kazakhstan agreed."),
            ["AKTAU", "Kazakhstan", "Reuters", "Kazakhstan"]
        );
        // Capitals opening a sentence without a comma and a name after them are no dateline.
        assert_eq!(names("NO, said the Minister."), Vec::<String>::new());
        assert_eq!(
            names(
                "ECOWAS Commission President Omar Touray said so; Court President Yuji Iwasawa too."
            ),
            ["ECOWAS", "Omar Touray", "Yuji Iwasawa"]
        );
        assert_eq!(
            names("Energy Minister Prince Abdulaziz bin Salman spoke."),
            ["Abdulaziz bin Salman"]
        );
        assert_eq!(
            spans("It spoke in the General Assembly of the United Nations."),
            [(
                "General Assembly of the United Nations".into(),
                "unga".into()
            )]
        );
        assert_eq!(
            names("The U.N. Support Mission in Libya spoke."),
            ["U.N. Support Mission in Libya"]
        );
        // Every word is read, far from a capital or in a script without case.
        assert_eq!(ids("The Group of 77 met."), ["g77"]);
        assert_eq!(ids("Посетил საქართველო вчера."), ["georgia"]);
    }

    #[test]
    fn places_by_their_heads_and_by_the_places_listed_with_them() {
        assert_eq!(
            spans(
                "Balloons shut Vilnius International Airport and ships left the Bab el-Mandeb Strait."
            ),
            [
                (
                    "Vilnius International Airport".into(),
                    "vilnius-international-airport".into()
                ),
                ("Bab el-Mandeb Strait".into(), "bab-el-mandeb".into())
            ]
        );
        // A longer name goes on after the head: no "United Kingdom House" (the House of
        // Commons is a body of its own).
        assert_eq!(
            names("A member of the United Kingdom House of Commons spoke."),
            ["United Kingdom", "House of Commons"]
        );
        assert_eq!(
            names("Strikes hit sites around Sanaa, Hodeidah and Saada overnight."),
            ["Sanaa", "Hodeidah", "Saada"]
        );
        // A comma before a clause lists nothing.
        assert_eq!(
            ids("To exterminate the Jews in Europe, Hitler played into their hands."),
            ["europe"]
        );
        // A lower-case common word is that word, not the place it also names.
        assert_eq!(
            ids("The pacific settlement of disputes in the Pacific."),
            ["pacific"]
        );
    }

    #[test]
    fn bodies_joined_by_for_on_and_and_owned_by_a_possessive() {
        assert_eq!(
            names("The Citizens Coalition for Change and the Legal and Technical Commission met."),
            [
                "Citizens Coalition for Change",
                "Legal and Technical Commission"
            ]
        );
        // "And" before a name that is no body's head joins nothing.
        assert_eq!(
            names("The Liberal Party and Rixi Moncada lost."),
            ["Liberal Party", "Rixi Moncada"]
        );
        assert_eq!(
            names("Mozambique's Constitutional Council ruled."),
            ["Mozambique's", "Constitutional Council"]
        );
        assert_eq!(
            names("House Speaker Martin Romualdez and Mayor Ekrem İmamoğlu spoke."),
            ["Martin Romualdez", "Ekrem İmamoğlu"]
        );
    }

    #[test]
    fn georgia_is_the_country_unless_the_passage_says_it_is_the_us_state() {
        assert!(ids("Russia and Georgia signed a ceasefire.").contains(&"georgia".to_owned()));
        let us_state = ids("Voters in Atlanta, Georgia, went to the polls.");
        assert!(!us_state.contains(&"georgia".to_owned()), "{us_state:?}");
    }
}
