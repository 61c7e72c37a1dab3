//! `attache facets`: count the matching passages per value and draw the bar chart (or write
//! JSON Lines, or an SVG file).

use std::io::Write;

use attache::render;
use attache::search::facets::{FacetRequest, facets};

use super::search::open_for_output;
use crate::cli::FacetsArgs;
use crate::exit::Exit;

/// How many values of a facet other than dates are shown without `--limit`.
pub const DEFAULT_VALUES: usize = 20;

pub fn run(mut args: FacetsArgs) -> anyhow::Result<Exit> {
    let query = super::query_of(&args.query)?;
    args.svg = super::config::home_expanded_option(args.svg.take(), "--svg")?;
    if let Some(path) = &args.svg {
        super::written::check(path, super::written::Kind::Chart)?;
    }
    let (mut searcher, color, _) = open_for_output(&args.location, args.color)?;
    let mut request = FacetRequest::new(query.clone(), args.by);
    request.timeout = Some(args.timeout);
    if let Some(sort) = args.sort {
        request.sort = sort.into();
    }
    request.since = args.dates.since;
    request.until = args.dates.until;
    request.limit = match (args.limit, request.by.precision()) {
        (Some(n), _) => Some(n),
        (None, Some(_)) => None,
        (None, None) => Some(DEFAULT_VALUES),
    };
    let facets = facets(&mut searcher, &request)?;
    if let Some(path) = &args.svg {
        let title = match query.trim() {
            "" => format!("all passages by {}", request.by.name()),
            q => format!("{q} by {}", request.by.name()),
        };
        super::written::atomically(path, |partial| {
            Ok(render::svg::write(partial, path, &facets, &title)?)
        })?;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        render::facets::json(&mut out, &facets, super::index_partial())?;
    } else {
        render::facets::chart(
            &mut out,
            &facets,
            super::output::width(args.width.filter(|&w| w > 0)),
            color,
        )?;
        out.flush()?;
        eprintln!("{}", render::facets::summary(&facets));
        super::dates_line(
            &mut searcher,
            &query,
            (request.since, request.until),
            facets.matched.passages,
        );
        if let Some(missing) = render::facets::missing(&facets) {
            eprintln!("{missing}");
        }
    }
    out.flush()?;
    Ok(if facets.matched.passages > 0 {
        Exit::Success
    } else {
        Exit::NoMatch
    })
}
