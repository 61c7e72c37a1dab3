//! A facet's chart as an SVG file, for a report: one bar per value or period (zero rows
//! included, so a timeline's gaps show), the query as the title, the axes labelled.
//!
//! Drawn with plotters' SVG backend, which writes text as `<text>` elements: no font file is
//! read, and label widths are estimated.

use std::path::Path;

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::search::facets::{FacetRow, Facets};

/// The picture's size in pixels.
const SIZE: (u32, u32) = (960, 540);
/// The most value labels along the horizontal axis; plotters spaces them out.
const MAX_LABELS: usize = 24;
/// The bars' colour: the terminal chart's cyan, darkened for print.
const BAR: RGBColor = RGBColor(0, 128, 160);

/// Writes the chart of `facets` to `path`, titled `title`.
///
/// # Errors
/// When the file cannot be written; the error names it as `named` (the file the user gave,
/// when `path` is where it is written first).
pub fn write(path: &Path, named: &Path, facets: &Facets, title: &str) -> Result<()> {
    draw(path, facets, title).map_err(|e| {
        Error::Invalid(format!(
            "{}: cannot write the chart: {e}: pass --svg a writable path",
            named.display()
        ))
    })
}

fn draw(
    path: &Path,
    facets: &Facets,
    title: &str,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let rows = &facets.rows;
    let most = rows.iter().map(|r| r.passages).max().unwrap_or(0).max(1);
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    // Control characters have no place in XML, not even as references: they are written
    // escaped, as the terminal shows them.
    let title = crate::error::printable(title);
    let mut chart = ChartBuilder::on(&root)
        .caption(title.as_ref(), ("sans-serif", 22))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(
            // A segmented range holds its end too: 0..n-1 is n slots, one a row.
            (0..rows.len().max(1) as u32 - 1).into_segmented(),
            0..most + most / 10 + 1,
        )?;
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            rows.get(*i as usize).map(name).unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(rows.len().clamp(1, MAX_LABELS))
        .x_label_formatter(&label)
        .x_desc(facets.by.name())
        .y_desc("passages")
        .axis_desc_style(("sans-serif", 16))
        .draw()?;
    let counted = rows.iter().enumerate().filter(|(_, row)| row.passages > 0);
    let slots = rows.len() as u32;
    chart.draw_series(counted.map(|(i, row)| {
        // The last slot ends at the axis's end, which no value names.
        let at = |x: u32| match x < slots {
            true => SegmentValue::Exact(x),
            false => SegmentValue::Last,
        };
        let mut bar = Rectangle::new(
            [(at(i as u32), 0), (at(i as u32 + 1), row.passages)],
            BAR.filled(),
        );
        bar.set_margin(0, 0, 1, 1);
        bar
    }))?;
    root.present()?;
    Ok(())
}

/// A value's label: an entity's name, else the value (control characters escaped).
fn name(row: &FacetRow) -> String {
    let name = row.name.as_deref().unwrap_or(&row.value);
    crate::error::printable(name).into_owned()
}
