//! `attache search`: run a query and print the hits as text (wrapped, paged on a terminal) or
//! JSON Lines; with `--queries`, run a file of them (see [`super::batch`]).

use std::io::{IsTerminal, Write};

use attache::error::printable;
use attache::index::IndexDir;
use attache::index::build::BuildOptions;
use attache::render;
use attache::render::json::Tags;
use attache::search::suggest::{Suggestion, corrected, suggest};
use attache::search::{Grouping, Relaxed, SearchRequest, Searcher};

use super::config::{Flags, INDEX_VAR, Settings};
use super::index::{build_index, summary_line};
use crate::cli::{ColorChoice, IndexLocation, SearchArgs};
use crate::exit::Exit;

pub fn run(args: SearchArgs) -> anyhow::Result<Exit> {
    let query = super::query_of(&args.query)?;
    let settings = Settings::load(Flags {
        index: args.location.index.clone(),
        limit: args.limit,
        color: args.color,
    })?;
    let path = settings.index.value.clone();
    let dir = IndexDir::new(&path);
    // Built first when there is no index, or when a first run stopped before its first commit
    // left one that holds nothing and records no run (a second Ctrl-C, a kill). A searcher
    // opened to find out is kept. `Some(true)`: an index to build again.
    let mut opened = None;
    let build = match settings.search_may_build() && !dir.is_shard_set() {
        false => None,
        true => match dir.current()? {
            // A generation without its pointer is damage, said by the opening below.
            None if dir.was_built() => None,
            None => Some(false),
            Some(_) => {
                let searcher = Searcher::open(&dir)?;
                let unbuilt = super::never_built(&dir, &searcher);
                if !unbuilt {
                    opened = Some(searcher);
                }
                unbuilt.then_some(true)
            }
        },
    };
    if let Some(again) = build {
        let roots = &settings.corpus.value;
        let shown = |p: &std::path::Path| format!("{}/", printable(&p.display().to_string()));
        let corpus = roots
            .iter()
            .map(|r| shown(r))
            .collect::<Vec<_>>()
            .join(", ");
        if roots.is_empty() {
            anyhow::bail!(
                "no index at {} and no corpus to build it from (the config file's `corpus` is \
                 empty): pass --index, set {INDEX_VAR}, or index a corpus with `attache index PATH`",
                shown(&path),
            );
        }
        if !roots.iter().any(|root| root.exists()) {
            anyhow::bail!(
                "no index at {} and no {corpus} here: pass --index, set {INDEX_VAR}, or index a \
                 corpus with `attache index PATH`",
                shown(&path),
            );
        }
        match again {
            false => eprintln!(
                "no index at {} yet: building it from {corpus} first",
                shown(&path)
            ),
            true => eprintln!(
                "{} holds no articles and records no indexing run: building it from {corpus} \
                 first",
                shown(&path)
            ),
        }
        let options = BuildOptions {
            fallback_roots: roots.clone(),
            ..BuildOptions::new(Vec::new())
        };
        let summary = build_index(&dir, &options, false)?;
        if !summary.complete {
            eprintln!("{}", super::index::interrupted_line(&summary));
            return Ok(Exit::Interrupted);
        }
        eprintln!("{}", summary_line(&summary));
    }
    let mut searcher = match opened {
        Some(searcher) => searcher,
        None => Searcher::open(&dir)?,
    };
    searcher.set_threads(args.threads)?;
    super::note_partial(&dir, &searcher);
    if let Some(file) = &args.queries {
        return super::batch::run(&mut searcher, &args, &settings, file);
    }
    let request = request(&args, &settings, query);
    let results = searcher.search(&request)?;
    let without = without_each(&mut searcher, &args, &settings, &request.query, &results)?;
    // Each hit's neighbours are read as it is written, and dropped after.
    let mut context = |i: usize| -> std::io::Result<Option<Vec<attache::search::show::Passage>>> {
        let (n, Some(hit)) = (args.context, results.hits.get(i)) else {
            return Ok(None);
        };
        if n == 0 {
            return Ok(None);
        }
        searcher
            .neighbours(&hit.article_id, hit.passage, n)
            .map(Some)
            .map_err(std::io::Error::other)
    };
    let suggestions = suggestions(&searcher, &request.query, results.passages_matched)?;
    if args.json || args.count {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if args.json {
            // With --count there are no hits: the summary line alone.
            let tags = Tags::default();
            let hints = render::json::Hints {
                suggestions: &suggestions,
                without: &without,
                partial: super::index_partial(),
            };
            render::json::write_tagged(&mut out, &results, tags, hints, &mut context)?;
        } else {
            writeln!(out, "{}", render::count(&results))?;
        }
        out.flush()?;
        if !args.json {
            super::dates_line(
                &mut searcher,
                &request.query,
                (request.since, request.until),
                results.passages_matched,
            );
            did_you_mean(&request.query, &suggestions);
            without_line(&without);
        }
    } else {
        let color = use_color(settings.color.value);
        let pager = super::output::pager(args.pager, &settings);
        super::output::show(
            super::output::width(args.view.width),
            pager.as_deref(),
            |out| render::text(out, &results, &mut context, color),
        )?;
        eprintln!("{}", render::summary(&results));
        super::dates_line(
            &mut searcher,
            &request.query,
            (request.since, request.until),
            results.passages_matched,
        );
        did_you_mean(&request.query, &suggestions);
        without_line(&without);
        if std::io::stderr().is_terminal()
            && let Some((phrase, n)) = searcher.phrase_hint(&request, results.passages_matched)?
        {
            let passages = if n == 1 {
                "passage has"
            } else {
                "passages have"
            };
            eprintln!("{n} {passages} the exact phrase: quote it, {phrase}");
        }
    }
    // The process ends after this: its exit unmaps the index's files all at once, cheaper than
    // dropping the searcher, which unmaps them (six a segment) one by one.
    std::mem::forget(searcher);
    // A page past the last hit has none to show: a loop paging with `--offset` stops there.
    let any = match args.count {
        true => results.passages_matched > 0,
        false => !results.hits.is_empty(),
    };
    Ok(super::listed(any))
}

/// The searcher of a command that reads the index and prints (`--index`, the environment,
/// the config file or `index/`), whether its standard output gets colour (`--color`, the
/// config file, the conventions: see [`use_color`]), and the settings (for the pager).
pub(super) fn open_for_output(
    location: &IndexLocation,
    color: Option<ColorChoice>,
) -> anyhow::Result<(Searcher, bool, Settings)> {
    let settings = Settings::load(Flags {
        index: location.index.clone(),
        limit: None,
        color,
    })?;
    let dir = IndexDir::new(&settings.index.value);
    let searcher = Searcher::open(&dir)?;
    super::note_partial(&dir, &searcher);
    let color = use_color(settings.color.value);
    Ok((searcher, color, settings))
}

/// The request for `query` with the options given.
pub fn request(args: &SearchArgs, settings: &Settings, query: String) -> SearchRequest {
    SearchRequest {
        query,
        limit: if args.count { 0 } else { settings.limit.value },
        since: args.dates.since,
        until: args.dates.until,
        expand_aliases: !args.strict_spelling,
        timeout: (!args.timeout.is_zero()).then_some(args.timeout),
        ranking: args.ranking.into(),
        sort: args.sort.into(),
        offset: args.offset,
        exact_count: args.exact_count,
        explain: args.explain,
        group: Grouping {
            per_article: args.per_article,
            collapse: !args.no_collapse,
        },
    }
}

/// The close spellings of the query's unknown words, when nothing matched.
pub fn suggestions(
    searcher: &Searcher,
    query: &str,
    matched: u64,
) -> anyhow::Result<Vec<Suggestion>> {
    Ok(match matched {
        0 => suggest(searcher, query)?,
        _ => Vec::new(),
    })
}

/// For a search without matches, what its query matches with each of its parts left out
/// (nothing for a query that matches).
pub fn without_each(
    searcher: &mut Searcher,
    args: &SearchArgs,
    settings: &Settings,
    query: &str,
    results: &attache::search::SearchResults,
) -> anyhow::Result<Vec<Relaxed>> {
    if results.passages_matched > 0 {
        return Ok(Vec::new());
    }
    Ok(searcher.without_each(&request(args, settings, query.to_owned()))?)
}

/// Says on stderr what the query matches with each of its parts left out, the most first:
/// `no passage has every part; without `bombing`: 51 passages (Kosovo NATO), …`.
fn without_line(without: &[Relaxed]) {
    let Some(first) = without.first() else {
        return;
    };
    let count = |r: &Relaxed| {
        let at_least = if r.exact { "" } else { "≥ " };
        let s = if r.passages == 1 { "" } else { "s" };
        format!("{at_least}{} passage{s}", r.passages)
    };
    let mut line = format!(
        "no passage has every part of the query; without `{}`: {} ({})",
        printable(&first.without),
        count(first),
        printable(&first.query)
    );
    for r in without.iter().skip(1).take(2) {
        line.push_str(&format!(
            ", without `{}`: {}",
            printable(&r.without),
            count(r)
        ));
    }
    eprintln!("{line}");
}

/// Says on stderr what the query would be with the index's spellings: `did you mean
/// ushakov?`, with the other close spellings of a one-word query.
fn did_you_mean(query: &str, suggestions: &[Suggestion]) {
    let Some(fixed) = corrected(query, suggestions) else {
        return;
    };
    match suggestions {
        [one] if one.terms.len() > 1 => {
            eprintln!("did you mean {fixed}? (or {})", one.terms[1..].join(", "))
        }
        _ => eprintln!("did you mean {fixed}?"),
    }
}

/// The environment variable that decides `auto` colour whatever the terminal, and its
/// decision: `NO_COLOR` (off), `CLICOLOR_FORCE` (on), `CLICOLOR=0` (off); `None` when the
/// terminal decides (see [`use_color`]).
pub(super) fn color_environment() -> Option<(&'static str, bool)> {
    if anstyle_query::no_color() {
        Some(("NO_COLOR", false))
    } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        Some(("CLICOLOR_FORCE", true))
    } else if anstyle_query::clicolor() == Some(false) {
        Some(("CLICOLOR=0", false))
    } else {
        None
    }
}

/// Whether to colour standard output. A choice made by flag or config file stands (as the
/// NO_COLOR convention asks); `auto` follows the conventions as anstyle-query reads them, the
/// way anstream does: `NO_COLOR` (non-empty) turns colour off; `CLICOLOR_FORCE` (non-empty and
/// not `0`) turns it on even through a pipe; `CLICOLOR=0` turns it off; otherwise a terminal
/// gets colour unless `TERM` is `dumb` (or unset without `CLICOLOR=1`); the `CI` variable
/// changes nothing.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let clicolor = anstyle_query::clicolor();
            if let Some((_, on)) = color_environment() {
                on
            } else {
                // A terminal that says TERM=dumb gets plain text wherever it runs, CI services
                // included; CLICOLOR=1 stands in only for a TERM that is not set.
                let term = std::env::var_os("TERM");
                std::io::stdout().is_terminal()
                    && term.as_deref() != Some("dumb".as_ref())
                    && (term.is_some() || clicolor == Some(true))
            }
        }
    }
}
