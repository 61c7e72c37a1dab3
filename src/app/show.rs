//! `attache show`: an article, or a passage with its neighbours, as text or JSON Lines.

use std::io::Write;

use attache::error::printable;
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
    // `report#0` names the article `report#0`; search prints passage 0 of `report` so too.
    if let Some((id, n)) = searcher.passage_reading(&request.location)? {
        eprintln!(
            "note: '{}' is an article's id; passage {n} of the article '{}' is in `attache show \
             '{}'`",
            printable(&request.location),
            printable(&id),
            printable(&id)
        );
    }
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
