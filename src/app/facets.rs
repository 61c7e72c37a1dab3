//! `attache facets`: count the matching passages per value and draw the bar chart (or write
//! JSON Lines, or an SVG file).

use std::io::Write;
use std::process::ExitCode;

use attache::render;
use attache::search::facets::{FacetRequest, facets};

use super::search::open_for_output;
use crate::cli::FacetsArgs;

/// How many values of a facet other than dates are shown without `--limit`.
pub const DEFAULT_VALUES: usize = 20;
/// The chart's width when neither `COLUMNS` nor the terminal says.
const DEFAULT_WIDTH: usize = 80;

pub fn run(args: FacetsArgs) -> anyhow::Result<ExitCode> {
    let (mut searcher, color) = open_for_output(&args.location, args.color)?;
    let query = args.query.join(" ");
    let mut request = FacetRequest::new(query.clone(), args.by);
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
        render::svg::write(path, &facets, &title)?;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        render::facets::json(&mut out, &facets)?;
    } else {
        render::facets::chart(&mut out, &facets, width(), color)?;
        out.flush()?;
        eprintln!("{}", render::facets::summary(&facets));
        if let Some(missing) = render::facets::missing(&facets) {
            eprintln!("{missing}");
        }
    }
    out.flush()?;
    Ok(if facets.matched.passages > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The chart's width: `COLUMNS` when it is a positive number, else the terminal's width when
/// standard output is one, else 80.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| {
            console::Term::stdout()
                .size_checked()
                .map(|(_, columns)| usize::from(columns))
        })
        .unwrap_or(DEFAULT_WIDTH)
}
