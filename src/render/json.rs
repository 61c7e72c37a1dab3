//! The JSON Lines output of `attache search --json`: one `hit` object per line, then a `summary`.
//!
//! ```text
//! {"schema":1,"type":"hit","rank":1,"score":3.2,"article_id":"a.txt","passage":4,"date":"2025-11-24",
//!  "title":"…","source":null,"url":null,"meta":{},"text":"…","snippet":"…","snippet_marked":"…«Ushakov»…",
//!  "highlights":[[5,12]],"byte_highlights":[[5,12]],
//!  "entities":[{"id":"ushakov","type":"person","name":"Yuri Ushakov","alias":"Yuri Ushakov","span":[0,12],"byte_span":[0,12]}],
//!  "speakers":[{"id":"ushakov","type":"person","name":"Yuri Ushakov","spans":[[0,40]],"byte_spans":[[0,40]]}],
//!  "more_in_article":0,"duplicates":[{"article_id":"b.txt","passage":1,"date":"2025-11-24","title":"…","source":null}]}
//! {"schema":1,"type":"summary","hits":1,"passages_matched":1,"articles_matched":1,"counts_exact":true,"took_ms":0.8}
//! ```
//!
//! With `search --queries`, every object also carries the `query` it answers and its `line` in
//! the file, right after `type`, and a query that fails is one line
//! `{"schema":1,"type":"error","query":"…","line":3,"error":"column 1: …"}`. A summary with
//! no match may carry `suggestions`: `[{"word":"ushakof","terms":["ushakov"]}]`, the index's
//! close spellings of each query word it has never seen.
//!
//! `highlights` and an entity's `span` are ranges `[start, end)` of Unicode characters of
//! `text` (what `jq`'s string slices and most languages count); `byte_highlights` and
//! `byte_span` are the same ranges in bytes of its UTF-8. `snippet_marked` is the snippet with
//! each match between `«` and `»`. `speakers` are who speaks in the passage, with the ranges
//! of `text` each says (`spans` in characters, `byte_spans` in bytes). `more_in_article` is,
//! on the last hit an article may show, how many more of its passages match; `duplicates` are
//! the passages collapsed into the hit, earliest first. `schema` changes when a field changes meaning.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::entities::Mention;
use crate::entities::attribution::Said;
use crate::search::show::Passage;
use crate::search::suggest::Suggestion;
use crate::search::{Hit, Relaxed, SearchResults};

/// The version of this wire format.
pub const SCHEMA: u32 = 1;

/// Marks around a match in `snippet_marked`.
const MARKS: (&str, &str) = ("«", "»");

/// One hit on the wire.
#[derive(Debug, Serialize)]
pub struct HitJson<'a> {
    schema: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    tags: Tags<'a>,
    rank: usize,
    score: f32,
    article_id: &'a str,
    passage: u64,
    date: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    url: Option<&'a str>,
    meta: BTreeMap<&'a str, &'a str>,
    text: &'a str,
    snippet: &'a str,
    snippet_marked: String,
    highlights: Vec<[usize; 2]>,
    byte_highlights: Vec<[usize; 2]>,
    entities: Vec<EntityJson<'a>>,
    speakers: Vec<SpeakerJson<'a>>,
    more_in_article: u64,
    duplicates: Vec<DuplicateJson<'a>>,
    /// With `--context`: the neighbouring passages, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<Vec<ContextJson<'a>>>,
    /// With `--explain`: what the score is made of.
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<ExplainJson<'a>>,
}

/// A neighbouring passage on the wire.
#[derive(Debug, Serialize)]
pub struct ContextJson<'a> {
    passage: u64,
    text: &'a str,
}

/// A hit's score taken apart on the wire: `score = (Σ bm25 + Σ bonuses) × length_weight`.
#[derive(Debug, Serialize)]
pub struct ExplainJson<'a> {
    bm25: Vec<PartJson<'a>>,
    bonuses: Vec<PartJson<'a>>,
    length_weight: Option<f32>,
    score: f32,
}

/// One part of a score: the piece of the plan, printed, and what it adds.
#[derive(Debug, Serialize)]
pub struct PartJson<'a> {
    part: &'a str,
    score: f32,
}

/// How the query was read, on the wire (with `--explain`).
#[derive(Debug, Serialize)]
pub struct PlanJson<'a> {
    logical: &'a str,
    bonuses: &'a [String],
    length_prior: bool,
    pruned: bool,
    /// For a shard set: the keys of the shards searched and how many the set has.
    #[serde(skip_serializing_if = "Option::is_none")]
    shards: Option<ShardsJson<'a>>,
}

/// The shards a search of a set read, on the wire.
#[derive(Debug, Serialize)]
pub struct ShardsJson<'a> {
    searched: &'a [String],
    of: usize,
}

/// A passage collapsed into a hit, on the wire.
#[derive(Debug, Serialize)]
pub struct DuplicateJson<'a> {
    article_id: &'a str,
    passage: u64,
    date: &'a str,
    title: &'a str,
    source: Option<&'a str>,
}

/// One speaker of a passage on the wire.
#[derive(Debug, Serialize)]
pub struct SpeakerJson<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    spans: Vec<[usize; 2]>,
    byte_spans: Vec<[usize; 2]>,
}

/// One entity mention on the wire.
#[derive(Debug, Serialize)]
pub struct EntityJson<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    alias: &'a str,
    span: [usize; 2],
    byte_span: [usize; 2],
}

/// The closing summary on the wire.
#[derive(Debug, Serialize)]
pub struct SummaryJson<'a> {
    schema: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    tags: Tags<'a>,
    hits: usize,
    passages_matched: u64,
    articles_matched: u64,
    /// False when the counts are lower bounds (a ranked search stops counting after 1000
    /// matches unless `--exact-count`).
    counts_exact: bool,
    /// True when grouping stopped at its largest window before the page was full (hits past
    /// it are missing; `--per-article 0 --no-collapse` pages through every match).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    grouping_stopped: bool,
    /// True when the index is partial (a run is building it, or the last was interrupted):
    /// the counts and hits lack the articles not indexed yet.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
    took_ms: f64,
    #[serde(skip_serializing_if = "<[Suggestion]>::is_empty")]
    suggestions: &'a [Suggestion],
    /// With no match: what the query matches with each of its parts left out.
    #[serde(skip_serializing_if = "<[Relaxed]>::is_empty")]
    without: &'a [Relaxed],
    /// With `--explain`: how the query was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<PlanJson<'a>>,
}

/// What a summary says about a query without matches: close spellings of its words, and what
/// it matches with each of its parts left out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// "Did you mean": the index's spellings close to the query's unknown words.
    pub suggestions: &'a [Suggestion],
    /// The query with each part left out ([`crate::search::Searcher::without_each`]).
    pub without: &'a [Relaxed],
    /// Whether the index read is partial: a run is building it, or the last was interrupted.
    pub partial: bool,
}

/// What a batch of queries (`search --queries`) tags each object with: the query it answers
/// and its line in the file. Both absent for a single search.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Tags<'a> {
    /// The query, as written in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<&'a str>,
    /// Its 1-based line number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// A failed query of a batch, on the wire.
#[derive(Debug, Serialize)]
struct ErrorJson<'a> {
    schema: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    tags: Tags<'a>,
    error: &'a str,
}

impl<'a> From<&'a Hit> for HitJson<'a> {
    fn from(hit: &'a Hit) -> Self {
        let chars = CharOffsets::of(&hit.text);
        HitJson {
            schema: SCHEMA,
            kind: "hit",
            tags: Tags::default(),
            rank: hit.rank,
            score: hit.score,
            article_id: &hit.article_id,
            passage: hit.passage,
            date: &hit.info.date,
            title: &hit.info.title,
            source: hit.info.source.as_deref(),
            url: hit.info.url.as_deref(),
            meta: hit
                .info
                .meta
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            text: &hit.text,
            snippet: &hit.snippet.text,
            snippet_marked: marked(&hit.snippet.text, &hit.snippet.highlights),
            highlights: hit
                .highlights
                .iter()
                .map(|r| chars.range(r.start, r.end))
                .collect(),
            byte_highlights: hit.highlights.iter().map(|r| [r.start, r.end]).collect(),
            entities: entities(&chars, &hit.entities),
            speakers: speakers(&chars, &hit.speakers),
            context: None,
            explain: hit.explanation.as_ref().map(|e| {
                let parts = |parts: &'a [crate::search::explain::Part]| {
                    parts
                        .iter()
                        .map(|p| PartJson {
                            part: &p.label,
                            score: p.score,
                        })
                        .collect()
                };
                ExplainJson {
                    bm25: parts(&e.bm25),
                    bonuses: parts(&e.bonuses),
                    length_weight: e.length_weight,
                    score: e.score,
                }
            }),
            more_in_article: hit.more_in_article,
            duplicates: hit
                .duplicates
                .iter()
                .map(|d| DuplicateJson {
                    article_id: &d.article_id,
                    passage: d.passage,
                    date: &d.info.date,
                    title: &d.info.title,
                    source: d.info.source.as_deref(),
                })
                .collect(),
        }
    }
}

/// Neighbouring passages on the wire.
fn context_json(around: &[Passage]) -> Vec<ContextJson<'_>> {
    around
        .iter()
        .map(|n| ContextJson {
            passage: n.number,
            text: &n.text,
        })
        .collect()
}

/// A passage's speakers on the wire, the ranges they say in characters and bytes of its text.
pub(crate) fn speakers<'a>(chars: &CharOffsets<'_>, said: &'a [Said]) -> Vec<SpeakerJson<'a>> {
    said.iter()
        .map(|s| SpeakerJson {
            id: &s.speaker.id,
            kind: s.speaker.kind.as_str(),
            name: &s.speaker.name,
            spans: s
                .spans
                .iter()
                .map(|r| chars.range(r.start, r.end))
                .collect(),
            byte_spans: s.spans.iter().map(|r| [r.start, r.end]).collect(),
        })
        .collect()
}

/// A passage's entity mentions on the wire, their spans in characters and bytes of its text.
pub(crate) fn entities<'a>(
    chars: &CharOffsets<'_>,
    mentions: &'a [Mention],
) -> Vec<EntityJson<'a>> {
    mentions
        .iter()
        .map(|m| EntityJson {
            id: &m.id,
            kind: m.kind.as_str(),
            name: &m.name,
            alias: &m.alias,
            span: chars.range(m.span.start, m.span.end),
            byte_span: [m.span.start, m.span.end],
        })
        .collect()
}

/// Writes `results` as JSON Lines; with `context` (per hit, its neighbouring passages), each
/// hit carries them as `context`.
///
/// # Errors
/// When writing fails.
pub fn write(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    write_tagged(
        out,
        results,
        Tags::default(),
        Hints::default(),
        &mut super::no_context,
    )
}

/// Writes `results` as JSON Lines, each object tagged with `tags`, and the `hints` in the
/// summary when there are some; with `context` (per hit, its neighbouring passages), each hit
/// carries them as `context`.
///
/// # Errors
/// When writing fails.
pub fn write_tagged(
    out: &mut dyn Write,
    results: &SearchResults,
    tags: Tags<'_>,
    hints: Hints<'_>,
    context: super::Around<'_>,
) -> io::Result<()> {
    for (i, hit) in results.hits.iter().enumerate() {
        let around = context(i)?;
        let json = HitJson {
            tags,
            context: around.as_deref().map(context_json),
            ..HitJson::from(hit)
        };
        serde_json::to_writer(&mut *out, &json)?;
        out.write_all(b"\n")?;
    }
    let summary = SummaryJson {
        schema: SCHEMA,
        kind: "summary",
        tags,
        suggestions: hints.suggestions,
        without: hints.without,
        hits: results.hits.len(),
        passages_matched: results.passages_matched,
        articles_matched: results.articles_matched,
        counts_exact: results.counts_exact,
        grouping_stopped: results.grouping_stopped,
        partial: hints.partial,
        took_ms: (results.took.as_secs_f64() * 1e6).round() / 1e3,
        plan: results.plan.as_ref().map(|p| PlanJson {
            logical: &p.logical,
            bonuses: &p.bonuses,
            length_prior: p.length_prior,
            pruned: p.pruned,
            shards: p.shards.as_ref().map(|s| ShardsJson {
                searched: &s.searched,
                of: s.total,
            }),
        }),
    };
    serde_json::to_writer(&mut *out, &summary)?;
    out.write_all(b"\n")
}

/// Writes the line of a batch's query that failed, with why.
///
/// # Errors
/// When writing fails.
pub fn write_error(out: &mut dyn Write, tags: Tags<'_>, error: &str) -> io::Result<()> {
    let json = ErrorJson {
        schema: SCHEMA,
        kind: "error",
        tags,
        error,
    };
    serde_json::to_writer(&mut *out, &json)?;
    out.write_all(b"\n")
}

/// Byte offsets of a text turned into character offsets. The last offset counted is kept, and
/// the next is counted from there: ranges asked for in text order (highlights, entity spans)
/// cost one pass over the text in all, not one pass each.
pub(crate) struct CharOffsets<'a> {
    text: &'a str,
    /// The last byte offset counted (a character boundary) and its character offset.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> CharOffsets<'a> {
    pub(crate) fn of(text: &'a str) -> CharOffsets<'a> {
        CharOffsets {
            text,
            last: std::cell::Cell::new((0, 0)),
        }
    }

    /// The character offset of byte offset `at` (inside a character: of its start).
    fn count(&self, at: usize) -> usize {
        let at = at.min(self.text.len());
        let at = (0..=at)
            .rev()
            .find(|&i| self.text.is_char_boundary(i))
            .unwrap_or(0);
        let (byte, char) = self.last.get();
        let count = match at >= byte {
            true => char + self.text[byte..at].chars().count(),
            false => char - self.text[at..byte].chars().count(),
        };
        self.last.set((at, count));
        count
    }

    /// The character range of the byte range `start..end` (offsets inside a character count
    /// from its start).
    pub(crate) fn range(&self, start: usize, end: usize) -> [usize; 2] {
        let first = self.count(start);
        [first, first + self.count(end.max(start)) - first]
    }
}

/// `text` with each of the byte ranges `marks` between [`MARKS`].
fn marked(text: &str, marks: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 4);
    let mut at = 0;
    for range in marks {
        let (start, end) = (range.start.max(at), range.end.min(text.len()));
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(MARKS.0);
        out.push_str(&text[start..end]);
        out.push_str(MARKS.1);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_offsets_count_characters_not_bytes() {
        let text = "Kyiv’s security guarantee";
        let chars = CharOffsets::of(text);
        let start = text.find("security").unwrap();
        assert_eq!(start, 9, "’ is three bytes");
        assert_eq!(chars.range(start, start + 8), [7, 15]);
        let sliced: String = text.chars().skip(7).take(8).collect();
        assert_eq!(sliced, "security");
    }

    #[test]
    fn character_offsets_are_the_same_in_any_order_of_asking() {
        let text = "Кыїв’s «security» guarantee — 安全 and Kyiv’s peace";
        let naive = |at: usize| {
            let at = (0..=at.min(text.len()))
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap();
            text[..at].chars().count()
        };
        let chars = CharOffsets::of(text);
        // Forwards, backwards, inside characters, overlapping, past the end.
        let asks = [
            (0, 4),
            (9, 20),
            (3, 5),
            (40, 200),
            (17, 18),
            (0, 0),
            (25, 31),
            (1, 2),
        ];
        for (start, end) in asks.iter().chain(asks.iter().rev()) {
            let expected = [naive(*start), naive(*end.max(start))];
            assert_eq!(chars.range(*start, *end), expected, "{start}..{end}");
        }
    }

    #[test]
    fn matches_are_marked_in_the_snippet() {
        let text = "Kyiv’s security guarantee, they said.";
        let a = text.find("security").unwrap();
        let b = text.find("guarantee").unwrap();
        assert_eq!(
            marked(text, &[a..a + 8, b..b + 9]),
            "Kyiv’s «security» «guarantee», they said."
        );
        assert_eq!(marked(text, &[]), text);
    }
}
