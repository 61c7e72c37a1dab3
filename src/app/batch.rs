//! `attache search --queries FILE`: one query per line, JSON Lines out, each object tagged
//! with its query and line. A query that fails is reported (stderr: `FILE: line N: why`;
//! stdout: an `error` object) and the rest still run; the exit status then says so.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::Context;

use attache::error::printable;
use attache::render::json::{self, Tags};
use attache::search::Searcher;

use super::config::Settings;
use super::search::{request, suggestions, without_each};
use crate::cli::SearchArgs;
use crate::exit::Exit;

/// Runs every query of `file` (`-`: standard input) with the options of `args`.
pub fn run(
    searcher: &mut Searcher,
    args: &SearchArgs,
    settings: &Settings,
    file: &Path,
) -> anyhow::Result<Exit> {
    let name = file.display().to_string();
    let input: Box<dyn BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        if file.is_dir() {
            anyhow::bail!(
                "cannot read queries from {}: it is a folder; give a file of queries, one a line, \
                 or - for standard input",
                attache::error::printable(&name)
            );
        }
        let f = std::fs::File::open(file)
            .with_context(|| format!("cannot read queries from {name}"))?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut failed, mut matched, mut ran) = (0usize, false, 0usize);
    // A reader that stops reading (`| head`) ends the run; the lines that failed before still
    // make it fail.
    let run = (|| -> anyhow::Result<()> {
        // A lone `\r` ends a line too (a file saved with classic Mac OS line ends).
        let lines = input.split(b'\n').flat_map(|line| match line {
            Ok(mut line) => {
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                let parts: Vec<_> = line.split(|&b| b == b'\r').map(<[u8]>::to_vec).collect();
                parts.into_iter().map(Ok).collect::<Vec<_>>()
            }
            Err(e) => vec![Err(e)],
        });
        for (n, line) in lines.enumerate() {
            let line = line.with_context(|| format!("cannot read queries from {name}"))?;
            if n == 0
                && let Some(why) = attache::corpus::utf16_hint(&line)
            {
                anyhow::bail!("{}: {why}", printable(&name));
            }
            // A line that is not UTF-8 is not run as whatever its bytes read as: it is an error
            // of its own, and the others run.
            let line = match std::str::from_utf8(&line) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(e) => {
                    failed += 1;
                    let why = format!(
                        "not UTF-8 (byte {} of the line): save the queries file as UTF-8",
                        e.valid_up_to() + 1
                    );
                    let tags = Tags {
                        query: None,
                        line: Some(n + 1),
                    };
                    report_failure(&mut out, tags, &name, &why)?;
                    continue;
                }
            };
            // A byte-order mark opening the file is no part of its first query.
            let line = match n {
                0 => line.trim_start_matches('\u{feff}'),
                _ => &line,
            };
            let query = line.trim();
            if query.is_empty() || query.starts_with('#') {
                continue;
            }
            ran += 1;
            let tags = Tags {
                query: Some(query),
                line: Some(n + 1),
            };
            let outcome = searcher
                .search(&request(args, settings, query.to_owned()))
                .map_err(anyhow::Error::from)
                .and_then(|results| {
                    let found = suggestions(searcher, query, results.passages_matched)?;
                    let without = without_each(searcher, args, settings, query, &results)?;
                    Ok((results, found, without))
                });
            match outcome {
                Ok((results, found, without)) => {
                    matched |= results.passages_matched > 0;
                    let hints = json::Hints {
                        suggestions: &found,
                        without: &without,
                        partial: super::index_partial(),
                    };
                    json::write_tagged(
                        &mut out,
                        &results,
                        tags,
                        hints,
                        &mut attache::render::no_context,
                    )?;
                }
                Err(err) => {
                    failed += 1;
                    report_failure(&mut out, tags, &name, &super::message(&err))?;
                }
            }
        }
        out.flush()?;
        Ok(())
    })();
    match run {
        Err(err) if failed > 0 && super::is_broken_pipe(&err) => return Ok(Exit::Failure),
        other => other?,
    }
    if ran == 0 && failed == 0 {
        eprintln!(
            "no queries in {}: every line is blank or a # comment",
            printable(&name)
        );
    }
    Ok(if failed > 0 {
        Exit::Failure
    } else if matched {
        Exit::Success
    } else {
        Exit::NoMatch
    })
}

/// A line of the queries file that failed: its error object on stdout, then the same on
/// stderr (the JSON line first, so that the two read in the same order).
fn report_failure(
    out: &mut impl Write,
    tags: Tags<'_>,
    name: &str,
    why: &str,
) -> anyhow::Result<()> {
    json::write_error(out, tags, why)?;
    out.flush()?;
    let line = tags.line.unwrap_or_default();
    eprintln!("attache: {}: line {line}: {why}", printable(name));
    Ok(())
}
