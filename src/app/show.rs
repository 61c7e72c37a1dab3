//! `attache show`: an article, or a passage with its neighbours, as text or JSON Lines.

use std::io::Write;

use attache::render;
use attache::search::show::ShowRequest;

use super::search::open_for_output;
use crate::cli::ShowArgs;
use crate::exit::Exit;

pub fn run(args: ShowArgs) -> anyhow::Result<Exit> {
    let (mut searcher, color) = open_for_output(&args.location, args.color)?;
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
        render::show::text(&mut out, &shown, color)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}
