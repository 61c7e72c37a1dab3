//! The JSON Lines output of `attache search --json`: one `hit` object per line, then a `summary`.
//!
//! ```text
//! {"type":"hit","rank":1,"score":3.2,"article_id":"a.txt","passage":4,"date":"2025-11-24",
//!  "title":"…","source":null,"url":null,"meta":{},"text":"…","snippet":"…","highlights":[[5,12]],
//!  "entities":[{"id":"ushakov","type":"person","name":"Yuri Ushakov","alias":"Yuri Ushakov","span":[0,12]}]}
//! {"type":"summary","hits":1,"passages_matched":1,"articles_matched":1,"took_ms":0.8}
//! ```
//!
//! `highlights` are byte ranges `[start, end)` into `text`; `entities` lists the passage's
//! entity mentions as `{"id","type","name","alias","span":[start,end]}`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::search::{Hit, SearchResults};

/// One hit on the wire.
#[derive(Debug, Serialize)]
pub struct HitJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
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
    highlights: Vec<[usize; 2]>,
    entities: Vec<EntityJson<'a>>,
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
}

/// The closing summary on the wire.
#[derive(Debug, Serialize)]
pub struct SummaryJson {
    #[serde(rename = "type")]
    kind: &'static str,
    hits: usize,
    passages_matched: u64,
    articles_matched: u64,
    took_ms: f64,
}

impl<'a> From<&'a Hit> for HitJson<'a> {
    fn from(hit: &'a Hit) -> Self {
        HitJson {
            kind: "hit",
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
            highlights: hit.highlights.iter().map(|r| [r.start, r.end]).collect(),
            entities: hit
                .entities
                .iter()
                .map(|m| EntityJson {
                    id: &m.id,
                    kind: m.kind.as_str(),
                    name: &m.name,
                    alias: &m.alias,
                    span: [m.span.start, m.span.end],
                })
                .collect(),
        }
    }
}

/// Writes `results` as JSON Lines.
///
/// # Errors
/// When writing fails.
pub fn write(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    for hit in &results.hits {
        serde_json::to_writer(&mut *out, &HitJson::from(hit))?;
        out.write_all(b"\n")?;
    }
    let summary = SummaryJson {
        kind: "summary",
        hits: results.hits.len(),
        passages_matched: results.passages_matched,
        articles_matched: results.articles_matched,
        took_ms: (results.took.as_secs_f64() * 1e6).round() / 1e3,
    };
    serde_json::to_writer(&mut *out, &summary)?;
    out.write_all(b"\n")
}
