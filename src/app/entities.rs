//! `attache entities` and `attache entity`: who is mentioned, and what is known of one entity.

use std::io::Write;

use attache::error::printable;
use attache::render::plural;
use attache::render::wrap::{Wrap, wrap_line};
use attache::search::entities::{EntitiesRequest, entity_profile, top_entities};

use crate::cli::{EntitiesArgs, EntityArgs};
use crate::exit::Exit;

/// Refuses a name with no letter or digit (`''`, `@`): no entity is named so.
fn named(name: &str, what: &str) -> anyhow::Result<()> {
    let bare = name.trim().trim_start_matches('@').trim_matches('"');
    if !bare.chars().any(char::is_alphanumeric) {
        anyhow::bail!(
            "{what} needs a name or an @id (`@zelensky`, `\"Kofi Annan\"`), not '{}'",
            printable(name)
        );
    }
    Ok(())
}

/// Where a row's name starts: after the counts and the type.
const NAME_COLUMN: usize = 37;

pub fn list(args: EntitiesArgs) -> anyhow::Result<Exit> {
    let query = super::query_of(&args.query)?;
    let mut searcher = super::open_searcher(&args.location)?;
    if let Some(with) = &args.with {
        named(with, "--with")?;
        // An entity the index never mentions has no companions: said, not left silent.
        if entity_profile(&mut searcher, with)?.is_none() {
            eprintln!("no mention of '{}' in the index", printable(with));
            return Ok(Exit::NoMatch);
        }
    }
    let request = EntitiesRequest {
        timeout: Some(args.timeout),
        query: (!query.trim().is_empty()).then(|| query.clone()),
        with: args.with,
        kind: args.kind,
        since: args.dates.since,
        until: args.dates.until,
        limit: args.limit,
    };
    let counts = top_entities(&mut searcher, &request)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        super::json_lines(&mut out, &counts)?;
    } else {
        // A long row wraps under the name column.
        let width = super::output::width(None);
        if !counts.is_empty() {
            let header = format!(
                "{:>8} {:>8} {:>8}  {:<8} entity",
                "passages", "articles", "mentions", "type"
            );
            writeln!(out, "{}", wrap_line(&header, width, NAME_COLUMN))?;
        }
        for c in &counts {
            let row = format!(
                "{:>8} {:>8} {:>8}  {:<8} {} (@{})",
                c.passages, c.articles, c.mentions, c.kind, c.name, c.id
            );
            writeln!(out, "{}", wrap_line(&row, width, NAME_COLUMN))?;
        }
    }
    out.flush()?;
    if counts.is_empty() {
        let kind = request
            .kind
            .map_or_else(String::new, |k| format!(" of type {k}"));
        let dates = (args.dates.since, args.dates.until);
        let query = (!query.trim().is_empty()).then_some(query.as_str());
        let what = format!("entities{kind}");
        // With `--with`, the entity itself is left out of the list, not out of the passages.
        let none = match &request.with {
            Some(with) => format!("mentions one besides '{}'", printable(with)),
            None => "mentions one".to_owned(),
        };
        let note = super::empty_list_note(&mut searcher, query, dates, &what, &none);
        eprintln!("{note}");
    }
    Ok(super::listed(!counts.is_empty()))
}

pub fn profile(args: EntityArgs) -> anyhow::Result<Exit> {
    let mut searcher = super::open_searcher(&args.location)?;
    let name = args.name.join(" ");
    named(&name, "attache entity")?;
    let Some(p) = entity_profile(&mut searcher, &name)? else {
        eprintln!(
            "no mention of '{}' in the index, and it speaks nowhere",
            printable(&name)
        );
        return Ok(Exit::NoMatch);
    };
    if args.json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, &p)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(Exit::Success);
    }
    let mut out = Wrap::new(
        std::io::stdout().lock(),
        super::output::width(args.view.width),
    );
    let c = &p.count;
    writeln!(out, "{} (@{}, {})", c.name, c.id, c.kind)?;
    match c.mentions {
        0 => writeln!(out, "mentions    none")?,
        _ => writeln!(
            out,
            "mentions    {} in {} of {}",
            c.mentions,
            plural(c.passages, "passage", "passages"),
            plural(c.articles, "article", "articles")
        )?,
    }
    if let (Some(first), Some(last)) = (&p.first_date, &p.last_date) {
        writeln!(out, "first/last  {first} / {last}")?;
    }
    if !p.aliases.is_empty() {
        let aliases: Vec<String> = p
            .aliases
            .iter()
            .map(|(a, n)| format!("{a} ({n})"))
            .collect();
        writeln!(out, "spellings   {}", aliases.join(", "))?;
    }
    if let Some(said) = &p.said {
        let dates = match (&said.first_date, &said.last_date) {
            (Some(first), Some(last)) => format!(", {first} / {last}"),
            _ => String::new(),
        };
        writeln!(
            out,
            "speaks      in {} of {}{dates} (said:@{})",
            plural(said.passages, "passage", "passages"),
            plural(said.articles, "article", "articles"),
            c.id
        )?;
    }
    out.flush()?;
    Ok(Exit::Success)
}
