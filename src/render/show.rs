//! `attache show` output: an article or a stretch of it as text, or as JSON Lines.
//!
//! ```text
//! {"schema":1,"type":"article","article_id":"a.txt","date":"2025-11-24","title":"…","source":null,"url":null,"meta":{},"passages":15,"focus":8}
//! {"schema":1,"type":"passage","article_id":"a.txt","passage":7,"focus":false,"text":"…","highlights":[],"byte_highlights":[],"entities":[…]}
//! ```

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::json::{CharOffsets, EntityJson, SCHEMA, SpeakerJson, entities, speakers};
use super::{BOLD, DIM, GREEN, Painter, entity_names, marks, painted, speaker_names};
use crate::error::printable;
use crate::search::show::{Passage, Shown};

/// Writes the article's header (date, title, source, id, which passages, metadata, url), then
/// each passage: its number (the one asked for marked `▶`) on a line of its own, then indented
/// its text with the query's matches and the entity mentions marked, the names of its entities
/// and who speaks in it.
///
/// # Errors
/// When writing fails.
pub fn text(out: &mut dyn Write, shown: &Shown, color: bool) -> io::Result<()> {
    let p = Painter::new(color);
    let off = p.off();
    let info = &shown.info;
    let source = match &info.source {
        Some(source) if !info.title.contains(source.as_str()) => format!(" · {source}"),
        _ => String::new(),
    };
    writeln!(
        out,
        "{}{}{}  {}{}{}",
        p.on(GREEN),
        info.date,
        off,
        p.on(BOLD),
        printable(&format!("{}{source}", info.title)),
        off
    )?;
    let which = match (shown.passages.first(), shown.passages.last()) {
        (Some(first), Some(last)) if shown.passages.len() as u64 != shown.total => {
            format!(
                "passages {}–{} of {}",
                first.number, last.number, shown.total
            )
        }
        _ => match shown.total {
            1 => "1 passage".to_owned(),
            n => format!("{n} passages"),
        },
    };
    write!(
        out,
        "{}{}  {which}{}",
        p.on(DIM),
        printable(&shown.article_id),
        off
    )?;
    for (key, value) in &info.meta {
        write!(
            out,
            "  {}{}={}{}",
            p.on(DIM),
            printable(key),
            printable(value),
            off
        )?;
    }
    writeln!(out)?;
    if let Some(url) = &info.url {
        writeln!(out, "{}{}{}", p.on(DIM), printable(url), off)?;
    }
    for passage in &shown.passages {
        writeln!(out)?;
        let focus = shown.focus == Some(passage.number);
        let (arrow, style) = if focus { ("▶", BOLD) } else { (" ", DIM) };
        let mentions = passage.entities.iter().map(|m| m.span.clone());
        let marks = marks(&passage.highlights, mentions);
        writeln!(out, "{arrow} {}#{}{}", p.on(style), passage.number, off)?;
        writeln!(out, "    {}", painted(&passage.text, &marks, &p))?;
        let names = entity_names(&passage.entities);
        if !names.is_empty() {
            writeln!(out, "    {}entities: {names}{}", p.on(DIM), off)?;
        }
        if let Some(names) = speaker_names(&passage.speakers) {
            writeln!(out, "    {}said by: {names}{}", p.on(DIM), off)?;
        }
    }
    Ok(())
}

/// The article on the wire.
#[derive(Serialize)]
struct ArticleJson<'a> {
    schema: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    article_id: &'a str,
    date: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    url: Option<&'a str>,
    meta: BTreeMap<&'a str, &'a str>,
    passages: u64,
    focus: Option<u64>,
}

/// A passage on the wire.
#[derive(Serialize)]
struct PassageJson<'a> {
    schema: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    article_id: &'a str,
    passage: u64,
    focus: bool,
    text: &'a str,
    highlights: Vec<[usize; 2]>,
    byte_highlights: Vec<[usize; 2]>,
    entities: Vec<EntityJson<'a>>,
    speakers: Vec<SpeakerJson<'a>>,
}

/// Writes the article, then each passage shown, one JSON object per line.
///
/// # Errors
/// When writing fails.
pub fn json(out: &mut dyn Write, shown: &Shown) -> io::Result<()> {
    let info = &shown.info;
    let article = ArticleJson {
        schema: SCHEMA,
        kind: "article",
        article_id: &shown.article_id,
        date: &info.date,
        title: &info.title,
        source: info.source.as_deref(),
        url: info.url.as_deref(),
        meta: info
            .meta
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        passages: shown.total,
        focus: shown.focus,
    };
    serde_json::to_writer(&mut *out, &article)?;
    out.write_all(b"\n")?;
    for passage in &shown.passages {
        serde_json::to_writer(&mut *out, &passage_json(shown, passage))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn passage_json<'a>(shown: &'a Shown, passage: &'a Passage) -> PassageJson<'a> {
    let chars = CharOffsets::of(&passage.text);
    PassageJson {
        schema: SCHEMA,
        kind: "passage",
        article_id: &shown.article_id,
        passage: passage.number,
        focus: shown.focus == Some(passage.number),
        text: &passage.text,
        highlights: passage
            .highlights
            .iter()
            .map(|r| chars.range(r.start, r.end))
            .collect(),
        byte_highlights: passage
            .highlights
            .iter()
            .map(|r| [r.start, r.end])
            .collect(),
        entities: entities(&chars, &passage.entities),
        speakers: speakers(&chars, &passage.speakers),
    }
}
