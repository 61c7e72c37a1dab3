//! `attache config`, `attache completions` and `attache man`: what the command line is set to
//! and how to install it.

use std::io::Write;

use attache::error::printable;
use clap::{CommandFactory, ValueEnum};
use serde_json::json;

use super::config::Source;
use crate::cli::{Cli, CompletionsArgs, ConfigArgs};
use crate::exit::Exit;

/// Prints each setting in force and where it came from.
pub fn run(args: ConfigArgs) -> anyhow::Result<Exit> {
    let settings = args.location.settings()?;
    let color = settings
        .color
        .value
        .to_possible_value()
        .map(|v| v.get_name().to_owned());
    let color = color.unwrap_or_default();
    // `auto` is decided by the environment when it names a choice (`NO_COLOR`, …).
    let decided = (settings.color.value == crate::cli::ColorChoice::Auto)
        .then(super::search::color_environment)
        .flatten()
        .map(|(variable, on)| (variable, if on { "always" } else { "never" }));
    let corpus: Vec<String> = settings
        .corpus
        .value
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let rows = [
        (
            "index",
            json!(settings.index.value.display().to_string()),
            &settings.index.source,
        ),
        ("corpus", json!(corpus), &settings.corpus.source),
        ("limit", json!(settings.limit.value), &settings.limit.source),
        ("color", json!(color), &settings.color.source),
        ("pager", json!(settings.pager.value), &settings.pager.source),
    ];
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::Map::new();
        for (key, v, source) in &rows {
            let mut setting = json!({ "value": v, "source": source.kind(), "from": from(source) });
            if *key == "color"
                && let Some((variable, decided)) = decided
            {
                setting["environment"] = json!({ "variable": variable, "decides": decided });
            }
            value.insert((*key).to_owned(), setting);
        }
        value.insert(
            "config_file".to_owned(),
            json!({
                "path": settings.file.as_ref().map(|(p, _)| p.display().to_string()),
                "exists": settings.file.as_ref().is_some_and(|(_, e)| *e),
            }),
        );
        writeln!(out, "{}", serde_json::Value::Object(value))?;
    } else {
        for (key, v, source) in &rows {
            let shown = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            let shown = match decided {
                Some((variable, decided)) if *key == "color" => {
                    format!("{shown}: {decided} ({variable} in the environment)")
                }
                _ => shown,
            };
            // Control characters in a path or value are escaped, as every command prints them.
            let source = source.to_string();
            writeln!(
                out,
                "{key:<7} {}  ({})",
                printable(&shown),
                printable(&source)
            )?;
        }
        let file = match &settings.file {
            Some((path, true)) => path.display().to_string(),
            Some((path, false)) => format!("{} (not found)", path.display()),
            None => "none (neither XDG_CONFIG_HOME nor HOME is set)".to_owned(),
        };
        writeln!(out, "{:<7} {}", "file", printable(&file))?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

/// The flag, variable or file a setting came from, for JSON.
fn from(source: &Source) -> Option<String> {
    match source {
        Source::Flag(name) | Source::Env(name) => Some((*name).to_owned()),
        Source::File(path) => Some(path.display().to_string()),
        Source::Default => None,
    }
}

/// Prints the completion script for a shell.
pub fn completions(args: CompletionsArgs) -> anyhow::Result<Exit> {
    // clap_complete panics when its writer fails (a full disk, a closed pipe): the script is
    // written to memory first, and then out, where a failure is an error like any other.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "attache", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Exit::Success)
}

/// Prints the manual page.
pub fn man() -> anyhow::Result<Exit> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(Exit::Success)
}
