//! `attache show`: an article, or a passage with its neighbours, as text or JSON Lines.

use std::io::Write;

use attache::render;
use attache::search::show::ShowRequest;

use super::search::open_for_output;
use crate::cli::ShowArgs;
use crate::exit::Exit;

pub fn run(args: ShowArgs) -> anyhow::Result<Exit> {
    let (mut searcher, color, settings) = open_for_output(&args.location, args.color)?;
    let request = ShowRequest {
        location: args.id,
        context: args.context,
        query: args.query,
    };
    let shown = searcher.show(&request)?;
    if args.json {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        render::show::json(&mut out, &shown)?;
        out.flush()?;
    } else {
        // Wrapped and paged as search's text is.
        let pager = super::output::pager(args.pager, &settings);
        super::output::show(
            super::output::width(args.view.width),
            pager.as_deref(),
            |out| render::show::text(out, &shown, color),
        )?;
    }
    Ok(Exit::Success)
}
