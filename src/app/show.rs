//! `attache show`: an article, or a passage with its neighbours, as text or JSON Lines.

use std::io::Write;
use std::process::ExitCode;

use attache::index::IndexDir;
use attache::render;
use attache::search::Searcher;
use attache::search::show::ShowRequest;

use super::config::{Flags, Settings};
use super::search::use_color;
use crate::cli::ShowArgs;

pub fn run(args: ShowArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(Flags {
        index: args.location.index.clone(),
        limit: None,
        color: args.color,
    })?;
    let mut searcher = Searcher::open(&IndexDir::new(&settings.index.value))?;
    let request = ShowRequest {
        location: args.id,
        context: args.context,
        query: args.query,
    };
    let shown = searcher.show(&request)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        render::show::json(&mut out, &shown)?;
    } else {
        render::show::text(&mut out, &shown, use_color(settings.color.value))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
